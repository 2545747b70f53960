"""`csec-desktop`: start the window on a vault folder (or the demo vault)."""

from __future__ import annotations

import argparse
import logging
import platform
import sys
from pathlib import Path

from csec_desktop import APP_NAME, __version__
from csec_desktop.paths import default_vault_dir, demo_vault_dir

log = logging.getLogger("csec.app")

DEMO_USER = "demo"
DEMO_PASSPHRASE = "demo vault passphrase"  # noqa: S105 (shown on screen on purpose)
"""The demo vault holds only synthetic youth, so its credentials are shown on screen."""


def ensure_demo_vault(folder: Path, youth: int = 300) -> None:
    from csec_desktop.demo import populate
    from csec_desktop.storage.vault import Vault, vault_exists

    if vault_exists(folder):
        return
    vault, _secret = Vault.create(folder, county="Demo County", admin=DEMO_USER,
                            passphrase=DEMO_PASSPHRASE, display_name="Demo administrator")
    try:
        populate(vault, youth, seed=2026, workers=[DEMO_USER])
    finally:
        vault.lock("setup")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="csec-desktop", description=APP_NAME)
    parser.add_argument("--vault", type=Path, help="vault folder")
    parser.add_argument("--demo", action="store_true", help="open (creating if needed) a demo vault")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--smoke-test", type=Path, metavar="DIR",
                        help="check this build end to end offscreen in a new folder, then quit")
    args = parser.parse_args(argv)
    if args.smoke_test:
        from ui.smoke import main as smoke

        return smoke(args.smoke_test)

    from PySide6.QtWidgets import QApplication

    from csec_desktop import logs

    folder = (args.vault or demo_vault_dir()) if args.demo else (args.vault or default_vault_dir())
    # The log, faults.log and the crash hook before anything else can fail (docs/architecture.md,
    # "Logging and crash reports"): no names, no record bodies, no messages are written.
    logs.setup(folder)
    logs.install_faulthandler(folder)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    from ui import crash

    crash.install(folder)
    log.info("start: version %s, python %s, %s, demo %s, installed build %s", __version__,
             platform.python_version(), sys.platform, args.demo, bool(getattr(sys, "frozen", False)))

    from csec_desktop.storage.vault import vault_exists
    from ui.i18n import _
    from ui.main_window import MainWindow

    window = MainWindow(folder)  # loads the interface language chosen last time
    if args.demo:
        window.unlock_page.user.setText(DEMO_USER)
        window.unlock_page.message.setText(
            _("Demo vault of fictional youth. User name: {user}, passphrase: {passphrase}").format(
                user=DEMO_USER, passphrase=DEMO_PASSPHRASE))
        if not vault_exists(folder):
            # Made on the worker thread: the window is up at once and says what it is doing.
            window.prepare(lambda: ensure_demo_vault(folder),
                           _("Preparing the demo vault of fictional youth (a few seconds, once)…"))
    elif not vault_exists(folder):
        window.start_first_run()
    window.show()
    page = window.unlock_page
    (page.passphrase if page.user.text() else page.user).setFocus()
    code = int(app.exec())
    log.info("exit %d", code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

"""`csec-desktop`: start the window on a vault folder (or the demo vault)."""

from __future__ import annotations

import argparse
import logging
import platform
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from csec_desktop import APP_NAME, __version__
from csec_desktop.paths import default_vault_dir, demo_vault_dir, resource_root

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

log = logging.getLogger("csec.app")

DEMO_USER = "demo.worker"
"""The demo signs in as a caseworker by default (the unlock page is filled in with this name)."""
DEMO_PASSPHRASE = "demo caseworker passphrase"  # noqa: S105 (shown on screen on purpose)
"""The demo vault holds only synthetic youth, so its people's passphrases are shown on screen
(csec_desktop.demo.DEMO_STAFF: one person per role)."""


def ensure_demo_vault(folder: Path, youth: int = 300) -> None:
    """The demo county on first run: a person of every role, the resource directory and `youth`
    fictional youth with a working day in every module, dated from this moment."""
    from csec_desktop.demo import create_demo_vault
    from csec_desktop.usecases.unlock import vault_exists

    if not vault_exists(folder):
        create_demo_vault(folder, youth)


def demo_users() -> list[tuple[str, str, str]]:
    """(user name, role, passphrase) of the demo's people, the caseworker first."""
    from csec_desktop.demo import DEMO_STAFF

    return [(name, role.value, passphrase) for name, role, _display, _unit, passphrase in DEMO_STAFF]


def application_icon() -> QIcon:
    from PySide6.QtGui import QIcon

    return QIcon(str(resource_root() / "assets" / "icon" / "csec-desktop.png"))


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
    from ui import pyside_hook

    pyside_hook.quicken()  # before the window's modules are imported

    folder = (args.vault or demo_vault_dir()) if args.demo else (args.vault or default_vault_dir())
    # The log, faults.log and the crash hook before anything else can fail (docs/architecture.md,
    # "Logging and crash reports"): no names, no record bodies, no messages are written.
    logs.setup(folder)
    logs.install_faulthandler(folder)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    QApplication.setWindowIcon(application_icon())  # every window, dialog and the taskbar entry
    from ui import crash
    from ui.collector import MainThreadCollector

    collector = MainThreadCollector(app)  # cycles holding Qt objects freed only on this thread

    crash.install(folder)
    log.info("start: version %s, python %s, %s, demo %s, installed build %s", __version__,
             platform.python_version(), sys.platform, args.demo, bool(getattr(sys, "frozen", False)))

    from csec_desktop.usecases.unlock import vault_exists
    from ui.i18n import N_, _
    from ui.main_window import MainWindow

    window = MainWindow(folder)  # loads the interface language chosen last time
    if args.demo:
        window.unlock_page.offer_demo_users(demo_users(), DEMO_USER)
        window.unlock_page.say(N_("Demo vault of fictional youth: sign in as one of these people."))
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
    collector.stop()
    log.info("exit %d", code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

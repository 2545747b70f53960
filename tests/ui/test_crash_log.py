"""A youth's name in an exception's message reaches no file under logs/: not the log, not a
crash report, not faults.log. The log still says what kind of error happened, and the
crash report where."""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from csec_desktop import caseload, logs
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, youth_data
from tests.ui.test_shell import _unlock
from ui import crash
from ui.main_window import MainWindow
from ui.worker import Holder

pytestmark = pytest.mark.qt_log_level_fail("WARNING")

GIVEN, FAMILY = "Zanzibarina", "Qwertyfield"  # fictional
CANARY = f"{GIVEN} {FAMILY}"


def _needles() -> list[bytes]:
    found = []
    for text in (CANARY, GIVEN, FAMILY):
        for variant in (text, text.lower(), text.upper()):
            found += [variant.encode("utf-8"), variant.encode("utf-16-le")]
    return found


def _files_with_the_canary(folder: Path) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(needle in data for needle in _needles()) or GIVEN.lower() in path.name.lower():
                hits.append(path.name)
    return hits


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The hooks go back as they were, and the log and faults.log are closed, afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    was_enabled = faulthandler.is_enabled()
    level = logging.getLogger().level
    yield
    logs.close()
    logging.getLogger().setLevel(level)
    if was_enabled:
        faulthandler.enable(file=sys.__stderr__, all_threads=True)


def test_a_name_in_an_error_reaches_no_log_file(qtbot: QtBot, tmp_path: Path, installed: None) -> None:
    folder = tmp_path / "vault"
    vault, _secret = Vault.create(folder, county="Demo County", admin="admin", passphrase=ADMIN_PASS)
    youth_id = caseload.create_youth(vault, youth_data(
        legal_name={"given": GIVEN, "family": FAMILY}, assigned_worker="admin")).id
    vault.close()

    # As ui/app.py starts: the log, faults.log and the hooks before the window.
    logs.setup(folder)
    faults = logs.install_faulthandler(folder)
    reporter = crash.install(folder)
    assert sys.excepthook == reporter.excepthook
    window = MainWindow(folder)
    qtbot.addWidget(window)
    window.show()
    try:
        _unlock(qtbot, window, ADMIN_PASS)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.today_page, timeout=10_000)

        # 1. A bug on the worker thread, its message carrying the youth's name.
        def read_then_fail(holder: Holder) -> None:
            body: Any = holder.require().records.get(youth_id).body
            raise KeyError(f"{body.legal_name.given} {body.legal_name.family}")

        errors: list[Exception] = []
        window.backend.call(read_then_fail, None, errors.append)
        qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
        said = str(errors[0])
        assert "KeyError" in said and "county IT" in said and GIVEN not in said

        # 2. An error nobody caught, on the GUI thread: the installed excepthook.
        def place_youth(name: str) -> None:
            raise ValueError(f"no placement found for {name}")

        try:
            place_youth(CANARY)
        except ValueError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible(), timeout=5_000)
        assert reporter.box is not None
        first_report = reporter.reports[0]
        assert str(first_report) in reporter.box.informativeText()
        assert "county IT" in reporter.box.informativeText()
        assert "No case information" in reporter.box.text()

        # 3. ... and on another thread: threading.excepthook, the same box updated.
        def sync_youth() -> None:
            raise KeyError(CANARY)

        thread = threading.Thread(target=sync_youth)
        thread.start()
        thread.join()
        assert len(reporter.reports) == 2
        qtbot.waitUntil(lambda: reporter.box is not None
                        and str(reporter.reports[1]) in reporter.box.informativeText(), timeout=5_000)
        with faults.open("ab") as handle:  # what a fatal error writes there
            faulthandler.dump_traceback(file=handle, all_threads=True)
    finally:
        if reporter.box is not None:
            reporter.box.done(0)
        qtbot.waitUntil(lambda: reporter.box is None, timeout=5_000)
        window.close()

    for handler in logging.getLogger().handlers:
        handler.flush()
    log_folder = folder / "logs"
    assert {"csec-desktop.log", "faults.log"} <= {p.name for p in log_folder.iterdir()}
    assert _files_with_the_canary(log_folder) == []

    text = (log_folder / "csec-desktop.log").read_text(encoding="utf-8")
    assert "csec.worker" in text and "vault call failed: KeyError" in text and "in read_then_fail" in text
    assert f"unhandled ValueError; crash report {first_report.name}" in text
    assert "unhandled KeyError" in text
    report = first_report.read_text(encoding="utf-8")
    assert "Error: ValueError" in report and "in place_youth" in report
    assert "in sync_youth" in reporter.reports[1].read_text(encoding="utf-8")
    if os.name != "nt":
        for path in log_folder.iterdir():
            assert path.stat().st_mode & 0o777 == 0o600, path.name

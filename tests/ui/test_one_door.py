"""The window goes through the core's use cases: a search shows its true total, scrolling
loads more of the same search, the audit trail gets one "search" entry per search (the same
entry `csec search` writes) and "today_viewed" once, and a save writes no "view" entry."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csec_desktop import caseload, cli
from csec_desktop.demo import populate
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import caseload as caseload_screen
from tests.conftest import ADMIN_PASS, youth_data
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_level_fail("WARNING")


def _audit(win: MainWindow, qtbot: QtBot) -> list[tuple[str, dict[str, Any]]]:
    got: list[list[tuple[str, dict[str, Any]]]] = []
    win.tasks.run(lambda vault: [(e.action, e.detail) for e in vault.audit_log.entries()], got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    return got[0]


def test_search_paging_audit_and_save_through_the_core(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    vault, _ = Vault.create(folder, county="Demo County", admin="admin", passphrase=ADMIN_PASS)
    for n in range(230):  # more than one page of 200 match the same word
        caseload.create_youth(vault, youth_data(legal_name={"given": f"Given{n}", "family": "Pagetestfamily"},
                                                aliases=[], identifiers={}, assigned_worker="admin"))
    populate(vault, 40, seed=4, workers=["admin"])
    vault.close()

    win = MainWindow(folder)
    qtbot.addWidget(win)
    win.show()
    win.unlock_page.user.setText("admin")
    win.unlock_page.passphrase.setText(ADMIN_PASS)
    qtbot.mouseClick(win.unlock_page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
    qtbot.waitUntil(lambda: win.today_page.message.text() == "", timeout=30_000)  # Today done
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(win.caseload_page.search_box, "pagetestfam")
    qtbot.waitUntil(lambda: win.model.total() == 230, timeout=10_000)
    assert win.model.rowCount() == caseload_screen.PAGE == 100
    assert "100 of 230" in win.caseload_page.count.text()
    for shown in (200, 230):  # scrolled to the end, the next page comes, with the same words
        win.caseload_page.table.scrollToBottom()
        qtbot.waitUntil(lambda shown=shown: win.model.rowCount() == shown, timeout=10_000)
    assert all(win.model.summary(r).legal_name.endswith("Pagetestfamily") for r in range(230))
    assert "230 of 230" in win.caseload_page.count.text()

    # Audited once the person settles on it (no newer search for AUDIT_AFTER_MS), not per keystroke.
    qtbot.waitUntil(lambda: win.caseload._unaudited is None, timeout=10_000)
    entries = _audit(win, qtbot)
    searches = [d for a, d in entries if a == "search"]
    assert searches == [{"results": 230}]  # one per search settled on, not per keystroke or page
    assert [a for a, _d in entries].count("today_viewed") == 1

    # Open a youth, change one field, save: an "update", and no second "view".
    win.open_youth(win.model.summary(0).id)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.youth_page, timeout=10_000)
    before = len(_audit(win, qtbot))
    page = win.youth_page
    # A save refused (no such day), then corrected: the refusal's message goes with the good save.
    birth = page.edits["date_of_birth"].text()
    page.edits["date_of_birth"].setText("2010-02-30")
    page.edits["date_of_birth"].textEdited.emit("2010-02-30")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not saved" in page.notice.text(), timeout=10_000)
    assert page.errors["date_of_birth"].text() == "is not a day of the calendar: that month has fewer days"
    page.edits["date_of_birth"].setText(birth)
    page.edits["date_of_birth"].textEdited.emit(birth)
    page.edits["preferred_name"].setText("Renamed")
    page.edits["preferred_name"].textEdited.emit("Renamed")
    tab = page.tabs.currentIndex()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Renamed" in page.title.text(), timeout=10_000)
    assert page.notice.text() == ""
    assert [a for a, _d in _audit(win, qtbot)[before:]] == ["update"]
    assert win.youth_page.tabs.currentIndex() == tab
    win.close()

    # The command line writes the same entry for the same search.
    out = io.StringIO()
    assert cli.main(["--vault", str(folder), "--user", "admin", "--passphrase-stdin", "search",
                     "pagetestfam", "--limit", "5"], stdin=io.StringIO(ADMIN_PASS + "\n"), stdout=out) == 0
    again = Vault.unlock(folder, "admin", ADMIN_PASS)
    try:
        last = [(e.action, e.detail) for e in again.audit_log.entries() if e.action == "search"][-1]
        assert last == ("search", {"results": 230})
    finally:
        again.close()

"""Identification in the window: a screen from start to finish with its outcome and why, a status
that starts the 24-hour clocks on Today, completing one, and the team meeting's warning."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot

from tests.conftest import ADMIN_PASS
from tests.ui.test_shell import _open_first_youth, _unlock, new_window
from ui.form_view import _Rating


def test_screen_status_deadlines_and_completion(qtbot: QtBot, tmp_path: Path) -> None:
    win = new_window(qtbot, tmp_path / "vault", 8, seed=11)
    try:
        youth_id, page = _open_first_youth(qtbot, win)
        page.tabs.setCurrentIndex(5)  # CSEC
        qtbot.mouseClick(page.screen_button, Qt.MouseButton.LeftButton)
        view = win.form_view
        qtbot.waitUntil(lambda: win.stack.currentWidget() is view, timeout=10_000)
        assert "not proof" in view.notice.text()
        # Finishing with no source chosen is refused beside that field, on its step.
        qtbot.mouseClick(view.finish_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.errors["sources_used"].text() != "", timeout=10_000)
        assert view.steps.currentIndex() == 0
        view.widgets["sources_used"].boxes["youth"].setChecked(True)
        view.widgets["sources_used"].boxes["observation"].setChecked(True)
        for _step in range(len(view.spec.steps) - 1):
            qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
        assert "Step 7 of 7" in view.position.text()
        rating = view.widgets["exchange_for_needs"]
        assert isinstance(rating, _Rating)
        rating.buttons["clear"].setChecked(True)
        view.widgets["older_partner"].buttons["possible"].setChecked(True)
        qtbot.mouseClick(view.finish_button, Qt.MouseButton.LeftButton)
        assert view.reviewing() and view.score_button.isVisible()  # a review comes before the score
        qtbot.mouseClick(view.score_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Result:" in view.result.text(), timeout=10_000)
        text = view.result.text()
        assert "Clear concern" in text and "key item" in text
        assert "traded sexual acts" in text and "not proof" in text
        assert view.position.text() == "Scored and saved"  # not "Review before scoring" over the result
        qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is page and page.screens.count() == 1,
                        timeout=10_000)
        assert "Clear concern" in page.screens.item(0).text()
        # The worker records the status decision; the clocks start from when the information came.
        status = page.csec_status
        status.form.set_values({"status": "victim", "decided_at": "2026-11-28 08:00",
                                "basis": "Screen of today: clear concern; the youth disclosed an exchange."})
        qtbot.mouseClick(status.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(page.csec_status.items) == 1, timeout=10_000)
        assert page.csec_status.items[0]["decided_by"] == "admin"
        qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
        model = win.today_model
        qtbot.waitUntil(lambda: any(model.item(r).finding.rule_id == "csec.report_law_enforcement_24h"
                                    for r in range(model.rowCount())), timeout=10_000)
        row = next(r for r in range(model.rowCount())
                   if model.item(r).finding.rule_id == "csec.report_law_enforcement_24h")
        finding = model.item(row).finding
        assert finding.youth_id == youth_id and finding.citation == "Pen. Code, § 11166, subd. (j)(2)"
        def of_youth() -> int:
            return sum(1 for r in range(model.rowCount()) if model.item(r).finding.youth_id == youth_id)

        before = of_youth()
        win.today_page.table.selectRow(row)
        qtbot.keyClicks(win.today_page.note, "Reported with the fictional incident number 0000")
        win.today_page.method.setCurrentIndex(win.today_page.method.findData("telephone"))
        qtbot.keyClicks(win.today_page.recipient, "Demo County Sheriff (fictional desk)")
        qtbot.mouseClick(win.today_page.done_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not any(model.item(r).finding.rule_id == "csec.report_law_enforcement_24h"
                                        for r in range(model.rowCount())), timeout=10_000)
        assert of_youth() == before - 1  # the youth's other duties stay due
        from csec_desktop.storage.vault import Vault
        qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: win.backend.holder.vault is None, timeout=10_000)
        vault = Vault.unlock(win.folder, "admin", ADMIN_PASS)
        marks = [r.body.dump() for r in vault.records.attached(youth_id, "duty_done")]
        vault.close()
        assert marks[0]["method"] == "telephone" and marks[0]["done_at"]
        (told,) = marks[0]["recipients"]  # the line still being typed counts as a recipient
        assert "Sheriff" in told["who"] and told["method"] == "telephone" and told["at"]
    finally:
        win.close()


def test_a_screen_in_progress_is_kept_as_a_draft(qtbot: QtBot, tmp_path: Path) -> None:
    win = new_window(qtbot, tmp_path / "vault", 4, seed=12)
    try:
        youth_id, page = _open_first_youth(qtbot, win)
        page.screen_button.click()
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.form_view, timeout=10_000)
        with qtbot.waitSignal(win.form_view.draft_changed, timeout=10_000):
            win.form_view.widgets["sources_used"].boxes["records"].setChecked(True)
        qtbot.waitUntil(lambda: not win.backend.busy(), timeout=10_000)
        win.lock()
        assert win.form_view.spec is None  # nothing of the screen left on screen
        _unlock(qtbot, win, ADMIN_PASS)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        win.open_screen(youth_id, "csec_indicator_screen")
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.form_view, timeout=10_000)
        assert win.form_view.widgets["sources_used"].value() == ["records"]
    finally:
        win.close()


def test_an_administrator_sets_the_county_settings_shown_with_their_source(qtbot: QtBot,
                                                                           tmp_path: Path) -> None:
    from csec_desktop import policy
    from csec_desktop.storage.vault import Vault

    win = new_window(qtbot, tmp_path / "vault", 2, seed=13)
    try:
        _unlock(qtbot, win, ADMIN_PASS)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        win.admin_action.trigger()
        page = win.admin_page
        qtbot.waitUntil(lambda: win.stack.currentWidget() is page, timeout=10_000)
        spin = page.settings["team_convene_days"]
        assert spin.value() == 30 and "no statute" in spin.toolTip()
        spin.setValue(14)
        # A yes-or-no setting is a check box (a number box from 0 to 1 said "1 = yes").
        program = page.settings["csec_program_county"]
        assert isinstance(program, QCheckBox) and not program.isChecked()
        program.setChecked(True)
        # Saved, the county's data is said to have changed, so Today finds its due dates again
        # (supervisor review, session 36: they stayed on the old days until a lock).
        with qtbot.waitSignal(win.events.changed, timeout=10_000,
                              check_params_cb=lambda c: not c.youth_id and "policy" in c.kinds):
            qtbot.mouseClick(page.save_settings, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Settings saved" in page.message.text(), timeout=10_000)
        assert win.today._computed_at is None  # found again when shown
        qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: win.backend.holder.vault is None, timeout=10_000)
        vault = Vault.unlock(win.folder, "admin", ADMIN_PASS)
        assert policy.get(vault, "team_convene_days") == 14
        assert policy.get(vault, "csec_program_county") == 1
        assert any(e.action == "policy_changed" for e in vault.audit_log.entries())
        vault.close()
    finally:
        win.close()

"""A plan built from the rules' suggestions: add a goal, refer (refused without consent, then
sent with it), see the plan at a glance change, print the plan; the directory's names are
offered for the provider, and a CSV import is previewed before anything is written."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csec_desktop import directory
from csec_desktop.clock import legal_today
from csec_desktop.domain.youth import Youth
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, session_templates, youth_data
from tests.ui.test_shell import _unlock
from ui.directory_page import ImportDialog
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_level_fail("WARNING")


def _window(qtbot: QtBot, folder: Path) -> MainWindow:
    """One fictional nonminor dependent of 19 with no consent on record; one directory entry."""
    today = legal_today()

    def fill(vault: Vault) -> None:
        born = today - timedelta(days=round(19.4 * 365.25))
        eighteen = born.replace(year=born.year + 18)
        vault.records.create(Youth.model_validate(youth_data(
            date_of_birth=born.isoformat(), consents=[], assigned_worker="admin",
            legal_status=[
                {"status": "dependent", "start": "2015-01-01",
                 "end": (eighteen - timedelta(days=1)).isoformat()},
                {"status": "nonminor_dependent", "start": eighteen.isoformat()}],
            placement={"type": "resource_family"})))
        directory.add(vault, {"name": "Fictional Counseling Collective",
                              "services": "Trauma-informed therapy",
                              "domains": ["mental_health"], "age_from": 12, "age_to": 24})

    # A vault of its own, copied from the session's (made once per day it runs on: the ages count from today).
    session_templates().get(fill=fill, key=("a nonminor dependent of 19", today)).copy_to(folder)
    win = MainWindow(folder)
    qtbot.addWidget(win)
    win.show()
    return win


def test_build_a_plan_from_suggestions_refer_and_print(qtbot: QtBot, tmp_path: Path) -> None:
    win = _window(qtbot, tmp_path / "vault")
    try:
        _unlock(qtbot, win, ADMIN_PASS)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # the directory first
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.directory_page, timeout=10_000)
        qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: win.model.rowCount() == 1, timeout=10_000)
        win.open_youth(win.model.summary(0).id)
        page = win.youth_page
        qtbot.waitUntil(lambda: win.stack.currentWidget() is page, timeout=10_000)
        assert all(state == "Not assessed" for _area, state in page.services.glance.tile_text())
        # The needs assessment: housing and mental health needs, full-scope Medi-Cal.
        qtbot.mouseClick(page.services.needs_button, Qt.MouseButton.LeftButton)
        view = win.form_view
        qtbot.waitUntil(lambda: win.stack.currentWidget() is view, timeout=10_000)
        for field, value in (("housing_need", "need"), ("mental_health_need", "need"),
                             ("medi_cal", "full_scope")):
            view.widgets[field].setCurrentIndex(view.widgets[field].findData(value))
        qtbot.mouseClick(view.finish_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.result.text() == "Saved.", timeout=10_000)
        qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is page, timeout=10_000)
        glance = dict(page.services.glance.tile_text())
        assert glance["Housing and placement"] == "Need, no plan yet"
        # The suggestions, each with its law; SILP becomes a goal in the youth's words.
        rules = [f.rule_id for f in page.services.suggestions.findings]
        assert {"housing.silp", "housing.thp_nmd", "benefits.epsdt_intensive_mental_health"} <= set(rules)
        page.services.suggestions.listing.setCurrentRow(rules.index("housing.silp"))
        assert "11402.2" in page.services.suggestions.why.text()
        qtbot.mouseClick(page.services.suggestions.plan_button, Qt.MouseButton.LeftButton)
        form = page.services.goals.form
        assert form.values()["domain"] == "housing"
        assert "SILP" in form.values()["steps"]
        form.widgets["goal"].setPlainText("I want my own place near my college.")
        form.widgets["who_helps"].setText("Casey (worker)")
        qtbot.mouseClick(page.services.goals.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(page.services.goals.items) == 1, timeout=10_000)
        assert dict(page.services.glance.tile_text())["Housing and placement"] == "Being worked on"
        # Refer for mental-health services: the provider comes from the directory.
        rules = [f.rule_id for f in page.services.suggestions.findings]
        page.services.suggestions.listing.setCurrentRow(rules.index("benefits.epsdt_intensive_mental_health"))
        qtbot.mouseClick(page.services.suggestions.refer_button, Qt.MouseButton.LeftButton)
        # What the suggestion filled is kept in a draft as typing (caseworker review, session 36: the
        # page left and opened again brought back the provider typed, not the area and service).
        kept = page.services.referrals.form.typed()
        assert kept["domain"] == "mental_health" and kept["service"]
        provider = page.services.referrals.form.widgets["provider"]
        completer = provider.completer()  # type: ignore[attr-defined]
        assert completer is not None and completer.model().rowCount() == 1
        provider.setText("Fictional Counseling Collective")  # type: ignore[attr-defined]
        qtbot.mouseClick(page.services.referrals.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(page.services.referrals.items) == 1, timeout=10_000)
        assert page.services.referrals.items[0]["domain"] == "mental_health"
        # Refused without the youth's consent, nothing sent.
        page.services.referrals.listing.setCurrentRow(0)
        qtbot.mouseClick(page.services.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "consent" in page.services.referrals.message.text(), timeout=10_000)
        assert page.services.referrals.items[0]["status"] == "suggested"
        # With the consent recorded, it goes.
        consents = page.lists["consents"]
        consents.form.set_values({"kind": "referral", "scope": "mental-health referrals", "given_by": "youth",
                                  "given_on": legal_today().isoformat()})
        qtbot.mouseClick(consents.add_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(page.body.get("consents")), timeout=10_000)
        page.services.referrals.listing.setCurrentRow(0)
        page.services.confirm_consent = lambda _rid, _c: True  # type: ignore[method-assign]
        qtbot.mouseClick(page.services.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.services.referrals.items[0]["status"] == "referred", timeout=10_000)
        assert dict(page.services.glance.tile_text())["Mental health"] == "Being worked on"
        # The letter to the provider, for the selected referral.
        page.services.referrals.listing.setCurrentRow(0)
        qtbot.mouseClick(page.services.letter_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=10_000)
        assert win.documents.views[0].windowTitle() == "Referral"
        letter = pdfium.PdfDocument(win.documents.views[0].pdf)[0].get_textpage().get_text_range()
        assert "Fictional Counseling Collective" in letter and "consent" in letter
        win.documents.views[0].close()
        qtbot.waitUntil(lambda: win.documents.views == [], timeout=10_000)
        # Print the plan: the goal in the youth's words is on the page.
        qtbot.mouseClick(page.services.plan_print, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=10_000)
        text = pdfium.PdfDocument(win.documents.views[0].pdf)[0].get_textpage().get_text_range()
        assert "I want my own place near my college." in text
        win.documents.views[0].close()
    finally:
        win.close()


def test_directory_import_is_previewed_and_only_for_managers(qtbot: QtBot, tmp_path: Path) -> None:
    win = _window(qtbot, tmp_path / "vault")
    try:
        _unlock(qtbot, win, ADMIN_PASS)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        win.open_directory()
        page = win.directory_page
        qtbot.waitUntil(lambda: win.stack.currentWidget() is page, timeout=10_000)
        assert page.import_button.isVisible() and len(page.entries.items) == 1
        source = tmp_path / "providers.csv"
        source.write_text("name,services,domains,ages\nFictional Housing Co-op,Host homes,housing,18-21\n"
                          "Fictional Nowhere,Bad ages,housing,old\n", encoding="utf-8")
        shown: list[ImportDialog] = []
        page.import_file(source, shown.append)
        qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
        dialog = shown[0]
        assert "1 rows can be imported; 1 rows have problems" in dialog.summary.text()
        assert "ages" in dialog.model.data(dialog.model.index(1, 2))
        dialog.accept()
        qtbot.waitUntil(lambda: len(page.records) == 2, timeout=10_000)
        assert "1 added" in page.entries.message.text()
        # Filters: the area and the age.
        page.area.setCurrentIndex(page.area.findData("housing"))
        assert [i["name"] for i in page.entries.items] == ["Fictional Housing Co-op"]
        page.age.setValue(16)
        assert page.entries.items == []
        assert page.count.text() == "0 of 2 entries shown"
    finally:
        win.close()


def test_the_directory_search_leads_to_its_entries_by_keyboard(qtbot: QtBot) -> None:
    """On the caseload, Down or Enter in Find goes to the results; in the directory they did nothing."""
    from ui.directory_page import DirectoryPage

    page = DirectoryPage(None)  # type: ignore[arg-type]  # no vault needed: entries shown directly
    qtbot.addWidget(page)
    page.show()
    page.entries.set_items([{"name": "Fictional Youth Shelter", "services": "housing"}], ["d1"])
    page.activateWindow()
    page.search_box.setFocus()
    qtbot.keyClick(page.search_box, Qt.Key.Key_Down)
    assert page.focusWidget() is page.entries.listing and page.entries._row() == 0

"""The Reports page (issue 23): counts by unit with their law, the youth behind a count, exports;
locking clears it. Run against a real vault through a synchronous stand-in for the vault thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from csec_desktop import caseload
from csec_desktop.identification import record_status
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from tests.conftest import youth_data
from ui.reports_page import ReportsPage, presets


class NowTasks:
    """Runs each task at once on the test's vault (the window runs them on its vault thread)."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def run(self, work: Callable[[Vault], Any], done: Callable[[Any], None],
            failed: Callable[[BaseException], None] | None = None, latest: str | None = None) -> None:
        try:
            result = work(self.vault)
        except Exception as exc:
            assert failed is not None
            failed(exc)
            return
        done(result)

    def supersede(self, key: str) -> None:
        pass


def test_the_page_counts_lists_the_youth_and_exports(qtbot: QtBot, admin: Vault, tmp_path: Path) -> None:
    victims = []
    for n, unit in enumerate(("Unit A", "Unit A", "Unit B")):
        youth = caseload.create_youth(admin, youth_data(
            unit=unit, legal_name={"given": f"Fictionalia{n}", "family": "Reportson"},
            placement_history=[{"type": "strtp", "start": "2026-01-01"}]))
        decided = datetime(2026, 8, n + 1, 9, tzinfo=LEGAL_ZONE)
        record_status(admin, youth.id, "victim", "fictional basis", decided)
        victims.append(youth.id)
    page = ReportsPage(NowTasks(admin), now=lambda: datetime(2026, 10, 15, 9, tzinfo=LEGAL_ZONE))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.resize(1280, 720)
    assert page.period.text() == "2026Q3"  # last quarter, first in the picker
    assert [text for _label, text in presets(datetime(2026, 10, 15).date())][3] == "FY2026-27"
    page.load()
    assert not page.busy.isVisibleTo(page)  # shown only while counting
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert headers[:3] == ["Count", "Unit A", "Unit B"] and headers[-2:] == ["Total", "Law"]
    first = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert first == ["Youth identified as exploited", "2", "1", "3", "Welf. & Inst. Code 16501.45"]
    assert page.youth.count() == 3 and page.youth.item(0).text().startswith("Fictionalia")
    assert "received in the period" in page.definition.text()
    page.table.selectRow(4)  # ... placed in an STRTP
    assert page.youth.count() == 3
    with qtbot.waitSignal(page.open_requested) as opened:
        page.youth.itemActivated.emit(page.youth.item(0))
    assert opened.args[0] in victims
    caseload.add_attached(admin, victims[0], "licensed_screen", {
        "tool": "Fictional Screening Tool", "tool_version": "2.0", "screened_on": "2026-08-20",
        "screener": "casey", "screener_trained": True, "band": "clear_concern"})
    page.load()
    assert page.screens.rowCount() == 1 and page.screens.item(0, 0).text() == "Fictional Screening Tool"
    assert page.screens.item(0, 3).text() == "1" and "1 youth screened" in page.screens_title.text()
    # Narrowed to one unit, then to a court status none of them has on the period's last day.
    page.unit.setText("Unit B")
    page.load()
    assert [page.table.item(0, c).text() for c in range(1, 3)] == ["1", "1"]  # Unit B's column, total
    page.unit.clear()
    page.status.setCurrentIndex(page.status.findData("ward"))
    page.load()
    assert page.table.item(0, 1).text() == "0" and "court status ward" in page.report.scope.words()
    page.status.setCurrentIndex(0)
    page.load()
    # The duties an identification starts (none marked done here: all three still open), and the trend.
    police = [page.duties.item(0, c).text() for c in range(page.duties.columnCount())]
    assert police[:6] == ["Police report, 24 h", "3", "0", "0", "", "3"] and "11166" in police[6]
    page.duties.selectRow(0)
    assert page.youth.count() == 3 and "still open" in page.youth_title.text()
    assert page.table.selectedIndexes() == []  # one selection at a time decides the list
    assert page.trend.months[-3:] == ["2026-07", "2026-08", "2026-09"]
    assert "2026-08 3" in page.trend.accessibleDescription()  # all three in August, in words too
    # Every other figure drills down too: the three are 16 on the quarter's last day (AB 12).
    row = next(n for n, f in enumerate(page.report.more) if f.label == "16 or 17")
    assert page.more.item(row, 2).text() == "3"
    page.more.selectRow(row)
    assert page.youth.count() == 3 and "AB 12" in page.youth_title.text()
    assert page.duties.selectedIndexes() == [] and page.table.selectedIndexes() == []
    assert "Unit A 2" in page.by_unit.accessibleDescription()
    page.grab().save(str(tmp_path / "reports.png"))
    page.sections.setCurrentIndex(1)  # the charts
    page.grab().save(str(tmp_path / "reports-charts.png"))

    page.export_to(tmp_path / "r.csv", "quarterly review", deidentified=True)
    text = (tmp_path / "r.csv").read_text()
    assert "<11" in text and "Reportson" not in text and "Saved r.csv." in page.message.text()
    page.export_to(tmp_path / "printed", "for the program meeting", deidentified=False)
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")  # no ending typed: the PDF
    assert "Saved printed.pdf." in page.message.text()
    page.export_list("caseload", tmp_path / "mine.csv", "visits this week")
    assert "Reportson" in (tmp_path / "mine.csv").read_text() and "(3 rows)" in page.message.text()
    page.period.setText("last quarter")
    page.load()
    assert "period" in page.message.text().lower()  # a clear message, the old figures not replaced silently
    page.unit.setText("Unit B")
    page.min_age.setValue(12)
    page.clear()
    assert page.table.rowCount() == 0 and page.youth.count() == 0 and page.report is None
    # The next person signed in starts from the first period and no filter.
    assert page.period.text() == "2026Q3" and page.unit.text() == "" and page.min_age.value() == -1



def test_opened_the_page_counts_at_once_and_a_role_that_may_not_export_is_told_why(
        qtbot: QtBot, admin: Vault) -> None:
    """The page opened on empty panes with nothing saying that Show fills them; and every role was
    offered the exports, refused only after a file dialog and a purpose."""
    from csec_desktop.domain.people import Permission
    from csec_desktop.usecases.session import WHY_NOT

    caseload.create_youth(admin, youth_data(legal_name={"given": "Fictionalia", "family": "Openson"}))
    page = ReportsPage(NowTasks(admin), now=lambda: datetime(2026, 10, 15, 9, tzinfo=LEGAL_ZONE))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    assert page.report is None
    page.show_first()
    first = page.report
    assert first is not None and page.table.rowCount() > 0
    page.show_first()  # opened again: what was counted stays (Show counts anew)
    assert page.report is first
    exports = (page.export_plain, page.export_hidden, page.export_caseload, page.export_today)
    page.guide(lambda permission: permission is not Permission.EXPORT, WHY_NOT)  # a caseworker
    assert not any(b.isEnabled() for b in exports) and page.print_report.isEnabled()
    assert all("print but not save" in b.toolTip() for b in exports)
    page.guide(lambda _permission: True, WHY_NOT)
    assert all(b.isEnabled() for b in exports)
    assert all("audited" in b.toolTip() for b in exports)


def test_a_button_that_is_off_still_says_why_after_a_change_of_language(qtbot: QtBot, admin: Vault) -> None:
    """The exports' tooltips were bound to what they do; switching the language set those again over
    the reason they were off."""
    from csec_desktop.domain.people import Permission
    from csec_desktop.usecases.session import WHY_NOT
    from ui import i18n

    page = ReportsPage(NowTasks(admin), now=lambda: datetime(2026, 10, 15, 9, tzinfo=LEGAL_ZONE))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.guide(lambda permission: permission is Permission.READ_YOUTH, WHY_NOT)  # read-only
    try:
        i18n.set_language("es")
        assert not page.export_plain.isEnabled()
        assert page.export_plain.toolTip() == i18n._(WHY_NOT[Permission.PRINT]) != WHY_NOT[Permission.PRINT]
        i18n.set_language("en")
        assert page.print_report.toolTip() == WHY_NOT[Permission.PRINT]
        page.guide(lambda _permission: True, WHY_NOT)  # unlocked again by a supervisor
        i18n.set_language("es")
        i18n.set_language("en")
        assert page.print_report.isEnabled() and "previewed" in page.print_report.toolTip()
    finally:
        i18n.set_language("en")


def test_the_periods_offered_follow_a_change_of_language(qtbot: QtBot, admin: Vault) -> None:
    """The period picker kept its English names after the window was switched to Spanish."""
    from ui import i18n

    page = ReportsPage(NowTasks(admin), now=lambda: datetime(2026, 10, 15, 9, tzinfo=LEGAL_ZONE))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    assert page.preset.itemText(0) == "Last quarter"
    try:
        i18n.set_language("es")
        assert page.preset.itemText(0) not in ("", "Last quarter")
        assert page.preset.itemData(0) == "2026Q3"
    finally:
        i18n.set_language("en")
    assert page.preset.itemText(0) == "Last quarter"


def test_the_counts_shown_follow_a_change_of_language_and_every_figure_is_said_in_it(
        qtbot: QtBot, admin: Vault) -> None:
    """The tables kept the language they were counted in; the figures beyond the counts table
    ("Duty: Police report, 24 h", "in time", the AB 12 lines) were English in a Spanish window."""
    from ui import i18n

    youth = caseload.create_youth(admin, youth_data(legal_name={"given": "Fictionalia", "family": "Tongues"}))
    record_status(admin, youth.id, "victim", "fictional basis", datetime(2026, 8, 3, 9, tzinfo=LEGAL_ZONE))
    page = ReportsPage(NowTasks(admin), now=lambda: datetime(2026, 10, 15, 9, tzinfo=LEGAL_ZONE))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.load()

    def cells(table: Any) -> list[str]:
        return [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())]

    english = cells(page.more)
    assert "Duty: Police report, 24 h" in english and "in time" in english and "Re-screens" in english
    try:
        i18n.set_language("es")
        spanish = cells(page.more)
        assert "Obligación: " + i18n._("Police report, 24 h") in spanish and "a tiempo" in spanish
        assert "AB 12: Jóvenes por edad y cuidado extendido" in spanish
        said = set(english) - set(spanish)  # every English word of a figure's section and label is said
        assert {"in time", "late", "still open", "Re-screens", "Record relief"} <= said
        counted = page.table.item(0, 0).text()
        assert counted == i18n._("Youth identified as exploited") != "Youth identified as exploited"
        assert page.duties.horizontalHeaderItem(0).text() == "Obligación"
    finally:
        i18n.set_language("en")
    assert cells(page.more) == english


def test_a_period_chosen_is_counted_and_a_changed_filter_is_said(qtbot: QtBot, admin: Vault) -> None:
    """Keyboard review, session 34: choosing "This fiscal year" changed the period's text while the
    table kept the last quarter's counts under it until Show; a filter changed did the same unsaid."""
    page = ReportsPage(NowTasks(admin), now=lambda: datetime(2026, 10, 15, 9, tzinfo=LEGAL_ZONE))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.load()
    assert page.report is not None and page.report.period.label == "2026Q3"
    index = next(i for i in range(page.preset.count()) if page.preset.itemData(i).startswith("FY"))
    page.preset.setCurrentIndex(index)
    page.preset.activated.emit(index)
    assert page.report.period.label == page.preset.itemData(index) == "FY2026-27"
    assert "press Show" not in page.message.text()
    qtbot.keyClicks(page.unit, "Unit A")
    assert "press Show (Alt+S) to count again" in page.message.text()
    page.period.clear()
    qtbot.keyClicks(page.period, "2026-05")
    assert page.preset.currentIndex() == -1  # no longer "This fiscal year"
    page.load()
    assert "press Show" not in page.message.text()


def test_an_export_with_no_purpose_asks_again_and_a_cancel_is_said(
        qtbot: QtBot, admin: Vault, tmp_path: Path, monkeypatch: Any) -> None:
    """Supervisor review, session 36: a purpose left blank ended the export without a word, after
    the file dialog. It is asked again; cancelled, the page says nothing left the vault."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    page = ReportsPage(NowTasks(admin), now=lambda: datetime(2026, 10, 15, 9, tzinfo=LEGAL_ZONE))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.load()
    target = tmp_path / "report.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    answers = iter([("", True), ("  ", True), ("", False)])
    asked: list[str] = []

    def purpose(_parent: Any, _title: str, label: str) -> tuple[str, bool]:
        asked.append(label)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", purpose)
    page._ask_export(deidentified=False)
    assert len(asked) == 3 and "audit trail keeps it" in asked[1]
    assert "Not exported" in page.message.text() and not target.exists()
    answers = iter([("", True), ("Fictional county board, quarterly review", True)])
    page._ask_export(deidentified=False)
    assert target.exists()

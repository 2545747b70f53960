"""Today as a worker triages it in the window: groups by urgency with a fresh 24-hour report above
duties overdue for months, due times with their hour and zone, confidence in words, filters by
kind, youth and worker, marking done at a past time with several recipients, and Spanish."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from csec_desktop import caseload, identification
from csec_desktop.demo import demo_youth
from csec_desktop.domain.duties import NAMED_RECIPIENTS, DutyDone
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from csec_desktop.today import Group
from tests.conftest import ADMIN_PASS, youth_data
from tests.ui.test_shell import _unlock
from ui import i18n
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_level_fail("WARNING")

REPORT = "csec.report_law_enforcement_24h"
NOTICES = "missing.notices_24h"
FOSTER = {"legal_status": [{"status": "dependent", "start": "2020-01-01"}],
          "placement": {"type": "resource_family"}}
DUE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                 r"\d\d:\d\d P[SD]T$")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Once per module: 80 fictional youth (many with duties missed months ago), a youth identified
    as a victim four hours ago (the report is due in 20 hours) and a youth missing for ten hours."""
    folder = tmp_path_factory.mktemp("today-triage") / "vault"
    vault, _secret = Vault.create(folder, county="Demo County", admin="admin", passphrase=ADMIN_PASS)
    try:
        with vault.require_db().transaction():
            for youth in demo_youth(80, seed=21, workers=["admin", "drew"]):
                vault.records.create(youth)
        now = datetime.now(LEGAL_ZONE)
        wren = caseload.create_youth(vault, youth_data(
            legal_name={"given": "Wren", "family": "Zamplevoy"}, date_of_birth="2011-06-01",
            assigned_worker="casey", unit="North", **FOSTER))
        identification.record_status(vault, wren.id, "victim", "the youth disclosed an exchange (fictional)",
                                     now - timedelta(hours=4))
        ola = caseload.create_youth(vault, youth_data(
            legal_name={"given": "Ola", "family": "Missingsample"}, date_of_birth="2012-02-02",
            assigned_worker="drew", unit="South", **FOSTER))
        caseload.add_attached(vault, ola.id, "missing_episode",
                              {"learned_at": (now - timedelta(hours=10)).isoformat()})
    finally:
        vault.close()
    return folder


@pytest.fixture
def win(qtbot: QtBot, template: Path, tmp_path: Path) -> Iterator[MainWindow]:
    folder = tmp_path / "vault"
    shutil.copytree(template, folder)
    window = MainWindow(folder)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    _unlock(qtbot, window, ADMIN_PASS)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.today_page, timeout=10_000)
    qtbot.waitUntil(lambda: window.today_model.rowCount() > 0 and window.today_page.message.text() == "",
                    timeout=30_000)
    yield window
    i18n.set_language("en")
    window.close()


def _rows(win: MainWindow, rule: str) -> list[int]:
    model = win.today_model
    return [r for r in range(model.rowCount()) if model.item(r).finding.rule_id == rule]


def _text(win: MainWindow, row: int, column: int) -> str:
    return str(win.today_model.index(row, column).data() or "")


def test_a_fresh_24_hour_report_is_above_the_duties_missed_months_ago(qtbot: QtBot, win: MainWindow) -> None:
    model = win.today_model
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    (report,) = _rows(win, REPORT)
    groups = [model.group_of_row(r) for r in range(model.rowCount())]
    stale = [r for r, g in enumerate(groups) if g is Group.LONG_OVERDUE]
    assert len(stale) > 10, "the demo youth should carry duties missed months ago"
    assert report < min(stale), f"the 24-hour report is row {report + 1} of {model.rowCount()}"
    assert groups == sorted(groups, key=list(Group).index)  # each group one run, in order
    assert groups[report] is Group.DUE_24H
    # Rows above it are only duties overdue by up to 90 days or the 24-hour group's legal duties.
    assert all(g in (Group.OVERDUE, Group.DUE_24H) for g in groups[:report])
    # Each row says its group (in words on the group's first row, and to a screen reader on every row).
    first = groups.index(Group.DUE_24H)
    assert _text(win, first, 0) == "Due within 24 hours"
    assert model.index(report, 0).data(Qt.ItemDataRole.AccessibleTextRole) == "Due within 24 hours"
    assert _text(win, min(stale), 0) == "Long overdue (over 90 days)"
    # The due time with its hour and zone; how far away in hours; the rule's confidence in words.
    assert DUE.match(_text(win, report, 2)), _text(win, report, 2)
    assert re.fullmatch(r"In (19|20) h", _text(win, report, 1))
    assert _text(win, report, 5) == "Legal deadline"
    assert _text(win, report, 6) in ("Verified", "Secondary source", "Unconfirmed")
    assert {_text(win, r, 6) for r in range(model.rowCount())} <= {"Verified", "Secondary source",
                                                                     "Unconfirmed"}
    # The group bar counts each group and jumps to it.
    page = win.today_page
    counts = {g: groups.count(g) for g in set(groups)}
    assert page.group_buttons[Group.LONG_OVERDUE].text() == \
        f"Long overdue (over 90 days): {counts[Group.LONG_OVERDUE]:,}"
    assert not page.group_buttons[Group.DONE].isVisibleTo(page)  # done only when asked for
    qtbot.mouseClick(page.group_buttons[Group.DUE_24H], Qt.MouseButton.LeftButton)
    assert page.table.currentIndex().row() == first
    assert "Confidence:" in page.detail.text() and "Due " in page.detail.text()
    # The youth of a duty missed months ago: their Duties tab says it is overdue, in red, as Today
    # does (it showed only the due day).
    youth_id = model.item(min(stale)).finding.youth_id
    win.open_youth(youth_id)
    duties = win.youth_page.duties
    qtbot.waitUntil(lambda: win.youth_page.youth_id == youth_id and duties.count() > 0, timeout=10_000)
    shown = [duties.item(i).text() for i in range(duties.count())]
    late = [i for i, t in enumerate(shown) if " · overdue · " in t]
    assert late, shown
    for i, text in enumerate(shown):
        assert (duties.item(i).foreground().color().name() == "#b3261e") == (i in late), text
        assert duties.item(i).toolTip(), text  # why the duty stands (the list gave its title only)


def test_filters_by_kind_youth_worker_and_unit(qtbot: QtBot, win: MainWindow) -> None:
    page, model = win.today_page, win.today_model
    total = model.rowCount()
    page.kind.setCurrentIndex(1)  # legal duties (deadlines and warnings)
    assert 0 < model.rowCount() < total
    duties = {"Legal deadline", "County deadline", "Legal warning"}
    assert {_text(win, r, 5) for r in range(model.rowCount())} <= duties
    assert page.shown.text() == f"{model.rowCount():,} of {total:,} shown"
    page.kind.setCurrentIndex(0)
    qtbot.keyClicks(page.youth, "zamplevoy WREN")  # case and word order do not matter
    assert model.rowCount() > 0
    assert {model.item(r).youth_name for r in range(model.rowCount())} == {"Wren Zamplevoy"}
    page.youth.clear()
    # An administrator sees every youth, so the worker filter is offered.
    assert page.worker.isVisibleTo(page)
    names = [page.worker.itemText(i) for i in range(page.worker.count())]
    assert names[:2] == ["All workers", "No worker assigned"] and {"casey", "drew"} <= set(names)
    page.worker.setCurrentIndex(page.worker.findData("casey"))
    assert {model.item(r).worker for r in range(model.rowCount())} == {"casey"}
    assert _rows(win, REPORT) and not _rows(win, NOTICES)
    # And the unit filter beside it: a supervisor of several units looks at one.
    page.worker.setCurrentIndex(0)
    assert page.unit.isVisibleTo(page) and page.unit_label.buddy() is page.unit
    units = [page.unit.itemText(i) for i in range(page.unit.count())]
    assert units[:2] == ["All units", "No unit recorded"] and {"North", "South"} <= set(units)
    page.unit.setCurrentIndex(page.unit.findData("South"))
    assert {model.item(r).youth_name for r in range(model.rowCount())} == {"Ola Missingsample"}
    assert _rows(win, NOTICES) and not _rows(win, REPORT)
    demo_unit = next(u for u in units[2:] if u not in ("North", "South"))
    page.unit.setCurrentIndex(page.unit.findData(demo_unit))
    assert model.rowCount() > 0
    assert {model.item(r).unit for r in range(model.rowCount())} == {demo_unit}
    page.unit.setCurrentIndex(page.unit.findData(""))  # youth with no unit recorded: none here
    assert model.rowCount() == 0 and page.detail.text() == "No duty matches the filters."
    page.unit.setCurrentIndex(0)
    page.worker.setCurrentIndex(page.worker.findData("casey"))
    page.youth.setText("nobody by this name")
    assert model.rowCount() == 0 and page.detail.text() == "No duty matches the filters."
    # The filters survive a recomputation (after a duty is marked done or a record changes).
    page.youth.clear()
    win.today.compute()
    qtbot.waitUntil(lambda: page.message.text() == "", timeout=30_000)
    assert {model.item(r).worker for r in range(model.rowCount())} == {"casey"}


def test_mark_done_at_a_past_time_with_each_recipient_on_its_own_line(qtbot: QtBot, win: MainWindow) -> None:
    page = win.today_page
    (row,) = _rows(win, NOTICES)
    page.table.clearSelection()  # nothing chosen: nothing to mark, reopen or open
    assert not any(b.isEnabled() for b in (page.done_button, page.reopen_button, page.open_button))
    # A day that is not one is refused, said in words, and nothing is marked (the date box made
    # "2026-02-30 10:00" 2026-02-03 01:00 unsaid, and recorded that as when the duty was done).
    other = next(r for r in range(win.today_model.rowCount()) if r != row)
    page.table.selectRow(other)
    page.when.setText("2026-02-30 10:00")
    qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)
    assert "not a day of the calendar" in page.message.text() and page.when.text() == "2026-02-30 10:00"
    page.note.setText("FICTIONAL-NOTE-FOR-THE-OTHER-DUTY")
    qtbot.keyClicks(page.recipient, "Fictional Person Told")
    page.method.setCurrentIndex(page.method.findData("telephone"))
    page.table.selectRow(row)  # another duty: nothing typed for the first is carried to it
    assert page.when.text() != "2026-02-30 10:00"
    assert page.note.text() == "" and page.recipient.text() == "" and page.method.currentIndex() == 0
    assert page.named_button.isVisibleTo(page)  # the statute names who is told
    youth_id = win.today_model.item(row).finding.youth_id
    duty = f"{win.today_model.item(row).finding.title} · {win.today_model.item(row).youth_name}"
    told = (datetime.now(LEGAL_ZONE) - timedelta(hours=3)).replace(second=0, microsecond=0)
    page.when.setDateTime(QDateTime(told.year, told.month, told.day, told.hour, told.minute, 0))
    page.method.setCurrentIndex(page.method.findData("telephone"))
    qtbot.mouseClick(page.named_button, Qt.MouseButton.LeftButton)
    named = NAMED_RECIPIENTS[NOTICES]
    assert page.recipients.rowCount() == len(named) >= 9
    page.recipients.item(0, 0).setText("Fictional Parent Samplemother")
    page.recipients.setCurrentCell(6, 0)  # no tribe for this youth
    qtbot.mouseClick(page.remove_recipient, Qt.MouseButton.LeftButton)
    assert page.recipients.rowCount() == len(named) - 1
    later = told + timedelta(minutes=40)
    page.when.setDateTime(QDateTime(later.year, later.month, later.day, later.hour, later.minute, 0))
    page.method.setCurrentIndex(page.method.findData("fax"))
    qtbot.keyClicks(page.recipient, "Demo County Sheriff (fictional desk)")  # typed, not yet added
    qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Marked done" in page.message.text(), timeout=10_000)
    marked = page.message.text()
    assert marked.startswith(f"Marked done: {duty}. "), marked  # which duty, and whose
    assert not _rows(win, NOTICES) and page.recipients.rowCount() == 0
    # Nothing is selected (a second click would have marked another youth's duty), and the list
    # stays where it was: the keys' place is the row that took the done duty's place.
    qtbot.waitUntil(lambda: not page.table.selectionModel().hasSelection(), timeout=10_000)
    place = min(row, win.today_model.rowCount() - 1)
    assert page.table.currentIndex().row() == place - 1  # just above it: Down chooses it
    assert not page.done_button.isEnabled()
    assert page.message.text() == marked  # said until another duty is chosen
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.selectionModel().isRowSelected(place) and page.done_button.isEnabled()
    assert page.message.text() == ""  # about the last duty, not this one
    page.table.clearSelection()
    # Shown again among the done duties, its detail says how it was done (it said none of it).
    page.show_done.setChecked(True)
    qtbot.waitUntil(lambda: bool(_rows(win, NOTICES)), timeout=20_000)
    page.table.selectRow(_rows(win, NOTICES)[0])
    qtbot.waitUntil(lambda: "recorded by admin" in page.detail.text(), timeout=10_000)
    assert "• told Fictional Parent Samplemother at " in page.detail.text()
    assert "• how: fax" in page.detail.text()  # the manner chosen when it was marked
    page.show_done.setChecked(False)
    qtbot.waitUntil(lambda: not _rows(win, NOTICES), timeout=20_000)
    # On the youth's Duties tab the day shown is the due day, said as such, and the duty done: it
    # read "done <due day>", a day the report was not made on.
    win.open_youth(youth_id or "")
    duties = win.youth_page.duties
    qtbot.waitUntil(lambda: win.youth_page.youth_id == youth_id and duties.count() > 0, timeout=10_000)
    shown = [duties.item(i).text() for i in range(duties.count())]
    assert any(" · done · " in t for t in shown) and all(t.startswith("due ") for t in shown), shown
    assert not any(" · overdue · " in t for t in shown), shown  # done, or not yet due
    # Opened from a duty on Today, the record opens on its Duties (it opened on the Details).
    win.youth_page.tabs.setCurrentIndex(0)
    win.open_today()
    qtbot.waitUntil(lambda: win.today_model.rowCount() > 0, timeout=20_000)
    page.table.selectRow(0)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.youth_page and not win.backend.busy(),
                    timeout=10_000)
    assert win.youth_page.tabs.currentWidget() is duties
    qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: win.backend.holder.vault is None, timeout=10_000)
    vault = Vault.unlock(win.folder, "admin", ADMIN_PASS)
    try:
        (mark,) = [r.body for r in vault.records.attached(youth_id or "", "duty_done")]
    finally:
        vault.close()
    assert isinstance(mark, DutyDone)
    lines = [(line.who, line.at, line.method) for line in mark.told()]
    assert len(lines) == len(named)
    assert lines[0] == ("Fictional Parent Samplemother", told, "telephone")
    assert all(at == told and how == "telephone" for _who, at, how in lines[:-1])
    assert "The youth's tribe" not in [who for who, _at, _how in lines]
    assert lines[-1] == ("Demo County Sheriff (fictional desk)", later, "fax")
    assert mark.done_at == later  # the time the person set, not when it was typed in


def test_a_time_in_the_future_is_refused_and_nothing_is_recorded(qtbot: QtBot, win: MainWindow) -> None:
    page = win.today_page
    (row,) = _rows(win, REPORT)
    page.table.selectRow(row)
    tomorrow = datetime.now(LEGAL_ZONE) + timedelta(days=1)
    page.when.setDateTime(QDateTime(tomorrow.year, tomorrow.month, tomorrow.day, tomorrow.hour, 0, 0))
    qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "future" in page.message.text(), timeout=10_000)
    assert "done_at" in page.message.text() or "When it was done" in page.message.text()
    assert _rows(win, REPORT)


def test_today_in_spanish(qtbot: QtBot, win: MainWindow) -> None:
    win.language.setCurrentIndex(win.language.findData("es"))
    page = win.today_page
    (report,) = _rows(win, REPORT)
    first = next(r for r in range(win.today_model.rowCount())
                 if win.today_model.group_of_row(r) is Group.DUE_24H)
    assert _text(win, first, 0) == "Vence en 24 horas"
    assert re.fullmatch(r"(lun|mar|mié|jue|vie|sáb|dom) \d{1,2} "
                        r"(ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic) \d\d:\d\d P[SD]T",
                        _text(win, report, 2)), _text(win, report, 2)
    assert re.fullmatch(r"En (19|20) h", _text(win, report, 1))
    assert _text(win, report, 5) == "Plazo legal"
    assert _text(win, report, 6) in ("Verificado", "Fuente secundaria", "Sin confirmar")
    assert win.today_model.headerData(6, Qt.Orientation.Horizontal) == "Confianza"
    assert page.kind.itemText(1) == "Obligaciones legales (plazos y avisos)"
    assert page.worker.itemText(0) == "Todos los trabajadores"
    assert page.group_buttons[Group.DUE_24H].text().startswith("Vence en 24 horas: ")
    assert page.named_button.text() == "Añadir los que nombra la &ley"
    assert page.recipients.horizontalHeaderItem(0).text() == "Quién"


def test_a_duty_looked_at_shows_why_though_the_list_holds_no_why_lines(qtbot: QtBot, win: MainWindow) -> None:
    """Issue 24: the table holds Today's duties without their why lines (two thirds of the
    window's memory per duty at 100,000 youth); the duty looked at finds its own on the vault
    thread, and they are not kept past a lock."""
    page, model = win.today_page, win.today_model
    assert all(model.item(r).finding.why == () for r in range(model.rowCount()))
    (report,) = _rows(win, REPORT)
    page.table.selectRow(report)
    qtbot.waitUntil(lambda: "• identified as a victim" in page.detail.text(), timeout=10_000)
    assert "Pen. Code 11166" in page.detail.text()
    # Another duty, then back: each shows its own lines.
    (missing,) = _rows(win, NOTICES)
    page.table.selectRow(missing)
    qtbot.waitUntil(lambda: "• " in page.detail.text() and "identified as a victim" not in page.detail.text(),
                    timeout=10_000)
    page.table.selectRow(report)
    assert "• identified as a victim" in page.detail.text()  # kept for the duties last looked at
    win.lock()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.unlock_page, timeout=10_000)
    assert page._whys == {} and page.detail.text() == ""


def test_today_computed_while_another_page_is_shown_is_whole_when_shown(qtbot: QtBot,
                                                                        win: MainWindow) -> None:
    """Rows found while Today is not on screen are merged in once, at the end (or with the next
    chunk once Today is shown), not every 0.75 s into a table no one is looking at."""
    model = win.today_model
    before = [identity_of(model, r) for r in range(model.rowCount())]
    merges: list[int] = []
    model.modelReset.connect(lambda: merges.append(model.rowCount()))
    win.caseload_action.trigger()
    win.today.compute()
    qtbot.waitUntil(lambda: not win.today.computing, timeout=30_000)
    assert merges[-1] == len(before) and all(n in (0, len(before)) for n in merges)
    win.today_action.trigger()
    assert [identity_of(model, r) for r in range(model.rowCount())] == before


def identity_of(model: object, row: int) -> tuple[str | None, str, str]:
    from ui.today_model import TodayModel, identity

    assert isinstance(model, TodayModel)
    return identity(model.item(row))


def test_once_today_is_found_the_search_index_is_merged_on_the_vault_thread(
        qtbot: QtBot, template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saves one at a time leave the search index in pieces; once a session, after Today is found
    (the person reads it, no one waits on the vault thread), the window has them merged."""
    from csec_desktop.storage import records

    folder = tmp_path / "vault"
    shutil.copytree(template, folder)
    vault = Vault.unlock(folder, "admin", ADMIN_PASS)
    try:
        for n in range(6):
            name = {"given": f"Piece{n}", "family": "Tidysample"}
            caseload.create_youth(vault, youth_data(legal_name=name))
        pieces = vault.records.search_segments()
    finally:
        vault.close()
    assert pieces > 1
    monkeypatch.setattr(records, "SEARCH_PIECES", 1)
    window = MainWindow(folder)
    qtbot.addWidget(window)
    window.show()
    _unlock(qtbot, window, ADMIN_PASS)
    qtbot.waitUntil(lambda: window.today_model.rowCount() > 0 and not window.today.computing, timeout=30_000)
    got: list[int] = []

    def merged() -> bool:  # asked on the vault thread again and again (the merge waits its turn)
        window.tasks.run(lambda v: v.records.search_segments(), got.append)
        return bool(got) and got[-1] == 1

    qtbot.waitUntil(merged, timeout=10_000)
    window.close()


def test_tab_moves_on_from_a_list_instead_of_from_cell_to_cell(qtbot: QtBot, win: MainWindow) -> None:
    """A keyboard user reaches the "Mark done" form from Today's list with Tab (a table took every
    Tab for its cells), and the caseload's list lets them on too; the arrows still move the rows."""
    from PySide6.QtWidgets import QApplication

    win.activateWindow()
    lists = ((win.today_page.table, win.today_action), (win.caseload_page.table, win.caseload_action))
    for table, show in lists:
        show.trigger()
        qtbot.waitUntil(lambda t=table: t.model().rowCount() > 1, timeout=10_000)
        table.setFocus()
        table.setCurrentIndex(table.model().index(0, 1))
        qtbot.waitUntil(lambda t=table: QApplication.focusWidget() is t, timeout=5_000)
        qtbot.keyClick(table, Qt.Key.Key_Down)
        assert table.currentIndex().row() == 1
        qtbot.keyClick(table, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is not table


def test_asked_again_today_stops_the_chunk_of_the_computation_it_replaces(
        qtbot: QtBot, win: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 24: asked for again (right after an unlock, or by the refresh button), Today's first rows
    waited for the whole of the earlier computation's running chunk, whose rows no one would see. That
    chunk now ends at its next youth, and the new computation's list is the whole list."""
    import threading
    import time

    from csec_desktop.usecases import today as today_screen

    before = sorted(identity_of(win.today_model, r) for r in range(win.today_model.rowCount()))
    real = today_screen.scan
    entered = threading.Event()
    told: list[bool] = []

    def scan(vault: Vault, now: datetime, **kw: object) -> today_screen.TodayChunk:
        stop = kw["stop"]
        assert callable(stop)
        if not entered.is_set():  # the first computation's first chunk: held until told to stop
            entered.set()
            deadline = time.monotonic() + 10
            while not stop() and time.monotonic() < deadline:
                time.sleep(0.01)
            told.append(bool(stop()))
        return real(vault, now, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(today_screen, "scan", scan)
    win.today.compute()
    qtbot.waitUntil(entered.is_set, timeout=10_000)
    win.today.compute()
    qtbot.waitUntil(lambda: not win.today.computing, timeout=30_000)
    assert told == [True]
    assert sorted(identity_of(win.today_model, r) for r in range(win.today_model.rowCount())) == before


def test_the_group_column_holds_each_group_name_whole(qtbot: QtBot, win: MainWindow) -> None:
    """"Long overdue (over 90 days)" was cut to "Long overdue (ove..." in its 150 pixels."""
    from PySide6.QtGui import QFont, QFontMetrics

    page = win.today_page
    bold = QFont(page.table.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    assert page.table.columnWidth(0) >= metrics.horizontalAdvance("Long overdue (over 90 days)") + 8
    win.language.setCurrentIndex(win.language.findData("es"))
    assert page.table.columnWidth(0) >= metrics.horizontalAdvance("Vencido hace mucho (más de 90 días)") + 8


def test_the_duty_selected_stays_selected_when_done_duties_are_shown(
        qtbot: QtBot, win: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ticking "Show done duties" computes Today again in chunks: the selection, and Mark done with
    it, had moved to another youth's duty in the first chunk and stayed there."""
    controller = win.today
    # Small chunks, so the youth selected (the last one written: Ola) is not in the first.
    monkeypatch.setattr(controller, "FIRST_CHUNK", 5)
    monkeypatch.setattr(controller, "SMALLEST_CHUNK", 5)
    monkeypatch.setattr(controller, "LARGEST_CHUNK", 5)
    monkeypatch.setattr(controller, "SHOW_EVERY_S", 0.0)
    row = _rows(win, NOTICES)[0]
    win.today_page.table.selectRow(row)
    wanted = identity_of(win.today_model, row)
    for tick in (True, False, True):
        win.today_page.show_done.setChecked(tick)
        seen: list[tuple[str | None, str, str]] = []

        def whole(seen: list[tuple[str | None, str, str]] = seen) -> bool:
            current = win.today_page.table.currentIndex().row()
            if win.today_page.table.selectionModel().hasSelection() and current >= 0:
                seen.append(identity_of(win.today_model, current))
            return not controller.computing

        qtbot.waitUntil(whole, timeout=30_000)
        current = win.today_page.table.currentIndex().row()
        assert identity_of(win.today_model, current) == wanted, tick
        assert set(seen) <= {wanted}, tick  # never another youth's duty meanwhile


def test_a_sealed_youths_duty_is_marked_for_the_supervisor_who_sees_it(admin: Vault, qtbot: QtBot) -> None:
    """Supervisor review, session 36: a sealed youth's duties reach only supervisors and attorneys,
    and their rows looked like any other, so no one knew the worker could not see them."""
    from csec_desktop import today
    from tests.conftest import WORKER_PASS
    from ui.today_model import TodayModel

    admin.add_user("sam", role="supervisor", passphrase=WORKER_PASS)
    admin.close()
    sam = Vault.unlock(admin.folder, "sam", WORKER_PASS)
    try:
        hidden = caseload.create_youth(sam, youth_data(date_of_birth="2010-11-18", sealed=True, **FOSTER)).id
        seen = caseload.create_youth(sam, youth_data(date_of_birth="2010-11-18", **FOSTER)).id
        now = datetime(2026, 11, 28, 9, 30, tzinfo=LEGAL_ZONE)
        found = today.items(sam, now)
        assert {i.sealed for i in found if i.finding.youth_id == hidden} == {True}
        assert {i.sealed for i in found if i.finding.youth_id == seen} == {False}
        model = TodayModel()
        model.reset(found, now)
        rows = {model.item(r).finding.youth_id: r for r in range(model.rowCount())}
        name = model.index(rows[hidden], 3)
        assert str(name.data()).endswith(" · sealed")
        assert "does not see" in str(name.data(Qt.ItemDataRole.ToolTipRole))
        assert not str(model.index(rows[seen], 3).data()).endswith("sealed")
    finally:
        sam.close()


def test_an_empty_list_while_today_is_still_finding_is_not_news(qtbot: QtBot) -> None:
    """Review, session 38: "Nothing is due in your caseload." showed while Today was still loading."""
    from ui.today_model import TodayModel
    from ui.today_page import TodayPage

    page = TodayPage(TodayModel())
    qtbot.addWidget(page)
    page.set_computing(True)
    assert page.detail.text() == "Finding what is due…"
    page.set_computing(False)
    assert page.detail.text() == "Nothing is due in your caseload."

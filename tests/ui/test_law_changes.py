"""The "Law changes" page (issue 18): the changes ahead with source, confidence and the caseload's count, said
in the interface language; a change whose reach is not recorded says so; locking clears it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from unittest.mock import MagicMock, patch

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csec_desktop.rules import LEGAL_ZONE, Confidence, law
from csec_desktop.usecases import law as law_screen
from ui import i18n
from ui.law_changes import LawChangesPage


def _texts(page: LawChangesPage) -> list[list[str]]:
    model = page.model
    columns = range(len(model.COLUMNS))
    return [[model.text(model._rows[r], c) for c in columns] for r in range(model.rowCount())]


def _found() -> law_screen.LawChanges:
    listed = law_screen.upcoming(None, datetime(2026, 9, 30, 12, tzinfo=LEGAL_ZONE))
    rows = tuple(law_screen.ChangeRow(r.change, 3 if r.countable else None) for r in listed.rows)
    pending = law.LawChange(None, "A fictional pending bill", "AB 0000 (fictional)",
                            Confidence.UNCONFIRMED, pending=True, kinds=("criminal_count",))
    return replace(listed, rows=(*rows, law_screen.ChangeRow(pending, 0)), counted=True)


def test_the_page_lists_each_change_with_its_source_confidence_and_count(qtbot: QtBot,
                                                                         tmp_path: Path) -> None:
    page = LawChangesPage(MagicMock())
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show_changes(_found())
    rows = _texts(page)
    assert page.as_of.text().startswith("From 2026-09-30:")
    hr1 = next(r for r in rows if "71109" in r[4])
    assert hr1[0] == "2026-10-01" and hr1[3] == "not recorded: cannot count" and hr1[5] == "Secondary source"
    retro = next(r for r in rows if r[4].endswith("§ 71112"))
    assert retro[0] == "2027-01-01" and retro[3] == "3" and retro[5] == "Unconfirmed"
    sealing = next(r for r in rows if "781.2" in r[4])
    assert sealing[0] == "date not confirmed"
    bill = next(r for r in rows if "fictional" in r[4])
    assert bill[0] == "date not confirmed (pending bill)" and bill[3] == "0"
    page.grab().save(str(tmp_path / "law_changes.png"))
    try:
        i18n.set_language("es")
        spanish = _texts(page)
        assert next(r for r in spanish if "71109" in r[4])[3] == "no registrado: no se puede contar"
        assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Entra en vigor"
    finally:
        i18n.set_language("en")
    page.clear()
    assert page.model.rowCount() == 0 and page.as_of.text() == ""


def test_loading_runs_the_use_case_on_the_vault_thread_with_the_page_clock(qtbot: QtBot) -> None:
    tasks = MagicMock()
    page = LawChangesPage(tasks, now=lambda: datetime(2026, 12, 31, 9, tzinfo=LEGAL_ZONE))
    qtbot.addWidget(page)
    page.load()
    work, done = tasks.run.call_args.args[:2]
    assert tasks.run.call_args.kwargs["latest"] == "law_changes"
    vault = MagicMock()
    found = law_screen.upcoming(None, datetime(2026, 12, 31, 9, tzinfo=LEGAL_ZONE))
    with patch.object(law_screen, "upcoming", return_value=found) as called:
        assert work(vault) is found
        assert called.call_args.args == (vault, datetime(2026, 12, 31, 9, tzinfo=LEGAL_ZONE))
    done(found)
    assert page.model.rowCount() == len(found.rows) and found.after == date(2026, 12, 31)

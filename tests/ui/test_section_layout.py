"""How a record's sections fit a laptop: a list beside its form where the section is wide enough
and above it where not; fields that can wait folded under "More details" (and shown again when an
entry has them filled in, or a problem is in one of them); a saved entry stays selected where the
next step acts on it; a new petition starts with the initials and the counts the law allows."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout
from pytestqt.qtbot import QtBot

from csec_desktop.domain.fields import later
from csec_desktop.domain.vacatur import CriminalCount, VacaturCase, initials
from csec_desktop.domain.youth import CaseNote
from ui.item_list import SIDE_BY_SIDE_WIDTH, ItemList


def _section(qtbot: QtBot, model: type, **options: object) -> ItemList:
    section = ItemList("Section", model, lambda item: str(item.get("section") or item.get("text")),
                       skip=("youth_id",), attached=True, **options)  # type: ignore[arg-type]
    qtbot.addWidget(section)
    section.show()
    return section


def test_the_list_sits_beside_its_form_when_there_is_room(qtbot: QtBot) -> None:
    section = _section(qtbot, CaseNote)
    section.resize(SIDE_BY_SIDE_WIDTH + 300, 400)
    qtbot.waitUntil(lambda: section._box.direction() is QBoxLayout.Direction.LeftToRight
                    and section.listing.geometry().right() < section.form.geometry().left())
    section.resize(SIDE_BY_SIDE_WIDTH - 200, 600)
    qtbot.waitUntil(lambda: section._box.direction() is QBoxLayout.Direction.TopToBottom
                    and section.listing.geometry().bottom() < section.form.geometry().top())


def test_what_can_wait_is_folded_until_asked_for_or_filled_in(qtbot: QtBot) -> None:
    section = _section(qtbot, CriminalCount)
    form = section.form
    assert later(CriminalCount, "court") and not later(CriminalCount, "section")
    assert form.widgets["section"].isVisible() and form.widgets["nexus"].isVisible()
    assert not form.widgets["court"].isVisible() and form.more_button.isVisible()
    form.more_button.click()
    assert form.widgets["court"].isVisible()
    form.more_button.click()
    assert not form.widgets["court"].isVisible()
    # An entry with a folded field filled in shows it; a fresh form folds again.
    section.set_items([{"count_kind": "conviction", "code": "PC", "section": "484",
                        "court": "Demo Superior"}], ["count-1"])
    section.listing.setCurrentRow(0)
    assert form.widgets["court"].isVisible()
    section.set_items([])
    assert not form.widgets["court"].isVisible()
    # A problem in a folded field unfolds it, so the message beside it is seen.
    form.show_problems([("judgment_date", "is not a date")])
    assert form.widgets["judgment_date"].isVisible() and form.errors["judgment_date"].isVisible()


def test_a_saved_entry_stays_selected_only_where_the_next_step_uses_it(qtbot: QtBot) -> None:
    kept = _section(qtbot, CriminalCount, select_new=True)
    kept.form.set_values({**kept.form.defaults(), "count_kind": "conviction", "section": "647(b)",
                          "case_number": "23CR-0001"})
    with qtbot.waitSignal(kept.add_record):
        kept.add_button.click()
    kept.set_items([{"count_kind": "conviction", "code": "PC", "section": "647(b)",
                     "case_number": "23CR-0001"}], ["count-1"])  # as the window redraws after the save
    assert kept.listing.currentRow() == 0
    assert kept.form.values()["case_number"] == "23CR-0001"  # the next count of the case starts from it
    notes = _section(qtbot, CaseNote)
    notes.form.set_values({**notes.form.defaults(), "text": "Met at school."})
    with qtbot.waitSignal(notes.add_record):
        notes.add_button.click()
    notes.set_items([{"occurred_at": "2026-11-30T10:00:00-08:00", "note_kind": "contact",
                      "text": "Met at school."}], ["note-1"])
    assert notes.listing.currentRow() == -1 and notes.form.values()["text"] is None  # a fresh note


def test_a_new_petition_starts_with_initials_and_the_hidden_counts(qtbot: QtBot) -> None:
    assert initials("José", "Sampleton") == "J. S." and initials("Ana", None, " ") == "A."
    cases = _section(qtbot, VacaturCase, select_new=True)
    cases.starting = lambda: {"public_name": "J. S.", "count_ids": ["count-1"]}
    cases.set_items([])
    assert cases.form.values()["public_name"] == "J. S."
    with qtbot.waitSignal(cases.add_record) as sent:
        cases.add_button.click()
    assert sent.args[0]["count_ids"] == ["count-1"] and sent.args[0]["public_name"] == "J. S."


def test_a_list_of_small_records_is_typed_one_per_line(qtbot: QtBot) -> None:
    """A petition's hearing and service in each court case: the fields in order, by semicolons."""
    cases = _section(qtbot, VacaturCase)
    form = cases.form
    assert "Case number; How served" in form.widgets["services"].placeholderText()  # type: ignore[attr-defined]
    form.set_values({**form.defaults(), "public_name": "J. S."})
    form.widgets["services"].setPlainText("JV-0099; personal; 2026-11-05\n")  # type: ignore[attr-defined]
    form.widgets["hearings"].setPlainText("23CR-0001; 2027-01-08; 8:30 a.m.; 12")  # type: ignore[attr-defined]
    data = form.check({"youth_id": "pending"})
    assert data is not None, [e.text() for e in form.errors.values() if e.text()]
    assert data["services"] == [{"case_number": "JV-0099", "method": "personal", "delivered_on": "2026-11-05",
                                 "received_on": None}]
    assert data["hearings"][0]["department"] == "12" and data["hearings"][0]["time"] == "8:30 a.m."
    form.set_values(data)
    assert form.widgets["services"].toPlainText() == "JV-0099; personal; 2026-11-05"  # type: ignore[attr-defined]
    assert form.widgets["services"].isVisible()  # filled in: unfolded
    form.widgets["services"].setPlainText("JV-0099; by pigeon")  # type: ignore[attr-defined]
    assert form.check({"youth_id": "pending"}) is None and form.errors["services"].text()

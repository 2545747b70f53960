"""The interface's list rows and form labels come from the core's registry and models, in the
interface's language (switching language changes the next text asked for)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit
from pytestqt.qtbot import QtBot

from csec_desktop.domain.csec import TeamMeeting
from csec_desktop.domain.summaries import SUMMARIES
from csec_desktop.domain.youth import StatusPeriod
from tests.core.test_summaries import SAMPLES, _item
from ui import i18n
from ui.directory_page import summary as directory_summary
from ui.item_list import ItemList
from ui.record_form import FIELD_LABELS, ModelForm, summary_for
from ui.youth_page import LISTS, _summary, enum_label_of


@pytest.fixture
def spanish() -> Iterator[None]:
    i18n.set_language("es")
    try:
        yield
    finally:
        i18n.set_language("en")


def test_every_youth_list_and_attached_kind_has_a_registered_line() -> None:
    for field, _title, model, _single in LISTS:
        assert model in SUMMARIES, field
    for model, data in SAMPLES.items():
        text = summary_for(model)(_item(model, data))
        assert text.strip() and "{" not in text and "}" not in text


def test_rows_and_codes_follow_the_interface_language(spanish: None) -> None:
    period = _item(StatusPeriod, SAMPLES[StatusPeriod])
    assert _summary("legal_status")(period) == "Dependiente (WIC 300): 2025-01-02 – ahora"
    assert enum_label_of("victim") == "Víctima de explotación sexual comercial"
    assert "edades 0-25" in directory_summary({"name": "Casa", "services": "Vivienda"})
    i18n.set_language("en")
    assert _summary("legal_status")(period) == "Dependent (WIC 300): 2025-01-02 – now"
    assert enum_label_of("no such code") == "no such code"


def test_form_labels_and_help_come_from_the_model(qtbot: QtBot, spanish: None) -> None:
    form = ModelForm(TeamMeeting, skip=("youth_id",))
    qtbot.addWidget(form)
    texts = {label.text() for label in form.findChildren(QLabel)}
    assert {"Celebrada el (AAAA-MM-DD)", "Asistentes", "Decisiones"} <= texts
    attendees = form.widgets["attendees"]
    assert isinstance(attendees, QPlainTextEdit)
    # The disciplines by their names in the interface's language, not the model's codes.
    shown = attendees.placeholderText()
    # The shape a line takes is said before it is got wrong (it was only in the error).
    assert shown.startswith("Una persona por línea, como disciplina: nombre") and "Salud mental" in shown
    assert attendees.toolTip().startswith("Una persona por línea")
    form.set_values({"held_on": "2026-01-05",
                     "attendees": [{"discipline": "mental_health", "name": "Dra. Demo"}]})
    assert attendees.toPlainText() == "Salud mental: Dra. Demo"
    attendees.setPlainText("salud  mental: Dra. Demo\nProbation: Sam Demo\nyouth: Ñeli\nastrology: Someone")
    assert form.values()["attendees"] == [
        {"discipline": "mental_health", "name": "Dra. Demo"}, {"discipline": "probation", "name": "Sam Demo"},
        {"discipline": "youth", "name": "Ñeli"}, {"discipline": "astrology", "name": "Someone"}]
    # "astrology" is refused by name, in the interface's language ("'astrology' is not a valid
    # Discipline" was pydantic's enum message, in English).
    from csec_desktop.errors import ValidationFailed
    from ui.messages import describe

    try:
        TeamMeeting.parse({"youth_id": "y", **form.values()}, record="team_meeting")
    except ValidationFailed as refused:
        said = describe(refused)
    assert "«astrology» no es una de las disciplinas" in said and "Discipline" not in said
    i18n.set_language("en")
    assert attendees.placeholderText().startswith("One person per line, as discipline: name")
    assert "Disciplines: Child welfare, Probation, Mental health" in attendees.placeholderText()
    assert attendees.toolTip().startswith("One person per line")
    assert form.widgets["held_on"].accessibleName() == "Held on (YYYY-MM-DD)"


def test_an_item_list_without_a_summary_uses_the_registry(qtbot: QtBot) -> None:
    section = ItemList("Meetings", TeamMeeting, skip=("youth_id",), attached=True)
    qtbot.addWidget(section)
    section.set_items([_item(TeamMeeting, SAMPLES[TeamMeeting])], ["r1"])
    assert section.listing.item(0).text() == "2026-01-05 · 1 attending"


def test_the_old_label_table_is_read_from_the_models() -> None:
    assert FIELD_LABELS["TeamMeeting.attendees"] == "Attendees"
    assert FIELD_LABELS["Referral.status"] == "Status"


def test_a_default_sentence_is_offered_in_the_window_language(qtbot: QtBot, spanish: None) -> None:
    """A new safety flag's instruction was prefilled in English in the Spanish window, and kept so."""
    from csec_desktop.domain.youth import SafetyFlag

    form = ModelForm(SafetyFlag)
    qtbot.addWidget(form)
    assert form.defaults()["instruction"] == "No comparta ninguna información ni el paradero."
    i18n.set_language("en")
    assert form.defaults()["instruction"] == "Do not share any information or whereabouts."


def test_a_new_contact_starts_blank_and_tabbing_into_the_list_loads_nothing(qtbot: QtBot) -> None:
    """A keyboard user tabbed into Contacts: the first contact filled the form, and the aunt she
    typed over it was saved with the grandmother's "may receive information" ticked."""
    from PySide6.QtCore import QItemSelectionModel

    from csec_desktop.domain.youth import Contact

    section = ItemList("Contacts", Contact, skip=("youth_id",), attached=True)
    qtbot.addWidget(section)
    grandmother = {"name": "Kai Fictional", "relationship": "grandmother", "may_receive_information": True}
    section.set_items([grandmother, {"name": "Sol Fictional", "relationship": "uncle"}], ["c1", "c2"])
    assert not section.replace_button.isEnabled() and not section.remove_button.isEnabled()
    # Made current (as tabbing in does), not selected: the form keeps what was typed.
    section.form.set_values({"name": "Rosa Fictional", "relationship": "aunt"})
    section.listing.selectionModel().setCurrentIndex(section.listing.model().index(0, 0),
                                                     QItemSelectionModel.SelectionFlag.NoUpdate)
    assert section.form.values()["name"] == "Rosa Fictional"
    section.listing.setCurrentRow(0)  # selected: shown, and it may be changed or removed
    assert section.form.values()["may_receive_information"] is True and section.replace_button.isEnabled()
    qtbot.mouseClick(section.new_button, Qt.MouseButton.LeftButton)
    blank = section.form.values()
    assert blank["may_receive_information"] is False and not blank["name"]
    assert not section.replace_button.isEnabled()
    added: list[dict] = []
    section.add_record.connect(added.append)
    section.form.set_values({"name": "Rosa Fictional", "relationship": "aunt"})
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert added and added[0]["may_receive_information"] is False
    section.listing.setCurrentRow(0)  # the window saves it; the list comes back with it
    section.set_items([grandmother, {"name": "Sol Fictional", "relationship": "uncle"}, added[0]],
                      ["c1", "c2", "c3"])
    assert not section.form.values()["name"] and section._row() == -1  # afresh for the next one
    section.writable = False  # a role that may not write: selecting turns nothing on
    section.listing.setCurrentRow(1)
    assert not section.replace_button.isEnabled() and not section.remove_button.isEnabled()

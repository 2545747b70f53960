"""The interface's list rows and form labels come from the core's registry and models, in the
interface's language (switching language changes the next text asked for)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
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
    assert shown.startswith("Disciplinas:") and "Salud mental" in shown
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
    assert attendees.placeholderText().startswith("Disciplines: Child welfare, Probation, Mental health")
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

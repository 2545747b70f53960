"""Field labels and help texts live on the models: every field a form can show has a title, marked for
translation and translated, so a new field without a label fails here rather than on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from pydantic import BaseModel

from csec_desktop.domain import fields
from csec_desktop.domain.csec import TeamMeeting
from csec_desktop.domain.directory import DirectoryEntry
from csec_desktop.domain.kinds import KINDS
from csec_desktop.domain.services import PlanGoal, Referral
from csec_desktop.domain.youth import (
    Alias,
    CaseNote,
    Consent,
    Identifiers,
    Name,
    Placement,
    SafetyFlag,
    StatusPeriod,
    Youth,
)
from csec_desktop.text import translations

ROOT = Path(__file__).resolve().parents[2]
MODELS = fields.form_models()


def _shown_fields(model: type[BaseModel]) -> list[str]:
    # The owner field (youth_id) links a record to its youth: the core fills it, no form shows it.
    return [name for name in model.model_fields if name != getattr(model, "owner_field", None)]


def test_every_kind_and_every_item_inside_one_is_a_form_model() -> None:
    assert set(KINDS.values()) <= set(MODELS)
    for part in (Name, Alias, Identifiers, StatusPeriod, Placement, SafetyFlag, Consent, DirectoryEntry):
        assert part in MODELS


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_a_form_can_show_has_a_title(model: type[BaseModel]) -> None:
    missing = [name for name in _shown_fields(model) if not model.model_fields[name].title]
    assert missing == [], f"give {model.__name__}'s fields a title=N_(...): {missing}"


def test_titles_and_help_texts_are_marked_for_translation_and_translated() -> None:
    marked = {message for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "csec_desktop" / "domain", method_map=[("**.py", "python")], keywords={"N_": None})}
    spanish = translations("es")
    problems = []
    for model in MODELS:
        for name in _shown_fields(model):
            for text in (fields.label(model, name), fields.hint(model, name)):
                if text is None:
                    continue
                if text not in marked:
                    problems.append(f"{model.__name__}.{name}: {text!r} is not marked with N_")
                elif spanish.gettext(text) == text:
                    problems.append(f"{model.__name__}.{name}: {text!r} has no Spanish translation")
    assert problems == []


def test_the_same_name_may_carry_a_different_label_on_each_model() -> None:
    assert fields.label(StatusPeriod, "status") == "Legal status"
    assert fields.label(Referral, "status") == "Status"
    assert fields.label(PlanGoal, "status") == "Where it stands"
    assert fields.label(CaseNote, "occurred_at") == "When (YYYY-MM-DD HH:MM)"


def test_a_field_without_a_title_gets_a_readable_label() -> None:
    assert fields.label(CaseNote, "youth_id") == "Youth id"
    assert fields.label(CaseNote, "no_such_field") == "No such field"
    assert fields.kind_label("case_note", "text") == "Text"
    assert fields.kind_label("no_such_kind", "given_on") == "Given on"


def test_help_texts_are_the_field_descriptions() -> None:
    attendees = fields.hint(TeamMeeting, "attendees")
    assert attendees is not None and attendees.startswith("One person per line")
    assert fields.hint(Alias, "name") is None
    assert fields.hint(Alias, "no_such_field") is None


def test_titles_change_neither_validation_nor_the_stored_body() -> None:
    alias = Alias.model_validate({"name": " Lulu "})
    assert alias.model_dump(mode="json") == {"name": "Lulu", "kind": "alias", "note": None}
    with pytest.raises(ValueError, match="at least 1 character"):
        Alias.model_validate({"name": ""})
    # Required stays required, defaults stay defaults.
    assert Youth.model_fields["legal_name"].is_required()
    assert Youth.model_fields["primary_language"].default == "English"
    assert SafetyFlag.model_fields["instruction"].default == "Do not share any information or whereabouts."
    assert set(Youth.model_json_schema()["properties"]) == set(Youth.model_fields)

"""The one-line texts of list items and attached records: one registered function per model, a generic
line from field titles for the rest, in the language asked for, never a JSON dump."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from csec_desktop.domain import summaries
from csec_desktop.domain.csec import CsecStatus, FormResponse, LicensedScreen, MissingEpisode, TeamMeeting
from csec_desktop.domain.directory import DirectoryEntry
from csec_desktop.domain.duties import DutyDone, Told
from csec_desktop.domain.efc import (
    Certification,
    EfcAgreement,
    NmdHearing,
    Participation,
    PlacementOrder,
    ReentryAgreement,
    TransitionPlan,
)
from csec_desktop.domain.fields import form_models
from csec_desktop.domain.protection import ProtectiveOrder
from csec_desktop.domain.services import PlanGoal, PlanSignoff, Referral, SchoolChange, UncoveredService
from csec_desktop.domain.summaries import SUMMARIES, generic, local_time, model_for_key, summarize
from csec_desktop.domain.vacatur import CourtHearing, CourtService, CriminalCount, VacaturCase
from csec_desktop.domain.youth import (
    Alias,
    CaseNote,
    Consent,
    Contact,
    Identifiers,
    Name,
    Placement,
    PlacementPeriod,
    SafetyFlag,
    StatusPeriod,
    Youth,
)
from csec_desktop.rules import load_all
from csec_desktop.text import translations

YOUTH = "0190f0c4-0000-7000-8000-000000000001"
WHEN = "2026-03-06T09:30:00-08:00"

SAMPLES: dict[type[BaseModel], dict[str, Any]] = {
    Name: {"given": "Ana", "middle": "Q", "family": "Ruiz"},
    Identifiers: {"juvenile_case_number": "JV-24-001", "probation_number": "P-7"},
    Alias: {"name": "Lulu", "kind": "moniker"},
    StatusPeriod: {"status": "dependent", "start": "2025-01-02"},
    PlacementPeriod: {"type": "resource_family", "start": "2025-01-02", "order": "WIC 361.2 order"},
    Placement: {"type": "resource_family", "name": "The Ortiz home", "since": "2025-02-01"},
    SafetyFlag: {"person": "J. Doe"},
    Consent: {"kind": "referral", "scope": "Housing referral", "given_by": "Ana", "given_on": "2026-01-05"},
    Contact: {"name": "Maria Ruiz", "relationship": "Aunt", "phone": "555-010-0100"},
    CaseNote: {"occurred_at": WHEN, "note_kind": "home_visit", "text": "Visited at the placement."},
    CsecStatus: {"status": "victim", "decided_at": WHEN, "basis": "Disclosure", "decided_by": "ana"},
    LicensedScreen: {"tool": "CSE-IT", "tool_version": "2.0", "screened_on": "2026-01-05",
                     "screener": "Ana", "screener_trained": True, "band": "clear_concern"},
    MissingEpisode: {"learned_at": WHEN},
    TeamMeeting: {"held_on": "2026-01-05", "attendees": [{"discipline": "probation", "name": "Lee"}]},
    PlanGoal: {"domain": "housing", "goal": "A place of my own", "steps": "Apply", "who_helps": "Ana"},
    PlanSignoff: {"reviewed_on": "2026-01-05", "next_review_on": "2026-07-05", "youth_signed": True},
    Referral: {"domain": "housing", "service": "Transitional housing", "provider": "Casa"},
    SchoolChange: {"changed_on": "2026-01-05", "to_school": "Central High",
                   "exemption_notice_on": "2026-01-20"},
    UncoveredService: {"received_on": "2026-01-05", "what": "Dental cleaning"},
    ProtectiveOrder: {"order_kind": "juvenile_213_5", "restrained_person": "J. Doe", "stage": "granted",
                      "requested_on": "2026-01-05", "granted_on": "2026-01-20", "expires_on": "2029-01-20"},
    PlacementOrder: {"order_type": "dependency", "ordered_on": "2024-01-05"},
    Participation: {"condition": "1", "since": "2026-01-05", "evidence": "Enrollment letter"},
    EfcAgreement: {"mutual_agreement_signed_on": "2026-01-05"},
    Certification: {"certified_on": "2026-01-05", "conditions": ["1", "4"], "certified_by": "Ana"},
    NmdHearing: {"hearing": "review", "on": "2026-01-05", "held": True},
    ReentryAgreement: {"signed_on": "2026-01-05"},
    TransitionPlan: {"made_on": "2026-01-05", "housing": "Stay with my aunt"},
    CriminalCount: {"count_kind": "conviction", "section": "647(b)", "offense_date": "2023-05-01"},
    VacaturCase: {"public_name": "A.R."},
    DutyDone: {"rule_id": "csec.team_meeting", "done_on": "2026-01-05", "method": "in person"},
    DirectoryEntry: {"name": "Casa", "services": "Housing", "domains": ["housing"],
                     "last_verified": "2026-01-05"},
}


def _item(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """The sample as a stored item: checked by its model and dumped as JSON, like the forms send."""
    if getattr(model, "owner_field", None):
        data = {"youth_id": YOUTH, **data}
    dumped: dict[str, Any] = model.model_validate(data).model_dump(mode="json")
    return dumped


def _plain(text: str) -> None:
    assert text.strip()
    assert not any(ch in text for ch in "{}[]"), text
    assert "None" not in text, text


def test_every_registered_model_has_a_sample_here() -> None:
    assert set(SUMMARIES) == set(SAMPLES)


@pytest.mark.parametrize("model", list(SAMPLES), ids=lambda m: m.__name__)
def test_each_registered_model_says_its_item_in_a_line_with_no_json(model: type[BaseModel]) -> None:
    item = _item(model, SAMPLES[model])
    english = summarize(model, item)
    spanish = summarize(model, item, translations("es").gettext)
    _plain(english)
    _plain(spanish)


@pytest.mark.parametrize("model", form_models(), ids=lambda m: m.__name__)
def test_the_generic_line_of_every_form_model_is_built_from_titles(model: type[BaseModel]) -> None:
    data = SAMPLES.get(model) or {
        Youth: {"legal_name": {"given": "Ana", "family": "Ruiz"}, "date_of_birth": "2010-04-01",
                "county": "Fictional", "aliases": [{"name": "Lulu"}]},
        FormResponse: {"form_id": "csec_indicator_screen", "form_version": 1, "answers": {"q1": "yes"},
                       "completed_at": WHEN, "completed_by": "ana"},
        DutyDone: {"rule_id": "csec.report_24h", "done_on": "2026-01-05", "method": "telephone"},
        Told: {"who": "Demo County Sheriff (fictional desk)", "at": WHEN, "method": "telephone"},
        CourtHearing: {"case_number": "23CR-004567", "on": "2027-01-08", "department": "12"},
        CourtService: {"case_number": "JV-0099", "method": "personal", "delivered_on": "2026-11-05"},
    }[model]
    _plain(generic(model, _item(model, data)))
    _plain(generic(model, _item(model, data), translations("es").gettext))


def test_lines_in_english_and_in_spanish() -> None:
    es = translations("es").gettext
    period = _item(StatusPeriod, SAMPLES[StatusPeriod])
    assert summarize("legal_status", period) == "Dependent (WIC 300): 2025-01-02 – now"
    assert summarize("legal_status", period, es) == "Dependiente (WIC 300): 2025-01-02 – ahora"
    alias = _item(Alias, SAMPLES[Alias])
    assert summarize("aliases", alias) == "Lulu (Moniker)"
    assert summarize("aliases", alias, es) == "Lulu (Apodo)"
    status = _item(CsecStatus, SAMPLES[CsecStatus])
    assert summarize("csec_status", status) == \
        "2026-03-06 09:30 · Victim of commercial sexual exploitation · ana"
    assert "Víctima de explotación sexual comercial" in summarize("csec_status", status, es)
    missing = _item(MissingEpisode, SAMPLES[MissingEpisode])
    assert summarize("missing_episode", missing, es) == "2026-03-06 09:30 → no ha regresado"
    assert summarize(TeamMeeting, _item(TeamMeeting, SAMPLES[TeamMeeting])) == "2026-01-05 · 1 attending"
    # A referral says where it stands first (last, a narrow list cut it off).
    referral = summarize(Referral, _item(Referral, SAMPLES[Referral]))
    assert referral == "Suggested · Transitional housing · Casa"
    # A duty marked done by its rule's words (the History tab), cut to a line; an unknown rule by its id.
    load_all()
    duty = _item(DutyDone, SAMPLES[DutyDone])
    assert summarize(DutyDone, duty) == ("Convene the multidisciplinary team for an identified or at-… · "
                                         "done on 2026-01-05")
    assert summarize(DutyDone, duty, es).endswith(" · hecho el 2026-01-05")
    assert summarize(DutyDone, {**duty, "rule_id": "county.gone"}) == "county.gone · done on 2026-01-05"


def test_the_generic_line_uses_the_field_titles_in_the_language_asked_for() -> None:
    duty = _item(DutyDone, {"rule_id": "csec.report_24h", "done_on": "2026-01-05", "done_at": WHEN})
    assert generic(DutyDone, duty) == ("Duty: csec.report_24h · Done on (YYYY-MM-DD): 2026-01-05 · "
                                       "When it was done (YYYY-MM-DD HH:MM): 2026-03-06 09:30")
    assert generic(DutyDone, duty, translations("es").gettext).startswith(
        "Obligación: csec.report_24h · Hecho el (AAAA-MM-DD): 2026-01-05")
    # A ticked box is its title; a coded value its label; a nested group its own line; lists a count.
    youth = _item(Youth, {"legal_name": {"given": "Ana", "family": "Ruiz"}, "date_of_birth": "2010-04-01",
                          "county": "Fictional", "aliases": [{"name": "Lulu"}], "sealed": True})
    assert generic(Youth, youth) == ("Legal name: Ana Ruiz · Aliases, monikers and street names: 1 · "
                                     "Date of birth (YYYY-MM-DD): 2010-04-01 · Primary language: English")
    hearing = _item(NmdHearing, {"on": "2026-01-05", "held": True})
    assert generic(NmdHearing, hearing) == "Hearing: Status review (WIC 366.31) · Date (YYYY-MM-DD): " \
                                           "2026-01-05 · Held"
    assert generic(Alias, {}) == "(empty)"


def test_an_item_its_function_cannot_read_still_gets_a_line() -> None:
    odd = {"condition": "9", "since": "2026-01-05", "evidence": "Letter"}
    assert summarize(Participation, odd) == "Condition: 9 · Since (YYYY-MM-DD): 2026-01-05 · Evidence: Letter"


def test_keys_are_kinds_or_youth_fields() -> None:
    assert model_for_key("case_note") is CaseNote
    assert model_for_key("aliases") is Alias
    assert model_for_key("placement") is Placement
    with pytest.raises(ValueError, match="no record kind"):
        model_for_key("sealed")


def test_local_time_and_codes() -> None:
    assert local_time("2026-07-01T19:00:00+00:00") == "2026-07-01 12:00"
    assert local_time("2026-07-01T12:00") == "2026-07-01 12:00"
    assert local_time("not a time") == "not a time"
    assert summaries.code_label("victim") == "Victim of commercial sexual exploitation"
    assert summaries.code_label("clear_concern", translations("es").gettext) != "Clear concern"
    assert summaries.code_label("no such code") == "no such code"
    assert summaries.code_label(None) == "None"

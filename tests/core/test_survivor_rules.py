"""Issue 18, the rights and services California's CSEC guidance names that the app did not encode: each rule
at its boundaries (fixed instants), with its citation, law date and confidence, and the protective-order
record refusing dates out of order with the field named.

Synthetic, plainly fictional people only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from csec_desktop import caseload, policy
from csec_desktop.domain.csec import CsecStatus, FormResponse
from csec_desktop.domain.efc import PlacementOrder
from csec_desktop.domain.protection import ProtectiveOrder
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import ValidationFailed
from csec_desktop.rules import LEGAL_ZONE, RECHECKED_ON, REGISTRY, Confidence, Finding, FindingKind, State
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import youth as youth_screen
from tests.conftest import youth_data

NEW_RULES = ("safety.protective_order", "safety.protective_order_ends",
             "placement.kin_caregiver_funding_727a",
             "benefits.ffy_medi_cal_lapsed", "benefits.residential_substance_use",
             "benefits.residential_mental_health", "benefits.calvcb_relocation",
             "csec.record_in_statewide_system",
             "housing.hud_coc", "housing.rhy_basic_center", "housing.rhy_transitional_living")


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LEGAL_ZONE)


def _find(youth: Youth, on: date, policy_values: dict[str, int] | None = None,
          **records: list[Any]) -> dict[str, Finding]:
    facts = {"youth_id": "y", "youth": youth, "done": set(), "records": records,
             "policy": policy_values or {}}
    return {f.rule_id: f for f in REGISTRY.evaluate(facts, _at(on))}


def _youth(birth: str, *periods: tuple[str, str, str | None],
           history: list[tuple[str, str, str | None]] | None = None) -> Youth:
    data = youth_data(date_of_birth=birth, legal_status=[
        {"status": s, "start": start, "end": end} for s, start, end in periods])
    if history:
        data["placement_history"] = [{"type": t, "start": start, "end": end} for t, start, end in history]
    return Youth.model_validate(data)


def _status(value: str, on: str = "2026-10-01T09:00:00-07:00") -> CsecStatus:
    return CsecStatus.model_validate({"youth_id": "y", "status": value, "decided_at": on,
                                      "basis": "fictional disclosure", "decided_by": "casey"})


def _needs(**answers: Any) -> FormResponse:
    return FormResponse.model_validate({
        "youth_id": "y", "form_id": "needs_assessment", "form_version": 2,
        "answers": {"assessed_on": "2026-11-01", **answers},
        "completed_at": "2026-11-01T10:00:00-07:00", "completed_by": "casey"})


def _order(**fields: Any) -> ProtectiveOrder:
    return ProtectiveOrder.model_validate({"youth_id": "y", "order_kind": "juvenile_213_5",
                                           "restrained_person": "R. Fictional", **fields})


def test_every_new_rule_cites_its_law_with_the_date_checked_and_a_confidence() -> None:
    for rule_id in NEW_RULES:
        info = REGISTRY.info[rule_id]
        assert info.citation.strip() and info.law_as_of == RECHECKED_ON, rule_id
        assert info.confidence in Confidence, rule_id
    # Suggestions are listed on the Services tab by their area of life.
    for rule_id in NEW_RULES:
        if rule_id != "csec.record_in_statewide_system":
            assert REGISTRY.info[rule_id].domain, rule_id
    # What could not be confirmed in the enacted text says so.
    for rule_id in ("placement.kin_caregiver_funding_727a", "benefits.residential_substance_use",
                    "benefits.residential_mental_health", "housing.hud_coc", "housing.rhy_basic_center",
                    "housing.rhy_transitional_living", "csec.record_in_statewide_system"):
        assert REGISTRY.info[rule_id].confidence is Confidence.UNCONFIRMED, rule_id


# Protective orders ---------------------------------------------------------------------------------

PROTECT = "safety.protective_order"


def test_a_dependent_or_ward_is_pointed_to_the_juvenile_court_and_quotes_213_5() -> None:
    for status in ("dependent", "ward"):
        youth = _youth("2010-04-02", (status, "2024-01-01", None))
        found = _find(youth, date(2026, 11, 30), csec_status=[_status("victim")])[PROTECT]
        assert "WIC 213.5" in found.title and found.confidence is Confidence.VERIFIED, status
        assert any("exclusive jurisdiction to issue ex parte orders" in w for w in found.why)
        assert any("JV-245" in w for w in found.why)
        assert found.to_json()["confidence"] == "verified"


def test_a_youth_with_no_court_status_or_a_nonminor_gets_the_civil_orders() -> None:
    # Dependency ended the day before: the juvenile court no longer has the case.
    youth = _youth("2008-04-02", ("dependent", "2020-01-01", "2026-11-29"))
    found = _find(youth, date(2026, 11, 30), csec_status=[_status("at_risk")])[PROTECT]
    assert "civil harassment" in found.title and found.confidence is Confidence.SECONDARY
    assert any("527.6" in w for w in found.why) and not any("NOT CONFIRMED" in w for w in found.why)
    # The last day of the dependency: still the juvenile court.
    assert "WIC 213.5" in _find(youth, date(2026, 11, 29), csec_status=[_status("at_risk")])[PROTECT].title
    nmd = _youth("2007-04-02", ("nonminor_dependent", "2025-04-02", None))
    found = _find(nmd, date(2026, 11, 30), csec_status=[_status("victim")])[PROTECT]
    assert "civil harassment" in found.title
    assert any("nonminor" in w and "NOT CONFIRMED" in w for w in found.why)


def test_no_suggestion_without_a_concern_or_while_an_order_is_sought_or_in_force() -> None:
    youth = _youth("2010-04-02", ("dependent", "2024-01-01", None))
    day = date(2026, 11, 30)
    assert PROTECT not in _find(youth, day, csec_status=[_status("not_identified")])
    # The latest status decides: "no longer at risk" after "victim".
    later = _status("no_longer_at_risk", "2026-11-01T09:00:00-07:00")
    assert PROTECT not in _find(youth, day, csec_status=[_status("victim"), later])
    assert PROTECT not in _find(youth, day, csec_status=[_status("victim")],
                                protective_order=[_order(stage="requested", requested_on="2026-11-20")])
    granted = _order(stage="granted", requested_on="2026-10-05", granted_on="2026-10-20",
                     expires_on="2026-11-30")
    assert PROTECT not in _find(youth, day, csec_status=[_status("victim")], protective_order=[granted])
    # The day after it expires the suggestion comes back, saying an earlier order ended.
    again = _find(youth, date(2026, 12, 1), csec_status=[_status("victim")],
                  protective_order=[granted])[PROTECT]
    assert any("earlier protective order has ended" in w for w in again.why)


def test_an_order_in_force_is_announced_before_it_ends_by_the_county_setting() -> None:
    youth = _youth("2010-04-02", ("dependent", "2024-01-01", None))
    granted = _order(stage="granted", requested_on="2026-01-05", granted_on="2026-01-20",
                     expires_on="2027-01-20")
    ends = "safety.protective_order_ends"
    assert ends not in _find(youth, date(2026, 12, 20), protective_order=[granted])  # 31 days before
    found = _find(youth, date(2026, 12, 21), protective_order=[granted])[ends]  # 30 days before
    assert found.kind is FindingKind.DEADLINE and found.due == datetime(2027, 1, 20, 23, 59, 59,
                                                                        tzinfo=LEGAL_ZONE)
    assert any("R. Fictional" in w and "2027-01-20" in w for w in found.why)
    assert ends in _find(youth, date(2026, 12, 1), {"protective_order_notice_days": 60},
                         protective_order=[granted])
    assert ends not in _find(youth, date(2027, 1, 21), protective_order=[granted])  # ended: nothing to renew


def test_the_protective_order_record_names_the_field_of_a_bad_date() -> None:
    with pytest.raises(ValidationFailed) as caught:
        ProtectiveOrder.parse({"youth_id": "y", "order_kind": "civil_harassment", "restrained_person": "R.",
                               "stage": "granted", "requested_on": "2026-02-01", "granted_on": "2026-01-01"})
    assert [p.field for p in caught.value.problems] == ["granted_on"]
    assert "before the day it was requested" in caught.value.problems[0].message
    with pytest.raises(ValidationFailed) as caught:
        ProtectiveOrder.parse({"youth_id": "y", "order_kind": "civil_harassment", "restrained_person": "R.",
                               "stage": "requested"})
    assert [p.field for p in caught.value.problems] == ["requested_on"]
    with pytest.raises(ValidationFailed) as caught:
        ProtectiveOrder.parse({"youth_id": "y", "order_kind": "civil_harassment", "restrained_person": "R.",
                               "stage": "temporary", "requested_on": "2026-02-01"})
    assert [p.field for p in caught.value.problems] == ["granted_on"]
    with pytest.raises(ValidationFailed) as caught:
        ProtectiveOrder.parse({"youth_id": "y", "order_kind": "civil_harassment", "restrained_person": "R.",
                               "stage": "granted", "requested_on": "2026-02-01", "granted_on": "2026-02-02",
                               "expires_on": "2026-02-01"})
    assert [p.field for p in caught.value.problems] == ["expires_on"]
    # Considered with the youth: nothing asked for yet, no date needed.
    assert _order().stage.value == "considered"


def test_a_protective_order_is_an_attached_record_the_youth_page_opens(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data())
    caseload.add_attached(admin, youth.id, "protective_order", {
        "order_kind": "juvenile_213_5", "restrained_person": "R. Fictional", "stage": "requested",
        "requested_on": "2026-11-20"})
    assert "protective_order" in youth_screen.attached_kinds()
    opened = youth_screen.open_youth(admin, youth.id, _at(date(2026, 11, 30)))
    names = [getattr(r.body, "restrained_person", None) for r in opened.of("protective_order")]
    assert names == ["R. Fictional"]


# Caregiver funding under a 727(a) order --------------------------------------------------------------

KIN = "placement.kin_caregiver_funding_727a"


def test_a_ward_placed_with_kin_gets_the_approval_and_funding_suggestion_marked_unconfirmed() -> None:
    ward = _youth("2010-04-02", ("ward", "2025-01-01", None), history=[("relative", "2025-02-01", None)])
    order = PlacementOrder.model_validate({"youth_id": "y", "order_type": "ward_727a",
                                           "ordered_on": "2025-02-01"})
    found = _find(ward, date(2026, 11, 30), placement_order=[order])[KIN]
    assert found.confidence is Confidence.UNCONFIRMED and REGISTRY.info[KIN].domain == "housing"
    assert any("2025-02-01 is recorded" in w for w in found.why)
    assert any("NOT CONFIRMED" in w for w in found.why)
    # Without the order recorded, the finding asks for it.
    found = _find(ward, date(2026, 11, 30))[KIN]
    assert any("no WIC 727(a) foster-care placement order is recorded" in w for w in found.why)
    # The day before the kin placement began, and for a ward at home or a dependent: nothing.
    assert KIN not in _find(ward, date(2025, 1, 31))
    home = _youth("2010-04-02", ("ward", "2025-01-01", None), history=[("home_of_parent", "2025-02-01",
                                                                        None)])
    assert KIN not in _find(home, date(2026, 11, 30))
    dependent = _youth("2010-04-02", ("dependent", "2025-01-01", None), history=[("nrefm", "2025-02-01",
                                                                                  None)])
    assert KIN not in _find(dependent, date(2026, 11, 30))


# Former-foster-youth Medi-Cal suspended or ended ---------------------------------------------------

LAPSED = "benefits.ffy_medi_cal_lapsed"


def _ffy(**more: Any) -> Youth:
    # Turned 18 on 2025-04-02 in a resource family; dependency ended then.
    return _youth("2007-04-02", ("dependent", "2020-01-01", "2025-04-02"),
                  history=more.get("history") or [("resource_family", "2020-01-01", "2025-04-02")])


def test_a_former_foster_youth_without_medi_cal_is_helped_to_restore_it_until_26() -> None:
    youth = _ffy()
    found = _find(youth, date(2026, 11, 30), form_response=[_needs(medi_cal="none")])[LAPSED]
    assert found.state is State.ELIGIBLE and any("2033-04-02" in w for w in found.why)
    assert any("MC 250A" in w for w in found.why)
    assert LAPSED not in _find(youth, date(2026, 11, 30), form_response=[_needs(medi_cal="full_scope")])
    # The day before the 26th birthday still; on it, no more.
    assert LAPSED in _find(youth, date(2033, 4, 1), form_response=[_needs(medi_cal="restricted")])
    assert LAPSED not in _find(youth, date(2033, 4, 2), form_response=[_needs(medi_cal="restricted")])


def test_custody_suspends_medi_cal_and_the_finding_quotes_14011_10() -> None:
    youth = _ffy(history=[("resource_family", "2020-01-01", "2025-04-02"), ("juvenile_hall", "2026-11-01",
                                                                            None)])
    found = _find(youth, date(2026, 11, 30), form_response=[_needs(medi_cal="full_scope")])[LAPSED]
    assert any("suspended, not ended" in w and "14011.10" in w for w in found.why)


def test_a_youth_not_in_care_at_18_is_not_told_so_and_an_unknown_placement_cannot_tell() -> None:
    at_home = _ffy(history=[("home_of_parent", "2020-01-01", "2025-04-02")])
    assert LAPSED not in _find(at_home, date(2026, 11, 30), form_response=[_needs(medi_cal="none")])
    unknown = _youth("2007-04-02", ("dependent", "2020-01-01", "2025-04-02"))
    found = _find(unknown, date(2026, 11, 30), form_response=[_needs(medi_cal="none")])[LAPSED]
    assert found.state is State.CANNOT_TELL and found.missing
    assert found.to_json()["state"] == "cannot_tell"


# Medi-Cal residential treatment ------------------------------------------------------------------------


def test_residential_treatment_is_a_referral_category_by_need_and_coverage() -> None:
    youth = _youth("2009-04-02", ("dependent", "2020-01-01", None))
    day = date(2026, 11, 30)
    found = _find(youth, day, form_response=[_needs(substance_use_need="need", medi_cal="full_scope")])
    sud = found["benefits.residential_substance_use"]
    assert REGISTRY.info[sud.rule_id].domain == "substance_use"
    assert any("EPSDT" in w for w in sud.why) and any("referral category" in w for w in sud.why)
    assert "benefits.residential_mental_health" not in found
    # A youth who may be in foster care is told a residential placement is a placement decision; one with no
    # court status is not.
    found = _find(youth, day, form_response=[_needs(mental_health_need="in_progress")])
    assert any("STRTP" in w for w in found["benefits.residential_mental_health"].why)
    alone = _youth("2009-04-02")
    found = _find(alone, day, form_response=[_needs(mental_health_need="in_progress")])
    assert not any("STRTP" in w for w in found["benefits.residential_mental_health"].why)
    assert "benefits.residential_substance_use" not in _find(
        youth, day, form_response=[_needs(substance_use_need="need", medi_cal="none")])
    # At 21 the EPSDT line gives way to the plan's own levels of care.
    adult = _youth("2005-11-30", ("none", "2024-01-01", None))
    sud = _find(adult, day,
                form_response=[_needs(substance_use_need="need")])["benefits.residential_substance_use"]
    assert not any("EPSDT" in w for w in sud.why)


# Victim-compensation relocation ----------------------------------------------------------------------

RELOCATE = "benefits.calvcb_relocation"


def test_relocation_states_the_conditions_of_13957_and_the_cap_only_when_the_county_sets_it() -> None:
    youth = _youth("2009-04-02", ("dependent", "2020-01-01", None))
    day = date(2026, 11, 30)
    found = _find(youth, day, csec_status=[_status("victim")],
                  form_response=[_needs(housing_need="need")])[RELOCATE]
    assert any("law enforcement to be necessary for the personal safety" in w for w in found.why)
    assert any("NOT CONFIRMED" in w for w in found.why)
    assert found.due is not None and found.due.date() == date(2037, 4, 2)  # the 28th birthday (13953)
    capped = _find(youth, day, {"calvcb_relocation_cap": 3418}, csec_status=[_status("victim")],
                   form_response=[_needs(safety_need="in_progress")])[RELOCATE]
    assert any("$3,418" in w for w in capped.why)
    assert RELOCATE not in _find(youth, day, csec_status=[_status("at_risk")],
                                 form_response=[_needs(housing_need="need")])
    assert RELOCATE not in _find(youth, day, csec_status=[_status("victim")],
                                 form_response=[_needs(housing_need="met")])
    # After the application deadline, nothing to ask for.
    assert RELOCATE not in _find(youth, date(2037, 4, 3), csec_status=[_status("victim")],
                                 form_response=[_needs(housing_need="need")])


def test_the_relocation_cap_is_a_county_setting_that_says_it_is_not_confirmed() -> None:
    setting = policy.SETTINGS["calvcb_relocation_cap"]
    assert setting.default == 0 and "NOT CONFIRMED" in setting.source


# Recording the CSEC status in the statewide system ---------------------------------------------------

STATEWIDE = "csec.record_in_statewide_system"


def test_an_identification_is_to_be_recorded_in_cws_cms_by_the_county_days() -> None:
    youth = _youth("2010-04-02", ("dependent", "2024-01-01", None))
    found = _find(youth, date(2026, 11, 30), csec_status=[_status("victim", "2026-11-28T23:30:00-08:00")])
    item = found[STATEWIDE]
    assert item.kind is FindingKind.DEADLINE and item.confidence is Confidence.UNCONFIRMED
    assert item.due == datetime(2026, 12, 5, 23, 59, 59, tzinfo=LEGAL_ZONE)  # 7 days, the default
    assert any("16501.35(a)(2)" in w for w in item.why)
    found = _find(youth, date(2026, 11, 30), {"statewide_system_days": 1},
                  csec_status=[_status("at_risk", "2026-11-28T23:30:00-08:00")])
    assert found[STATEWIDE].due == datetime(2026, 11, 29, 23, 59, 59, tzinfo=LEGAL_ZONE)
    # Each decision is its own duty (a new status is recorded again).
    assert found[STATEWIDE].occurrence == "statewide:at_risk:2026-11-28"


def test_the_statewide_record_is_for_youth_receiving_child_welfare_services() -> None:
    victim = [_status("victim")]
    ward_home = _youth("2010-04-02", ("ward", "2024-01-01", None), history=[("home_of_parent", "2024-01-01",
                                                                             None)])
    assert STATEWIDE not in _find(ward_home, date(2026, 11, 30), csec_status=victim)
    ward_placed = _youth("2010-04-02", ("ward", "2024-01-01", None), history=[("strtp", "2024-01-01", None)])
    assert STATEWIDE in _find(ward_placed, date(2026, 11, 30), csec_status=victim)
    nobody = _youth("2010-04-02")
    assert STATEWIDE not in _find(nobody, date(2026, 11, 30), csec_status=victim)
    nmd = _youth("2007-04-02", ("nonminor_dependent", "2025-04-02", None))
    assert STATEWIDE in _find(nmd, date(2026, 11, 30), csec_status=victim)
    assert STATEWIDE not in _find(nmd, date(2026, 11, 30), csec_status=[_status("not_identified")])


# HUD Continuum of Care and runaway-and-homeless-youth programs ---------------------------------------


def test_homeless_youth_programs_by_age_are_unconfirmed_referral_categories() -> None:
    need = [_needs(housing_need="need")]
    seventeen = _youth("2009-12-01")  # 16 until 2026-12-01
    found = _find(seventeen, date(2026, 11, 30), form_response=need)
    assert "housing.rhy_basic_center" in found and "housing.rhy_transitional_living" in found
    assert "housing.hud_coc" not in found
    assert any("referral category" in w for w in found["housing.rhy_basic_center"].why)
    adult = _youth("2008-11-30")  # 18 on 2026-11-30
    found = _find(adult, date(2026, 11, 30), form_response=need)
    assert "housing.hud_coc" in found and "housing.rhy_basic_center" not in found
    assert "housing.hud_coc" not in _find(adult, date(2026, 11, 29), form_response=need)
    # 22 at the day: too old to enter a transitional living program.
    older = _youth("2004-11-30")
    assert "housing.rhy_transitional_living" not in _find(older, date(2026, 11, 30), form_response=need)
    assert "housing.rhy_transitional_living" in _find(older, date(2026, 11, 29), form_response=need)
    # A youth placed in foster care today has a placement: not these programs.
    placed = _youth("2009-12-01", ("dependent", "2020-01-01", None), history=[("resource_family",
                                                                               "2020-01-01", None)])
    assert "housing.rhy_basic_center" not in _find(placed, date(2026, 11, 30), form_response=need)


# Immigration status, asked only where it changes a benefit (H.R. 1 sec. 71109) -------------------

def test_federal_funding_for_humanitarian_statuses_ends_on_1_october_2026() -> None:
    youth = _youth("2009-03-01", ("dependent", "2024-01-01", None))
    rule = "benefits.humanitarian_medi_cal_funding"
    survivor = _needs(immigration_status="trafficking_victim")
    assert rule not in _find(youth, date(2026, 5, 1), form_response=[survivor])  # far ahead: nothing yet
    ahead = _find(youth, date(2026, 9, 30), form_response=[survivor])[rule]
    assert ahead.kind is FindingKind.WARNING and ahead.law_change == date(2026, 10, 1)
    assert ahead.confidence is Confidence.UNCONFIRMED
    after = _find(youth, date(2026, 10, 1), form_response=[survivor])[rule]
    assert after.law_change is None and "71109" in " ".join(str(line) for line in after.why)
    # Not for a status the change does not touch, nor when the status was not asked or is unknown.
    for status in ("citizen", "permanent_resident", "sijs", "not_asked", "unknown"):
        assert rule not in _find(youth, date(2026, 12, 1), form_response=[_needs(immigration_status=status)])
    assert rule not in _find(youth, date(2026, 12, 1), form_response=[_needs()])
    # The county corrects an UNCONFIRMED reading from DHCS guidance.
    corrected = {"federal_medicaid_humanitarian_2026": 1}
    assert rule not in _find(youth, date(2026, 12, 1), corrected, form_response=[survivor])
    # Private: shown in the app, never on a printed paper (a summary or hearing sheet would disclose it).
    assert REGISTRY.info[rule].private and REGISTRY.printable([after]) == []


def test_the_immigration_status_is_never_printed(admin: Vault) -> None:
    from csec_desktop import identification
    from csec_desktop.documents import jobs
    from csec_desktop.documents.vacatur import page_texts

    record = caseload.create_youth(admin, youth_data(assigned_worker="admin"))
    spec = identification.forms()["needs_assessment"]
    labels = [o.label.get("en") for f in spec.fields() if f.id == "immigration_status" for o in f.options]
    identification.save_screen(admin, record.id, "needs_assessment", {
        "assessed_on": "2026-11-01", "immigration_status": "trafficking_victim", "medi_cal": "full_scope"})
    caseload.add_attached(admin, record.id, "plan_goal", {"domain": "housing", "goal": "A place of my own",
                                                          "steps": "Apply for SILP", "who_helps": "Casey"})
    for kind in ("youth_plan", "youth_summary", "hearing_sheet"):
        text = " ".join(page_texts(jobs.make(admin, kind, record.id)))
        assert not any(label and label.split(",")[0] in text for label in labels[1:-1]), kind
        assert "immigration" not in text.lower(), kind

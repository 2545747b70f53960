"""Each suggestion rule of the service-planning issue: who qualifies and who does not, at the
age and date boundaries (DOMAIN.md sections 1.1, 2.3, 2.4, 2.7, 5)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from csec_desktop import today  # noqa: F401  (loads every rule module)
from csec_desktop.domain.csec import CsecStatus, FormResponse
from csec_desktop.domain.services import PlanGoal, Referral, SchoolChange, UncoveredService
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Confidence, Finding
from tests.conftest import youth_data


def _find(youth: Youth, on: date, **records: list[Any]) -> dict[str, Finding]:
    facts = {"youth_id": "y", "youth": youth, "done": set(), "records": records, "policy": {}}
    moment = datetime(on.year, on.month, on.day, 12, tzinfo=LEGAL_ZONE)
    return {f.rule_id: f for f in REGISTRY.evaluate(facts, moment)}


def _youth(birth: str, *periods: tuple[str, str, str | None], placement: str | None = None) -> Youth:
    data = youth_data(date_of_birth=birth, legal_status=[
        {"status": s, "start": start, "end": end} for s, start, end in periods])
    if placement:
        data["placement"] = {"type": placement}
    return Youth.model_validate(data)


def _needs(**answers: Any) -> FormResponse:
    return FormResponse.model_validate({
        "youth_id": "y", "form_id": "needs_assessment", "form_version": 2,
        "answers": {"assessed_on": "2026-11-01", **answers},
        "completed_at": "2026-11-01T10:00:00-07:00", "completed_by": "casey"})


def _status(value: str, on: str = "2026-10-01T09:00:00-07:00") -> CsecStatus:
    return CsecStatus.model_validate({"youth_id": "y", "status": value, "decided_at": on,
                                      "basis": "disclosure", "decided_by": "casey"})


# Retroactive Medi-Cal: three months before the month of application; asked within 12 months.
RETRO = "benefits.retroactive_medi_cal"


def _gap(received: str, applied: str | None = None) -> UncoveredService:
    return UncoveredService(youth_id="y", received_on=date.fromisoformat(received), what="urgent care visit",
                            medi_cal_applied_on=date.fromisoformat(applied) if applied else None)


def test_retroactive_medi_cal_reaches_three_months_before_the_month_of_application() -> None:
    youth = _youth("2009-05-05", ("dependent", "2020-01-01", None))
    # Applied in November: August, September and October are reachable; July is not, November is ordinary.
    for received, reachable in (("2026-07-31", False), ("2026-08-01", True), ("2026-10-31", True),
                                ("2026-11-02", False)):
        found = _find(youth, date(2026, 11, 20), uncovered_service=[_gap(received, "2026-11-15")])
        assert (RETRO in found) is reachable, received
    # The request is due within 12 months of the month of service: the end of August 2027.
    found = _find(youth, date(2026, 11, 20), uncovered_service=[_gap("2026-08-10", "2026-11-15")])
    assert found[RETRO].due is not None and found[RETRO].due.date() == date(2027, 8, 31)
    assert RETRO in _find(youth, date(2027, 8, 31), uncovered_service=[_gap("2026-08-10", "2026-11-15")])
    assert RETRO not in _find(youth, date(2027, 9, 1), uncovered_service=[_gap("2026-08-10", "2026-11-15")])


def test_retroactive_medi_cal_before_applying_says_by_when_to_apply() -> None:
    youth = _youth("2009-05-05", ("dependent", "2020-01-01", None))
    found = _find(youth, date(2026, 12, 1), uncovered_service=[_gap("2026-09-30")])
    assert found[RETRO].due is not None and found[RETRO].due.date() == date(2026, 12, 31)
    assert RETRO not in _find(youth, date(2027, 1, 1), uncovered_service=[_gap("2026-09-30")])
    # A leap year's February end (two months from 2027: H.R. 1 sec. 71112, a child's group).
    found = _find(youth, date(2027, 12, 31), uncovered_service=[_gap("2027-12-31")])
    assert found[RETRO].due is not None and found[RETRO].due.date() == date(2028, 2, 29)


def test_an_uncovered_service_refuses_an_application_made_before_it() -> None:
    with pytest.raises(ValueError, match="application before the service"):
        _gap("2026-10-01", "2026-09-01")


# EPSDT and TBS: full-scope Medi-Cal under 21.
def test_epsdt_is_not_suggested_without_full_scope_medi_cal() -> None:
    youth = _youth("2008-01-01", ("dependent", "2020-01-01", None))
    rule = "benefits.epsdt_intensive_mental_health"
    assert rule in _find(youth, date(2026, 11, 28), form_response=[_needs(mental_health_need="need")])
    for coverage in ("none", "restricted"):
        assert rule not in _find(youth, date(2026, 11, 28), form_response=[
            _needs(mental_health_need="need", medi_cal=coverage)])
    found = _find(youth, date(2026, 11, 28), form_response=[_needs(mental_health_need="need",
                                                                  medi_cal="full_scope")])
    assert "full-scope Medi-Cal is recorded" in found[rule].why


def test_tbs_for_a_youth_in_an_strtp_under_21_only() -> None:
    needs = [_needs(mental_health_need="in_progress", medi_cal="full_scope")]
    placed = _youth("2005-12-01", ("nonminor_dependent", "2023-12-01", None), placement="strtp")
    assert "benefits.tbs" in _find(placed, date(2026, 11, 30), form_response=needs)
    assert "benefits.tbs" not in _find(placed, date(2026, 12, 1), form_response=needs)  # 21 today
    home = _youth("2010-01-01", ("dependent", "2020-01-01", None), placement="relative")
    assert "benefits.tbs" not in _find(home, date(2026, 11, 30), form_response=needs)
    assert REGISTRY.info["benefits.tbs"].confidence is Confidence.UNCONFIRMED


# WIC 727(a): a ward whose parent failed to protect.
ORDER = "placement.foster_care_order_727a"


def test_foster_care_order_for_a_ward_at_home_whose_parent_failed_to_protect() -> None:
    needs = [_needs(parent_failed_to_protect=True)]
    ward = _youth("2010-06-01", ("ward", "2025-01-01", None), placement="home_of_parent")
    assert ORDER in _find(ward, date(2028, 5, 31), form_response=needs)
    assert ORDER not in _find(ward, date(2028, 6, 1), form_response=needs)  # 18 today
    refused = [_needs(parent_failed_to_protect=False)]
    assert ORDER not in _find(ward, date(2026, 11, 28), form_response=refused)
    placed = _youth("2010-06-01", ("ward", "2025-01-01", None), placement="resource_family")
    assert ORDER not in _find(placed, date(2026, 11, 28), form_response=needs)
    dependent = _youth("2010-06-01", ("dependent", "2025-01-01", None), placement="home_of_parent")
    assert ORDER not in _find(dependent, date(2026, 11, 28), form_response=needs)


# Housing options by age and status.
def _housing(youth: Youth, on: date, **answers: Any) -> set[str]:
    found = _find(youth, on, form_response=[_needs(housing_need="need", **answers)])
    return {rule for rule in found if rule.startswith("housing.")}


def test_housing_options_follow_age_and_court_status() -> None:
    foster = _youth("2010-03-10", ("dependent", "2020-01-01", None), placement="resource_family")
    assert _housing(foster, date(2026, 3, 9)) == set()  # 15
    assert _housing(foster, date(2026, 3, 10)) == {"housing.thpp"}  # 16 today
    nmd = _youth("2007-03-10", ("dependent", "2020-01-01", "2025-03-09"),
                 ("nonminor_dependent", "2025-03-10", None), placement="silp")
    assert _housing(nmd, date(2026, 11, 28)) == {"housing.thp_nmd", "housing.silp", "housing.fyi_voucher"}
    assert _housing(nmd, date(2028, 3, 10)) == {"housing.fyi_voucher"}  # 21: no longer an NMD placement
    left = _youth("2006-03-10", ("dependent", "2020-01-01", "2025-01-31"), ("none", "2025-02-01", None))
    # Issue 18 added the homeless-youth categories: the Continuum of Care (18-24) and, entering at 16-21, a
    # transitional living program (youth not in a foster-care placement).
    assert _housing(left, date(2026, 11, 28)) == {"housing.thp_plus", "housing.fyi_voucher",
                                                  "housing.hud_coc", "housing.rhy_transitional_living"}
    # 24: past THP-Plus
    assert _housing(left, date(2030, 3, 10)) == {"housing.fyi_voucher", "housing.hud_coc"}
    early = _youth("2006-03-10", ("dependent", "2020-01-01", "2023-01-31"), ("none", "2023-02-01", None))
    assert "housing.thp_plus" not in _housing(early, date(2026, 11, 28))  # left care before 18
    assert _housing(foster, date(2026, 11, 28), mental_health_need="need") == {"housing.thpp", "housing.bhsa"}
    # No housing need recorded: no housing suggestion at all.
    no_need = _find(nmd, date(2026, 11, 28), form_response=[_needs()])
    assert not {r for r in no_need if r.startswith("housing.")}
    for rule in ("housing.fyi_voucher", "housing.bhsa"):
        assert REGISTRY.info[rule].confidence is Confidence.UNCONFIRMED


# School moves.
def _move(on: str, years: int = 2, **flags: Any) -> SchoolChange:
    return SchoolChange(youth_id="y", changed_on=date.fromisoformat(on), to_school="Fictional High",
                        high_school_years_completed=years, **flags)


EXEMPT = "education.graduation_exemption"


def test_graduation_exemption_after_the_second_year_with_notice_in_30_days() -> None:
    foster = _youth("2009-09-01", ("dependent", "2020-01-01", None), placement="resource_family")
    found = _find(foster, date(2026, 11, 28), school_change=[_move("2026-11-01")])
    assert found[EXEMPT].due is not None and found[EXEMPT].due.date() == date(2026, 12, 1)
    assert not found[EXEMPT].overdue(datetime(2026, 12, 1, 23, 0, tzinfo=LEGAL_ZONE))
    assert found[EXEMPT].overdue(datetime(2026, 12, 2, 0, 0, tzinfo=LEGAL_ZONE))
    assert EXEMPT not in _find(foster, date(2026, 11, 28), school_change=[_move("2026-11-01", years=1)])
    noticed = _move("2026-11-01", exemption_notice_on=date(2026, 11, 20))
    assert EXEMPT not in _find(foster, date(2026, 11, 28), school_change=[noticed])


def test_a_ward_at_home_is_a_foster_child_for_school_purposes() -> None:
    # Ed. Code 48853.5(a), 51225.2(a)(1): "the subject of a petition filed under Section 300 or 602".
    home = _youth("2009-09-01", ("ward", "2024-01-01", None), placement="home_of_parent")
    found = _find(home, date(2026, 11, 28), school_change=[_move("2026-11-01")])
    assert EXEMPT in found and any("300 or 602" in line for line in found[EXEMPT].why)
    assert not any("not covered" in line for line in found[EXEMPT].why)
    assert "education.liaisons" in found
    # The day before the petition's status began, the ward was not yet covered (no other ground).
    later = _youth("2009-09-01", ("ward", "2026-11-02", None), placement="home_of_parent")
    assert EXEMPT not in _find(later, date(2026, 11, 28), school_change=[_move("2026-11-01")])
    assert EXEMPT in _find(later, date(2026, 11, 28), school_change=[_move("2026-11-02")])
    no_court = _youth("2009-09-01", ("none", "2020-01-01", None))
    assert EXEMPT not in _find(no_court, date(2026, 11, 28), school_change=[_move("2026-11-01")])


def test_liaisons_in_the_first_30_days_after_a_move() -> None:
    foster = _youth("2012-09-01", ("dependent", "2020-01-01", None), placement="relative")
    rule = "education.liaisons"
    assert rule in _find(foster, date(2026, 12, 1), school_change=[_move("2026-11-01", years=0)])
    assert rule not in _find(foster, date(2026, 12, 2), school_change=[_move("2026-11-01", years=0)])
    home = _youth("2012-09-01", ("none", "2020-01-01", None))
    assert rule not in _find(home, date(2026, 11, 5), school_change=[_move("2026-11-01", years=0)])
    found = _find(home, date(2026, 11, 5), school_change=[_move("2026-11-01", years=0, homeless=True)])
    assert any("McKinney-Vento" in line for line in found[rule].why)


# The case plan documents CSEC services; the hand-off to vacatur screening.
def test_case_plan_must_document_services_for_an_identified_youth_in_care() -> None:
    youth = _youth("2010-01-01", ("dependent", "2020-01-01", None), placement="resource_family")
    rule = "case_plan.csec_services"
    assert rule in _find(youth, date(2026, 11, 28), csec_status=[_status("at_risk")])
    assert rule not in _find(youth, date(2026, 11, 28), csec_status=[
        _status("victim"), _status("no_longer_at_risk", "2026-11-01T09:00:00-07:00")])
    goal = PlanGoal(youth_id="y", domain="safety", goal="I want to feel safe.", steps="safety plan",
                    who_helps="Casey")
    assert rule not in _find(youth, date(2026, 11, 28), csec_status=[_status("victim")], plan_goal=[goal])
    declined = Referral(youth_id="y", domain="safety", service="advocate", provider="Fictional Advocates",
                        status="declined", referred_on=date(2026, 10, 2))
    assert rule in _find(youth, date(2026, 11, 28), csec_status=[_status("victim")], referral=[declined])
    at_home = _youth("2010-01-01", ("none", "2020-01-01", None))
    assert rule not in _find(at_home, date(2026, 11, 28), csec_status=[_status("victim")])


def test_vacatur_hand_off_for_a_victim_with_a_record() -> None:
    youth = _youth("2004-01-01", ("none", "2022-01-01", None))
    rule = "legal.vacatur_screening"
    assert rule in _find(youth, date(2026, 11, 28), csec_status=[_status("victim")],
                         form_response=[_needs(has_record=True)])
    assert rule not in _find(youth, date(2026, 11, 28), csec_status=[_status("at_risk")],
                             form_response=[_needs(has_record=True)])
    assert rule not in _find(youth, date(2026, 11, 28), csec_status=[_status("victim")],
                             form_response=[_needs(has_record=False)])


def test_every_suggestion_names_a_service_domain() -> None:
    from csec_desktop.domain.services import SERVICE_DOMAINS
    suggestions = [i for i in REGISTRY.info.values() if i.domain is not None]
    assert len(suggestions) >= 15
    assert all(i.domain in SERVICE_DOMAINS for i in suggestions)

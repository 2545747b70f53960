"""Issue 18: the law as of any day. Every test runs at fixed instants (a fake clock for the vault,
`as_of` for the rules), at the boundaries the statutes set.

- Reading never breaks on a date: a stored youth who turns 31 opens, with a warning.
- Eligibility has three answers; "cannot tell" names the missing fact.
- Effective-dated law: retroactive Medi-Cal before and after 1 January 2027 (H.R. 1 sec. 71112).
- Placement history decides "in foster care on day X"; the old `placement` field migrates on read.
- The corrections of the legal review, each at its boundary.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest

from csec_desktop import caseload, efc, today
from csec_desktop.domain.csec import CsecStatus
from csec_desktop.domain.efc import Condition, EfcAgreement, Participation, PlacementOrder
from csec_desktop.domain.services import MediCalGroup, UncoveredService
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import ValidationFailed
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Confidence, Finding, FindingKind, State, law
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import youth as youth_screen
from tests.conftest import FakeClock, youth_data


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LEGAL_ZONE)


def _set(clock: FakeClock, day: date, hour: int = 12) -> None:
    clock.now = _at(day, hour).timestamp()


def _find(youth: Youth, on: date, policy: dict[str, int] | None = None,
          **records: list[Any]) -> dict[str, Finding]:
    facts = {"youth_id": "y", "youth": youth, "done": set(), "records": records, "policy": policy or {}}
    return {f.rule_id: f for f in REGISTRY.evaluate(facts, _at(on))}


# 1. The time bomb --------------------------------------------------------------------------------


def test_a_stored_youth_turning_31_still_opens_today_and_search_across_new_year(admin: Vault,
                                                                               clock: FakeClock) -> None:
    _set(clock, date(2026, 11, 30))
    stored = caseload.create_youth(admin, youth_data(date_of_birth="2010-01-01"))  # 31 on 2041-01-01
    for day, warned in ((date(2040, 12, 31), False), (date(2041, 1, 1), True), (date(2041, 1, 2), True)):
        _set(clock, day, 9)
        assert [s.id for s in caseload.search(admin, "Sampleton")] == [stored.id], day
        opened = youth_screen.open_youth(admin, stored.id, _at(day, 9))
        checks = [f for f in opened.derived.duties if f.rule_id == "record.birth_date"]
        assert bool(checks) is warned, day
        # Today reads the whole caseload without raising (the youth has a court status: it is read).
        items = today.items(admin, _at(day, 9))
        assert any(i.finding.rule_id == "record.birth_date" for i in items) is warned, day


def test_writes_check_the_birth_date_against_the_write_day_naming_the_field(admin: Vault,
                                                                           clock: FakeClock) -> None:
    _set(clock, date(2040, 12, 31))
    caseload.create_youth(admin, youth_data(date_of_birth="2010-01-01"))  # 30 that day: fine
    _set(clock, date(2041, 1, 1))
    with pytest.raises(ValidationFailed) as caught:
        caseload.create_youth(admin, youth_data(date_of_birth="2010-01-01"))
    assert [p.field for p in caught.value.problems] == ["date_of_birth"]
    assert "record-relief" in caught.value.problems[0].message
    # An adult client of the record-relief work (Pen. Code 236.14: relief at any age) is recordable.
    adult = caseload.create_youth(admin, youth_data(date_of_birth="1980-06-15", record_relief_client=True))
    assert isinstance(adult.body, Youth) and adult.body.record_relief_client
    with pytest.raises(ValidationFailed) as caught:
        caseload.create_youth(admin, youth_data(date_of_birth="2041-01-02"))
    assert [(p.field, p.message) for p in caught.value.problems] == [("date_of_birth", "is in the future")]
    # An edit that does not touch the birth date never trips the check on a stored record.
    old = caseload.create_youth(admin, youth_data(date_of_birth="2011-01-01"))
    _set(clock, date(2042, 6, 1))
    caseload.update_youth(admin, old.id, {"preferred_name": "Fictional Wren"})
    with pytest.raises(ValidationFailed):
        caseload.update_youth(admin, old.id, {"record_relief_client": False, "date_of_birth": "2009-01-01"})
    assert caseload.get_youth(admin, old.id).body.dump()["date_of_birth"] == "2011-01-01"  # rolled back


def test_an_old_record_with_only_a_current_placement_migrates_on_read() -> None:
    youth = Youth.model_validate(youth_data(placement={"type": "resource_family", "since": "2024-03-01"}))
    (period,) = youth.placement_history
    assert (period.type.value, period.start, period.end) == ("resource_family", date(2024, 3, 1), None)
    assert youth.placement_on(date(2024, 2, 29)) is None and youth.placement_on(date(2024, 3, 1)) == period
    bare = Youth.model_validate(youth_data(placement={"type": "relative"}))  # no "since": nothing to date
    assert bare.placement_history == []
    with pytest.raises(Exception, match="1900"):
        Youth.model_validate(youth_data(date_of_birth="1899-12-31"))


# 2. Three answers: extended foster care -----------------------------------------------------------

SCHOOL = Participation(youth_id="y", condition=Condition.SCHOOL, since=date(2026, 1, 1),
                       evidence="enrollment")
SIGNED = EfcAgreement(youth_id="y", mutual_agreement_signed_on=date(2026, 3, 10))


def _ward(**more: Any) -> Youth:
    return Youth.model_validate(youth_data(date_of_birth="2008-03-10", legal_status=[
        {"status": "ward", "start": "2024-01-01"}], **more))


def test_a_ward_with_no_placement_recorded_is_cannot_tell_not_eligible() -> None:
    result = efc.eligibility(_ward(), [SCHOOL, SIGNED], date(2026, 11, 30))
    assert result.state is State.CANNOT_TELL and not result.eligible
    assert result.checks[0].state is State.CANNOT_TELL
    assert any("placement order" in m for m in result.missing)
    finding = _find(_ward(), date(2026, 11, 30), efc_participation=[SCHOOL], efc_agreement=[SIGNED])
    eligibility = finding["efc.eligibility"]
    assert eligibility.kind is FindingKind.CANNOT_TELL and eligibility.state is State.CANNOT_TELL
    assert eligibility.missing and "cannot tell" in eligibility.title
    assert any(line.startswith("CANNOT TELL") for line in eligibility.why)


def test_placement_history_decides_the_18th_birthday() -> None:
    at_home = _ward(placement_history=[{"type": "home_of_parent", "start": "2024-01-01"}])
    result = efc.eligibility(at_home, [SCHOOL, SIGNED], date(2026, 11, 30))
    assert result.state is State.NOT_ELIGIBLE
    assert "388(e)(1)" in result.checks[0].text and "way back in" not in result.checks[0].text
    # Placed in foster care the day after the 18th birthday: still not in foster care on it.
    late = _ward(placement_history=[{"type": "home_of_parent", "start": "2024-01-01", "end": "2026-03-10"},
                                    {"type": "resource_family", "start": "2026-03-11"}])
    assert efc.eligibility(late, [SCHOOL, SIGNED], date(2026, 11, 30)).state is State.NOT_ELIGIBLE
    # In foster care on the birthday, but the order is not recorded: cannot tell, asks for the order.
    placed = _ward(placement_history=[{"type": "resource_family", "start": "2025-01-01"}])
    result = efc.eligibility(placed, [SCHOOL, SIGNED], date(2026, 11, 30))
    assert result.state is State.CANNOT_TELL and "placement order" in result.missing[0]


def test_an_order_ended_before_18_gives_no_reentry_advice_but_the_vacatur_route() -> None:
    ended = PlacementOrder(youth_id="y", order_type="ward_727a", ordered_on=date(2025, 1, 1),
                           ended_on=date(2026, 3, 9))
    result = efc.eligibility(_ward(), [ended, SCHOOL, SIGNED], date(2026, 11, 30))
    assert result.state is State.NOT_ELIGIBLE
    text = result.checks[0].text
    assert "2026-03-09" in text and "388(e)(1)" in text and "450(a)(1)(B)" in text
    assert "voluntary re-entry agreement is the way back in" not in text
    vacated = ended.model_copy(update={"vacated_under_236_14": True})
    assert efc.eligibility(_ward(), [vacated, SCHOOL, SIGNED], date(2026, 11, 30)).state is State.ELIGIBLE


def test_late_medical_paperwork_is_cannot_tell_not_ineligible() -> None:
    order = PlacementOrder(youth_id="y", order_type="ward_727a", ordered_on=date(2025, 1, 1))
    medical = Participation(youth_id="y", condition=Condition.MEDICAL, since=date(2026, 1, 1),
                            evidence="doctor's letter", plan="a condition",
                            medical_update_on=date(2026, 6, 1))
    on_time = efc.eligibility(_ward(), [order, medical, SIGNED], date(2026, 11, 28))  # 180 days
    assert on_time.state is State.ELIGIBLE
    late = efc.eligibility(_ward(), [order, medical, SIGNED], date(2026, 11, 29))  # 181 days
    assert late.state is State.CANNOT_TELL and "medical" in late.missing[0]
    assert efc.eligibility(_ward(), [order, SIGNED], date(2026, 11, 29)).state is State.CANNOT_TELL
    turned_21 = efc.eligibility(_ward(), [order, medical, SIGNED], date(2029, 3, 10))
    assert turned_21.state is State.NOT_ELIGIBLE  # one "no" decides, whatever cannot be told


# 3. Effective-dated law: retroactive Medi-Cal -----------------------------------------------------

RETRO = "benefits.retroactive_medi_cal"
ADULT = Youth.model_validate(youth_data(date_of_birth="2002-05-05", legal_status=[]))
CHILD = Youth.model_validate(youth_data(date_of_birth="2012-05-05"))


def _gap(received: str, applied: str | None = None, group: str = "unknown") -> UncoveredService:
    return UncoveredService(youth_id="y", received_on=date.fromisoformat(received), what="urgent care",
                            medi_cal_applied_on=date.fromisoformat(applied) if applied else None,
                            medi_cal_group=MediCalGroup(group))


def _reach(youth: Youth, received: str, applied: str, group: str = "unknown",
           policy: dict[str, int] | None = None) -> bool:
    return RETRO in _find(youth, date.fromisoformat(applied), policy, uncovered_service=[
        _gap(received, applied, group)])


def test_the_version_in_force_on_the_application_day_decides() -> None:
    # Applied 2026-12-31: three months (September to November).
    assert _reach(CHILD, "2026-09-01", "2026-12-31") and not _reach(CHILD, "2026-08-31", "2026-12-31")
    # Applied 2027-01-01: two months for a child (November, December), not October.
    assert _reach(CHILD, "2026-11-01", "2027-01-01") and not _reach(CHILD, "2026-10-31", "2027-01-01")
    # An expansion adult: one month (December only).
    assert _reach(ADULT, "2026-12-01", "2027-01-01", "expansion_adult")
    assert not _reach(ADULT, "2026-11-30", "2027-01-01", "expansion_adult")
    # A county that reads sec. 71112 otherwise sets it (the UNCONFIRMED version names its setting).
    assert _reach(CHILD, "2026-10-31", "2027-01-01", policy={"retro_medi_cal_months_2027": 3})
    found = _find(CHILD, date(2027, 1, 1), uncovered_service=[_gap("2026-12-01", "2027-01-01")])
    assert found[RETRO].confidence is Confidence.UNCONFIRMED
    assert any("71112" in line for line in found[RETRO].why)


def test_before_applying_the_deadline_is_the_last_day_the_law_still_reaches_back() -> None:
    # Care in October 2026: under the old law January 2027 would still reach it; from 2027 it does not.
    found = _find(CHILD, date(2026, 12, 1), uncovered_service=[_gap("2026-10-15")])[RETRO]
    assert found.due is not None and found.due.date() == date(2026, 12, 31)
    assert found.law_change == date(2027, 1, 1)
    assert any("2027-01-01" in line for line in found.why)
    assert RETRO not in _find(CHILD, date(2027, 1, 1), uncovered_service=[_gap("2026-10-15")])
    # An adult whose group is not recorded: cannot tell; the shorter window is shown.
    adult = _find(ADULT, date(2026, 12, 15), uncovered_service=[_gap("2026-12-10")])[RETRO]
    assert adult.state is State.CANNOT_TELL and adult.missing
    assert adult.due is not None and adult.due.date() == date(2027, 1, 31)
    grouped = _find(ADULT, date(2026, 12, 15), uncovered_service=[_gap("2026-12-10", group="other")])[RETRO]
    assert grouped.state is None and grouped.due is not None and grouped.due.date() == date(2027, 2, 28)


def test_a_parameter_refuses_gaps_and_lists_its_changes() -> None:
    with pytest.raises(ValueError, match="gap"):
        law.Parameter("test.gap", "test", (
            law.Version(1, None, date(2026, 12, 30), "Test Code, § 1", Confidence.VERIFIED),
            law.Version(2, date(2027, 1, 1), None, "Test Code, § 2", Confidence.VERIFIED)))
    assert law.RETRO_MONTHS.value_at(date(2026, 12, 31)) == 3
    assert law.RETRO_MONTHS.value_at(date(2027, 1, 1)) == 2
    assert law.RETRO_MONTHS_EXPANSION.value_at(date(2027, 1, 1)) == 1
    days = [c.day for c in law.changes(date(2026, 11, 30))]
    assert date(2027, 1, 1) in days and date(2026, 10, 1) not in days
    assert date(2026, 10, 1) in [c.day for c in law.changes(date(2026, 10, 1))]
    assert all(c.source and c.confidence for c in law.changes(date(2026, 1, 1)))


# 4-5. Placement history and the corrections --------------------------------------------------------

FFY = "benefits.former_foster_youth_medi_cal"


def _eighteen_in_2026(**more: Any) -> Youth:
    return Youth.model_validate(youth_data(date_of_birth="2008-03-10", legal_status=[
        {"status": "ward", "start": "2024-01-01", "end": "2026-03-31"}], **more))


def test_ffy_medi_cal_and_thp_plus_only_for_a_youth_in_foster_care_at_18() -> None:
    home = _eighteen_in_2026(placement_history=[{"type": "home_of_parent", "start": "2024-01-01"}])
    assert FFY not in _find(home, date(2026, 11, 30))
    foster = _eighteen_in_2026(placement_history=[{"type": "relative", "start": "2024-01-01",
                                                   "end": "2026-03-31"}])
    assert _find(foster, date(2026, 11, 30))[FFY].state is State.ELIGIBLE
    unknown = _find(_eighteen_in_2026(), date(2026, 11, 30))[FFY]
    assert unknown.state is State.CANNOT_TELL and unknown.kind is FindingKind.CANNOT_TELL and unknown.missing
    # THP-Plus (WIC 11400(s)): left care at or after 18, with a housing need.
    from tests.core.test_suggestions import _needs
    need = {"form_response": [_needs(housing_need="need")]}
    assert "housing.thp_plus" not in _find(home, date(2026, 11, 30), **need)
    assert _find(foster, date(2026, 11, 30), **need)["housing.thp_plus"].kind is FindingKind.SUGGESTION
    unknown_thp = _find(_eighteen_in_2026(), date(2026, 11, 30), **need)["housing.thp_plus"]
    assert unknown_thp.state is State.CANNOT_TELL


def _victim(on: str) -> CsecStatus:
    return CsecStatus.model_validate({"youth_id": "y", "status": "victim",
                                      "decided_at": f"{on}T09:00:00-08:00",
                                      "basis": "disclosure", "decided_by": "casey"})


def test_victim_compensation_deadline_is_the_latest_date_never_before_28() -> None:
    youth = Youth.model_validate(youth_data(date_of_birth="2006-01-01"))
    # Identified at 19 (2025-06-01): 7 years is 2032-06-01, before the 28th birthday (2034-01-01).
    found = _find(youth, date(2026, 11, 30),
                  csec_status=[_victim("2025-06-01")])["benefits.victim_compensation"]
    assert found.due is not None and found.due.date() == date(2034, 1, 1)
    assert found.citation.startswith("Gov. Code, § 13953")
    assert any("whichever is later" in w for w in found.why)
    # Identified at 24 (2030-01-02): 7 years (2037-01-02) is later than the 28th birthday.
    late = _find(youth, date(2030, 2, 1), csec_status=[_victim("2030-01-02")])["benefits.victim_compensation"]
    assert late.due is not None and late.due.date() == date(2037, 1, 2)
    assert REGISTRY.info["benefits.victim_compensation"].law_as_of == date(2026, 11, 30)


def test_every_finding_carries_its_confidence_and_state_in_json() -> None:
    found = _find(_ward(), date(2026, 11, 30), efc_participation=[SCHOOL], efc_agreement=[SIGNED])
    data = json.loads(json.dumps([f.to_json() for f in found.values()]))
    assert all(d["confidence"] in ("verified", "secondary", "unconfirmed") for d in data)
    efc_json = next(d for d in data if d["rule_id"] == "efc.eligibility")
    assert efc_json["state"] == "cannot_tell" and efc_json["missing"]
    with pytest.raises(ValueError, match="missing fact"):
        REGISTRY.info["efc.eligibility"].finding(FindingKind.CANNOT_TELL, "x", ())

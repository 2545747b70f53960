"""Extended foster care at its boundaries: the order on the 18th birthday (and the day before),
the vacatur path, leap-day birthdays, birthdays at midnight, the day before 21, and every due date
of the six-month cycle and re-entry (DOMAIN.md section 2)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from csec_desktop import efc, today  # noqa: F401  (today loads every rule module)
from csec_desktop.domain.efc import (
    Certification,
    EfcAgreement,
    NmdHearing,
    Participation,
    PlacementOrder,
    ReentryAgreement,
    TransitionPlan,
)
from csec_desktop.domain.youth import LegalStatus, StatusPeriod, Youth
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Finding, State
from csec_desktop.rules.court_days import court_days_after, holidays
from tests.conftest import youth_data


def _youth(birth: str, status: str = "nonminor_dependent", placement: str = "resource_family") -> Youth:
    return Youth.model_validate(youth_data(date_of_birth=birth, placement={"type": placement},
                                           legal_status=[{"status": status, "start": "2015-01-01"}]))


def _order(on: str, ended: str | None = None, **more: Any) -> PlacementOrder:
    return PlacementOrder(youth_id="y", order_type=more.pop("order_type", "dependency"),
                          ordered_on=date.fromisoformat(on),
                          ended_on=date.fromisoformat(ended) if ended else None, **more)


SCHOOL = Participation(youth_id="y", condition="2", since=date(2026, 1, 1), evidence="enrollment letter")
SIGNED = EfcAgreement(youth_id="y", mutual_agreement_signed_on=date(2026, 1, 2))


def _find(youth: Youth, moment: datetime | date, *records: Any) -> dict[str, Finding]:
    by_kind: dict[str, list[Any]] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(12), LEGAL_ZONE)
    facts = {"youth_id": "y", "youth": youth, "done": set(), "records": by_kind, "policy": {}}
    return {f.rule_id: f for f in REGISTRY.evaluate(facts, moment)}


def test_an_order_that_ended_the_day_before_18_does_not_open_extended_care() -> None:
    youth = _youth("2008-03-10")
    on = date(2026, 11, 28)
    ended_before = efc.eligibility(youth, [_order("2020-01-01", "2026-03-09"), SCHOOL, SIGNED], on)
    assert not ended_before.eligible and "before the 18th birthday" in ended_before.checks[0].text
    ended_on = efc.eligibility(youth, [_order("2020-01-01", "2026-03-10"), SCHOOL, SIGNED], on)
    assert ended_on.eligible


def test_the_vacatur_path_counts_an_order_ended_by_a_236_14_vacatur() -> None:
    youth = _youth("2008-03-10", status="ward")
    order = _order("2024-05-01", "2025-12-01", order_type="ward_727a", vacated_under_236_14=True)
    result = efc.eligibility(youth, [order, SCHOOL, SIGNED], date(2026, 11, 28))
    assert result.eligible and result.checks[0].citation.startswith("Welf. & Inst. Code, § 450")
    plain = _order("2024-05-01", "2025-12-01", order_type="ward_727a")
    assert not efc.eligibility(youth, [plain, SCHOOL, SIGNED], date(2026, 11, 28)).eligible


def test_conditions_and_the_mutual_agreement() -> None:
    youth = _youth("2008-03-10")
    order = _order("2020-01-01")
    assert not efc.eligibility(youth, [order, SIGNED], date(2026, 11, 28)).eligible  # no condition
    assert not efc.eligibility(youth, [order, SCHOOL], date(2026, 11, 28)).eligible  # no SOC 162
    exempt = EfcAgreement(youth_id="y", remains_under_delinquency=True)
    assert efc.eligibility(youth, [order, SCHOOL, exempt], date(2026, 11, 28)).eligible
    medical = Participation(youth_id="y", condition="5", since=date(2026, 1, 1), evidence="doctor's letter",
                            plan="PTSD, in treatment", medical_update_on=date(2026, 6, 1))
    assert efc.eligibility(youth, [order, medical, SIGNED], date(2026, 11, 28)).eligible  # 180 days
    stale = efc.eligibility(youth, [order, medical, SIGNED], date(2026, 11, 29))  # 181 days
    assert not stale.eligible and "more than 180 days" in stale.checks[2].text


def test_the_day_before_21_and_a_birthday_at_midnight() -> None:
    youth = _youth("2006-12-01")
    records = (_order("2020-01-01"), SCHOOL, SIGNED)
    last = efc.eligibility(youth, records, date(2027, 11, 30))
    assert last.eligible and last.ends_on == date(2027, 11, 30)
    assert not efc.eligibility(youth, records, date(2027, 12, 1)).eligible
    # On Today: the finding is there one second before midnight, gone at midnight Pacific time.
    before = datetime(2027, 11, 30, 23, 59, 59, tzinfo=LEGAL_ZONE)
    midnight = datetime(2027, 12, 1, 0, 0, tzinfo=LEGAL_ZONE)
    assert "efc.eligibility" in _find(youth, before, *records)
    assert "efc.eligibility" not in _find(youth, midnight, *records)
    assert _find(youth, before, *records)["efc.ends_at_21"].due == datetime(
        2027, 11, 30, 23, 59, 59, tzinfo=LEGAL_ZONE)


def test_leaving_care_at_21_asks_for_the_transition_plan_of_the_90_days_before() -> None:
    """Caseworker review, session 36: "plan the exit" was due on the last day of support, with no
    window and no plan looked for. 42 U.S.C. 675(5)(H) asks for the transition plan in the 90 days
    before leaving care at the age the state elects (21 here)."""
    from csec_desktop.domain.efc import TransitionPlan

    youth = _youth("2006-12-01")
    records = (_order("2020-01-01"), SCHOOL, SIGNED)
    now = datetime(2027, 10, 1, 9, tzinfo=LEGAL_ZONE)
    found = _find(youth, now, *records)["efc.ends_at_21"]
    said = [str(w) for w in found.why]
    assert any("from 2027-09-02, in the 90 days before" in w for w in said)
    assert "no transition plan recorded since 2027-09-02" in said and not found.done
    old = TransitionPlan(youth_id="y", made_on=date(2025, 11, 1), housing="Stay with my aunt")
    assert not _find(youth, now, *records, old)["efc.ends_at_21"].done  # made before the window
    whole = {name: True if field.annotation is bool else "written with the youth"
             for name, field in TransitionPlan.model_fields.items() if name not in ("youth_id", "made_on")}
    plan = TransitionPlan.model_validate({"youth_id": "y", "made_on": "2027-09-15", **whole})
    assert not plan.missing_sections()
    assert _find(youth, now, *records, plan)["efc.ends_at_21"].done


def test_a_certification_marked_done_moves_the_cycle_on_in_the_duties_and_the_timeline() -> None:
    """Caseworker review, session 36: the certification due 2024-06-05, marked done on Today, showed
    done in the duties with no later cycle, while the timeline (reading SOC 161 records only)
    showed every six months since as overdue."""
    from csec_desktop.domain.duties import DutyDone

    youth = _youth("2005-12-05")  # 18 on 2023-12-05
    records = (_order("2020-01-01"), SCHOOL, SIGNED)
    moment = datetime.combine(date(2024, 12, 1), time(12), LEGAL_ZONE)
    facts = {"youth_id": "y", "youth": youth, "records": {r.kind: [r] for r in records}, "policy": {},
             "done": {("efc.six_month_certification", "soc161:2024-06-05")}}
    found = {f.rule_id: f for f in REGISTRY.evaluate(facts, moment)}["efc.six_month_certification"]
    assert found.occurrence == "soc161:2024-12-05" and not found.done  # the next one, not the one done
    marked = DutyDone(youth_id="y", rule_id="efc.six_month_certification", occurrence="soc161:2024-06-05",
                      done_on=date(2024, 6, 3))
    events = efc.timeline(youth, [*records, marked], date(2024, 12, 1))
    cycles = [(e.day, e.state) for e in events if "SOC 161" in e.label]
    assert cycles == [(date(2024, 6, 5), "done"), (date(2024, 12, 5), "ahead")]


def test_a_leap_day_birthday() -> None:
    youth = _youth("2008-02-29")
    result = efc.eligibility(youth, [_order("2020-01-01", "2026-03-01"), SCHOOL, SIGNED], date(2026, 11, 28))
    assert result.eligible  # turned 18 on 1 March 2026, the day the order ended
    assert result.ends_on == date(2029, 2, 28)
    assert not efc.eligibility(youth, [_order("2020-01-01", "2026-02-28")], date(2026, 11, 28)).checks[0].ok


def test_six_month_certification_and_review_due_dates() -> None:
    youth = _youth("2008-03-10")
    found = _find(youth, date(2026, 8, 20), _order("2020-01-01"))
    assert found["efc.six_month_certification"].due.date() == date(2026, 9, 10)  # 18th birthday + 6 months
    assert "efc.six_month_certification" not in _find(youth, date(2026, 8, 10), _order("2020-01-01"))
    certified = Certification(youth_id="y", certified_on=date(2026, 9, 3), conditions=["2"],
                              certified_by="casey")
    found = _find(youth, date(2027, 2, 20), _order("2020-01-01"), certified)
    assert found["efc.six_month_certification"].due.date() == date(2027, 3, 3)
    assert found["efc.review_hearing"].due.date() == date(2026, 9, 10)  # no review held since 18
    hearing = NmdHearing(youth_id="y", on=date(2027, 3, 15))
    found = _find(youth, date(2027, 2, 20), _order("2020-01-01"), certified, hearing)
    report = found["efc.review_hearing"]
    assert report.title.startswith("File the court report") and report.due.date() == date(2027, 3, 5)


def test_reentry_petition_in_15_judicial_days_and_the_tilcp_in_60() -> None:
    assert {date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 11), date(2026, 9, 25)} <= holidays(2026)
    assert date(2027, 12, 24) not in holidays(2027) and date(2028, 11, 10) in holidays(2028)  # Sat. Nov 11
    assert court_days_after(date(2026, 11, 20), 15) == date(2026, 12, 15)  # across Thanksgiving
    youth = _youth("2007-06-01", status="none")
    signed = ReentryAgreement(youth_id="y", signed_on=date(2026, 11, 20))
    found = [f for f in REGISTRY.evaluate({"youth_id": "y", "youth": youth, "done": set(), "policy": {},
                                           "records": {"reentry_agreement": [signed]}},
                                          datetime(2026, 11, 28, 12, tzinfo=LEGAL_ZONE))
             if f.rule_id == "efc.reentry"]
    assert sorted(f.due.date() for f in found if f.due) == [date(2026, 12, 15), date(2027, 1, 19)]


def test_silp_approval_and_yearly_inspection() -> None:
    youth = _youth("2007-03-10", placement="silp")
    assert _find(youth, date(2026, 11, 28), _order("2020-01-01"), SIGNED)["efc.agreements"].title.startswith(
        "Approve and inspect")
    approved = EfcAgreement(youth_id="y", mutual_agreement_signed_on=date(2026, 1, 2),
                            silp_approved_on=date(2026, 1, 5), silp_inspected_on=date(2026, 1, 6))
    found = _find(youth, date(2026, 12, 10), _order("2020-01-01"), approved)
    assert found["efc.agreements"].due.date() == date(2027, 1, 6)


def test_the_transition_plan_is_done_only_with_every_section() -> None:
    youth = _youth("2009-01-20", status="dependent")
    partial = TransitionPlan(youth_id="y", made_on=date(2026, 11, 1), housing="Stay with my aunt")
    found = _find(youth, date(2026, 11, 28), partial)
    assert not found["transition.ninety_day_plan"].done
    assert any("still lacks" in line for line in found["transition.ninety_day_plan"].why)
    from csec_desktop.domain.efc import TRANSITION_SECTIONS
    full = TransitionPlan(youth_id="y", made_on=date(2026, 11, 1),
                          **dict.fromkeys(TRANSITION_SECTIONS, "written with the youth"))
    assert _find(youth, date(2026, 11, 28), full)["transition.ninety_day_plan"].done


def test_the_timeline_from_16_to_21() -> None:
    youth = _youth("2008-03-10")
    events = efc.timeline(youth, [_order("2020-01-01")], date(2026, 11, 28))
    days = [e.day for e in events]
    assert days == sorted(days)
    assert days[0] == date(2024, 3, 10) and days[-1] == date(2029, 3, 9)
    due = [e for e in events if e.label.startswith("Six-month")]
    assert due and due[0].state == "overdue" and due[0].day == date(2026, 9, 10)
    # The last day of care is today on that day, not "ahead" (a supervisor's review).
    last = [efc.timeline(youth, [_order("2020-01-01")], day)[-1].state
            for day in (date(2029, 3, 8), date(2029, 3, 9), date(2029, 3, 10))]
    assert last == ["ahead", "due", "past"]


def test_a_reentry_order_alone_asks_for_the_order_at_18() -> None:
    """A supervisor's review: a youth back in care through a re-entry order (SOC 163) was "not
    eligible" because that order, the only one recorded, began after 18; re-entry is made only for
    a nonminor who turned 18 under an order, so the order at 18 is missing, not absent."""
    youth = _youth("2006-03-10")
    reentry = _order("2026-10-14", order_type="reentry")
    check = efc.eligibility(youth, [reentry, SCHOOL, SIGNED], date(2026, 11, 28)).checks[0]
    assert check.state is State.CANNOT_TELL and efc.MISSING_ORDER in check.missing
    assert "re-entry order from 2026-10-14" in check.text
    # Any other order that begins after 18, alone, still opens nothing.
    later = efc.eligibility(youth, [_order("2026-10-14"), SCHOOL, SIGNED], date(2026, 11, 28)).checks[0]
    assert later.state is State.NOT_ELIGIBLE


def test_the_six_month_cycle_starts_again_at_re_entry() -> None:
    """A supervisor's review: back in care through a re-entry agreement, the youth's timeline showed
    the certification missed before leaving as overdue, and no date after the return."""
    youth = _youth("2007-03-10")  # 18 on 2025-03-10
    certified = Certification(youth_id="y", certified_on=date(2025, 9, 1), conditions=["1"],
                              certified_by="casey")
    back = ReentryAgreement(youth_id="y", signed_on=date(2026, 10, 14))
    records = [_order("2020-01-01"), certified, back]
    assert efc.cycle_start(youth, records) == date(2026, 10, 14)
    soc161 = [e for e in efc.timeline(youth, records, date(2026, 11, 28))
              if e.label.startswith("Six-month") and e.state != "done"]
    assert [(e.day, e.state) for e in soc161] == [(date(2027, 4, 14), "ahead")]
    # Today, a month before: the certification due six months after the return, said as such.
    found = _find(youth, date(2027, 3, 20), *records)["efc.six_month_certification"]
    assert found.due is not None and found.due.date() == date(2027, 4, 14)
    assert any("re-entry on 2026-10-14" in line for line in found.why)


def test_every_six_months_without_a_certification_is_on_the_timeline() -> None:
    """An attorney's review: a nonminor of 20 with no certification since 18 showed one overdue
    certification, as if one were missing, not two years of them."""
    youth = _youth("2006-03-13")  # 18 on 2024-03-13
    events = efc.timeline(youth, [_order("2020-01-01")], date(2026, 12, 3))
    missed = [(e.day, e.state) for e in events if "SOC 161" in e.label]
    assert missed == [(date(2024, 9, 13), "overdue"), (date(2025, 3, 13), "overdue"),
                      (date(2025, 9, 13), "overdue"), (date(2026, 3, 13), "overdue"),
                      (date(2026, 9, 13), "overdue")]
    assert [e.label for e in events if "SOC 161" in e.label][1:] == [
        "Another six months without a certification (SOC 161)"] * 4
    # Certified since: the cycle starts again from it (the next would fall after 21: none).
    certified = Certification(youth_id="y", certified_on=date(2026, 10, 1), conditions=["1"],
                              certified_by="casey")
    later = efc.timeline(youth, [_order("2020-01-01"), certified], date(2026, 12, 3))
    assert [(e.day, e.state) for e in later if "SOC 161" in e.label] == [(date(2026, 10, 1), "done")]


def test_the_timeline_tells_a_youth_of_extended_care_as_they_come_into_care_after_16() -> None:
    """The timeline showed the notice on the 16th birthday, before care began, while the duty was
    due the day care began (rules/transition.notice_at_16)."""
    youth = _youth("2010-06-03", status="dependent").model_copy(update={"legal_status": [
        StatusPeriod(status=LegalStatus.DEPENDENT, start=date(2026, 12, 2))]})
    told = [e for e in efc.timeline(youth, [], date(2026, 12, 3)) if "age 16" in e.label]
    assert [(e.day, e.state) for e in told] == [(date(2026, 12, 2), "past")]
    # In care before 16: the birthday, as before.
    before = efc.timeline(_youth("2010-06-03", status="dependent"), [], date(2026, 12, 3))
    assert [e.day for e in before if "age 16" in e.label] == [date(2026, 6, 3)]


def test_a_certification_names_only_conditions_on_record_that_day(admin) -> None:  # type: ignore[no-untyped-def]
    """Review, session 38: condition (2) certified while only (1) was recorded was saved, and the
    timeline said "done" while the printed worksheet ticked (1). Refused, naming the field."""
    import pytest

    from csec_desktop import caseload
    from csec_desktop.errors import ValidationFailed

    youth = caseload.create_youth(admin, youth_data(date_of_birth="2006-03-01")).id
    caseload.add_attached(admin, youth, "efc_participation", {
        "condition": "1", "since": "2026-01-05", "evidence": "Fictional enrollment letter"})
    with pytest.raises(ValidationFailed) as refused:
        caseload.add_attached(admin, youth, "efc_certification", {
            "certified_on": "2026-03-01", "conditions": ["1", "2"], "certified_by": "casey"})
    assert [p.field for p in refused.value.problems] == ["conditions"]
    assert "(2) not on record as met on 2026-03-01" in refused.value.problems[0].message
    with pytest.raises(ValidationFailed):  # nor before the condition began
        caseload.add_attached(admin, youth, "efc_certification", {
            "certified_on": "2026-01-01", "conditions": ["1"], "certified_by": "casey"})
    made = caseload.add_attached(admin, youth, "efc_certification", {
        "certified_on": "2026-03-01", "conditions": ["1"], "certified_by": "casey"})
    with pytest.raises(ValidationFailed):  # changed afterwards, the same rule
        caseload.update_attached(admin, made.id, {"conditions": ["4"]})

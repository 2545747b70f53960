"""Service and benefit suggestions with their law, and referral follow-ups (DOMAIN.md section 5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from csec_desktop.domain.csec import CsecStatus, CsecStatusValue, FormResponse
from csec_desktop.domain.efc import PlacementOrder
from csec_desktop.domain.labels import said
from csec_desktop.domain.services import MediCalGroup, Referral, ReferralStatus, UncoveredService
from csec_desktop.domain.youth import LegalStatus, PlacementType, Youth
from csec_desktop.rules import (
    LEGAL_ZONE,
    RECHECKED_ON,
    REGISTRY,
    Confidence,
    Facts,
    Finding,
    FindingKind,
    State,
    age_on,
    birthday,
    end_of_day,
    law,
    records_of,
)
from csec_desktop.rules.transition import COURT_STATUSES, NOT_FOSTER_CARE, in_foster_care_on
from csec_desktop.text import N_, Line, W

LAW_AS_OF = date(2026, 1, 1)


def _youth(facts: Facts) -> Youth | None:
    youth = facts.get("youth")
    return youth if isinstance(youth, Youth) else None


def in_care_on(youth: Youth, day: date) -> bool:
    """A court status of foster care on `day` (the record's legal-status periods)."""
    return youth.current_status(day) in COURT_STATUSES


OPEN_NEED = ("need", "in_progress")
"""Needs-assessment answers that mean a need is still open."""
NOT_FULL_SCOPE = ("none", "restricted")


def needs_answers(facts: Facts) -> dict[str, Any]:
    """The answers of the latest needs assessment ({} when there is none).

    Version 2 only added questions, so version 1 answers read as they are; a later version
    that renames a question must carry them forward here through formspec.upgrade."""
    responses = [r for r in records_of(facts, "form_response")
                 if isinstance(r, FormResponse) and r.form_id == "needs_assessment"]
    return dict(max(responses, key=lambda r: r.completed_at).answers) if responses else {}


def _coverage_line(answers: dict[str, Any]) -> Line:
    if answers.get("medi_cal") == "full_scope":
        return W("full-scope Medi-Cal is recorded")
    return W("Medi-Cal coverage is not recorded: check that it is full scope")


@REGISTRY.register(
    "benefits.former_foster_youth_medi_cal",
    summary=N_("Former-foster-youth Medi-Cal to 26 for a youth in foster care on the 18th birthday: no "
               "income test; moved at exit without a gap."),
    citation="Welf. & Inst. Code, §§ 14005.28, 16501.1, subd. (g)(16)(B)", law_as_of=RECHECKED_ON,
    confidence=Confidence.SECONDARY, ages=(17, 25), reads=("placement_order",), domain="income_benefits",
)
def former_foster_youth_medi_cal(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = _youth(facts)
    if youth is None:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    eighteen, twenty_six = birthday(youth.date_of_birth, 18), birthday(youth.date_of_birth, 26)
    if not (eighteen - timedelta(days=90) <= today < twenty_six):
        return
    # In foster care on the 18th birthday (before it, now: the plan is made ahead). Court status alone
    # is not foster care: a ward living at home at 18 is not a former foster youth.
    orders = [o for o in records_of(facts, "placement_order") if isinstance(o, PlacementOrder)]
    answer = in_foster_care_on(youth, eighteen, orders) if today >= eighteen else \
        in_foster_care_on(youth, today, orders, current=True)
    if answer.state is State.NOT_ELIGIBLE:
        return
    info = REGISTRY.info["benefits.former_foster_youth_medi_cal"]
    if answer.state is State.CANNOT_TELL:
        yield info.finding(
            FindingKind.CANNOT_TELL, N_("Former-foster-youth Medi-Cal: cannot tell (record the placement on "
                                        "the "
                                        "18th birthday)"),
            (answer.why, W("former-foster-youth Medi-Cal is for a youth in foster care on the 18th birthday "
                           "({day}); a court status alone is not foster care", day=eighteen.isoformat())),
            youth_id=str(facts.get("youth_id")), occurrence="ffy", state=State.CANNOT_TELL,
            missing=answer.missing)
        return
    yield info.finding(
        FindingKind.SUGGESTION, N_("Former-foster-youth Medi-Cal until 26"),
        (answer.why,
         W("in foster care on {day} (the 18th birthday)", day=eighteen.isoformat()) if today >= eighteen
         else W("in foster care on {day} (the 18th birthday is ahead)", day=today.isoformat()),
         W("covered to the day before the 26th birthday, {day}; no income test", day=twenty_six.isoformat()),
         W("the 90-day transition plan verifies enrollment and the move without a gap or a new "
           "application")),
        youth_id=str(facts.get("youth_id")), occurrence="ffy", state=State.ELIGIBLE)


@REGISTRY.register(
    "benefits.epsdt_intensive_mental_health",
    summary=N_("EPSDT intensive mental-health services (ICC, IHBS, TFC) for full-scope Medi-Cal under 21."),
    citation="Medi-Cal Manual for ICC, IHBS & TFC (DHCS, 3rd ed., 2018); Katie A. v. Bonta",
    law_as_of=LAW_AS_OF, ages=(0, 20), needs=("form_response",), domain="mental_health",
)
def epsdt(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = _youth(facts)
    if youth is None:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    if today >= birthday(youth.date_of_birth, 21):
        return
    answers = needs_answers(facts)
    if answers.get("mental_health_need") not in OPEN_NEED or answers.get("medi_cal") in NOT_FULL_SCOPE:
        return
    yield REGISTRY.info["benefits.epsdt_intensive_mental_health"].finding(
        FindingKind.SUGGESTION, N_("Ask for ICC, IHBS or TFC through Medi-Cal (EPSDT)"),
        (W("the needs assessment records a mental-health need"), W("under 21"), _coverage_line(answers),
         W("for full-scope Medi-Cal beneficiaries who meet medical necessity; Katie A. class membership is "
           "not required")),
        youth_id=str(facts.get("youth_id")), occurrence="epsdt")


GOV_13953_A = ("\"An application for compensation shall be filed within seven years of the date of the "
               "crime, "
               "seven years after the victim attains 21 years of age, or seven years of the time the victim "
               "or "
               "derivative victim knew or in the exercise of ordinary diligence could have discovered that "
               "an "
               "injury or death had been sustained as a direct result of crime, whichever is later.\"")


def victim_compensation_due(youth: Youth, victims: list[CsecStatus]) -> date:
    """The last day to apply to CalVCB (Gov. Code 13953(a)): the latest of three dates. The crime date is
    not recorded, and the crime came before the identification, so seven years from the crime is never the
    latest; the first identification stands in for discovery; seven years after the 21st birthday is the
    28th birthday, whatever the age."""
    known = min(s.decided_at for s in victims).astimezone(LEGAL_ZONE).date()
    return max(birthday(youth.date_of_birth, 28), birthday(known, 7))


@REGISTRY.register(
    "benefits.victim_compensation",
    summary=N_("California victim compensation: the application is due at the latest of seven years from the "
               "crime, from the 21st birthday, or from when the injury was discovered; never before the 28th "
               "birthday."),
    citation="Gov. Code, § 13953, subds. (a), (b)", law_as_of=RECHECKED_ON,
    needs=("csec_status",), domain="income_benefits",
)
def victim_compensation(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = _youth(facts)
    victims = [s for s in records_of(facts, "csec_status")
               if isinstance(s, CsecStatus) and s.status is CsecStatusValue.VICTIM]
    if youth is None or not victims:
        return
    first = min(victims, key=lambda s: s.decided_at)
    known = first.decided_at.astimezone(LEGAL_ZONE).date()
    twenty_eight, seven_years = birthday(youth.date_of_birth, 28), birthday(known, 7)
    due_day = victim_compensation_due(youth, victims)
    yield REGISTRY.info["benefits.victim_compensation"].finding(
        FindingKind.SUGGESTION, N_("Apply for California victim compensation (CalVCB)"),
        (W("identified as a trafficking victim on {day}", day=known.isoformat()),
         W("Gov. Code 13953(a): {text}", text=GOV_13953_A),
         W("the later of the 28th birthday ({birthday}) and seven years from the identification ({seven}): "
           "{due}; the board may extend it for good cause (13953(b))", birthday=twenty_eight.isoformat(),
           seven=seven_years.isoformat(), due=due_day.isoformat()),
         W("covers income loss, relocation, medical, dental and mental-health costs; no police report is "
           "required (CalVCB)")),
        youth_id=str(facts.get("youth_id")), due=end_of_day(due_day), occurrence="calvcb")


@REGISTRY.register(
    "referral.follow_up",
    summary=N_("Follow up a referral that has not started (the county sets after how many days)."),
    citation="Welf. & Inst. Code, § 16501.35, subd. (a)(3)", law_as_of=LAW_AS_OF,
    confidence=Confidence.UNCONFIRMED, needs=("referral",), county_clock=True,
)
def follow_up(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    days = int((facts.get("policy") or {}).get("referral_followup_days", 14))
    for referral in records_of(facts, "referral"):
        if not isinstance(referral, Referral) or referral.referred_on is None:
            continue
        if referral.status not in (ReferralStatus.REFERRED, ReferralStatus.ACCEPTED):
            continue
        yield REGISTRY.info["referral.follow_up"].finding(
            FindingKind.DEADLINE, N_("Follow up the referral"),
            (W("{service} with {provider}, sent {day}, is {status}", service=referral.service,
               provider=referral.provider, day=referral.referred_on.isoformat(),
               status=said(referral.status)),
             W("the county follows up after {days} days", days=days)),
            youth_id=str(facts.get("youth_id")),
            due=end_of_day(referral.referred_on + timedelta(days=days)),
            occurrence=f"ref:{referral.referred_on.isoformat()}:{referral.service[:12]}")


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _last_day_of_month(index: int) -> date:
    """The last day of the month `index` (year * 12 + month - 1)."""
    year, month = divmod(index + 1, 12)
    return date(year, month + 1, 1) - timedelta(days=1)


def _first_of(index: int) -> date:
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def _parameter_for(group: MediCalGroup) -> law.Parameter:
    return law.RETRO_MONTHS_EXPANSION if group is MediCalGroup.EXPANSION_ADULT else law.RETRO_MONTHS


def _apply_by(month: int, parameter: law.Parameter, settings: dict[str, Any]) -> int:
    """The last month an application can still reach back to `month`: the version in force on the day
    of application decides how far back it reaches (H.R. 1 sec. 71112 from 1 January 2027)."""
    last = month
    for applied in range(month + 1, month + 4):
        if applied - parameter.value_at(_first_of(applied), settings) <= month:
            last = applied
    return last


MISSING_GROUP = N_("the Medi-Cal eligibility group (expansion adult or another group)")


@REGISTRY.register(
    "benefits.retroactive_medi_cal",
    summary=N_("Retroactive Medi-Cal before the month of application (MC 210A): three months for "
               "applications "
               "until 31 December 2026; from 1 January 2027 two months, one for expansion adults (H.R. 1 "
               "sec. 71112, NOT CONFIRMED: county settings)."),
    citation="42 U.S.C. § 1396a(a)(34); Pub. L. 119-21, § 71112; DHCS form MC 210A",
    law_as_of=RECHECKED_ON, confidence=Confidence.SECONDARY, needs=("uncovered_service",),
    domain="income_benefits",
)
def retroactive_medi_cal(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    today = as_of.astimezone(LEGAL_ZONE).date()
    youth = _youth(facts)
    settings: dict[str, Any] = facts.get("policy") or {}
    for service in records_of(facts, "uncovered_service"):
        if not isinstance(service, UncoveredService):
            continue
        month = _month_index(service.received_on)
        group = service.medi_cal_group
        if group is MediCalGroup.UNKNOWN and youth is not None \
                and age_on(youth.date_of_birth, service.received_on) < 19:
            group = MediCalGroup.CHILD  # under 19: a child, whatever else is unknown
        state: State | None = None
        missing: tuple[str, ...] = ()
        change: date | None = None
        if service.medi_cal_applied_on is None:
            # The later the application, the fewer months it may reach back: apply by the last month
            # whose application still reaches the service month, under the law in force then.
            plain = _apply_by(month, _parameter_for(group), settings)
            if group is MediCalGroup.UNKNOWN:
                short = _apply_by(month, law.RETRO_MONTHS_EXPANSION, settings)
                if short != plain:
                    state, missing = State.CANNOT_TELL, (MISSING_GROUP,)
                plain = min(plain, short)
            due = _last_day_of_month(plain)
            used = _parameter_for(group).version_at(_first_of(plain))
            title = N_("Apply for Medi-Cal and ask for retroactive coverage")
            why: tuple[Line, ...] = (
                W("care received on {day} without Medi-Cal: {what}", day=service.received_on.isoformat(),
                  what=service.what),
                W("an application by {day} can reach back to that month", day=due.isoformat()),
                W("for an application made then: {rule} ({citation})", rule=used.note,
                  citation=used.citation))
            if state is State.CANNOT_TELL:
                why += (W("the eligibility group is not recorded: an expansion adult's window is shorter, "
                          "so the "
                          "earlier date is shown; record the group"),)
            window_end = _last_day_of_month(month + 3)
        else:
            applied_day = service.medi_cal_applied_on
            applied = _month_index(applied_day)
            used = _parameter_for(group).version_at(applied_day)
            months = _parameter_for(group).value_at(applied_day, settings)
            if group is MediCalGroup.UNKNOWN and used.start is not None:
                months = min(months, law.RETRO_MONTHS_EXPANSION.value_at(applied_day, settings))
                state, missing = State.CANNOT_TELL, (MISSING_GROUP,)
            if not applied - months <= month < applied:
                continue  # the month of application itself is ordinary coverage; earlier is too late
            due = _last_day_of_month(month + 12)
            title = N_("Ask for retroactive Medi-Cal for care before the application (MC 210A)")
            why = (W("care received on {day} without Medi-Cal: {what}", day=service.received_on.isoformat(),
                     what=service.what),
                   W("Medi-Cal applied for on {day}: that month is within the {months} months before the "
                     "month "
                     "of application", day=applied_day.isoformat(), months=months),
                   W("the law in force on the application date: {rule} ({citation})", rule=used.note,
                     citation=used.citation),
                   W("ask within 12 months of the month of service: by {day}", day=due.isoformat()))
            window_end = applied_day
        moved = law.RETRO_MONTHS.change_within(service.received_on, window_end)
        if moved is not None and moved.start is not None:
            change = moved.start
            why += (W("the law changes on {day}: {rule}", day=moved.start.isoformat(), rule=moved.note),)
        if today > due:
            continue  # the window has closed: nothing a person can still do
        yield REGISTRY.info["benefits.retroactive_medi_cal"].finding(
            FindingKind.SUGGESTION, title, why, youth_id=str(facts.get("youth_id")),
            due=end_of_day(due), occurrence=f"retro:{service.received_on.isoformat()}", state=state,
            missing=missing, law_change=change,
            confidence=Confidence.UNCONFIRMED if used.confidence is Confidence.UNCONFIRMED
            else Confidence.SECONDARY)


HUMANITARIAN = ("trafficking_victim", "refugee_or_asylee")
"""Immigration statuses (needs-assessment answers) whose federal Medicaid funding H.R. 1 sec. 71109
ends, as we read it."""


@REGISTRY.register(
    "benefits.humanitarian_medi_cal_funding",
    summary=N_("Federal Medicaid funding for refugees, asylees and certified trafficking victims ends on "
               "1 October 2026 (H.R. 1 sec. 71109, NOT CONFIRMED: a county setting); California may "
               "keep their Medi-Cal as state-funded: check before the next renewal."),
    citation="Pub. L. 119-21, § 71109; 8 U.S.C. § 1641(b); 22 U.S.C. § 7105(b)(1)(A)",
    law_as_of=date(2026, 12, 1), confidence=Confidence.UNCONFIRMED, needs=("form_response",),
    domain="income_benefits", private=True,
)
def humanitarian_medi_cal_funding(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    """Only for a youth whose recorded immigration status the change touches. Private: shown in
    the app, never printed (a summary or a hearing sheet would disclose the status)."""
    answers = needs_answers(facts)
    if answers.get("immigration_status") not in HUMANITARIAN:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    settings: dict[str, Any] = facts.get("policy") or {}
    parameter = law.FEDERAL_MEDICAID_HUMANITARIAN
    funded_now = parameter.value_at(today, settings)
    ahead = parameter.change_within(today, today + timedelta(days=120))
    if funded_now and ahead is None:
        return
    version = ahead or parameter.version_at(today)
    yield REGISTRY.info["benefits.humanitarian_medi_cal_funding"].finding(
        FindingKind.WARNING,
        N_("Medi-Cal may lose its federal funding for this youth's immigration status: check with the "
           "eligibility worker before the renewal"),
        (W("the immigration status recorded in the needs assessment is one the change touches"),
         W("the law: {rule} ({citation})", rule=version.note, citation=version.citation),
         W("California may keep full-scope Medi-Cal as state-funded coverage: ask the county eligibility "
           "worker, keep the T visa or HHS letter on file, and never put the status on a referral or a "
           "court paper")),
        youth_id=str(facts.get("youth_id")), occurrence="federal-funding-71109",
        law_change=ahead.start if ahead is not None else None, confidence=Confidence.UNCONFIRMED)


@REGISTRY.register(
    "benefits.tbs",
    summary=N_("Therapeutic Behavioral Services (TBS) for full-scope Medi-Cal under 21 in the class "
               "(class criteria not yet confirmed: check with the county mental health plan)."),
    citation="EPSDT supplemental specialty mental health services: TBS (DHCS)", law_as_of=LAW_AS_OF,
    confidence=Confidence.UNCONFIRMED, ages=(0, 20), needs=("form_response",), domain="mental_health",
)
def therapeutic_behavioral_services(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = _youth(facts)
    if youth is None:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    answers = needs_answers(facts)
    if (today >= birthday(youth.date_of_birth, 21) or answers.get("mental_health_need") not in OPEN_NEED
            or answers.get("medi_cal") in NOT_FULL_SCOPE):
        return
    if youth.placement is None or youth.placement.type is not PlacementType.STRTP:
        return
    yield REGISTRY.info["benefits.tbs"].finding(
        FindingKind.SUGGESTION, N_("Ask the mental health plan about TBS"),
        (W("placed in a short-term residential therapeutic program (STRTP), one of the situations the "
           "TBS class is understood to cover"), W("the needs assessment records a mental-health need"),
         _coverage_line(answers), W("the TBS class criteria are UNCONFIRMED here: the county mental "
                                    "health plan decides")),
        youth_id=str(facts.get("youth_id")), occurrence="tbs")


@REGISTRY.register(
    "placement.foster_care_order_727a",
    summary=N_("A probation youth whose parent failed to protect: consider asking for a foster-care "
               "placement order under WIC 727(a), which opens foster-care placements, supports and, "
               "at 18, extended foster care."),
    citation="Welf. & Inst. Code, §§ 727, subd. (a), 11400, subd. (v), 450", law_as_of=LAW_AS_OF,
    confidence=Confidence.UNCONFIRMED, ages=(0, 17), needs=("form_response",), domain="housing",
)
def foster_care_order(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = _youth(facts)
    if youth is None:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    if today >= birthday(youth.date_of_birth, 18) or youth.current_status(today) is not LegalStatus.WARD:
        return
    if youth.placement is not None and youth.placement.type not in NOT_FOSTER_CARE:
        return  # already placed in foster care
    if needs_answers(facts).get("parent_failed_to_protect") is not True:
        return
    where = youth.placement.type.value if youth.placement else "no placement recorded"
    yield REGISTRY.info["placement.foster_care_order_727a"].finding(
        FindingKind.SUGGESTION, N_("Consider a foster-care placement order (WIC 727(a))"),
        (W("a ward (WIC 602) under 18"), W("not in a foster-care placement ({where})", where=where),
         W("the needs assessment records that a parent or guardian did not or could not protect the youth"),
         W("a foster-care placement order in effect on the 18th birthday is the gateway to extended "
           "foster care; the exact text of 727(a) is UNCONFIRMED here")),
        youth_id=str(facts.get("youth_id")), occurrence="727a")

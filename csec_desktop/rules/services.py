"""Service and benefit suggestions with their law, and referral follow-ups (DOMAIN.md section 5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from csec_desktop.domain.csec import CsecStatus, CsecStatusValue, FormResponse
from csec_desktop.domain.services import Referral, ReferralStatus, UncoveredService
from csec_desktop.domain.youth import LegalStatus, PlacementType, Youth
from csec_desktop.rules import (
    LEGAL_ZONE,
    REGISTRY,
    Confidence,
    Facts,
    Finding,
    FindingKind,
    birthday,
    end_of_day,
    records_of,
)
from csec_desktop.rules.transition import COURT_STATUSES, NOT_FOSTER_CARE
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
    summary=N_("Former-foster-youth Medi-Cal to 26: no income test; moved at exit without a gap."),
    citation="Welf. & Inst. Code, §§ 14005.28, 16501.1, subd. (g)(16)(B)", law_as_of=LAW_AS_OF,
    confidence=Confidence.SECONDARY, ages=(17, 25), domain="income_benefits",
)
def former_foster_youth_medi_cal(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = _youth(facts)
    if youth is None:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    eighteen, twenty_six = birthday(youth.date_of_birth, 18), birthday(youth.date_of_birth, 26)
    if not (eighteen - timedelta(days=90) <= today < twenty_six):
        return
    # In foster care on the 18th birthday (or, before it, now: the plan is made ahead).
    if not in_care_on(youth, min(eighteen, today)):
        return
    yield REGISTRY.info["benefits.former_foster_youth_medi_cal"].finding(
        FindingKind.SUGGESTION, N_("Former-foster-youth Medi-Cal until 26"),
        (W("in foster care on {day} (the 18th birthday)", day=eighteen.isoformat()) if today >= eighteen
         else W("in foster care on {day} (the 18th birthday is ahead)", day=today.isoformat()),
         W("covered to the day before the 26th birthday, {day}; no income test", day=twenty_six.isoformat()),
         W("the 90-day transition plan verifies enrollment and the move without a gap or a new "
           "application")),
        youth_id=str(facts.get("youth_id")), occurrence="ffy")


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


@REGISTRY.register(
    "benefits.victim_compensation",
    summary=N_("California victim compensation: file within seven years; a minor by the 28th birthday."),
    citation="CalVCB, Recovery From Human Trafficking (victims.ca.gov); AB 629 (2019)", law_as_of=LAW_AS_OF,
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
    minor = known < birthday(youth.date_of_birth, 18)
    # The crime date is not recorded: the identification date stands in, which can only be later.
    seven_years = birthday(known, 7)
    due_day = max(birthday(youth.date_of_birth, 28), seven_years) if minor else seven_years
    yield REGISTRY.info["benefits.victim_compensation"].finding(
        FindingKind.SUGGESTION, N_("Apply for California victim compensation (CalVCB)"),
        (W("identified as a trafficking victim on {day} while a minor: the deadline is the 28th birthday",
           day=known.isoformat()) if minor else
         W("identified as a trafficking victim on {day}", day=known.isoformat()),
         W("covers income loss up to $10,000 a year for two years, relocation, medical, dental and "
           "mental-health costs; no police report is required"),
         W("file within seven years of the crime (the record holds the identification date; an earlier "
           "crime date would make the deadline earlier)")),
        youth_id=str(facts.get("youth_id")), due=end_of_day(due_day), occurrence="calvcb")


@REGISTRY.register(
    "referral.follow_up",
    summary=N_("Follow up a referral that has not started (the county sets after how many days)."),
    citation="Welf. & Inst. Code, § 16501.35, subd. (a)(3)", law_as_of=LAW_AS_OF,
    confidence=Confidence.UNCONFIRMED, needs=("referral",),
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
               status=referral.status.value),
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


@REGISTRY.register(
    "benefits.retroactive_medi_cal",
    summary=N_("Retroactive Medi-Cal for up to three months before the month of application (MC 210A)."),
    citation="Medi-Cal retroactive coverage (county Medi-Cal handbook; DHCS form MC 210A)",
    law_as_of=LAW_AS_OF, confidence=Confidence.SECONDARY, needs=("uncovered_service",),
    domain="income_benefits",
)
def retroactive_medi_cal(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    today = as_of.astimezone(LEGAL_ZONE).date()
    for service in records_of(facts, "uncovered_service"):
        if not isinstance(service, UncoveredService):
            continue
        month = _month_index(service.received_on)
        if service.medi_cal_applied_on is None:
            # An application in month A reaches back to months A-3 .. A-1 (and covers A itself):
            # apply by the end of the third month after the service.
            due = _last_day_of_month(month + 3)
            title = N_("Apply for Medi-Cal and ask for retroactive coverage")
            why = (W("care received on {day} without Medi-Cal: {what}", day=service.received_on.isoformat(),
                     what=service.what),
                   W("an application by {day} can reach back to that month", day=due.isoformat()),
                   W("coverage reaches the three months before the month of application when the youth "
                     "would have been eligible"))
        else:
            applied = _month_index(service.medi_cal_applied_on)
            if not applied - 3 <= month < applied:
                continue  # the month of application itself is ordinary coverage; earlier is too late
            due = _last_day_of_month(month + 12)
            title = N_("Ask for retroactive Medi-Cal for care before the application (MC 210A)")
            why = (W("care received on {day} without Medi-Cal: {what}", day=service.received_on.isoformat(),
                     what=service.what),
                   W("Medi-Cal applied for on {day}: that month is within the three months before the month "
                     "of application", day=service.medi_cal_applied_on.isoformat()),
                   W("ask within 12 months of the month of service: by {day}", day=due.isoformat()))
        if today > due:
            continue  # the window has closed: nothing a person can still do
        yield REGISTRY.info["benefits.retroactive_medi_cal"].finding(
            FindingKind.SUGGESTION, title, why, youth_id=str(facts.get("youth_id")),
            due=end_of_day(due), occurrence=f"retro:{service.received_on.isoformat()}")


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

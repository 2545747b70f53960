"""Service and benefit suggestions with their law, and referral follow-ups (DOMAIN.md section 5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from csec_desktop.domain.csec import CsecStatus, CsecStatusValue, FormResponse
from csec_desktop.domain.services import Referral, ReferralStatus
from csec_desktop.domain.youth import LegalStatus, Youth
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
from csec_desktop.text import N_

LAW_AS_OF = date(2026, 1, 1)
_IN_CARE = {LegalStatus.DEPENDENT, LegalStatus.WARD, LegalStatus.DUAL_STATUS, LegalStatus.NONMINOR_DEPENDENT}


def _youth(facts: Facts) -> Youth | None:
    youth = facts.get("youth")
    return youth if isinstance(youth, Youth) else None


def in_care_on(youth: Youth, day: date) -> bool:
    """A court status of foster care on `day` (the record's legal-status periods)."""
    return youth.current_status(day) in _IN_CARE


@REGISTRY.register(
    "benefits.former_foster_youth_medi_cal",
    summary=N_("Former-foster-youth Medi-Cal to 26: no income test; moved at exit without a gap."),
    citation="Welf. & Inst. Code, §§ 14005.28, 16501.1, subd. (g)(16)(B)", law_as_of=LAW_AS_OF,
    confidence=Confidence.SECONDARY, ages=(17, 25),
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
        (f"in foster care on {min(eighteen, today).isoformat()}"
         + (" (the 18th birthday)" if today >= eighteen else " (the 18th birthday is ahead)"),
         f"covered to the day before the 26th birthday, {twenty_six.isoformat()}; no income test",
         "the 90-day transition plan verifies enrollment and the move without a gap or a new application"),
        youth_id=str(facts.get("youth_id")), occurrence="ffy")


@REGISTRY.register(
    "benefits.epsdt_intensive_mental_health",
    summary=N_("EPSDT intensive mental-health services (ICC, IHBS, TFC) for full-scope Medi-Cal under 21."),
    citation="Medi-Cal Manual for ICC, IHBS & TFC (DHCS, 3rd ed., 2018); Katie A. v. Bonta",
    law_as_of=LAW_AS_OF, ages=(0, 20), needs=("form_response",),
)
def epsdt(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = _youth(facts)
    if youth is None:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    if today >= birthday(youth.date_of_birth, 21):
        return
    needs = [r for r in records_of(facts, "form_response")
             if isinstance(r, FormResponse) and r.form_id == "needs_assessment"]
    if not needs or needs[-1].answers.get("mental_health_need") not in ("need", "in_progress"):
        return
    yield REGISTRY.info["benefits.epsdt_intensive_mental_health"].finding(
        FindingKind.SUGGESTION, N_("Ask for ICC, IHBS or TFC through Medi-Cal (EPSDT)"),
        ("the needs assessment records a mental-health need", "under 21",
         "for full-scope Medi-Cal beneficiaries who meet medical necessity; Katie A. class membership is "
         "not required"),
        youth_id=str(facts.get("youth_id")), occurrence="epsdt")


@REGISTRY.register(
    "benefits.victim_compensation",
    summary=N_("California victim compensation: file within seven years; a minor by the 28th birthday."),
    citation="CalVCB, Recovery From Human Trafficking (victims.ca.gov); AB 629 (2019)", law_as_of=LAW_AS_OF,
    needs=("csec_status",),
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
        (f"identified as a trafficking victim on {known.isoformat()}"
         + (" while a minor: the deadline is the 28th birthday" if minor else ""),
         "covers income loss up to $10,000 a year for two years, relocation, medical, dental and "
         "mental-health costs; no police report is required",
         "file within seven years of the crime (the record holds the identification date; an earlier "
         "crime date would make the deadline earlier)"),
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
            (f"{referral.service} with {referral.provider}, sent {referral.referred_on.isoformat()}, is "
             f"{referral.status.value}", f"the county follows up after {days} days"),
            youth_id=str(facts.get("youth_id")),
            due=end_of_day(referral.referred_on + timedelta(days=days)),
            occurrence=f"ref:{referral.referred_on.isoformat()}:{referral.service[:12]}")

"""Extended foster care deadlines: eligibility at 18, the six-month cycle, re-entry, SILP,
termination advisements and the end at 21 (DOMAIN.md sections 2.1-2.7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from csec_desktop import efc
from csec_desktop.domain.efc import (
    Condition,
    EfcAgreement,
    HearingKind,
    NmdHearing,
    Participation,
    PlacementOrder,
    ReentryAgreement,
    TransitionPlan,
)
from csec_desktop.domain.youth import LegalStatus, PlacementType, Youth
from csec_desktop.rules import (
    LEGAL_ZONE,
    REGISTRY,
    Confidence,
    Facts,
    Finding,
    FindingKind,
    State,
    add_months,
    age_on,
    birthday,
    end_of_day,
    records_of,
)
from csec_desktop.rules import court_days as court
from csec_desktop.rules.transition import LAW_AS_OF
from csec_desktop.text import N_, W

EFC_KINDS = ("placement_order", "efc_participation", "efc_agreement", "efc_certification", "nmd_hearing",
             "reentry_agreement", "transition_plan")
LOOKAHEAD_DAYS = 30


def _all(facts: Facts) -> list[Any]:
    return [r for kind in EFC_KINDS for r in records_of(facts, kind)]


def _nmd(facts: Facts, today: date) -> Youth | None:
    """A youth from 18 to 20 under the court's jurisdiction or a placement order: in the cycle."""
    youth = facts.get("youth")
    if not isinstance(youth, Youth) or not 18 <= age_on(youth.date_of_birth, today) <= 20:
        return None
    orders = [o for o in records_of(facts, "placement_order") if isinstance(o, PlacementOrder)]
    if youth.current_status(today) in (LegalStatus.NONMINOR_DEPENDENT, LegalStatus.WARD,
                                       LegalStatus.DUAL_STATUS, LegalStatus.DEPENDENT) \
            or any(o.in_effect_on(today) for o in orders):
        return youth
    return None


def _today(as_of: datetime) -> date:
    return as_of.astimezone(LEGAL_ZONE).date()


@REGISTRY.register(
    "efc.eligibility",
    summary=N_("Extended foster care eligibility: a foster-care placement order on the 18th birthday (or "
               "the vacatur path), under 21, at least one participation condition, the mutual agreement."),
    citation="Welf. & Inst. Code, §§ 11400, subds. (u), (v), 11403, subds. (a), (b), 388, subd. (e)(1), "
             "450, subd. (a)(1)(B)",
    # Only once the AB 12 plan has begun (any of its records): before that the notice at 16, the
    # 90-day plan and the SOC 162 warning say what to do, and a county's caseload of 17-to-20-year-olds
    # would otherwise open Today on an "eligibility" line for each of them.
    law_as_of=LAW_AS_OF, needs=EFC_KINDS,
)
def eligibility(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = facts.get("youth")
    if not isinstance(youth, Youth):
        return
    today = _today(as_of)
    eighteen = birthday(youth.date_of_birth, 18)
    records = _all(facts)
    if today < eighteen - timedelta(days=90) or today >= birthday(youth.date_of_birth, 21):
        return
    if not records and youth.current_status(today) is LegalStatus.NONE:
        return  # not in care and nothing recorded: nothing to say
    days = int((facts.get("policy") or {}).get("efc_medical_update_days", efc.MEDICAL_UPDATE_DAYS))
    result = efc.eligibility(youth, records, today, days)
    kind, title = {
        State.ELIGIBLE: (FindingKind.ELIGIBLE, N_("Eligible for extended foster care")),
        State.NOT_ELIGIBLE: (FindingKind.NOT_ELIGIBLE, N_("Not eligible for extended foster care: see why")),
        State.CANNOT_TELL: (FindingKind.CANNOT_TELL,
                            N_("Extended foster care: cannot tell yet (a fact is missing)")),
    }[result.state]
    yield REGISTRY.info["efc.eligibility"].finding(
        kind, title, result.why(), youth_id=str(facts.get("youth_id")), occurrence="efc",
        state=result.state, missing=result.missing)


@REGISTRY.register(
    "efc.six_month_certification",
    summary=N_("Every six months: update the TILCP and certify the conditions met (SOC 161) for the "
               "eligibility worker and the court."),
    citation="Welf. & Inst. Code, §§ 11400, subd. (y), 11403, subd. (c)", law_as_of=LAW_AS_OF, ages=(18, 20),
    reads=EFC_KINDS,
)
def certification(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    today = _today(as_of)
    youth = _nmd(facts, today)
    if youth is None:
        return
    twenty_one = birthday(youth.date_of_birth, 21)
    start = efc.cycle_start(youth, records_of(facts, "reentry_agreement"))
    made = efc.certification_days(records_of(facts, "efc_certification"), facts.get("done") or ())
    done = [day for day in made if day >= start]
    due = efc.next_six_month(start, done)
    if due >= twenty_one or today < due - timedelta(days=LOOKAHEAD_DAYS):
        return
    yield REGISTRY.info["efc.six_month_certification"].finding(
        FindingKind.DEADLINE, N_("Six-month TILCP update and certification (SOC 161)"),
        (W("last certification: {day}", day=max(done).isoformat()) if done
         else W("no certification yet: the cycle starts at 18") if start == birthday(youth.date_of_birth, 18)
         else W("no certification since the re-entry on {day}: the cycle starts again then",
                day=start.isoformat()),
         W("due six months later, {day}", day=due.isoformat()),
         W("certify which of conditions (1)-(5) the youth meets and give it to the eligibility worker and "
           "the court")),
        youth_id=str(facts.get("youth_id")), due=end_of_day(due), occurrence=f"soc161:{due.isoformat()}")


@REGISTRY.register(
    "efc.review_hearing",
    summary=N_("A nonminor dependent's status review every six months, with the report's WIC 366.31(b) "
               "items filed at least 10 calendar days before."),
    citation="Welf. & Inst. Code, §§ 366.31, subds. (b)-(e), 366.3, subd. (d)", law_as_of=LAW_AS_OF,
    confidence=Confidence.SECONDARY, ages=(17, 20), reads=EFC_KINDS,
)
def review_hearing(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    today = _today(as_of)
    youth = facts.get("youth")
    if not isinstance(youth, Youth):
        return
    hearings = [h for h in records_of(facts, "nmd_hearing") if isinstance(h, NmdHearing)]
    youth_id = str(facts.get("youth_id"))
    for hearing in hearings:
        if hearing.held or hearing.report_filed_on is not None:
            continue
        due = hearing.on - timedelta(days=10)
        if today <= hearing.on:
            yield REGISTRY.info["efc.review_hearing"].finding(
                FindingKind.DEADLINE, N_("File the court report for the hearing"),
                (W("{kind} hearing on {day}", kind=hearing.hearing.value, day=hearing.on.isoformat()),
                 W("the report is due at least 10 calendar days before"),
                 W("it covers the plan to remain and to meet the conditions, the help given, progress on the "
                   "WIC 391(e)(2) items, any STRTP justification, high-school credits and who helps with "
                   "postsecondary applications")),
                youth_id=youth_id, due=end_of_day(due), occurrence=f"report:{hearing.on.isoformat()}")
    if _nmd(facts, today) is None:
        return
    eighteen, twenty_one = birthday(youth.date_of_birth, 18), birthday(youth.date_of_birth, 21)
    reviews = [h.on for h in hearings if h.hearing is HearingKind.REVIEW and h.held]
    if any(h.on > today and not h.held for h in hearings if h.hearing is HearingKind.REVIEW):
        return  # the next review is on the calendar
    due = efc.next_six_month(eighteen, reviews)
    if due < twenty_one and today >= due - timedelta(days=60):
        yield REGISTRY.info["efc.review_hearing"].finding(
            FindingKind.DEADLINE, N_("Set the six-month review hearing"),
            (W("last review held: {day}", day=max(reviews).isoformat()) if reviews
             else W("no review held since 18"),
             W("the next falls by {day}", day=due.isoformat())),
            youth_id=youth_id, due=end_of_day(due), occurrence=f"review:{due.isoformat()}")


@REGISTRY.register(
    "efc.reentry",
    summary=N_("After a voluntary re-entry agreement (SOC 163): the 388(e) petition within 15 judicial "
               "days, the TILCP within 60 days."),
    citation="Welf. & Inst. Code, §§ 11400, subd. (z), 11401.1, subd. (c), 388, subd. (e)",
    law_as_of=LAW_AS_OF, needs=("reentry_agreement",),
)
def reentry(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth_id = str(facts.get("youth_id"))
    for agreement in records_of(facts, "reentry_agreement"):
        if not isinstance(agreement, ReentryAgreement):
            continue
        signed = agreement.signed_on.isoformat()
        if agreement.petition_filed_on is None:
            due = court.court_days_after(agreement.signed_on, 15)
            yield REGISTRY.info["efc.reentry"].finding(
                FindingKind.DEADLINE, N_("File the WIC 388(e) petition (15 judicial days)"),
                (W("re-entry agreement signed on {day}", day=signed),
                 W("15 judicial days later is {day} (weekends and California judicial holidays skipped; the "
                   "holiday list is NOT CONFIRMED: the court's calendar governs)", day=due.isoformat()),
                 W("aid under the agreement lasts at most 180 days without the court's order")),
                youth_id=youth_id, due=end_of_day(due), occurrence=f"388e:{signed}")
        if agreement.tilcp_done_on is None:
            due = agreement.signed_on + timedelta(days=60)
            yield REGISTRY.info["efc.reentry"].finding(
                FindingKind.DEADLINE, N_("Write the TILCP after re-entry (60 days)"),
                (W("re-entry agreement signed on {day}", day=signed),
                 W("the TILCP is due by {day}", day=due.isoformat())),
                youth_id=youth_id, due=end_of_day(due), occurrence=f"tilcp:{signed}")


@REGISTRY.register(
    "efc.agreements",
    summary=N_("A nonminor dependent has a signed mutual agreement (SOC 162); a SILP is approved (SOC 157A) "
               "and inspected (SOC 157B), again every 12 months; an STRTP has its need documented."),
    citation="Welf. & Inst. Code, §§ 11400, subds. (u), (ad), 11402.2", law_as_of=LAW_AS_OF, ages=(18, 20),
    reads=EFC_KINDS,
)
def agreements(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    today = _today(as_of)
    youth = _nmd(facts, today)
    if youth is None:
        return
    info = REGISTRY.info["efc.agreements"]
    youth_id = str(facts.get("youth_id"))
    found = [a for a in records_of(facts, "efc_agreement") if isinstance(a, EfcAgreement)]
    if not any(a.mutual_agreement_signed_on or a.remains_under_delinquency for a in found):
        yield info.finding(FindingKind.WARNING, N_("Sign the mutual agreement (SOC 162)"),
                           (W("a nonminor in extended foster care"),
                            W("no signed mutual agreement is recorded"),
                            W("not needed only for a ward who remains under delinquency jurisdiction")),
                           youth_id=youth_id, occurrence="soc162")
    period = youth.placement_on(today)
    placement = period.type if period else youth.placement.type if youth.placement else None
    if placement is PlacementType.SILP:
        approved = max((a.silp_approved_on for a in found if a.silp_approved_on), default=None)
        inspected = max((a.silp_inspected_on for a in found if a.silp_inspected_on), default=None)
        if approved is None or inspected is None:
            yield info.finding(FindingKind.WARNING, N_("Approve and inspect the SILP (SOC 157A, 157B)"),
                               (W("placed in a supervised independent living placement"),
                                W("approval: {approved}; inspection: {inspected}",
                                  approved=approved or "—", inspected=inspected or "—"),
                                W("the youth may live there while approval is pending")),
                               youth_id=youth_id, occurrence="silp")
        else:
            due = add_months(inspected, 12)
            if today >= due - timedelta(days=LOOKAHEAD_DAYS):
                yield info.finding(FindingKind.DEADLINE, N_("Re-inspect the SILP (every 12 months)"),
                                   (W("last inspected on {day}", day=inspected.isoformat()),),
                                   youth_id=youth_id, due=end_of_day(due),
                                   occurrence=f"silp:{due.isoformat()}")
    if placement is PlacementType.STRTP and not any(a.strtp_need_documented for a in found):
        yield info.finding(FindingKind.WARNING, N_("Document the need for the STRTP in the case plan"),
                           (W("a nonminor dependent placed in a short-term residential therapeutic program"),
                            W("the court reviews the evidence at each review (WIC 366.31(b)(4))")),
                           youth_id=youth_id, occurrence="strtp")


@REGISTRY.register(
    "efc.condition_five_update",
    summary=N_("Condition (5): keep the medical or mental-health information in the case plan up to date "
               "(the county sets how often)."),
    citation="Welf. & Inst. Code, § 11403, subd. (b)(5)", law_as_of=LAW_AS_OF,
    confidence=Confidence.UNCONFIRMED, needs=("efc_participation",),
)
def condition_five(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    today = _today(as_of)
    days = int((facts.get("policy") or {}).get("efc_medical_update_days", efc.MEDICAL_UPDATE_DAYS))
    for item in records_of(facts, "efc_participation"):
        if not isinstance(item, Participation) or item.condition is not Condition.MEDICAL \
                or not item.met_on(today) or item.medical_update_on is None:
            continue
        due = item.medical_update_on + timedelta(days=days)
        if today >= due - timedelta(days=LOOKAHEAD_DAYS):
            yield REGISTRY.info["efc.condition_five_update"].finding(
                FindingKind.DEADLINE, N_("Update the medical information for condition (5)"),
                (W("last updated on {day}", day=item.medical_update_on.isoformat()),
                 W("the county updates it every {days} days (a county setting: the statute says "
                   "\"regularly updated\")", days=days)),
                youth_id=str(facts.get("youth_id")), due=end_of_day(due),
                occurrence=f"c5:{due.isoformat()}")


@REGISTRY.register(
    "efc.termination_advisements",
    summary=N_("Before a WIC 391 termination hearing: tell the youth the benefits of staying and the right "
               "to re-enter before 21, and document it."),
    citation="Welf. & Inst. Code, § 391; Cal. Rules of Court, rule 5.555", law_as_of=LAW_AS_OF,
    confidence=Confidence.SECONDARY, needs=("nmd_hearing",), tells=True,
)
def termination(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    for hearing in records_of(facts, "nmd_hearing"):
        if isinstance(hearing, NmdHearing) and hearing.hearing is HearingKind.TERMINATION \
                and not hearing.held and not hearing.advised_benefits_and_reentry:
            yield REGISTRY.info["efc.termination_advisements"].finding(
                FindingKind.DEADLINE, N_("Advise the youth before the termination hearing"),
                (W("termination hearing on {day}", day=hearing.on.isoformat()),
                 W("the benefits of staying in extended foster care and the right to re-enter before 21")),
                youth_id=str(facts.get("youth_id")), due=end_of_day(hearing.on),
                occurrence=f"391:{hearing.on.isoformat()}")


@REGISTRY.register(
    "efc.ends_at_21",
    summary=N_("Extended foster care ends the day before the 21st birthday: plan the exit with the youth, "
               "in a transition plan written in the 90 days before."),
    citation="Welf. & Inst. Code, §§ 11403, subd. (a), 16501.1, subd. (g)(16)(B); 42 U.S.C. § 675(5)(H); "
             "ACL 18-15", law_as_of=LAW_AS_OF,
    confidence=Confidence.SECONDARY, ages=(20, 20), reads=EFC_KINDS,
)
def ends_at_21(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    today = _today(as_of)
    youth = _nmd(facts, today)
    if youth is None:
        return
    last = birthday(youth.date_of_birth, 21) - timedelta(days=1)
    if today >= add_months(last, -6):
        # The 90-day transition plan is owed before leaving care at the age the state elects (675(5)(H)),
        # 21 here: the exit had been due on its last day, with no window and no plan looked for.
        opens = last + timedelta(days=1) - timedelta(days=90)
        plans = [p for p in records_of(facts, "transition_plan")
                 if isinstance(p, TransitionPlan) and p.made_on >= opens]
        latest = max(plans, key=lambda p: p.made_on) if plans else None
        left = latest.missing_sections() if latest else []
        none = W("no transition plan recorded since {opens}", opens=opens.isoformat())
        state = (none,) if latest is None else \
            (W("plan of {day} still lacks: {sections}", day=latest.made_on.isoformat(),
               sections=", ".join(left)),) if left else \
            (W("plan of {day} covers every section", day=latest.made_on.isoformat()),)
        yield REGISTRY.info["efc.ends_at_21"].finding(
            FindingKind.DEADLINE, N_("Extended foster care ends: plan the exit"),
            (W("the last day of support is {day}, the day before the 21st birthday", day=last.isoformat()),
             W("the transition plan for leaving care is written with the youth from {opens}, in the 90 days "
               "before (42 U.S.C. 675(5)(H); Welf. & Inst. Code 16501.1(g)(16)(B))", opens=opens.isoformat()),
             *state,
             W("former-foster-youth Medi-Cal continues to 26; THP-Plus housing to 24")),
            youth_id=str(facts.get("youth_id")), due=end_of_day(last), occurrence="21",
            done=latest is not None and not left)

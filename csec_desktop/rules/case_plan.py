"""What the case plan of an exploited or at-risk youth must hold, and the hand-off to record
relief (DOMAIN.md sections 2.4 and 1.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from csec_desktop.domain.csec import CsecStatus, CsecStatusValue
from csec_desktop.domain.labels import said
from csec_desktop.domain.services import PlanGoal, Referral, ReferralStatus
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Facts, Finding, FindingKind, records_of
from csec_desktop.rules.services import LAW_AS_OF, needs_answers
from csec_desktop.rules.transition import foster_care_basis
from csec_desktop.text import N_, W

_CONCERN = {CsecStatusValue.VICTIM, CsecStatusValue.AT_RISK}


def _latest_status(facts: Facts) -> CsecStatus | None:
    statuses = [s for s in records_of(facts, "csec_status") if isinstance(s, CsecStatus)]
    return max(statuses, key=lambda s: s.decided_at) if statuses else None


@REGISTRY.register(
    "case_plan.csec_services",
    summary=N_("The case plan of a child or nonminor dependent who is, or is at risk of becoming, a "
               "victim of commercial sexual exploitation documents the services that address it."),
    citation="Welf. & Inst. Code, § 16501.1, subd. (g)(19)", law_as_of=LAW_AS_OF,
    needs=("csec_status",), reads=("plan_goal", "referral"), domain="safety",
)
def csec_services(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = facts.get("youth")
    latest = _latest_status(facts)
    if not isinstance(youth, Youth) or latest is None or latest.status not in _CONCERN:
        return
    basis = foster_care_basis(youth, as_of.astimezone(LEGAL_ZONE).date())
    if basis is None:
        return
    goals = [g for g in records_of(facts, "plan_goal") if isinstance(g, PlanGoal)]
    referrals = [r for r in records_of(facts, "referral") if isinstance(r, Referral)
                 and r.status not in (ReferralStatus.DECLINED, ReferralStatus.NO_SHOW)]
    if goals or referrals:
        return
    yield REGISTRY.info["case_plan.csec_services"].finding(
        FindingKind.WARNING, N_("The case plan must document the services for exploitation"),
        (W("CSEC status {status} since {day}", status=said(latest.status),
           day=latest.decided_at.astimezone(LEGAL_ZONE).date().isoformat()),
         W("in foster care ({basis})", basis=basis), W("no plan goal and no open referral is recorded")),
        youth_id=str(facts.get("youth_id")), occurrence="g19")


@REGISTRY.register(
    "legal.vacatur_screening",
    summary=N_("A trafficking victim with an arrest, conviction or juvenile record: screen for vacatur "
               "under Penal Code 236.14 (a petition may be made at any time)."),
    citation="Pen. Code, § 236.14", law_as_of=LAW_AS_OF, needs=("csec_status",),
    reads=("form_response", "criminal_count"), domain="legal",
)
def vacatur_screening(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    victim = any(isinstance(s, CsecStatus) and s.status is CsecStatusValue.VICTIM
                 for s in records_of(facts, "csec_status"))
    answers = needs_answers(facts)
    counts = records_of(facts, "criminal_count")
    if not victim or (answers.get("has_record") is not True and not counts):
        return
    yield REGISTRY.info["legal.vacatur_screening"].finding(
        FindingKind.SUGGESTION, N_("Screen for vacatur of arrests and convictions (PC 236.14)"),
        (W("identified as a victim of commercial sexual exploitation"),
         W("{n} arrests, convictions or adjudications are recorded", n=len(counts)) if counts else
         W("the needs assessment records an arrest, citation, conviction or juvenile petition"),
         W("no time limit; juvenile matters carry a rebuttable presumption; a minor's commercial sex is "
           "not a crime at all (SB 1322) and such a record is an error to correct")),
        youth_id=str(facts.get("youth_id")), occurrence="vacatur")

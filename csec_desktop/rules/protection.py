"""Protective orders against a youth's exploiters (issue 18): which court can make one for this youth,
and when an order in force is about to end.

Re-read for issue 18 (law as of 2026-11-30):
- Welf. & Inst. Code 213.5(a), read on leginfo: after a dependency petition is filed and until it is
  dismissed or dependency ends, "the juvenile court has exclusive jurisdiction to issue ex parte orders
  (1) enjoining a person from ... contacting, either directly or indirectly, by mail or otherwise, coming
  within a specified distance of, or disturbing the peace of the child". Cal. Rules of Court, rule
  5.630(a)(1) (official page): the same power after a petition under section 300, 601 or 602 until the
  petition is dismissed, dependency or wardship ends, or the ward is no longer on probation; written
  requests on form JV-245 with the CLETS-001 form (rule 5.630(c)(3)-(4)).
- Code Civ. Proc. 527.6(a)-(b), as quoted on a superior court's page: a person who has suffered
  harassment may seek a temporary restraining order and an injunction; harassment is "unlawful
  violence, a credible threat of violence, or a knowing and willful course of conduct directed at a
  specific person that seriously alarms, annoys, or harasses the person, and that serves no
  legitimate purpose" (VERIFIED on that page, SECONDARY as a copy).
- Domestic violence restraining orders (Fam. Code 6200 and following) need a close relationship (a
  dating partner, a co-parent, a close relative: Fam. Code 6211): SECONDARY.
Not confirmed: whether a nonminor dependent (over 18) can ask the juvenile court under 213.5; the
finding says so and names the civil orders instead. Renewal rules are not encoded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from csec_desktop.domain.csec import CsecStatus, CsecStatusValue
from csec_desktop.domain.labels import said
from csec_desktop.domain.protection import ORDER_KIND_LABELS, PENDING, OrderStage, ProtectiveOrder
from csec_desktop.domain.youth import LegalStatus, Youth
from csec_desktop.rules import (
    LEGAL_ZONE,
    RECHECKED_ON,
    REGISTRY,
    Confidence,
    Facts,
    Finding,
    FindingKind,
    end_of_day,
    records_of,
)
from csec_desktop.text import N_, Line, W

WIC_213_5_A = ("\"the juvenile court has exclusive jurisdiction to issue ex parte orders (1) enjoining a "
               "person "
               "from ... contacting, either directly or indirectly, by mail or otherwise, coming within a "
               "specified distance of, or disturbing the peace of the child\"")
CCP_527_6_B = ("\"unlawful violence, a credible threat of violence, or a knowing and willful course of "
               "conduct "
               "directed at a specific person that seriously alarms, annoys, or harasses the person, and "
               "that serves no legitimate purpose\"")
JUVENILE_COURT = (LegalStatus.DEPENDENT, LegalStatus.WARD, LegalStatus.DUAL_STATUS)
_CONCERN = (CsecStatusValue.VICTIM, CsecStatusValue.AT_RISK)


def _latest_status(facts: Facts) -> CsecStatus | None:
    statuses = [s for s in records_of(facts, "csec_status") if isinstance(s, CsecStatus)]
    return max(statuses, key=lambda s: s.decided_at) if statuses else None


@REGISTRY.register(
    "safety.protective_order",
    summary=N_("A youth exploited or at risk: consider a protective order against the exploiter (a juvenile "
               "restraining order under WIC 213.5 for a dependent or ward; otherwise a civil harassment or "
               "domestic violence restraining order), and record it."),
    citation="Welf. & Inst. Code, § 213.5, subds. (a), (b); Cal. Rules of Court, rule 5.630; "
             "Code Civ. Proc., § 527.6; Fam. Code, § 6211",
    law_as_of=RECHECKED_ON, confidence=Confidence.SECONDARY, needs=("csec_status",),
    reads=("protective_order",), domain="safety",
)
def protective_order(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = facts.get("youth")
    latest = _latest_status(facts)
    if not isinstance(youth, Youth) or latest is None or latest.status not in _CONCERN:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    orders = [o for o in records_of(facts, "protective_order") if isinstance(o, ProtectiveOrder)]
    if any(o.in_force_on(today) or o.stage in PENDING for o in orders):
        return  # an order is in force or being sought: the expiry reminder below takes over
    info = REGISTRY.info["safety.protective_order"]
    status = youth.current_status(today)
    why: tuple[Line, ...] = (W("CSEC status {status} since {day}", status=said(latest.status),
                               day=latest.decided_at.astimezone(LEGAL_ZONE).date().isoformat()),)
    if any(o.stage is OrderStage.ENDED or (o.expires_on and o.expires_on < today) for o in orders):
        why += (W("an earlier protective order has ended"),)
    if status in JUVENILE_COURT:
        yield info.finding(
            FindingKind.SUGGESTION, N_("Consider a juvenile restraining order against the exploiter (WIC "
                                       "213.5)"),
            (*why,
             W("legal status {status}: the juvenile court can restrain a person from contacting the youth "
               "while the dependency or wardship lasts", status=said(status)),
             W("Welf. & Inst. Code 213.5(a): {text}", text=WIC_213_5_A),
             W("ask at any hearing or in writing on form JV-245 with the CLETS-001 form (Cal. Rules of "
               "Court, rule 5.630); record the order here and the person as a safety flag")),
            youth_id=str(facts.get("youth_id")), occurrence="protective_order",
            confidence=Confidence.VERIFIED)
        return
    civil: tuple[Line, ...] = (
             W("Code Civ. Proc. 527.6: a person who has suffered harassment may ask for a temporary "
               "restraining order and an injunction; harassment is {text}", text=CCP_527_6_B),
             W("if the exploiter is or was a dating partner, a co-parent or a close relative, a domestic "
               "violence restraining order (Fam. Code 6211) may fit better (SECONDARY)"),
             W("record the order here and the person as a safety flag"))
    if status is LegalStatus.NONMINOR_DEPENDENT:
        civil = (W("a nonminor dependent: whether the juvenile court can make a WIC 213.5 order for a "
                   "nonminor is NOT CONFIRMED here; ask the youth's attorney"), *civil)
    yield info.finding(
        FindingKind.SUGGESTION, N_("Consider a restraining order against the exploiter (civil harassment or "
                                   "domestic violence)"),
        (*why, *civil), youth_id=str(facts.get("youth_id")), occurrence="protective_order")


@REGISTRY.register(
    "safety.protective_order_ends",
    summary=N_("A protective order recorded for the youth ends soon (the county sets how soon Today says "
               "so); renewal is for the court and the youth's attorney."),
    citation="Welf. & Inst. Code, § 213.5; Code Civ. Proc., § 527.6", law_as_of=RECHECKED_ON,
    confidence=Confidence.UNCONFIRMED, needs=("protective_order",), domain="safety",
)
def protective_order_ends(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    today = as_of.astimezone(LEGAL_ZONE).date()
    days = int((facts.get("policy") or {}).get("protective_order_notice_days", 30))
    for order in records_of(facts, "protective_order"):
        if not isinstance(order, ProtectiveOrder) or order.expires_on is None or not order.in_force_on(today):
            continue
        if order.expires_on - timedelta(days=days) > today:
            continue
        yield REGISTRY.info["safety.protective_order_ends"].finding(
            FindingKind.DEADLINE, N_("A protective order ends soon"),
            (W("{kind} against {person} ends on {day}", kind=W(ORDER_KIND_LABELS[order.order_kind]),
               person=order.restrained_person, day=order.expires_on.isoformat()),
             W("shown {days} days ahead (a county setting); whether and how to renew is for the court and "
               "the youth's attorney: the renewal rules are NOT CONFIRMED here", days=days)),
            youth_id=str(facts.get("youth_id")), due=end_of_day(order.expires_on),
            occurrence=f"order_ends:{order.expires_on.isoformat()}")

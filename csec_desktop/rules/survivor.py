"""Rights and services California's guidance for CSEC survivors names that the other rule modules did not
encode (issue 18): caregiver funding under a WIC 727(a) order, help when former-foster-youth Medi-Cal
lapses, Medi-Cal residential treatment, victim-compensation relocation, and recording the CSEC status in
the statewide child welfare system.

Law as of 2026-11-30 (`RECHECKED_ON`); what each rule relied on is in its docstring and its why lines.
Where a fact could not be confirmed in the enacted text the rule is UNCONFIRMED and says so on screen;
numbers that are the county's to set are county settings (policy.SETTINGS).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from csec_desktop.domain.csec import CsecStatus, CsecStatusValue
from csec_desktop.domain.efc import OrderType, PlacementOrder
from csec_desktop.domain.labels import said
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
    calendar_days_after,
    end_of_day,
    records_of,
)
from csec_desktop.rules.services import NOT_FULL_SCOPE, OPEN_NEED, needs_answers, victim_compensation_due
from csec_desktop.rules.transition import foster_care_basis, in_foster_care_on
from csec_desktop.text import N_, Line, W

KIN = (PlacementType.RELATIVE, PlacementType.NREFM)
IN_CUSTODY = (PlacementType.JUVENILE_HALL, PlacementType.CAMP)


def _youth(facts: Facts) -> Youth | None:
    youth = facts.get("youth")
    return youth if isinstance(youth, Youth) else None


def _placement_today(youth: Youth, facts: Facts, as_of: datetime) -> PlacementType | None:
    today = as_of.astimezone(LEGAL_ZONE).date()
    period = youth.placement_on(today)
    if period is not None:
        return period.type
    return youth.placement.type if youth.placement and not youth.placement_history else None


@REGISTRY.register(
    "placement.kin_caregiver_funding_727a",
    summary=N_("A ward placed with a relative or a nonrelative extended family member under a WIC 727(a) "
               "order: the caregiver's approval as a resource family and the funding while it is pending "
               "(how these programs apply to probation placements is NOT CONFIRMED)."),
    citation="Welf. & Inst. Code, §§ 727, subd. (a), 362.7, 11400, subd. (n), 16519.5, 11461.3, 11461.36",
    law_as_of=RECHECKED_ON, confidence=Confidence.UNCONFIRMED, ages=(0, 20), reads=("placement_order",),
    domain="housing",
)
def kin_caregiver_funding(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    """Relied on: the 727(a) order is the dispositional order placing a ward in foster care, with relatives
    and NREFMs among the settings (DOMAIN.md 2.3, its text UNCONFIRMED); an NREFM is an adult with a familial
    or mentoring relationship (WIC 362.7, 11400(n), VERIFIED there); Resource Family Approval is the one
    approval for relatives and NREFMs (WIC 16519.5); emergency caregiver funding while an approval is pending
    (WIC 11461.36) and the Approved Relative Caregiver program (WIC 11461.3), as a county policy guide and
    the UC Davis Kin-First guide describe them (SECONDARY). Not confirmed: how each applies to a probation
    placement, and the amounts."""
    youth = _youth(facts)
    if youth is None:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    if youth.current_status(today) not in (LegalStatus.WARD, LegalStatus.DUAL_STATUS):
        return
    placed = _placement_today(youth, facts, as_of)
    if placed not in KIN:
        return
    orders = [o for o in records_of(facts, "placement_order") if isinstance(o, PlacementOrder)
              and o.order_type is OrderType.WARD_727A and o.in_effect_on(today)]
    why: tuple[Line, ...] = (
        W("a ward placed with a {who} on {day}", day=today.isoformat(),
          who=W(N_("relative")) if placed is PlacementType.RELATIVE
          else W(N_("nonrelative extended family member"))),
        W("a WIC 727(a) foster-care placement order from {day} is recorded",
          day=orders[0].ordered_on.isoformat()) if orders
        else W("no WIC 727(a) foster-care placement order is recorded: funding follows the court's "
               "order placing the ward; record it"),
        W("the caregiver applies for resource family approval (WIC 16519.5); emergency caregiver funding may "
          "be paid while it is pending (WIC 11461.36), and the Approved Relative Caregiver program pays a "
          "relative in some cases (WIC 11461.3)"),
        W("how these apply to a probation placement, and the amounts, are NOT CONFIRMED here: check with the "
          "county's placement and eligibility staff"))
    yield REGISTRY.info["placement.kin_caregiver_funding_727a"].finding(
        FindingKind.SUGGESTION,
        N_("Help the caregiver with approval and funding (relative or family friend)"), why,
        youth_id=str(facts.get("youth_id")), occurrence="kin_funding")


FFY_MISSING = N_("the youth's placement on the 18th birthday (the placement history), or the placement order")


@REGISTRY.register(
    "benefits.ffy_medi_cal_lapsed",
    summary=N_("A former foster youth (in foster care on the 18th birthday, now under 26) whose Medi-Cal is "
               "suspended or ended: it continues to 26 with no income test; ask the county to restore it; "
               "custody suspends it and release restores it."),
    citation="Welf. & Inst. Code, §§ 14005.28, 14011.10; DHCS aid code 4M, form MC 250A",
    law_as_of=RECHECKED_ON, confidence=Confidence.SECONDARY, ages=(18, 25), needs=("form_response",),
    reads=("placement_order",), domain="income_benefits",
)
def ffy_medi_cal_lapsed(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    """Relied on: WIC 14011.10 (bill text read on leginfo, AB 914 of 2019): a beneficiary who becomes an
    inmate of a public institution has Medi-Cal suspended, not ended; under 26 the suspension ends when they
    are no longer an inmate or no longer otherwise eligible. Former-foster-youth Medi-Cal to 26 without an
    income test, aid code 4M, to be restored without a new application: county Medi-Cal handbooks and DHCS
    letters as summarised (SECONDARY); WIC 14005.28's own text was not re-read."""
    youth = _youth(facts)
    if youth is None:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    eighteen, twenty_six = birthday(youth.date_of_birth, 18), birthday(youth.date_of_birth, 26)
    if not eighteen <= today < twenty_six:
        return
    coverage = needs_answers(facts).get("medi_cal")
    placed = _placement_today(youth, facts, as_of)
    custody = placed in IN_CUSTODY
    if coverage not in NOT_FULL_SCOPE and not custody:
        return
    orders = [o for o in records_of(facts, "placement_order") if isinstance(o, PlacementOrder)]
    at_18 = in_foster_care_on(youth, eighteen, orders)
    if at_18.state is State.NOT_ELIGIBLE:
        return
    info = REGISTRY.info["benefits.ffy_medi_cal_lapsed"]
    why: tuple[Line, ...] = (at_18.why,)
    if coverage in NOT_FULL_SCOPE:
        why += (W("the needs assessment records Medi-Cal as {coverage}", coverage=coverage),)
    if custody:
        why += (W("in custody ({placement}): Medi-Cal is suspended, not ended, while the youth is an inmate "
                  "of a public institution, and the suspension ends on release (WIC 14011.10)",
                  placement=said(placed) if placed else ""),)
    why += (W("former-foster-youth Medi-Cal (aid code 4M) lasts to the day before the 26th birthday, {day}, "
              "with no income test: ask the county Medi-Cal office to restore it (form MC 250A), and ask "
              "for a state hearing if it is refused", day=twenty_six.isoformat()),)
    if at_18.state is State.CANNOT_TELL:
        yield info.finding(
            FindingKind.CANNOT_TELL, N_("Medi-Cal lapsed: cannot tell whether former-foster-youth Medi-Cal "
                                        "applies (record the placement on the 18th birthday)"),
            why, youth_id=str(facts.get("youth_id")), occurrence="ffy_lapsed", state=State.CANNOT_TELL,
            missing=at_18.missing or (FFY_MISSING,))
        return
    yield info.finding(
        FindingKind.SUGGESTION, N_("Restore former-foster-youth Medi-Cal (suspended or ended)"), why,
        youth_id=str(facts.get("youth_id")), occurrence="ffy_lapsed", state=State.ELIGIBLE)


def _residential(facts: Facts, need: str) -> tuple[Youth, dict[str, object]] | None:
    youth = _youth(facts)
    answers = needs_answers(facts)
    if youth is None or answers.get(need) not in OPEN_NEED or answers.get("medi_cal") in NOT_FULL_SCOPE:
        return None
    return youth, answers


@REGISTRY.register(
    "benefits.residential_substance_use",
    summary=N_("Medi-Cal residential substance-use treatment, when medically necessary (a referral category: "
               "the county's Drug Medi-Cal plan decides; NOT CONFIRMED in statute here)."),
    citation="Drug Medi-Cal Organized Delivery System (DHCS; county beneficiary handbooks); EPSDT under 21",
    law_as_of=RECHECKED_ON, confidence=Confidence.UNCONFIRMED, needs=("form_response",),
    domain="substance_use",
)
def residential_substance_use(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    """Relied on: county DMC-ODS beneficiary pages (residential treatment is a level of care placed by ASAM
    criteria, reached through the county's access line); EPSDT covers medically necessary services under 21
    (DOMAIN.md 5.2). The statute and the federal waiver terms were not re-read: UNCONFIRMED."""
    found = _residential(facts, "substance_use_need")
    if found is None:
        return
    youth, answers = found
    age = age_on(youth.date_of_birth, as_of.astimezone(LEGAL_ZONE).date())
    yield REGISTRY.info["benefits.residential_substance_use"].finding(
        FindingKind.SUGGESTION, N_("Ask about Medi-Cal residential substance-use treatment"),
        (W("the needs assessment records a substance-use need"),
         W("Medi-Cal is recorded as full scope") if answers.get("medi_cal") == "full_scope"
         else W("Medi-Cal coverage is not recorded: check it"),
         W("under 21: EPSDT covers what is medically necessary") if age < 21
         else W("21 or older: the county's Drug Medi-Cal plan decides the level of care"),
         W("residential treatment is one level of care, placed by an assessment (ASAM criteria) through the "
           "county's access line; a referral category: the plan decides eligibility")),
        youth_id=str(facts.get("youth_id")), occurrence="residential_sud")


@REGISTRY.register(
    "benefits.residential_mental_health",
    summary=N_("Medi-Cal residential mental-health treatment (crisis residential or residential treatment "
               "through the county mental health plan; a referral category, NOT CONFIRMED in statute here)."),
    citation="Medi-Cal specialty mental health services (DHCS; county mental health plan); EPSDT under 21",
    law_as_of=RECHECKED_ON, confidence=Confidence.UNCONFIRMED, needs=("form_response",),
    domain="mental_health",
)
def residential_mental_health(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    """Relied on: specialty mental health services are the county mental health plan's (DOMAIN.md 5.2);
    crisis residential and adult residential treatment as service categories are general knowledge, not
    re-read in regulation: UNCONFIRMED. A foster youth's residential placement is a different question
    (an STRTP needs a documented need, WIC 11400(ad)): the finding says so."""
    found = _residential(facts, "mental_health_need")
    if found is None:
        return
    youth, answers = found
    today = as_of.astimezone(LEGAL_ZONE).date()
    why: tuple[Line, ...] = (
        W("the needs assessment records a mental-health need"),
        W("Medi-Cal is recorded as full scope") if answers.get("medi_cal") == "full_scope"
        else W("Medi-Cal coverage is not recorded: check it"),
        W("ask the county mental health plan whether crisis residential or residential treatment is "
          "medically necessary; a referral category: the plan decides"))
    if foster_care_basis(youth, today) is not None:
        why += (W("for a youth in foster care, a residential placement is a placement decision (an STRTP "
                  "needs a need documented in the case plan, WIC 11400(ad))"),)
    yield REGISTRY.info["benefits.residential_mental_health"].finding(
        FindingKind.SUGGESTION, N_("Ask about Medi-Cal residential mental-health treatment"), why,
        youth_id=str(facts.get("youth_id")), occurrence="residential_mh")


GOV_13957_RELOCATION = (
    "\"a cash payment or reimbursement to a victim for expenses incurred in relocating, including a security "
    "deposit, if the expenses are determined by law enforcement to be necessary for the personal safety of "
    "the victim or by a mental health treatment provider to be necessary for the emotional well-being of the "
    "victim\"")


@REGISTRY.register(
    "benefits.calvcb_relocation",
    summary=N_("A trafficking victim who needs to move for safety: CalVCB can pay relocation costs when law "
               "enforcement finds the move necessary for the victim's safety, or a mental-health treatment "
               "provider for the victim's emotional well-being."),
    citation="Gov. Code, § 13957 (relocation); Cal. Code Regs., tit. 2, § 649.17",
    law_as_of=RECHECKED_ON, confidence=Confidence.SECONDARY, needs=("csec_status",), reads=("form_response",),
    domain="housing",
)
def calvcb_relocation(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    """Relied on: the Legislative Counsel's digest of AB 415 (Stats. 2019, ch. 572), on leginfo, stating the
    relocation grant of Gov. Code 13957 (quoted above), that a security deposit comes back to the board at the
    end of the rental agreement, and that relocation may include temporary housing for the victim's pets;
    2 Cal. Code Regs. 649.17 (a copy of the regulation): necessary as a direct result of the crime, one
    claimant per household per crime, closer scrutiny when much time has passed since the crime, and the kinds
    of expense. Not confirmed: the paragraph number of 13957 and the dollar maximum (a county setting)."""
    youth = _youth(facts)
    victims = [s for s in records_of(facts, "csec_status")
               if isinstance(s, CsecStatus) and s.status is CsecStatusValue.VICTIM]
    if youth is None or not victims:
        return
    answers = needs_answers(facts)
    if answers.get("housing_need") not in OPEN_NEED and answers.get("safety_need") not in OPEN_NEED:
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    due_day = victim_compensation_due(youth, victims)
    if today > due_day:
        return
    cap = int((facts.get("policy") or {}).get("calvcb_relocation_cap", 0))
    dollars = format(cap, ",")
    why: tuple[Line, ...] = (
        W("identified as a trafficking victim; the needs assessment records a housing or safety need"),
        W("Gov. Code 13957 allows {text}", text=GOV_13957_RELOCATION),
        W("ask law enforcement or the youth's mental-health treatment provider for that determination before "
          "the move; the costs must be necessary as a direct result of the crime, one member of a household "
          "per crime (2 CCR 649.17)"),
        W("may include deposits for housing and utilities, temporary lodging, emergency food and clothing, "
          "and temporary housing for pets; a security deposit returns to the board at the end of the lease"),
        W("the most CalVCB pays for relocation: ${cap} (a county setting, from CalVCB)",
          cap=dollars) if cap
        else W("the most CalVCB pays for relocation is NOT CONFIRMED here: ask CalVCB (a county setting "
               "can record it)"),
        W("part of the victim-compensation application, due by {day}", day=due_day.isoformat()))
    yield REGISTRY.info["benefits.calvcb_relocation"].finding(
        FindingKind.SUGGESTION, N_("Ask CalVCB to pay for relocation"), why,
        youth_id=str(facts.get("youth_id")), due=end_of_day(due_day), occurrence="calvcb_relocation")


@REGISTRY.register(
    "csec.record_in_statewide_system",
    summary=N_("Document an identification (victim or at risk) in the statewide child welfare system "
               "(CWS/CMS, later CARES); the county sets how soon."),
    citation="Welf. & Inst. Code, §§ 16501.35, subd. (a)(2), 16524.9", law_as_of=RECHECKED_ON,
    confidence=Confidence.UNCONFIRMED, needs=("csec_status",), county_clock=True,
)
def record_in_statewide_system(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    """Relied on: WIC 16501.35(a)(1)-(2) (DOMAIN.md 3.1, VERIFIED there): county child welfare and probation
    policies require workers to identify children receiving child welfare services (dependents or wards in
    foster care, nonminor dependents, youth receiving Chafee services) who are or are at risk of becoming
    victims, and to document them in the statewide child welfare information system. No deadline in statute:
    the days are a county setting, hence UNCONFIRMED. The CWS/CMS codes, and when CARES replaces CWS/CMS, are
    not confirmed."""
    youth = _youth(facts)
    statuses = [s for s in records_of(facts, "csec_status") if isinstance(s, CsecStatus)]
    if youth is None or not statuses:
        return
    latest = max(statuses, key=lambda s: s.decided_at)
    if latest.status not in (CsecStatusValue.VICTIM, CsecStatusValue.AT_RISK):
        return
    decided = latest.decided_at.astimezone(LEGAL_ZONE).date()
    status = youth.current_status(decided)
    if status in (LegalStatus.DEPENDENT, LegalStatus.DUAL_STATUS, LegalStatus.NONMINOR_DEPENDENT):
        basis: Line | None = W("legal status {status} when identified: receiving child welfare services",
                               status=said(status))
    elif status is LegalStatus.WARD:
        basis = foster_care_basis(youth, decided, current=False)  # a ward in foster care; None at home
    else:
        basis = None
    if basis is None:
        return
    days = int((facts.get("policy") or {}).get("statewide_system_days", 7))
    due = calendar_days_after(decided, days)
    yield REGISTRY.info["csec.record_in_statewide_system"].finding(
        FindingKind.DEADLINE, N_("Record the CSEC status in CWS/CMS (or CARES)"),
        (W("CSEC status {status} decided on {day}", status=said(latest.status), day=decided.isoformat()),
         basis,
         W("Welf. & Inst. Code 16501.35(a)(2): the county's policies require workers to document these "
           "youth in the statewide child welfare information system"),
         W("no statute sets how soon: the county's {days} days (a county setting); use the county's CSEC "
           "codes in CWS/CMS, or in CARES once it replaces CWS/CMS", days=days)),
        youth_id=str(facts.get("youth_id")), due=end_of_day(due),
        occurrence=f"statewide:{latest.status.value}:{decided.isoformat()}")

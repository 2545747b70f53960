"""Extended foster care (AB 12) for one youth: eligibility with its why, and the timeline
from 16 to 21. Pure functions of the youth, its records and a day, so the rules, the screen,
the printed plans and the tests all say the same (DOMAIN.md section 2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from csec_desktop.domain.duties import DutyDone
from csec_desktop.domain.efc import (
    Certification,
    Condition,
    EfcAgreement,
    HearingKind,
    NmdHearing,
    OrderType,
    Participation,
    PlacementOrder,
    ReentryAgreement,
    TransitionPlan,
)
from csec_desktop.domain.labels import said
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import Answer, State, add_months, birthday, combine
from csec_desktop.rules.transition import care_began, in_foster_care_on
from csec_desktop.text import N_, Line, W

MEDICAL_UPDATE_DAYS = 180  # the county setting's default (policy.efc_medical_update_days)


def _of(records: Iterable[Any], kind: type[Any]) -> list[Any]:
    return [r for r in records if isinstance(r, kind)]


@dataclass(frozen=True)
class Check:
    state: State
    text: Line
    citation: str
    missing: tuple[str, ...] = ()
    """When it cannot tell: the facts to record (N_-marked English)."""

    @property
    def ok(self) -> bool:
        return self.state is State.ELIGIBLE


def _check(answer: Answer, citation: str) -> Check:
    return Check(answer.state, answer.why, citation, answer.missing)


@dataclass(frozen=True)
class Eligibility:
    state: State
    checks: tuple[Check, ...]
    ends_on: date
    """The last day of extended foster care: the day before the 21st birthday."""

    @property
    def eligible(self) -> bool:
        return self.state is State.ELIGIBLE

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(m for c in self.checks if c.state is State.CANNOT_TELL for m in c.missing)

    def why(self) -> tuple[Line, ...]:
        return tuple(W("yes: {text}", text=c.text) if c.state is State.ELIGIBLE else
                     W("NO: {text}", text=c.text) if c.state is State.NOT_ELIGIBLE else
                     W("CANNOT TELL: {text}", text=c.text) for c in self.checks)


ORDER_CITATION = "Welf. & Inst. Code, § 11400, subd. (v)(1)"
VACATUR_CITATION = "Welf. & Inst. Code, § 450, subd. (a)(1)(B) (AB 604, 2017)"
REENTRY_CITATION = "Welf. & Inst. Code, §§ 11400, subd. (v)(1), 388, subd. (e)(1), 450, subd. (a)(1)(B)"
MISSING_ORDER = N_("the foster-care placement order in effect on the 18th birthday (or the placement then)")


def order_on_18th(youth: Youth, orders: list[PlacementOrder]) -> Check:
    """A foster-care placement order in effect on the 18th birthday, or the vacatur path.

    Re-entry under WIC 388(e)(1) is open only to a nonminor who turned 18 under a foster-care
    placement order; a youth whose order ended before 18 is not eligible, and the only route the
    statute gives such a youth is WIC 450(a)(1)(B): an order ended because the adjudication was
    vacated under Pen. Code 236.14 counts as if it had not ended."""
    eighteen = birthday(youth.date_of_birth, 18)
    for order in orders:
        if order.in_effect_on(eighteen):
            return Check(State.ELIGIBLE,
                         # The kind by its label, said in the sentence's language (its code,
                         # "dependency", showed in the Spanish sentence too).
                         W("a foster-care placement order is in effect on the 18th birthday ({eighteen}): "
                           "{kind}, from {ordered}", kind=said(order.order_type),
                           ordered=order.ordered_on.isoformat(), eighteen=eighteen.isoformat()),
                         ORDER_CITATION)
    for order in orders:
        if order.vacated_under_236_14 and order.ordered_on < eighteen:
            return Check(State.ELIGIBLE,
                         W("the order from {day} ended only because the adjudication was vacated under "
                           "Pen. Code 236.14: WIC 450(a)(1)(B) treats it as in effect (\"met or would meet "
                           "the "
                           "criteria ... but for the fact that the underlying adjudication was vacated\")",
                           day=order.ordered_on.isoformat()), VACATUR_CITATION)
    if not orders:
        # No order recorded: the placement history may show foster care on the 18th birthday, but
        # only the order decides; and nothing recorded is not "in foster care".
        placed = in_foster_care_on(youth, eighteen)
        if placed.state is State.NOT_ELIGIBLE:
            return Check(State.NOT_ELIGIBLE,
                         W("{why}; re-entry under WIC 388(e)(1) is only for a nonminor who turned 18 under a "
                           "foster-care placement order", why=placed.why), REENTRY_CITATION)
        return Check(State.CANNOT_TELL,
                     W("no placement order recorded; {why}: record the order in effect on the 18th birthday "
                       "({eighteen})", why=placed.why, eighteen=eighteen.isoformat()),
                     ORDER_CITATION, (MISSING_ORDER,))
    ended = [o.ended_on for o in orders if o.ended_on is not None and o.ended_on < eighteen]
    later = [o.ordered_on for o in orders if o.ordered_on > eighteen]
    if not ended and later and any(o.order_type is OrderType.REENTRY for o in orders):
        # A re-entry order is made only for a nonminor who turned 18 under a foster-care order
        # (WIC 388(e)(1)): that earlier order is missing from the record, not absent.
        return Check(State.CANNOT_TELL,
                     W("a re-entry order from {day} is recorded but no order in effect on the 18th birthday "
                       "({eighteen}): re-entry needs one; record it", day=min(later).isoformat(),
                       eighteen=eighteen.isoformat()), REENTRY_CITATION, (MISSING_ORDER,))
    if not ended and later:
        return Check(State.NOT_ELIGIBLE,
                     W("the first order recorded begins on {day}, after the 18th birthday ({eighteen}): "
                       "extended foster care needs an order in effect on the 18th birthday",
                       day=min(later).isoformat(), eighteen=eighteen.isoformat()), REENTRY_CITATION)
    last = max(ended) if ended else eighteen
    return Check(State.NOT_ELIGIBLE,
                 W("the last order ended on {day}, before the 18th birthday ({eighteen}); WIC 388(e)(1) "
                   "re-entry is only for a nonminor who turned 18 under a foster-care placement order; if "
                   "that "
                   "order ended because the adjudication was vacated under Pen. Code 236.14, record it: WIC "
                   "450(a)(1)(B) then applies", day=last.isoformat(), eighteen=eighteen.isoformat()),
                 REENTRY_CITATION)


MISSING_MEDICAL = N_("current medical or mental-health information in the case plan for condition (5)")
MISSING_CONDITION = N_("which participation condition (1)-(5) the youth meets, with its evidence")
MISSING_AGREEMENT = N_("the mutual agreement (SOC 162), or that the youth remains under delinquency "
                       "jurisdiction")


def conditions_met(participations: list[Participation], on: date,
                   medical_days: int = MEDICAL_UPDATE_DAYS) -> tuple[list[Condition], list[Line]]:
    """The conditions met on a day, and why a recorded condition (5) cannot be counted yet."""
    met: list[Condition] = []
    notes: list[Line] = []
    for item in participations:
        if not item.met_on(on):
            continue
        if item.condition is Condition.MEDICAL and item.medical_update_on is not None \
                and (on - item.medical_update_on).days > medical_days:
            notes.append(W("condition (5): the medical information was last updated on {day}, more than "
                           "{days} days ago", day=item.medical_update_on.isoformat(), days=medical_days))
            continue
        met.append(item.condition)
    return sorted(set(met)), notes


def eligibility(youth: Youth, records: Iterable[Any], on: date,
                medical_days: int = MEDICAL_UPDATE_DAYS) -> Eligibility:
    """Eligible, not eligible or cannot tell on `on`, each check with its law and the fact it lacks."""
    records = list(records)
    eighteen, twenty_one = birthday(youth.date_of_birth, 18), birthday(youth.date_of_birth, 21)
    ends_on = twenty_one - timedelta(days=1)
    checks = [order_on_18th(youth, _of(records, PlacementOrder))]
    under = W("under 21 on {day}: support ends on {ends}, the day before the 21st birthday",
              day=on.isoformat(), ends=ends_on.isoformat()) if on < twenty_one else \
        W("21 on {day}: extended foster care has ended", day=twenty_one.isoformat())
    checks.append(Check(State.ELIGIBLE if on < twenty_one else State.NOT_ELIGIBLE, under,
                        "Welf. & Inst. Code, § 11403, subd. (a); ACL 18-15"))
    # Before 18 the plan is checked against the 18th birthday: the conditions must hold from then.
    when = max(on, eighteen)
    met, notes = conditions_met(_of(records, Participation), when, medical_days)
    conditions = "Welf. & Inst. Code, § 11403, subd. (b)(1)-(5)"
    if met:
        checks.append(Check(State.ELIGIBLE, W("meets condition {conditions} on {day}",
                                              conditions=", ".join(f"({c.value})" for c in met),
                                              day=when.isoformat()), conditions))
    elif notes:
        # Late paperwork is not a lost condition: (5) asks for "regularly updated information in the
        # case plan"; until it is updated the record cannot tell, it does not say "not eligible".
        text = W("{note}: update it to count condition (5)", note=notes[0])
        checks.append(Check(State.CANNOT_TELL, text, conditions, (MISSING_MEDICAL,)))
    else:
        checks.append(Check(State.CANNOT_TELL, W("no participation condition recorded for {day}",
                                                 day=when.isoformat()), conditions, (MISSING_CONDITION,)))
    agreements = _of(records, EfcAgreement)
    signed = any(a.mutual_agreement_signed_on for a in agreements)
    exempt = any(a.remains_under_delinquency for a in agreements)
    checks.append(Check(State.ELIGIBLE if signed or exempt else State.CANNOT_TELL,
                        W("mutual agreement (SOC 162) signed") if signed else
                        W("remains under delinquency jurisdiction: no mutual agreement needed") if exempt else
                        W("no mutual agreement (SOC 162) recorded"),
                        "Welf. & Inst. Code, § 11400, subd. (u)",
                        () if signed or exempt else (MISSING_AGREEMENT,)))
    return Eligibility(combine(c.state for c in checks), tuple(checks), ends_on)


# The timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    day: date
    label: str  # N_-marked where fixed; record text otherwise
    state: str  # "done", "due", "overdue", "ahead", "past"
    citation: str = ""


def cycle_start(youth: Youth, records: Iterable[Any]) -> date:
    """Where the six-month certifications count from: the 18th birthday, or the latest re-entry
    (SOC 163) after it; a nonminor back in care starts a new cycle (a certification missed
    before leaving was shown overdue after the return)."""
    eighteen = birthday(youth.date_of_birth, 18)
    return max([eighteen, *(r.signed_on for r in records if isinstance(r, ReentryAgreement))])


CERTIFICATION_RULE = "efc.six_month_certification"


def certification_days(records: Iterable[Any], marked: Iterable[tuple[str, str]] = ()) -> list[date]:
    """The days a six-month certification was made: each SOC 161 recorded, and each certification
    duty marked done on Today (its due day), given as records or as (rule, occurrence) pairs. A duty
    marked done had not moved the cycle on: the duty list showed it done and nothing after, while
    the timeline, reading records only, showed every six months since as overdue."""
    records = list(records)
    days = {c.certified_on for c in records if isinstance(c, Certification)}
    pairs = [*marked, *((r.rule_id, r.occurrence) for r in records if isinstance(r, DutyDone))]
    for rule_id, occurrence in pairs:
        if rule_id == CERTIFICATION_RULE and occurrence.startswith("soc161:"):
            try:
                days.add(date.fromisoformat(occurrence.removeprefix("soc161:")))
            except ValueError:
                continue
    return sorted(days)


def next_six_month(anchor: date, done: list[date]) -> date:
    """Six months after the latest of the anchor and the dates already done."""
    return add_months(max([anchor, *done]), 6)


def timeline(youth: Youth, records: Iterable[Any], on: date) -> list[Event]:
    """Birthdays, windows, certifications, hearings and re-entries from 16 to 21, in date order."""
    records = list(records)
    birth = youth.date_of_birth
    sixteen, eighteen, twenty_one = (birthday(birth, a) for a in (16, 18, 21))

    def state(day: date, done: bool) -> str:
        if done:
            return "done"
        return "ahead" if day > on else ("overdue" if day < on else "due")

    plans = _of(records, TransitionPlan)
    # Told at 16, or as a youth older than 16 comes into care (the duty's own day: the timeline
    # showed the 16th birthday, before care began, as past, beside a duty said to be overdue).
    began = care_began(youth, on)
    told = max(sixteen, began) if began is not None and began < eighteen else sixteen
    events = [
        Event(told, N_("Told about extended foster care (age 16)"), "past" if told <= on else "ahead",
              "WIC 11403(f)(2)"),
        Event(eighteen - timedelta(days=90), N_("90-day transition plan window opens"),
              "past" if eighteen - timedelta(days=90) <= on else "ahead", "WIC 16501.1(g)(16)(B)"),
        Event(eighteen, N_("18th birthday: the transition plan is due"),
              state(eighteen, any(not p.missing_sections() for p in plans)), "WIC 16501.1(g)(16)(B)"),
        Event(twenty_one - timedelta(days=1), N_("Last day of extended foster care"),  # on it: today
              "past" if twenty_one <= on else "due" if twenty_one - timedelta(days=1) == on else "ahead",
              "WIC 11403(a)"),
    ]
    certs = certification_days(records)
    events += [Event(d, N_("Six-month certification and TILCP update (SOC 161)"), "done", "WIC 11403(c)")
               for d in certs]
    if on < twenty_one:
        start = cycle_start(youth, records)
        due = next_six_month(start, [d for d in certs if d >= start])
        if due < twenty_one:
            events.append(Event(due, N_("Six-month certification and TILCP update (SOC 161)"),
                                state(due, False), "WIC 11403(c)"))
            # Each later six months that also ended without one: shown only the first, a youth
            # with none for two years looked one certification behind. (Done today, the cycle
            # starts again from today: these are past periods, not dates still to meet.)
            later = add_months(due, 6)
            while later < min(on, twenty_one):
                events.append(Event(later, N_("Another six months without a certification (SOC 161)"),
                                    "overdue", "WIC 11403(c)"))
                later = add_months(later, 6)
    for hearing in _of(records, NmdHearing):
        label = {HearingKind.REVIEW: N_("Review hearing"), HearingKind.REENTRY: N_("Re-entry hearing"),
                 HearingKind.TERMINATION: N_("Termination hearing")}[hearing.hearing]
        events.append(Event(hearing.on, label, "done" if hearing.held else state(hearing.on, False),
                            "WIC 366.31" if hearing.hearing is HearingKind.REVIEW else
                            "WIC 388(e)" if hearing.hearing is HearingKind.REENTRY else "WIC 391"))
    for agreement in _of(records, ReentryAgreement):
        events.append(Event(agreement.signed_on, N_("Re-entry agreement signed (SOC 163)"), "done",
                            "WIC 11400(z)"))
    return sorted(events, key=lambda e: e.day)


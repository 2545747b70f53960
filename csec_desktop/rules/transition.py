"""Duties that fall due on a foster youth's birthdays, read from the core record alone.

Later modules (AB 12 planning) will record the plans themselves; until then a person
marks each duty done on Today, and the mark is kept in the vault.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from csec_desktop.domain.efc import PlacementOrder, TransitionPlan
from csec_desktop.domain.labels import said
from csec_desktop.domain.youth import (
    FOSTER_CARE_TYPES,
    NOT_FOSTER_CARE_TYPES,
    LegalStatus,
    Youth,
)
from csec_desktop.rules import (
    REGISTRY,
    Answer,
    Facts,
    Finding,
    FindingKind,
    State,
    birthday,
    end_of_day,
    records_of,
)
from csec_desktop.text import N_, Line, W

LAW_AS_OF = date(2026, 1, 1)
"""DOMAIN.md section 2 was read in statute text including amendments effective 1 January 2026."""

COURT_STATUSES = {LegalStatus.DEPENDENT, LegalStatus.WARD, LegalStatus.DUAL_STATUS,
                   LegalStatus.NONMINOR_DEPENDENT}
# Living at home, in custody or in camp is not a foster-care placement.
NOT_FOSTER_CARE = NOT_FOSTER_CARE_TYPES
MISSING_PLACEMENT = N_("the placement on that day (the youth's placement history), or the placement order")

# Shown this many days before a duty opens, so it can be planned.
LOOKAHEAD_DAYS = 30


def in_foster_care_on(youth: Youth, day: date, orders: Iterable[PlacementOrder] = (), *,
                      current: bool = False) -> Answer:
    """Was the youth in foster care on `day`? Eligible (yes), not eligible (no) or cannot tell, from the
    legal-status periods, the placement history and the placement orders recorded; never assumed.
    `current`: `day` is today, so the current placement speaks for it when no period does."""
    status = youth.current_status(day)
    if status not in COURT_STATUSES:
        return Answer(State.NOT_ELIGIBLE, W("no court status on {day} in the record's legal-status periods",
                                            day=day.isoformat()))
    for order in orders:
        if order.in_effect_on(day):
            return Answer(State.ELIGIBLE, W("a {kind} foster-care placement order from {ordered} was in "
                                            "effect "
                                            "on {day}", kind=order.order_type.value,
                                            ordered=order.ordered_on.isoformat(), day=day.isoformat()))
    period = youth.placement_on(day)
    placement = period.type if period else \
        youth.placement.type if current and youth.placement and not youth.placement_history else None
    if placement in FOSTER_CARE_TYPES:
        return Answer(State.ELIGIBLE, W("legal status {status}, placed in {placement} on {day}",
                                        status=said(status), placement=said(placement) if placement else "",
                                        day=day.isoformat()))
    if placement in NOT_FOSTER_CARE_TYPES:
        return Answer(State.NOT_ELIGIBLE, W("legal status {status}, but living in {placement} on {day}: not "
                                            "a "
                                            "foster-care placement", status=said(status),
                                            placement=said(placement) if placement else "",
                                            day=day.isoformat()))
    return Answer(State.CANNOT_TELL,
                  W("legal status {status} on {day}, but the record shows no foster-care placement for that "
                    "day",
                    status=said(status), day=day.isoformat()),
                  (MISSING_PLACEMENT,))


def foster_care_basis(youth: Youth, day: date, *, current: bool = True) -> Line | None:
    """Why a duty owed to a foster youth applies on `day`, or None when the record says it does not.
    A duty is shown when the record cannot tell (better a duty checked than one missed), and says so."""
    answer = in_foster_care_on(youth, day, current=current)
    if answer.state is State.NOT_ELIGIBLE:
        return None
    if answer.state is State.CANNOT_TELL:
        return W("legal status {status}; no placement recorded for {day}: this applies if the youth is in "
                 "foster care (record the placement)", status=said(youth.current_status(day)),
                 day=day.isoformat())
    return answer.why


_IN_CARE = "transition.in_care"
"""Where `_in_care` keeps its answer in the facts: three rules ask it of each youth, and the answer
(with its reasons' text) was a tenth of checking a youth's duties."""


def _in_care(facts: Facts, as_of: datetime) -> tuple[str, Youth, date, Line] | None:
    """(youth id, youth, today, why in care) for a youth in foster care; None otherwise."""
    youth = facts.get("youth")
    if not isinstance(youth, Youth):
        return None
    today = as_of.date()
    kept = facts.get(_IN_CARE)
    if kept is not None and kept[0] is youth and kept[1] == today:
        return kept[2]  # type: ignore[no-any-return]
    basis = foster_care_basis(youth, today)
    found = None if basis is None else (str(facts.get("youth_id")), youth, today, basis)
    facts[_IN_CARE] = (youth, today, found)
    return found


@REGISTRY.register(
    "efc.notice_at_16",
    summary=N_("Tell every foster youth about extended foster care when they turn 16."),
    citation="Welf. & Inst. Code, § 11403, subd. (f)(2)",
    law_as_of=LAW_AS_OF, ages=(15, 17), tells=True,
)
def notice_at_16(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    found = _in_care(facts, as_of)
    if found is None:
        return
    youth_id, youth, today, basis = found
    sixteen, eighteen = birthday(youth.date_of_birth, 16), birthday(youth.date_of_birth, 18)
    if sixteen - timedelta(days=LOOKAHEAD_DAYS) <= today < eighteen:
        # A youth who comes into care after turning 16 is told as they come in: due then, not on
        # a birthday before the county had them (a youth in care since yesterday was shown the
        # notice 202 days overdue).
        began = care_began(youth, today)
        due = max(sixteen, began) if began is not None else sixteen
        why = [W("turns 16 on {day}", day=sixteen.isoformat()), basis]
        if due > sixteen:
            why.append(W("in care since {day}, after turning 16: told as they came into care",
                         day=due.isoformat()))
        why.append(W("the county must tell every foster youth about extended foster care at 16"))
        yield REGISTRY.info["efc.notice_at_16"].finding(
            FindingKind.DEADLINE, N_("Give the notice of extended foster care (age 16)"), tuple(why),
            youth_id=youth_id, due=end_of_day(due), occurrence="16",
        )


def care_began(youth: Youth, day: date) -> date | None:
    """The first day of the court-status periods that run without a break up to `day` (a dependent
    made a ward the next day stayed in care); None when no such period covers `day`."""
    periods = sorted((p for p in youth.legal_status if p.status in COURT_STATUSES), key=lambda p: p.start)
    began: date | None = None
    reached: date | None = None  # the last day covered so far
    for period in periods:
        if period.start > day:
            break
        if reached is None or period.start > reached + timedelta(days=1):
            began = period.start  # a break: care began again here
        reached = max(reached or period.start, period.end or day)
    return began if reached is not None and reached >= day else None


@REGISTRY.register(
    "transition.ninety_day_plan",
    summary=N_("Help the youth write a transition plan in the 90 days before 18."),
    citation="Welf. & Inst. Code, § 16501.1, subd. (g)(16)(B); 42 U.S.C. § 675(5)(H)",
    law_as_of=LAW_AS_OF, ages=(17, 18), reads=("transition_plan",),
)
def ninety_day_plan(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    found = _in_care(facts, as_of)
    if found is None:
        return
    youth_id, youth, today, basis = found
    eighteen = birthday(youth.date_of_birth, 18)
    opens = eighteen - timedelta(days=90)
    # Shown until the 19th birthday: a plan missed at 18 is still worth writing, but a
    # caseload of 20-year-olds should not open on years-old reminders.
    if opens - timedelta(days=LOOKAHEAD_DAYS) <= today < birthday(youth.date_of_birth, 19):
        # A plan recorded with every section written counts as done; a partial one says what is left.
        plans = [p for p in records_of(facts, "transition_plan") if isinstance(p, TransitionPlan)]
        latest = max(plans, key=lambda p: p.made_on) if plans else None
        left = latest.missing_sections() if latest else []
        state = (W("no plan recorded yet"),) if latest is None else \
            (W("plan of {day} still lacks: {sections}", day=latest.made_on.isoformat(),
               sections=", ".join(left)),) if left else \
            (W("plan of {day} covers every section", day=latest.made_on.isoformat()),)
        yield REGISTRY.info["transition.ninety_day_plan"].finding(
            FindingKind.DEADLINE, N_("Write the 90-day transition plan with the youth"),
            (W("the 90-day window opens on {opens} and ends on the 18th birthday, {eighteen}",
               opens=opens.isoformat(), eighteen=eighteen.isoformat()), basis, *state,
             W("the plan is directed by the youth and covers housing, health insurance, education, "
               "mentors and support, work, a health-care power of attorney and advance directives")),
            youth_id=youth_id, due=end_of_day(eighteen - timedelta(days=1)), occurrence="18",
            done=latest is not None and not left,
        )


@REGISTRY.register(
    "tilp.credit_report",
    summary=N_("From age 14, get the youth's credit reports every year and help fix errors."),
    citation="Welf. & Inst. Code, § 16501.1, subd. (g)(16)(C)",
    law_as_of=LAW_AS_OF, ages=(13, 20),
)
def credit_report(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    found = _in_care(facts, as_of)
    if found is None:
        return
    youth_id, youth, today, basis = found
    # The duty for each year of age from 14 falls on that birthday; show the coming one early.
    for age in range(14, 21):
        due_day = birthday(youth.date_of_birth, age)
        next_day = birthday(youth.date_of_birth, age + 1)
        if due_day - timedelta(days=LOOKAHEAD_DAYS) <= today < next_day:
            yield REGISTRY.info["tilp.credit_report"].finding(
                FindingKind.DEADLINE, N_("Check the youth's credit reports for this year"),
                (W("year of age {age} began on {day}", age=age, day=due_day.isoformat()), basis,
                 W("a free report from each of the three bureaus, every year from age 14")),
                youth_id=youth_id, due=end_of_day(next_day - timedelta(days=1)),
                occurrence=str(age),
            )

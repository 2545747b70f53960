"""Vacatur deadlines (Pen. Code 236.14): the prosecutor's 45 days after service, and after an
order the probation department's own sealing and destruction of its records ((k)(1)(E), (k)(2));
and a warning for any record of a minor's commercial sex, which is an error to correct."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from csec_desktop import vacatur
from csec_desktop.domain.vacatur import CriminalCount, VacaturCase
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import (
    REGISTRY,
    Confidence,
    Facts,
    Finding,
    FindingKind,
    birthday,
    end_of_day,
    records_of,
)
from csec_desktop.rules.court_days import last_day
from csec_desktop.rules.transition import LAW_AS_OF
from csec_desktop.text import N_, W


def _counts(facts: Facts, case: VacaturCase) -> list[CriminalCount]:
    """The counts the case petitions (by id); every count of the youth if it names none."""
    ids: list[str] = (facts.get("record_ids") or {}).get("criminal_count", [])
    by_id = dict(zip(ids, records_of(facts, "criminal_count"), strict=False))
    chosen = [by_id[i] for i in case.count_ids if i in by_id]
    return chosen or [c for c in records_of(facts, "criminal_count") if isinstance(c, CriminalCount)]


@REGISTRY.register(
    "vacatur.prosecutor_response",
    summary=N_("The prosecuting agency has 45 days from receiving service to respond to a 236.14 petition; "
               "unopposed, the court may grant it."),
    citation="Pen. Code, § 236.14, subds. (c), (d); Code Civ. Proc., § 12a", law_as_of=LAW_AS_OF,
    confidence=Confidence.VERIFIED,
    needs=("vacatur_case",),
)
def prosecutor_response(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    for case in records_of(facts, "vacatur_case"):
        if not isinstance(case, VacaturCase) or case.order_granted_on is not None:
            continue
        # Each court case's packet is served on its own: one deadline for each receipt recorded.
        receipts = [(None, case.served_on), *((e.case_number, e.received_on) for e in case.services)]
        for number, received in receipts:
            if received is None:
                continue
            day_45 = received + timedelta(days=45)
            due = last_day(day_45)
            moved = (W("day 45, {day}, falls when the courts are closed: the period runs to the next court "
                       "day, {due} (Code Civ. Proc. 12a; the court's own calendar governs)",
                       day=day_45.isoformat(), due=due.isoformat()),) if due != day_45 else ()
            yield REGISTRY.info["vacatur.prosecutor_response"].finding(
                FindingKind.DEADLINE, N_("The prosecutor's response to the vacatur petition is due"),
                (W("service received on {day}", day=received.isoformat()),
                 *((W("in court case {case}", case=number),) if number else ()),
                 W("45 days later: {day} (calendar days)", day=day_45.isoformat()), *moved,
                 W("if no opposition is filed the court deems the petition unopposed")),
                youth_id=str(facts.get("youth_id")), due=end_of_day(due),
                occurrence=f"response:{number + ':' if number else ''}{received.isoformat()}")
        if case.hearing_on is not None:
            yield REGISTRY.info["vacatur.prosecutor_response"].finding(
                FindingKind.DEADLINE, N_("The vacatur hearing"),
                (W("hearing on {day}", day=case.hearing_on.isoformat()),
                 W("unopposed, the petitioner may appear through counsel; opposed, in person unless the "
                   "court finds a compelling reason (remote appearance)")),
                youth_id=str(facts.get("youth_id")), due=end_of_day(case.hearing_on),
                occurrence=f"hearing:{case.hearing_on.isoformat()}")


@REGISTRY.register(
    "vacatur.seal_and_destroy",
    summary=N_("After a vacatur order, probation seals its records (the later of one year from the arrest or "
               "90 days after the order) and destroys them one year after the order."),
    citation="Pen. Code, § 236.14, subd. (k)(1)(E), (k)(2)", law_as_of=LAW_AS_OF, needs=("vacatur_case",),
    reads=("criminal_count",),
)
def seal_and_destroy(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    info = REGISTRY.info["vacatur.seal_and_destroy"]
    youth_id = str(facts.get("youth_id"))
    for case in records_of(facts, "vacatur_case"):
        if not isinstance(case, VacaturCase) or case.order_granted_on is None:
            continue
        order = case.order_granted_on
        arrests = [c.arrest_date for c in _counts(facts, case) if c.arrest_date]
        seal = max([order + timedelta(days=90), *(birthday(a, 1) for a in arrests)])
        yield info.finding(
            FindingKind.DEADLINE, N_("Seal the department's records of the vacated arrests"),
            (W("vacatur order of {day}", day=order.isoformat()),
             W("seal by the later of one year from the arrest and 90 days after the order: {day}",
               day=seal.isoformat()),
             W("the probation department is one of the agencies the order reaches ((k)(1)(E))")),
            youth_id=youth_id, due=end_of_day(seal), occurrence=f"seal:{order.isoformat()}")
        destroy = birthday(order, 1)
        yield info.finding(
            FindingKind.DEADLINE, N_("Destroy the department's records of the vacated arrests"),
            (W("vacatur order of {day}", day=order.isoformat()),
             W("destroy within one year of the order: {day}", day=destroy.isoformat())),
            youth_id=youth_id, due=end_of_day(destroy), occurrence=f"destroy:{order.isoformat()}")


@REGISTRY.register(
    "vacatur.correct_record",
    summary=N_("A record of a minor's commercial sex (Pen. Code 647(b), 653.22) since 2017 is an error to "
               "correct, not a count to petition."),
    citation="Pen. Code, §§ 647, subd. (b), 653.22 (SB 1322, 2016)", law_as_of=LAW_AS_OF,
    needs=("criminal_count",), domain="legal",
)
def correct_record(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = facts.get("youth")
    if not isinstance(youth, Youth):
        return
    for count in records_of(facts, "criminal_count"):
        if isinstance(count, CriminalCount):
            answer = vacatur.assess(count, youth)
            if answer.answer is vacatur.Answer.CORRECT_RECORD:
                yield REGISTRY.info["vacatur.correct_record"].finding(
                    FindingKind.WARNING, N_("Correct the record: a minor's commercial sex is not a crime"),
                    answer.why, youth_id=str(facts.get("youth_id")),
                    occurrence=f"sb1322:{count.section}:{count.offense_date or count.arrest_date}")

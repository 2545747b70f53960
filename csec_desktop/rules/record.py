"""Checks on the record itself that depend on the day: said as warnings, never as a refusal to read.

A birth-date check against today's date used to run whenever a record was read, so a vault holding
someone born in year Y stopped opening Today and search on 1 January of Y+31. Reading now never
refuses a stored record; what looks wrong on the day is a warning on the record page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from csec_desktop.domain.youth import MAX_YOUTH_AGE, Youth, read_warnings
from csec_desktop.rules import LEGAL_ZONE, RECHECKED_ON, REGISTRY, Facts, Finding, FindingKind
from csec_desktop.text import N_, W


@REGISTRY.register(
    "record.birth_date",
    summary=N_("A date of birth in the future, or a person over 30 not marked as an adult client of the "
               "record-relief work (Pen. Code 236.14 has no age limit): check the record."),
    citation="Pen. Code, § 236.14, subd. (l) (relief at any time: an adult is recorded as a "
             "record-relief client)",
    law_as_of=RECHECKED_ON, ages=(MAX_YOUTH_AGE + 1, 150),
)
def birth_date(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = facts.get("youth")
    if not isinstance(youth, Youth):
        return
    day = as_of.astimezone(LEGAL_ZONE).date()
    if not read_warnings(youth, day):
        return
    why = W("the date of birth, {birth}, is after {day}: check it", birth=youth.date_of_birth.isoformat(),
            day=day.isoformat()) if youth.date_of_birth > day else \
        W("born {birth}: over {age} and not marked as an adult client of the record-relief work; check the "
          "year of birth, or mark the person as such a client", birth=youth.date_of_birth.isoformat(),
          age=MAX_YOUTH_AGE)
    yield REGISTRY.info["record.birth_date"].finding(
        FindingKind.WARNING, N_("Check the date of birth"), (why,),
        youth_id=str(facts.get("youth_id")), occurrence="birth")

"""Eligibility for record relief, count by count, with the why and the law of each answer.

236.14 reaches any nonviolent offense (not in Pen. Code 667.5(c), kept as a dated table in
violent_felonies.yaml) committed while the person was a trafficking victim, as its direct
result. Adult counts need clear and convincing evidence; juvenile (WIC 602) counts carry a
rebuttable presumption. A minor's commercial sex is not a crime since SB 1322 (2017): such a
record is an error to correct, never a count to petition. Other paths are offered where they
fit (236.15, 1170.22, 653.29, WIC 781 and 786).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from csec_desktop.domain.vacatur import CriminalCount
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import birthday
from csec_desktop.text import Line, W

SB_1322_EFFECTIVE = date(2017, 1, 1)
"""Pen. Code 647(b) and 653.22 stopped applying to minors (DOMAIN.md 1.4; the exact chapter is
UNCONFIRMED, the effective date is the usual 1 January)."""
COMMERCIAL_SEX_SECTIONS = ("647(b)", "653.22")
VIOLENT_ENHANCEMENTS = ("12022.7", "12022.8", "12022.9", "12022.3(a)", "12022.5", "12022.55")
"""Enhancements that, charged and proved, make any felony violent (667.5(c)(8))."""


class Answer(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    REVIEW = "review"  # depends on facts the record does not hold: an attorney decides
    CORRECT_RECORD = "correct_record"  # not a crime at all: correct the record, do not petition


@dataclass(frozen=True)
class Table:
    checked_on: date
    citation: str
    violent: dict[str, str]
    depends: dict[str, str]


@cache
def table() -> Table:
    source = Path(__file__).with_name("violent_felonies.yaml")
    data: dict[str, Any] = yaml.safe_load(source.read_text("utf-8"))
    return Table(date.fromisoformat(str(data["checked_on"])), str(data["citation"]),
                 {str(e["code"]): str(e["what"]) for e in data["violent"]},
                 {str(e["code"]): str(e["what"]) for e in data["depends"]})


def _matches(section: str, listed: str) -> bool:
    """'261(a)(2)' matches the listed '261(a)(2)' and '211' matches '211' or '211(a)'; '2111' does not."""
    section = section.replace(" ", "").lower()
    listed = listed.lower()
    return section == listed or (section.startswith(listed) and not re.match(r"[0-9.]", section[len(listed)]))


@dataclass(frozen=True)
class CountAnswer:
    answer: Answer
    why: tuple[Line, ...]
    citations: tuple[str, ...]
    standard: Line | None = None
    """The wording of the showing for a petition: adult or juvenile."""
    other_paths: tuple[Line, ...] = field(default=())


def assess(count: CriminalCount, youth: Youth) -> CountAnswer:
    """Whether this count can be petitioned under 236.14, and what else fits."""
    when = count.offense_date or count.arrest_date
    minor_then = when is not None and when < birthday(youth.date_of_birth, 18)
    others = _other_paths(count)
    if count.code.upper() == "PC" and any(_matches(count.section, s) for s in COMMERCIAL_SEX_SECTIONS) \
            and minor_then and when is not None and when >= SB_1322_EFFECTIVE:
        return CountAnswer(Answer.CORRECT_RECORD, (
            W("{label} on {day}, when the youth was under 18", label=count.label(), day=when.isoformat()),
            W("since SB 1322 (2016) a minor's commercial sex is not a crime: this record is an error to "
              "correct, and the youth is a victim to protect (a CANRA report), not a person to charge")),
            ("Pen. Code, §§ 647, subd. (b), 653.22 (SB 1322, 2016)",), other_paths=others)
    tbl = table()
    section = count.section
    violent = next((what for code, what in tbl.violent.items() if count.code.upper() == "PC"
                    and _matches(section, code)), None)
    enhancement = next((e for e in count.enhancements if e.replace(" ", "") in VIOLENT_ENHANCEMENTS), None)
    if violent or enhancement:
        reason = W("{label} is a violent felony ({what})", label=count.label(), what=violent) if violent \
            else W("the count carries the enhancement {enhancement}, which makes it a violent felony",
                   enhancement=enhancement)
        return CountAnswer(Answer.NOT_ELIGIBLE, (
            reason, W("236.14 reaches only nonviolent offenses; the other counts of the record can still be "
                      "petitioned"),
            W("table of violent felonies checked on {day}", day=tbl.checked_on.isoformat())),
            (tbl.citation, "Pen. Code, § 236.14, subd. (t)(1)"), other_paths=others)
    depends = next((what for code, what in tbl.depends.items() if count.code.upper() == "PC"
                    and _matches(section, code)), None)
    standard = W("juvenile count: on showing it was the direct result of being a trafficking victim, the "
                 "petitioner is entitled to a rebuttable presumption that the requirements are met") \
        if count.juvenile else \
        W("adult count: clear and convincing evidence that it was the direct result of being a trafficking "
          "victim, showing the person lacked the requisite intent")
    if depends:
        return CountAnswer(Answer.REVIEW, (
            W("{label}: {what}", label=count.label(), what=depends),
            W("an attorney decides from the record of conviction whether it is violent")),
            (tbl.citation,), standard, others)
    missing: list[Line] = []
    if not count.while_victim:
        missing.append(W("not yet recorded that the offense was committed while the youth was a trafficking "
                         "victim (Pen. Code 236.1)"))
    if not (count.nexus or "").strip():
        missing.append(W("the direct-result narrative for this count is not written yet"))
    why = (W("{label} is not in the table of violent felonies (checked {day}): a nonviolent offense",
             label=count.label(), day=tbl.checked_on.isoformat()), *missing,
           W("a petition may be made at any time; fines and fees owed are no bar"))
    return CountAnswer(Answer.REVIEW if missing else Answer.ELIGIBLE, why,
                       ("Pen. Code, § 236.14, subds. (a), (j), (l), (t)",), standard, others)


def _other_paths(count: CriminalCount) -> tuple[Line, ...]:
    paths: list[Line] = []
    section = count.section.lower()
    if count.code.upper() == "PC" and _matches(section, "647(f)"):
        paths.append(W("former felony prostitution: vacate under Pen. Code 1170.22 (forms CR-404, CR-405)"))
    if count.code.upper() == "PC" and _matches(section, "653.22"):
        paths.append(W("former loitering offense: dismiss and seal under Pen. Code 653.29 (forms CR-425, "
                       "CR-426)"))
    if count.juvenile:
        paths.append(W("juvenile record: sealing under WIC 781 (at 18, or five years after jurisdiction "
                       "ended; a conviction vacated under 236.14 is no bar, 781(a)(1)(G)) or WIC 786 on "
                       "satisfactory completion"))
    if not count.juvenile:
        paths.append(W("if the nexus is to intimate-partner or sexual violence rather than trafficking: Pen. "
                       "Code 236.15 (within a reasonable time)"))
    return tuple(paths)

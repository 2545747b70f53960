"""Eligibility for record relief, count by count, with the why and the law of each answer.

236.14 reaches any nonviolent offense (not in Pen. Code 667.5(c), kept as a dated table in
violent_felonies.yaml) committed while the person was a trafficking victim, as its direct
result. Adult counts need clear and convincing evidence; juvenile (WIC 602) counts carry a
rebuttable presumption. A minor's commercial sex is not a crime since SB 1322 (2017): such a
record is an error to correct, never a count to petition. Other paths are offered where they
fit (236.15, 1170.22, 653.29, WIC 781 and 786).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from csec_desktop import yaml_data
from csec_desktop.domain.vacatur import CriminalCount
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import CONFIDENCE_NAMES, Confidence, birthday
from csec_desktop.text import Line, W
from csec_desktop.vacatur import citations
from csec_desktop.vacatur.citations import Citation

SB_1322_EFFECTIVE = date(2017, 1, 1)
"""Pen. Code 647(b) and 653.22 stopped applying to minors (DOMAIN.md 1.4; the exact chapter is
UNCONFIRMED, the effective date is the usual 1 January)."""
COMMERCIAL_SEX_SECTIONS = ("647(b)", "653.22")


class Answer(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    REVIEW = "review"  # depends on facts the record does not hold: an attorney decides
    CORRECT_RECORD = "correct_record"  # not a crime at all: correct the record, do not petition


class Listing(StrEnum):
    SECTION = "section"  # violent by itself
    FORMER = "former"  # an earlier number of a listed section
    ENHANCEMENT = "enhancement"  # violent when charged and proved
    DEPENDS = "depends"  # violent on a fact a section number does not show


@dataclass(frozen=True)
class Entry:
    paragraph: int
    text: str  # the paragraph's substance
    listing: Listing
    cited: Citation
    when: str = ""  # DEPENDS: on what
    now: str = ""  # FORMER: the section it became

    @property
    def citation(self) -> str:
        return f"Pen. Code, § 667.5, subd. (c)({self.paragraph})"


@dataclass(frozen=True)
class Table:
    checked_on: date
    confidence: str
    citation: str
    entries: tuple[Entry, ...]

    def of(self, *listings: Listing) -> list[Entry]:
        return [e for e in self.entries if e.listing in listings]


def _cite(text: str) -> Citation:
    found = citations.parse(text, "PC")
    if found is None:
        raise ValueError(f"violent_felonies.yaml: {text!r} is not a section")
    return found


def load(data: dict[str, Any]) -> Table:
    entries: list[Entry] = []
    for p in data["paragraphs"]:
        number, text = int(p["paragraph"]), str(p["text"])
        entries += [Entry(number, text, Listing.SECTION, _cite(str(s))) for s in p.get("sections", [])]
        entries += [Entry(number, text, Listing.FORMER, _cite(str(f["section"])), now=str(f["now"]))
                    for f in p.get("former", [])]
        entries += [Entry(number, text, Listing.ENHANCEMENT, _cite(str(e)))
                    for e in p.get("enhancements", [])]
        entries += [Entry(number, text, Listing.DEPENDS, _cite(str(d["section"])), when=str(d["when"]))
                    for d in p.get("depends", [])]
    return Table(date.fromisoformat(str(data["checked_on"])), str(data["confidence"]), str(data["citation"]),
                 tuple(entries))


@cache
def table() -> Table:
    source = Path(__file__).with_name("violent_felonies.yaml")
    return load(yaml_data.safe_load(source.read_text("utf-8")))


@dataclass(frozen=True)
class Verdict:
    """What the 667.5(c) table says of one count: violent (with the entry), for counsel (with the
    entries it might fall under and why), or not listed."""

    violent: Entry | None = None
    also: tuple[Entry, ...] = ()  # other paragraphs the count is listed under
    uncertain: tuple[tuple[Entry, Line], ...] = ()  # (entry, why counsel must decide)
    attempt: bool = False  # an attempt or conspiracy of a section that is listed


def verdict(count: CriminalCount, tbl: Table | None = None) -> Verdict:
    """The table applied to the count's section (written any way people write it) and to every
    enhancement charged and proved."""
    tbl = tbl or table()
    cited = citations.parse(count.section, count.code)
    uncertain: list[tuple[Entry, Line]] = []
    attempt = False
    if cited is not None and cited.code in (None, "PC"):
        listed = [e for e in tbl.of(Listing.SECTION, Listing.FORMER)
                  if citations.matches(cited, e.cited) is citations.Match.YES]
        if listed:
            return Verdict(listed[0], tuple(listed[1:]))
        for entry in tbl.of(Listing.SECTION, Listing.FORMER):
            found = citations.matches(cited, entry.cited)
            if found is citations.Match.PARTLY:
                uncertain.append((entry, W("section {section} is recorded without the subdivision; "
                                           "667.5(c)({paragraph}) lists {listed}", section=str(cited.section),
                                           paragraph=entry.paragraph, listed=str(entry.cited))))
        for entry in tbl.of(Listing.DEPENDS):
            if citations.matches(cited, entry.cited) is not citations.Match.NO:
                uncertain.append((entry, Line(entry.when)))
        if cited.inchoate:
            plain = citations.Citation(cited.code, cited.section)
            listed = [e for e in tbl.of(Listing.SECTION, Listing.FORMER, Listing.DEPENDS)
                      if citations.matches(plain, e.cited) is not citations.Match.NO]
            if listed and cited.inchoate == citations.CONSPIRACY:
                uncertain.append((listed[0], W("a conspiracy is punished as its target offense: violent "
                                               "under 667.5(c)(7) when that punishment is life")))
            attempt = bool(listed)
    for text in count.enhancements:
        enhancement = citations.parse(text, "PC")
        if enhancement is None or enhancement.code not in (None, "PC"):
            continue
        for entry in tbl.of(Listing.ENHANCEMENT):
            found = citations.matches(enhancement, entry.cited)
            if found is citations.Match.YES:
                return Verdict(entry)
            if found is citations.Match.PARTLY:
                uncertain.append((entry, W("enhancement {section} is recorded without the subdivision; "
                                           "667.5(c)({paragraph}) lists {listed}",
                                           section=str(enhancement.section), paragraph=entry.paragraph,
                                           listed=str(entry.cited))))
        for entry in tbl.of(Listing.DEPENDS):
            if citations.matches(enhancement, entry.cited) is not citations.Match.NO:
                uncertain.append((entry, Line(entry.when)))
    return Verdict(None, uncertain=tuple(uncertain), attempt=attempt)


@dataclass(frozen=True)
class CountAnswer:
    answer: Answer
    why: tuple[Line, ...]
    citations: tuple[str, ...]
    standard: Line | None = None
    """The wording of the showing for a petition: adult or juvenile."""
    other_paths: tuple[Line, ...] = field(default=())
    nonviolent: bool = False
    """The petition may say the count is nonviolent: the table says so, or counsel decided it."""
    undecided: bool = False
    """The table cannot decide and counsel has not: the count blocks review."""
    correction: tuple[Line, ...] = field(default=())
    """For a record that should never have existed (a minor's commercial sex): the paths to
    correct or seal it, for counsel to choose."""


def minor_commercial_sex(count: CriminalCount, youth: Youth) -> bool:
    """A commercial-sex arrest or record of a minor since SB 1322: not a crime."""
    when = count.offense_date or count.arrest_date
    cited = citations.parse(count.section, count.code)
    if when is None or cited is None or cited.code not in (None, "PC") or cited.inchoate:
        return False
    listed = [citations.parse(s, "PC") for s in COMMERCIAL_SEX_SECTIONS]
    return when < birthday(youth.date_of_birth, 18) and when >= SB_1322_EFFECTIVE and any(
        c is not None and citations.matches(cited, c) is citations.Match.YES for c in listed)


def correction_paths(count: CriminalCount) -> tuple[Line, ...]:
    """The ways to clear a minor's commercial-sex record, for counsel to choose (none is
    decided by the app)."""
    paths = [W("ask the arresting agency and the prosecutor to correct the record: since SB 1322 the conduct "
               "was not an offense for a person under 18 (Pen. Code 647(b), 653.22 as amended)")]
    if count.count_kind.value == "juvenile_arrest":
        paths.append(W("an arrest with no petition sustained: seal under WIC 781 (or WIC 786.5 for "
                       "diversion), or factual-innocence sealing under WIC 781.5"))
    else:
        paths.append(W("a petition sustained: move to vacate the finding, then dismissal and sealing "
                       "under WIC 786 or sealing under WIC 781"))
    paths.append(W("236.14(j) also reaches juvenile arrests and adjudications of a trafficking victim: "
                   "counsel may petition to vacate and seal it with the other counts"))
    if count.count_kind.value in ("conviction", "arrest"):
        paths.append(W("charged in adult court: vacate under Pen. Code 236.14 or, for former 653.22, dismiss "
                       "and seal under Pen. Code 653.29"))
    return tuple(paths)


def assess(count: CriminalCount, youth: Youth, *, account_withheld: bool = False) -> CountAnswer:
    """Whether this count can be petitioned under 236.14, and what else fits. `account_withheld`:
    the count's account is written, in a compartment the reader may not open (read, it is blank)."""
    when = count.offense_date or count.arrest_date
    others = _other_paths(count)
    if minor_commercial_sex(count, youth):
        assert when is not None
        return CountAnswer(Answer.CORRECT_RECORD, (
            W("{label} on {day}, when the youth was under 18", label=count.label(), day=when.isoformat()),
            W("since SB 1322 (2016) a minor's commercial sex is not a crime: this record is an error to "
              "correct, and the youth is a victim to protect (a CANRA report), not a person to charge"),
            W("counsel chooses how to clear it: the paths are listed below")),
            ("Pen. Code, §§ 647, subd. (b), 653.22 (SB 1322, 2016)",), other_paths=others,
            correction=correction_paths(count))
    tbl = table()
    mark = Confidence(tbl.confidence) if tbl.confidence in set(Confidence) else None
    checked = W("667.5(c) table checked on {day} ({confidence})", day=tbl.checked_on.isoformat(),
                confidence=Line(CONFIDENCE_NAMES[mark]) if mark else tbl.confidence)
    found = verdict(count, tbl)
    decided = None if count.counsel_decision.value == "undecided" else count.counsel_decision
    if found.violent is not None:
        entry = found.violent
        if entry.listing is Listing.ENHANCEMENT:
            reason = W("the count carries the enhancement {enhancement}, which makes it a violent felony "
                       "(667.5(c)({paragraph}): {what})", enhancement=str(entry.cited.section),
                       paragraph=entry.paragraph, what=entry.text)
        elif entry.listing is Listing.FORMER:
            reason = W("{label} is former section {section} (now {now}), a violent felony under 667.5(c)"
                       "({paragraph}): {what}", label=count.label(), section=str(entry.cited.section),
                       now=entry.now, paragraph=entry.paragraph, what=entry.text)
        else:
            reason = W("{label} is a violent felony under 667.5(c)({paragraph}): {what}", label=count.label(),
                       paragraph=entry.paragraph, what=entry.text)
        return CountAnswer(Answer.NOT_ELIGIBLE, (
            reason, W("236.14 reaches only nonviolent offenses; the other counts of the record can still be "
                      "petitioned"), checked),
            (entry.citation, *(e.citation for e in found.also), "Pen. Code, § 236.14, subd. (t)(1)"),
            other_paths=others)
    standard = W("juvenile count: on showing it was the direct result of being a trafficking victim, the "
                 "petitioner is entitled to a rebuttable presumption that the requirements are met") \
        if count.juvenile else \
        W("adult count: clear and convincing evidence that it was the direct result of being a trafficking "
          "victim, showing the person lacked the requisite intent")
    why: list[Line] = []
    cites = ["Pen. Code, § 236.14, subds. (a), (j), (l), (t)"]
    if found.uncertain:
        why += [W("{label}: {what}", label=count.label(), what=w) for _e, w in found.uncertain]
        cites += [e.citation for e, _w in found.uncertain]
        if decided is None:
            return CountAnswer(Answer.REVIEW, (
                *why, W("counsel decides from the record of conviction whether it is violent, and records "
                        "the decision on the count"), checked),
                tuple(dict.fromkeys(cites)), standard, others, undecided=True)
        if decided.value == "violent":
            return CountAnswer(Answer.NOT_ELIGIBLE, (
                *why, W("counsel found it violent on the record of conviction: it is not petitioned"),
                checked),
                tuple(dict.fromkeys(cites)), other_paths=others)
        why.append(W("counsel found it nonviolent on the record of conviction"))
    else:
        why.append(W("{label} is not listed in 667.5(c): a nonviolent offense", label=count.label()))
        if found.attempt:
            why.append(W("an attempt or conspiracy: 667.5(c) lists no attempt but attempted murder"))
    why.append(checked)
    missing: list[Line] = []
    if not count.while_victim:
        missing.append(W("not yet recorded that the offense was committed while the youth was a trafficking "
                         "victim (Pen. Code 236.1)"))
    if account_withheld:
        why.append(W("the direct-result account is written, and withheld from your role: attorneys and "
                     "supervisors read it"))
    elif not (count.nexus or "").strip():
        missing.append(W("the direct-result narrative for this count is not written yet"))
    why += [*missing, W("a petition may be made at any time; fines and fees owed are no bar")]
    return CountAnswer(Answer.REVIEW if missing else Answer.ELIGIBLE, tuple(why), tuple(dict.fromkeys(cites)),
                       standard, others, nonviolent=True)


def _other_paths(count: CriminalCount) -> tuple[Line, ...]:
    paths: list[Line] = []
    cited = citations.parse(count.section, count.code)

    def under(listed: str) -> bool:
        other = citations.parse(listed, "PC")
        return cited is not None and other is not None and cited.code in (None, "PC") and \
            citations.matches(cited, other) is citations.Match.YES

    if under("647(f)"):
        paths.append(W("former felony prostitution: vacate under Pen. Code 1170.22 (forms CR-404, CR-405)"))
    if under("653.22"):
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

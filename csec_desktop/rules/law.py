"""The law as of any day: legal parameters as lists of dated versions, each with its reference.

Modelled on OpenFisca and PolicyEngine: a number the law sets (how many months retroactive
Medi-Cal reaches back) is not a constant but a list of versions, each in force from one day to
another and citing the text that sets it. A rule asks for the version in force at the instant
that matters to it (the application date, the service date, the order date), never "today",
so any day can be evaluated, and a rule can say when the law it uses changes within its window.

A version whose text the project could not read in the enacted source is marked UNCONFIRMED and
names the county setting that overrides its value (policy.SETTINGS), so a county can correct it
without a new release. `changes()` lists the effective dates ahead, with their source and
confidence, for `csec rules --changes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from csec_desktop.rules import Confidence
from csec_desktop.text import N_


@dataclass(frozen=True)
class Version:
    value: int
    start: date | None
    """First day in force (None: in force before any date the app deals with)."""
    end: date | None
    """Last day in force, inclusive (None: until further notice)."""
    citation: str
    confidence: Confidence
    note: str = ""
    """What the version says, in a sentence (N_-marked)."""
    setting: str | None = None
    """The county setting (policy.SETTINGS) that overrides `value`, for an UNCONFIRMED version."""

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Parameter:
    id: str
    summary: str
    versions: tuple[Version, ...]

    def __post_init__(self) -> None:
        ordered = sorted(self.versions, key=lambda v: v.start or date.min)
        for before, after in pairwise(ordered):
            if before.end is None or after.start is None or (after.start - before.end).days != 1:
                raise ValueError(f"parameter {self.id}: versions must follow each other without a gap or "
                                 f"an overlap ({before.end} then {after.start})")
        for version in self.versions:
            if not version.citation.strip():
                raise ValueError(f"parameter {self.id}: a version without a citation")

    def version_at(self, day: date) -> Version:
        for version in self.versions:
            if version.covers(day):
                return version
        raise LookupError(f"parameter {self.id} has no version in force on {day.isoformat()}")

    def value_at(self, day: date, settings: Mapping[str, Any] | None = None) -> int:
        """The value in force on `day`; an UNCONFIRMED version's county setting overrides it."""
        version = self.version_at(day)
        if version.setting and settings and version.setting in settings:
            return int(settings[version.setting])
        return version.value

    def change_within(self, first: date, last: date) -> Version | None:
        """The first version that starts after `first` and on or before `last`."""
        starts = [v for v in self.versions if v.start is not None and first < v.start <= last]
        return min(starts, key=lambda v: v.start or date.min) if starts else None


PARAMETERS: dict[str, Parameter] = {}


def parameter(item: Parameter) -> Parameter:
    if item.id in PARAMETERS:
        raise ValueError(f"parameter {item.id} is defined twice")
    PARAMETERS[item.id] = item
    return item


HR1 = "H.R. 1 (119th Cong.), Pub. L. 119-21"
RETRO_BEFORE_2027 = Version(
    3, None, date(2026, 12, 31),
    "42 U.S.C. § 1396a(a)(34) (before Pub. L. 119-21); DHCS form MC 210A", Confidence.SECONDARY,
    N_("the three months before the month of application"))

RETRO_MONTHS = parameter(Parameter(
    "medi_cal.retroactive_months",
    N_("How many months before the month of application retroactive Medi-Cal reaches (most groups: "
       "children, former foster youth, pregnant people, people with disabilities)."),
    (RETRO_BEFORE_2027,
     Version(2, date(2027, 1, 1), None, f"{HR1}, § 71112 (amending 42 U.S.C. § 1396a(a)(34))",
             Confidence.UNCONFIRMED,
             N_("applications on or after 1 January 2027: the two months before the month of application "
                "(our reading of sec. 71112; NOT CONFIRMED in the enacted text or in DHCS guidance)"),
             setting="retro_medi_cal_months_2027"))))

RETRO_MONTHS_EXPANSION = parameter(Parameter(
    "medi_cal.retroactive_months_expansion_adult",
    N_("How many months before the month of application retroactive Medi-Cal reaches for an adult "
       "in the ACA expansion group (19 to 64, not pregnant, no other group)."),
    (RETRO_BEFORE_2027,
     Version(1, date(2027, 1, 1), None, f"{HR1}, § 71112 (amending 42 U.S.C. § 1396a(a)(34))",
             Confidence.UNCONFIRMED,
             N_("applications on or after 1 January 2027: the one month before the month of application "
                "(our reading of sec. 71112; NOT CONFIRMED in the enacted text or in DHCS guidance)"),
             setting="retro_medi_cal_months_2027_expansion"))))


FEDERAL_MEDICAID_HUMANITARIAN = parameter(Parameter(
    "medi_cal.federal_funding_humanitarian",
    N_("Whether federal Medicaid funds Medi-Cal for refugees, asylees and trafficking victims with a "
       "T visa or an HHS certification or eligibility letter (1: yes, 0: no)."),
    (Version(1, None, date(2026, 9, 30),
             "8 U.S.C. § 1641(b); 22 U.S.C. § 7105(b)(1)(A) (before Pub. L. 119-21)", Confidence.SECONDARY,
             N_("qualified non-citizens: refugees and asylees, and certified trafficking victims to the same "
                "extent as refugees")),
     Version(0, date(2026, 10, 1), None, f"{HR1}, § 71109 (amending 42 U.S.C. § 1396b(v))",
             Confidence.UNCONFIRMED,
             N_("from 1 October 2026 federal funding only for lawful permanent residents, certain Cuban and "
                "Haitian entrants and COFA citizens (our reading of sec. 71109; NOT CONFIRMED in the "
                "enacted text or in DHCS guidance)"),
             setting="federal_medicaid_humanitarian_2026"))))


@dataclass(frozen=True)
class LawChange:
    """An effective date ahead that touches the caseload."""

    day: date | None
    """None: the date itself is not confirmed."""
    title: str  # N_-marked
    source: str
    confidence: Confidence
    pending: bool = False
    """A bill not yet law."""
    parameter: str | None = None
    who: str = ""  # N_-marked: whom it touches
    notes: tuple[str, ...] = field(default=())
    kinds: tuple[str, ...] = ()
    """Record kinds whose presence on a youth means the change touches them (usecases.law counts them)."""
    statuses: tuple[str, ...] = ()
    """Legal statuses (LegalStatus values) a youth ever held that mean the change touches them."""

    @property
    def countable(self) -> bool:
        """Whether the record can tell whom it touches (an immigration status, say, is not recorded)."""
        return bool(self.kinds or self.statuses)

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat() if self.day else None, "title": self.title, "source": self.source,
                "confidence": self.confidence.value, "pending": self.pending, "parameter": self.parameter,
                "who": self.who}


KNOWN_CHANGES: tuple[LawChange, ...] = (
    LawChange(date(2026, 10, 1),
              N_("Federally funded Medicaid narrowed to fewer groups of non-citizens (lawful permanent "
                 "residents, certain Cuban and Haitian entrants, COFA citizens); refugees, asylees and "
                 "other humanitarian groups, including some trafficking survivors, are affected"),
              f"{HR1}, § 71109", Confidence.SECONDARY, parameter="medi_cal.federal_funding_humanitarian",
              who=N_("non-citizen youth whose Medi-Cal is federally funded: ask immigration status only "
                     "where it changes the benefit; \"unknown\" is an answer; never on a letter or court "
                     "paper")),
    LawChange(date(2027, 1, 1),
              N_("Retroactive Medi-Cal shortened for applications on or after this day: two months for most "
                 "groups, one month for expansion adults (as we read sec. 71112)"),
              f"{HR1}, § 71112", Confidence.UNCONFIRMED, parameter="medi_cal.retroactive_months",
              who=N_("anyone with care received before applying for Medi-Cal"), kinds=("uncovered_service",)),
    LawChange(None,
              N_("Juvenile records: the probation department petitions to seal the records of a person who "
                 "has turned 18 (new WIC 781.2); the operative date is NOT CONFIRMED here"),
              "Welf. & Inst. Code, § 781.2 (AB 1877, Stats. 2024, ch. 811)", Confidence.UNCONFIRMED,
              who=N_("youth with a juvenile record (record relief: compare with Pen. Code 236.14)"),
              kinds=("criminal_count",), statuses=("ward", "dual_status")),
)

PARAMETER_TOUCHES: dict[str, tuple[str, ...]] = {
    "medi_cal.retroactive_months": ("uncovered_service",),
    "medi_cal.retroactive_months_expansion_adult": ("uncovered_service",),
}
"""The record kinds of the youth a parameter's change touches."""


def changes(after: date, *, until: date | None = None) -> list[LawChange]:
    """The changes on or after `after` (and on or before `until`), soonest first; undated ones last."""
    parameter_changes = [
        LawChange(v.start, v.note, v.citation, v.confidence, parameter=p.id,
                  kinds=PARAMETER_TOUCHES.get(p.id, ()))
        for p in PARAMETERS.values() for v in p.versions
        if v.start is not None and v.start >= after and (until is None or v.start <= until)
        and not any(k.parameter == p.id and k.day == v.start for k in KNOWN_CHANGES)]
    known = [k for k in KNOWN_CHANGES
             if k.day is None or (k.day >= after and (until is None or k.day <= until))]
    return sorted([*known, *parameter_changes], key=lambda c: (c.day is None, c.day or date.max, c.title))

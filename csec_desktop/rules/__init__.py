"""Rules: pure functions from facts and an instant to findings, each with its law.

Every module that adds a rule registers it here, so that Today, the youth record
and `csec rules` all read one registry. A rule never reads the clock itself: it is
handed `as_of`, which makes every rule testable at any instant (DST changes, leap
days, deadlines on weekends).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from csec_desktop import clock
from csec_desktop.text import N_, Line

RECHECKED_ON = date(2026, 11, 30)
"""The day the rules named in issue 18 were re-read against the statutes (their `law_as_of`)."""

LEGAL_ZONE = clock.LEGAL_ZONE
"""California law counts days and hours in Pacific time."""


class FindingKind(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    CANNOT_TELL = "cannot_tell"
    SUGGESTION = "suggestion"
    DEADLINE = "deadline"
    WARNING = "warning"


class State(StrEnum):
    """Three answers, never two: an eligibility check the record cannot decide says so, and names
    the fact it lacks, instead of assuming it."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    CANNOT_TELL = "cannot_tell"


KIND_NAMES: dict[FindingKind, str] = {
    FindingKind.DEADLINE: N_("Legal deadline"),
    FindingKind.WARNING: N_("Legal warning"),
    FindingKind.SUGGESTION: N_("Suggestion"),
    **{kind: N_("Eligibility") for kind in (FindingKind.ELIGIBLE, FindingKind.NOT_ELIGIBLE,
                                             FindingKind.CANNOT_TELL)},
}
"""What a finding is, in the words Today and the papers both use (a legal warning printed as a
"suggestion" on a hearing sheet read as optional)."""

def kind_name(finding: Finding) -> str:
    """What a finding is (KIND_NAMES), a deadline a county sets said as the county's (Today had
    called the county's seven days to record a status a "Legal deadline")."""
    info = REGISTRY.info.get(finding.rule_id)
    if finding.kind is FindingKind.DEADLINE and info is not None and info.county_clock:
        return N_("County deadline")
    return KIND_NAMES[finding.kind]


STATE_WORDS: dict[State, str] = {
    State.ELIGIBLE: N_("eligible"), State.NOT_ELIGIBLE: N_("not eligible"),
    State.CANNOT_TELL: N_("cannot tell"),
}


def combine(states: Iterable[State]) -> State:
    """All checks together: any "not eligible" decides; else any "cannot tell"; else eligible."""
    found = set(states)
    if State.NOT_ELIGIBLE in found:
        return State.NOT_ELIGIBLE
    return State.CANNOT_TELL if State.CANNOT_TELL in found else State.ELIGIBLE


@dataclass(frozen=True)
class Answer:
    """A three-valued answer to one question of fact ("in foster care on day X?"), with why, and
    the fact a person would record to decide it when it cannot tell."""

    state: State
    why: Line
    missing: tuple[str, ...] = ()

    @property
    def yes(self) -> bool:
        return self.state is State.ELIGIBLE


class Confidence(StrEnum):
    """How sure the project is of the law a rule applies (the marks of DOMAIN.md)."""

    VERIFIED = "verified"
    SECONDARY = "secondary"
    UNCONFIRMED = "unconfirmed"


CONFIDENCE_NAMES: dict[Confidence, str] = {
    Confidence.VERIFIED: N_("Verified"),
    Confidence.SECONDARY: N_("Secondary source"),
    Confidence.UNCONFIRMED: N_("Unconfirmed"),
}
"""What each mark is called where a person reads it (Today, law changes, printed findings)."""


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    kind: FindingKind
    title: str
    why: tuple[str, ...]
    citation: str
    law_as_of: date
    """The date the cited law was last checked."""
    youth_id: str | None = None
    due: datetime | None = None
    done: bool = False
    occurrence: str = ""
    """Which time a recurring duty is for (an age, a date); with rule_id it names the duty done."""
    started: datetime | None = None
    """For an hour clock: when it started (the information received; staff learning of an absence),
    which the notification log prints beside the deadline."""
    state: State | None = None
    """For an eligibility finding: eligible, not eligible or cannot tell (None for a duty)."""
    missing: tuple[str, ...] = ()
    """When it cannot tell: the facts a person would record to decide (English, N_-marked)."""
    confidence: Confidence = Confidence.VERIFIED
    """How sure the project is of the law applied (shown wherever the finding is)."""
    law_change: date | None = None
    """A day within the finding's window when the law it applies changes (effective-dated rules)."""

    def __post_init__(self) -> None:
        if not self.citation.strip():
            raise ValueError(f"rule {self.rule_id} gave a finding without a citation")
        if self.due is not None and self.due.tzinfo is None:
            raise ValueError(f"rule {self.rule_id} gave a due time without a time zone")

    def overdue(self, as_of: datetime) -> bool:
        return self.due is not None and not self.done and self.due <= as_of

    def to_json(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id, "kind": self.kind.value, "title": self.title,
            "why": list(self.why), "citation": self.citation,
            "law_as_of": self.law_as_of.isoformat(), "youth_id": self.youth_id,
            "due": self.due.astimezone(UTC).isoformat() if self.due else None, "done": self.done,
            "occurrence": self.occurrence, "state": self.state.value if self.state else None,
            "missing": list(self.missing), "confidence": self.confidence.value,
            "law_change": self.law_change.isoformat() if self.law_change else None,
        }


Facts = dict[str, Any]


def records_of(facts: Facts, kind: str) -> list[Any]:
    """The youth's attached records of one kind, as a rule declared it needs them."""
    records: dict[str, list[Any]] = facts.get("records") or {}
    return list(records.get(kind, []))
RuleFn = Callable[[Facts, datetime], Iterable[Finding]]


@dataclass(frozen=True)
class RuleInfo:
    rule_id: str
    summary: str
    citation: str
    law_as_of: date
    confidence: Confidence = Confidence.VERIFIED
    ages: tuple[int, int] | None = None
    """The ages (inclusive) at which the rule can find anything; lets Today skip other youth."""
    needs: tuple[str, ...] = ()
    """Record kinds attached to the youth that the rule reads (facts["records"][kind]); a rule
    that needs records finds nothing for a youth without any of them."""
    reads: tuple[str, ...] = ()
    """Record kinds the rule also reads when present, without needing them (a plan's goals, say):
    Today loads them so the rule sees the same facts there as on the record page."""
    domain: str | None = None
    """For a suggestion: the service domain it belongs to, so a person can add it to the plan
    or refer in one step (the ids of domain.services.SERVICE_DOMAINS)."""
    private: bool = False
    """Its findings say something sensitive about the youth (an immigration status): shown in
    the app to the people who see the youth, never printed (`printable`)."""
    tells: bool = False
    """The duty is done by telling someone (a report, a notice): marking it done names who was
    told or how (today.mark_done), so an empty mark, or a second click, records no report."""
    county_clock: bool = False
    """Its deadline is a county setting, not a statute's (the county's days to record a status, to
    meet, to screen again, to follow up): said "County deadline", not "Legal deadline" (`kind_name`)."""

    def finding(self, kind: FindingKind, title: str, why: tuple[str, ...], **rest: Any) -> Finding:
        """A finding of this rule, carrying the rule's own citation and law date. Every why line
        is a text.Line, so a Spanish screen can say it in Spanish (a plain str is refused)."""
        plain = [w for w in why if not isinstance(w, Line)]
        if plain:
            raise TypeError(f"rule {self.rule_id}: why lines must be made with text.W: {plain[0]!r}")
        rest.setdefault("confidence", self.confidence)
        state = rest.get("state")
        if state is None and kind in (FindingKind.ELIGIBLE, FindingKind.NOT_ELIGIBLE,
                                      FindingKind.CANNOT_TELL):
            rest["state"] = State(kind.value)
        if rest.get("state") is State.CANNOT_TELL and not rest.get("missing"):
            raise ValueError(f"rule {self.rule_id}: \"cannot tell\" must name the missing fact")
        return Finding(self.rule_id, kind, title, why, self.citation, self.law_as_of, **rest)

    def to_json(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "summary": self.summary, "citation": self.citation,
                "law_as_of": self.law_as_of.isoformat(), "confidence": self.confidence.value,
                "ages": list(self.ages) if self.ages else None, "needs": list(self.needs),
                "reads": list(self.reads), "domain": self.domain}


@dataclass
class Registry:
    rules: dict[str, RuleFn] = field(default_factory=dict)
    info: dict[str, RuleInfo] = field(default_factory=dict)
    # Each rule with the record kinds it needs, and every kind a rule needs or reads: asked for
    # each youth of a county's caseload, made again only when a rule is registered.
    _runs: list[tuple[RuleFn, frozenset[str]]] | None = field(default=None, repr=False, compare=False)
    _kinds: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def register(self, rule_id: str, *, summary: str, citation: str, law_as_of: date,
                 confidence: Confidence = Confidence.VERIFIED,
                 ages: tuple[int, int] | None = None,
                 needs: tuple[str, ...] = (), reads: tuple[str, ...] = (),
                 domain: str | None = None, private: bool = False,
                 tells: bool = False, county_clock: bool = False) -> Callable[[RuleFn], RuleFn]:
        if not citation.strip():
            raise ValueError(f"rule {rule_id} has no citation")

        def add(fn: RuleFn) -> RuleFn:
            if rule_id in self.rules:
                raise ValueError(f"rule {rule_id} is registered twice")
            self.rules[rule_id] = fn
            self._runs = self._kinds = None
            self.info[rule_id] = RuleInfo(rule_id, summary, citation, law_as_of, confidence, ages,
                                          needs, reads, domain, private, tells, county_clock)
            return fn

        return add

    def printable(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings a printed paper may carry: none of a private rule's."""
        return [f for f in findings if not (f.rule_id in self.info and self.info[f.rule_id].private)]

    def evaluate(self, facts: Facts, as_of: datetime) -> list[Finding]:
        """Every rule's findings for these facts, most urgent first.

        `facts["done"]`, when present, holds (rule_id, occurrence) pairs a person marked
        done; the matching findings come back with done=True rather than vanishing, so a
        screen can still show what was done and undo the mark.
        """
        if as_of.tzinfo is None:
            raise ValueError("as_of needs a time zone")
        done: set[tuple[str, str]] = facts.get("done") or set()
        records: dict[str, list[Any]] = facts.get("records") or {}
        # A rule that needs records finds nothing without them (RuleInfo.needs): skip it unasked,
        # which keeps Today's pass over a county's caseload from growing with every new rule.
        if self._runs is None:
            self._runs = [(fn, frozenset(self.info[rule_id].needs)) for rule_id, fn in self.rules.items()]
        present = {kind for kind, held in records.items() if held}
        found = [f for fn, needs in self._runs if not needs or not needs.isdisjoint(present)
                 for f in fn(facts, as_of)]
        found = [replace(f, done=True) if (f.rule_id, f.occurrence) in done else f for f in found]
        return sorted(found, key=lambda f: urgency(f, as_of))

    def needed_kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self.kinds_read()))

    def kinds_read(self) -> frozenset[str]:
        """Every record kind a rule needs or reads."""
        if self._kinds is None:
            self._kinds = frozenset(kind for info in self.info.values()
                                    for kind in (*info.needs, *info.reads))
        return self._kinds

    def age_span(self) -> tuple[int, int] | None:
        """The ages any rule cares about, or None when some rule applies at every age."""
        spans = [info.ages for info in self.info.values()]
        if not spans or any(span is None for span in spans):
            return None
        return min(s[0] for s in spans if s), max(s[1] for s in spans if s)


REGISTRY = Registry()

RULE_MODULES = ("transition", "csec", "services", "housing", "education", "case_plan", "efc", "vacatur",
                "record", "protection", "survivor")
"""The modules that register rules; a module added here is loaded by `load_all`."""


def load_all() -> Registry:
    """Import every rule module (each registers its rules) and return the registry."""
    import importlib

    for name in RULE_MODULES:
        importlib.import_module(f"csec_desktop.rules.{name}")
    return REGISTRY


def urgency(finding: Finding, as_of: datetime) -> tuple[int, float, str]:
    """Overdue first, then soonest due, then undated findings; done last."""
    if finding.done:
        return (3, 0.0, finding.rule_id)
    if finding.due is None:
        return (2, 0.0, finding.rule_id)
    seconds = (finding.due - as_of).total_seconds()
    return (0 if seconds <= 0 else 1, seconds, finding.rule_id)


def hours_after(instant: datetime, hours: int) -> datetime:
    """An "within N hours" deadline: elapsed time, so a DST change does not stretch it."""
    if instant.tzinfo is None:
        raise ValueError("instant needs a time zone")
    return (instant.astimezone(UTC) + timedelta(hours=hours)).astimezone(LEGAL_ZONE)


def calendar_days_after(day: date, days: int) -> date:
    """An "within N calendar days" deadline, counted in whole days."""
    return day + timedelta(days=days)


def birthday(birth: date, age: int) -> date:
    """The day someone turns `age`; a 29 February birthday falls on 1 March in common years."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return date(birth.year + age, 3, 1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st of a shorter month falls on its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def age_on(birth: date, day: date) -> int:
    """Whole years; someone born on 29 February turns a year older on 1 March in common years."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def end_of_day(day: date) -> datetime:
    """A duty due "by" a day is met until that day ends in California."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=LEGAL_ZONE)

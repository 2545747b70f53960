"""Rules: pure functions from facts and an instant to findings, each with its law.

Every module that adds a rule registers it here, so that Today, the youth record
and `csec rules` all read one registry. A rule never reads the clock itself: it is
handed `as_of`, which makes every rule testable at any instant (DST changes, leap
days, deadlines on weekends).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

LEGAL_ZONE = ZoneInfo("America/Los_Angeles")
"""California law counts days and hours in Pacific time."""


class FindingKind(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    SUGGESTION = "suggestion"
    DEADLINE = "deadline"
    WARNING = "warning"


@dataclass(frozen=True)
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
        }


Facts = dict[str, Any]
RuleFn = Callable[[Facts, datetime], Iterable[Finding]]


@dataclass
class Registry:
    rules: dict[str, RuleFn] = field(default_factory=dict)

    def register(self, rule_id: str) -> Callable[[RuleFn], RuleFn]:
        def add(fn: RuleFn) -> RuleFn:
            if rule_id in self.rules:
                raise ValueError(f"rule {rule_id} is registered twice")
            self.rules[rule_id] = fn
            return fn

        return add

    def evaluate(self, facts: Facts, as_of: datetime) -> list[Finding]:
        if as_of.tzinfo is None:
            raise ValueError("as_of needs a time zone")
        found = [f for fn in self.rules.values() for f in fn(facts, as_of)]
        return sorted(found, key=lambda f: urgency(f, as_of))


REGISTRY = Registry()


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

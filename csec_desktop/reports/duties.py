"""Duties in a period: how many of the law's clocks ran out in it, how many were met in time,
how many late (and by how much), how many are still open.

The deadlines are the rules' own (the same registry Today reads): each rule is run over a youth's
facts, and each finding whose deadline falls in the period is weighed against the duty marked
done for it (its `done_at`, or the end of `done_on` when only the day was recorded). One
mechanism, so a report can never count a deadline Today does not show.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from csec_desktop.domain.duties import DutyDone
from csec_desktop.reports.counts import Facts
from csec_desktop.reports.periods import Period
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, RuleInfo, load_all

load_all()  # the duty rules register themselves as their modules load

RULES = ("csec.report_law_enforcement_24h", "csec.canra_written_36h")
"""The duties a report weighs: the clocks an identification starts (Pen. Code 11166(j))."""


@dataclass
class DutyLine:
    info: RuleInfo
    # Each duty as (youth id, occurrence): one youth identified twice owes it twice.
    on_time: set[tuple[str, str]] = field(default_factory=set)
    late: set[tuple[str, str]] = field(default_factory=set)
    still_open: set[tuple[str, str]] = field(default_factory=set)
    delays: list[timedelta] = field(default_factory=list)  # of the late ones

    @property
    def due(self) -> int:
        return len(self.on_time) + len(self.late) + len(self.still_open)

    @property
    def median_delay_hours(self) -> float | None:
        if not self.delays:
            return None
        return round(statistics.median(d.total_seconds() for d in self.delays) / 3600, 1)

    @staticmethod
    def youth(duties: set[tuple[str, str]]) -> set[str]:
        """The youth behind some of the duties (for a drill-down list)."""
        return {youth_id for youth_id, _occurrence in duties}

    @property
    def on_time_rate(self) -> float | None:
        return len(self.on_time) / self.due if self.due else None


def _done_at(mark: DutyDone) -> datetime:
    if mark.done_at is not None:
        return mark.done_at
    return datetime.combine(mark.done_on, time(23, 59, 59), LEGAL_ZONE)  # only the day is known


def duties(found: Facts, period: Period, now: datetime) -> list[DutyLine]:
    """Each duty rule's deadlines falling in the period: met in time, late, or still open (overdue or
    not yet due). `now` is the instant the rules are asked at (they are pure: see rules/)."""
    lines = [DutyLine(REGISTRY.info[rule_id]) for rule_id in RULES]
    for youth_id, statuses in found.statuses.items():
        facts = {"youth": found.youth[youth_id], "youth_id": youth_id, "records": {"csec_status": statuses}}
        marks = {(m.rule_id, m.occurrence): m for m in found.done.get(youth_id, [])}
        for line in lines:
            for finding in REGISTRY.rules[line.info.rule_id](facts, now):
                if finding.due is None or not period.contains(finding.due):
                    continue
                mark = marks.get((finding.rule_id, finding.occurrence))
                if mark is None:
                    line.still_open.add((youth_id, finding.occurrence))  # overdue, or not yet due
                elif _done_at(mark) <= finding.due:
                    line.on_time.add((youth_id, finding.occurrence))
                else:
                    line.late.add((youth_id, finding.occurrence))
                    line.delays.append(_done_at(mark) - finding.due)
    return lines

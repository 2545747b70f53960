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
from csec_desktop.reports import deidentify as D
from csec_desktop.reports.counts import Facts
from csec_desktop.reports.periods import Period
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, RuleInfo, load_all
from csec_desktop.text import N_

load_all()  # the duty rules register themselves as their modules load

RULES = ("csec.report_law_enforcement_24h", "csec.canra_written_36h", "missing.notices_24h",
         "missing.ncic_ncmec_24h", "vacatur.prosecutor_response", "vacatur.seal_and_destroy")
"""The duties a report weighs: the clocks an identification starts (Pen. Code 11166(j)), and those a
youth missing from care starts (WIC 16501.35, Pen. Code 11166(j)(3))."""
SHORT = {"csec.report_law_enforcement_24h": N_("Police report, 24 h"),
         "csec.canra_written_36h": N_("Written report, 36 h"),
         "missing.notices_24h": N_("Missing notices, 24 h"),
         "missing.ncic_ncmec_24h": N_("NCIC and NCMEC, 24 h"),
         "vacatur.prosecutor_response": N_("Prosecutor's response, hearing"),
         "vacatur.seal_and_destroy": N_("Seal and destroy after an order")}
"""Each duty in a few words, for a chart's axis (the table beside it gives the rule in full)."""


@dataclass
class DutyLine:
    info: RuleInfo
    # Each duty as (youth id, occurrence): one youth identified twice owes it twice.
    on_time: set[tuple[str, str]] = field(default_factory=set)
    late: set[tuple[str, str]] = field(default_factory=set)
    still_open: set[tuple[str, str]] = field(default_factory=set)
    overdue: set[tuple[str, str]] = field(default_factory=set)  # of the open ones, those past due
    delays: list[timedelta] = field(default_factory=list)  # of the late ones

    @property
    def due(self) -> int:
        return len(self.on_time) + len(self.late) + len(self.still_open)

    @property
    def median_delay_hours(self) -> float | None:
        if not self.delays:
            return None
        return round(statistics.median(d.total_seconds() for d in self.delays) / 3600, 1)

    def row(self) -> tuple[RuleInfo, int, int, int, float | None]:
        return self.info, len(self.on_time), len(self.late), len(self.still_open), self.median_delay_hours

    @staticmethod
    def youth(duties: set[tuple[str, str]]) -> set[str]:
        """The youth behind some of the duties (for a drill-down list)."""
        return {youth_id for youth_id, _occurrence in duties}

    @property
    def decided(self) -> int:
        """The duties whose outcome is known: done (in time or late), or open past their deadline.
        One not yet due is neither met nor missed (counted as missed, a duty due tomorrow made a
        rate of 0%)."""
        return len(self.on_time) + len(self.late) + len(self.overdue)

    @property
    def on_time_rate(self) -> float | None:
        return len(self.on_time) / self.decided if self.decided else None


def _done_at(mark: DutyDone) -> datetime:
    if mark.done_at is not None:
        return mark.done_at
    return datetime.combine(mark.done_on, time(23, 59, 59), LEGAL_ZONE)  # only the day is known


def duties(found: Facts, period: Period, now: datetime) -> list[DutyLine]:
    """Each duty rule's deadlines falling in the period: met in time, late, or still open (overdue or
    not yet due). `now` is the instant the rules are asked at (they are pure: see rules/)."""
    lines = [DutyLine(REGISTRY.info[rule_id]) for rule_id in RULES]
    # Only the youth with records the rules read: the others' bodies are never validated (Loaded).
    for youth_id in sorted({*found.statuses, *found.missing, *found.cases, *found.criminal_counts}):
        records = {"csec_status": found.statuses.get(youth_id, []),
                   "missing_episode": found.missing.get(youth_id, []),
                   "vacatur_case": found.cases.get(youth_id, []),
                   "criminal_count": [c for _id, c in found.criminal_counts.get(youth_id, [])]}
        if not any(records.values()):
            continue
        # A petition names its counts by record id.
        facts = {"youth": found.youth[youth_id], "youth_id": youth_id, "records": records,
                 "record_ids": {"criminal_count": [i for i, _c in found.criminal_counts.get(youth_id, [])]}}
        # The first mark of a duty is when it was done (two devices can each mark it, and a mark
        # made again later must not turn a duty done in time into a late one).
        marks: dict[tuple[str, str], DutyDone] = {}
        for m in sorted(found.done.get(youth_id, []), key=_done_at):
            marks.setdefault((m.rule_id, m.occurrence), m)
        for line in lines:
            for finding in REGISTRY.rules[line.info.rule_id](facts, now):
                if finding.due is None or not period.contains(finding.due):
                    continue
                mark = marks.get((finding.rule_id, finding.occurrence))
                if mark is None:
                    line.still_open.add((youth_id, finding.occurrence))  # overdue, or not yet due
                    if finding.due <= now:
                        line.overdue.add((youth_id, finding.occurrence))
                elif _done_at(mark) <= finding.due:
                    line.on_time.add((youth_id, finding.occurrence))
                else:
                    line.late.add((youth_id, finding.occurrence))
                    line.delays.append(_done_at(mark) - finding.due)
    return lines


HEADER = ["Duty", "Law", "Law checked", "Due", "In time", "Late", "Median delay (hours)", "Still open"]


def grid(lines: list[DutyLine] | list[tuple[RuleInfo, int, int, int, float | None]], *,
         deidentified: bool) -> list[list[str]]:
    """The duties as rows of text (HEADER first), from DutyLines or from (rule, in time, late, open,
    median delay) as a report's figures keep them. De-identified: the parts of each duty are
    suppressed with their total, the number due, as any table's are, and the delay is left out
    (with few late duties it describes a single youth's case)."""
    rows_in = [line.row() if isinstance(line, DutyLine) else line for line in lines]
    parts = D.Table([info.rule_id for info, *_rest in rows_in], ["In time", "Late", "Still open"],
                    [[on_time, late, still_open] for _info, on_time, late, still_open, _delay in rows_in],
                    column_totals_mean_something=False)
    cells = D.shown(parts)[1:] if deidentified else [
        [name, *map(str, row), str(sum(row))] for name, row in zip(parts.rows, parts.counts, strict=True)]
    rows = [HEADER]
    for (info, *_counts, delay), (_name, in_time, late, still_open, due) in zip(rows_in, cells, strict=True):
        rows.append([info.summary, info.citation, info.law_as_of.isoformat(), due, in_time, late,
                     "" if delay is None or deidentified else str(delay), still_open])
    return rows

"""The Reports page and `csec report`: the program's counts for a period, by unit, with the youth
behind each count (for drill-down) among those the signed-in person may see.

A caseworker sees the counts of their own caseload, a supervisor or administrator of all they may
see: the caseload's visibility rule decides (reports/counts.py reads through it). Opening a report
is one audit entry, with the period; the names come from the same read, never a second query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from csec_desktop import policy
from csec_desktop.domain.services import SERVICE_DOMAINS
from csec_desktop.reports import counts as C
from csec_desktop.reports.duties import SHORT, DutyLine, duties
from csec_desktop.reports.figures import AB12_LINES, FOLLOW_UP_LINES, column_name
from csec_desktop.reports.periods import Period
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from csec_desktop.sync.local import require_in_contact
from csec_desktop.text import N_, W, folded
from csec_desktop.text import Line as Said


@dataclass(frozen=True)
class Line:
    count: C.Count
    by_unit: dict[str, int]
    youth: tuple[str, ...]  # the ids behind the count, sorted by name

    @property
    def total(self) -> int:
        return len(self.youth)


@dataclass(frozen=True)
class Figure:
    """One figure beyond the counts table, with the youth behind it, for the page's drill-down."""

    section: Said
    """Said in the window's language with `in_language` (a report's file is in English)."""
    label: str
    """English words marked for translation (the window translates them)."""
    value: int
    youth: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    period: Period
    units: list[str]
    lines: list[Line]
    names: dict[str, str]  # youth id -> the name shown
    screen_tools: list[str]
    screen_bands: list[str]
    screens: list[list[int]]  # by tool, then band
    screened: int  # youth screened in the period
    duties: list[DutyLine]
    months: list[Period]  # the trend's months
    trend: dict[str, list[int]]  # count id (C.TREND) -> youth per month
    made_at: datetime
    scope: C.Scope
    service_areas: list[str]  # ids of SERVICE_DOMAINS with a referral or a goal
    referrals: dict[str, list[int]]  # area -> made in the period, by ReferralStatus
    goals: dict[str, list[int]]  # area -> plan goals, by GoalStatus
    relief: dict[str, Any]  # as figures()["record_relief"]: counts by assessment, petitions by stage
    ab12: dict[str, int]  # counts.AB12_KEYS
    follow_up: dict[str, int]  # re-screens and team meetings (figures.FOLLOW_UP_LINES' keys)
    first_service: dict[str, Any]  # median_days_to_first_service, first_services_recorded
    more: list[Figure]  # every other figure with the youth behind it (duties, AB 12, record relief)


def names(vault: Vault, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """For a figure's drill-down: each key (a youth id, or "#<rowid>" as the AB 12 figures name
    youth) -> (youth id, the name shown), read when the figure is opened: thousands of youth can
    stand behind one figure, and the report itself never opens them."""
    wanted = list(keys)
    by_row = [int(k[1:]) for k in wanted if k.startswith("#")]
    by_id = [k for k in wanted if not k.startswith("#")]
    found: dict[str, tuple[str, str]] = {}
    db = vault.require_db()
    for column, values in (("rowid", by_row), ("id", by_id)):
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for rowid, youth_id, body in db.query(
                    f"SELECT rowid, id, body FROM records WHERE kind = 'youth' AND {column} IN ({marks})",
                    chunk):
                opened = vault.records.decode(youth_id, body)
                legal = opened.get("legal_name") or {}
                family = str(legal.get("family") or "")
                shown = (f"{opened['preferred_name']} {family}" if opened.get("preferred_name")
                         else f"{legal.get('given') or ''} {family}").strip()
                found[f"#{rowid}" if column == "rowid" else youth_id] = (youth_id, shown or youth_id)
    return found


def _more(found: C.Facts, period: Period, owed: list[DutyLine], relief: C.Relief,
          follow_up: dict[str, set[str]]) -> list[Figure]:
    """Every figure of the duties, re-screens and team meetings, AB 12 and record relief, each with
    its youth (sorted later)."""
    more: list[Figure] = []
    for line in owed:
        name = W(SHORT.get(line.info.rule_id, line.info.summary))
        for label, kept in ((N_("in time"), line.on_time), (N_("late"), line.late),
                            (N_("still open"), line.still_open), (N_("overdue"), line.overdue)):
            more.append(Figure(W("Duty: {name}", name=name), label, len(kept),
                               tuple(sorted(line.youth(kept)))))
    for ab12, lines, sets in ((False, FOLLOW_UP_LINES, follow_up), (True, AB12_LINES, found.ab12)):
        for title, keys in lines:
            section = W("AB 12: {title}", title=W(title)) if ab12 else W(title)
            for key, label in keys:
                ids = sets.get(key, set())
                more.append(Figure(section, label, len(ids), tuple(sorted(ids))))
    for answer, n in relief.counts.items():
        more.append(Figure(W("Record relief: counts by assessment"), column_name(answer), n,
                           tuple(sorted(relief.counts_youth[answer]))))
    for stage, n in relief.stages.items():
        more.append(Figure(W("Record relief: petitions by stage"), column_name(stage), n,
                           tuple(sorted(relief.stages_youth[stage]))))
    more.append(Figure(W("Record relief"), N_("orders granted in the period"), len(relief.granted),
                       tuple(sorted(relief.granted))))
    more.append(Figure(W("Record relief"), N_("petitions denied in the period"), len(relief.denied),
                       tuple(sorted(relief.denied))))
    # Services and screens by area, tool and outcome: the youth behind each cell of those tables.
    made = [(y, r) for y, r in found.referrals
            if r.referred_on is not None and period.contains(r.referred_on)]
    for area in sorted({r.domain for _y, r in made}):
        ids = {y for y, r in made if r.domain == area}
        more.append(Figure(W("Referrals made in the period"), SERVICE_DOMAINS.get(area, area), len(ids),
                           tuple(sorted(ids))))
    done = [(y, s) for y, s in found.screens if period.contains(s.screened_on)]
    for tool, band in sorted({(s.tool, s.band.value) for _y, s in done}):
        ids = {y for y, s in done if s.tool == tool and s.band.value == band}
        more.append(Figure(W("Screens: {tool}", tool=tool), column_name(band), len(ids), tuple(sorted(ids))))
    return more


def run(vault: Vault, period: Period, scope: C.Scope | None = None) -> Report:
    require_in_contact(vault)
    now = datetime.fromtimestamp(vault.wall()).astimezone()
    period = period.so_far(now.astimezone(LEGAL_ZONE).date())
    scope = scope or C.Scope()
    found = C.facts(vault, scope, period.last)
    result = C.compute(found, period)
    units, table = C.by_unit(found, result)
    names = {youth_id: found.youth[youth_id].display_name() for ids in result.values() for youth_id in ids}
    lines = [Line(count, table[count.id], tuple(sorted(result[count.id],
                                                       key=lambda y: (folded(names[y]), y))))
             for count in C.COUNTS]
    tools, bands, screens, screened = C.screenings(found, period)
    owed = duties(found, period, now)
    for line in owed:
        for youth_id in line.youth(line.on_time | line.late | line.still_open):
            names.setdefault(youth_id, found.youth[youth_id].display_name())
    months, trend = C.monthly(found, period)
    areas, referrals, goals = C.services(found, period)
    found_relief = C.record_relief(found, period)
    relief = {"counts_by_assessment": found_relief.counts, "petitions_by_stage": found_relief.stages,
              "granted_in_period": len(found_relief.granted), "denied_in_period": len(found_relief.denied)}
    interval = policy.get(vault, "rescreen_days")
    follow_up = {**C.rescreens(found, period, interval), **C.meetings(found, period)}
    more = _more(found, period, owed, found_relief, follow_up)  # their names are read when one is opened
    vault.audit("report_viewed", period=period.label, youth=sum(found.population.values()),
                scope=scope.words())
    return Report(period, units, lines, names, tools, [b.value for b in bands], screens, screened, owed,
                  months, trend, now, scope, areas, referrals, goals, relief,
                  {key: len(ids) for key, ids in found.ab12.items()},
                  {key: len(ids) for key, ids in follow_up.items()},
                  dict(zip(("median_days_to_first_service", "first_services_recorded"),
                           C.days_to_first_service(found, period), strict=True)), more)

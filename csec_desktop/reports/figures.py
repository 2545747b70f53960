"""A report's figures as plain data (JSON-ready): what the hub's endpoint answers, and what a
test compares between a desktop and the hub over the same records. Both build them here, from
`Facts`, with the same count definitions, duty rules and trend: one definition serves a desk
and a county. Never a name or an id of a youth: counts only.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from csec_desktop.domain.services import REFERRAL_STATUS_LABELS, SERVICE_DOMAINS, GoalStatus, ReferralStatus
from csec_desktop.reports import counts as C
from csec_desktop.reports import deidentify as D
from csec_desktop.reports.duties import duties
from csec_desktop.reports.duties import grid as duty_grid
from csec_desktop.reports.periods import Period
from csec_desktop.rules import REGISTRY
from csec_desktop.text import N_

COLUMN_NAMES: dict[str, str] = {
    # A screen's outcome
    "no_concern": N_("No concern"), "possible_concern": N_("Possible concern"),
    "clear_concern": N_("Clear concern"),
    # Where a referral stands
    **{status.value: label for status, label in REFERRAL_STATUS_LABELS.items()},
    # Where a plan goal stands
    "not_started": N_("Not started"), "in_progress": N_("In progress"), "done": N_("Done"),
    "changed": N_("Changed"),
    # A criminal count's assessment under Penal Code 236.14, and a petition's stage
    "eligible": N_("Eligible"), "not_eligible": N_("Not eligible"), "review": N_("Needs review"),
    "correct_record": N_("Record to correct"), "draft": N_("Draft"),
    "attorney_reviewed": N_("Reviewed by the attorney"), "filed": N_("Filed"),
}
"""The headings of a report's columns, for the codes its figures keep (a file's columns read
"no_show" and "not_started", and its reader had to guess). The figures themselves keep the codes:
the hub and the desktop compare them."""


def column_name(code: str) -> str:
    """The heading of a figure's code (English: a report file is in English whatever the window's
    language; the window translates it)."""
    return COLUMN_NAMES.get(code, code.replace("_", " "))


def figures(found: C.Facts, period: Period, now: datetime, *, rescreen_days: int = 180) -> dict[str, Any]:
    """`rescreen_days`: the county's interval (a vault's policy setting; the hub uses the default)."""
    result = C.compute(found, period)
    units, table = C.by_unit(found, result)
    tools, bands, screens, screened = C.screenings(found, period)
    months, trend = C.monthly(found, period)
    areas, referrals, goals = C.services(found, period)
    relief = C.record_relief(found, period)
    return {
        "period": {"label": period.label, "first": period.first.isoformat(), "last": period.last.isoformat()},
        "youth": sum(found.population.values()),
        "units": units,
        "counts": {c.id: {"label": c.label, "definition": c.definition, "citation": c.citation,
                          "law_checked": c.checked.isoformat(), "total": len(result[c.id]),
                          "by_unit": table[c.id]} for c in C.COUNTS},
        "screens": {"tools": tools, "bands": [b.value for b in bands], "counts": screens, "youth": screened},
        "duties": {line.info.rule_id: {"citation": line.info.citation,
                                       "law_checked": line.info.law_as_of.isoformat(), "due": line.due,
                                       "on_time": len(line.on_time), "late": len(line.late),
                                       "still_open": len(line.still_open), "overdue": len(line.overdue),
                                       "median_delay_hours": line.median_delay_hours}
                   for line in duties(found, period, now)},
        "trend": {"months": [m.label for m in months], **trend},
        "services": {"areas": areas, "referral_statuses": [s.value for s in ReferralStatus],
                     "median_days_to_first_service": C.days_to_first_service(found, period)[0],
                     "first_services_recorded": C.days_to_first_service(found, period)[1],
                     "goal_statuses": [s.value for s in GoalStatus], "referrals": referrals, "goals": goals},
        "ab12": {key: len(ids) for key, ids in found.ab12.items()},
        "follow_up": {"rescreen_days": rescreen_days,
                      **{k: len(v) for k, v in C.rescreens(found, period, rescreen_days).items()},
                      **{k: len(v) for k, v in C.meetings(found, period).items()}},
        "record_relief": {"counts_by_assessment": relief.counts, "petitions_by_stage": relief.stages,
                          "granted_in_period": len(relief.granted), "denied_in_period": len(relief.denied)},
    }


def plain(table: D.Table) -> list[list[str]]:
    rows = [["", *table.columns, "Total"]]
    for name, row in zip(table.rows, table.counts, strict=True):
        rows.append([name, *map(str, row), str(sum(row))])
    if table.column_totals_mean_something:
        columns = table.column_totals()
        rows.append(["Total", *map(str, columns), str(sum(columns))])
    return rows


def duties_grid(fig: dict[str, Any], *, deidentified: bool) -> list[list[str]]:
    rows = [(REGISTRY.info[rule_id], d["on_time"], d["late"], d["still_open"], d["median_delay_hours"])
            for rule_id, d in fig["duties"].items()]
    return duty_grid(rows, deidentified=deidentified)


def first_service_words(fig: dict[str, Any], *, deidentified: bool) -> str:
    services = fig["services"]
    n, median = services.get("first_services_recorded", 0), services.get("median_days_to_first_service")
    if median is None:
        return "Days from referral to first service: no first service recorded for a referral of the period."
    if deidentified and n < D.SMALL:
        return f"Days from referral to first service: fewer than {D.SMALL} recorded, not shown."
    return f"Days from referral to first service: median {median} over {n} referrals with one recorded."


def services_tables(fig: dict[str, Any]) -> dict[str, D.Table]:
    """Referrals and goals by area of life (rows) and where they stand (columns)."""
    services = fig["services"]
    names = [SERVICE_DOMAINS.get(a, a) for a in services["areas"]]
    areas = services["areas"]
    statuses = [column_name(s) for s in services["referral_statuses"]]
    return {"Referrals made in the period": D.Table(names, statuses,
                                                    [services["referrals"][a] for a in areas]),
            "Plan goals": D.Table(names, [column_name(s) for s in services["goal_statuses"]],
                                  [services["goals"][a] for a in areas])}


AB12_LINES = (
    (N_("Youth by age and extended foster care"), (("aged_16_17", N_("16 or 17")),
                                                   ("aged_18_20_in_efc", N_("18-20, in EFC")),
                                                   ("aged_18_20_not_in_efc", N_("18-20, not in EFC")))),
    (N_("Nonminor dependents by placement"), (("efc_in_thp_nmd", "THP-NMD"), ("efc_in_silp", "SILP"),
                                              ("efc_elsewhere", N_("elsewhere")))),
    (N_("Nonminor dependents by participation condition"), (
        ("condition_1", N_("1 school")), ("condition_2", N_("2 college")),
        ("condition_3", N_("3 program")), ("condition_4", N_("4 work")), ("condition_5", N_("5 medical")),
        ("no_condition", N_("none recorded")))),
    (N_("Six-month certification"), (("certification_overdue", N_("overdue at the end")),)),
    (N_("In the 90 days before 18"), (("turning_18_with_plan", N_("plan recorded")),
                                      ("turning_18_without_plan", N_("no plan recorded")))))
"""Each line of the AB 12 figures: its title and (key in counts.AB12_KEYS, column label). In
English in a report's file; the window says them in its language (marked for translation)."""


def ab12_grid(fig: dict[str, Any], *, deidentified: bool) -> list[list[str]]:
    lines = [(title, {label: fig["ab12"].get(key, 0) for key, label in keys}) for title, keys in AB12_LINES]
    rows = _lines(lines, deidentified)
    if deidentified and _ab12_gives_away(fig["ab12"]):
        # Its lines count the same youth over and over (those in EFC, by placement, by condition,
        # certified or not): a privacy review worked hidden counts out across them (SILP = in EFC
        # minus the others; one current certification = in EFC minus those overdue). Suppressing
        # line by line cannot stop that, so the block is left out whole.
        rows = [row if n % 2 == 0 else [row[0], *(cell if cell in ("0", D.HIDDEN) else D.HIDDEN_TOTAL
                                                   for cell in row[1:])] for n, row in enumerate(rows)]
    return rows


def _ab12_gives_away(ab12: dict[str, Any]) -> bool:
    """Whether the AB 12 lines, shown as they are, would give away a count from 1 to 10: one of
    them is small, or the youth in EFC less those with no condition or those overdue is."""
    values = {key: int(v) for key, v in ab12.items()}
    in_efc = values.get("aged_18_20_in_efc", 0)
    differences = [in_efc - values.get(key, 0) for key in ("no_condition", "certification_overdue")]
    return any(0 < n < D.SMALL for n in [*values.values(), *differences])


FOLLOW_UP_LINES = (
    (N_("Re-screens"), (("rescreened_in_time", N_("in the interval")), ("rescreened_late", N_("later")),
                        ("rescreen_overdue", N_("overdue at the end")))),
    (N_("Team meetings (youth)"), (("meetings_held", N_("held")),
                                   ("meetings_complete", N_("every department present")))))


def follow_up_grid(fig: dict[str, Any], *, deidentified: bool) -> list[list[str]]:
    lines = [(title, {label: fig["follow_up"].get(key, 0) for key, label in keys})
             for title, keys in FOLLOW_UP_LINES]
    return _lines(lines, deidentified)


OVERLAPPING = ("Re-screens", "Team meetings (youth)", "Nonminor dependents by participation condition")
"""Lines whose figures share youth (one may meet several conditions, a complete meeting is also a
meeting held): a total would count people twice, so none is shown."""


def _lines(lines: list[tuple[str, dict[str, int]]], deidentified: bool) -> list[list[str]]:
    """Each line its own one-row table (a header and the row), suppressed on its own; no total
    where the figures overlap (OVERLAPPING; suppression still assumes one, so it errs safe)."""
    rows: list[list[str]] = []
    for title, values in lines:
        line = D.Table([title], list(values), [list(values.values())], column_totals_mean_something=False)
        grid = (D.shown if deidentified else plain)(line)
        rows += [row[:-1] for row in grid] if title in OVERLAPPING else grid
    return rows


def relief_grid(fig: dict[str, Any], *, deidentified: bool) -> list[list[str]]:
    """Two rows of counts: criminal counts by assessment, petitions by stage (each its own line, so
    each is suppressed on its own when de-identified)."""
    relief = fig["record_relief"]
    return _lines([(title, {column_name(k): n for k, n in values.items()}) for title, values in (
        ("Criminal counts by assessment", relief["counts_by_assessment"]),
        ("Petitions by stage", relief["petitions_by_stage"]),
        ("Decisions in the period", {"granted": relief["granted_in_period"],
                                     "denied": relief.get("denied_in_period", 0)}))], deidentified)


def counts_table(fig: dict[str, Any]) -> D.Table:
    # The rows are nested counts ("of those ..."): a youth is in several, so no totals row.
    units = fig["units"]
    ids = [c.id for c in C.COUNTS]
    return D.Table([fig["counts"][c.id]["label"] for c in C.COUNTS], units,
                   [[fig["counts"][c.id]["by_unit"].get(u, 0) for u in units] for c in C.COUNTS],
                   column_totals_mean_something=False,
                   within=tuple((ids.index(part), ids.index(whole)) for part, whole in C.NESTED
                                if part in ids and whole in ids))


def tool_names(tools: list[str], deidentified: bool) -> list[str]:
    """The screening tools as a table names them: in a de-identified export "Tool 1", "Tool 2"...,
    for the name is typed freely on each screen and can hold anything (a privacy review put a
    youth's name and birth date there, and the export printed it)."""
    return [f"Tool {n}" for n in range(1, len(tools) + 1)] if deidentified else list(tools)


def screens_table(fig: dict[str, Any], deidentified: bool = False) -> D.Table:
    screens = fig["screens"]
    return D.Table(tool_names(screens["tools"], deidentified), [column_name(b) for b in screens["bands"]],
                   screens["counts"])


def csv_text(fig: dict[str, Any], *, county: str, prepared_by: str, day: str, scope: str,
             deidentified: bool) -> str:
    """The figures as the report's CSV (the desktop's export and `csec-hub report` alike)."""
    period = fig["period"]
    grid = (D.shown if deidentified else plain)(counts_table(fig))
    screen_grid = (D.shown if deidentified else plain)(screens_table(fig, deidentified))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"CSEC program report, {period['label']} ({period['first']} to {period['last']}), "
                     f"county {county}"])
    writer.writerow([f"Prepared by {prepared_by} on {day}; {scope}; days are California days."])
    if deidentified:
        writer.writerow([D.RULE])
    writer.writerow([])
    writer.writerows(grid)
    writer.writerow([])
    writer.writerow([f"Screens by tool and outcome: {C.SCREENING_DEFINITION} ({C.SCREENING_CITATION})"])
    writer.writerow(["Tool", *screen_grid[0][1:]])
    writer.writerows(screen_grid[1:])
    writer.writerow([])
    writer.writerow(["Duties whose deadline falls in the period, by the rules' own deadlines"])
    writer.writerows(duties_grid(fig, deidentified=deidentified))
    writer.writerow([])
    writer.writerow([f"Services: {C.SERVICES_DEFINITION} ({C.SERVICES_CITATION})"])
    for name, table in services_tables(fig).items():
        grid = (D.shown if deidentified else plain)(table)
        writer.writerows([[name, *grid[0][1:]], *grid[1:]])
    writer.writerow([first_service_words(fig, deidentified=deidentified)])
    writer.writerow([])
    writer.writerow([f"Re-screens: {C.RESCREEN_DEFINITION} Team meetings: {C.MEETINGS_DEFINITION}"])
    writer.writerows(follow_up_grid(fig, deidentified=deidentified))
    writer.writerow([])
    writer.writerow([f"AB 12 extended foster care: {C.AB12_DEFINITION} ({C.AB12_CITATION})"])
    writer.writerows(ab12_grid(fig, deidentified=deidentified))
    writer.writerow([])
    writer.writerow([f"Record relief: {C.RELIEF_DEFINITION} ({C.RELIEF_CITATION})"])
    writer.writerows(relief_grid(fig, deidentified=deidentified))
    writer.writerow([])
    writer.writerow(["Count", "Definition", "Law", "Law checked"])
    for count in C.COUNTS:
        writer.writerow([count.label, count.definition, count.citation, count.checked.isoformat()])
    return buffer.getvalue()

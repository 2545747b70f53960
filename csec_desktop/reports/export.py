"""A program report as a CSV file: the counts by unit, each with its definition and law.

Two forms. The plain one is for the county's own use (counts only, never a name, but small
counts can still point at a youth in a small unit); the de-identified one hides small counts as
`deidentify` says and states the rule in the file, for anyone outside the county. Either is an
export: it needs the export permission and a purpose, and leaves an audit entry.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from csec_desktop.clock import utc_iso
from csec_desktop.domain.people import Permission
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.fileio import atomic_write, check_output_path
from csec_desktop.reports import counts as C
from csec_desktop.reports import deidentify as D
from csec_desktop.reports.periods import Period
from csec_desktop.storage.vault import Vault


def table(vault: Vault, period: Period, found: C.Facts | None = None) -> D.Table:
    found = found or C.facts(vault)
    units, by_unit = C.by_unit(found, C.compute(found, period))
    # The rows are nested counts ("of those ..."): a youth is in several, so no totals row.
    return D.Table([c.label for c in C.COUNTS], units, [[by_unit[c.id][u] for u in units] for c in C.COUNTS],
                   column_totals_mean_something=False)


def screening_table(found: C.Facts, period: Period) -> D.Table:
    tools, bands, counts, _youth = C.screenings(found, period)
    return D.Table(tools, [band.value for band in bands], counts)


def csv_text(vault: Vault, period: Period, *, deidentified: bool) -> str:
    found = C.facts(vault)
    counts = table(vault, period, found)
    grid = D.shown(counts) if deidentified else _plain(counts)
    screens = screening_table(found, period)
    screen_grid = D.shown(screens) if deidentified else _plain(screens)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"CSEC program report, {period.label} ({period.first.isoformat()} to "
                     f"{period.last.isoformat()}), county {vault.county}"])
    writer.writerow([f"Prepared by {vault.user.username} on {utc_iso(vault.wall())[:10]}; youth this "
                     "person may see; days are California days."])
    if deidentified:
        writer.writerow([D.RULE])
    writer.writerow([])
    for row in grid:
        writer.writerow(row)
    writer.writerow([])
    writer.writerow([f"Screens by tool and outcome: {C.SCREENING_DEFINITION} ({C.SCREENING_CITATION})"])
    writer.writerow(["Tool", *screen_grid[0][1:]])
    for row in screen_grid[1:]:
        writer.writerow(row)
    writer.writerow([])
    writer.writerow(["Count", "Definition", "Law", "Law checked"])
    for count in C.COUNTS:
        writer.writerow([count.label, count.definition, count.citation, count.checked.isoformat()])
    return buffer.getvalue()


def _plain(counts: D.Table) -> list[list[str]]:
    rows = [["", *counts.columns, "Total"]]
    for name, row in zip(counts.rows, counts.counts, strict=True):
        rows.append([name, *map(str, row), str(sum(row))])
    if counts.column_totals_mean_something:
        columns = counts.column_totals()
        rows.append(["Total", *map(str, columns), str(sum(columns))])
    return rows


def write(vault: Vault, period: Period, path: Path, purpose: str, *, deidentified: bool,
          overwrite: bool = False) -> None:
    vault.require(Permission.EXPORT)
    if not purpose.strip():
        raise ValidationFailed([FieldProblem("purpose", "say who receives this report and why")], "report")
    check_output_path(path, overwrite=overwrite)
    atomic_write(path, csv_text(vault, period, deidentified=deidentified).encode("utf-8"))
    vault.audit("report_exported", period=period.label, deidentified=deidentified, purpose=purpose.strip(),
                file=path.name)

"""A program report as a file: CSV, XLSX (a sheet per table) or the printed PDF, with the counts
by unit, each with its definition and law, the duties and the screens.

Two forms. The plain one is for the county's own use (counts only, never a name, but small
counts can still point at a youth in a small unit); the de-identified one hides small counts as
`deidentify` says and states the rule in the file, for anyone outside the county. Either is an
export: it needs the export permission and a purpose, and leaves an audit entry.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import xlsxwriter  # type: ignore[import-untyped]

from csec_desktop.clock import utc_iso
from csec_desktop.domain.people import Permission
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.fileio import atomic_write, check_output_path
from csec_desktop.reports import counts as C
from csec_desktop.reports import deidentify as D
from csec_desktop.reports.duties import duties as duty_lines
from csec_desktop.reports.duties import grid as duty_grid
from csec_desktop.reports.periods import Period
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import reports as U

FORMATS = ("csv", "xlsx", "pdf")


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
    writer.writerow(["Duties whose deadline falls in the period, by the rules' own deadlines"])
    now = datetime.fromtimestamp(vault.wall()).astimezone()
    for row in duty_grid(duty_lines(found, period, now), deidentified=deidentified):
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


def xlsx_bytes(vault: Vault, period: Period, *, deidentified: bool) -> bytes:
    """The report as a workbook, made in memory (xlsxwriter's in_memory: no temporary file)."""
    found = C.facts(vault)
    report = U.run(vault, period)
    counts = table(vault, period, found)
    screens = screening_table(found, period)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    book.set_properties({"title": "CSEC program report", "author": "", "comments": ""})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def sheet(name: str, heading: list[str], grid: list[list[str]], widths: list[int]) -> None:
        ws = book.add_worksheet(name)
        for n, line in enumerate(heading):
            ws.write(n, 0, line, bold if n == 0 else None)
        for r, row in enumerate(grid, start=len(heading) + 1):
            for c, cell in enumerate(row):
                if cell.isdigit():
                    ws.write_number(r, c, int(cell), bold if r == len(heading) + 1 else None)
                else:
                    ws.write_string(r, c, cell, bold if r == len(heading) + 1 or c == 0 else wrap)
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)

    about = [f"CSEC program report, {period.label} ({period.first.isoformat()} to "
             f"{period.last.isoformat()}), county {vault.county}",
             f"Prepared by {vault.user.username} on {utc_iso(vault.wall())[:10]}; youth this person may see; "
             "days are California days."] + ([D.RULE] if deidentified else [])
    sheet("Counts", about, D.shown(counts) if deidentified else _plain(counts),
          [44] + [12] * len(counts.columns))
    sheet("Duties", about[:1], duty_grid(report.duties, deidentified=deidentified),
          [60, 28, 12, 8, 8, 8, 12, 10])
    sheet("Screens", [f"{C.SCREENING_DEFINITION} ({C.SCREENING_CITATION})"],
          [["Tool", *(D.shown(screens) if deidentified else _plain(screens))[0][1:]],
           *(D.shown(screens) if deidentified else _plain(screens))[1:]], [36] + [14] * 5)
    definitions = [[c.label, c.definition, c.citation, c.checked.isoformat()] for c in C.COUNTS]
    sheet("Definitions", [], [["Count", "Definition", "Law", "Law checked"], *definitions], [44, 80, 28, 12])
    book.close()
    return buffer.getvalue()


def pdf_bytes(vault: Vault, period: Period, *, deidentified: bool) -> bytes:
    from csec_desktop.documents.program_report import program_report

    report = U.run(vault, period)
    scope = ("every youth this person may see" if vault.user.can(Permission.READ_ALL_YOUTH)
             else f"the caseload of {vault.user.username}")
    return program_report(report, county=vault.county, prepared_by=vault.user.username, scope=scope,
                          deidentified=deidentified)


def write(vault: Vault, period: Period, path: Path, purpose: str, *, deidentified: bool, fmt: str = "csv",
          overwrite: bool = False) -> None:
    vault.require(Permission.EXPORT)
    if fmt not in FORMATS:
        raise ValidationFailed([FieldProblem("format", f"one of {', '.join(FORMATS)}")], "report")
    if not purpose.strip():
        raise ValidationFailed([FieldProblem("purpose", "say who receives this report and why")], "report")
    check_output_path(path, overwrite=overwrite)
    if fmt == "csv":
        data = csv_text(vault, period, deidentified=deidentified).encode("utf-8")
    elif fmt == "xlsx":
        data = xlsx_bytes(vault, period, deidentified=deidentified)
    else:
        data = pdf_bytes(vault, period, deidentified=deidentified)
    atomic_write(path, data)
    vault.audit("report_exported", period=period.label, deidentified=deidentified, format=fmt,
                purpose=purpose.strip(), file=path.name)


__all__ = ["FORMATS", "csv_text", "pdf_bytes", "write", "xlsx_bytes"]

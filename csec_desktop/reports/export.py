"""A program report as a file: CSV, XLSX (a sheet per table) or the printed PDF, with the counts
by unit, each with its definition and law, the duties and the screens.

Two forms. The plain one is for the county's own use (counts only, never a name, but small
counts can still point at a youth in a small unit); the de-identified one hides small counts as
`deidentify` says and states the rule in the file, for anyone outside the county. Either is an
export: it needs the export permission and a purpose, and leaves an audit entry.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from csec_desktop import policy
from csec_desktop.clock import LEGAL_ZONE
from csec_desktop.domain.people import Permission
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.fileio import atomic_write, check_output_path
from csec_desktop.reports import counts as C
from csec_desktop.reports import deidentify as D
from csec_desktop.reports import figures as F
from csec_desktop.reports.periods import Period
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_, W
from csec_desktop.usecases import reports as U

FORMATS = ("csv", "xlsx", "pdf")


def _figures(vault: Vault, period: Period, scope: C.Scope | None) -> dict[str, Any]:
    now = datetime.fromtimestamp(vault.wall()).astimezone()
    period = period.so_far(now.astimezone(LEGAL_ZONE).date())  # (write has: csv_text is also called alone)
    return F.figures(C.facts(vault, scope, period.last), period, now,
                     rescreen_days=policy.get(vault, "rescreen_days"))


def _made_on(vault: Vault) -> str:
    """The day a report is made, a California day as every day in it is (at 22:50 PST the UTC day
    was tomorrow's)."""
    return datetime.fromtimestamp(vault.wall(), LEGAL_ZONE).date().isoformat()


def scope_words(vault: Vault, scope: C.Scope | None) -> str:
    who = ("every youth this person may see" if vault.user.can(Permission.READ_ALL_YOUTH)
           else f"the caseload of {vault.user.username}")
    chosen = scope.words() if scope else ""
    return f"{who}; {chosen}" if chosen else who


def csv_text(vault: Vault, period: Period, *, deidentified: bool, scope: C.Scope | None = None) -> str:
    return F.csv_text(_figures(vault, period, scope), county=vault.county, prepared_by=vault.user.username,
                      day=_made_on(vault), scope=scope_words(vault, scope),
                      deidentified=deidentified)


def xlsx_bytes(vault: Vault, period: Period, *, deidentified: bool, scope: C.Scope | None = None) -> bytes:
    """The report as a workbook, made in memory (xlsxwriter's in_memory: no temporary file)."""
    fig = _figures(vault, period, scope)
    shown = D.shown if deidentified else F.plain
    counts, screens = F.counts_table(fig), F.screens_table(fig, deidentified)
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
             f"Prepared by {vault.user.username} on {_made_on(vault)}; "
             f"{scope_words(vault, scope)}; days are California days."] + ([D.RULE] if deidentified else [])
    sheet("Counts", about, shown(counts), [44] + [12] * len(counts.columns))
    sheet("Duties", about[:1], F.duties_grid(fig, deidentified=deidentified), [60, 28, 12, 8, 8, 8, 12, 10])
    screen_grid = shown(screens)
    sheet("Screens", [f"{C.SCREENING_DEFINITION} ({C.SCREENING_CITATION})"],
          [["Tool", *screen_grid[0][1:]], *screen_grid[1:]], [36] + [14] * 5)
    services = [[f"{C.SERVICES_DEFINITION} ({C.SERVICES_CITATION})"]]
    for name, table_ in F.services_tables(fig).items():
        services += [[], [name], *shown(table_)]
    sheet("Services", [], services, [40] + [12] * 8)
    sheet("Follow-up", [str(C.RESCREEN_DEFINITION), str(C.MEETINGS_DEFINITION)],
          F.follow_up_grid(fig, deidentified=deidentified), [32] + [18] * 4)
    sheet("AB 12", [f"{C.AB12_DEFINITION} ({C.AB12_CITATION})"], F.ab12_grid(fig, deidentified=deidentified),
          [40] + [16] * 4)
    sheet("Record relief", [f"{C.RELIEF_DEFINITION} ({C.RELIEF_CITATION})"],
          F.relief_grid(fig, deidentified=deidentified), [32] + [14] * 5)
    definitions = [[c.label, c.definition, c.citation, c.checked.isoformat()] for c in C.COUNTS]
    sheet("Definitions", [], [["Count", "Definition", "Law", "Law checked"], *definitions], [44, 80, 28, 12])
    book.close()
    return buffer.getvalue()


def pdf_bytes(vault: Vault, period: Period, *, deidentified: bool, scope: C.Scope | None = None) -> bytes:
    from csec_desktop.documents.program_report import program_report

    report = U.run(vault, period, scope)
    return program_report(report, county=vault.county, prepared_by=vault.user.username,
                          scope=scope_words(vault, scope), deidentified=deidentified)


def write(vault: Vault, period: Period, path: Path, purpose: str, *, deidentified: bool, fmt: str = "csv",
          overwrite: bool = False, scope: C.Scope | None = None) -> None:
    vault.require(Permission.EXPORT)
    if fmt not in FORMATS:
        raise ValidationFailed([FieldProblem(
            "format", W("one of {choices}", choices=", ".join(FORMATS)))], "report")
    if not purpose.strip():
        raise ValidationFailed([FieldProblem("purpose", N_("say who receives this report and why"))],
                               "report")
    check_output_path(path, overwrite=overwrite)
    period = period.so_far(datetime.fromtimestamp(vault.wall(), LEGAL_ZONE).date())  # its headings too
    if fmt == "csv":
        data = csv_text(vault, period, deidentified=deidentified, scope=scope).encode("utf-8")
    elif fmt == "xlsx":
        data = xlsx_bytes(vault, period, deidentified=deidentified, scope=scope)
    else:
        data = pdf_bytes(vault, period, deidentified=deidentified, scope=scope)
    atomic_write(path, data)
    vault.audit("report_exported", period=period.label, deidentified=deidentified, format=fmt,
                purpose=purpose.strip(), file=path.name, scope=scope.words() if scope else "")


__all__ = ["FORMATS", "csv_text", "pdf_bytes", "write", "xlsx_bytes"]

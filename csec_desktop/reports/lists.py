"""Identifying lists for one's own work: the caseload or Today as a CSV, with names.

Unlike the program report these name youth, so they are exports like any other: the export
permission, a purpose, an audit entry (how many rows, never who), and only the youth the
caseload's visibility rule lets this person see (a caseworker's own, a supervisor's unit...).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from csec_desktop import caseload
from csec_desktop.caseload import Filters
from csec_desktop.domain.people import Permission
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.fileio import atomic_write, check_output_path
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_, W
from csec_desktop.usecases import today as today_use

LISTS = ("caseload", "today")


def caseload_rows(vault: Vault, filters: Filters | None = None) -> list[list[str]]:
    rows = [["Name", "Legal name", "Date of birth", "Age", "Court status", "Worker", "Unit", "Sealed"]]
    after = None
    while True:
        _total, page, after = caseload.page(vault, limit=500, after=after, filters=filters)
        rows += [[y.name, y.legal_name, y.date_of_birth.isoformat(), str(y.age()), y.status.value,
                  y.assigned_worker or "", y.unit or "", "yes" if y.sealed else ""] for y in page]
        if after is None or not page:
            return rows


def today_rows(vault: Vault, now: datetime) -> list[list[str]]:
    rows = [["Youth", "What", "Due", "Law", "Law checked", "Worker"]]
    for item in today_use.whole(vault, now):
        due = item.finding.due.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M") if item.finding.due else ""
        rows.append([item.youth_name, item.finding.title, due, item.finding.citation,
                     item.finding.law_as_of.isoformat(), item.worker or ""])
    return rows


def write(vault: Vault, which: str, path: Path, purpose: str, *, overwrite: bool = False,
          now: datetime | None = None) -> int:
    """Write the list; returns how many rows (youth or duties) it holds."""
    vault.require(Permission.EXPORT)
    if which not in LISTS:
        raise ValidationFailed([FieldProblem(
            "list", W("one of {choices}", choices=", ".join(LISTS)))], "export")
    if not purpose.strip():
        raise ValidationFailed([FieldProblem("purpose", N_("say who receives this list and why"))], "export")
    check_output_path(path, overwrite=overwrite)
    moment = now or datetime.now(LEGAL_ZONE)
    rows = caseload_rows(vault) if which == "caseload" else today_rows(vault, moment)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"{'Caseload' if which == 'caseload' else 'Today'} of {vault.user.username}, "
                     f"{vault.county}, {moment.astimezone(LEGAL_ZONE).strftime('%Y-%m-%d %H:%M')} "
                     "(names youth: keep it as the case file is kept)"])
    writer.writerows(rows)
    atomic_write(path, buffer.getvalue().encode("utf-8"))
    vault.audit("list_exported", list=which, rows=len(rows) - 1, purpose=purpose.strip(), file=path.name)
    return len(rows) - 1

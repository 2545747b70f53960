"""The resource directory as the signed-in person may use it: search for everyone, changes
and CSV imports for roles that manage it. An import is previewed first, row by row, and only
the rows without problems are written, in one transaction."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from csec_desktop.domain.directory import DirectoryEntry
from csec_desktop.domain.people import Permission
from csec_desktop.domain.services import SERVICE_DOMAINS
from csec_desktop.errors import FieldProblem, NotFound, ValidationFailed
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_, W, folded

KIND = DirectoryEntry.kind
LIST_SEPARATOR = ";"
COLUMNS = ("name", "entry_kind", "domains", "services", "ages", "languages", "phone", "email", "address",
           "hours", "intake_notes", "last_verified")
"""The CSV columns, in the order a blank template lists them; only name and services are required."""
MAX_IMPORT_BYTES = 2_000_000
AGES = re.compile(r"([0-9]{1,3})\s*-\s*([0-9]{1,3})", re.ASCII)


def entries(vault: Vault) -> list[StoredRecord]:
    vault.require(Permission.READ_YOUTH)
    rows = vault.require_db().query(
        "SELECT id FROM records WHERE kind = ? AND deleted = 0 ORDER BY rowid", (KIND,))
    return sorted((vault.records.get(r[0]) for r in rows), key=lambda r: folded(_body(r).name))


def _body(record: StoredRecord) -> DirectoryEntry:
    assert isinstance(record.body, DirectoryEntry)
    return record.body


def search(records: list[StoredRecord], text: str = "", *, domain: str | None = None,
           age: int | None = None, language: str = "") -> list[StoredRecord]:
    """Entries matching every filter given; text looks in name, services, notes and address."""
    words = text.casefold().split()
    out = []
    for record in records:
        entry = _body(record)
        haystack = " ".join(filter(None, (entry.name, entry.services, entry.intake_notes, entry.address,
                                          " ".join(entry.languages)))).casefold()
        if words and not all(w in haystack for w in words):
            continue
        if domain and domain not in entry.domains:
            continue
        if age is not None and not entry.serves_age(age):
            continue
        if not entry.serves_language(language):
            continue
        out.append(record)
    return out


def add(vault: Vault, data: dict[str, Any]) -> StoredRecord:
    vault.require(Permission.MANAGE_DIRECTORY)
    body = DirectoryEntry.parse(data, record="directory entry")
    with vault.require_db().transaction():
        record = vault.records.create(body)
        vault.audit("create", record_id=record.id, kind=KIND)
    return record


def update(vault: Vault, record_id: str, changes: dict[str, Any]) -> StoredRecord:
    vault.require(Permission.MANAGE_DIRECTORY)
    current = vault.records.get(record_id)
    if current.kind != KIND:
        raise NotFound(f"No directory entry with id {record_id}.")
    with vault.require_db().transaction():
        record = vault.records.update(record_id, changes)
        vault.audit("update", record_id=record_id, kind=KIND, fields=current.changed_in(record))
    return record


def remove(vault: Vault, record_id: str) -> StoredRecord:
    vault.require(Permission.MANAGE_DIRECTORY)
    if vault.records.get(record_id).kind != KIND:
        raise NotFound(f"No directory entry with id {record_id}.")
    with vault.require_db().transaction():
        record = vault.records.delete(record_id)
        vault.audit("delete", record_id=record_id, kind=KIND)
    return record


# CSV import ------------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    """The line of the file (the header is line 1), so a person can find it in a spreadsheet."""
    data: dict[str, Any]
    problems: list[FieldProblem] = field(default_factory=list)
    replaces: str | None = None
    """The id of the entry with the same name that this row updates."""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    header_problems: list[FieldProblem] = field(default_factory=list)

    @property
    def good(self) -> list[ImportRow]:
        return [] if self.header_problems else [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]


def template() -> str:
    """A CSV with the header and one fictional example row, for people to fill in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["Fictional Youth Advocates", "provider", "safety;mental_health",
                     "Survivor mentoring and 24-hour advocacy", "12-24", "English;Spanish", "(555) 010-0100",
                     "intake@example.org", "1 Example Way, Demo City", "Mon-Fri 9-5",
                     "Call first; walk-ins Tuesdays", date(2026, 1, 15).isoformat()])
    return out.getvalue()


def _domain_ids(text: str) -> list[str]:
    """Domain ids, accepting the English labels too (people type what they see)."""
    by_label = {label.casefold(): key for key, label in SERVICE_DOMAINS.items()}
    out = []
    for part in filter(None, (p.strip() for p in text.split(LIST_SEPARATOR))):
        out.append(by_label.get(part.casefold(), part.lower().replace(" ", "_")))
    return out


def _row_data(row: dict[str, str]) -> tuple[dict[str, Any], list[FieldProblem]]:
    data: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for column in COLUMNS:
        value = (row.get(column) or "").strip()
        if not value:
            continue
        if column == "domains":
            data["domains"] = _domain_ids(value)
        elif column == "languages":
            data["languages"] = [p.strip() for p in value.split(LIST_SEPARATOR) if p.strip()]
        elif column == "ages":
            # ASCII digits only: str.isdigit also says yes to "²" and to a 5,000-digit number,
            # which int() then refuses with an error of its own.
            ages = AGES.fullmatch(value)
            if ages is None:
                problems.append(FieldProblem("ages", N_("is not a range of ages such as 12-24")))
            else:
                data["age_from"], data["age_to"] = int(ages[1]), int(ages[2])
        elif column == "entry_kind":
            data["entry_kind"] = value.lower()
        else:
            data[column] = value
    return data, problems


def preview(vault: Vault, content: bytes) -> ImportPreview:
    """Check a CSV file without writing anything: every row with its problems, by column."""
    vault.require(Permission.MANAGE_DIRECTORY)
    if len(content) > MAX_IMPORT_BYTES:
        return ImportPreview([], [FieldProblem("file", W("is larger than {mb} MB; split it",
                                                         mb=MAX_IMPORT_BYTES // 1_000_000))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")  # Excel on Windows saves "CSV" in the local code page
        except UnicodeDecodeError:
            return ImportPreview([], [FieldProblem("file", N_("is not text; save it as CSV (UTF-8)"))])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:  # reading the header reads the first line, which can be as unreadable as any other
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        unread = W("cannot be read as CSV: {reason}", reason=str(exc))
        return ImportPreview([], [FieldProblem("file", unread)])
    reader.fieldnames = header
    header_problems = [FieldProblem(h or "(blank column)", W("is not a column of the directory; columns are "
                                                             "{columns}", columns=", ".join(COLUMNS)))
                       for h in header if h not in COLUMNS]
    header_problems += [FieldProblem(c, N_("column is missing"))
                        for c in ("name", "services") if c not in header]
    existing = {_body(r).name.casefold(): r.id for r in entries(vault)}
    seen: dict[str, int] = {}
    rows: list[ImportRow] = []
    try:
        for number, raw in enumerate(reader, start=2):
            if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
                continue  # blank line
            data, problems = _row_data(raw)
            if raw.get(None):
                problems.append(FieldProblem("(row)", N_("has more cells than the header has columns")))
            if not problems:
                # The checks of the write itself (hidden characters, bounds, the model), so a row
                # shown as good is one that apply() writes.
                try:
                    DirectoryEntry.parse(data)
                except ValidationFailed as exc:
                    problems.extend(exc.problems)
            key = str(data.get("name", "")).casefold()
            if key and key in seen:
                problems.append(FieldProblem("name", W("appears again (first on line {line})",
                                                       line=seen[key])))
            seen.setdefault(key, number)
            rows.append(ImportRow(number, data, problems, existing.get(key)))
    except csv.Error as exc:
        header_problems.append(FieldProblem("file", W("cannot be read as CSV: {reason}", reason=str(exc))))
    return ImportPreview(rows, header_problems)


def apply(vault: Vault, previewed: ImportPreview) -> tuple[int, int]:
    """Write the good rows of a preview in one transaction: (added, updated)."""
    vault.require(Permission.MANAGE_DIRECTORY)
    if previewed.header_problems:
        raise ValidationFailed(previewed.header_problems, record="directory import")
    added = updated = 0
    with vault.require_db().transaction():
        for row in previewed.good:
            if row.replaces:
                current = _body(vault.records.get(row.replaces)).dump()
                vault.records.update(row.replaces, {k: v for k, v in row.data.items() if current.get(k) != v})
                updated += 1
            else:
                vault.records.create(DirectoryEntry.parse(row.data, record=f"line {row.line}"))
                added += 1
        vault.audit("directory_import", added=added, updated=updated, refused=len(previewed.bad))
    return added, updated

"""A youth and everything attached, as JSON: export (audited) and all-or-nothing import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from csec_desktop import __version__
from csec_desktop.caseload import GUARDED_FIELDS, can_see, get_youth, narrative_view
from csec_desktop.clock import utc_iso
from csec_desktop.domain.base import stated_purpose
from csec_desktop.domain.kinds import KINDS, model_for
from csec_desktop.domain.people import Permission
from csec_desktop.domain.vacatur import RESTRICTED_FIELDS
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import FieldProblem, PermissionDenied, ValidationFailed
from csec_desktop.ids import is_id
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_, W

FORMAT = "csec-youth-export/1"
MAX_FILE_BYTES = 50_000_000
"""Far above a youth with every record the app keeps (an export of the busiest demo youth is under
100 kB); a file larger than this is not an export."""


def read_json(path: Path) -> Any:
    """The JSON in a file given to `csec import` or `csec youth add`, or ValidationFailed saying
    what is wrong with the file (unreadable, too large, not UTF-8, not JSON, nested too deeply, a
    name given twice in one object)."""
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        unread = W("cannot be read ({reason})", reason=exc.strerror or str(exc))
        raise ValidationFailed([FieldProblem("file", unread)], record=str(path)) from None
    return parse_json(content, str(path))


def parse_json(content: bytes, name: str = "file") -> Any:
    def problem(message: str) -> ValidationFailed:
        return ValidationFailed([FieldProblem("file", message)], record=name)

    if len(content) > MAX_FILE_BYTES:
        raise problem(f"is larger than {MAX_FILE_BYTES // 1_000_000} MB, more than any export")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise problem(f"is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8 JSON") from None
    try:
        return json.loads(text, object_pairs_hook=_no_repeats)
    except _Repeated as exc:
        raise problem(f"gives {exc.args[0]!r} twice in one object; keep one") from None
    except RecursionError:  # the decoder recurses once per level: [[[[... a hundred thousand deep
        raise problem("is nested too deeply to be an export") from None
    except json.JSONDecodeError as exc:
        raise problem(f"is not JSON ({exc.msg}, line {exc.lineno} column {exc.colno})") from None
    except ValueError as exc:  # a number of more than 4,300 digits
        raise problem(f"is not JSON that can be read ({exc})") from None


class _Repeated(ValueError):
    pass


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object with a name given twice is ambiguous (JSON readers keep one or the other)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Repeated(key[:60])
        out[key] = value
    return out


def export_youth(vault: Vault, youth_id: str, purpose: str) -> dict[str, Any]:
    vault.require(Permission.EXPORT)
    purpose = stated_purpose(purpose, "record")
    youth = get_youth(vault, youth_id, audit=False)
    # The youth's account blanked for a role that may not read it, a case counsel shared with this
    # person included: shared to be read here, not to leave the vault.
    items = [narrative_view(vault, r, shared=False) for r in vault.records.attached(youth_id)
             if r.id != youth_id]
    vault.audit("export", record_id=youth_id, purpose=purpose.strip(), records=1 + len(items))
    return {
        "format": FORMAT,
        "app_version": __version__,
        "exported_at": utc_iso(vault.wall()),
        "youth": {"id": youth.id, "kind": "youth", "body": youth.body.dump()},
        "attached": [{"id": r.id, "kind": r.kind, "body": r.body.dump()} for r in items],
    }


MAX_ATTACHED = 20_000
MAX_PROBLEMS = 50
"""Records attached to one youth in one import (notes, contacts, forms...): years of work."""


def import_youth(vault: Vault, data: Any) -> str:
    """Validate everything first, then write everything in one transaction, or nothing."""
    vault.require(Permission.IMPORT)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationFailed([FieldProblem(
            "format", W("expected {format}", format=repr(FORMAT)))], record="file")
    attached = data.get("attached") or []
    if not isinstance(attached, list):
        raise ValidationFailed([FieldProblem("attached", N_("is not a list of records"))], record="import")
    if len(attached) > MAX_ATTACHED:
        raise ValidationFailed([FieldProblem("attached", W(
            "holds {count} records; at most {most} in one import", count=f"{len(attached):,}",
            most=f"{MAX_ATTACHED:,}"))], record="import")
    entries = [data.get("youth"), *attached]
    parsed: list[tuple[str, Any]] = []
    problems: list[FieldProblem] = []
    youth_id = ""
    first_of: dict[str, str] = {}
    for index, entry in enumerate(entries):
        label = "youth" if index == 0 else f"attached[{index - 1}]"
        if not isinstance(entry, dict):
            problems.append(FieldProblem(label, N_("is not an object")))
            continue
        rid, kind = entry.get("id"), entry.get("kind")
        if not isinstance(rid, str) or not is_id(rid):
            problems.append(FieldProblem(f"{label}.id", N_("is not a UUIDv7 record id")))
            continue
        if rid in first_of:  # two records under one id: the second would overwrite or collide
            problems.append(FieldProblem(f"{label}.id", W(
                "is the id of {other} too; every record needs its own", other=first_of[rid])))
            continue
        first_of[rid] = label
        if not isinstance(kind, str):
            problems.append(FieldProblem(f"{label}.kind", N_("is not the name of a kind of record")))
            continue
        if index == 0:
            youth_id = rid
            if kind != "youth":
                problems.append(FieldProblem(f"{label}.kind", N_("must be 'youth'")))
                continue
        elif kind not in KINDS or kind == "youth":
            problems.append(FieldProblem(f"{label}.kind", W("unknown kind {kind}", kind=repr(kind[:40]))))
            continue
        body = entry.get("body")
        if index > 0 and isinstance(body, dict) and body.get("youth_id") != youth_id:
            problems.append(FieldProblem(f"{label}.body.youth_id", N_("does not name the youth")))
            continue
        if isinstance(body, dict):
            # As for a record typed in: the youth's account only from a role that may read it,
            # and guarded steps (a petition's stage) from the beginning, never "reviewed" or "filed".
            written = [f for f in RESTRICTED_FIELDS.get(kind, ()) if body.get(f)]
            if written and not vault.user.can(Permission.READ_NARRATIVE):
                problems.extend(FieldProblem(f"{label}.body.{f}",
                                             N_("is the youth's account, which your role may not write"))
                                for f in written)
                continue
            guarded = set() if kind == "referral" else GUARDED_FIELDS.get(kind, set())
            body = {k: v for k, v in body.items() if k not in guarded}
        try:
            parsed.append((rid, model_for(kind).parse(body, record=f"{label} {rid}")))
        except ValidationFailed as exc:
            problems.extend(FieldProblem(f"{label}.{p.field}", p.message) for p in exc.problems)
    if problems:
        if len(problems) > MAX_PROBLEMS:  # the first ones say what is wrong; a million would bury them
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], FieldProblem(
                "import", W("and {more} more problems", more=f"{more:,}"))]
        raise ValidationFailed(problems, record="import")
    youth = parsed[0][1]
    assert isinstance(youth, Youth)
    if not can_see(vault.user, youth):
        raise PermissionDenied(W("This youth would not be in your caseload; ask a supervisor."))
    db = vault.require_db()
    with db.transaction():
        for rid, _ in parsed:
            if db.one("SELECT 1 FROM records WHERE id = ?", (rid,)):
                raise ValidationFailed([FieldProblem("id", N_("already exists in this vault"))],
                                       record=f"record {rid}")
        for rid, body in parsed:
            vault.records.create(body, record_id=rid)
        vault.audit("import", record_id=youth_id, records=len(parsed))
    return youth_id

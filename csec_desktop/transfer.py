"""A youth and everything attached, as JSON: export (audited) and all-or-nothing import."""

from __future__ import annotations

from typing import Any

from csec_desktop import __version__
from csec_desktop.caseload import GUARDED_FIELDS, can_see, get_youth, narrative_view
from csec_desktop.clock import utc_iso
from csec_desktop.domain.kinds import KINDS, model_for
from csec_desktop.domain.people import Permission
from csec_desktop.domain.vacatur import RESTRICTED_FIELDS
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import FieldProblem, PermissionDenied, ValidationFailed
from csec_desktop.ids import is_id
from csec_desktop.storage.vault import Vault

FORMAT = "csec-youth-export/1"


def export_youth(vault: Vault, youth_id: str, purpose: str) -> dict[str, Any]:
    vault.require(Permission.EXPORT)
    if not purpose.strip():
        raise ValidationFailed([FieldProblem("purpose", "say why this record leaves the vault")])
    youth = get_youth(vault, youth_id, audit=False)
    # As the screen shows them: the youth's account blanked for a role that may not read it.
    items = [narrative_view(vault, r) for r in vault.records.attached(youth_id) if r.id != youth_id]
    vault.audit("export", record_id=youth_id, purpose=purpose.strip(), records=1 + len(items))
    return {
        "format": FORMAT,
        "app_version": __version__,
        "exported_at": utc_iso(vault.wall()),
        "youth": {"id": youth.id, "kind": "youth", "body": youth.body.dump()},
        "attached": [{"id": r.id, "kind": r.kind, "body": r.body.dump()} for r in items],
    }


def import_youth(vault: Vault, data: Any) -> str:
    """Validate everything first, then write everything in one transaction, or nothing."""
    vault.require(Permission.IMPORT)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationFailed([FieldProblem("format", f"expected {FORMAT!r}")], record="file")
    entries = [data.get("youth"), *(data.get("attached") or [])]
    parsed: list[tuple[str, Any]] = []
    problems: list[FieldProblem] = []
    youth_id = ""
    for index, entry in enumerate(entries):
        label = "youth" if index == 0 else f"attached[{index - 1}]"
        if not isinstance(entry, dict):
            problems.append(FieldProblem(label, "is not an object"))
            continue
        rid, kind = entry.get("id"), entry.get("kind")
        if not isinstance(rid, str) or not is_id(rid):
            problems.append(FieldProblem(f"{label}.id", "is not a UUIDv7 record id"))
            continue
        if index == 0:
            youth_id = rid
            if kind != "youth":
                problems.append(FieldProblem(f"{label}.kind", "must be 'youth'"))
                continue
        elif kind not in KINDS or kind == "youth":
            problems.append(FieldProblem(f"{label}.kind", f"unknown kind {kind!r}"))
            continue
        body = entry.get("body")
        if index > 0 and isinstance(body, dict) and body.get("youth_id") != youth_id:
            problems.append(FieldProblem(f"{label}.body.youth_id", "does not name the youth"))
            continue
        if isinstance(body, dict):
            # As for a record typed in: the youth's account only from a role that may read it,
            # and guarded steps (a petition's stage) from the beginning, never "reviewed" or "filed".
            written = [f for f in RESTRICTED_FIELDS.get(str(kind), ()) if body.get(f)]
            if written and not vault.user.can(Permission.READ_NARRATIVE):
                problems.extend(FieldProblem(f"{label}.body.{f}",
                                             "is the youth's account, which your role may not write")
                                for f in written)
                continue
            guarded = set() if kind == "referral" else GUARDED_FIELDS.get(str(kind), set())
            body = {k: v for k, v in body.items() if k not in guarded}
        try:
            parsed.append((rid, model_for(str(kind)).parse(body, record=f"{label} {rid}")))
        except ValidationFailed as exc:
            problems.extend(FieldProblem(f"{label}.{p.field}", p.message) for p in exc.problems)
    if problems:
        raise ValidationFailed(problems, record="import")
    youth = parsed[0][1]
    assert isinstance(youth, Youth)
    if not can_see(vault.user, youth):
        raise PermissionDenied("This youth would not be in your caseload; ask a supervisor.")
    db = vault.require_db()
    with db.transaction():
        for rid, _ in parsed:
            if db.one("SELECT 1 FROM records WHERE id = ?", (rid,)):
                raise ValidationFailed([FieldProblem("id", "already exists in this vault")],
                                       record=f"record {rid}")
        for rid, body in parsed:
            vault.records.create(body, record_id=rid)
        vault.audit("import", record_id=youth_id, records=len(parsed))
    return youth_id

"""What a person typed that the hub will not take, kept instead of deleted.

When a youth leaves this device's caseload at the hub (moved to another worker or unit, sealed,
access revoked), the device must stop holding the youth's record. Changes typed here that the hub
has not taken (still waiting, or refused because of that very move) and unsaved drafts are not
deleted with it: each is kept in `undelivered`, sealed to its author's own key, with the reason.
Only the author can open the list; they can export it for their supervisor (audited) so the work
reaches whoever now holds the youth, then let it go.

Sealing to the author keeps the rule that a device no longer shows a youth it may not see: no
colleague on the device, and no one holding the data key, reads it; the author reads only what
they typed themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csec_desktop.clock import utc_iso
from csec_desktop.errors import CsecError, FieldProblem, NotFound, ValidationFailed
from csec_desktop.fileio import atomic_write, check_output_path
from csec_desktop.storage import keys as K
from csec_desktop.storage.database import Database
from csec_desktop.storage.history import fields_of
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_

LEFT_CASELOAD = "the youth left this device's caseload at the hub (moved, sealed or access changed)"


@dataclass(frozen=True)
class Undelivered:
    id: int
    youth_id: str
    youth_name: str
    record_id: str | None
    kind: str
    op: str
    fields: dict[str, Any]
    reason: str
    typed_at: str
    kept_at: str


def keep_before_forgetting(vault: Vault, youth_id: str) -> int:
    """Inside the pull's transaction, before the youth's records go: keep every change not taken by
    the hub and every draft about this youth, sealed to its author. Returns how many were kept."""
    db = vault.require_db()
    ids = [r[0] for r in db.query("SELECT id FROM records WHERE id = ? OR owner_id = ?",
                                  (youth_id, youth_id))]
    if not ids:
        return 0
    name = _youth_name(vault, db, youth_id)
    now = utc_iso(vault.wall())
    kept = 0
    marks = ",".join("?" * len(ids))
    for op_id, record_id, kind, op, fields, hlc, user, at, pushed, detail in db.query(
            "SELECT op_id, record_id, kind, op, fields, hlc, user, at, pushed, sync_detail "
            f"FROM changes_full WHERE record_id IN ({marks}) AND pushed != 1 ORDER BY seq", ids):
        public = _public(db, user)
        if public is None:
            continue  # not typed on this vault by a person it knows (cannot be sealed to them)
        reason = (f"refused by the hub ({detail}); then {LEFT_CASELOAD}" if pushed in (2, 3) and detail
                  else LEFT_CASELOAD)
        payload = {"op_id": op_id, "op": op, "fields": fields_of(fields), "hlc": hlc, "youth_name": name}
        _insert(db, vault, user, public, youth_id, record_id, kind, reason, at, now, payload)
        kept += 1
    for user, key, body, saved_at in db.query("SELECT user, key, body, saved_at FROM drafts WHERE key LIKE ?",
                                              (f"%{youth_id}%",)):
        public = _public(db, user)
        if public is None:
            continue
        payload = {"draft_key": key, "draft": body, "youth_name": name, "op": "draft", "fields": {}}
        # SQLite's datetime('now') is UTC without a zone; said so, it is shown on California's clock.
        typed = str(saved_at).replace(" ", "T") + ("" if "+" in str(saved_at) else "+00:00")
        _insert(db, vault, user, public, youth_id, None, "draft", "an unsaved draft; " + LEFT_CASELOAD,
                typed, now, payload)
        kept += 1
    if kept:
        vault.audit("undelivered_kept", record_id=youth_id, changes=kept)
    return kept


def _youth_name(vault: Vault, db: Database, youth_id: str) -> str:
    row = db.one("SELECT body FROM records WHERE id = ? AND kind = 'youth'", (youth_id,))
    if row is None:
        return ""
    legal = vault.records.decode(youth_id, row[0]).get("legal_name") or {}
    return " ".join(str(legal.get(part) or "") for part in ("given", "family")).strip()


def _public(db: Database, user: str) -> bytes | None:
    value = db.scalar("SELECT public_key FROM users WHERE username = ?", (user,))
    return K.unb64(str(value)) if value else None


def _insert(db: Database, vault: Vault, author: str, public: bytes, youth_id: str, record_id: str | None,
            kind: str, reason: str, typed_at: str, kept_at: str, payload: dict[str, Any]) -> None:
    sealed = K.seal_dek(json.dumps(payload, ensure_ascii=False).encode(), public, vault.vault_id, author, 0,
                        "undelivered")
    db.execute("INSERT INTO undelivered (author, youth_id, record_id, kind, reason, typed_at, kept_at, "
               "sealed) VALUES (?,?,?,?,?,?,?,?)",
               (author, youth_id, record_id, kind, reason, typed_at, kept_at, json.dumps(sealed)))


def count(vault: Vault) -> int:
    """How many of this person's own changes wait here (the status bar's figure)."""
    return int(vault.require_db().scalar("SELECT count(*) FROM undelivered WHERE author = ?",
                                         (vault.user.username,)))


def mine(vault: Vault) -> list[Undelivered]:
    """This person's kept changes, opened (no one else's: they are sealed to their authors)."""
    found = []
    for row_id, youth_id, record_id, kind, reason, typed_at, kept_at, sealed in vault.require_db().query(
            "SELECT id, youth_id, record_id, kind, reason, typed_at, kept_at, sealed FROM undelivered "
            "WHERE author = ? ORDER BY id", (vault.user.username,)):
        payload = json.loads(vault.open_sealed_to_self(json.loads(sealed), "undelivered"))
        found.append(Undelivered(row_id, youth_id, str(payload.get("youth_name") or ""), record_id, kind,
                                 str(payload.get("op") or ""), _readable(payload), reason, typed_at, kept_at))
    return found


def _readable(payload: dict[str, Any]) -> dict[str, Any]:
    if payload.get("op") == "draft":
        return {"draft": payload.get("draft")}
    return {name: change.get("new") for name, change in (payload.get("fields") or {}).items()}


def export(vault: Vault, path: Path, purpose: str, *, overwrite: bool = False) -> int:
    """Write this person's kept changes to a file for their supervisor (audited). Returns how many."""
    if not purpose.strip():
        raise ValidationFailed([FieldProblem("purpose", N_("say who receives this and why"))],
                               record="export")
    check_output_path(path, overwrite=overwrite)
    items = mine(vault)
    if not items:
        raise CsecError("You have no undelivered changes to export.")
    data = {"format": "csec-undelivered/1", "exported_by": vault.user.username,
            "exported_at": utc_iso(vault.wall()), "purpose": purpose.strip(), "county": vault.county,
            "items": [{"youth_id": i.youth_id, "youth_name": i.youth_name, "record_id": i.record_id,
                       "kind": i.kind, "op": i.op, "values": i.fields, "reason": i.reason,
                       "typed_at": i.typed_at} for i in items]}
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2, default=str).encode())
    vault.audit("undelivered_exported", items=len(items), purpose=purpose.strip(), file=path.name)
    return len(items)


def let_go(vault: Vault, item_id: int) -> None:
    """Drop one of this person's kept changes (after it reached whoever holds the youth now)."""
    db = vault.require_db()
    if db.execute("DELETE FROM undelivered WHERE id = ? AND author = ?", (item_id, vault.user.username)) != 1:
        raise NotFound(f"No undelivered change {item_id} of yours.")
    vault.audit("undelivered_let_go", item=item_id)

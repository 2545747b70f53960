"""Changes the hub refused: what they were, who typed them, and the hub's reason.

A refused change stays in this vault (the record keeps it here) but never reaches the county:
a caseworker's device sending the directory entries a local administrator made, a change to a
youth outside the caseload the hub gives this device. The status bar counted them with no way
to see which they were or why. Here they are listed for anyone signed in on the device, by
record kind and field names only (no values: a colleague's refused note is not shown to the
next person), with the youth's name where this person may read the youth. Once read they can
be set aside, so the count shows only refusals nobody has looked at yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from csec_desktop.domain.youth import Youth
from csec_desktop.errors import CsecError
from csec_desktop.storage.history import SAME_AS_BODY, fields_of
from csec_desktop.storage.vault import Vault

REFUSED = 2
SEEN = 3
"""`changes.pushed`: 0 waiting, 1 taken by the hub, 2 refused, 3 refused and set aside."""


@dataclass(frozen=True)
class Refused:
    op_id: str
    kind: str
    op: str  # create, update, delete
    youth_id: str | None
    youth_name: str  # empty when there is none or this person may not read the youth
    title: str  # county data: what the record is called (a directory entry's name); else empty
    fields: tuple[str, ...]  # the names of the fields the change set
    user: str  # who typed it, on this device
    at: str  # when (UTC, ISO)
    reason: str  # the hub's words


def listed(vault: Vault) -> list[Refused]:
    """Every refusal not yet set aside, oldest first."""
    db = vault.require_db()
    names: dict[str, str] = {}
    out: list[Refused] = []
    for op_id, record_id, kind, owner, op, fields, user, at, detail in db.query(
            "SELECT op_id, record_id, kind, owner_id, op, fields, user, at, sync_detail FROM changes "
            "WHERE pushed = ? ORDER BY seq", (REFUSED,)):
        # A county-wide record (the directory) is its own owner.
        youth_id = str(record_id) if kind == "youth" else str(owner) if owner and owner != record_id else None
        if youth_id and youth_id not in names:
            names[youth_id] = _name(vault, youth_id)
        if fields == SAME_AS_BODY:  # a create kept as the record's body (storage/history.py)
            row = db.one("SELECT body FROM records WHERE id = ?", (record_id,))
            fields = "[" + (str(row[0]) if row else "{}") + "]"
        reason = _reason(str(detail or ""))
        if op != "create":
            # A change to a record whose creation the hub refused is refused as "unknown record",
            # which says nothing of why (the record was not the pusher's to make).
            first = never_reached(vault, str(record_id))
            if first:
                reason = f"the record never reached the hub: its creation was refused ({first})"
        out.append(Refused(str(op_id), str(kind), str(op), youth_id, names.get(youth_id or "", ""),
                           "" if youth_id else _title(vault, str(record_id)), _named(fields), str(user),
                           str(at), reason))
    return out


def never_reached(vault: Vault, record_id: str) -> str:
    """The hub's reason for refusing this record's creation, if it did: the record is on this
    computer only (it looked like any other, and Today listed its duties)."""
    row = vault.require_db().one("SELECT sync_detail FROM changes WHERE record_id = ? AND op = 'create' "
                                 "AND pushed IN (?, ?)", (record_id, REFUSED, SEEN))
    return _reason(str(row[0] or "")) if row is not None else ""


def _title(vault: Vault, record_id: str) -> str:
    """County data's name (a directory entry's): not about a youth, so shown to anyone here."""
    row = vault.require_db().one("SELECT body FROM records WHERE id = ?", (record_id,))
    if row is None:
        return ""
    try:
        body = json.loads(row[0])
    except ValueError:
        return ""
    name = body.get("name") if isinstance(body, dict) else None
    return name if isinstance(name, str) else ""


def _named(fields: str) -> tuple[str, ...]:
    """The fields the change gave a value (a create lists every field of its kind, most empty)."""
    if not fields:
        return ()
    return tuple(name for name, change in fields_of(fields).items()
                 if change.get("new") not in (None, "", [], {}, False))


def _reason(detail: str) -> str:
    # Kept as "refused: <the hub's words>" (local.record_push).
    return detail.removeprefix("refused:").strip() or "no reason given"


def _name(vault: Vault, youth_id: str) -> str:
    try:
        youth = vault.records.get(youth_id, include_deleted=True).body
    except CsecError:  # not held here, or not this person's to read
        return ""
    return youth.display_name() if isinstance(youth, Youth) else ""


def set_aside(vault: Vault, op_ids: list[str]) -> int:
    """Stop counting these refusals (they stay in the record's history, as refused). Returns how
    many were set aside."""
    db = vault.require_db()
    done = 0
    with db.transaction():
        for op_id in op_ids:
            done += db.execute("UPDATE changes SET pushed = ? WHERE op_id = ? AND pushed = ?",
                               (SEEN, op_id, REFUSED))
    if done:
        vault.audit("sync_refusals_set_aside", changes=done)
    return done

"""What `csec audit verify` reports beside the audit trail: the county settings against the signed
list, and every record against its signed history (a body, a history row or a stamp edited outside
the app shows)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from csec_desktop.storage import county_settings as S
from csec_desktop.storage import keys as K
from csec_desktop.storage import roster as R
from csec_desktop.storage.audit import Verification
from csec_desktop.storage.database import Database


@dataclass(frozen=True)
class IntegrityReport:
    """What `csec audit verify` checks: the database's pages and structure (full), the list of
    people against its signature, the audit trail (chain, signatures, the entry this person saw),
    and every record against its signed history."""

    database: list[str]
    roster: list[str]
    audit: Verification
    records: list[str]
    unsigned_changes: int
    settings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.database or self.roster or self.settings or self.records) and self.audit.ok

    def __str__(self) -> str:
        lines = [str(self.audit)]
        lines.append("database: " + ("intact (full integrity check)" if not self.database
                                     else "DAMAGED: " + "; ".join(self.database[:5])))
        lines.append("people: " + ("as an administrator signed them" if not self.roster
                                   else "CHANGED outside the app: " + "; ".join(self.roster)))
        lines.append("county settings: " + ("as an administrator signed them" if not self.settings
                                            else "CHANGED outside the app: " + "; ".join(self.settings)))
        tail = f" ({self.unsigned_changes} changes from before signatures)" if self.unsigned_changes else ""
        lines.append("records: " + ("every record matches its signed history" + tail if not self.records
                                    else f"{len(self.records)} PROBLEM(S): " + "; ".join(self.records[:10])))
        return "\n".join(lines)


def settings_problems(db: Database, snapshot: R.Snapshot) -> list[str]:
    if snapshot.settings is None:  # a list signed before them: signed at an administrator's next unlock
        return []
    return [f"{S.label(name)}: differs from the signed list" for name in S.changed(db, snapshot.settings)]


def check_records(db: Database, keys: dict[str, tuple[bytes, ...]]) -> tuple[list[str], int]:
    """Every change row's signature (by the person who wrote it on this device), and every record
    against the fold of its history: a body, a history row or a user edited outside the app shows.
    Returns the problems and how many rows predate signatures."""
    from csec_desktop.storage.history import as_written, canonical, fields_of
    from csec_desktop.storage.records import change_message

    problems: list[str] = []
    unsigned = 0
    folded: dict[str, tuple[dict[str, Any], bool]] = {}
    rows = db.query("SELECT seq, op_id, record_id, kind, owner_id, op, fields, hlc, user, device, at, "
                    "signer, sig FROM changes_full ORDER BY seq")
    signing_started = False
    for seq, op_id, rid, kind, owner, op, fields, hlc, user, device, at, signer, sig in rows:
        try:  # a row edited outside the app may not even parse: reported, never a crash
            text, changes = canonical(fields), fields_of(fields)
            readable = as_written(fields) and all(isinstance(c, dict) for c in changes.values())
        except (ValueError, TypeError, AttributeError):
            text, changes, readable = fields, {}, False
        if not readable:
            problems.append(f"change {seq} of record {rid} is not in the form the app writes")
        if signer is None:
            if signing_started:
                problems.append(f"change {seq} of record {rid} is not signed")
            unsigned += 1
        else:
            signing_started = True
            public = keys.get(signer)
            message = change_message(op_id, rid, kind, owner, op, text, hlc, user, device, at)
            try:
                good = public is not None and K.signature_holds(public, K.unb64(sig or ""), message)
            except ValueError:
                good = False
            if not good:
                problems.append(f"change {seq} of record {rid} does not hold its signature ({signer})")
        body, deleted = folded.get(rid, ({}, False))
        if op == "delete":
            deleted = True
        else:
            for name, change in changes.items():
                body[name] = change.get("new") if isinstance(change, dict) else None
        folded[rid] = (body, deleted)
    for rid, body, deleted, clocks in db.query("SELECT id, body, deleted, clocks FROM records"):
        want, stored = folded.get(rid), json.loads(body)
        if want is None:
            problems.append(f"record {rid} has no history")
        elif want[0] != stored or want[1] != bool(deleted):
            problems.append(f"record {rid} differs from its history")
        if not _stamps_read(clocks, stored):
            problems.append(f"record {rid}'s field stamps cannot be read")
    return problems, unsigned


def _stamps_read(clocks: str, fields: dict[str, Any]) -> bool:
    """Whether a record's clocks read as field stamps (edited outside the app, they may not; the
    record then does not open, and sync would send them as the stamps its edits were made on)."""
    from csec_desktop.clock import Stamp
    from csec_desktop.storage.records import unpack_clocks

    try:
        for stamp in unpack_clocks(clocks, fields).values():
            Stamp.parse(stamp)
    except (ValueError, TypeError, AttributeError):
        return False
    return True

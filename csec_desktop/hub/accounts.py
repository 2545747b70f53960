"""The youth's account at the hub (vacatur.RESTRICTED_FIELDS: a petition's grounds and safety
concerns, a count's nexus): sent only to a device whose person may read it (READ_NARRATIVE), or
to a caseworker's device for a case counsel shared with her (vacatur/sharing.py), and taken only
from a device whose person may write it.

The desktop already shows the account to no one else, but a device is not to be trusted: sent in
clear to every device that sees the youth, a caseworker's altered desktop read every account of her
caseload from its pulls, and could overwrite one with its pushes. A pull marks what it left out
(`RecordState.withheld`), so the device keeps what it holds there rather than taking a blank as
"emptied"."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from csec_desktop.domain.people import Permission
from csec_desktop.domain.vacatur import COUNSEL_FIELDS, RESTRICTED_FIELDS
from csec_desktop.hub import tables as T
from csec_desktop.hub.principals import Who
from csec_desktop.sync import protocol as P

REFUSED = "only an attorney or a supervisor may write the youth's account"


def refused(who: Who) -> str:
    """Why a write of the account was refused, naming whom the device is enrolled for: on a shared
    computer, counsel signed in there is that person at the hub (one person per device)."""
    return f"{REFUSED}; this device is enrolled for {who.username} ({who.role.value})"


def may_read(who: Who) -> bool:
    return who.can(Permission.READ_NARRATIVE)


def written(op: P.Op, rec: Mapping[str, Any] | None) -> list[str]:
    """The account's fields this operation sets to something other than the record holds (for a
    new record: to anything). A blank and a missing value are the same: no account written."""
    fields = RESTRICTED_FIELDS.get(op.kind, ())
    if not fields or op.op == "delete":
        return []
    now = rec["body"] if rec is not None else {}
    return sorted(f for f in fields
                  if f in op.fields and (op.fields[f].get("new") or None) != (now.get(f) or None))


def may_decide(who: Who, kind: str, field: str) -> bool:
    """Whether this person's device may decide a conflict on this field: the account only by those
    who may write it, a petition's counsel-only fields only by counsel (as a push of them)."""
    if field in RESTRICTED_FIELDS.get(kind, ()):
        return may_read(who)
    if kind == "vacatur_case" and field in COUNSEL_FIELDS:
        return who.can(Permission.REVIEW_PETITION)
    return True


def withhold(conn: Connection, who: Who, kinds: Sequence[str], states: list[str]) -> list[str]:
    """A pull page's states (JSON texts, one per kind) as this person may receive them: the
    account's fields blank and named in `withheld` in every record whose account they may not read,
    and the conflicts on them left out even where counsel shared it (shared to be read; a person
    who may not write the account does not decide it)."""
    if may_read(who):
        return states
    at = [i for i, kind in enumerate(kinds) if kind in RESTRICTED_FIELDS]
    if not at:
        return states
    parsed = {i: json.loads(states[i]) for i in at}
    counts_shared = _counts_shared(conn, who, {str(parsed[i]["owner_id"]) for i in at
                                               if kinds[i] == "criminal_count" and parsed[i]["owner_id"]})
    out = list(states)
    for i, state in parsed.items():
        kind, body, fields = kinds[i], state["body"], RESTRICTED_FIELDS[kinds[i]]
        shared = (who.username in (body.get("shared_with") or []) and not state["deleted"]) \
            if kind == "vacatur_case" else state["id"] in counts_shared
        conflicts = state.get("conflicts") or []
        if shared and not any(c["field"] in fields for c in conflicts):
            continue
        if not shared:
            for name in fields:
                if name in body:
                    body[name] = None
            state["withheld"] = list(fields)
        state["conflicts"] = [c for c in conflicts if c["field"] not in fields]
        out[i] = json.dumps(state)
    return out


def _counts_shared(conn: Connection, who: Who, youth: set[str]) -> set[str]:
    """The counts of these youth in a petition counsel shared with this person."""
    if not youth:
        return set()
    r = T.records
    found: set[str] = set()
    for (text,) in conn.execute(select(r.c.state).where(
            r.c.county == who.county, r.c.kind == "vacatur_case", r.c.deleted.is_(False),
            r.c.owner_id.in_(sorted(youth)))):
        body = json.loads(text)["body"]
        if who.username in (body.get("shared_with") or []):
            found.update(str(c) for c in body.get("count_ids") or [])
    return found

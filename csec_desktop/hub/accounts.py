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

from csec_desktop.domain.people import Permission, Role
from csec_desktop.domain.vacatur import COUNSEL_FIELDS, RESTRICTED_FIELDS
from csec_desktop.hub import tables as T
from csec_desktop.hub.principals import Who
from csec_desktop.sync import protocol as P

REFUSED = "only an attorney or a supervisor may write the youth's account"
COUNTS_REFUSED = ("only an attorney or a supervisor may change the counts of a petition whose account "
                  "is shared: they would be shared too")


def refused(who: Who, reason: str = REFUSED) -> str:
    """Why a write was refused, naming whom the device is enrolled for: on a shared computer,
    counsel signed in there is that person at the hub (one person per device)."""
    return f"{reason}; this device is enrolled for {who.username} ({who.role.value})"


def may_read(who: Who) -> bool:
    return who.can(Permission.READ_NARRATIVE)


def may_share(who: Who) -> bool:
    """Counsel shares a case's account: may review a petition and read the account (an administrator
    given the review grant by the hub may not share what the role is kept from reading)."""
    return who.can(Permission.REVIEW_PETITION) and may_read(who)


def written(op: P.Op, rec: Mapping[str, Any] | None) -> list[str]:
    """From someone who may not read the account: its fields this operation writes. Any value is a
    write, whatever the record holds (answering "no change" to a right guess would tell the guess
    was right); a blank is one where the record holds an account."""
    fields = RESTRICTED_FIELDS.get(op.kind, ())
    if not fields or op.op == "delete":
        return []
    now = rec["body"] if rec is not None else {}
    return sorted(f for f in fields if f in op.fields and (op.fields[f].get("new") or now.get(f)))


def widens(op: P.Op, rec: Mapping[str, Any] | None) -> bool:
    """Whether this operation changes the counts of a case shared with someone: a count put in it
    is shared too, so only those who may read the account change them (a caseworker could
    otherwise put in any count and read its account)."""
    if op.kind != "vacatur_case" or op.op == "delete" or rec is None or "count_ids" not in op.fields:
        return False
    now = rec["body"]
    return bool(now.get("shared_with")) and op.fields["count_ids"].get("new") != now.get("count_ids")


def may_decide(who: Who, kind: str, field: str, *, restore: bool = False) -> bool:
    """Whether this person's device may decide a conflict on this field: the account, or bringing
    back a deleted case or count (with its account and its sharing), only by those who may write
    it; a petition's counsel-only fields only by counsel (as a push of them)."""
    if field in RESTRICTED_FIELDS.get(kind, ()) or (restore and kind in RESTRICTED_FIELDS):
        return may_read(who)
    if kind == "vacatur_case" and field in COUNSEL_FIELDS:
        return may_share(who) if field == "shared_with" else who.can(Permission.REVIEW_PETITION)
    return True


def withhold(conn: Connection, who: Who, kinds: Sequence[str], states: list[str], *,
             protocol: int = P.PROTOCOL) -> list[str]:
    """A pull page's states (JSON texts, one per kind) as this person may receive them. In every
    record whose account they may not read, each field of it that holds something is sent blank and
    named in `withheld` (a blank one is sent as it is: the caseworker's screens say "written, and
    withheld from your role", not "not written"); the conflicts on the account are left out even
    where counsel shared it (shared to be read: a person who may not write it does not decide it).
    A desktop of protocol 1 refused members it did not know: it is sent the blanks alone, which it
    keeps as the values it cannot read."""
    if may_read(who):
        return states
    at = [i for i, kind in enumerate(kinds) if kind in RESTRICTED_FIELDS]
    if not at:
        return states
    parsed = {i: json.loads(states[i]) for i in at}
    # Only a caseworker is shared with (account_copies.fit on the desktop): a name in `shared_with`
    # gives nothing to any other role (an administrator named there by a hostile device).
    shares = who.role is Role.CASEWORKER
    counts_shared = _counts_shared(conn, who, {str(parsed[i]["owner_id"]) for i in at
                                               if kinds[i] == "criminal_count" and parsed[i]["owner_id"]}
                                   ) if shares else set()
    out = list(states)
    for i, state in parsed.items():
        kind, body, fields = kinds[i], state["body"], RESTRICTED_FIELDS[kinds[i]]
        shared = shares and (who.username in (body.get("shared_with") or []) and not state["deleted"]
                             if kind == "vacatur_case"
                             else (state["id"], state["owner_id"]) in counts_shared)
        conflicts = state.get("conflicts") or []
        if shared and not any(c["field"] in fields for c in conflicts):
            continue
        if not shared:
            written_here = [name for name in fields if body.get(name) not in (None, "")]
            for name in fields:
                body[name] = None
            if written_here and protocol >= 2:
                state["withheld"] = written_here
        state["conflicts"] = [c for c in conflicts if c["field"] not in fields]
        out[i] = json.dumps(state)
    return out


def _counts_shared(conn: Connection, who: Who, youth: set[str]) -> set[tuple[str, str]]:
    """(count id, its youth) for the counts of these youth in a petition counsel shared with this
    person: a count id listed in a youth's petition is taken as the same youth's count only."""
    if not youth:
        return set()
    r = T.records
    found: set[tuple[str, str]] = set()
    for owner, text in conn.execute(select(r.c.owner_id, r.c.state).where(
            r.c.county == who.county, r.c.kind == "vacatur_case", r.c.deleted.is_(False),
            r.c.owner_id.in_(sorted(youth)))):
        body = json.loads(text)["body"]
        if who.username in (body.get("shared_with") or []):
            found.update((str(c), str(owner)) for c in body.get("count_ids") or [])
    return found

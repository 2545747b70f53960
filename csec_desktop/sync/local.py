"""The desktop's side of sync, inside the vault: no network here.

The outbox is the `changes` table (rows not yet pushed); the hub's answers, the
pulled record states, the checkpoint and the conflicts kept for a person are
written back in the vault's own transactions, so a sync cut off at any point
resumes from what was last committed. Enrolment (hub address, pinned
certificate, device credentials) lives in the encrypted `meta` table.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csec_desktop import machine_policy
from csec_desktop.clock import utc_iso
from csec_desktop.domain.people import ROLE_PERMISSIONS, Permission, Role
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import CsecError, NotFound, OfflineLocked
from csec_desktop.fileio import atomic_write
from csec_desktop.ids import new_id
from csec_desktop.storage import county_settings
from csec_desktop.storage.database import Database
from csec_desktop.storage.history import fields_of
from csec_desktop.storage.keys import KEYFILE_NAME
from csec_desktop.storage.records import unpack_clocks
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import undelivered
from csec_desktop.text import W

if TYPE_CHECKING:
    from csec_desktop.sync import protocol as P
# The protocol's models are imported where a sync, a conflict or the audit upload needs them, not
# with the vault: the window starts about 50 ms sooner (they build their validators at import).

_KEYS = ("hub_url", "device_id", "secret", "cert_pem", "county", "username", "role",
         "max_offline_days", "checkpoint", "last_contact", "audit_pushed")


@dataclass(frozen=True)
class Enrolment:
    hub_url: str
    device_id: str
    secret: str
    cert_pem: str
    county: str
    username: str
    role: str
    max_offline_days: int
    checkpoint: int
    last_contact: str
    audit_pushed: int

    @property
    def token(self) -> str:
        return f"device.{self.device_id}.{self.secret}"


@dataclass(frozen=True)
class Status:
    """What the status bar shows."""

    enrolled: bool
    last_contact: str | None
    waiting: int
    refused: int
    conflicts: int
    locked: bool
    days_left: float | None
    undelivered: int = 0
    """This person's own changes kept because the youth left the caseload (undelivered.py)."""
    held: int = 0
    """Changes carrying the youth's account that wait for someone who may read it to sync."""
    held_for_good: bool = False
    """This computer is enrolled for a role the hub takes no account from (hub/accounts.py): the
    changes held are refused whoever syncs here."""
    syncs_as: str = ""
    """The person the device was enrolled for, when another person of the vault is signed in: the
    hub knows one person per device and writes everything this device sends under that name."""


def _get(db: Database, key: str) -> str | None:
    value = db.scalar("SELECT value FROM meta WHERE key = ?", (f"sync.{key}",))
    return None if value is None else str(value)


def _set(db: Database, key: str, value: object) -> None:
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (f"sync.{key}", str(value)))


def enrolment(vault: Vault) -> Enrolment | None:
    db = vault.require_db()
    values = {k: _get(db, k) for k in _KEYS}
    if not values["device_id"]:
        return None
    signed = vault.signed_settings()
    if signed is not None:
        # Where the sync sends and whom it trusts, as the administrator who enrolled the computer
        # signed them: rows changed during a session are not followed (storage/county_settings.py).
        for key in county_settings.HUB:
            values[key.removeprefix("sync.")] = signed.get(key)
    return Enrolment(
        hub_url=values["hub_url"] or "", device_id=values["device_id"] or "", secret=values["secret"] or "",
        cert_pem=values["cert_pem"] or "", county=values["county"] or "", username=values["username"] or "",
        role=values["role"] or "", max_offline_days=int(values["max_offline_days"] or 14),
        checkpoint=int(values["checkpoint"] or 0), last_contact=values["last_contact"] or "",
        audit_pushed=int(values["audit_pushed"] or 0),
    )


def save_enrolment(vault: Vault, hub_url: str, cert_pem: str, granted: P.Enrollment) -> Enrolment:
    vault.require(Permission.MANAGE_USERS)
    db = vault.require_db()
    machine_policy.check_hub(hub_url, cert_pem)
    if granted.county != vault.county:
        raise CsecError(f"This hub enrolled the device for {granted.county}, but the vault belongs to "
                        f"{vault.county}. Ask the hub administrator for a code for {vault.county}.")
    with db.transaction():
        for key, value in (("hub_url", hub_url.rstrip("/")), ("cert_pem", cert_pem),
                           ("device_id", granted.device_id), ("secret", granted.secret),
                           ("county", granted.county), ("username", granted.username),
                           ("role", granted.role), ("max_offline_days", granted.max_offline_days),
                           ("checkpoint", 0), ("last_contact", utc_iso(vault.wall())), ("audit_pushed", 0)):
            _set(db, key, value)
        # Where the sync sends and whom it trusts: signed with the list of people, and read from it.
        vault.sign_settings({"sync.hub_url": hub_url.rstrip("/"), "sync.cert_pem": cert_pem})
    vault.audit("device_enrolled", hub_device=granted.device_id, hub_user=granted.username)
    found = enrolment(vault)
    assert found is not None
    return found


def differences(vault: Vault, granted: P.Enrollment) -> list[str]:
    """How the hub's person differs from this vault's person of the same name: role or unit. The hub's
    decide which youth the device is sent and what it takes; the desktop's decide what is shown
    here. A caseworker of "North" here and "Unit A" at the hub saw a caseload the hub did not
    mean, and nothing said so."""
    try:
        here = vault.get_user(granted.username)
    except CsecError:
        return [W("{user} is not a person of this vault: add them (Administration) with the role {role} "
                  "before they sign in here", user=granted.username, role=granted.role)]
    out: list[str] = []
    if here.role.value != granted.role:
        out.append(W("role: {here} here, {hub} at the hub", here=here.role.value, hub=granted.role))
    if granted.unit is not None and (here.unit or "") != granted.unit:
        out.append(W("unit: {here} here, {hub} at the hub", here=here.unit or "none", hub=granted.unit))
    return out


# Push ------------------------------------------------------------------------------


def outbox(vault: Vault, limit: int | None = None) -> list[P.Op]:
    """Changes to push, in order (at most `limit`, by default a push's). The hub holds the youth's
    account in clear (its own access rules apply), so a change carrying a compartment's value is
    sent by a person who can open it; for anyone else it waits, with every later change of the
    same record (`held_back`)."""
    from csec_desktop.sync import protocol as P

    limit = P.MAX_OPS if limit is None else limit
    ops: list[P.Op] = []
    held: set[str] = set()
    db = vault.require_db()
    after = 0
    while len(ops) < limit:
        # A batch at a time: reading every waiting change for each batch of 500 made a first push
        # of 100,000 records quadratic.
        rows = db.query("SELECT seq, op_id, record_id, kind, owner_id, op, fields, hlc, user, at "
                        "FROM changes_full WHERE pushed = 0 AND seq > ? ORDER BY seq LIMIT ?", (after, limit))
        if not rows:
            break
        for r in rows:
            after = r[0]
            if r[2] in held:
                continue
            readable, fields = vault.records.ring.open_fields(r[2], fields_of(r[6]))
            if not readable:
                held.add(r[2])
                continue
            ops.append(P.Op(op_id=r[1], record_id=r[2], kind=r[3], owner_id=r[4], op=r[5],
                            fields={k: P.FieldChange(old=v.get("old"), new=v.get("new"), base=v.get("base"))
                                    for k, v in fields.items()},
                            hlc=r[7], user=r[8], at=r[9]))
            if len(ops) >= limit:
                break
    return ops


def held_back(vault: Vault) -> int:
    """Changes carrying the youth's account that this person cannot open, so cannot send: they wait
    for an attorney or supervisor to sync on this device (the status bar says so)."""
    ring = vault.records.ring
    if all(ring.holds(name) for name in ring.publics):
        return 0
    # A create kept as its body (storage/history.py) is found by its body: through `changes_full`,
    # every waiting row's body was looked up and copied to be matched (3 s against 0.7 s for
    # 280,000 waiting changes, measured here).
    rows = vault.require_db().query(
        "SELECT record_id, fields FROM changes WHERE pushed = 0 AND fields LIKE '%\"$sealed\"%' "
        "UNION ALL SELECT r.id, '[' || r.body || ']' FROM records r WHERE r.body LIKE '%\"$sealed\"%' "
        "AND EXISTS (SELECT 1 FROM changes c WHERE c.record_id = r.id AND c.pushed = 0 AND c.fields = '')")
    return sum(1 for record_id, fields in rows if not ring.open_fields(record_id, fields_of(fields))[0])


def resolutions(vault: Vault) -> list[P.Resolution]:
    """Decisions to send; one on a value this person cannot open waits for someone who can."""
    rows = vault.require_db().query(
        "SELECT record_id, field, resolution FROM sync_conflicts WHERE resolution IS NOT NULL "
        "ORDER BY conflict_id")
    found = (_opened_resolution(vault, rid, field, text) for rid, field, text in rows)
    return [res for res in found if res is not None]


def _opened_resolution(vault: Vault, record_id: str, field: str, text: str) -> P.Resolution | None:
    from csec_desktop.sync import protocol as P

    res = P.Resolution.model_validate_json(text)
    readable, value = vault.records.ring.open(record_id, field, res.value)
    return res.model_copy(update={"value": value}) if readable else None


def record_push(vault: Vault, response: P.PushResponse) -> None:
    """The hub's answer, in one transaction: what it holds is marked pushed, refusals kept."""
    db = vault.require_db()
    with db.transaction():
        for result in response.results:
            # A hub from before replays answered as the first time names a refusal as a duplicate.
            refused = result.result == "refused" or (result.result, result.detail) == ("duplicate", "refused")
            db.execute("UPDATE changes SET pushed = ?, sync_detail = ? WHERE op_id = ?",
                       (2 if refused else 1,
                        f"{result.result}: {result.detail}".rstrip(": "), result.op_id))
        accepted = set(response.resolved)
        for res in resolutions(vault):
            if res.resolution_id in accepted:
                db.execute("DELETE FROM sync_conflicts WHERE conflict_id = ?", (res.conflict_id,))
            else:  # a value arrived meanwhile: ask again with what the hub now holds
                db.execute("UPDATE sync_conflicts SET resolution = NULL WHERE conflict_id = ?",
                           (res.conflict_id,))
        _contact(db, response.server_time, vault)


# Pull ------------------------------------------------------------------------------


def tidy_search(vault: Vault) -> bool:
    """After a pull: the search index merged if its pages left it in many pieces (storage/records.py)."""
    return vault.records.tidy_search()


def apply_pull(vault: Vault, page: P.PullResponse) -> int:
    """Store one page of record states and the new checkpoint together. Returns records changed."""
    db = vault.require_db()
    changed = len(page.gone)  # a youth gone from the caseload changes what the window shows
    with db.transaction():
        for youth_id in page.gone:
            undelivered.keep_before_forgetting(vault, youth_id)  # nothing typed is lost with it
            _forget_youth(vault, youth_id)
        if page.gone:
            vault.records.purge_search()
        ids = [state.id for state in page.records]
        marks = ",".join("?" * len(ids))
        # Records with local business (unpushed changes, kept conflicts) take the full path;
        # the others are skipped when the vault already holds exactly this state: most
        # often this device's own changes coming back after its push.
        busy = {r[0] for r in db.query(
            f"SELECT record_id FROM changes WHERE pushed = 0 AND record_id IN ({marks}) UNION "
            f"SELECT record_id FROM sync_conflicts WHERE record_id IN ({marks})", [*ids, *ids])
        } if ids else set()
        # Signed on a second core as the page is stored; the rows read below are this device's
        # unpushed ones, never the page's own (pushed), which wait for the end of the block.
        with vault.records.bulk():
            for state in page.records:
                if state.stamps:
                    vault.clock.observe(max(state.stamps.values()))  # later edits here come after it
                if state.id not in busy and not state.conflicts and _holds(db, state):
                    continue
                changed += _apply_state(vault, state, busy=state.id in busy)
        _set(db, "checkpoint", page.next)
        _contact(db, page.server_time, vault)
    return changed


def _holds(db: Database, state: P.RecordState) -> bool:
    row = db.one("SELECT body, clocks, deleted FROM records WHERE id = ?", (state.id,))
    if row is None or bool(row[2]) != state.deleted:
        return False
    body: dict[str, Any] = json.loads(row[0])
    if unpack_clocks(row[1], body) != state.stamps:
        return False
    if state.withheld:  # a value not sent is held here if its stamp is the hub's (put_remote)
        return {k: v for k, v in body.items() if k not in state.withheld} \
            == {k: v for k, v in state.body.items() if k not in state.withheld}
    return body == state.body


def _apply_state(vault: Vault, state: P.RecordState, *, busy: bool = True) -> int:
    """`busy`: the record may have unpushed changes or kept conflicts here (apply_pull knows which
    do not, and their reads are skipped: most records of a first sync)."""
    db = vault.require_db()
    body, clocks, deleted = dict(state.body), dict(state.stamps), state.deleted
    # This device's changes the hub has not had yet stay on top until they are pushed; the
    # hub then judges them against what it holds (and keeps a conflict if it must).
    for op, fields, hlc in db.query(
            "SELECT op, fields, hlc FROM changes_full WHERE record_id = ? AND pushed = 0 ORDER BY seq",
            (state.id,)) if busy else ():
        if op == "delete":
            deleted = True
            continue
        # A value this person may not read opens as blank; put_remote then keeps the stored one.
        for name, change in vault.records.ring.open_fields(state.id, fields_of(fields))[1].items():
            body[name] = change["new"]
            clocks[name] = hlc
    try:
        changed = vault.records.put_remote(
            record_id=state.id, kind=state.kind, owner_id=state.owner_id, version=state.version,
            deleted=deleted, body=body, clocks=clocks, updated_at=state.updated_at,
            updated_by=state.updated_by, withheld=state.withheld)
    except CsecError:
        # Valid alone, invalid together: show the hub's version; the push will be judged there.
        changed = vault.records.put_remote(
            record_id=state.id, kind=state.kind, owner_id=state.owner_id, version=state.version,
            deleted=state.deleted, body=state.body, clocks=state.stamps, updated_at=state.updated_at,
            updated_by=state.updated_by, withheld=state.withheld)
    if not busy and not state.conflicts:
        return int(changed)
    keep = {c.conflict_id for c in state.conflicts}
    for (cid,) in db.query("SELECT conflict_id FROM sync_conflicts WHERE record_id = ?", (state.id,)):
        if cid not in keep:
            db.execute("DELETE FROM sync_conflicts WHERE conflict_id = ?", (cid,))
    under_seal = vault.records.under_seal(state.kind, state.owner_id or state.id, {})
    for conflict in state.conflicts:
        # Each value sealed as the field is in the record (the youth's account, a sealed youth).
        values = [v.model_copy(update={"value": vault.records.ring.seal_value(
            state.kind, state.id, conflict.field, v.value, under_seal)}) for v in conflict.values]
        db.execute(
            "INSERT INTO sync_conflicts (conflict_id, record_id, field, body) VALUES (?,?,?,?) "
            "ON CONFLICT(conflict_id) DO UPDATE SET body = excluded.body",
            (conflict.conflict_id, state.id, conflict.field,
             conflict.model_copy(update={"values": values}).model_dump_json()))
    return int(changed)


def _opened_conflict(vault: Vault, record_id: str, field: str, body: str) -> P.ConflictState | None:
    """A kept conflict with its values opened, or None when this person may not read them."""
    from csec_desktop.sync import protocol as P

    state = P.ConflictState.model_validate_json(body)
    values = []
    for value in state.values:
        readable, opened = vault.records.ring.open(record_id, field, value.value)
        if not readable:
            return None
        values.append(value.model_copy(update={"value": opened}))
    return state.model_copy(update={"values": values})


def _forget_youth(vault: Vault, youth_id: str) -> None:
    """A youth moved out of this user's caseload at the hub: nothing of theirs stays here (what was
    typed here and not taken by the hub was kept first, sealed to its author: undelivered.py)."""
    db = vault.require_db()
    ids = [r[0] for r in db.query("SELECT id FROM records WHERE id = ? OR owner_id = ?",
                                  (youth_id, youth_id))]
    for rid in ids:
        db.execute("DELETE FROM sync_conflicts WHERE record_id = ?", (rid,))
        db.execute("DELETE FROM changes WHERE record_id = ?", (rid,))
    row = db.one("SELECT rowid FROM records WHERE id = ? AND kind = 'youth'", (youth_id,))
    if row is not None:
        vault.records.unindex(row[0])
        db.execute("DELETE FROM youth_fields WHERE rowid = ?", (row[0],))
        # Out of the sealed youth index too (a holder's session), or its copy marked stale.
        vault.records.shadow.written(row[0])
        vault.records.shadow.forget(row[0])
    db.execute("DELETE FROM records WHERE id = ? OR owner_id = ?", (youth_id, youth_id))
    db.execute("DELETE FROM drafts WHERE key LIKE ?", (f"%{youth_id}%",))


def checkpoint(vault: Vault) -> int:
    return int(_get(vault.require_db(), "checkpoint") or 0)


# Audit -----------------------------------------------------------------------------


def audit_outbox(vault: Vault, limit: int | None = None) -> list[P.AuditEntry]:
    from csec_desktop.sync import protocol as P

    db = vault.require_db()
    after = int(_get(db, "audit_pushed") or 0)
    rows = db.query("SELECT seq, at, user, device, action, record_id, detail, mac FROM audit "
                    "WHERE seq > ? ORDER BY seq LIMIT ?", (after, P.MAX_OPS if limit is None else limit))
    return [P.AuditEntry(seq=r[0], at=r[1], user=r[2], device=r[3], action=r[4], record_id=r[5],
                         detail=r[6], mac=r[7]) for r in rows]


def record_audit(vault: Vault, ack: P.AuditAck) -> None:
    db = vault.require_db()
    with db.transaction():
        _set(db, "audit_pushed", ack.last_seq)


# Standing ----------------------------------------------------------------------------


def _contact(db: Database, server_time: str, vault: Vault) -> None:
    # The device's own clock, not the hub's: the offline limit is counted on this machine.
    now = vault.wall()
    _set(db, "last_contact", utc_iso(now))
    # The newest time this device has seen (its clock or the hub's, at a contact): the offline
    # count never runs from a clock earlier than it, so setting the clock back cannot add days.
    newest = max(now, _seconds(server_time), _seconds(_get(db, "newest_seen")))
    _set(db, "newest_seen", utc_iso(newest))
    # Where the audit trail stood: times recorded after this contact also count (_newest_recorded).
    _set(db, "contact_seq", int(db.scalar("SELECT coalesce(max(seq), 0) FROM audit")))


def _seconds(iso: str | None) -> float:
    """An ISO time as seconds since the epoch; 0 for none or one that cannot be read."""
    try:
        return datetime.fromisoformat(iso).timestamp() if iso else 0.0
    except ValueError:
        return 0.0


def note_contact(vault: Vault, max_offline_days: int | None = None, server_time: str = "") -> None:
    db = vault.require_db()
    with db.transaction():
        _contact(db, server_time, vault)
        if max_offline_days is not None:
            _set(db, "max_offline_days", max_offline_days)


def _days_since(vault: Vault, last_contact: str, newest_seen: str | None) -> float:
    """Days since the last contact, counted from the newest time seen then (this device's clock or
    the hub's, whichever was later) by a clock not earlier than it: a wall clock set back (to undo
    the offline lock) counts as if it stood at that time, and a device whose clock was behind the
    hub's is not counted as offline for the difference."""
    newest = _seconds(newest_seen)
    since = max(datetime.fromisoformat(last_contact).timestamp(), newest)
    return (max(vault.wall(), newest, _newest_recorded(vault)) - since) / 86400


def _newest_recorded(vault: Vault) -> float:
    """The latest time this vault's own (signed) audit trail has recorded since the last contact: a
    laptop used past its offline limit, then set back to before that contact, is still past it."""
    db = vault.require_db()
    after = int(_get(db, "contact_seq") or 0)
    rows = db.query("SELECT at FROM audit WHERE seq > ? ORDER BY seq DESC LIMIT 50", (after,))
    return max((_seconds(str(r[0])) for r in rows), default=0.0)


def offline_days(vault: Vault) -> float | None:
    found = enrolment(vault)
    if found is None or not found.last_contact:
        return None
    return _days_since(vault, found.last_contact, _get(vault.require_db(), "newest_seen"))


def is_locked(vault: Vault) -> bool:
    """An enrolled device that has not reached the hub for too long refuses to show cases."""
    rows: dict[str, str] = dict(vault.require_db().query(
        "SELECT key, value FROM meta WHERE key IN ('sync.device_id', 'sync.last_contact', "
        "'sync.max_offline_days', 'sync.newest_seen')"))
    if not rows.get("sync.device_id") or not rows.get("sync.last_contact"):
        return False
    days = _days_since(vault, rows["sync.last_contact"], rows.get("sync.newest_seen"))
    return bool(days > machine_policy.max_offline_days(int(rows.get("sync.max_offline_days") or 14)))


def require_in_contact(vault: Vault) -> None:
    """The core's gate on every read of cases (caseload, search, a youth, Today)."""
    if is_locked(vault):
        found = enrolment(vault)
        raise OfflineLocked(machine_policy.max_offline_days(found.max_offline_days if found else 14))


def status(vault: Vault) -> Status:
    db = vault.require_db()
    found = enrolment(vault)
    days = offline_days(vault)
    held = held_back(vault)
    return Status(
        enrolled=found is not None,
        last_contact=found.last_contact if found else None,
        # What the next sync sends: a change held back is counted once, as held (it read as waiting
        # and as held, the same changes twice).
        waiting=int(db.scalar("SELECT count(*) FROM changes WHERE pushed = 0")) - held,
        refused=int(db.scalar("SELECT count(*) FROM changes WHERE pushed = 2")),
        undelivered=undelivered.count(vault),
        held=held,
        held_for_good=bool(held) and found is not None and not _may_write_accounts(found.role),
        syncs_as=found.username if found and found.username != vault.user.username else "",
        conflicts=int(db.scalar("SELECT count(*) FROM sync_conflicts")),
        locked=is_locked(vault),
        days_left=(found.max_offline_days - days) if found and days is not None else None,
    )


def _may_write_accounts(role: str) -> bool:
    """Whether the hub takes the youth's account from a device enrolled for this role (grants beyond
    the role are not known here: a caseworker granted it is told the harder case)."""
    try:
        return Permission.READ_NARRATIVE in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


# Conflicts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    conflict_id: str
    record_id: str
    kind: str
    owner_id: str | None
    field: str
    state: P.ConflictState
    current: Any
    decided: Any
    pending: bool

    @property
    def deleted_elsewhere(self) -> bool:
        """An edit made against a deletion: keeping the edit brings the record back."""
        return any(v.deleted for v in self.state.values)


def conflicts(vault: Vault) -> list[Conflict]:
    """Open conflicts on records of youth the signed-in person may see."""
    from csec_desktop.caseload import can_see  # caseload imports this module

    db = vault.require_db()
    found: list[Conflict] = []
    for cid, rid, field, body, resolution in db.query(
            "SELECT c.conflict_id, c.record_id, c.field, c.body, c.resolution FROM sync_conflicts c "
            "ORDER BY c.conflict_id"):
        rec = db.one("SELECT kind, owner_id, body FROM records WHERE id = ?", (rid,))
        if rec is None:
            continue
        youth = vault.records.get(rec[1], include_deleted=True) if rec[1] else None
        if youth is not None and isinstance(youth.body, Youth) and not can_see(vault.user, youth.body):
            continue
        state = _opened_conflict(vault, rid, field, body)
        res = _opened_resolution(vault, rid, field, resolution) if resolution else None
        if state is None or (resolution and res is None):
            continue  # values this person may not read: someone who may decides it
        found.append(Conflict(cid, rid, rec[0], rec[1], field, state,
                              vault.records.decode(rid, rec[2]).get(field), res.value if res else None,
                              res is not None))
    return found


def resolve(vault: Vault, conflict_id: str, value: Any, *, keep_deleted: bool = False) -> None:
    """A person keeps `value`: the record takes it now (one ordinary, undoable change) and
    the decision goes to the hub with the next push. On a record deleted elsewhere, keeping an
    edit brings the record back (the hub restores it and the next pull shows it here);
    `keep_deleted` keeps the deletion instead."""
    from csec_desktop.sync import protocol as P

    vault.require(Permission.WRITE_YOUTH)
    db = vault.require_db()
    row = db.one("SELECT record_id, field, body FROM sync_conflicts WHERE conflict_id = ?", (conflict_id,))
    if row is None:
        raise NotFound(W("This conflict was already resolved."))
    state = P.ConflictState.model_validate_json(row[2])
    from csec_desktop.caseload import can_see  # caseload imports this module

    with db.transaction():
        current = vault.records.get(row[0], include_deleted=True)
        owner = current if current.kind == "youth" else (
            vault.records.get(current.owner_id, include_deleted=True) if current.owner_id else None)
        if owner is not None and isinstance(owner.body, Youth) and not can_see(vault.user, owner.body):
            raise NotFound(W("This conflict belongs to a youth outside your caseload."))
        if not current.deleted and current.body.dump().get(row[1]) != value:
            vault.records.update(row[0], {row[1]: value})
        restore = current.deleted and not keep_deleted and any(v.deleted for v in state.values)
        decision = P.Resolution(resolution_id=new_id(), conflict_id=conflict_id, value=value,
                                restore=restore, seen=len(state.values), user=vault.user.username,
                                at=utc_iso(vault.wall()))
        kept = vault.records.ring.seal_value(current.kind, row[0], row[1], value, vault.records.under_seal(
            current.kind, current.owner_id or row[0], {}))
        db.execute("UPDATE sync_conflicts SET resolution = ? WHERE conflict_id = ?",
                   (decision.model_copy(update={"value": kept}).model_dump_json(), conflict_id))
        vault.audit("conflict_resolved", row[0], field=row[1])


# Wipe ------------------------------------------------------------------------------------


def wipe(folder: Path) -> list[str]:
    """Erase a revoked device's vault: the key file first (without its wraps the encrypted
    database cannot be opened by anyone), then the database files, the lockout file and the key
    file's lock (empty, but it says a vault was here). Other files in the folder are left alone,
    and a note of when and why it was erased (`erased_at`) is left for the next start to say.
    Returns the names removed."""
    names = [KEYFILE_NAME, *sorted(p.name for p in folder.glob("vault-*.db*")), "access.json", "keys.lock"]
    removed = []
    for name in names:
        target = folder / name
        if target.exists():
            target.unlink()
            removed.append(name)
    if removed:
        # The next start found no vault and offered a new workstation's set-up, with no word of what
        # had happened or that the changes never synced were gone. The note says when, and why.
        atomic_write(folder / ERASED_NOTE, json.dumps({"erased_at": utc_iso(time.time()),
                                                       "why": "revoked"}).encode())
    return removed


ERASED_NOTE = "erased.json"
"""Left in the vault's folder by `wipe`: when the vault was erased and why. Nothing about anyone."""


def erased_at(folder: Path) -> str | None:
    """When this folder's vault was erased because the hub revoked the computer (UTC, ISO), if it
    was and no vault has been made here since."""
    try:
        note = json.loads((folder / ERASED_NOTE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(note.get("erased_at") or "") or None if isinstance(note, dict) else None


def forget_erased(folder: Path) -> None:
    """A new vault is made here: the note has been read."""
    with contextlib.suppress(FileNotFoundError):
        (folder / ERASED_NOTE).unlink()

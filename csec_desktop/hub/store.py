"""The hub's logic over its database: devices, scope, push with merge, pull, audit.

Merge rule (per field): an operation names the stamp its writer last saw for each
field (`base`). If that is still the field's stamp at the hub, the change applies;
if the field already holds the new value, nothing happens; otherwise another
device changed the field meanwhile and both values are kept in a conflict for a
person to decide. Wall-clock time never decides, so a device whose clock is a
day off loses nothing. Deletes are tombstones: a later edit to a deleted record
becomes a conflict (the deletion one side of it), never a silent resurrection;
a person who keeps the edit brings the record back (as CouchDB lets an edit beat
a delete), one who keeps the deletion leaves it deleted.
"""

from __future__ import annotations

import functools
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Dialect,
    Engine,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from csec_desktop.domain.people import Permission
from csec_desktop.domain.visibility import Scope
from csec_desktop.hub import accounts, visibility_sql
from csec_desktop.hub import tables as T
from csec_desktop.hub.principals import (
    ADMIN_ID_LENGTH,
    Admin,
    Device,
    Refusal,
    Row,
    Who,
    admin_id,
    hub_user,
    iso_time,
    secret_hash,
    who_from_row,
)
from csec_desktop.hub.push import Counter, among, apply_op, hold, insert_new, resolve
from csec_desktop.ids import new_id
from csec_desktop.sync import protocol as P

ENROLLMENT_HOURS = 24
LAST_SEEN_EVERY_S = 60
"""A device's last contact is written again after this long (it counts days offline)."""


KNOWN_FOR_S = 60.0
"""How long credentials found enrolled are taken as known without asking the database again."""


class Hub:
    def __init__(self, engine: Engine, wall: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.wall = wall
        self._known: dict[tuple[str, str], float] = {}
        """(device id, secret hash) found enrolled, until when (monotonic): see `knows_device`."""

    def now(self) -> str:
        return iso_time(self.wall())

    # County set-up (command line) -------------------------------------------

    def add_county(self, county: str, max_offline_days: int = 14) -> None:
        with self.engine.begin() as conn:
            if conn.execute(select(T.counties.c.id).where(T.counties.c.id == county)).first() is None:
                conn.execute(insert(T.counties).values(id=county, seq=0, max_offline_days=max_offline_days))
            else:
                conn.execute(update(T.counties).where(T.counties.c.id == county)
                             .values(max_offline_days=max_offline_days))

    def add_admin(self, county: str, name: str) -> str:
        """A hub administrator's token; shown once, only its hash is kept."""
        token = "admin." + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            self._require_county(conn, county)
            conn.execute(insert(T.admins).values(token_hash=secret_hash(token), county=county, name=name,
                                                 created_at=self.now()))
            self._event(conn, county, "cli", "admin_added", detail=f"{name} {admin_id(secret_hash(token))}")
        return token

    def admins(self, county: str) -> list[P.AdminInfo]:
        """The county's administrator tokens (never the tokens: their ids), revoked ones too."""
        with self.engine.connect() as conn:
            self._require_county(conn, county)
            rows = conn.execute(select(T.admins).where(T.admins.c.county == county)
                                .order_by(T.admins.c.created_at, T.admins.c.name)).mappings()
            return [P.AdminInfo(admin_id=admin_id(r["token_hash"]), name=r["name"],
                                created_at=r["created_at"], revoked_at=r["revoked_at"]) for r in rows]

    def revoke_admin(self, county: str, token_id: str, actor: str) -> P.AdminInfo:
        """Revoke an administrator token (one that leaked, or of someone who left): refused (401)
        from its next request on; recorded in the hub's events. Revoking it again changes nothing."""
        with self.engine.begin() as conn:
            self._require_county(conn, county)
            a = T.admins
            rows = list(conn.execute(select(a).where(a.c.county == county,
                                                     a.c.token_hash.startswith(token_id, autoescape=True)))
                        .mappings()) if len(token_id) == ADMIN_ID_LENGTH else []
            if len(rows) != 1:
                raise Refusal(404, "not_found", "No such administrator token in this county.")
            row = rows[0]
            if row["revoked_at"] is None:
                conn.execute(update(a).where(a.c.token_hash == row["token_hash"])
                             .values(revoked_at=self.now()))
                self._event(conn, county, actor, "admin_revoked", detail=f"{row['name']} {token_id}")
        return next(i for i in self.admins(county) if i.admin_id == token_id)

    def add_user(self, admin: Admin, user: P.NewUser) -> P.HubUser:
        """Add a user, or change their role, unit and extra grants (the list given replaces the
        one kept; a change of role, unit or grants makes the user's devices' next pull start again)."""
        grants = sorted({p.value for p in user.extra_permissions})
        with self.engine.begin() as conn:
            key = and_(T.users.c.county == admin.county, T.users.c.username == user.username)
            values = {"role": user.role, "unit": user.unit, "extra_permissions": grants}
            if conn.execute(select(T.users.c.username).where(key)).first() is None:
                conn.execute(insert(T.users).values(county=admin.county, username=user.username,
                                                    **values))
            else:
                conn.execute(update(T.users).where(key).values(**values))
            detail = f"{user.username} {user.role} {user.unit or ''}" + "".join(f" +{g}" for g in grants)
            self._event(conn, admin.county, admin.name, "user_saved", detail=detail)
        return P.HubUser(county=admin.county, username=user.username, role=user.role, unit=user.unit,
                         extra_permissions=[Permission(g) for g in grants])

    def users(self, county: str) -> list[P.HubUser]:
        """The county's users, disabled ones too."""
        with self.engine.connect() as conn:
            self._require_county(conn, county)
            rows = conn.execute(select(T.users).where(T.users.c.county == county)
                                .order_by(T.users.c.username)).mappings()
            return [hub_user(r) for r in rows]

    def set_user_disabled(self, admin: Admin, username: str, disabled: bool) -> P.HubUser:
        """Disable a person (their devices are refused from the next request, enrolment codes for
        them too), or enable them again; recorded in the hub's events."""
        with self.engine.begin() as conn:
            key = and_(T.users.c.county == admin.county, T.users.c.username == username)
            if conn.execute(update(T.users).where(key).values(disabled=disabled)).rowcount != 1:
                raise Refusal(404, "unknown_user", "This user is not on the hub's list for the county.")
            self._event(conn, admin.county, admin.name, "user_disabled" if disabled else "user_enabled",
                        detail=username)
            return hub_user(conn.execute(select(T.users).where(key)).mappings().one())

    # Enrolment, revocation, release ---------------------------------------------

    def new_enrollment(self, admin: Admin, username: str) -> P.EnrollmentCode:
        code = secrets.token_hex(6).upper()  # 12 characters an administrator can read out
        expires = iso_time(self.wall() + ENROLLMENT_HOURS * 3600)
        with self.engine.begin() as conn:
            self._user(conn, admin.county, username, missing=404)
            conn.execute(insert(T.enrollments).values(
                code_hash=secret_hash(code), county=admin.county, username=username, expires_at=expires))
            self._event(conn, admin.county, admin.name, "enrollment_code", detail=username)
        return P.EnrollmentCode(code=code, expires_at=expires)

    def cancel_enrollment(self, admin: Admin, code: str) -> None:
        """An enrolment code not used yet stops working (given to the wrong person, or no longer
        needed); recorded in the hub's events. A used, expired or unknown code: 404."""
        e = T.enrollments
        with self.engine.begin() as conn:
            key = and_(e.c.code_hash == secret_hash(code.strip().upper()), e.c.county == admin.county,
                       e.c.used_at.is_(None), e.c.expires_at >= self.now())
            row = conn.execute(select(e.c.username).where(key)).first()
            if row is None or conn.execute(update(e).where(key).values(used_at=self.now())).rowcount != 1:
                raise Refusal(404, "not_found", "No enrolment code of this county waiting to be used.")
            self._event(conn, admin.county, admin.name, "enrollment_cancelled", detail=str(row[0]))

    def enroll(self, request: P.EnrollRequest) -> P.Enrollment:
        with self.engine.begin() as conn:
            row = conn.execute(select(T.enrollments).where(
                T.enrollments.c.code_hash == secret_hash(request.code.strip().upper()))).mappings().first()
            if row is None or row["used_at"] is not None or row["expires_at"] < self.now():
                raise Refusal(401, "bad_code", "This enrolment code is wrong, used or expired. "
                              "Ask the hub administrator for a new one.")
            who = self._user(conn, row["county"], row["username"], missing=401)
            device_id, secret = new_id(), secrets.token_urlsafe(32)
            # Claim the code in one conditional write: of requests racing with the same code, the
            # database lets exactly one change the row (the others see it used and are refused).
            claimed = conn.execute(update(T.enrollments).where(and_(
                T.enrollments.c.code_hash == row["code_hash"], T.enrollments.c.used_at.is_(None)))
                .values(used_at=self.now()))
            if claimed.rowcount != 1:
                raise Refusal(401, "bad_code", "This enrolment code is wrong, used or expired. "
                              "Ask the hub administrator for a new one.")
            conn.execute(insert(T.devices).values(
                id=device_id, county=who.county, username=who.username, name=request.device_name,
                secret_hash=secret_hash(secret), status="active", enrolled_at=self.now(),
                last_seen=self.now()))
            self._event(conn, who.county, who.username, "device_enrolled", device_id, request.device_name)
            days = self._max_offline_days(conn, who.county)
        return P.Enrollment(device_id=device_id, secret=secret, county=who.county, username=who.username,
                            role=who.role.value, max_offline_days=days, server_time=self.now(),
                            unit=who.unit)

    def set_device_status(self, admin: Admin, device_id: str, status: str) -> P.DeviceInfo:
        """Revoke (refused at once, told to wipe at next contact) or release a device locked
        after too long offline. A revoked device stays revoked: it was told to erase its vault,
        and its token must never work again (enrol it anew with a new code)."""
        with self.engine.begin() as conn:
            where = and_(T.devices.c.id == device_id, T.devices.c.county == admin.county)
            found = conn.execute(select(T.devices.c.status).where(where)).first()
            if found is None:
                raise Refusal(404, "not_found", "No such device in this county.")
            if found[0] == "revoked" and status != "revoked":
                raise Refusal(409, "revoked", "This device was revoked and stays revoked. Enrol the computer "
                              "again with a new code.")
            values: dict[str, Any] = {"status": status}
            if status == "active":
                values["last_seen"] = self.now()  # released: the offline count starts again
            conn.execute(update(T.devices).where(where).values(**values))
            self._event(conn, admin.county, admin.name,
                        "device_revoked" if status == "revoked" else "device_released", device_id)
        return next(d for d in self.devices(admin) if d.device_id == device_id)

    def devices(self, admin: Admin) -> list[P.DeviceInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(T.devices).where(T.devices.c.county == admin.county)
                                .order_by(T.devices.c.enrolled_at)).mappings()
            return [P.DeviceInfo(device_id=r["id"], name=r["name"], username=r["username"],
                                 status=r["status"], enrolled_at=r["enrolled_at"],
                                 last_seen=r["last_seen"], wipe_sent_at=r["wipe_sent_at"]) for r in rows]

    # Authentication ---------------------------------------------------------------

    def admin(self, token: str) -> Admin:
        with self.engine.connect() as conn:
            row = conn.execute(select(T.admins).where(T.admins.c.token_hash == secret_hash(token))
                               ).mappings().first()
        if row is None or row["revoked_at"] is not None:
            raise Refusal(401, "unauthenticated", "Sign in with a hub administrator token.")
        return Admin(county=row["county"], name=row["name"], id=admin_id(row["token_hash"]))

    def knows_admin(self, token: str) -> bool:
        """The token is a hub administrator's (read only: checked before a request body is read)."""
        try:
            self.admin(token)
        except Refusal:
            return False
        return True

    def knows_device(self, device_id: str, secret: str) -> bool:
        """The credentials are an enrolled device's, whatever its standing (read only: checked
        before a request body is read; `device` then decides the standing).
        A device found is taken as known for KNOWN_FOR_S without asking again: the question cost a
        database round trip of its own on every request of a sync (a sixth of a pull page's time),
        and its answer grants nothing (`device` still checks the credentials and the standing of
        every request). A wrong secret is never kept, so it is asked every time."""
        key, now = (device_id, secret_hash(secret)), time.monotonic()
        if self._known.get(key, 0.0) > now:
            return True
        with self.engine.connect() as conn:
            found = conn.execute(select(T.devices.c.secret_hash).where(T.devices.c.id == device_id)).scalar()
        if found is None or not hmac.compare_digest(str(found), key[1]):
            return False
        if len(self._known) >= 10_000:  # bounded whatever comes: forget all, ask again
            self._known.clear()
        self._known[key] = now + KNOWN_FOR_S
        return True

    def device(self, device_id: str, secret: str) -> Device:
        """Check a device's credentials and standing; every refusal is decided here."""
        d, u = T.devices, T.users
        with self.engine.begin() as conn:
            # The device, its county's offline limit and its user, in one statement (a second for
            # the user was a round trip on every request of a sync).
            row = conn.execute(select(
                d, T.counties.c.max_offline_days, u.c.username.label("user_found"), u.c.role,
                u.c.unit, u.c.extra_permissions, u.c.disabled)
                .join_from(d, T.counties, T.counties.c.id == d.c.county)
                .outerjoin(u, and_(u.c.county == d.c.county, u.c.username == d.c.username))
                .where(d.c.id == device_id)).mappings().first()
            if row is None or not hmac.compare_digest(row["secret_hash"], secret_hash(secret)):
                raise Refusal(401, "unauthenticated", "This device is not enrolled with the hub.")
            if row["status"] == "revoked":
                if row["wipe_sent_at"] is None:
                    conn.execute(update(d).where(d.c.id == device_id).values(wipe_sent_at=self.now()))
                    self._event(conn, row["county"], "hub", "wipe_instructed", device_id)
                refusal: Refusal | None = Refusal(
                    403, "revoked", "This device was revoked by the county. Its vault is erased now.",
                    wipe=True)
            else:
                refusal = self._stale(conn, row)
            if refusal is None:
                now = self.now()
                # Written at most once a minute (it counts days offline): a write and its commit on
                # every request of a sync was a sixth of a pull page's time at the hub.
                if not row["last_seen"] or (datetime.fromisoformat(now) - datetime.fromisoformat(
                        row["last_seen"])).total_seconds() >= LAST_SEEN_EVERY_S:
                    conn.execute(update(d).where(d.c.id == device_id).values(last_seen=now))
                who = who_from_row(row["county"], row["username"], row if row["user_found"] else None,
                                   missing=403)
                return Device(id=device_id, name=row["name"], who=who, scope_key=row["scope_key"])
        assert refusal is not None
        raise refusal  # after the commit, so the wipe instruction and the lock are recorded

    def _stale(self, conn: Connection, row: Row) -> Refusal | None:
        days = int(row["max_offline_days"])
        status = row["status"]
        if status == "active" and row["last_seen"]:
            seen = datetime.fromisoformat(row["last_seen"])
            if datetime.fromtimestamp(self.wall(), UTC) - seen > timedelta(days=days):
                conn.execute(update(T.devices).where(T.devices.c.id == row["id"]).values(status="locked"))
                self._event(conn, row["county"], "hub", "device_locked", row["id"],
                            f"no contact for over {days} days")
                status = "locked"
        if status == "locked":
            return Refusal(423, "locked", f"This device did not reach the hub for over {days} days and "
                           "is locked. Ask the hub administrator to release it, then sync again.")
        return None

    # Push -----------------------------------------------------------------------

    def push(self, device: Device, request: P.PushRequest) -> P.PushResponse:
        who = device.who
        if (request.ops or request.resolutions) and not who.can(Permission.WRITE_YOUTH):
            raise Refusal(403, "forbidden", f"The role {who.role.value} may not change records.")
        results: list[P.OpResult] = []
        resolved: list[str] = []
        with self.engine.begin() as conn:
            now = self.wall()  # one time of receipt for the whole push
            counter = Counter(conn, who.county, device.id, request, now)
            for op in request.ops:
                outcome, detail = apply_op(conn, counter, device, op, now)
                # made from what the hub itself decided: no need to validate it again
                results.append(P.OpResult.model_construct(op_id=op.op_id, result=outcome, detail=detail))
            for resolution in request.resolutions:
                if resolve(conn, counter, device, resolution, self.now()):
                    resolved.append(resolution.resolution_id)
            counter.save()
        return P.PushResponse(results=results, resolved=resolved, server_time=self.now())

    # Pull -----------------------------------------------------------------------

    def pull(self, device: Device, since: int, limit: int) -> P.PullResponse:
        """One page, as a model (in-process callers; the endpoint sends `pull_page`'s bytes)."""
        return P.PullResponse.model_validate_json(self.pull_page(device, since, limit))

    def pull_page(self, device: Device, since: int, limit: int, *, protocol: int = P.PROTOCOL) -> bytes:
        """One page of P.PullResponse as JSON, for a desktop of `protocol`. Bodies and stamps go out
        as the text the database holds: parsing them into Python and writing them back was most of
        the hub's pull."""
        who = device.who
        r, h = T.records, T.holdings
        with self.engine.begin() as conn:
            if device.scope_key != who.scope_key:
                # The user's role or unit changed: start again so newly visible youth arrive.
                since = 0
                conn.execute(update(T.devices).where(T.devices.c.id == device.id)
                             .values(scope_key=who.scope_key))
            pull = _pull_statements(who.visibility, conn.dialect)
            asked = {"county": who.county, "device": device.id, "since": since, "limit": limit + 1}
            # Named gone until the device pulls past the page that told it (it stored that page):
            # an answer lost on the way, or a pull sent twice, must not lose the news. (A youth it
            # names, back in scope in this page, is then taken as new: held again, as if updated.)
            # Every record up to the county's counter is committed (a push moves it as it commits):
            # read first, it lets the checkpoint pass records this user may not see, so the device
            # moves on (and a youth named gone is forgotten) even when nothing of theirs changed.
            top, rows = pull.start(conn, asked)
            more = len(rows) > limit
            rows = rows[:limit]
            last = rows[-1][SEQ] if rows else since
            upto = last if more else max(top, last)
            page_youth = {row[ID]: row for row in rows if row[KIND] == "youth"}
            arrived = [yid for yid, row in page_youth.items() if row[HOLDING] != -1]  # new, or back
            extra: list[Any] = []
            if arrived:  # one statement for the page, not one per youth
                back = [yid for yid in arrived if page_youth[yid][HOLDING] is not None]  # named gone, back
                if back:
                    conn.execute(update(h).where(h.c.device_id == device.id, among(conn, h.c.youth_id, back))
                                 .values(gone_since=None))
                new = [yid for yid in arrived if page_youth[yid][HOLDING] is None]
                if new:
                    hold(conn, device.id, new)
                if since:  # back in scope: their older records are not in this feed any more
                    extra = list(conn.execute(select(*pull.sent).where(
                        among(conn, r.c.owner_id, arrived), r.c.id != r.c.owner_id, r.c.seq <= since)
                        .order_by(r.c.seq)))
            # A youth leaves this user's scope by a write to the youth (worker, unit, sealed), which
            # gives it a sequence number: only youth written within this page's range can have
            # left it (a change of the user's own scope starts the feed again from 0, above). Plus
            # the news not yet taken, sent again until the device pulls past it.
            gone = sorted({g for (g,) in conn.execute(pull.gone, {**asked, "upto": upto})})
            if gone:
                conn.execute(update(h).where(h.c.device_id == device.id, among(conn, h.c.youth_id, gone),
                                             h.c.gone_since.is_(None)).values(gone_since=since))
            page_rows = [*rows, *extra]
            states = accounts.withhold(conn, who, [row[KIND] for row in page_rows],
                                       _state_texts(conn, page_rows), protocol=protocol)
        tail = {"gone": gone, "next": upto, "more": more,
                "server_time": self.now()}
        return ('{"records":[' + ",".join(states) + "]," + json.dumps(tail)[1:]).encode()

    # Audit ------------------------------------------------------------------------

    def store_audit(self, device: Device, push: P.AuditPush) -> P.AuditAck:
        a = T.audit
        entries: dict[int, P.AuditEntry] = {}
        for entry in push.entries:  # a batch naming one entry twice stores it once (the first)
            entries.setdefault(entry.seq, entry)
        try:
            with self.engine.begin() as conn:
                stored = 0
                if entries:
                    # Uploads race (a desktop retrying while its first request still runs): the
                    # insert skips what another transaction stored first rather than fail on the
                    # key; the database makes it wait for that transaction, then skip.
                    stored = len(conn.execute(
                        insert_new(conn, a).values([
                            {**e.model_dump(exclude={"device"}), "device_id": device.id,
                             "county": device.who.county, "received_at": self.now()}
                            for e in entries.values()]).returning(a.c.seq)).all())
                    held = dict(conn.execute(select(a.c.seq, a.c.mac).where(
                        a.c.device_id == device.id, a.c.seq.in_(list(entries)))).all())
                    # The hub is the trail's anchor outside the device: an entry it holds is never
                    # replaced, and one sent again with another seal means the device's trail was
                    # rewritten; nothing of such a batch is kept.
                    rewritten = sorted(s for s, e in entries.items() if held.get(s) != e.mac)
                    if rewritten:
                        raise _Rewritten(rewritten)
                last = conn.execute(select(a.c.seq).where(a.c.device_id == device.id)
                                    .order_by(a.c.seq.desc()).limit(1)).scalar()
        except _Rewritten as found:
            with self.engine.begin() as conn:
                self._event(conn, device.who.county, device.who.username, "audit_rewritten", device.id,
                            f"entries {found.seqs[0]}..{found.seqs[-1]} differ from what it sent before")
            raise Refusal(409, "audit_rewritten",
                          f"The audit trail on this device differs from what it sent before (entry "
                          f"{found.seqs[0]}): it was rewritten. The county has been told; keep the device "
                          "as it is and call your administrator.") from None
        return P.AuditAck(stored=stored, last_seq=int(last or 0))

    def status(self, device: Device) -> P.DeviceStatus:
        with self.engine.connect() as conn:
            days = self._max_offline_days(conn, device.who.county)
        return P.DeviceStatus(device_id=device.id, status="active", username=device.who.username,
                              role=device.who.role.value, max_offline_days=days, server_time=self.now())

    # Helpers -----------------------------------------------------------------------

    def _require_county(self, conn: Connection, county: str) -> None:
        if conn.execute(select(T.counties.c.id).where(T.counties.c.id == county)).first() is None:
            raise Refusal(404, "not_found", f"No county {county!r} on this hub; add it first.")

    def _user(self, conn: Connection, county: str, username: str, *, missing: int) -> Who:
        row = conn.execute(select(T.users).where(T.users.c.county == county,
                                                 T.users.c.username == username)).mappings().first()
        return who_from_row(county, username, row, missing=missing)

    def _max_offline_days(self, conn: Connection, county: str) -> int:
        return int(conn.execute(select(T.counties.c.max_offline_days)
                                .where(T.counties.c.id == county)).scalar_one())

    def _event(self, conn: Connection, county: str, actor: str, action: str,
               device_id: str | None = None, detail: str = "") -> None:
        conn.execute(insert(T.hub_events).values(county=county, at=self.now(), actor=actor,
                                                 action=action, device_id=device_id, detail=detail))


class _Rewritten(Exception):
    """Entries the hub holds came again with another seal (rolls the upload back)."""

    def __init__(self, seqs: list[int]) -> None:
        super().__init__(seqs)
        self.seqs = seqs


ID, KIND, SEQ, STATE, OPEN, HOLDING = range(6)
"""The columns of a pull page's rows, by position (tuples: mappings were a tenth of a page)."""

Compiled = tuple[str, dict[str, Any]]
"""A statement as the driver takes it: its text and its parameters' values."""


@dataclass(frozen=True)
class _PullStatements:
    """A pull page's statements for one scope, built once, with the page's values as parameters
    (county, device, since, limit, upto): building and compiling them for every page was a fifth
    of a page's time at the hub, and reading its rows through the SQL layer another."""

    sent: tuple[ColumnElement[Any], ...]
    """What a page sends of a record: id, kind, seq, its state, whether a conflict is open on it
    (read by position: ID, KIND, SEQ, STATE, OPEN; a page's rows add HOLDING)."""
    forget: Any
    """Delete the device's youth named gone before `since`: the device has taken the news."""
    top: Any
    page: Any
    gone: Any
    driver: tuple[Compiled, Compiled, Compiled] | None = None
    """forget, top and page compiled for PostgreSQL's driver."""

    def start(self, conn: Connection, asked: dict[str, Any]) -> tuple[int, list[Any]]:
        """Forget what the device took, then read the county's counter and the page's rows (one
        more than the limit: whether more follow). On PostgreSQL in one round trip."""
        if self.driver is None:
            conn.execute(self.forget, asked)
            top = int(conn.execute(self.top, asked).scalar_one())
            return top, list(conn.execute(self.page, asked))
        raw = conn.connection.driver_connection
        assert raw is not None
        cursors = [raw.cursor() for _ in self.driver]
        with raw.pipeline():
            for cursor, (sql, params) in zip(cursors, self.driver, strict=True):
                cursor.execute(sql, {**params, **{k: v for k, v in asked.items() if k in params}})
        counter, rows = cursors[1].fetchall(), cursors[2].fetchall()
        for cursor in cursors:
            cursor.close()
        return int(counter[0][0]), rows


@functools.lru_cache(maxsize=256)
def _pull_statements(scope: Scope, dialect: Dialect) -> _PullStatements:
    r, y, h, hd = T.records, T.records.alias("y"), T.holdings, T.holdings.alias("hd")
    county: BindParameter[str] = bindparam("county")
    device: BindParameter[str] = bindparam("device")
    since: BindParameter[int] = bindparam("since")
    c = T.conflicts
    is_open = exists().where(c.c.record_id == r.c.id, c.c.resolved_at.is_(None))
    sent = (r.c.id, r.c.kind, r.c.seq, r.c.state, is_open.label("open"))
    # Whether the device holds each youth, and since when it was named gone (-1: not gone), comes
    # with the page: one statement, not a lookup of the page's youth after it.
    holding = select(func.coalesce(hd.c.gone_since, -1)).where(
        hd.c.device_id == device, hd.c.youth_id == r.c.id).scalar_subquery()
    scoped = visibility_sql.clause(scope, y)
    page = (select(*sent, case((r.c.kind == "youth", holding)).label("holding"))
            .select_from(r.outerjoin(y, and_(y.c.id == r.c.owner_id, y.c.kind == "youth")))
            .where(r.c.county == county, r.c.seq > since, or_(y.c.id.is_(None), scoped))
            .order_by(r.c.seq).limit(bindparam("limit")))
    mine = and_(h.c.youth_id == y.c.id, h.c.device_id == device)
    moved = select(y.c.id).select_from(y.join(h, mine)).where(
        y.c.county == county, y.c.seq > since, y.c.seq <= bindparam("upto"), y.c.kind == "youth",
        h.c.gone_since.is_(None), not_(scoped))
    told = select(y.c.id).select_from(h.join(y, y.c.id == h.c.youth_id)) \
        .where(h.c.device_id == device, h.c.gone_since >= since, not_(scoped))
    forget = delete(h).where(h.c.device_id == device, h.c.gone_since < since)
    top = select(T.counties.c.seq).where(T.counties.c.id == county)
    driver = None
    if dialect.name == "postgresql":
        def compiled(statement: Any) -> Compiled:
            done = statement.compile(dialect=dialect)
            return str(done), dict(done.params)

        driver = (compiled(forget), compiled(top), compiled(page))
    return _PullStatements(sent=sent, forget=forget, top=top, page=page, gone=moved.union(told),
                           driver=driver)


def _state_texts(conn: Connection, rows: list[Any]) -> list[str]:
    """Each row's state (tables.records), with the conflicts still open on it."""
    ids = [r[ID] for r in rows if r[OPEN]]
    open_conflicts: dict[str, list[dict[str, Any]]] = {}
    if ids:
        c = T.conflicts
        for row in conn.execute(select(c).where(among(conn, c.c.record_id, ids), c.c.resolved_at.is_(None))
                                .order_by(c.c.created_at, c.c.id)).mappings():
            open_conflicts.setdefault(row["record_id"], []).append(P.ConflictState(
                conflict_id=row["id"], field=row["field"], created_at=row["created_at"],
                values=[P.ConflictValue(**v) for v in row["values"]]).model_dump(mode="json"))
    if not open_conflicts:
        return [r[STATE] for r in rows]
    return [json.dumps({**json.loads(r[STATE]), "conflicts": open_conflicts[r[ID]]})
            if r[ID] in open_conflicts else r[STATE] for r in rows]

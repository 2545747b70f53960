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
import hashlib
import hmac
import json
import operator
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from pydantic_core import to_json
from sqlalchemy import (
    JSON,
    Connection,
    Dialect,
    Engine,
    Table,
    and_,
    any_,
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
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from sqlalchemy.sql.selectable import NamedFromClause

from csec_desktop.domain.kinds import KINDS
from csec_desktop.domain.merge import LIST_MERGE, merge_list
from csec_desktop.domain.people import ROLE_PERMISSIONS, Permission, Role, permissions_of
from csec_desktop.domain.visibility import Scope
from csec_desktop.errors import ValidationFailed
from csec_desktop.hub import tables as T
from csec_desktop.hub import visibility_sql
from csec_desktop.ids import new_id
from csec_desktop.sync import protocol as P

HLC_AHEAD_MS = 5 * 60 * 1000
"""Stamps further than this in the hub's future are kept but flagged (a device clock far ahead)."""
HLC_REFUSED_MS = 7 * 24 * 3600 * 1000
"""Stamps further than this in the hub's future are refused: kept, they would become the field's
stamp for every device (which follow stamps up to a week ahead only, clock.OBSERVE_AHEAD_MS).
Clocks a day or two apart are ordinary (the model test skews them by up to a day) and lose nothing."""
ENROLLMENT_HOURS = 24
LAST_SEEN_EVERY_S = 60
"""A device's last contact is written again after this long (it counts days offline)."""
Row = Mapping[Any, Any]
_PERMISSIONS = frozenset(p.value for p in Permission)


class Refusal(Exception):
    """An answer other than success: HTTP status, a short error code and what to do."""

    def __init__(self, status: int, error: str, detail: str, *, wipe: bool = False,
                 retry_after: int = 0) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.wipe = wipe
        self.retry_after = retry_after

    def problem(self) -> P.Problem:
        return P.Problem(error=self.error, detail=self.detail, wipe=self.wipe)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Who:
    """The person a device acts for, as the hub knows them."""

    county: str
    username: str
    role: Role
    unit: str | None
    extra: frozenset[Permission] = frozenset()
    """Grants beyond the role (`User.extra_permissions` on the desktop)."""

    @cached_property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.role, self.extra)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @cached_property
    def visibility(self) -> Scope:
        """Which youth this person may see: the desktop's one rule (domain/visibility.py)."""
        return Scope.of(self.permissions, self.username, self.unit)

    @property
    def scope_key(self) -> str:
        """Changes when the role, the unit or the grants beyond the role change (the feed then
        starts again). Without grants it is `role|unit`, as before grants were kept."""
        grants = "".join(f"+{p.value}" for p in sorted(self.extra - ROLE_PERMISSIONS[self.role]))
        return f"{self.role.value}{grants}|{self.unit or ''}"

    def sees(self, youth: Row) -> bool:
        """The desktop's rule (caseload.can_see) on a youth row."""
        return self.visibility.allows(youth["worker"], youth["unit"], bool(youth["sealed"]))

    def scope(self, y: NamedFromClause) -> ColumnElement[bool]:
        """The same rule in SQL over an alias of the records table holding youth rows."""
        return visibility_sql.clause(self.visibility, y)


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    who: Who
    scope_key: str | None


@dataclass(frozen=True)
class Admin:
    county: str
    name: str
    id: str = ""
    """The token's id (`admin_id`), when known."""


ADMIN_ID_LENGTH = 12


def admin_id(token_hash: str) -> str:
    """An administrator token's id: the start of its hash, which says nothing of the token."""
    return token_hash[:ADMIN_ID_LENGTH]


def token_id(token: str) -> str:
    """The id of an administrator token (`admin_id` of its hash)."""
    return admin_id(_hash(token))


KNOWN_FOR_S = 60.0
"""How long credentials found enrolled are taken as known without asking the database again."""


class Hub:
    def __init__(self, engine: Engine, wall: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.wall = wall
        self._known: dict[tuple[str, str], float] = {}
        """(device id, secret hash) found enrolled, until when (monotonic): see `knows_device`."""

    def now(self) -> str:
        return _iso(self.wall())

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
            conn.execute(insert(T.admins).values(token_hash=_hash(token), county=county, name=name,
                                                 created_at=self.now()))
            self._event(conn, county, "cli", "admin_added", detail=f"{name} {admin_id(_hash(token))}")
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
            return [_hub_user(r) for r in rows]

    def set_user_disabled(self, admin: Admin, username: str, disabled: bool) -> P.HubUser:
        """Disable a person (their devices are refused from the next request, enrolment codes for
        them too), or enable them again; recorded in the hub's events."""
        with self.engine.begin() as conn:
            key = and_(T.users.c.county == admin.county, T.users.c.username == username)
            if conn.execute(update(T.users).where(key).values(disabled=disabled)).rowcount != 1:
                raise Refusal(404, "unknown_user", "This user is not on the hub's list for the county.")
            self._event(conn, admin.county, admin.name, "user_disabled" if disabled else "user_enabled",
                        detail=username)
            return _hub_user(conn.execute(select(T.users).where(key)).mappings().one())

    # Enrolment, revocation, release ---------------------------------------------

    def new_enrollment(self, admin: Admin, username: str) -> P.EnrollmentCode:
        code = secrets.token_hex(6).upper()  # 12 characters an administrator can read out
        expires = _iso(self.wall() + ENROLLMENT_HOURS * 3600)
        with self.engine.begin() as conn:
            self._user(conn, admin.county, username, missing=404)
            conn.execute(insert(T.enrollments).values(
                code_hash=_hash(code), county=admin.county, username=username, expires_at=expires))
            self._event(conn, admin.county, admin.name, "enrollment_code", detail=username)
        return P.EnrollmentCode(code=code, expires_at=expires)

    def cancel_enrollment(self, admin: Admin, code: str) -> None:
        """An enrolment code not used yet stops working (given to the wrong person, or no longer
        needed); recorded in the hub's events. A used, expired or unknown code: 404."""
        e = T.enrollments
        with self.engine.begin() as conn:
            key = and_(e.c.code_hash == _hash(code.strip().upper()), e.c.county == admin.county,
                       e.c.used_at.is_(None), e.c.expires_at >= self.now())
            row = conn.execute(select(e.c.username).where(key)).first()
            if row is None or conn.execute(update(e).where(key).values(used_at=self.now())).rowcount != 1:
                raise Refusal(404, "not_found", "No enrolment code of this county waiting to be used.")
            self._event(conn, admin.county, admin.name, "enrollment_cancelled", detail=str(row[0]))

    def enroll(self, request: P.EnrollRequest) -> P.Enrollment:
        with self.engine.begin() as conn:
            row = conn.execute(select(T.enrollments).where(
                T.enrollments.c.code_hash == _hash(request.code.strip().upper()))).mappings().first()
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
                secret_hash=_hash(secret), status="active", enrolled_at=self.now(),
                last_seen=self.now()))
            self._event(conn, who.county, who.username, "device_enrolled", device_id, request.device_name)
            days = self._max_offline_days(conn, who.county)
        return P.Enrollment(device_id=device_id, secret=secret, county=who.county, username=who.username,
                            role=who.role.value, max_offline_days=days, server_time=self.now())

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
            row = conn.execute(select(T.admins).where(T.admins.c.token_hash == _hash(token))
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
        key, now = (device_id, _hash(secret)), time.monotonic()
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
            if row is None or not hmac.compare_digest(row["secret_hash"], _hash(secret)):
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
                who = _who(row["county"], row["username"], row if row["user_found"] else None, missing=403)
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
            counter = _Counter(conn, who.county, device.id, request, now)
            for op in request.ops:
                outcome, detail = apply_op(conn, counter, device, op, now)
                # made from what the hub itself decided: no need to validate it again
                results.append(P.OpResult.model_construct(op_id=op.op_id, result=outcome, detail=detail))
            for resolution in request.resolutions:
                if _resolve(conn, counter, device, resolution, self.now()):
                    resolved.append(resolution.resolution_id)
            counter.save()
        return P.PushResponse(results=results, resolved=resolved, server_time=self.now())

    # Pull -----------------------------------------------------------------------

    def pull(self, device: Device, since: int, limit: int) -> P.PullResponse:
        """One page, as a model (in-process callers; the endpoint sends `pull_page`'s bytes)."""
        return P.PullResponse.model_validate_json(self.pull_page(device, since, limit))

    def pull_page(self, device: Device, since: int, limit: int) -> bytes:
        """One page of P.PullResponse as JSON. Bodies and stamps go out as the text the database
        holds: parsing them into Python and writing them back was most of the hub's pull."""
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
                    conn.execute(update(h).where(h.c.device_id == device.id, _among(conn, h.c.youth_id, back))
                                 .values(gone_since=None))
                new = [yid for yid in arrived if page_youth[yid][HOLDING] is None]
                if new:
                    _hold(conn, device.id, new)
                if since:  # back in scope: their older records are not in this feed any more
                    extra = list(conn.execute(select(*pull.sent).where(
                        _among(conn, r.c.owner_id, arrived), r.c.id != r.c.owner_id, r.c.seq <= since)
                        .order_by(r.c.seq)))
            # A youth leaves this user's scope by a write to the youth (worker, unit, sealed), which
            # gives it a sequence number: only youth written within this page's range can have
            # left it (a change of the user's own scope starts the feed again from 0, above). Plus
            # the news not yet taken, sent again until the device pulls past it.
            gone = sorted({g for (g,) in conn.execute(pull.gone, {**asked, "upto": upto})})
            if gone:
                conn.execute(update(h).where(h.c.device_id == device.id, _among(conn, h.c.youth_id, gone),
                                             h.c.gone_since.is_(None)).values(gone_since=since))
            states = _state_texts(conn, [*rows, *extra])
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
                        _insert_new(conn, a).values([
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
        return _who(county, username, row, missing=missing)

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


def _among(conn: Connection, column: ColumnElement[Any], values: list[str]) -> ColumnElement[bool]:
    """`column IN values`, for ids. On PostgreSQL as `= ANY(string_to_array(text, ','))`, one text
    parameter: an IN list of 500 ids was compiled and parsed anew for every page (a third of a
    pull's time at the hub), and an array parameter took 2.1 ms to send against 1.3 ms."""
    if conn.dialect.name == "postgresql":
        joined = ",".join(values)
        if joined.count(",") == len(values) - 1:  # ids never hold a comma; anything else goes below
            return column == any_(func.string_to_array(joined, ","))
    return column.in_(values)


def _insert_new(conn: Connection, table: Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING, in the dialect of the connection."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


Lookups = tuple[int, list[dict[str, Any]], list[dict[str, Any]], set[tuple[str, str]]]


def _lookups(conn: Connection, county: str, ids: list[str], wanted: list[str]) -> Lookups:
    """What a push reads before it applies anything: the county's counter (locked until the push
    commits), the operations already applied among its ids, the records it names, and their fields
    with a conflict open. On PostgreSQL the four statements go in one round trip (a pipeline):
    one after the other they were a fifth of a push of 500 operations at the hub."""
    o, r, c = T.ops, T.records, T.conflicts
    if conn.dialect.name == "postgresql" and not any("," in i for i in (*ids, *wanted)):
        from psycopg.rows import dict_row

        raw = conn.connection.driver_connection
        assert raw is not None
        ops_columns = ", ".join(f'"{n}"' for n in ("op_id", "result", "county", "record_id", "op", "fields",
                                                    "hlc", "detail"))
        statements = [
            ("SELECT seq FROM counties WHERE id = %s FOR UPDATE", [county]),
            (f"SELECT {ops_columns} FROM ops WHERE op_id = ANY(string_to_array(%s, ','))", [",".join(ids)]),
            ("SELECT * FROM records WHERE id = ANY(string_to_array(%s, ','))", [",".join(wanted)]),
            ("SELECT record_id, field FROM conflicts WHERE record_id = ANY(string_to_array(%s, ',')) "
             "AND resolved_at IS NULL", [",".join(wanted)]),
        ]
        cursors = [raw.cursor(row_factory=dict_row) for _ in statements]
        with raw.pipeline():
            for cursor, (sql, args) in zip(cursors, statements, strict=True):
                cursor.execute(sql, args)
        counter, done, found, conflicts = (cursor.fetchall() for cursor in cursors)
        for cursor in cursors:
            cursor.close()
        if not counter:
            raise LookupError(f"no county {county}")
        return (int(counter[0]["seq"]), done, found,
                {(row["record_id"], row["field"]) for row in conflicts})
    seq = int(conn.execute(select(T.counties.c.seq).where(T.counties.c.id == county).with_for_update())
              .scalar_one())
    done = [dict(row) for row in conn.execute(
        select(o.c.op_id, o.c.result, o.c.county, o.c.record_id, o.c.op, o.c.fields, o.c.hlc, o.c.detail)
        .where(_among(conn, o.c.op_id, ids))).mappings()] if ids else []
    found = [dict(row) for row in conn.execute(
        select(r).where(_among(conn, r.c.id, wanted))).mappings()] if wanted else []
    open_fields = {(row.record_id, row.field) for row in conn.execute(
        select(c.c.record_id, c.c.field).where(_among(conn, c.c.record_id, wanted),
                                              c.c.resolved_at.is_(None)))} if wanted else set()
    return seq, done, found, open_fields


class _Counter:
    """One push's working set: the county's sequence, locked for the length of the push (see
    tables.counties), and the batch's records and earlier outcomes read in one query each
    rather than one per operation."""

    def __init__(self, conn: Connection, county: str, device_id: str, request: P.PushRequest,
                 now: float) -> None:
        self.conn = conn
        self.device_id = device_id
        self.received_at = _iso(now)
        self.county = county
        ids = [op.op_id for op in request.ops]
        wanted = {op.record_id for op in request.ops} | {op.owner_id for op in request.ops if op.owner_id}
        seq, done, found, open_fields = _lookups(conn, county, ids, sorted(wanted))
        self.value = self.start = seq
        self.done: dict[str, tuple[str, str, str]] = {}
        """Operations already applied: (outcome, county, detail)."""
        self.content: dict[str, tuple[Any, ...]] = {}
        """What each operation already applied carried: a replay must carry the same."""
        for r in done:
            self.done[r["op_id"]] = (r["result"], r["county"], r["detail"])
            self.content[r["op_id"]] = (r["record_id"], r["op"], r["fields"], r["hlc"])
        self.records: dict[str, Row | None] = dict.fromkeys(wanted)
        for row in found:
            self.records[row["id"]] = _opened(row)
        self.new_ops: list[dict[str, Any]] = []
        self.fresh: dict[str, dict[str, Any]] = {}
        self.changed: dict[str, dict[str, Any]] = {}
        """Records of the county changed by this push: the columns changed, written by `save`."""
        self.holdings: set[str] = set()
        """Youth the pushing device created: it holds them as if pulled, so a later move out of its
        user's caseload reaches it as `gone` even if it never pulled the youth."""
        # Fields with a conflict still open: a change to one joins the conflict (a person deciding
        # must see it) unless this push carries that person's decision of it.
        c = T.conflicts
        self.open: set[tuple[str, str]] = open_fields
        decided = [r.conflict_id for r in request.resolutions]
        self.deciding: set[tuple[str, str]] = {(r.record_id, r.field) for r in conn.execute(
            select(c.c.record_id, c.c.field).where(_among(conn, c.c.id, decided)))} if decided else set()

    def record(self, record_id: str) -> Row | None:
        if record_id not in self.records:
            row = self.conn.execute(select(T.records).where(T.records.c.id == record_id)).mappings().first()
            self.records[record_id] = _opened(row) if row is not None else None
        return self.records[record_id]

    def write(self, record_id: str, values: dict[str, Any], *, new: bool = False) -> None:
        """New records are inserted together at the end of the push (one statement); a later
        operation of the same batch reads and changes them here meanwhile."""
        if new:
            self.fresh[record_id] = {"id": record_id, **values}
            self.records[record_id] = self.fresh[record_id]
        elif record_id in self.fresh:
            self.fresh[record_id].update(values)
        else:
            self.changed.setdefault(record_id, {}).update(values)
            self.records[record_id] = {**(self.records.get(record_id) or {}), **values}

    def next(self) -> int:
        self.value += 1
        return self.value

    def save(self) -> None:
        if self.fresh:
            for row in self.fresh.values():
                row["state"] = _state_text(row)
            _insert_rows(self.conn, T.records, list(self.fresh.values()))
        # Records changed, one statement per set of columns changed (run as one batch by the
        # driver): an UPDATE per operation was most of a daily push of a hundred edits. Every
        # write changes the record's sequence number, so its state too.
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for record_id, changed in self.changed.items():
            values = {k: v for k, v in changed.items() if k not in IN_STATE_ONLY}
            values["state"] = _state_text(self.records[record_id] or {})
            groups.setdefault(tuple(sorted(values)), []).append(
                {"_record": record_id, **{f"_{k}": v for k, v in values.items()}})
        r = T.records
        for names, rows in groups.items():
            self.conn.execute(update(r).where(r.c.id == bindparam("_record"))
                              .values({n: bindparam(f"_{n}", type_=r.c[n].type) for n in names}), rows)
        if self.new_ops:
            _insert_rows(self.conn, T.ops, self.new_ops)
        if self.holdings:
            _hold(self.conn, self.device_id, sorted(self.holdings))
        if self.value != self.start:
            self.conn.execute(update(T.counties).where(T.counties.c.id == self.county).values(seq=self.value))


IN_STATE_ONLY = ("body", "stamps")
"""What a record holds in its state text alone (tables.records)."""


def _state_text(rec: Mapping[str, Any]) -> str:
    """A record's state as a pull sends it (P.RecordState, with no conflicts: `_state_texts` adds
    those open when a page is sent)."""
    return to_json({"id": rec["id"], "kind": rec["kind"], "owner_id": rec["owner_id"],
                    "version": rec["version"], "updated_at": rec["updated_at"],
                    "updated_by": rec["updated_by"], "seq": rec["seq"], "deleted": bool(rec["deleted"]),
                    "body": rec["body"], "stamps": rec["stamps"], "conflicts": []}).decode()


def _opened(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A stored record with its body and stamps read from its state, to merge into."""
    state = json.loads(row["state"])
    return {**row, "body": state["body"], "stamps": state["stamps"]}


def _hold(conn: Connection, device_id: str, youth_ids: list[str]) -> None:
    """Record that a device holds each youth (kept if already held). On PostgreSQL in one statement
    from the ids joined by commas (as `_among`): a VALUES list of 500 rows was parsed anew by the
    driver every push, and arrays of ids took the driver longer to send than the rows to store."""
    joined = ",".join(youth_ids)
    if conn.dialect.name == "postgresql" and joined.count(",") == len(youth_ids) - 1:
        conn.exec_driver_sql(
            "INSERT INTO holdings (device_id, youth_id) SELECT %(d)s, y "
            "FROM unnest(string_to_array(%(y)s, ',')) AS t(y) ON CONFLICT DO NOTHING",
            {"d": device_id, "y": joined})
        return
    conn.execute(_insert_new(conn, T.holdings).values([{"device_id": device_id, "youth_id": y}
                                                       for y in youth_ids]))


def _insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Many new rows at once: on PostgreSQL by COPY (a push's records and operations took three
    times longer as an INSERT per row, even pipelined), elsewhere by executemany."""
    if conn.dialect.name != "postgresql":
        names = set(table.c.keys())
        conn.execute(insert(table), [{k: v for k, v in row.items() if k in names} for row in rows])
        return
    layout = _copy_layout(table)
    quoted = ", ".join(f'"{n}"' for n, _, _ in layout)
    every = operator.itemgetter(*(n for n, _, _ in layout))
    as_json = [i for i, (_, is_json, _) in enumerate(layout) if is_json]
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            try:
                values = list(every(row))  # a row naming every column, as a push makes them: in one call
            except KeyError:
                values = [row.get(n, default) for n, _, default in layout]
            for i in as_json:
                # pydantic's encoder: json.dumps was a tenth of a push (3.3 against 0.9 us a body)
                values[i] = to_json(values[i]).decode()
            copy.write_row(values)


@functools.cache
def _copy_layout(table: Table) -> tuple[tuple[str, bool, Any], ...]:
    """A table's columns: each name, whether it holds JSON, and its scalar default."""
    return tuple((c.name, isinstance(c.type, JSON),
                  c.default.arg if isinstance(c.default, ScalarElementColumnDefault) else None)
                 for c in table.columns)


def apply_op(conn: Connection, counter: _Counter, device: Device, op: P.Op,
             now: float) -> tuple[P.OpOutcome, str]:
    """Apply one operation once; the outcome is stored with it, so a replay answers the same."""
    fields = op.fields
    for name, change in fields.items():  # every key present, as our desktops send them
        if len(change) != 3:
            fields[name] = {"old": change.get("old"), "new": change.get("new"), "base": change.get("base")}
    carried = (op.record_id, op.op, fields, op.hlc)
    done = counter.done.get(op.op_id)
    if done is not None:
        if done[1] != device.who.county:
            return "duplicate", ""
        if counter.content.get(op.op_id, carried) != carried:
            # Not a replay: different content under a used id would be acknowledged and dropped.
            return "refused", "this operation id was already used for other content; send it with a new id"
        if done[0] == "refused":
            # Answered as the first time: a desktop whose answer was lost must keep the change as
            # refused (listed, and kept if the youth leaves), not take it as delivered.
            return "refused", done[2]
        return "duplicate", done[0]
    millis = int(op.hlc.split("-", 1)[0])
    outcome: P.OpOutcome
    if millis > now * 1000 + HLC_REFUSED_MS:
        outcome, detail = "refused", ("this device's clock is more than a week ahead of the hub's; set the "
                                      "date and time right, then edit again")
    else:
        outcome, detail = _merge(conn, counter, device, op)
    if op.user != device.who.username:  # kept for the record, attributed to who it really was
        detail = f"{detail}; the device named {op.user[:64]}".lstrip("; ")
    counter.new_ops.append(dict(
        op_id=op.op_id, county=device.who.county, device_id=device.id, user=device.who.username,
        record_id=op.record_id, op=op.op, fields=fields, hlc=op.hlc,
        hlc_ahead=millis > now * 1000 + HLC_AHEAD_MS, at=op.at, received_at=counter.received_at,
        result=outcome, detail=detail))
    counter.done[op.op_id] = (outcome, device.who.county, detail)
    counter.content[op.op_id] = carried
    return outcome, detail


UNKNOWN = "unknown record"
"""The same words whether a record does not exist or belongs to a caseload the user may not see."""


def _merge(conn: Connection, counter: _Counter, device: Device, op: P.Op) -> tuple[P.OpOutcome, str]:
    who = device.who
    model = KINDS.get(op.kind)
    if model is None:
        return "refused", f"unknown kind {op.kind}"
    known = model.model_fields
    bad = [f for f in op.fields if f not in known] if op.op != "delete" else []
    if bad:
        return "refused", "not fields of this record: " + ", ".join(sorted(bad))
    rec = counter.record(op.record_id)
    if rec is not None and (rec["county"] != who.county or rec["kind"] != op.kind
                            or not _may_touch(counter, who, rec)):
        return "refused", UNKNOWN
    # The author is the person the hub authenticated (the device's enrolled user), never the name
    # an operation claims: that record may be read in court.
    author = [who.username, device.id, op.at]
    if rec is None:
        if op.op != "create":
            return "refused", UNKNOWN
        body = {k: v["new"] for k, v in op.fields.items()}
        try:
            model.parse(body)
        except ValidationFailed as exc:
            return "refused", "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
        owner = str(body.get(model.owner_field) or "") if model.owner_field else op.record_id
        if model.owner_field:
            youth = counter.record(owner)
            if youth is None or youth["kind"] != "youth" or youth["county"] != who.county \
                    or not who.sees(youth):
                return "refused", UNKNOWN
        elif op.kind != "youth" and not who.can(Permission.MANAGE_DIRECTORY):
            return "refused", "this role may not change the county directory"
        counter.write(op.record_id, dict(
            county=who.county, kind=op.kind, owner_id=owner, version=1, deleted=False,
            body=body, stamps=dict.fromkeys(body, op.hlc), authors={EVERY_FIELD: author},
            updated_at=op.at, updated_by=who.username, seq=counter.next(),
            **{"worker": None, "unit": None, "sealed": False, **_scope_columns(op.kind, body)}), new=True)
        if op.kind == "youth":
            counter.holdings.add(op.record_id)
        return "applied", ""
    if op.op == "delete":
        if not rec["deleted"]:
            counter.write(rec["id"], dict(deleted=True, version=rec["version"] + 1, updated_at=op.at,
                                          updated_by=who.username, seq=counter.next()))
        return "applied", ""
    body, stamps, authors = dict(rec["body"]), dict(rec["stamps"]), dict(rec["authors"])
    changed: list[str] = []
    clashing: list[str] = []
    for name, change in op.fields.items():
        if rec["deleted"]:
            clashing.append(name)
        elif change["new"] == body.get(name):
            continue
        elif (rec["id"], name) in counter.open and (rec["id"], name) not in counter.deciding:
            clashing.append(name)  # a value written while a conflict is open is shown, not applied
        elif change["base"] == stamps.get(name):
            if name == model.owner_field:
                return "refused", f"{name} cannot be changed"
            body[name], stamps[name], authors[name] = change["new"], op.hlc, author
            changed.append(name)
        elif (op.kind, name) in LIST_MERGE and isinstance(body.get(name) or [], list):
            # Changed on both sides: items merge one by one; only a clash on one item is a conflict.
            merged, clashes = merge_list(LIST_MERGE[(op.kind, name)], change["old"], change["new"],
                                         body.get(name))
            if clashes:
                clashing.append(name)
            elif merged != body.get(name):
                # A value no device wrote gets a stamp of its own: under the operation's stamp,
                # the writer's next edit (made before it pulled the merge, against its own list)
                # would match it as `base` and replace the merged list, losing the other items.
                stamp = op.hlc if merged == change["new"] else f"{op.hlc}:merged"
                body[name], stamps[name], authors[name] = merged, stamp, author
                changed.append(name)
        else:
            clashing.append(name)
    if changed:
        try:
            model.parse(body)
        except ValidationFailed:
            # Valid alone, invalid with the other device's fields: a person decides.
            clashing += changed
            changed = []
            body, stamps, authors = dict(rec["body"]), dict(rec["stamps"]), dict(rec["authors"])
    for name in clashing:
        user, device_id, at = _author(rec, name)
        current = [P.ConflictValue(value=rec["body"].get(name), stamp=rec["stamps"].get(name),
                                   user=user, device=device_id, at=at)]
        if rec["deleted"]:
            # One side is the deletion, by whoever deleted the record; the value it held is a side
            # too when this edit was not made against it (restoring must not drop it unseen).
            deletion = P.ConflictValue(value=None, deleted=True, stamp=None, user=rec["updated_by"],
                                       device="hub", at=rec["updated_at"])
            same_base = op.fields[name]["base"] == rec["stamps"].get(name)
            current = [deletion] if same_base or name not in rec["body"] else [deletion, *current]
        proposed = P.ConflictValue(value=op.fields[name]["new"], stamp=op.hlc, user=who.username,
                                   device=device.id, at=op.at)
        _keep_conflict(conn, who.county, rec["id"], name, current, proposed, op.at)
    if not changed and not clashing:
        return "applied", "no change"
    values: dict[str, Any] = {"seq": counter.next()}
    if changed:
        values.update(body=body, stamps=stamps, authors=authors, version=rec["version"] + 1,
                      updated_at=op.at, updated_by=who.username, **_scope_columns(op.kind, body))
    counter.write(rec["id"], values)
    if clashing:
        return "conflict", ", ".join(sorted(clashing))
    return "applied", ""


EVERY_FIELD = ""
"""The key in a record's `authors` for every field not named in it: a record's fields are written
by one person when it is created, and naming them field by field was half of each new record's
row (a push of 100,000 records wrote 160 MB of the same three strings). No field is named ""."""


def _author(rec: Row, name: str) -> tuple[str, str, str]:
    """Who wrote a field of a record, from which device, when: [user, device, at]."""
    found = rec["authors"].get(name) or rec["authors"].get(EVERY_FIELD)
    if not found:  # a record written before authors were kept
        return rec["updated_by"], "hub", rec["updated_at"]
    return found[0], found[1], found[2]


def _who(county: str, username: str, row: Mapping[Any, Any] | None, *, missing: int) -> Who:
    """The person a user row names (role, unit, grants), or the refusal for a user not listed
    (`missing`: the status to answer) or disabled."""
    if row is None:
        raise Refusal(missing, "unknown_user" if missing == 404 else "forbidden",
                      "This user is not on the hub's list for the county.")
    if row["disabled"]:
        raise Refusal(403, "user_disabled", "This person is disabled at the hub: nothing is sent or "
                      "received for them. Ask the hub administrator.")
    # A grant this version does not know (written by a later one) grants nothing.
    extra = frozenset(Permission(g) for g in row["extra_permissions"] or () if g in _PERMISSIONS)
    return Who(county=county, username=username, role=Role(row["role"]), unit=row["unit"], extra=extra)


def _hub_user(row: Row) -> P.HubUser:
    grants = [Permission(g) for g in row["extra_permissions"] or () if g in _PERMISSIONS]
    return P.HubUser(county=row["county"], username=row["username"], role=row["role"], unit=row["unit"],
                     extra_permissions=grants, disabled=bool(row["disabled"]))


def _may_touch(counter: _Counter, who: Who, rec: Row) -> bool:
    if rec["kind"] == "youth":
        return who.sees(rec)
    if rec["owner_id"] == rec["id"]:
        return True  # county-wide records (the directory)
    youth = counter.record(rec["owner_id"])
    return youth is not None and who.sees(youth)


def _scope_columns(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    if kind != "youth":
        return {}
    return {"worker": body.get("assigned_worker"), "unit": body.get("unit"),
            "sealed": bool(body.get("sealed"))}


def _keep_conflict(conn: Connection, county: str, record_id: str, field: str,
                   current: list[P.ConflictValue], proposed: P.ConflictValue, at: str) -> None:
    c = T.conflicts
    row = conn.execute(select(c).where(c.c.record_id == record_id, c.c.field == field,
                                       c.c.resolved_at.is_(None))).mappings().first()
    if row is None:
        conn.execute(insert(c).values(id=new_id(), county=county, record_id=record_id, field=field,
                                      values=[v.model_dump() for v in (*current, proposed)], created_at=at))
        return
    values = list(row["values"])
    # An open conflict gains the new value; against a deletion, also the sides it did not have yet.
    wanted = [*current, proposed] if current[0].deleted else [proposed]
    added = [v.model_dump() for v in wanted if v.model_dump() not in values]
    if added:
        conn.execute(update(c).where(c.c.id == row["id"]).values(values=[*values, *added]))


def _resolve(conn: Connection, counter: _Counter, device: Device, res: P.Resolution, now: str) -> bool:
    c = T.conflicts
    row = conn.execute(select(c).where(c.c.id == res.conflict_id, c.c.county == device.who.county)
                       ).mappings().first()
    if row is None:
        return False
    rec = counter.record(row["record_id"])
    if rec is None or not _may_touch(counter, device.who, rec):
        return False
    if row["resolved_at"] is not None:
        return bool(row["resolution_id"] == res.resolution_id)
    if len(row["values"]) > res.seen:
        return False  # a value arrived that this person has not seen: it stays open
    conn.execute(update(c).where(c.c.id == row["id"]).values(
        resolved_at=now, resolved_by=device.who.username,  # who the hub authenticated, not a claim
        resolved_value=res.value, resolution_id=res.resolution_id))
    values: dict[str, Any] = {"seq": counter.next()}
    if res.restore and rec["deleted"]:
        # The edit kept over the deletion: the record comes back with the value kept, stamped as
        # that side was (a later edit made against it applies without a new conflict).
        kept = next((v for v in row["values"] if not v.get("deleted") and v.get("value") == res.value), None)
        field = row["field"]
        stamp = kept.get("stamp") if kept else None
        values.update(deleted=False, version=rec["version"] + 1, updated_at=now,
                      updated_by=device.who.username, body={**rec["body"], field: res.value},
                      stamps={**rec["stamps"], field: stamp or rec["stamps"].get(field)},
                      authors={**rec["authors"], field: [device.who.username, device.id, now]},
                      **_scope_columns(rec["kind"], {**rec["body"], field: res.value}))
    counter.write(rec["id"], values)
    return True


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
        for row in conn.execute(select(c).where(_among(conn, c.c.record_id, ids), c.c.resolved_at.is_(None))
                                .order_by(c.c.created_at, c.c.id)).mappings():
            open_conflicts.setdefault(row["record_id"], []).append(P.ConflictState(
                conflict_id=row["id"], field=row["field"], created_at=row["created_at"],
                values=[P.ConflictValue(**v) for v in row["values"]]).model_dump(mode="json"))
    if not open_conflicts:
        return [r[STATE] for r in rows]
    return [json.dumps({**json.loads(r[STATE]), "conflicts": open_conflicts[r[ID]]})
            if r[ID] in open_conflicts else r[STATE] for r in rows]

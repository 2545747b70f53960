"""Three desktops (real SQLCipher vaults) and the real hub (uvicorn, PostgreSQL), under faults.

The desktops belong to a supervisor and to two caseworkers of different units, so youth move
in and out of caseloads as they are reassigned, sealed and unsealed. Hypothesis drives random
edits (safety-flag lists edited concurrently, deletes against edits) and syncs while injecting:
a dropped request, a response dropped after the hub committed, duplicate delivery, an old push
delivered again out of order, a client killed mid-sync (its vault reopened from disk), a hub
restart, a hub crash in the middle of a batch (rolled back), clock skew of up to 24 hours
either way, and a hostile device enrolled for a caseworker (claiming another author, writing
to youth it may not see, reusing an operation id for other content).

After every run all faults heal and the clients sync to quiescence. Then (SECURITY.md 4.5):
- every replica holds exactly the hub's records and open conflicts its person may see
  (convergence);
- every change typed on a desktop is at the hub once (exactly-once) or, when the youth left that
  caseload first, in the desktop's undelivered list; its value is in the record, in that
  field's causal history, or in a kept conflict; an item added to a list stays unless an edit
  removed it (nothing lost);
- every operation at the hub names the user its device was enrolled for, whatever it claimed;
- tombstones hold (no deleted record is live anywhere), unless a person kept an edit made
  against the deletion, which brings the record back everywhere (convergence checks that);
- every conflict the hub created is open, or was resolved by a person in this run;
- each device's stamps only grow, and each change is stamped after the stamp it edited.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test
from sqlalchemy import select

from csec_desktop import caseload
from csec_desktop.domain.merge import LIST_MERGE
from csec_desktop.domain.people import ROLE_PERMISSIONS, Role
from csec_desktop.domain.visibility import Scope
from csec_desktop.errors import CsecError
from csec_desktop.hub import store as hub_store
from csec_desktop.hub import tables as T
from csec_desktop.hub.principals import Admin
from csec_desktop.hub.push import UNKNOWN, WITHHELD
from csec_desktop.ids import new_id
from csec_desktop.storage.history import fields_of
from csec_desktop.storage.records import unpack_clocks
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import HubClient, Report, sync_vault
from tests.hub.conftest import empty
from tests.hub.harness import HubServer

pytestmark = pytest.mark.slow

PASS = "correct horse battery staple 1"
COUNTY = "Fictional County"
USERS = ("sup.one", "cw.north", "cw.south")
HUB_ROLES = {"sup.one": (Role.SUPERVISOR, None), "cw.north": (Role.CASEWORKER, "north"),
             "cw.south": (Role.CASEWORKER, "south")}
"""Each desktop's person as the hub knows them (role, unit)."""
HOSTILE = "cw.south"
"""The user a hostile device is enrolled for."""
NAMES = ("Sky", "River", "Blue", None)
UNITS = ("north", "south")
PEOPLE = ("Person A (fictional)", "Person B (fictional)", "Person C (fictional)")


class Faults(httpx.BaseTransport):
    """Real HTTP with a fault armed for the n-th request of the next sync."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.mode: str | None = None
        self.at = 0
        self.count = 0
        self.pushes: list[bytes] = []

    def arm(self, mode: str | None, at: int) -> None:
        self.mode, self.at, self.count = mode, at, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if request.url.path == "/v1/push":
            self.pushes.append(body)
        self.count += 1
        if self.mode is None or self.count != self.at:
            return self._send(request)
        _count(f"fault: {self.mode}")
        if self.mode in ("drop_request", "kill"):
            raise httpx.ConnectError("fault: request dropped", request=request)
        if self.mode == "drop_response":
            self._send(request)
            raise httpx.ReadError("fault: response dropped after the hub answered", request=request)
        if self.mode == "duplicate":
            self._send(request)
            return self._send(request)
        raise AssertionError(self.mode)

    def _send(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        return response


class Client:
    def __init__(self, template: Path, folder: Path, username: str, enrolment: P.Enrollment,
                 hub_url: str) -> None:
        shutil.copytree(template, folder)
        self.folder = folder
        self.username = username
        self.skew = 0.0
        self.faults = Faults()
        self.made: set[str] = set()
        """Every operation typed on this desktop (kept before each sync: a pull may forget them)."""
        # The vault's administrator enrols the device; its person then works and syncs.
        admin = Vault.unlock(folder, _local_admin(username), PASS)
        local.save_enrolment(admin, hub_url, "", enrolment)
        admin.close()
        self.vault = self.open()

    def wall(self) -> float:
        return time.time() + self.skew

    def open(self) -> Vault:
        return Vault.unlock(self.folder, self.username, PASS, wall=self.wall)

    def client(self) -> HubClient:
        found = local.enrolment(self.vault)
        assert found is not None
        return HubClient.for_enrolment(found, transport=self.faults)

    def forget_connections(self) -> None:
        """After the hub restarts: a kept connection to the hub that was stopped could make a
        request wait out the read timeout (seen once: the model went past its time limit)."""
        self.faults.inner.close()
        self.faults.inner = httpx.HTTPTransport()

    def sync(self) -> Report:
        self.made |= {r[0] for r in self.vault.require_db().query(
            "SELECT op_id FROM changes WHERE device != 'hub'")}
        client = self.client()
        try:
            report = sync_vault(self.vault, client, page_size=7)  # small pages: resumes mid-pull
        finally:
            client.close()
        return report


def _local_admin(username: str) -> str:
    return f"it.{username}"


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    root = tmp_path_factory.mktemp("templates")
    made = {}
    for name in USERS:
        role, unit = HUB_ROLES[name]
        vault, _secret = Vault.create(root / name, county=COUNTY, admin=_local_admin(name), passphrase=PASS)
        # The desktop's person has the hub person's role (a supervisor reads sealed records).
        vault.add_user(name, role=role, passphrase=PASS, unit=unit)
        vault.close()
        made[name] = root / name
    yield made


def _scope(username: str) -> Scope:
    role, unit = HUB_ROLES[username]
    return Scope.of(ROLE_PERMISSIONS[role], username, unit)


@pytest.fixture(scope="module")
def server(pg_url: str) -> Iterator[HubServer]:
    hub = HubServer(pg_url)
    yield hub
    hub.stop()


def _snapshot_local(vault: Vault) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the desktop holds, as its person reads it (a sealed youth's values opened)."""
    db = vault.require_db()
    records = {r[0]: (r[1], r[2], bool(r[3]), vault.records.decode(r[0], r[4]),
                      unpack_clocks(r[5], json.loads(r[4])))
               for r in db.query("SELECT id, kind, owner_id, deleted, body, clocks FROM records")}
    conflicts = {}
    for cid, rid, field, body in db.query("SELECT conflict_id, record_id, field, body FROM sync_conflicts"):
        state = local._opened_conflict(vault, rid, field, body)
        assert state is not None, "a kept conflict this desktop's person cannot read"
        conflicts[cid] = (rid, field, [v.model_dump() for v in state.values])
    return records, conflicts


def _snapshot_hub(server: HubServer, username: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The hub's records and open conflicts: all of them, or those `username` may see."""
    with server.hub.engine.connect() as conn:
        rows = list(conn.execute(select(T.records)))
        open_conflicts = list(conn.execute(select(T.conflicts).where(T.conflicts.c.resolved_at.is_(None))))
    youth = {r.id: r for r in rows if r.kind == "youth"}
    scope = _scope(username) if username else None

    def seen(r: Any) -> bool:
        owner = youth.get(r.owner_id) if r.kind != "youth" else r
        if owner is None:
            return bool(r.owner_id == r.id)  # county-wide records (the directory)
        return scope is None or scope.allows(owner.worker, owner.unit, bool(owner.sealed))

    states = {r.id: json.loads(r.state) for r in rows}
    records = {r.id: (r.kind, r.owner_id, r.deleted, states[r.id]["body"], states[r.id]["stamps"])
               for r in rows if seen(r)}
    conflicts = {r.id: (r.record_id, r.field, r.values) for r in open_conflicts if r.record_id in records}
    return records, conflicts


def _undelivered_ops(vault: Vault) -> set[str]:
    """The operation ids of this person's changes kept as undelivered (sealed to them)."""
    found = set()
    for (sealed,) in vault.require_db().query("SELECT sealed FROM undelivered WHERE author = ?",
                                              (vault.user.username,)):
        payload = json.loads(vault.open_sealed_to_self(json.loads(sealed), "undelivered"))
        if payload.get("op_id"):
            found.add(str(payload["op_id"]))
    return found


STATS: dict[str, int] = {}


def _count(name: str, by: int = 1) -> None:
    STATS[name] = STATS.get(name, 0) + by


class SyncModel(RuleBasedStateMachine):
    server: HubServer
    templates: dict[str, Path]
    workdir: Path
    run = 0

    def __init__(self) -> None:
        super().__init__()
        SyncModel.run += 1
        empty(self.server.hub)
        hub = self.server.hub
        hub.add_county(COUNTY)
        admin = Admin(COUNTY, "test")
        self.clients: list[Client] = []
        for name in USERS:
            role, unit = HUB_ROLES[name]
            hub.add_user(admin, P.NewUser(username=name, role=role.value, unit=unit))
            code = hub.new_enrollment(admin, name).code
            granted = HubClient(self.server.base_url).enroll(code, f"laptop of {name}")
            self.clients.append(Client(self.templates[name], self.workdir / f"run{self.run}" / name, name,
                                       granted, self.server.base_url))
        # A device enrolled for a caseworker that sends what no desktop would (rule `hostile`).
        code = hub.new_enrollment(admin, HOSTILE).code
        granted = HubClient(self.server.base_url).enroll(code, "a tampered laptop")
        self.hostile_token = f"device.{granted.device_id}.{granted.secret}"
        self.hostile_made: set[str] = set()
        self.hostile_sent: dict[str, dict[str, Any]] = {}
        self.hub_faults = 0
        # Two youth every desktop already holds, so concurrent edits meet early.
        for _ in range(2):
            self.create_youth(0, UNITS[0])
        for client in self.clients:
            client.sync()

    # Edits -----------------------------------------------------------------------

    def _visible(self, client: Client) -> list[str]:
        # Only youth in the person's caseload: one moved away here stays stored until the next pull.
        seen, params = Scope.for_user(client.vault.user).sql("f")
        return [r[0] for r in client.vault.require_db().query(
            "SELECT r.id FROM records r JOIN youth_fields f ON f.rowid = r.rowid "
            f"WHERE r.kind = 'youth' AND r.deleted = 0 AND {seen} ORDER BY r.id", params)]

    def _youth(self, client: Client, pick: int) -> str | None:
        ids = self._visible(client)
        return ids[pick % len(ids)] if ids else None

    @rule(who=st.integers(0, 2), unit=st.sampled_from(UNITS))
    def create_youth(self, who: int, unit: str) -> None:
        client = self.clients[who]
        caseload.create_youth(client.vault, {
            "legal_name": {"given": "Testchild", "family": f"Fictional{self.run}"},
            "date_of_birth": date(2010, 5, 17).isoformat(), "county": COUNTY,
            "assigned_worker": USERS[who], "unit": unit})

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50),
          change=st.one_of(st.fixed_dictionaries({"preferred_name": st.sampled_from(NAMES)}),
                           st.fixed_dictionaries({"unit": st.sampled_from(UNITS)}),
                           st.fixed_dictionaries({"assigned_worker": st.sampled_from(USERS)}),
                           st.fixed_dictionaries({"preferred_name": st.sampled_from(NAMES),
                                                  "pronouns": st.sampled_from(("she/her", "they/them"))})))
    def edit(self, who: int, pick: int, change: dict[str, Any]) -> None:
        client = self.clients[who]
        youth = self._youth(client, pick)
        if youth is not None:
            caseload.update_youth(client.vault, youth, change)

    @rule(first=st.integers(0, 2), second=st.integers(0, 2), pick=st.integers(0, 50),
          name=st.sampled_from(("preferred_name", "unit", "assigned_worker")), flip=st.booleans())
    def concurrent_edit(self, first: int, second: int, pick: int, name: str, flip: bool) -> None:
        """Two desktops change the same field of the same youth before either syncs."""
        pool = {"preferred_name": NAMES[:3], "unit": UNITS, "assigned_worker": USERS}[name]
        for n, who in enumerate((first, second)):
            self.edit(who, pick, {name: pool[(n + flip) % len(pool)]})

    @rule(pick=st.integers(0, 50), sealed=st.booleans())
    def seal(self, pick: int, sealed: bool) -> None:
        """A youth sealed or unsealed mid-history by the supervisor: their desktop re-wraps the
        records as it pulls; the caseworkers' desktops lose the youth and get them back."""
        client = self.clients[0]
        youth = self._youth(client, pick)
        if youth is not None:
            caseload.update_youth(client.vault, youth, {"sealed": sealed})
            _count("seals and unseals")

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50), text=st.sampled_from(("Met at school.", "Called.")))
    def append_note(self, who: int, pick: int, text: str) -> None:
        client = self.clients[who]
        youth = self._youth(client, pick)
        if youth is not None:
            # Now by the device's own clock (skewed or not), as its window's form would say it:
            # a note is refused ahead of that clock.
            caseload.add_attached(client.vault, youth, "case_note", {
                "occurred_at": datetime.fromtimestamp(client.vault.wall(), UTC).isoformat(), "text": text})

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50), person=st.sampled_from(PEOPLE), add=st.booleans())
    def safety_flag(self, who: int, pick: int, person: str, add: bool) -> None:
        """A "do not share with" flag added or removed: lists merge item by item at the hub."""
        client = self.clients[who]
        youth = self._youth(client, pick)
        if youth is None:
            return
        body: Any = client.vault.records.get(youth).body
        flags = [f.model_dump(mode="json", exclude_defaults=True) for f in body.safety_flags]
        kept = [f for f in flags if f["person"] != person]
        changed = [*kept, {"person": person}] if add else kept
        if changed != flags:
            with contextlib.suppress(CsecError):
                caseload.update_youth(client.vault, youth, {"safety_flags": changed})
                _count("safety flags added" if add else "safety flags removed")

    @rule(second=st.integers(1, 2), pick=st.integers(0, 50), flip=st.booleans(), remove=st.booleans())
    def concurrent_flags(self, second: int, pick: int, flip: bool, remove: bool) -> None:
        """The supervisor and a caseworker each change the same youth's flags before either syncs:
        different people added (and perhaps one taken out) merge; only the same person flagged
        differently would be a conflict."""
        both = sorted(set(self._visible(self.clients[0])) & set(self._visible(self.clients[second])))
        if not both:
            return
        youth = both[pick % len(both)]
        people = PEOPLE[::-1] if flip else PEOPLE
        for n, who in enumerate((0, second)):
            client = self.clients[who]
            body: Any = client.vault.records.get(youth).body
            flags = [f.model_dump(mode="json", exclude_defaults=True) for f in body.safety_flags]
            changed = [f for f in flags if f["person"] != people[2]] if remove and n == 1 else flags
            if all(f["person"] != people[n] for f in changed):
                changed = [*changed, {"person": people[n]}]
            if changed != flags:
                caseload.update_youth(client.vault, youth, {"safety_flags": changed})
        _count("flags changed on two desktops at once")

    @rule(pick=st.integers(0, 50), attack=st.sampled_from(("claim", "elsewhere", "note_elsewhere", "reuse")))
    def hostile(self, pick: int, attack: str) -> None:
        """The tampered device: the hub must attribute, refuse and keep exactly as it should."""
        records, _ = _snapshot_hub(self.server)
        scope = _scope(HOSTILE)
        live = sorted((rid, r) for rid, r in records.items() if r[0] == "youth" and not r[2])
        with self.server.hub.engine.connect() as conn:
            cols = {r.id: r for r in conn.execute(select(T.records).where(T.records.c.kind == "youth"))}
        mine = [rid for rid, _r in live
                if scope.allows(cols[rid].worker, cols[rid].unit, bool(cols[rid].sealed))]
        other = [rid for rid, _r in live if rid not in mine]
        stamp = f"{int(time.time() * 1000):013d}-00000-hostile"
        at = datetime.now(UTC).isoformat()
        if attack == "claim" and mine:
            target = mine[pick % len(mine)]
            op = P.Op(op_id=new_id(), record_id=target, kind="youth", op="update", hlc=stamp, at=at,
                      user="sup.one", fields={"pronouns": P.FieldChange(
                          new="they/them", old=records[target][3].get("pronouns"),
                          base=records[target][4].get("pronouns"))})
            expected: tuple[str, ...] = ("applied", "conflict")
        elif attack == "elsewhere" and other:
            target = other[pick % len(other)]
            op = P.Op(op_id=new_id(), record_id=target, kind="youth", op="update", hlc=stamp, at=at,
                      user=HOSTILE, fields={"preferred_name": P.FieldChange(
                          new="Hostile", base=records[target][4].get("preferred_name"))})
            expected = ("refused",)
        elif attack == "note_elsewhere" and other:
            target = other[pick % len(other)]
            op = P.Op(op_id=new_id(), record_id=new_id(), kind="case_note", owner_id=target, op="create",
                      hlc=stamp, at=at, user=HOSTILE, fields={k: P.FieldChange(new=v) for k, v in {
                          "youth_id": target, "occurred_at": at, "text": "Hostile note."}.items()})
            expected = ("refused",)
        elif attack == "reuse" and self.hostile_sent:
            first = self.hostile_sent[sorted(self.hostile_sent)[pick % len(self.hostile_sent)]]
            op = P.Op.model_validate({**first, "fields": {"pronouns": {"new": "she/her", "base": None}}})
            expected = ("refused",)
        else:
            return
        answer = httpx.post(self.server.base_url + "/v1/push",
                            content=P.PushRequest(ops=[op]).model_dump_json(),
                            headers={"Authorization": f"Bearer {self.hostile_token}",
                                     "Content-Type": "application/json"})
        assert answer.status_code == 200, answer.text
        result = answer.json()["results"][0]
        assert result["result"] in expected, (attack, result)
        if attack in ("elsewhere", "note_elsewhere"):
            assert result["detail"] == UNKNOWN  # the same words as for a record that does not exist
        self.hostile_made.add(op.op_id)  # the hub keeps every operation's outcome, refusals too
        if result["result"] != "refused":
            self.hostile_sent[op.op_id] = op.model_dump(mode="json")
        _count(f"hostile {attack}: {result['result']}")

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50), youth_too=st.integers(0, 4).map(lambda n: n == 0))
    def delete(self, who: int, pick: int, youth_too: bool) -> None:
        client = self.clients[who]
        youth = self._youth(client, pick)
        if youth is None:
            return
        notes = client.vault.records.attached(youth, "case_note")
        if youth_too or not notes:
            caseload.delete_youth(client.vault, youth)
        else:
            caseload.delete_attached(client.vault, notes[pick % len(notes)].id)

    @precondition(lambda self: any(local.conflicts(c.vault) for c in self.clients))
    @rule(who=st.integers(0, 2), pick=st.integers(0, 50), choice=st.integers(0, 5))
    def resolve(self, who: int, pick: int, choice: int) -> None:
        client = self.clients[who]
        open_ones = [c for c in local.conflicts(client.vault) if not c.pending]
        if open_ones:
            conflict = open_ones[pick % len(open_ones)]
            values = conflict.state.values
            kept = values[choice % len(values)]
            try:
                local.resolve(client.vault, conflict.conflict_id, kept.value, keep_deleted=kept.deleted)
                _count("conflicts decided on a desktop")
            except CsecError as exc:  # e.g. a value invalid beside the other fields
                _count(f"decision refused: {type(exc).__name__}")

    @rule(who=st.integers(0, 2), hours=st.integers(-24, 24))
    def skew_clock(self, who: int, hours: int) -> None:
        self.clients[who].skew = hours * 3600.0

    # Sync and faults -----------------------------------------------------------------

    @rule(who=st.integers(0, 2),
          fault=st.sampled_from((None, None, "drop_request", "drop_response", "duplicate")),
          at=st.integers(1, 6))
    def sync(self, who: int, fault: str | None, at: int) -> None:
        client = self.clients[who]
        client.faults.arm(fault, at)
        with contextlib.suppress(CsecError):
            client.sync()
        client.faults.arm(None, 0)

    @rule(who=st.integers(0, 2), at=st.integers(1, 6))
    def kill_mid_sync(self, who: int, at: int) -> None:
        client = self.clients[who]
        client.faults.arm("kill", at)
        with contextlib.suppress(CsecError):
            client.sync()
        client.faults.arm(None, 0)
        client.vault.close()  # the process dies: only what was committed survives
        client.vault = client.open()

    @precondition(lambda self: any(c.faults.pushes for c in self.clients))
    @rule(who=st.integers(0, 2), back=st.integers(1, 10))
    def deliver_old_push(self, who: int, back: int) -> None:
        """A stale copy of an earlier push arrives late, after newer ones (reordering)."""
        client = self.clients[who]
        if not client.faults.pushes:
            return
        body = client.faults.pushes[-min(back, len(client.faults.pushes))]
        _count("old pushes delivered late")
        found = local.enrolment(client.vault)
        assert found is not None
        answer = httpx.post(self.server.base_url + "/v1/push", content=body,
                            headers={"Authorization": f"Bearer {found.token}",
                                     "Content-Type": "application/json"})
        assert answer.status_code == 200, answer.text
        # Refused only where the youth left the person's caseload since (then kept as undelivered).
        results = answer.json()["results"]
        assert not [r for r in results if r["result"] == "refused" and r["detail"] != UNKNOWN]

    @precondition(lambda self: self.hub_faults < 2)
    @rule()
    def restart_hub(self) -> None:
        self.hub_faults += 1
        _count("hub restarts")
        self.server.restart()
        for client in self.clients:
            client.forget_connections()

    @precondition(lambda self: self.hub_faults < 2)
    @rule(who=st.integers(0, 2), after=st.integers(0, 3))
    def hub_crashes_mid_batch(self, who: int, after: int) -> None:
        self.hub_faults += 1
        original = hub_store.apply_op
        applied = 0

        def crashing(*args: Any, **kwargs: Any) -> Any:
            nonlocal applied
            if applied >= after:
                raise RuntimeError("fault: hub process died mid-batch")
            applied += 1
            return original(*args, **kwargs)

        hub_store.apply_op = crashing  # type: ignore[assignment]
        _count("hub crashes mid-batch")
        try:
            with contextlib.suppress(CsecError):
                self.clients[who].sync()
        finally:
            hub_store.apply_op = original
        self.server.restart()

    # After the run -------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            self._quiesce_and_check()
        finally:
            for client in self.clients:
                client.vault.close()

    def _quiesce_and_check(self) -> None:
        _count("histories")
        for client in self.clients:
            client.faults.arm(None, 0)
        self._quiesce()
        # A person on each desktop decides every other open conflict, keeping the last value;
        # then everything converges again, the decided ones closed, the others still kept.
        for n, client in enumerate(self.clients):
            for conflict in local.conflicts(client.vault)[n % 2::2]:
                with contextlib.suppress(CsecError):
                    last = conflict.state.values[-1]
                    local.resolve(client.vault, conflict.conflict_id, last.value, keep_deleted=last.deleted)
                    _count("conflicts decided on a desktop")
        self._quiesce()

    def _quiesce(self) -> None:
        for _round in range(8):
            moved = 0
            for client in self.clients:
                report = client.sync()
                moved += report.pushed + report.pulled
            if moved == 0:
                _count("rounds to converge", _round + 1)
                break
        else:
            raise AssertionError("the replicas did not reach quiescence in 8 rounds")
        for client in self.clients:
            hub_records, hub_conflicts = _snapshot_hub(self.server, client.username)
            records, conflicts = _snapshot_local(client.vault)
            assert records.keys() == hub_records.keys(), (
                f"{client.username} holds other records than the hub lets them see: "
                f"{len(records.keys() - hub_records.keys())} extra, "
                f"{len(hub_records.keys() - records.keys())} missing")
            assert records == hub_records, f"{client.username} differs from the hub"
            assert conflicts == hub_conflicts, f"{client.username}'s conflicts differ from the hub's"
            db = client.vault.require_db()
            assert db.scalar("SELECT count(*) FROM changes WHERE pushed = 0") == 0
            # A change stays refused (listed for its author) only for scope: the youth had left the
            # person's caseload when the hub first judged it.
            refused = db.query("SELECT op, sync_detail FROM changes WHERE pushed = 2")
            assert all(UNKNOWN in str(detail) for _op, detail in refused), refused
            _count("changes left refused for scope", len(refused))
        self._check_nothing_lost(_snapshot_hub(self.server)[0])
        self._check_causality()

    def _check_nothing_lost(self, hub_records: dict[str, Any]) -> None:
        with self.server.hub.engine.connect() as conn:
            ops = {r.op_id: r for r in conn.execute(select(T.ops))}
            all_conflicts = list(conn.execute(select(T.conflicts)))
        _count("operations applied", len(ops))
        _count("conflicts created", len(all_conflicts))
        _count("conflicts resolved by a person", sum(c.resolved_at is not None for c in all_conflicts))
        _count("tombstones", sum(1 for r in hub_records.values() if r[2]))
        for client in self.clients:
            client.made |= {r[0] for r in client.vault.require_db().query(
                "SELECT op_id FROM changes WHERE device != 'hub'")}
        made = set().union(*(c.made for c in self.clients)) | self.hostile_made
        assert set(ops) <= made, "the hub holds an operation no device made"
        undelivered = set().union(*(_undelivered_ops(c.vault) for c in self.clients))
        _count("changes kept as undelivered", len(undelivered))
        missing = made - set(ops) - undelivered
        assert not missing, f"{len(missing)} typed changes are neither at the hub nor kept as undelivered"
        # What the hub refused stays with its author: in the undelivered list or listed as refused.
        listed = set().union(*({r[0] for r in c.vault.require_db().query(
            "SELECT op_id FROM changes WHERE pushed = 2")} for c in self.clients))
        refused = {op_id for op_id, op in ops.items() if op.result == "refused"} - self.hostile_made
        assert refused <= undelivered | listed, "a refused change is gone from its author's desktop"
        with self.server.hub.engine.connect() as conn:
            enrolled = dict(conn.execute(select(T.devices.c.id, T.devices.c.username)).all())
        for op in ops.values():
            assert op.user == enrolled[op.device_id], "an operation credited to another user"
        kept: dict[tuple[str, str], list[Any]] = {}
        stamped: dict[tuple[str, str], list[str]] = {}
        for c in all_conflicts:
            kept.setdefault((c.record_id, c.field), []).extend(v["value"] for v in c.values)
            stamped.setdefault((c.record_id, c.field), []).extend(
                v["stamp"] for v in c.values if v.get("stamp"))
            if c.resolved_at is not None:
                assert c.resolved_by in USERS
        # Items of merged lists, by (record, field): each that some edit took out.
        removed: dict[tuple[str, str], list[Any]] = {}
        for op in ops.values():
            if op.result == "refused":  # never applied; the hub keeps only its field names
                assert set(op.fields) == {WITHHELD, "names"}, "a refused operation's values kept"
                continue
            for name, change in op.fields.items():
                if isinstance(change.get("old"), list):
                    gone = [i for i in change["old"] if i not in (change.get("new") or [])]
                    removed.setdefault((op.record_id, name), []).extend(gone)
        # Each field's causal history: from its current stamp back through the operations
        # that set it, each naming the stamp it was made against.
        setter: dict[tuple[str, str, str], tuple[Any, str | None]] = {}
        for op in ops.values():
            # A clashing value reaches the record only when a person keeps it over a deletion
            # (the record comes back with that value and its stamp): it sets the field then.
            if op.result in ("applied", "conflict"):
                for name, change in op.fields.items():
                    setter[(op.record_id, name, op.hlc)] = (change["new"], change.get("base"))
        for op in ops.values():
            if op.op != "update" or op.result == "refused":  # refused ones: checked above
                continue
            kind, _owner, deleted, body, stamps = hub_records[op.record_id]
            for name, change in op.fields.items():
                if (kind, name) in LIST_MERGE and op.result in ("applied", "conflict"):
                    self._check_items_kept(op, name, body, deleted, removed, kept)
                    continue
                # From the field's stamp, and from each value a person was shown in a conflict
                # (a value it superseded was seen through it: kept over a deletion, the record
                # comes back with the kept value's own stamp, not one made after the others).
                chain, seen = [], set()
                for start in [stamps.get(name), *stamped.get((op.record_id, name), [])]:
                    stamp = start
                    while stamp and (op.record_id, name, stamp) in setter and stamp not in seen:
                        seen.add(stamp)
                        value, stamp = setter[(op.record_id, name, stamp)]
                        chain.append(value)
                place = (op.record_id, name)
                assert (deleted or body.get(name) == change["new"] or change["new"] in chain
                        or change["new"] in kept.get(place, [])), f"lost: {kind}.{name} from {op.user}"

    @staticmethod
    def _check_items_kept(op: Any, name: str, body: dict[str, Any], deleted: bool,
                          removed: dict[tuple[str, str], list[Any]],
                          kept: dict[tuple[str, str], list[Any]]) -> None:
        """Every item an edit added to a list is in it now, unless an edit took it out or a person
        was shown it in a conflict (and may have kept the other side)."""
        change = op.fields[name]
        shown = [i for v in kept.get((op.record_id, name), []) if isinstance(v, list) for i in v]
        for item in change.get("new") or []:
            if item in (change.get("old") or []) or deleted:
                continue
            assert (item in (body.get(name) or []) or item in removed.get((op.record_id, name), [])
                    or item in shown), f"lost: an item of {name} from {op.user}"
        _count("list items checked", len(change.get("new") or []))

    def _check_causality(self) -> None:
        for client in self.clients:
            previous = ""
            for hlc, fields in client.vault.require_db().query(
                    "SELECT hlc, fields FROM changes_full WHERE device != 'hub' ORDER BY seq"):
                assert hlc > previous, "a device's stamps went backwards"
                previous = hlc
                for change in fields_of(fields).values():
                    if change.get("base"):
                        assert change["base"] < hlc, "a change stamped before the stamp it edited"


# SYNC_EXAMPLES=500 for the longer run SECURITY.md test 21 describes.
EXAMPLES = int(os.environ.get("SYNC_EXAMPLES", "25"))
SyncModel.TestCase.settings = settings(max_examples=EXAMPLES,
                                       stateful_step_count=30, deadline=None,
                                       suppress_health_check=list(HealthCheck))


# 25 histories take 40-70 s alone on a 2-core machine, and once went past the 120 s default while
# the rest of the suite's processes were finishing: its own limit, with room for a loaded machine,
# and 10 s a history for the long run (a marker outranks `-o timeout=0`: 500 histories were cut
# off at 300 s).
@pytest.mark.timeout(max(300, 10 * EXAMPLES))
def test_replicas_converge_under_faults(server: HubServer, templates: dict[str, Path],
                                        tmp_path: Path) -> None:
    SyncModel.server = server
    SyncModel.templates = templates
    SyncModel.workdir = tmp_path
    STATS.clear()
    run_state_machine_as_test(SyncModel, settings=SyncModel.TestCase.settings)
    print("sync model:", STATS)  # the figures SECURITY.md test 21 asks to report (pytest -s)
    assert STATS["histories"] >= 1

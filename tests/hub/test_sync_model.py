"""Three desktops (real SQLCipher vaults) and the real hub (uvicorn, PostgreSQL), under faults.

Hypothesis drives random edits and syncs while injecting: a dropped request, a response
dropped after the hub committed, duplicate delivery, an old push delivered again out of
order, a client killed mid-sync (its vault reopened from disk), a hub restart, a hub crash
in the middle of a batch (rolled back), and clock skew of up to 24 hours either way.

After every run all faults heal and the clients sync to quiescence. Then (SECURITY.md 4.5):
- every replica holds exactly the hub's records and open conflicts (convergence);
- every change a client saw acknowledged is at the hub once (exactly-once), and its value
  is in the record, in that field's causal history, or in a kept conflict (nothing lost);
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
from csec_desktop.domain.people import Permission
from csec_desktop.errors import CsecError
from csec_desktop.hub import store as hub_store
from csec_desktop.hub import tables as T
from csec_desktop.hub.store import Admin
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import HubClient, Report, sync_vault
from tests.hub.conftest import empty
from tests.hub.harness import HubServer

pytestmark = pytest.mark.slow

PASS = "correct horse battery staple 1"
COUNTY = "Fictional County"
USERS = ("sup.one", "sup.two", "sup.three")
NAMES = ("Sky", "River", "Blue", None)
UNITS = ("north", "south")


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
    def __init__(self, template: Path, folder: Path, username: str) -> None:
        shutil.copytree(template, folder)
        self.folder = folder
        self.username = username
        self.skew = 0.0
        self.faults = Faults()
        self.vault = self.open()

    def wall(self) -> float:
        return time.time() + self.skew

    def open(self) -> Vault:
        return Vault.unlock(self.folder, self.username, PASS, wall=self.wall)

    def client(self) -> HubClient:
        found = local.enrolment(self.vault)
        assert found is not None
        return HubClient.for_enrolment(found, transport=self.faults)

    def sync(self) -> Report:
        client = self.client()
        try:
            report = sync_vault(self.vault, client, page_size=7)  # small pages: resumes mid-pull
        finally:
            client.close()
        return report


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    root = tmp_path_factory.mktemp("templates")
    made = {}
    for name in USERS:
        vault, _secret = Vault.create(root / name, county=COUNTY, admin=name, passphrase=PASS)
        # Each desktop's person reads sealed records, as the supervisor the hub knows them as does.
        vault.update_user(name, extra_permissions=[Permission.READ_SEALED])
        vault.close()
        made[name] = root / name
    yield made


@pytest.fixture(scope="module")
def server(pg_url: str) -> Iterator[HubServer]:
    hub = HubServer(pg_url)
    yield hub
    hub.stop()


def _snapshot_local(vault: Vault) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the desktop holds, as its person reads it (a sealed youth's values opened)."""
    db = vault.require_db()
    records = {r[0]: (r[1], r[2], bool(r[3]), vault.records.decode(r[0], r[4]), json.loads(r[5]))
               for r in db.query("SELECT id, kind, owner_id, deleted, body, clocks FROM records")}
    conflicts = {}
    for cid, rid, field, body in db.query("SELECT conflict_id, record_id, field, body FROM sync_conflicts"):
        state = local._opened_conflict(vault, rid, field, body)
        assert state is not None, "a kept conflict this desktop's person cannot read"
        conflicts[cid] = (rid, field, [v.model_dump() for v in state.values])
    return records, conflicts


def _snapshot_hub(server: HubServer) -> tuple[dict[str, Any], dict[str, Any]]:
    with server.hub.engine.connect() as conn:
        records = {r.id: (r.kind, r.owner_id, r.deleted, r.body, r.stamps)
                   for r in conn.execute(select(T.records))}
        conflicts = {r.id: (r.record_id, r.field, r.values) for r in conn.execute(
            select(T.conflicts).where(T.conflicts.c.resolved_at.is_(None)))}
    return records, conflicts


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
            hub.add_user(admin, P.NewUser(username=name, role="supervisor"))
            client = Client(self.templates[name], self.workdir / f"run{self.run}" / name, name)
            code = hub.new_enrollment(admin, name).code
            granted = HubClient(self.server.base_url).enroll(code, f"laptop of {name}")
            local.save_enrolment(client.vault, self.server.base_url, "", granted)
            self.clients.append(client)
        self.hub_faults = 0
        # Two youth every desktop already holds, so concurrent edits meet early.
        for _ in range(2):
            self.create_youth(0, UNITS[0])
        for client in self.clients:
            client.sync()

    # Edits -----------------------------------------------------------------------

    def _youth(self, client: Client, pick: int) -> str | None:
        ids = [r[0] for r in client.vault.require_db().query(
            "SELECT id FROM records WHERE kind = 'youth' AND deleted = 0 ORDER BY id")]
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

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50), sealed=st.booleans())
    def seal(self, who: int, pick: int, sealed: bool) -> None:
        """A youth sealed or unsealed mid-history: every desktop re-wraps their records as it pulls."""
        client = self.clients[who]
        youth = self._youth(client, pick)
        if youth is not None:
            caseload.update_youth(client.vault, youth, {"sealed": sealed})
            _count("seals and unseals")

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50), text=st.sampled_from(("Met at school.", "Called.")))
    def append_note(self, who: int, pick: int, text: str) -> None:
        client = self.clients[who]
        youth = self._youth(client, pick)
        if youth is not None:
            caseload.add_attached(client.vault, youth, "case_note", {
                "occurred_at": datetime.now(UTC).isoformat(), "text": text})

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
        assert not [r for r in answer.json()["results"] if r["result"] == "refused"]

    @precondition(lambda self: self.hub_faults < 2)
    @rule()
    def restart_hub(self) -> None:
        self.hub_faults += 1
        _count("hub restarts")
        self.server.restart()

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
        hub_records, hub_conflicts = _snapshot_hub(self.server)
        for client in self.clients:
            records, conflicts = _snapshot_local(client.vault)
            assert records == hub_records, f"{client.username} differs from the hub"
            assert conflicts == hub_conflicts, f"{client.username}'s conflicts differ from the hub's"
            db = client.vault.require_db()
            assert db.scalar("SELECT count(*) FROM changes WHERE pushed = 0") == 0
            assert db.scalar("SELECT count(*) FROM changes WHERE pushed = 2") == 0, db.query(
                "SELECT op, sync_detail FROM changes WHERE pushed = 2")
        self._check_nothing_lost(hub_records)
        self._check_causality()

    def _check_nothing_lost(self, hub_records: dict[str, Any]) -> None:
        with self.server.hub.engine.connect() as conn:
            ops = {r.op_id: r for r in conn.execute(select(T.ops))}
            all_conflicts = list(conn.execute(select(T.conflicts)))
        _count("operations applied", len(ops))
        _count("conflicts created", len(all_conflicts))
        _count("conflicts resolved by a person", sum(c.resolved_at is not None for c in all_conflicts))
        _count("tombstones", sum(1 for r in hub_records.values() if r[2]))
        acknowledged: set[str] = set()
        for client in self.clients:
            acknowledged |= {r[0] for r in client.vault.require_db().query(
                "SELECT op_id FROM changes WHERE pushed = 1 AND device != 'hub'")}
        assert acknowledged <= set(ops), "a change the hub acknowledged is missing from it"
        assert len(ops) == len(acknowledged), "the hub applied an operation no client made, or twice"
        kept: dict[tuple[str, str], list[Any]] = {}
        stamped: dict[tuple[str, str], list[str]] = {}
        for c in all_conflicts:
            kept.setdefault((c.record_id, c.field), []).extend(v["value"] for v in c.values)
            stamped.setdefault((c.record_id, c.field), []).extend(
                v["stamp"] for v in c.values if v.get("stamp"))
            if c.resolved_at is not None:
                assert c.resolved_by in USERS
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
            if op.op != "update":
                continue
            kind, _owner, deleted, body, stamps = hub_records[op.record_id]
            for name, change in op.fields.items():
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

    def _check_causality(self) -> None:
        for client in self.clients:
            previous = ""
            for hlc, fields in client.vault.require_db().query(
                    "SELECT hlc, fields FROM changes WHERE device != 'hub' ORDER BY seq"):
                assert hlc > previous, "a device's stamps went backwards"
                previous = hlc
                for change in json.loads(fields).values():
                    if change.get("base"):
                        assert change["base"] < hlc, "a change stamped before the stamp it edited"


# SYNC_EXAMPLES=500 for the longer run SECURITY.md test 21 describes.
SyncModel.TestCase.settings = settings(max_examples=int(os.environ.get("SYNC_EXAMPLES", "25")),
                                       stateful_step_count=30, deadline=None,
                                       suppress_health_check=list(HealthCheck))


def test_replicas_converge_under_faults(server: HubServer, templates: dict[str, Path],
                                        tmp_path: Path) -> None:
    SyncModel.server = server
    SyncModel.templates = templates
    SyncModel.workdir = tmp_path
    STATS.clear()
    run_state_machine_as_test(SyncModel, settings=SyncModel.TestCase.settings)
    print("sync model:", STATS)  # the figures SECURITY.md test 21 asks to report (pytest -s)
    assert STATS["histories"] >= 1

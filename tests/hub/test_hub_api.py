"""The hub's doors: who may call what, whose records each device receives, revocation,
the offline lock, pinned TLS and replays. Real hub app on a real PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from csec_desktop import caseload
from csec_desktop.domain.youth import Youth
from csec_desktop.hub.app import create_app
from csec_desktop.hub.cli import make_certificate
from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.limits import Limits
from csec_desktop.hub.principals import Admin
from csec_desktop.hub.store import Hub
from csec_desktop.ids import new_id
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import (
    DeviceLocked,
    DeviceRevoked,
    HubCertificateUntrusted,
    HubClient,
    HubUnreachable,
    sync_vault,
)
from tests.hub.conftest import empty
from tests.hub.harness import HubServer

PASS = "correct horse battery staple 1"
NORTH, SOUTH = "Fictional County", "Imaginary County"


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@dataclass
class World:
    hub: Hub
    http: TestClient
    clock: Clock
    admin: str
    other_admin: str
    tokens: dict[str, str]
    devices: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def _enroll(hub: Hub, http: TestClient, county: str, username: str) -> P.Enrollment:
    code = hub.new_enrollment(Admin(county, "it"), username).code
    answer = http.post("/v1/enroll", json={"code": code, "device_name": f"laptop of {username}"},
                       headers={P.HEADER: str(P.PROTOCOL)})  # as today's desktop asks
    assert answer.status_code == 200, answer.text
    return P.Enrollment.model_validate(answer.json())


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The hub on PostgreSQL; on its embedded SQLite for tests marked with BOTH_DATABASES."""
    if getattr(request, "param", "postgresql") == "postgresql":
        url = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{tmp_path / 'hub' / 'hub.db'}"
    clock = Clock()
    engine = engine_for(url)
    upgrade(engine)
    hub = Hub(engine, wall=clock)
    empty(hub)
    for county in (NORTH, SOUTH):
        hub.add_county(county, max_offline_days=14)
    admin, other_admin = hub.add_admin(NORTH, "it"), hub.add_admin(SOUTH, "it")
    people = {"ana": ("caseworker", "north"), "ben": ("caseworker", "south"),
              "rita": ("read_only", "north"), "ana2": ("caseworker", "north")}
    for name, (role, unit) in people.items():
        hub.add_user(Admin(NORTH, "it"), P.NewUser(username=name, role=role, unit=unit))
    hub.add_user(Admin(SOUTH, "it"), P.NewUser(username="zed", role="supervisor"))
    http = TestClient(create_app(hub))
    tokens, devices = {}, {}
    for name, county in [*((n, NORTH) for n in people), ("zed", SOUTH)]:
        granted = _enroll(hub, http, county, name)
        tokens[name] = f"device.{granted.device_id}.{granted.secret}"
        devices[name] = granted.device_id
    hub.set_device_status(Admin(NORTH, "it"), devices["ana2"], "revoked")
    yield World(hub, http, clock, admin, other_admin, tokens, devices)
    engine.dispose()


BOTH_DATABASES = pytest.mark.parametrize("world", ["postgresql", "sqlite"], indirect=True)
"""What a sync does must not depend on the hub's database."""


def _op(record_id: str, kind: str, fields: dict[str, Any], *, op: str = "create",
        base: str | None = None, owner: str | None = None, user: str = "ana") -> dict[str, Any]:
    return P.Op(op_id=new_id(), record_id=record_id, kind=kind, owner_id=owner, op=op,  # type: ignore[arg-type]
                fields={k: P.FieldChange(new=v, base=base) for k, v in fields.items()},
                hlc=f"{int(time.time() * 1000):013d}-00000-test", user=user,
                at="2026-11-28T10:00:00.000+00:00").model_dump()


def _youth(worker: str, unit: str) -> dict[str, Any]:
    return {"legal_name": {"given": "Testchild", "family": "Fictional"}, "date_of_birth": "2010-05-17",
            "county": NORTH, "assigned_worker": worker, "unit": unit}


def _note(youth_id: str) -> dict[str, Any]:
    return {"youth_id": youth_id, "occurred_at": "2026-11-20T10:00:00+00:00", "text": "CANARY-NOTE"}


def _push(world: World, who: str, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answer = world.http.post("/v1/push", json={"ops": ops}, headers=world.as_(who))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["results"])


def _pull_ids(world: World, who: str, since: int = 0) -> tuple[set[str], list[str]]:
    answer = world.http.get("/v1/pull", params={"since": since}, headers=world.as_(who))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return {r["id"] for r in body["records"]}, body["gone"]


DEVICE_ENDPOINTS = [("GET", "/v1/status", None), ("POST", "/v1/push", {"ops": []}),
                    ("GET", "/v1/pull", None), ("POST", "/v1/audit", {"entries": []})]


def _admin_endpoints(world: World) -> list[tuple[str, str, Any]]:
    device = world.devices["ana"]
    return [("POST", "/v1/admin/users", {"username": "new.user", "role": "caseworker"}),
            ("POST", "/v1/admin/enrollments", {"username": "ana"}),
            ("POST", "/v1/admin/enrollments/cancel", {"code": "NOT-A-REAL-CODE"}),
            ("GET", "/v1/admin/devices", None),
            ("POST", f"/v1/admin/devices/{device}/revoke", None),
            ("POST", f"/v1/admin/devices/{device}/release", None),
            ("GET", "/v1/admin/admins", None),
            ("GET", "/v1/admin/users", None),
            ("POST", "/v1/admin/users/rita/disable", None),
            ("POST", "/v1/admin/users/rita/enable", None),
            ("POST", f"/v1/admin/admins/{world.hub.admins(NORTH)[0].admin_id}/revoke", None),
            ("GET", "/v1/admin/report?period=2026Q3", None)]


def _call(world: World, method: str, path: str, body: Any, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return world.http.request(method, path, json=body, headers=headers)


def test_every_endpoint_is_covered_by_the_matrix(world: World) -> None:
    documented = {(m.upper(), p) for p, ops in world.http.app.openapi()["paths"].items()  # type: ignore[attr-defined]
                  for m in ops}
    tested = {(m, p) for m, p, _ in DEVICE_ENDPOINTS}
    admin_id = world.hub.admins(NORTH)[0].admin_id
    tested |= {(m, p.replace(world.devices["ana"], "{device_id}").replace(admin_id, "{admin_id}")
                .replace("/users/rita/", "/users/{username}/").split("?")[0])  # the path, without a query
               for m, p, _ in _admin_endpoints(world)}
    public = {("POST", "/v1/enroll"), ("GET", "/healthz"), ("GET", "/readyz")}  # tested on their own
    assert documented - public == tested


def test_authentication_matrix(world: World) -> None:
    ana_id, ben_secret = world.devices["ana"], world.tokens["ben"].split(".", 2)[2]
    cells = {
        "no credentials": (None, 401),
        "garbage": ("device.nonsense", 401),
        "another device's secret": (f"device.{ana_id}.{ben_secret}", 401),
        "revoked device": (world.tokens["ana2"], 403),
        "administrator token on a device endpoint": (world.admin, 403),
    }
    for method, path, body in DEVICE_ENDPOINTS:
        for cell, (token, status) in cells.items():
            answer = _call(world, method, path, body, token)
            assert answer.status_code == status, (cell, method, path, answer.text)
            # A request without CSEC-Protocol is a protocol 1 desktop: the members it knows, no more.
            assert set(answer.json()) == {"error", "detail", "wipe"}, "only a Problem in an error body"
            assert answer.json()["wipe"] == (cell == "revoked device")
            assert answer.headers["content-type"] == "application/problem+json"
            v2 = world.http.request(method, path, json=body, headers={
                **({"Authorization": f"Bearer {token}"} if token is not None else {}), "CSEC-Protocol": "2"})
            problem = v2.json()
            assert {"type", "title", "status", "detail", "error", "wipe"} <= set(problem), problem
            assert problem["status"] == status and problem["type"] == f"urn:csec:problem:{problem['error']}"
    # An insufficient role: a read-only user's device may pull but not change anything.
    ops = [_op(new_id(), "youth", _youth("rita", "north"), user="rita")]
    assert world.http.post("/v1/push", json={"ops": ops}, headers=world.as_("rita")).status_code == 403
    assert world.http.get("/v1/pull", headers=world.as_("rita")).status_code == 200
    admin_cells = {"no credentials": (None, 401), "garbage": ("admin.nonsense", 401),
                   "a device's credentials": (world.tokens["ana"], 403)}
    for method, path, body in _admin_endpoints(world):
        for cell, (token, status) in admin_cells.items():
            answer = _call(world, method, path, body, token)
            assert answer.status_code == status, (cell, method, path, answer.text)
    # Another county's administrator cannot see or touch this county's devices.
    revoke = f"/v1/admin/devices/{ana_id}/revoke"
    assert _call(world, "POST", revoke, None, world.other_admin).status_code == 404
    listed = _call(world, "GET", "/v1/admin/devices", None, world.other_admin).json()
    assert [d["username"] for d in listed] == ["zed"]
    north_admin = world.hub.admins(NORTH)[0].admin_id  # nor its administrators' tokens
    assert _call(world, "POST", f"/v1/admin/admins/{north_admin}/revoke", None,
                 world.other_admin).status_code == 404
    assert world.hub.admins(NORTH)[0].revoked_at is None
    # Nor read its program report: another county's administrator gets their own county's figures.
    _push(world, "ana", [_op(new_id(), "youth", _youth("ana", "north"))])
    theirs = _call(world, "GET", "/v1/admin/report?period=2026Q4", None, world.other_admin).json()
    ours = _call(world, "GET", "/v1/admin/report?period=2026Q4", None, world.admin).json()
    assert theirs["county"] == SOUTH and theirs["youth"] == 0 and ours["youth"] >= 1


def test_a_device_remembered_as_known_is_still_refused_with_a_wrong_secret(world: World) -> None:
    """`knows_device` remembers credentials it found enrolled (a round trip saved per request); a
    wrong secret for the same device is never taken from that memory."""
    device, secret = world.tokens["ana"].split(".", 2)[1:]
    assert world.hub.knows_device(device, secret) and world.hub.knows_device(device, secret)
    assert not world.hub.knows_device(device, secret + "x")
    wrong = {"Authorization": f"Bearer device.{device}.{secret}x"}
    assert world.http.post("/v1/push", json={"ops": []}, headers=wrong).status_code == 401
    assert world.http.post("/v1/push", json={"ops": []}, headers=world.as_("ana")).status_code == 200


@BOTH_DATABASES
def test_a_device_receives_only_its_users_caseload(world: World) -> None:
    mine, theirs, note = new_id(), new_id(), new_id()
    _push(world, "ana", [_op(mine, "youth", _youth("ana", "north")),
                         _op(note, "case_note", _note(mine), owner=mine)])
    _push(world, "ben", [_op(theirs, "youth", _youth("ben", "south"), user="ben")])
    ana_sees, _ = _pull_ids(world, "ana")
    ben_sees, _ = _pull_ids(world, "ben")
    assert mine in ana_sees and theirs not in ana_sees
    assert theirs in ben_sees and mine not in ben_sees and len(ben_sees) == 1
    assert mine in _pull_ids(world, "rita")[0]  # same unit, read-only
    assert not _pull_ids(world, "zed")[0]  # another county entirely
    # Writing into another caseload is refused in the same words as writing to nothing.
    outside = _push(world, "ben", [_op(mine, "youth", {"preferred_name": "X"}, op="update", user="ben"),
                                   _op(new_id(), "case_note", _note(mine), owner=mine, user="ben")])
    nowhere = _push(world, "ben", [_op(new_id(), "youth", {"preferred_name": "X"}, op="update", user="ben"),
                                   _op(new_id(), "case_note", _note(new_id()), owner=new_id(), user="ben")])
    assert [(r["result"], r["detail"]) for r in outside] == [(r["result"], r["detail"]) for r in nowhere]
    assert {r["result"] for r in outside} == {"refused"}
    assert all(r["result"] == "refused" for r in _push(world, "zed", [
        _op(mine, "youth", {"preferred_name": "X"}, op="update", user="zed")]))
    # Reassigned to ben: ana's device is told to drop the youth, ben's receives it and its note.
    stamp = _pull_full(world, "ana", mine)["stamps"]["assigned_worker"]
    _push(world, "ana", [_op(mine, "youth", {"assigned_worker": "ben", "unit": "south"}, op="update",
                             base=stamp)])
    answer = world.http.get("/v1/pull", params={"since": 1}, headers=world.as_("ana")).json()
    assert answer["gone"] == [mine]
    assert mine not in {r["id"] for r in answer["records"]}
    assert _pull_ids(world, "ana", since=1)[1] == [mine]  # told until it pulls past that page
    assert _pull_ids(world, "ana", since=answer["next"])[1] == []
    ben_now, _ = _pull_ids(world, "ben", since=1)
    assert {mine, note} <= ben_now  # the youth, and the note written before it moved


def _pull_full(world: World, who: str, record_id: str) -> dict[str, Any]:
    records = world.http.get("/v1/pull", headers=world.as_(who)).json()["records"]
    return next(r for r in records if r["id"] == record_id)


@BOTH_DATABASES
def test_replays_change_nothing(world: World) -> None:
    youth = new_id()
    batch = {"ops": [_op(youth, "youth", _youth("ana", "north")),
                     _op(new_id(), "case_note", _note(youth), owner=youth)]}
    first = world.http.post("/v1/push", json=batch, headers=world.as_("ana")).json()
    before = _pull_full(world, "ana", youth)
    for _ in range(3):
        again = world.http.post("/v1/push", json=batch, headers=world.as_("ana")).json()
        assert [r["result"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert [r["result"] for r in first["results"]] == ["applied", "applied"]
    after = _pull_full(world, "ana", youth)
    assert before == after
    notes = [r for r in world.http.get("/v1/pull", headers=world.as_("ana")).json()["records"]
             if r["kind"] == "case_note"]
    assert len(notes) == 1


def test_revoked_device_is_refused_and_its_vault_erased(world: World, tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", county=NORTH, admin="ana", passphrase=PASS)
    granted = _enroll(world.hub, world.http, NORTH, "ana")
    local.save_enrolment(vault, "http://testserver", "", granted)
    caseload.create_youth(vault, _youth("ana", "north"))
    client = HubClient("http://testserver", f"device.{granted.device_id}.{granted.secret}",
                       transport=world.http._transport)  # type: ignore[attr-defined]
    assert sync_vault(vault, client).pushed == 1
    world.hub.set_device_status(Admin(NORTH, "it"), granted.device_id, "revoked")
    with pytest.raises(DeviceRevoked):
        sync_vault(vault, client)
    vault.close()
    removed = local.wipe(tmp_path / "v")
    assert "keys.json" in removed and any(n.startswith("vault-") for n in removed)
    assert [p.name for p in (tmp_path / "v").iterdir()] == [local.ERASED_NOTE]
    listed = world.http.get("/v1/admin/devices", headers={"Authorization": f"Bearer {world.admin}"}).json()
    assert next(d for d in listed if d["device_id"] == granted.device_id)["wipe_sent_at"]


def test_a_device_offline_too_long_is_locked_until_released(world: World, tmp_path: Path) -> None:
    clock = Clock()
    vault, _ = Vault.create(tmp_path / "v", county=NORTH, admin="ana", passphrase=PASS, wall=clock)
    granted = _enroll(world.hub, world.http, NORTH, "ana")
    local.save_enrolment(vault, "http://testserver", "", granted)
    client = HubClient("http://testserver", f"device.{granted.device_id}.{granted.secret}",
                       transport=world.http._transport)  # type: ignore[attr-defined]
    sync_vault(vault, client)
    clock.offset = world.clock.offset = 13.9 * 86400
    assert not local.is_locked(vault)
    clock.offset = world.clock.offset = 14.1 * 86400
    assert local.is_locked(vault)  # the desktop locks itself, even with no network
    with pytest.raises(DeviceLocked):
        sync_vault(vault, client)
    world.hub.set_device_status(Admin(NORTH, "it"), granted.device_id, "active")
    sync_vault(vault, client)
    assert not local.is_locked(vault)
    vault.close()


def test_tls_pins_the_county_certificate(pg_url: str, tmp_path: Path) -> None:
    cert, key = make_certificate("hub.fictional.example", tmp_path / "right")
    wrong, _ = make_certificate("hub.fictional.example", tmp_path / "wrong")
    server = HubServer(pg_url, certfile=str(cert), keyfile=str(key))
    try:
        good = HubClient(server.base_url, cert_pem=cert.read_text())
        answer = good.http.get("/openapi.json")
        good.close()
        assert answer.status_code == 200
        bad = HubClient(server.base_url, cert_pem=wrong.read_text())
        # Issue 21: this was reported as "could not reach"; it says what is wrong, and that
        # nothing was sent.
        with pytest.raises(HubCertificateUntrusted, match=r"device trusts.*nothing was sent"):
            bad.status()
        with pytest.raises(HubCertificateUntrusted):
            bad.enroll("ABCDEF123456", "laptop")
        bad.close()
        nobody = HubClient("http://127.0.0.1:9", timeout=2)  # nothing listens: that is unreachable
        with pytest.raises(HubUnreachable):
            nobody.status()
        nobody.close()
        bad.close()
        with pytest.raises(Exception, match="https"):
            HubClient("http://hub.fictional.example:8443")
    finally:
        server.stop()


def test_audit_entries_travel_once(world: World, tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", county=NORTH, admin="ana", passphrase=PASS)
    granted = _enroll(world.hub, world.http, NORTH, "ana")
    local.save_enrolment(vault, "http://testserver", "", granted)
    client = HubClient("http://testserver", f"device.{granted.device_id}.{granted.secret}",
                       transport=world.http._transport)  # type: ignore[attr-defined]
    first = sync_vault(vault, client)
    again = sync_vault(vault, client)
    entries = vault.require_db().scalar("SELECT count(*) FROM audit")
    assert first.audit == entries and again.audit == 0
    detail = json.dumps([e.model_dump() for e in local.audit_outbox(vault)])
    assert "CANARY" not in detail
    vault.close()


def test_the_core_keeps_cases_closed_when_offline_too_long(world: World, tmp_path: Path) -> None:
    """Not only the window: the caseload, search, a youth and Today all refuse."""
    from datetime import UTC, datetime

    from csec_desktop import today
    from csec_desktop.errors import OfflineLocked

    clock = Clock()
    vault, _ = Vault.create(tmp_path / "v", county=NORTH, admin="ana", passphrase=PASS, wall=clock)
    youth = caseload.create_youth(vault, _youth("ana", "north"))
    local.save_enrolment(vault, "http://testserver", "", _enroll(world.hub, world.http, NORTH, "ana"))
    assert caseload.page(vault)[0] == 1
    clock.offset = 15 * 86400
    for read in (lambda: caseload.page(vault), lambda: caseload.search(vault, "Testchild"),
                 lambda: caseload.get_youth(vault, youth.id),
                 lambda: today.scan(vault, datetime.now(UTC))):
        with pytest.raises(OfflineLocked):
            read()
    vault.close()


def test_conflicts_show_only_to_people_who_may_see_the_youth(world: World, tmp_path: Path) -> None:
    """In a vault shared by several people, a conflict on a youth outside a person's
    caseload is neither listed for them nor decided by them."""
    (a, a_hub), (b, b_hub) = _two_desktops(world, tmp_path)
    a.add_user("cw.south", role="caseworker", passphrase=PASS + " south", unit="south")
    youth = caseload.create_youth(a, _youth("ana", "north"))
    sync_vault(a, a_hub)
    sync_vault(b, b_hub)
    caseload.update_youth(a, youth.id, {"preferred_name": "Sky"})
    caseload.update_youth(b, youth.id, {"preferred_name": "River"})
    sync_vault(b, b_hub)
    sync_vault(a, a_hub)
    assert len(local.conflicts(a)) == 1
    a.close()
    other = Vault.unlock(tmp_path / "a", "cw.south", PASS + " south")
    assert local.conflicts(other) == []
    conflict_id = other.require_db().scalar("SELECT conflict_id FROM sync_conflicts")
    with pytest.raises(Exception, match="outside your caseload"):
        local.resolve(other, conflict_id, "River")
    other.close()
    b.close()


def test_rate_limits_answer_429_with_retry_after_and_spare_others(pg_url: str) -> None:
    from csec_desktop.hub.limits import Limits
    from csec_desktop.sync.client import HubBusy

    engine = engine_for(pg_url)
    upgrade(engine)
    hub = Hub(engine)
    empty(hub)
    hub.add_county(NORTH)
    for name in ("ana", "ben"):
        hub.add_user(Admin(NORTH, "it"), P.NewUser(username=name, role="caseworker", unit="north"))
    http = TestClient(create_app(hub, Limits(device_per_minute=20, enrol_per_minute=5,
                                             failures_per_minute=10)))
    tokens = {}
    for name in ("ana", "ben"):
        code = hub.new_enrollment(Admin(NORTH, "it"), name).code
        granted = http.post("/v1/enroll", json={"code": code, "device_name": name}).json()
        tokens[name] = f"device.{granted['device_id']}.{granted['secret']}"
    ana = [http.get("/v1/status", headers={"Authorization": f"Bearer {tokens['ana']}"}) for _ in range(30)]
    assert [a.status_code for a in ana].count(200) == 20
    busy = [a for a in ana if a.status_code == 429]
    assert busy and all(int(a.headers["Retry-After"]) >= 1 for a in busy)
    assert set(busy[0].json()) == {"error", "detail", "wipe"}
    assert http.get("/v1/status", headers={"Authorization": f"Bearer {tokens['ben']}"}).status_code == 200
    guesses = [http.post("/v1/enroll", json={"code": f"GUESS{n:07d}", "device_name": "x"}).status_code
               for n in range(10)]
    assert guesses == [401, 401, 401] + [429] * 7  # 2 codes were used above; 5 a minute
    wrong = [http.get("/v1/status", headers={"Authorization": "Bearer device.x.y"}).status_code
             for _ in range(15)]
    assert wrong == [401] * 10 + [429] * 5
    client = HubClient("http://testserver", tokens["ana"], transport=http._transport)  # type: ignore[attr-defined]
    with pytest.raises(HubBusy):
        client.status()
    engine.dispose()


def test_one_enrolment_code_makes_one_device_even_when_requests_race(world: World) -> None:
    """Issue 21: eight simultaneous requests per code made several devices (the code row was not
    claimed atomically). Exactly one request gets credentials; the others are refused."""
    from concurrent.futures import ThreadPoolExecutor

    before = len(world.hub.devices(Admin(NORTH, "it")))
    codes = [world.hub.new_enrollment(Admin(NORTH, "it"), "ana2").code for _ in range(3)]
    app = create_app(world.hub, Limits(enrol_per_minute=1000))  # the race, not the rate limit

    def attempt(code: str) -> int:
        with TestClient(app) as http:
            return http.post("/v1/enroll", json={"code": code, "device_name": "racing laptop"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(attempt, [c for c in codes for _ in range(8)]))
    assert sorted(answers).count(200) == 3 and set(answers) <= {200, 401}, answers
    assert len(world.hub.devices(Admin(NORTH, "it"))) == before + 3


def test_release_never_reinstates_a_revoked_device(world: World) -> None:
    """Issue 21: release un-revoked a revoked device, whose token then got 200s again."""
    device = world.devices["ana"]
    admin = {"Authorization": f"Bearer {world.admin}"}
    revoked = world.http.post(f"/v1/admin/devices/{device}/revoke", headers=admin)
    assert revoked.status_code == 200
    released = world.http.post(f"/v1/admin/devices/{device}/release", headers=admin)
    assert released.status_code == 409 and "stays revoked" in released.text
    assert world.http.get("/v1/status", headers=world.as_("ana")).status_code != 200
    status = {d.device_id: d.status for d in world.hub.devices(Admin(NORTH, "it"))}
    assert status[device] == "revoked"


def test_the_author_is_who_the_hub_authenticated_not_who_the_device_claims(world: World) -> None:
    """Issue 21: a caseworker's device wrote as `county.director` and the hub stored that name as
    the author (a record that may be read in court). The author is the device's enrolled user;
    the claim is kept in the operation's note."""
    from sqlalchemy import select

    from csec_desktop.hub import tables as T

    youth = new_id()
    [result] = _push(world, "ana", [_op(youth, "youth", _youth("ana", "north"), user="county.director")])
    assert result["result"] == "applied" and "county.director" in result["detail"]
    with world.hub.engine.connect() as conn:
        row = conn.execute(select(T.records).where(T.records.c.id == youth)).mappings().one()
        op = conn.execute(select(T.ops).where(T.ops.c.record_id == youth)).mappings().one()
    assert row["updated_by"] == "ana" and {a[0] for a in row["authors"].values()} == {"ana"}
    assert op["user"] == "ana"


def test_a_new_records_author_is_kept_once_and_still_named_in_each_fields_conflict(world: World) -> None:
    """A record's fields are written by one person when it is created: the hub keeps that author
    once (`EVERY_FIELD`), not once per field (half of each new record's row). A conflict on any
    field still names who wrote its value, from that entry, from a field's own entry as rows
    written before kept them, or, with neither, from the record's last writer."""
    from sqlalchemy import select, update

    from csec_desktop.hub import tables as T
    from csec_desktop.hub.push import EVERY_FIELD

    r, c = T.records, T.conflicts
    first, second = new_id(), new_id()
    for youth in (first, second):
        assert _push(world, "ana", [_op(youth, "youth", _youth("ana", "north"))])[0]["result"] == "applied"
    with world.hub.engine.begin() as conn:
        authors = conn.execute(select(r.c.authors).where(r.c.id == first)).scalar_one()
        assert authors == {EVERY_FIELD: ["ana", world.devices["ana"], "2026-11-28T10:00:00.000+00:00"]}
        # The second youth as an older hub stored it: every field named, one by another device.
        body = json.loads(conn.execute(select(r.c.state).where(r.c.id == second)).scalar_one())["body"]
        conn.execute(update(r).where(r.c.id == second).values(authors={
            key: ["ana", "older-laptop", "2026-11-01T09:00:00+00:00"] for key in body}))

    def current_side(youth: str, field: str) -> dict[str, Any]:
        stale = _op(youth, "youth", {field: "2010-05-18"}, op="update", base="0000000000001-00000-old")
        assert _push(world, "ana", [stale])[0]["result"] == "conflict"
        with world.hub.engine.connect() as conn:
            values = conn.execute(select(c.c["values"]).where(c.c.record_id == youth, c.c.field == field)
                                  ).scalar_one()
        return dict(values[0])

    side = current_side(first, "date_of_birth")
    assert (side["user"], side["device"]) == ("ana", world.devices["ana"])
    side = current_side(second, "date_of_birth")
    assert (side["user"], side["device"], side["at"]) == ("ana", "older-laptop", "2026-11-01T09:00:00+00:00")
    with world.hub.engine.begin() as conn:
        conn.execute(update(r).where(r.c.id == second).values(authors={}))
    side = current_side(second, "county")
    assert (side["user"], side["device"]) == ("ana", "hub")


def test_an_operation_id_reused_for_other_content_is_refused_not_dropped(world: World) -> None:
    """Issue 21: an operation id reused with a different body was acknowledged as a duplicate and
    the new content silently dropped. A true replay is still a duplicate."""
    youth = new_id()
    first = _op(youth, "youth", _youth("ana", "north"))
    assert _push(world, "ana", [first])[0]["result"] == "applied"
    assert _push(world, "ana", [first])[0]["result"] == "duplicate"  # the same bytes again
    other = {**_op(youth, "youth", {"preferred_name": "Kit"}, op="update"), "op_id": first["op_id"]}
    [answer] = _push(world, "ana", [other])
    assert answer["result"] == "refused" and "new id" in answer["detail"]


def test_a_youth_made_outside_the_pushers_caseload_is_refused_with_their_records(world: World) -> None:
    """A desktop's administrator made youth for other units, and the device, enrolled for a
    caseworker, pushed them: the hub took the youth and refused all their records, so the county
    held an at-risk youth with no status, screen or meeting."""
    youth = new_id()
    [made] = _push(world, "ana", [_op(youth, "youth", _youth("ben", "south"))])
    assert made["result"] == "refused" and "outside your caseload" in made["detail"]
    [note] = _push(world, "ana", [_op(new_id(), "case_note", _note(youth), owner=youth)])
    assert note["result"] == "refused"
    from sqlalchemy import select

    from csec_desktop.hub import tables as T

    with world.hub.engine.connect() as conn:
        assert conn.execute(select(T.records).where(T.records.c.id == youth)).first() is None
    assert _push(world, "ana", [_op(new_id(), "youth", _youth("ben", "north"))])[0]["result"] == "applied"


def test_a_refused_operation_sent_again_is_refused_again_with_its_reason(world: World) -> None:
    """Found by the sync model: a push whose answer was lost is sent again; the hub answered a
    refused operation as `duplicate`, the desktop took it as delivered, and when the youth then
    left the caseload the change was deleted instead of kept as undelivered."""
    youth = new_id()
    assert _push(world, "ana", [_op(youth, "youth", _youth("ana", "north"))])[0]["result"] == "applied"
    bad = _op(new_id(), "case_note", {**_note(youth), "no_such_field": 1}, owner=youth)
    [first] = _push(world, "ana", [bad])
    assert first["result"] == "refused" and first["detail"]
    for _ in range(2):
        assert _push(world, "ana", [bad]) == [first]


def test_a_desktop_keeps_a_replayed_refusal_from_an_older_hub_as_refused(tmp_path: Path) -> None:
    """An older hub answers a replayed refusal as ("duplicate", "refused"): still refused here."""
    vault, _ = Vault.create(tmp_path / "v", county=NORTH, admin="ana", passphrase=PASS)
    youth = vault.records.create(Youth.model_validate({
        "legal_name": {"given": "Testchild", "family": "Fictional"}, "date_of_birth": "2010-05-17",
        "county": NORTH, "assigned_worker": "ana", "unit": "north"}))
    [op] = local.outbox(vault)
    local.record_push(vault, P.PushResponse(results=[P.OpResult(op_id=op.op_id, result="duplicate",
                                                                detail="refused")],
                                            resolved=[], server_time="2026-12-01T10:00:00+00:00"))
    assert vault.require_db().one("SELECT pushed FROM changes WHERE op_id = ?", (op.op_id,)) == (2,)
    assert youth.id == op.record_id
    vault.lock()


def test_the_hub_anchors_the_trail_a_rewritten_entry_is_refused(world: World, tmp_path: Path) -> None:
    """Issue 20: entries the hub holds are the trail's anchor outside the device. A trail rewritten
    on the device (here by someone holding the data key) is refused at the next sync and the county
    is told in the hub's own events."""
    from csec_desktop.errors import CsecError
    from csec_desktop.storage.audit import chain_hash

    vault, _ = Vault.create(tmp_path / "v", county=NORTH, admin="ana", passphrase=PASS)
    granted = _enroll(world.hub, world.http, NORTH, "ana")
    local.save_enrolment(vault, "http://testserver", "", granted)
    client = HubClient("http://testserver", f"device.{granted.device_id}.{granted.secret}",
                       transport=world.http._transport)  # type: ignore[attr-defined]
    sync_vault(vault, client)
    db = vault.require_db()
    at, user, device, action, record_id = db.one(
        "SELECT at, user, device, action, record_id FROM audit WHERE seq = 2") or ()
    detail = json.dumps({"rewritten": True})
    prev = str(db.scalar("SELECT mac FROM audit WHERE seq = 1"))
    mac = chain_hash(prev, "ana", 2, at, user, device, action, record_id, detail)
    db.execute("UPDATE audit SET detail = ?, mac = ? WHERE seq = 2", (detail, mac))
    db.execute("UPDATE meta SET value = '0' WHERE key = 'sync.audit_pushed'")
    with pytest.raises(CsecError, match="rewritten"):
        sync_vault(vault, client)
    vault.close()
    from sqlalchemy import select

    from csec_desktop.hub import tables as T

    with world.hub.engine.connect() as conn:
        events = conn.execute(select(T.hub_events.c.action, T.hub_events.c.device_id)).all()
    assert ("audit_rewritten", granted.device_id) in [tuple(e) for e in events]


def desktop_of(world: World, folder: Path, username: str, role: str, unit: str | None = None
               ) -> tuple[Vault, HubClient]:
    """A desktop whose IT administrator enrolled it for `username` (already a hub user), unlocked
    by that person, and a client to the world's hub."""
    vault, _ = Vault.create(folder, county=NORTH, admin=f"it.{username}", passphrase=PASS)
    vault.add_user(username, role=role, passphrase=PASS, unit=unit)
    granted = _enroll(world.hub, world.http, NORTH, username)
    local.save_enrolment(vault, "http://testserver", "", granted)
    vault.close()
    client = HubClient("http://testserver", f"device.{granted.device_id}.{granted.secret}",
                       transport=world.http._transport)  # type: ignore[attr-defined]
    return Vault.unlock(folder, username, PASS), client


def test_a_youth_created_and_handed_over_before_the_first_sync_leaves_the_device(
        world: World, tmp_path: Path) -> None:
    """Found by the sync model: a caseworker creates a youth and, before syncing, assigns them to
    a supervisor of another unit. The hub applies both, but the device had never pulled the youth,
    so the hub never named it `gone` and the desktop kept a youth its person may no longer see."""
    from tests.conftest import youth_data

    world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username="ben", role="caseworker", unit="south"))
    vault, client = desktop_of(world, tmp_path / "v", "ben", "caseworker", "south")
    youth = caseload.create_youth(vault, youth_data(assigned_worker="ben", unit="north", county=NORTH)).id
    caseload.update_youth(vault, youth, {"assigned_worker": "sue"})
    report = sync_vault(vault, client)
    assert report.refused == 0  # both were his to make
    assert vault.require_db().scalar("SELECT count(*) FROM records WHERE id = ? OR owner_id = ?",
                                     (youth, youth)) == 0
    assert local.status(vault).undelivered == 0  # nothing of his was left undelivered
    vault.close()


@BOTH_DATABASES
def test_gone_is_named_until_the_device_pulls_past_the_page_that_named_it(world: World) -> None:
    """Found by the sync model: the hub forgot a device's holding as it named the youth gone, so
    when that answer was lost (or the pull was sent twice and the second answer used), the device
    was never told and kept a youth its person may no longer see."""
    youth = new_id()
    _push(world, "ana", [_op(youth, "youth", _youth("ana", "north"))])
    first = world.http.get("/v1/pull", params={"since": 0}, headers=world.as_("ana")).json()
    since = first["next"]
    base = next(r for r in first["records"] if r["id"] == youth)["stamps"]
    # Another caseworker of ana's unit hands the youth over to the south unit.
    world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username="cleo", role="supervisor"))
    cleo = _enroll(world.hub, world.http, NORTH, "cleo")
    world.tokens["cleo"] = f"device.{cleo.device_id}.{cleo.secret}"
    moved = _push(world, "cleo", [_op(youth, "youth", {"assigned_worker": "ben", "unit": "south"},
                                      op="update", base=base["unit"], user="cleo")])
    assert moved[0]["result"] == "applied"
    lost = world.http.get("/v1/pull", params={"since": since}, headers=world.as_("ana")).json()
    assert lost["gone"] == [youth]  # this answer never reaches the desktop
    again = world.http.get("/v1/pull", params={"since": since}, headers=world.as_("ana")).json()
    assert again["gone"] == [youth]
    # Once the device pulls from further on, it has stored the page that told it: no more news.
    _push(world, "ana", [_op(new_id(), "youth", _youth("ana", "north"))])
    later = world.http.get("/v1/pull", params={"since": again["next"]}, headers=world.as_("ana")).json()
    after = world.http.get("/v1/pull", params={"since": later["next"]}, headers=world.as_("ana")).json()
    assert after["gone"] == []


def test_offline_work_on_a_youth_moved_away_is_kept_not_deleted(world: World, tmp_path: Path) -> None:
    """Issue 21: a caseworker adds a case note and edits a field offline; a supervisor moves the
    youth to another unit; at the next sync the hub refuses both and the device must stop holding
    the youth. What she typed is kept (sealed to her), counted, readable by her alone, exportable
    for her supervisor."""
    from csec_desktop.sync import undelivered
    from tests.conftest import WORKER_PASS, youth_data

    world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username="sue", role="supervisor", unit="north"))
    sue = _enroll(world.hub, world.http, NORTH, "sue")
    vault, _ = Vault.create(tmp_path / "v", county=NORTH, admin="ana", passphrase=PASS)
    vault.add_user("colleague", role="caseworker", passphrase=WORKER_PASS, unit="north")
    granted = _enroll(world.hub, world.http, NORTH, "ana")
    local.save_enrolment(vault, "http://testserver", "", granted)
    client = HubClient("http://testserver", f"device.{granted.device_id}.{granted.secret}",
                       transport=world.http._transport)  # type: ignore[attr-defined]
    youth = caseload.create_youth(vault, youth_data(assigned_worker="ana", unit="north", county=NORTH)).id
    sync_vault(vault, client)

    # Offline: a note and an edit.
    caseload.add_attached(vault, youth, "case_note", {"occurred_at": "2026-11-29T09:00:00+00:00",
                                                      "text": "FICTIONAL-OFFLINE-NOTE met at school"})
    caseload.update_youth(vault, youth, {"preferred_name": "Offlinename"})
    # Meanwhile the supervisor moves the youth to another unit.
    stamp = world.http.get("/v1/pull", params={"since": 0},
                           headers={"Authorization": f"Bearer device.{sue.device_id}.{sue.secret}"}).json()
    base = next(r for r in stamp["records"] if r["id"] == youth)["stamps"]["unit"]
    as_sue = {"Authorization": f"Bearer device.{sue.device_id}.{sue.secret}"}
    move = _op(youth, "youth", {"assigned_worker": "ben", "unit": "south"}, op="update", base=base,
               user="sue")
    moved = world.http.post("/v1/push", headers=as_sue, json={"ops": [move]})
    assert moved.status_code == 200 and moved.json()["results"][0]["result"] != "refused"

    sync_vault(vault, client)
    assert vault.require_db().scalar("SELECT count(*) FROM records WHERE id = ? OR owner_id = ?",
                                     (youth, youth)) == 0  # the device no longer holds the youth
    assert local.status(vault).undelivered == 2
    kept = undelivered.mine(vault)
    assert {k.kind for k in kept} == {"case_note", "youth"}
    note = next(k for k in kept if k.kind == "case_note")
    assert note.fields["text"] == "FICTIONAL-OFFLINE-NOTE met at school"
    assert note.youth_name and "left this device's caseload" in note.reason
    assert "refused by the hub" in next(k for k in kept if k.kind == "youth").reason

    target = tmp_path / "for-supervisor.json"
    assert undelivered.export(vault, target, "for my supervisor, the youth moved to south unit") == 2
    assert "FICTIONAL-OFFLINE-NOTE" in target.read_text()
    recent = vault.audit_log.entries(newest_first=True, limit=3)
    assert any(e.action == "undelivered_exported" for e in recent)
    vault.close()

    # A colleague on the same device neither sees them nor can open them.
    colleague = Vault.unlock(tmp_path / "v", "colleague", WORKER_PASS)
    try:
        assert local.status(colleague).undelivered == 0 and undelivered.mine(colleague) == []
        assert local.status(colleague).syncs_as == "ana"  # the hub knows one person per device
        sealed = colleague.require_db().scalar("SELECT sealed FROM undelivered LIMIT 1")
        assert "FICTIONAL-OFFLINE-NOTE" not in sealed
        from csec_desktop.errors import CorruptVault

        with pytest.raises(CorruptVault):  # sealed to ana's key, not to hers
            colleague.open_sealed_to_self(json.loads(sealed), "undelivered")
    finally:
        colleague.close()


def test_a_stamp_more_than_a_week_ahead_is_refused(world: World) -> None:
    """Issue 21: kept, it would become every device's newest stamp for that field."""
    youth = new_id()
    far = P.Op(op_id=new_id(), record_id=youth, kind="youth", owner_id=None, op="create",
               fields={k: P.FieldChange(new=v) for k, v in _youth("ana", "north").items()},
               hlc="9999999999999-99999-hostile", user="ana", at="2026-11-28T10:00:00.000+00:00").model_dump()
    [result] = _push(world, "ana", [far])
    assert result["result"] == "refused" and "more than a week ahead" in result["detail"]
    assert youth not in _pull_ids(world, "ana")[0]
    [fine] = _push(world, "ana", [_op(youth, "youth", _youth("ana", "north"))])
    assert fine["result"] != "refused"


@BOTH_DATABASES
def test_two_devices_each_add_a_safety_flag_and_both_stay(world: World) -> None:
    """Issue 21: lists conflicted as whole lists; the second flag was lost."""
    youth = new_id()
    _push(world, "ana", [_op(youth, "youth", {**_youth("ana", "north"), "safety_flags": []})])
    base = _pull_full(world, "ana", youth)["stamps"]["safety_flags"]
    x = {"person": "Fictional Person X", "instruction": "Do not share any information or whereabouts."}
    y = {"person": "Fictional Person Y", "instruction": "Do not share any information or whereabouts."}

    def flags(new: list[dict[str, Any]], old: list[dict[str, Any]], base: str) -> dict[str, Any]:
        op = _op(youth, "youth", {}, op="update")
        op["fields"] = {"safety_flags": {"old": old, "new": new, "base": base}}
        return op

    first = _push(world, "ana", [flags([x], [], base)])
    second_op = flags([y], [], base)  # made offline against the same base
    second = _push(world, "ana", [second_op])
    assert first[0]["result"] == "applied" and second[0]["result"] == "applied", second
    held = _pull_full(world, "ana", youth)
    assert [f["person"] for f in held["body"]["safety_flags"]] == ["Fictional Person X", "Fictional Person Y"]
    assert not held.get("conflicts")
    # Found by the sync model: the second device edits its list again before pulling the merge,
    # against the stamp of its own change. The merged list is not that device's list: Y is kept.
    z = {"person": "Fictional Person Z", "instruction": "Do not share any information or whereabouts."}
    again = _push(world, "ana", [flags([y, z], [y], str(second_op["hlc"]))])
    assert again[0]["result"] == "applied"
    held = _pull_full(world, "ana", youth)
    assert sorted(f["person"] for f in held["body"]["safety_flags"]) == [
        "Fictional Person X", "Fictional Person Y", "Fictional Person Z"]
    # The same flag changed two ways from one base is for a person to decide.
    now = held["stamps"]["safety_flags"]
    _push(world, "ana", [flags([{**x, "instruction": "Call the supervisor first."}, y], [x, y], now)])
    clash = _push(world, "ana", [flags([{**x, "instruction": "Never call."}, y], [x, y], now)])
    assert clash[0]["result"] == "conflict"


def _decide(world: World, conflict_id: str, value: Any, seen: int) -> list[str]:
    res = P.Resolution(resolution_id=new_id(), conflict_id=conflict_id, value=value, seen=seen, user="ana",
                       at="2026-11-28T11:00:00.000+00:00").model_dump()
    answer = world.http.post("/v1/push", json={"ops": [], "resolutions": [res]}, headers=world.as_("ana"))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["resolved"])


@BOTH_DATABASES
def test_a_value_written_while_a_conflict_is_open_joins_it(world: World) -> None:
    """Issue 21: a third device's value was applied unseen and then overwritten by the decision."""
    youth = new_id()
    _push(world, "ana", [_op(youth, "youth", _youth("ana", "north"))])
    base = _pull_full(world, "ana", youth)["stamps"]["legal_name"]
    name = _youth("ana", "north")["legal_name"]
    first = _op(youth, "youth", {"legal_name": {**name, "given": "Aone"}}, op="update", base=base)
    _push(world, "ana", [first])
    [clash] = _push(world, "ana", [_op(youth, "youth", {"legal_name": {**name, "given": "Btwo"}},
                                       op="update", base=base)])
    assert clash["result"] == "conflict"
    held = _pull_full(world, "ana", youth)
    [conflict] = held["conflicts"]
    # A third device, up to date with the record, writes the field while the conflict is open.
    [third] = _push(world, "ana", [_op(youth, "youth", {"legal_name": {**name, "given": "Cthree"}},
                                       op="update", base=held["stamps"]["legal_name"])])
    assert third["result"] == "conflict"
    assert _decide(world, conflict["conflict_id"], {**name, "given": "Btwo"}, seen=2) == []  # not seen all
    [now] = _pull_full(world, "ana", youth)["conflicts"]
    assert [v["value"]["given"] for v in now["values"]] == ["Aone", "Btwo", "Cthree"]
    assert _decide(world, conflict["conflict_id"], {**name, "given": "Btwo"}, seen=3)


def test_a_hub_user_can_be_listed_disabled_and_enabled(world: World) -> None:
    """Issue 21 (and the decision: hub users stay typed by the administrator, listed and disabled).
    A disabled person's devices are refused at their next request, a new enrolment code for them
    too; enabling lets them back; both are in the hub's events."""
    from sqlalchemy import select

    from csec_desktop.hub import tables as T

    listed = _call(world, "GET", "/v1/admin/users", None, world.admin).json()
    assert {u["username"]: u["disabled"] for u in listed}["ana"] is False
    assert _call(world, "POST", "/v1/admin/users/ana/disable", None, world.admin).json()["disabled"] is True
    refused = world.http.get("/v1/pull", headers=world.as_("ana"))
    assert refused.status_code == 403 and refused.json()["error"] == "user_disabled"
    code = _call(world, "POST", "/v1/admin/enrollments", {"username": "ana"}, world.admin)
    assert code.status_code == 403
    assert _call(world, "POST", "/v1/admin/users/nobody/disable", None, world.admin).status_code == 404
    assert _call(world, "POST", "/v1/admin/users/ana/enable", None, world.admin).json()["disabled"] is False
    assert world.http.get("/v1/pull", headers=world.as_("ana")).status_code == 200
    with world.hub.engine.connect() as conn:
        actions = [r[0] for r in conn.execute(select(T.hub_events.c.action))]
    assert "user_disabled" in actions and "user_enabled" in actions


def test_an_enrolment_code_can_be_cancelled(world: World) -> None:
    """Issue 21: a code given to the wrong person stops working before anyone uses it."""
    code = _call(world, "POST", "/v1/admin/enrollments", {"username": "ana"}, world.admin).json()["code"]
    cancel = "/v1/admin/enrollments/cancel"
    assert _call(world, "POST", cancel, {"code": code}, world.admin).status_code == 204
    answer = world.http.post("/v1/enroll", json={"code": code, "device_name": "fictional laptop"})
    assert answer.status_code == 401
    again = _call(world, "POST", cancel, {"code": code}, world.admin)
    assert again.status_code == 404
    other = _call(world, "POST", "/v1/admin/enrollments", {"username": "ana"}, world.admin).json()["code"]
    assert _call(world, "POST", cancel, {"code": other}, world.other_admin).status_code == 404


def _two_desktops(world: World, tmp_path: Path) -> list[tuple[Vault, HubClient]]:
    found = []
    for name in ("a", "b"):
        vault, _ = Vault.create(tmp_path / name, county=NORTH, admin="ana", passphrase=PASS)
        granted = _enroll(world.hub, world.http, NORTH, "ana")
        local.save_enrolment(vault, "http://testserver", "", granted)
        found.append((vault, HubClient("http://testserver", f"device.{granted.device_id}.{granted.secret}",
                                       transport=world.http._transport)))  # type: ignore[attr-defined]
    return found


@BOTH_DATABASES
@pytest.mark.parametrize("keep", ["the edit", "the deletion"])
def test_an_edit_made_against_a_deletion_is_kept_or_let_go_by_a_person(
        world: World, tmp_path: Path, keep: str) -> None:
    """Issue 21: "Keep this" on an edit to a record deleted elsewhere closed the conflict and left
    the edit lost. Now the deletion is one side of the conflict: keeping the edit restores the
    record (everywhere, with the edit), keeping the deletion leaves it deleted."""
    (a, a_hub), (b, b_hub) = _two_desktops(world, tmp_path)
    youth = caseload.create_youth(a, _youth("ana", "north"))
    note = caseload.add_attached(a, youth.id, "case_note", _note(youth.id))
    sync_vault(a, a_hub)
    sync_vault(b, b_hub)
    caseload.delete_attached(a, note.id)  # one desktop deletes the note ...
    sync_vault(a, a_hub)
    caseload.update_attached(b, note.id, {"text": "CANARY-NOTE, corrected offline"})  # ... the other edits it
    sync_vault(b, b_hub)
    [conflict] = local.conflicts(b)
    assert conflict.deleted_elsewhere
    deletion = next(v for v in conflict.state.values if v.deleted)
    edit = next(v for v in conflict.state.values if not v.deleted)
    assert deletion.user == "ana" and edit.value == "CANARY-NOTE, corrected offline"
    if keep == "the edit":
        local.resolve(b, conflict.conflict_id, edit.value)
    else:
        local.resolve(b, conflict.conflict_id, deletion.value, keep_deleted=True)
    sync_vault(b, b_hub)
    sync_vault(a, a_hub)
    for vault in (a, b):
        assert local.conflicts(vault) == []
        stored = vault.records.get(note.id, include_deleted=True)
        if keep == "the edit":
            assert not stored.deleted and stored.body.text == "CANARY-NOTE, corrected offline"  # type: ignore[attr-defined]
        else:
            assert stored.deleted
    # A later edit made against the restored record applies without a new conflict.
    if keep == "the edit":
        caseload.update_attached(a, note.id, {"text": "CANARY-NOTE, third pass"})
        sync_vault(a, a_hub)
        sync_vault(b, b_hub)
        assert local.conflicts(b) == [] and b.records.get(note.id).body.text == "CANARY-NOTE, third pass"  # type: ignore[attr-defined]
    a.close()
    b.close()


def test_refusals_are_listed_with_the_hubs_reason_and_can_be_set_aside(world: World, tmp_path: Path) -> None:
    """Sync review, session 34: directory entries the device's local administrator made were sent
    by the caseworker it is enrolled for and refused; the status bar counted them as waiting and as
    refused for good, with no way to see what they were or why."""
    from csec_desktop import directory
    from csec_desktop.sync import refused

    world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username="ben", role="caseworker", unit="south"))
    folder = tmp_path / "v"
    vault, client = desktop_of(world, folder, "ben", "caseworker", "south")
    vault.close()
    admin = Vault.unlock(folder, "it.ben", PASS)
    directory.add(admin, {"name": "Fictional Youth Advocates", "services": "Survivor mentoring"})
    admin.close()
    vault = Vault.unlock(folder, "ben", PASS)
    before = local.status(vault)
    assert before.waiting >= 1 and before.refused == 0
    report = sync_vault(vault, client)
    assert report.refused >= 1
    after = local.status(vault)
    assert after.waiting == 0 and after.refused == report.refused  # each counted once
    items = refused.listed(vault)
    entry = next(item for item in items if item.kind == "directory_entry")
    assert entry.user == "it.ben" and entry.youth_id is None and "name" in entry.fields
    assert "directory" in entry.reason and not entry.reason.startswith("refused")
    # The hub keeps the refusal, not what was refused: the field names and a digest, no values
    # (the entry's services were in its database in clear, told to the author as seen by no one).
    from sqlalchemy import select

    from csec_desktop.hub import tables as T

    with world.hub.engine.connect() as conn:
        kept = conn.execute(select(T.ops.c.fields, T.ops.c.result).where(T.ops.c.op_id == entry.op_id)).one()
    assert kept.result == "refused" and "Survivor mentoring" not in json.dumps(kept.fields)
    assert "services" in kept.fields["names"]
    # Sent again (its answer lost), it is answered as the first time, not as other content.
    assert local.outbox(vault) == []  # the refusal is kept here as refused, not sent again
    vault.require_db().execute("UPDATE changes SET pushed = 0 WHERE op_id = ?", (entry.op_id,))
    (sent,) = [op for op in local.outbox(vault) if op.op_id == entry.op_id]
    answer = client.push(P.PushRequest(ops=[sent], resolutions=[]))
    assert [(r.result, r.detail) for r in answer.results] == [("refused", entry.reason)]
    vault.require_db().execute("UPDATE changes SET pushed = 2 WHERE op_id = ?", (entry.op_id,))
    assert refused.set_aside(vault, [item.op_id for item in items]) == len(items)
    assert local.status(vault).refused == 0 and refused.listed(vault) == []
    again = sync_vault(vault, client)  # set aside is not sent again
    assert again.pushed == 0 and again.changed == 0  # and its own records coming back are not news
    assert vault.require_db().scalar("SELECT count(*) FROM changes WHERE pushed = 3") == len(items)
    # The entry is named (two entries read the same), and a later change to it, which the hub
    # refuses as an unknown record, says why: the entry itself never reached the hub.
    admin = Vault.unlock(folder, "it.ben", PASS)
    directory.update(admin, directory.entries(admin)[0].id, {"phone": "(555) 010-0199"})
    admin.close()
    sync_vault(vault, client)
    (later,) = refused.listed(vault)
    assert later.title == "Fictional Youth Advocates" and later.op == "update"
    assert later.reason.startswith("the record never reached the hub: its creation was refused (this role")
    vault.close()


def test_enrolment_says_where_the_hubs_person_differs_from_the_vaults(world: World, tmp_path: Path) -> None:
    """Sync review, session 34: casey was a caseworker of "North" on the desktop and of "Unit A" at
    the hub; which caseload applied depended on the copy looked at, and nothing said so."""
    world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username="ben", role="caseworker", unit="south"))
    vault, _ = Vault.create(tmp_path / "v", county=NORTH, admin="it", passphrase=PASS)
    granted = _enroll(world.hub, world.http, NORTH, "ben")
    assert granted.unit == "south" and granted.role == "caseworker"
    said = local.differences(vault, granted)
    assert len(said) == 1 and "ben is not a person of this vault" in said[0] and "caseworker" in said[0]
    vault.add_user("ben", role="supervisor", passphrase=PASS, unit="north")
    assert local.differences(vault, granted) == ["role: supervisor here, caseworker at the hub",
                                                 "unit: north here, south at the hub"]
    vault.update_user("ben", role="caseworker", unit="south")
    assert local.differences(vault, granted) == []
    vault.close()


def test_only_counsels_device_may_move_a_petition_or_share_its_account(world: World) -> None:
    """The desktop lets only an attorney mark a petition reviewed or filed, or share the youth's
    account with a caseworker; the hub does not believe a device that sends it anyway (an altered
    one could otherwise name its own user in `shared_with`)."""
    world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username="alex", role="attorney", unit="north"))
    granted = _enroll(world.hub, world.http, NORTH, "alex")
    world.tokens["alex"] = f"device.{granted.device_id}.{granted.secret}"
    youth, case, filed, count = new_id(), new_id(), new_id(), new_id()
    case_body = {"youth_id": youth, "public_name": "T. F.", "stage": "draft", "shared_with": [],
                 "reviewed": None, "reviewed_on": None, "count_ids": [count]}
    results = _push(world, "ana", [_op(youth, "youth", _youth("ana", "north"))])
    results += _push(world, "alex", [  # the count's account is counsel's to write (below)
        _op(count, "criminal_count", {"youth_id": youth, "count_kind": "arrest", "section": "484",
                                      "nexus": "Fictional: sent by him."}, owner=youth, user="alex")])
    results += _push(world, "ana", [
        _op(case, "vacatur_case", case_body, owner=youth),  # a new case as a new case holds it: taken
        _op(filed, "vacatur_case", {**case_body, "stage": "filed"}, owner=youth)])
    assert [r["result"] for r in results] == ["applied", "applied", "applied", "refused"]
    assert "only an attorney may change stage" in results[3]["detail"]
    first = world.http.get("/v1/pull", params={"since": 0}, headers=world.as_("ana")).json()
    pulled, since = first["records"], first["next"]
    stamps = next(r for r in pulled if r["id"] == case)["stamps"]
    for name, value in (("shared_with", ["ana"]), ("stage", "attorney_reviewed")):
        [refused] = _push(world, "ana", [_op(case, "vacatur_case", {name: value}, op="update",
                                             base=stamps[name], owner=youth)])
        assert refused["result"] == "refused" and "only an attorney" in refused["detail"], name
    [taken] = _push(world, "alex", [_op(case, "vacatur_case", {"shared_with": ["ana"]}, op="update",
                                        base=stamps["shared_with"], owner=youth, user="alex")])
    assert taken["result"] == "applied"
    # The counts come again after the case: the caseworker's device copies their accounts from them.
    again = world.http.get("/v1/pull", params={"since": since}, headers=world.as_("ana")).json()["records"]
    assert [r["id"] for r in again] == [case, count]
    assert again[1]["body"]["nexus"] == "Fictional: sent by him."


def _pulled(world: World, who: str, since: int = 0) -> tuple[dict[str, dict[str, Any]], int, str]:
    """Each record's newest state in a pull from `since`, the checkpoint after it, the page's text."""
    answer = world.http.get("/v1/pull", params={"since": since},
                            headers={**world.as_(who), P.HEADER: str(P.PROTOCOL)})  # as today's desktop
    page = answer.json()
    return {r["id"]: r for r in page["records"]}, page["next"], answer.text


def test_the_youths_account_reaches_only_devices_whose_person_may_read_it(world: World) -> None:
    """A caseworker's device is sent a petition's grounds and safety concerns, and a count's nexus,
    only while counsel shares that petition with her; it never writes them. The desktop hides the
    account from her; an altered device must not find it in its pulls, nor overwrite it."""
    for name, role in (("alex", "attorney"), ("sue", "supervisor")):
        world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username=name, role=role, unit="north"))
        granted = _enroll(world.hub, world.http, NORTH, name)
        world.tokens[name] = f"device.{granted.device_id}.{granted.secret}"
    youth, case, count, later = new_id(), new_id(), new_id(), new_id()
    account = {"grounds": "CANARY-GROUNDS, fictional.", "safety_concerns": "CANARY-SAFETY, fictional."}
    assert _push(world, "ana", [_op(youth, "youth", _youth("ana", "north"))])[0]["result"] == "applied"
    made = _push(world, "alex", [
        _op(count, "criminal_count", {"youth_id": youth, "count_kind": "arrest", "section": "484",
                                      "nexus": "CANARY-NEXUS-1, fictional."}, owner=youth, user="alex"),
        _op(case, "vacatur_case", {"youth_id": youth, "public_name": "T. F.", "count_ids": [count],
                                   **account}, owner=youth, user="alex")])
    assert [r["result"] for r in made] == ["applied", "applied"]

    # Counsel and supervisors are sent the account; the caseworker's device gets blanks, named.
    counsel, _, _ = _pulled(world, "alex")
    assert counsel[case]["body"]["grounds"] == account["grounds"] and not counsel[case].get("withheld")
    assert counsel[count]["body"]["nexus"] == "CANARY-NEXUS-1, fictional."
    assert _pulled(world, "sue")[0][count]["body"]["nexus"] == "CANARY-NEXUS-1, fictional."
    mine, since, text = _pulled(world, "ana")
    assert "CANARY" not in text
    assert mine[case]["withheld"] == ["grounds", "safety_concerns"]
    assert mine[case]["body"]["grounds"] is None and mine[case]["body"]["public_name"] == "T. F."
    assert mine[count]["withheld"] == ["nexus"] and mine[count]["body"]["section"] == "484"
    assert P.PullResponse.model_validate_json(text).records[0].withheld == []  # the youth: nothing left out

    # Her device writes the rest of a count, never its account (changed, or in a new count).
    stamps = mine[count]["stamps"]
    results = _push(world, "ana", [
        _op(count, "criminal_count", {"nexus": "Overwritten."}, op="update", base=stamps["nexus"],
            owner=youth),
        _op(new_id(), "criminal_count", {"youth_id": youth, "count_kind": "arrest", "section": "647(b)",
                                         "nexus": "Typed by her."}, owner=youth),
        _op(count, "criminal_count", {"section": "484(a)"}, op="update", base=stamps["section"],
            owner=youth)])
    assert [r["result"] for r in results] == ["refused", "refused", "applied"]
    assert results[0]["detail"] == ("only an attorney or a supervisor may write the youth's account; "
                                    "this device is enrolled for ana (caseworker)")
    assert _pulled(world, "alex")[0][count]["body"]["nexus"] == "CANARY-NEXUS-1, fictional."

    # Shared with her: the case and its counts come in clear, and a count added to it later too.
    case_stamps = counsel[case]["stamps"]
    assert _push(world, "alex", [_op(case, "vacatur_case", {"shared_with": ["ana"]}, op="update",
                                     base=case_stamps.get("shared_with"), owner=youth, user="alex")]
                 )[0]["result"] == "applied"
    mine, since, _ = _pulled(world, "ana", since)
    assert mine[case]["body"]["grounds"] == account["grounds"] and not mine[case].get("withheld")
    assert mine[count]["body"]["nexus"] == "CANARY-NEXUS-1, fictional." and not mine[count].get("withheld")
    added = _push(world, "alex", [
        _op(later, "criminal_count", {"youth_id": youth, "count_kind": "arrest", "section": "653.22",
                                      "nexus": "CANARY-NEXUS-2, fictional."}, owner=youth, user="alex"),
        _op(case, "vacatur_case", {"count_ids": [count, later]}, op="update",
            base=case_stamps["count_ids"], owner=youth, user="alex")])
    assert [r["result"] for r in added] == ["applied", "applied"]
    mine, since, _ = _pulled(world, "ana", since)
    assert mine[later]["body"]["nexus"] == "CANARY-NEXUS-2, fictional."

    # A conflict on the account is counsel's to decide: not sent to her, nor taken from her.
    now = _pulled(world, "alex")[0][count]["stamps"]["nexus"]
    for who, text in (("alex", "CANARY-CLASH-A, fictional."), ("sue", "CANARY-CLASH-S, fictional.")):
        _push(world, who, [_op(count, "criminal_count", {"nexus": text}, op="update", base=now,
                               owner=youth, user=who)])
    [conflict] = _pulled(world, "alex")[0][count]["conflicts"]
    assert conflict["field"] == "nexus"
    assert _pulled(world, "ana")[0][count]["conflicts"] == []  # shared to read, not to decide
    res = P.Resolution(resolution_id=new_id(), conflict_id=conflict["conflict_id"], value="Hers.", seen=2,
                       user="ana", at="2026-11-28T10:00:00.000+00:00").model_dump()
    answer = world.http.post("/v1/push", json={"ops": [], "resolutions": [res]}, headers=world.as_("ana"))
    assert answer.json()["resolved"] == []
    assert _pulled(world, "alex")[0][count]["conflicts"] != []

    # Sharing stopped: the case and its counts come again, blank and named.
    latest = _pulled(world, "alex")[0][case]["stamps"]["shared_with"]
    assert _push(world, "alex", [_op(case, "vacatur_case", {"shared_with": []}, op="update", base=latest,
                                     owner=youth, user="alex")])[0]["result"] == "applied"
    mine, _, text = _pulled(world, "ana", since)
    assert {mine[case]["withheld"][0], mine[count]["withheld"][0], mine[later]["withheld"][0]} \
        == {"grounds", "nexus"}
    assert "CANARY" not in text


def test_a_caseworkers_laptop_holds_an_account_only_while_counsel_shares_it(
        world: World, tmp_path: Path) -> None:
    """The whole way, desktop to hub to desktop: counsel writes a petition's account on her laptop;
    the caseworker's laptop holds none of it, not even sealed, until counsel shares the petition
    with her; then she reads it there, and when sharing stops she no longer does."""
    from csec_desktop.vacatur import sharing
    from tests.conftest import youth_data

    world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username="alex", role="attorney", unit="north"))
    ana, ana_hub = desktop_of(world, tmp_path / "ana", "ana", "caseworker", "north")
    alex, alex_hub = desktop_of(world, tmp_path / "alex", "alex", "attorney", "north")
    alex.close()
    admin = Vault.unlock(tmp_path / "alex", "it.alex", PASS)
    admin.add_user("ana", role="caseworker", passphrase=PASS, unit="north")  # whom counsel may share with
    admin.close()
    alex = Vault.unlock(tmp_path / "alex", "alex", PASS)
    youth = caseload.create_youth(ana, youth_data(assigned_worker="ana", unit="north", county=NORTH)).id
    sync_vault(ana, ana_hub)
    sync_vault(alex, alex_hub)
    count = caseload.add_attached(alex, youth, "criminal_count", {
        "count_kind": "arrest", "code": "PC", "section": "484", "offense_date": "2025-03-01",
        "while_victim": True, "nexus": "CANARY-NEXUS, fictional."}).id
    case = caseload.add_attached(alex, youth, "vacatur_case", {
        "public_name": "T. F.", "grounds": "CANARY-GROUNDS, fictional.", "count_ids": [count]}).id
    sync_vault(alex, alex_hub)

    def held() -> list[str]:  # every trace of the two records on her laptop: bodies and history
        db = ana.require_db()
        return [*(r[0] for r in db.query("SELECT body FROM records WHERE id IN (?, ?)", (case, count))),
                *(r[0] for r in db.query("SELECT fields FROM changes_full WHERE record_id IN (?, ?)",
                                         (case, count)))]

    def reads() -> tuple[object, object]:
        return (caseload.attached_record(ana, youth, case, "vacatur_case").body.grounds,  # type: ignore[attr-defined]
                caseload.attached_record(ana, youth, count, "criminal_count").body.nexus)  # type: ignore[attr-defined]

    sync_vault(ana, ana_hub)
    # Nothing of the account, not even sealed: only the mark that counsel wrote one.
    assert held() and not any('"$sealed":"narrative"' in text or "CANARY" in text for text in held())
    assert ana.records.withheld([case, count]) == {case, count}
    assert reads() == (None, None)
    sharing.share(alex, case, "ana")
    sync_vault(alex, alex_hub)
    sync_vault(ana, ana_hub)
    assert reads() == ("CANARY-GROUNDS, fictional.", "CANARY-NEXUS, fictional.")
    sharing.unshare(alex, case, "ana")
    sync_vault(alex, alex_hub)
    sync_vault(ana, ana_hub)
    assert reads() == (None, None)
    assert ana.require_db().scalar("SELECT count(*) FROM account_copies") == 0
    assert caseload.attached_record(alex, youth, case, "vacatur_case").body.grounds \
        == "CANARY-GROUNDS, fictional."  # type: ignore[attr-defined]
    ana.close()
    alex.close()


def test_an_altered_caseworker_device_gets_no_account_by_the_side_doors(world: World) -> None:
    """Found by an insider's review of the account's withholding: a caseworker's device put another
    youth's count into the petition shared with her and was sent its account; brought back a case
    counsel had deleted; confirmed a guess by the push's answer; an administrator named in
    `shared_with`, or given the review grant, was sent the account; a protocol 1 desktop could not
    read a page naming what was withheld."""
    for name, role, extra in (("alex", "attorney", []), ("ada", "administrator", ["review_petition"])):
        world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username=name, role=role, unit="north",
                                                         extra_permissions=extra))
        granted = _enroll(world.hub, world.http, NORTH, name)
        world.tokens[name] = f"device.{granted.device_id}.{granted.secret}"
    a, b, mine_count, other_count, shared_case, other_case = (new_id() for _ in range(6))
    _push(world, "ana", [_op(a, "youth", _youth("ana", "north")), _op(b, "youth", _youth("ana", "north"))])
    made = _push(world, "alex", [
        _op(mine_count, "criminal_count", {"youth_id": a, "count_kind": "arrest", "section": "484",
                                           "nexus": "CANARY-A, fictional."}, owner=a, user="alex"),
        _op(other_count, "criminal_count", {"youth_id": b, "count_kind": "arrest", "section": "484",
                                            "nexus": "CANARY-B, fictional."}, owner=b, user="alex"),
        _op(shared_case, "vacatur_case", {"youth_id": a, "public_name": "T. F.", "count_ids": [mine_count],
                                          "grounds": "CANARY-GROUNDS-A, fictional.", "shared_with": ["ana"]},
            owner=a, user="alex"),
        _op(other_case, "vacatur_case", {"youth_id": b, "public_name": "T. G.", "count_ids": [other_count],
                                         "grounds": "CANARY-GROUNDS-B, fictional."}, owner=b, user="alex")])
    assert [r["result"] for r in made] == ["applied"] * 4
    pulled, _since, text = _pulled(world, "ana")
    assert "CANARY-A, fictional." in text and "CANARY-B" not in text
    # A blank field of the account is sent blank, not named withheld (her screens say "withheld"
    # only of what was written).
    assert pulled[other_case]["withheld"] == ["grounds"]

    # Another count put into the shared petition: refused, from her device as from any non-reader.
    stamps = pulled[shared_case]["stamps"]
    [widened] = _push(world, "ana", [_op(shared_case, "vacatur_case",
                                         {"count_ids": [mine_count, other_count]},
                                         op="update", base=stamps["count_ids"], owner=a)])
    assert widened["result"] == "refused"
    assert "counts of a petition whose account is shared" in widened["detail"]
    assert "CANARY-B" not in _pulled(world, "ana")[2]

    # A right guess of an account is answered as a wrong one: refused.
    guess = pulled[other_count]["stamps"]["nexus"]
    for value in ("CANARY-B, fictional.", "Wrong guess.", None):
        [answer] = _push(world, "ana", [_op(other_count, "criminal_count", {"nexus": value}, op="update",
                                            base=guess, owner=b)])
        assert answer["result"] == "refused", value

    # Named in `shared_with`, only a caseworker is sent the account; an administrator with the
    # review grant may not share it with herself.
    [named] = _push(world, "ada", [_op(other_case, "vacatur_case", {"shared_with": ["ada"]}, op="update",
                                       base=pulled[other_case]["stamps"].get("shared_with"), owner=b,
                                       user="ada")])
    assert named["result"] == "refused"
    latest = _pulled(world, "alex")[0][other_case]["stamps"].get("shared_with")
    [named] = _push(world, "alex", [_op(other_case, "vacatur_case", {"shared_with": ["ada", "rita"]},
                                        op="update", base=latest, owner=b, user="alex")])
    assert named["result"] == "applied"
    for who in ("ada", "rita"):
        assert "CANARY-GROUNDS-B" not in _pulled(world, who)[2], who

    # Counsel deletes the shared case; her device may not bring it back by deciding the conflict.
    assert _push(world, "alex", [_op(shared_case, "vacatur_case", {}, op="delete", owner=a, user="alex")]
                 )[0]["result"] == "applied"
    [edit] = _push(world, "ana", [_op(shared_case, "vacatur_case", {"public_name": "T. H."}, op="update",
                                      base=stamps["public_name"], owner=a)])
    assert edit["result"] == "conflict"
    [conflict] = _pulled(world, "alex")[0][shared_case]["conflicts"]
    for value, restore in (("T. H.", True), ("A value of her own.", False)):
        res = P.Resolution(resolution_id=new_id(), conflict_id=conflict["conflict_id"], value=value,
                           seen=len(conflict["values"]), restore=restore, user="ana",
                           at="2026-11-28T10:00:00.000+00:00").model_dump()
        answer = world.http.post("/v1/push", json={"ops": [], "resolutions": [res]}, headers=world.as_("ana"))
        assert answer.json()["resolved"] == [], value
    assert _pulled(world, "alex")[0][shared_case]["deleted"]

    # A protocol 1 desktop refused any member it did not know: its page names nothing withheld.
    old = world.http.get("/v1/pull", params={"since": 0}, headers=world.as_("ana"))  # no protocol header
    assert "withheld" not in old.text and "CANARY-B" not in old.text
    assert "withheld" in world.http.get("/v1/pull", params={"since": 0},
                                        headers={**world.as_("ana"), P.HEADER: str(P.PROTOCOL)}).text

"""The hub against hostile input, at rest and under concurrent uploads (issue 21): strict JSON,
bodies bounded before they are read, audit uploads that race, owner-only SQLite files and
revocable administrator tokens. Real hub app on a real PostgreSQL (SQLite where it says so)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from csec_desktop.hub import tables as T
from csec_desktop.hub.app import create_app
from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.limits import Limits
from csec_desktop.hub.principals import Admin
from csec_desktop.hub.store import Hub
from csec_desktop.ids import new_id
from csec_desktop.sync import protocol as P
from tests.hub.conftest import empty

COUNTY = "Fictional County"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_sqlite_hub_keeps_its_files_to_its_owner(tmp_path: Path) -> None:
    """Issue 21: the SQLite hub's files were world-readable (0644), every youth in plain JSON.
    Even under a permissive umask the database, its -wal and -shm are 0600 and a folder the
    hub makes for them 0700."""
    previous = os.umask(0o022)
    try:
        folder = tmp_path / "hub-data"
        engine = engine_for(f"sqlite:///{folder / 'csec-hub.db'}")
        upgrade(engine)
        hub = Hub(engine)
        hub.add_county(COUNTY)
        with engine.connect() as conn:  # the WAL's files exist while a connection is open
            conn.exec_driver_sql("SELECT count(*) FROM counties").scalar()
            names = sorted(p.name for p in folder.iterdir())
            assert names == ["csec-hub.db", "csec-hub.db-shm", "csec-hub.db-wal"]
            assert {name: _mode(folder / name) for name in names} == dict.fromkeys(names, 0o600)
        assert _mode(folder) == 0o700
        engine.dispose()
    finally:
        os.umask(previous)


def test_an_sqlite_hub_left_readable_by_an_earlier_version_is_closed_up(tmp_path: Path) -> None:
    path = tmp_path / "csec-hub.db"
    engine = engine_for(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    path.chmod(0o644)
    engine_for(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600


# On PostgreSQL ---------------------------------------------------------------------------------


@dataclass
class World:
    hub: Hub
    app: Any
    http: TestClient
    admin: str
    tokens: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def world(pg_url: str) -> Iterator[World]:
    engine = engine_for(pg_url)
    upgrade(engine)
    hub = Hub(engine)
    empty(hub)
    hub.add_county(COUNTY)
    admin = hub.add_admin(COUNTY, "it.lead")
    app = create_app(hub, Limits(device_per_minute=10_000, enrol_per_minute=1000))
    http = TestClient(app)
    tokens = {}
    for name in ("ana", "ben", "cara", "dev"):
        hub.add_user(Admin(COUNTY, "it.lead"), P.NewUser(username=name, role="caseworker", unit="north"))
        code = hub.new_enrollment(Admin(COUNTY, "it.lead"), name).code
        granted = http.post("/v1/enroll", json={"code": code, "device_name": f"laptop of {name}"}).json()
        tokens[name] = f"device.{granted['device_id']}.{granted['secret']}"
    yield World(hub, app, http, admin, tokens)
    engine.dispose()


def _entries(first: int, count: int, *, mac: str = "ab") -> list[dict[str, Any]]:
    return [P.AuditEntry(seq=n, at="2026-11-28T10:00:00.000+00:00", user="ana", device="laptop",
                         action="youth_viewed", detail="", mac=f"{mac}{n:04x}").model_dump()
            for n in range(first, first + count)]


def test_forty_concurrent_audit_uploads_all_succeed(world: World) -> None:
    """Issue 21: 10 of 40 concurrent audit uploads failed (two requests storing the same entry
    raced on its key). Forty at once, for one device and for several, overlapping entries: every
    one answers 200, each entry is stored once, and the trail is whole."""
    people = ["ana"] * 16 + ["ben", "cara", "dev"] * 8
    batches = [(who, _entries(1 + (n % 4) * 10, 30)) for n, who in enumerate(people)]

    def upload(job: tuple[str, list[dict[str, Any]]]) -> int:
        who, entries = job
        with TestClient(world.app) as http:
            return http.post("/v1/audit", json={"entries": entries}, headers=world.as_(who)).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(upload, batches))
    assert answers == [200] * 40
    with world.hub.engine.connect() as conn:
        joined = T.audit.join(T.devices, T.devices.c.id == T.audit.c.device_id)
        stored = dict(conn.execute(select(T.devices.c.username, func.count()).select_from(joined)
                                   .group_by(T.devices.c.username)).all())
    assert stored == {"ana": 60, "ben": 60, "cara": 60, "dev": 60}
    again = world.http.post("/v1/audit", json={"entries": _entries(1, 60)}, headers=world.as_("ana"))
    assert again.json() == {"stored": 0, "last_seq": 60}


def test_concurrent_uploads_still_refuse_a_rewritten_trail(world: World) -> None:
    """The race fix keeps the rule: an entry the hub holds arriving with another seal is refused
    (409 audit_rewritten), and nothing of that batch is stored."""
    first = world.http.post("/v1/audit", json={"entries": _entries(1, 5)}, headers=world.as_("ana"))
    assert first.json() == {"stored": 5, "last_seq": 5}

    def upload(mac: str) -> Any:
        with TestClient(world.app) as http:
            return http.post("/v1/audit", json={"entries": _entries(1, 10, mac=mac)},
                             headers=world.as_("ana"))

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(upload, ["ab", "cd"] * 5))
    assert [a.status_code for a in answers] == [200, 409] * 5
    assert all(a.json()["error"] == "audit_rewritten" for a in answers[1::2])
    with world.hub.engine.connect() as conn:
        macs = dict(conn.execute(select(T.audit.c.seq, T.audit.c.mac)).all())
    assert macs == {n: f"ab{n:04x}" for n in range(1, 11)}


def _bodies(app: Any) -> list[tuple[str, str]]:
    """Every operation that takes a JSON body, from the hub's own description."""
    return [(method.upper(), path) for path, ops in app.openapi()["paths"].items()
            for method, op in ops.items() if "requestBody" in op]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_as_invalid_json_on_every_body(world: World, constant: str) -> None:
    """Issue 21: NaN/Infinity in a body gave 500 on /v1/enroll (no login needed), /v1/push and
    /v1/audit (Python's reader takes them; PostgreSQL's JSON then refused to store them). Every
    endpoint with a body answers 422 and says what is wrong; nothing is stored."""
    youth = {"legal_name": {"new": {"given": "Testchild", "family": "Fictional"}},
             "date_of_birth": {"new": "2010-05-17"}, "county": {"new": COUNTY},
             "assigned_worker": {"new": "ana"}, "unit": {"new": "north", "old": "__C__"}}
    op = {"op_id": new_id(), "record_id": new_id(), "kind": "youth", "op": "create", "fields": youth,
          "hlc": "1764567890123-00000-test", "user": "ana", "at": "2026-11-28T10:00:00.000+00:00"}
    entry = {**_entries(1, 1)[0], "seq": "__C__"}
    bodies = {"/v1/enroll": {"code": "ABCDEF123456", "device_name": "__C__"},
              "/v1/push": {"ops": [op]}, "/v1/audit": {"entries": [entry]},
              "/v1/admin/users": {"username": "new.worker", "role": "caseworker", "unit": "__C__"},
              "/v1/admin/enrollments": {"username": "__C__"},
              "/v1/admin/enrollments/cancel": {"code": "__C__"}}
    endpoints = _bodies(world.app)
    assert {p for _, p in endpoints} == set(bodies), "a new endpoint with a body: add it here"
    for method, path in endpoints:
        token = world.admin if path.startswith("/v1/admin") else world.tokens["ana"]
        content = json.dumps(bodies[path]).replace('"__C__"', constant)
        answer = world.http.request(method, path, content=content, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert answer.status_code == 422, (path, answer.text)
        problem = answer.json()
        assert problem["error"] == "invalid_request"
        assert f"{constant} is not a JSON number" in problem["detail"], problem
    with world.hub.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(T.ops)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(T.audit)).scalar() == 0


MB = 1024 * 1024


def _post_raw(app: Any, path: str, token: str | None, *, chunks: int, length: int | None) -> tuple[int, int]:
    """POST `chunks` MiB straight into the app (ASGI), as a server would hand them over; the answer's
    status and how many bytes the hub asked for before answering."""
    chunk = b" " * MB
    handed = 0

    async def receive() -> dict[str, Any]:
        nonlocal handed
        if handed < chunks * MB:
            handed += MB
            return {"type": "http.request", "body": chunk, "more_body": handed < chunks * MB}
        await anyio.sleep(3600)  # the client is still there; it has sent everything
        raise AssertionError

    answers: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        answers.append(message)

    headers = [(b"content-type", b"application/json"), (b"csec-protocol", b"2")]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("192.0.2.7", 50000),
             "server": ("testserver", 80)}

    async def run() -> None:
        with anyio.fail_after(60):
            await app(scope, receive, send)

    anyio.run(run)
    return answers[0]["status"], handed


def test_a_huge_body_without_credentials_is_refused_unread(world: World) -> None:
    """Issue 21: a 200 MB body without credentials was read whole (hub memory 91 -> 705 MB). It is
    refused before a byte of it is read: by its declared length, or for want of credentials."""
    for path in ("/v1/push", "/v1/audit", "/v1/admin/users"):
        assert _post_raw(world.app, path, None, chunks=200, length=200 * MB) == (413, 0)
        for token in (None, "device.0.wrong", "admin.wrong"):
            assert _post_raw(world.app, path, token, chunks=200, length=None) == (401, 0), (path, token)
    assert _post_raw(world.app, "/v1/enroll", None, chunks=200, length=200 * MB) == (413, 0)


def test_a_streamed_body_is_cut_off_at_the_endpoints_limit(world: World) -> None:
    """With good credentials, a body sent without its length is read only up to the endpoint's
    limit, then refused (413); a declared length over it is refused unread."""
    limits = Limits()
    for path, who in (("/v1/push", "ana"), ("/v1/audit", "ana"), ("/v1/admin/users", "admin"),
                      ("/v1/enroll", None)):
        token = world.admin if who == "admin" else world.tokens[who] if who else None
        most = limits.body_bytes(path)
        status, handed = _post_raw(world.app, path, token, chunks=200, length=None)
        assert status == 413 and handed <= most + MB, (path, handed)
        assert _post_raw(world.app, path, token, chunks=200, length=200 * MB) == (413, 0)


def test_too_long_is_said_as_a_problem_and_documented(world: World) -> None:
    answer = world.http.post("/v1/enroll", content=b'{"code": "' + b"A" * 20_000 + b'"}',
                             headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large" and "16384 bytes" in answer.json()["detail"]
    for method, path in _bodies(world.app):
        assert "413" in world.app.openapi()["paths"][path][method.lower()]["responses"], path


def test_an_administrator_token_can_be_revoked_through_the_api(world: World) -> None:
    """Issue 21: administrator tokens could not be revoked. An administrator lists the county's
    tokens (ids, never tokens) and revokes one; from then on it gets 401, and the county's events
    say who revoked whose token."""
    leaked = world.hub.add_admin(COUNTY, "former.lead")
    admin = {"Authorization": f"Bearer {world.admin}"}
    before = {"Authorization": f"Bearer {leaked}"}
    assert world.http.get("/v1/admin/devices", headers=before).status_code == 200
    listed = world.http.get("/v1/admin/admins", headers=admin).json()
    assert {a["name"] for a in listed} == {"it.lead", "former.lead"}
    assert leaked not in json.dumps(listed) and all(a["revoked_at"] is None for a in listed)
    target = next(a["admin_id"] for a in listed if a["name"] == "former.lead")
    answer = world.http.post(f"/v1/admin/admins/{target}/revoke", headers=admin)
    assert answer.status_code == 200 and answer.json()["revoked_at"]
    for method, path, body in (("GET", "/v1/admin/devices", None), ("GET", "/v1/admin/admins", None),
                               ("POST", "/v1/admin/users", {"username": "x.y", "role": "caseworker"})):
        refused = world.http.request(method, path, json=body, headers=before)
        assert refused.status_code == 401, (path, refused.text)
    assert world.http.get("/v1/admin/devices", headers=admin).status_code == 200  # the others still work
    with world.hub.engine.connect() as conn:
        events = conn.execute(select(T.hub_events.c.actor, T.hub_events.c.detail)
                              .where(T.hub_events.c.action == "admin_revoked")).all()
    assert [tuple(e) for e in events] == [("it.lead", f"former.lead {target}")]
    unknown = world.http.post("/v1/admin/admins/0123456789ab/revoke", headers=admin)
    assert unknown.status_code == 404


def test_an_administrator_token_can_be_revoked_from_the_command_line(
        pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from csec_desktop.hub import cli

    engine = engine_for(pg_url)
    upgrade(engine)
    hub = Hub(engine)
    empty(hub)
    assert cli.main(["--db", pg_url, "add-county", COUNTY]) == 0
    assert cli.main(["--db", pg_url, "add-admin", COUNTY, "it.night"]) == 0
    made = capsys.readouterr()
    token = made.out.strip().splitlines()[-1]
    ident = made.err.split("Its id is ")[1].split()[0]
    http = TestClient(create_app(hub))
    assert http.get("/v1/admin/devices", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert cli.main(["--db", pg_url, "list-admins", COUNTY]) == 0
    assert f"{ident}  it.night" in capsys.readouterr().out
    assert cli.main(["--db", pg_url, "revoke-admin", COUNTY, ident]) == 0
    assert "revoked" in capsys.readouterr().out
    assert http.get("/v1/admin/devices", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert cli.main(["--db", pg_url, "list-admins", COUNTY]) == 0
    assert "revoked 20" in capsys.readouterr().out
    assert cli.main(["--db", pg_url, "revoke-admin", COUNTY, "0123456789ab"]) == cli.EXIT_NOT_FOUND
    assert "No such administrator token" in capsys.readouterr().err
    with engine.connect() as conn:
        assert conn.execute(select(T.hub_events.c.actor).where(T.hub_events.c.action == "admin_revoked")
                            ).scalars().all() == ["cli"]
    engine.dispose()


def test_hub_users_are_listed_and_disabled_from_the_command_line(
        pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from csec_desktop.hub import cli
    from csec_desktop.hub.principals import Admin
    from csec_desktop.sync import protocol as P

    engine = engine_for(pg_url)
    upgrade(engine)
    hub = Hub(engine)
    empty(hub)
    hub.add_county(COUNTY)
    hub.add_user(Admin(COUNTY, "it"), P.NewUser(username="fictional.worker", role="caseworker", unit="north"))
    assert cli.main(["--db", pg_url, "disable-user", COUNTY, "fictional.worker"]) == 0
    assert "fictional.worker: disabled" in capsys.readouterr().out
    assert cli.main(["--db", pg_url, "list-users", COUNTY]) == 0
    assert "fictional.worker  caseworker  north  disabled" in capsys.readouterr().out
    assert cli.main(["--db", pg_url, "disable-user", COUNTY, "fictional.worker", "--enable"]) == 0
    assert "enabled" in capsys.readouterr().out
    assert cli.main(["--db", pg_url, "disable-user", COUNTY, "nobody.here"]) == cli.EXIT_NOT_FOUND
    engine.dispose()

"""The hub applies the desktop's one visibility rule (domain/visibility.py), extra grants
included: its SQL clause selects exactly the youth rows the Python rule allows, on SQLite
and on PostgreSQL, for users stored and read back through the hub; and over HTTP a
caseworker granted read_all_youth receives another unit's youth, the grant's arrival and
withdrawal restarting and trimming the device's feed like a change of role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, insert, not_, select

from csec_desktop.domain.people import NEVER_GRANTED, Permission, Role, User
from csec_desktop.domain.visibility import Scope
from csec_desktop.hub import tables as T
from csec_desktop.hub import visibility_sql
from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.principals import Admin, Who
from csec_desktop.hub.store import Hub
from csec_desktop.ids import new_id
from csec_desktop.sync import protocol as P
from tests.core import test_visibility_rule as rule
from tests.hub.conftest import empty
from tests.hub.harness import HubServer
from tests.hub.test_hub_api import _op, _youth

COUNTY = "Fictional County"
ADMIN = Admin(COUNTY, "it")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Hub, dict[str, rule.Row]]]:
    """A hub holding one youth row of every kind the strategies make."""
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('hub') / 'hub.db'}"
    engine = engine_for(url)
    upgrade(engine)
    hub = Hub(engine)
    empty(hub)
    hub.add_county(COUNTY)
    table = {new_id(): row for row in rule.EVERY_ROW}
    with engine.begin() as conn:
        conn.execute(insert(T.records),
                     [_record(i, seq, row) for seq, (i, row) in enumerate(table.items(), 1)])
    yield hub, table
    engine.dispose()


def _record(record_id: str, seq: int, row: rule.Row) -> dict[str, Any]:
    worker, unit, sealed = row
    return dict(id=record_id, county=COUNTY, kind="youth", owner_id=record_id, version=1, deleted=False,
                state="{}", authors={}, updated_at="2026-11-28T10:00:00.000+00:00",
                updated_by="it", seq=seq, worker=worker, unit=unit, sealed=sealed)


def _select(engine: Engine, where: Any) -> set[str]:
    y = T.records.alias("y")
    with engine.connect() as conn:
        return {i for (i,) in conn.execute(select(y.c.id).where(y.c.county == COUNTY, where(y)))}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=rule.users())
def test_the_hubs_clause_selects_what_the_rule_allows(loaded: tuple[Hub, dict[str, rule.Row]],
                                                      user: User) -> None:
    hub, table = loaded
    scope = Scope.for_user(user)
    allowed = {i for i, row in table.items() if scope.allows(*row)}
    # The translation of any scope, a disabled person's (nothing) included.
    assert _select(hub.engine, lambda y: visibility_sql.clause(scope, y)) == allowed
    if user.disabled:
        return  # the hub has no disabled users: a county revokes their devices
    # The person as the hub stores and reads them back: role, unit and extra grants (less those
    # the hub refuses for the role, which the desktop's rule ignores: people.NEVER_GRANTED).
    grants = [p for p in user.extra_permissions if p not in NEVER_GRANTED.get(user.role, frozenset())]
    hub.add_user(ADMIN, P.NewUser(username=user.username, role=user.role.value, unit=user.unit,
                                  extra_permissions=grants))
    with hub.engine.connect() as conn:
        who = hub._user(conn, COUNTY, user.username, missing=404)
    assert who.permissions == user.permissions()
    assert all(who.can(p) == user.can(p) for p in Permission)
    assert {i for i, row in table.items() if who.sees({"worker": row[0], "unit": row[1], "sealed": row[2]})} \
        == allowed
    assert _select(hub.engine, who.scope) == allowed
    # Two-valued: what a pull names `gone` is exactly the rest, youth with no worker or unit too.
    assert _select(hub.engine, lambda y: not_(who.scope(y))) == set(table) - allowed


def test_the_feed_key_follows_role_unit_and_grants() -> None:
    plain = Who(COUNTY, "ana", Role.CASEWORKER, "north")
    assert plain.scope_key == "caseworker|north"  # as before grants were kept: no restart on upgrade
    covering = Who(COUNTY, "ana", Role.CASEWORKER, "north",
                   frozenset({Permission.READ_SEALED, Permission.READ_ALL_YOUTH}))
    assert covering.scope_key == "caseworker+read_all_youth+read_sealed|north"
    # A grant the role already has changes nothing a device receives.
    assert Who(COUNTY, "ana", Role.CASEWORKER, "north", frozenset({Permission.READ_YOUTH})).scope_key \
        == plain.scope_key
    everything = Who(COUNTY, "ana", Role.READ_ONLY, "u" * 64, frozenset(Permission))
    assert len(everything.scope_key) > 200  # why devices.scope_key became text (migration 0002)


@pytest.fixture
def server(pg_url: str) -> Iterator[HubServer]:
    hub = HubServer(pg_url)
    empty(hub.hub)
    hub.hub.add_county(COUNTY)
    yield hub
    hub.stop()


def test_a_caseworker_granted_read_all_youth_pulls_another_units_youth(server: HubServer) -> None:
    admin_token = server.hub.add_admin(COUNTY, "it")
    http = httpx.Client(base_url=server.base_url)

    def save_user(body: dict[str, Any]) -> httpx.Response:
        return http.post("/v1/admin/users", json=body, headers={"Authorization": f"Bearer {admin_token}"})

    def device(username: str) -> dict[str, str]:
        code = server.hub.new_enrollment(ADMIN, username).code
        granted = http.post("/v1/enroll", json={"code": code, "device_name": username}).json()
        return {"Authorization": f"Bearer device.{granted['device_id']}.{granted['secret']}"}

    def pull(headers: dict[str, str], since: int = 0) -> dict[str, Any]:
        answer = http.get("/v1/pull", params={"since": since}, headers=headers)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    assert save_user({"username": "ben", "role": "caseworker", "unit": "south"}).status_code == 200
    # No grant gives an administrator the sealed records (people.NEVER_GRANTED): refused, named.
    refused = save_user({"username": "it.two", "role": "administrator", "extra_permissions": ["read_sealed"]})
    assert refused.status_code == 422 and "cannot be given read_sealed" in refused.text
    ana = {"username": "ana", "role": "caseworker", "unit": "north"}
    assert save_user(ana).json()["extra_permissions"] == []
    ben, ana_device = device("ben"), device("ana")
    theirs = new_id()
    pushed = http.post("/v1/push", json={"ops": [_op(theirs, "youth", _youth("ben", "south"), user="ben")]},
                       headers=ben)
    assert pushed.json()["results"][0]["result"] == "applied"
    first = pull(ana_device)
    assert first["records"] == []
    # Covering for a colleague: the grant arrives and the feed starts again from 0, so the
    # youth pushed before it (below the checkpoint) reaches the device.
    saved = save_user({**ana, "extra_permissions": ["read_all_youth"]})
    assert saved.status_code == 200, saved.text
    assert saved.json()["extra_permissions"] == ["read_all_youth"]
    covering = pull(ana_device, since=first["next"] + 1)
    assert [r["id"] for r in covering["records"]] == [theirs]
    # Still not a sealed youth: the grant widens the caseload, not READ_SEALED.
    sealed = new_id()
    assert save_user({"username": "sue", "role": "supervisor", "unit": "south"}).status_code == 200
    sealed_op = _op(sealed, "youth", {**_youth("ben", "south"), "sealed": True}, user="sue")
    pushed = http.post("/v1/push", json={"ops": [sealed_op]}, headers=device("sue"))
    assert pushed.json()["results"][0]["result"] == "applied"
    assert sealed not in {r["id"] for r in pull(ana_device)["records"]}
    # The grant withdrawn: the device is told to drop the youth.
    save_user(ana)
    assert pull(ana_device, since=covering["next"])["gone"] == [theirs]
    # An unknown permission is refused, naming the field.
    wrong = save_user({**ana, "extra_permissions": ["read_everything"]})
    assert wrong.status_code == 422
    # A problem-details answer (RFC 9457); its detail names the field for any desktop version.
    assert wrong.headers["content-type"] == "application/problem+json"
    assert "body.extra_permissions.0" in wrong.json()["detail"]
    http.close()


def test_migration_keeps_users_and_adds_no_grants(tmp_path: Path) -> None:
    """Users saved before migration 0002 keep their role and unit, with no grants."""
    from alembic import command
    from alembic.config import Config

    from csec_desktop.hub.db import MIGRATIONS

    engine = engine_for(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(insert(T.counties).values(id=COUNTY, seq=0, max_offline_days=14))
        conn.exec_driver_sql("INSERT INTO hub_users (county, username, role, unit) "
                             f"VALUES ('{COUNTY}', 'ana', 'caseworker', 'north')")
    upgrade(engine)
    with engine.connect() as conn:
        who = Hub(engine)._user(conn, COUNTY, "ana", missing=404)
    assert who == Who(COUNTY, "ana", Role.CASEWORKER, "north") and who.scope_key == "caseworker|north"
    engine.dispose()


def test_a_youth_left_with_no_worker_nor_unit_is_gone_from_the_device(server: HubServer) -> None:
    """The clause is two-valued: before, `NOT (worker = 'ana' OR unit = 'north')` was NULL for a
    youth with neither, so the device kept a youth its user may no longer see."""
    server.hub.add_user(ADMIN, P.NewUser(username="ana", role="caseworker", unit="north"))
    code = server.hub.new_enrollment(ADMIN, "ana").code
    http = httpx.Client(base_url=server.base_url)
    granted = http.post("/v1/enroll", json={"code": code, "device_name": "ana"}).json()
    ana = {"Authorization": f"Bearer device.{granted['device_id']}.{granted['secret']}"}
    mine = new_id()
    http.post("/v1/push", json={"ops": [_op(mine, "youth", _youth("ana", "north"))]}, headers=ana)
    held = http.get("/v1/pull", headers=ana).json()
    stamps = held["records"][0]["stamps"]
    unassigned = _op(mine, "youth", {"assigned_worker": None}, op="update", base=stamps["assigned_worker"])
    unassigned["fields"]["unit"] = {"old": None, "new": None, "base": stamps["unit"]}
    assert http.post("/v1/push", json={"ops": [unassigned]}, headers=ana).json()["results"][0]["result"] \
        == "applied"
    assert http.get("/v1/pull", params={"since": held["next"]}, headers=ana).json()["gone"] == [mine]
    http.close()

"""The hub's migrations keep what a county's hub holds: records written by an earlier hub read the
same after an upgrade, and after a downgrade back, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from csec_desktop.hub.db import MIGRATIONS, engine_for, upgrade
from csec_desktop.sync import protocol as P
from tests.hub.conftest import DSN

COUNTY = "Fictional County"
YOUTH, NOTE = "0190a0b0-0000-7000-8000-00000000a001", "0190a0b0-0000-7000-8000-00000000a002"
BODY = {"legal_name": {"given": "Testchild", "family": "Fictional-Émile"}, "date_of_birth": "2010-05-17",
        "safety_flags": [{"person": "Fictional Person X", "instruction": "Do not share \"anything\"."}]}
STAMPS = {"legal_name": "1764300000000-0001-dev-a", "date_of_birth": "1764300000000-0001-dev-a",
          "safety_flags": "1764300000123-0000-dev-b:merged"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        made = engine_for(f"sqlite:///{tmp_path / 'hub.db'}")
        yield made
        made.dispose()
        return
    base = request.getfixturevalue("pg_url")  # skips, or fails in CI, without PostgreSQL
    name = f"csec_mig_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    made = engine_for(base.rsplit("/", 1)[0] + "/" + name)
    yield made
    made.dispose()
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _to(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def _rows(engine: Engine, sql: str) -> dict[str, Any]:
    with engine.connect() as conn:
        return {row[0]: row[1:] for row in conn.execute(text(sql))}


def test_a_records_body_and_stamps_become_its_state_and_come_back(engine: Engine) -> None:
    _to(engine, "0006")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO counties (id, seq, max_offline_days) VALUES (:c, 2, 14)"),
                     {"c": COUNTY})
        insert = text(
            "INSERT INTO records (id, county, kind, owner_id, version, deleted, body, stamps, authors, "
            "updated_at, updated_by, seq, worker, unit, sealed) VALUES (:id, :county, :kind, :owner, "
            ":version, :deleted, :body, :stamps, '{}', '2026-11-28T10:00:00.000+00:00', 'ana', :seq, "
            "'ana', 'north', false)")
        conn.execute(insert, [
            {"id": YOUTH, "county": COUNTY, "kind": "youth", "owner": YOUTH, "version": 3, "deleted": False,
             "body": json.dumps(BODY), "stamps": json.dumps(STAMPS), "seq": 1},
            {"id": NOTE, "county": COUNTY, "kind": "case_note", "owner": YOUTH, "version": 2, "deleted": True,
             "body": json.dumps({"youth_id": YOUTH, "text": "Synthetic note."}),
             "stamps": json.dumps({"youth_id": "s1", "text": "s1"}), "seq": 2}])

    upgrade(engine)
    states = {i: json.loads(row[0]) for i, row in _rows(engine, "SELECT id, state FROM records").items()}
    assert states[YOUTH] == {"id": YOUTH, "kind": "youth", "owner_id": YOUTH, "version": 3,
                             "updated_at": "2026-11-28T10:00:00.000+00:00", "updated_by": "ana", "seq": 1,
                             "deleted": False, "body": BODY, "stamps": STAMPS, "conflicts": []}
    assert states[NOTE]["deleted"] is True and states[NOTE]["body"]["text"] == "Synthetic note."
    for state in states.values():  # what a pull sends, as the protocol reads it
        P.RecordState.model_validate(state)

    _to(engine, "0006", down=True)
    back = _rows(engine, "SELECT id, body, stamps FROM records")
    body, stamps = (json.loads(v) if isinstance(v, str) else v for v in back[YOUTH])
    assert body == BODY and stamps == STAMPS


def test_a_refused_operation_kept_by_an_earlier_hub_keeps_only_its_field_names(engine: Engine) -> None:
    """0008: the values of refused operations, kept in clear by an earlier hub, are withheld; a
    replay is still told from other content."""
    from csec_desktop.hub.push import _same_content, withheld

    _to(engine, "0007")
    fields = {"legal_name": {"old": None, "new": {"given": "Testchild", "family": "Fictional"}, "base": None}}
    insert = text(
        "INSERT INTO ops (op_id, county, device_id, \"user\", record_id, op, fields, hlc, hlc_ahead, at, "
        "received_at, result, detail) VALUES (:id, :county, 'dev', 'ana', :record, 'create', :fields, "
        "'1764300000000-0001-dev-a', false, '2026-11-28T10:00:00+00:00', '2026-11-28T10:00:00+00:00', "
        ":result, '')")
    with engine.begin() as conn:
        conn.execute(insert, [{"id": YOUTH, "county": COUNTY, "record": YOUTH, "fields": json.dumps(fields),
                               "result": "refused"},
                              {"id": NOTE, "county": COUNTY, "record": NOTE, "fields": json.dumps(fields),
                               "result": "applied"}])
    upgrade(engine)
    kept = {i: json.loads(v[0]) if isinstance(v[0], str) else v[0]
            for i, v in _rows(engine, "SELECT op_id, fields FROM ops").items()}
    assert kept[YOUTH] == withheld(fields) and "Testchild" not in json.dumps(kept[YOUTH])
    assert kept[NOTE] == fields  # what the hub applied is its record: unchanged
    carried = (YOUTH, "create", fields, "1764300000000-0001-dev-a")
    assert _same_content((YOUTH, "create", kept[YOUTH], "1764300000000-0001-dev-a"), carried)
    assert not _same_content((YOUTH, "create", kept[YOUTH], "1764300000000-0001-dev-a"),
                             (YOUTH, "create", {**fields, "notes": {"old": None, "new": "x", "base": None}},
                              "1764300000000-0001-dev-a"))

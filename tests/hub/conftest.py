"""A real PostgreSQL for the hub's tests.

`.ci/run` starts the server and creates the role; locally, set CSEC_HUB_TEST_DSN or
start PostgreSQL the same way. Each test session gets a database of its own.
Where CSEC_HUB_REQUIRE_PG is set (CI), a missing server fails instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text

from csec_desktop.hub import tables as T
from csec_desktop.hub.store import Hub

DSN = os.environ.get("CSEC_HUB_TEST_DSN", "postgresql://csec_test:csec_test@127.0.0.1:5432/csec_test")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    try:
        psycopg.connect(DSN, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL for the hub tests is not reachable at {DSN.split('@')[-1]}: {exc}"
        if os.environ.get("CSEC_HUB_REQUIRE_PG"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"csec_hub_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield DSN.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def empty(hub: Hub) -> None:
    """Every table emptied (between Hypothesis examples)."""
    names = ", ".join(t.name for t in reversed(T.metadata.sorted_tables))
    with hub.engine.begin() as conn:
        if hub.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {names} CASCADE"))
        else:
            for table in reversed(T.metadata.sorted_tables):
                conn.execute(table.delete())

"""Opening the hub's database: PostgreSQL in production, SQLite for a single office.

The schema is brought to Alembic's head on every start, inside one transaction.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).parent / "migrations"


def engine_for(url: str) -> Engine:
    """An engine with the settings each backend needs for the hub's transactions."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        _owner_only(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            # pysqlite would BEGIN on its own; the "begin" event below takes that over.
            conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _immediate(conn: Any) -> None:
            # One writer at a time, taken at BEGIN: the county counter's row lock on PostgreSQL.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _owner_only(url: str) -> None:
    """An SQLite hub holds every youth of the county in plain JSON: its file is the owner's only
    (0600), made so before SQLite first opens it (SQLite gives its -wal and -shm files the database
    file's mode), and a folder the hub creates for it is 0700. A file left readable by an earlier
    version is closed up too. An existing folder is left as it is: it may be shared (the current
    directory, /srv), and the files inside are closed anyway."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        path.parent.chmod(0o700)  # whatever the umask
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if name.exists():
            name.chmod(0o600)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def head() -> str | None:
    """The latest migration this hub's code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def schema_state(engine: Engine) -> tuple[bool, bool]:
    """(the database answers, its schema is at `head()`), for /readyz."""
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError:
        return False, False
    return True, current == head()


def upgrade(engine: Engine) -> None:
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")

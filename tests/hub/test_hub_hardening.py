"""The hub against hostile input, at rest and under concurrent uploads (issue 21): strict JSON,
bodies bounded before they are read, audit uploads that race, owner-only SQLite files and
revocable administrator tokens. Real hub app on a real PostgreSQL (SQLite where it says so)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.store import Hub

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

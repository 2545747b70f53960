"""One SQLCipher 4 connection with the settings this app depends on, checked on every open.

The database is opened with a raw 256-bit key (the data key from the key file),
so SQLCipher's own PBKDF2 is skipped: the Argon2id wrap is what protects it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlcipher3

from csec_desktop.errors import CorruptVault, PlaintextVault, VaultMissing

SQLITE_HEADER = b"SQLite format 3\x00"

# WAL with synchronous=FULL: every COMMIT fsyncs the WAL before returning, so a
# power cut after an acknowledged commit loses nothing (NORMAL could).
REQUIRED_PRAGMAS: tuple[tuple[str, str, str], ...] = (
    # (pragma, value to set, value expected back)
    ("temp_store", "MEMORY", "2"),
    ("secure_delete", "ON", "1"),
    ("foreign_keys", "ON", "1"),
    ("journal_mode", "WAL", "wal"),
    ("synchronous", "FULL", "2"),
)

Row = tuple[Any, ...]


def key_literal(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError("the data key must be 32 bytes")
    return f"\"x'{key.hex()}'\""


def looks_plaintext(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == SQLITE_HEADER


class Database:
    """A guarded connection: engine errors become CorruptVault with a clear message."""

    def __init__(self, conn: sqlcipher3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path, key: bytes, *, create: bool = False) -> Database:
        if create:
            # Create it private first: SQLite gives the -wal and -shm files the same mode.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        else:
            if not path.exists():
                raise VaultMissing(f"No vault database at {path}.")
            if looks_plaintext(path):
                raise PlaintextVault()
        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
        try:
            # The key must precede every other statement (SQLCipher 4.7+).
            conn.execute(f"PRAGMA key = {key_literal(key)}")
            conn.execute("PRAGMA cipher_memory_security = ON")
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher3.DatabaseError as exc:
                raise CorruptVault(_engine_reason(exc)) from None
            for name, value, _ in REQUIRED_PRAGMAS:
                conn.execute(f"PRAGMA {name} = {value}").fetchall()
            db = cls(conn, path)
            db.assert_settings()
            return db
        except BaseException:
            conn.close()
            raise

    def assert_settings(self) -> None:
        for name, _, expected in REQUIRED_PRAGMAS:
            got = str(self.scalar(f"PRAGMA {name}")).lower()
            if got != expected:
                raise CorruptVault(f"PRAGMA {name} is {got}, expected {expected}")
        if str(self.scalar("PRAGMA cipher_memory_security")) != "1":
            raise CorruptVault("cipher_memory_security could not be turned on")

    def close(self) -> None:
        with contextlib.suppress(sqlcipher3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.close()

    # Queries ---------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        with self.guard():
            return int(self._conn.execute(sql, params).rowcount)

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT and return the new row's rowid."""
        with self.guard():
            rowid = self._conn.execute(sql, params).lastrowid
        return int(rowid or 0)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.guard():
            self._conn.executemany(sql, rows)

    def executescript(self, sql: str) -> None:
        """Run statements one by one; unlike sqlite3's executescript this never COMMITs."""
        pending = ""
        with self.guard():
            for line in sql.splitlines(keepends=True):
                pending += line
                if sqlcipher3.complete_statement(pending):
                    self._conn.execute(pending)
                    pending = ""
            if pending.strip():
                raise ValueError("incomplete SQL statement at the end of a script")

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        with self.guard():
            return [tuple(r) for r in self._conn.execute(sql, params).fetchall()]

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Row | None:
        with self.guard():
            row = self._conn.execute(sql, params).fetchone()
            return tuple(row) if row is not None else None

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.one(sql, params)
        return row[0] if row else None

    @contextlib.contextmanager
    def transaction(self, mode: str = "IMMEDIATE") -> Iterator[Database]:
        """All or nothing. Returns only after COMMIT has reached the disk."""
        if self._conn.in_transaction:
            yield self  # nested: the outer transaction decides
            return
        with self.guard():
            self._conn.execute(f"BEGIN {mode}")
        try:
            yield self
        except BaseException:
            with contextlib.suppress(sqlcipher3.Error):
                self._conn.execute("ROLLBACK")
            raise
        with self.guard():
            self._conn.execute("COMMIT")

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except sqlcipher3.IntegrityError:
            raise
        except sqlcipher3.OperationalError as exc:
            text = str(exc).lower()
            if any(w in text for w in ("malformed", "not a database", "disk i/o", "corrupt")):
                raise CorruptVault(_engine_reason(exc)) from None
            raise
        except sqlcipher3.DatabaseError as exc:
            raise CorruptVault(_engine_reason(exc)) from None

    def integrity_problems(self) -> list[str]:
        """Both checks: page HMACs (cipher) and b-tree structure (SQLite)."""
        problems = [str(r[0]) for r in self.query("PRAGMA cipher_integrity_check")]
        structure = [str(r[0]) for r in self.query("PRAGMA integrity_check")]
        if structure != ["ok"]:
            problems.extend(structure)
        problems.extend(f"foreign key: {r}" for r in self.query("PRAGMA foreign_key_check"))
        return problems

    def export_to(self, target: Path, key: bytes) -> None:
        """Copy everything into a new encrypted file (the backup API is disabled for SQLCipher)."""
        if target.exists():
            raise FileExistsError(target)
        with self.guard():
            self._conn.execute(
                f"ATTACH DATABASE ? AS export_target KEY {key_literal(key)}", (str(target),)
            )
            try:
                self._conn.execute("SELECT sqlcipher_export('export_target')")
                version = int(self._conn.execute("PRAGMA main.user_version").fetchone()[0])
                self._conn.execute(f"PRAGMA export_target.user_version = {version}")
            finally:
                self._conn.execute("DETACH DATABASE export_target")


def _engine_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "not a database" in text:
        return "pages fail authentication or the file is not a vault"
    if "malformed" in text:
        return "the database structure is damaged"
    return f"database engine error: {type(exc).__name__}"

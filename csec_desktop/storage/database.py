"""One SQLCipher 4 connection with the settings this app depends on, checked on every open.

The database is opened with a raw 256-bit key (the data key from the key file),
so SQLCipher's own PBKDF2 is skipped: the Argon2id wrap is what protects it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from csec_desktop.errors import (
    CorruptVault,
    CsecError,
    DiskFull,
    PlaintextVault,
    ReadOnlyVault,
    StorageProblem,
    VaultMissing,
    VaultUnreachable,
    storage_problem,
)
from csec_desktop.storage.engine import sqlcipher3

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
    # 32 MiB of decrypted pages (the default is 8 MiB). A page read from the file is decrypted and
    # checked each time it enters the cache, so a caseload that outgrows the cache pays that again
    # and again: at 100,000 youth the benchmark's pages, searches and edits took 2.1x their
    # unencrypted time with 8 MiB and 1.02x with 32 MiB. The cache fills only as pages are read.
    ("cache_size", "-32768", "-32768"),
)

Row = tuple[Any, ...]


_HEX = b"0123456789abcdef"


def raw_key_spec(key: bytes | bytearray) -> bytearray:
    """SQLCipher's raw-key form, x'<64 hex digits>', built as bytes the caller wipes.

    Never a str: a Python str cannot be overwritten, so the key's hex text would stay in the
    process's memory after lock (the memory test counted one copy before this)."""
    if len(key) != 32:
        raise ValueError("the data key must be 32 bytes")
    spec = bytearray(b"x'" + b"0" * 64 + b"'")
    for i, byte in enumerate(key):
        spec[2 + 2 * i] = _HEX[byte >> 4]
        spec[3 + 2 * i] = _HEX[byte & 15]
    return spec


def wipe(buffer: bytearray) -> None:
    buffer[:] = bytes(len(buffer))


_BYTES_DATA = bytes.__basicsize__ - 1  # where a bytes object's content starts (CPython)


def wipe_bytes(data: bytes) -> None:
    """Overwrite an immutable bytes object in place (CPython only). The last resort for key
    material some library returned as bytes: freeing it leaves the content in memory Python
    reuses but never clears. Only for an object the caller made and nothing else reads after
    this; short objects (which CPython shares) are refused."""
    if type(data) is not bytes or len(data) < 16:
        raise ValueError("only a key-sized bytes object of one's own can be wiped")
    ctypes.memset(id(data) + _BYTES_DATA, 0, len(data))


def looks_plaintext(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == SQLITE_HEADER


class Database:
    """A guarded connection: engine errors become CorruptVault with a clear message."""

    def __init__(self, conn: sqlcipher3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._at_commit: list[tuple[Callable[[], None], Callable[[], None]]] = []

    @classmethod
    def open(cls, path: Path, key: bytes | bytearray, *, create: bool = False) -> Database:
        """Open (or create) and check the settings; a full disk, a read-only folder or a file
        that cannot be opened is named as such (StorageProblem), damage as CorruptVault."""
        try:
            return cls._open(path, key, create=create)
        except OSError as exc:
            raise (storage_problem(exc) or exc) from None
        except sqlcipher3.Error as exc:
            raise (_named(exc) or exc) from None

    @classmethod
    def _open(cls, path: Path, key: bytes | bytearray, *, create: bool) -> Database:
        if create:
            # Create it private first: SQLite gives the -wal and -shm files the same mode.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        else:
            if not path.exists():
                raise VaultMissing(f"No vault database at {path}.")
            if looks_plaintext(path):
                raise PlaintextVault()
        # A statement cache of 1,024 (the module's default is 128): the vault's work cycles through
        # more distinct statements than that (IN lists of every length, Today's rules), and each
        # one evicted is compiled again, which cost a demo county's writes half their time.
        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False,
                                  cached_statements=1024)
        spec = raw_key_spec(key)
        try:
            # The key must precede every other statement (SQLCipher 4.7+). sqlite3_key through
            # set_key reads the bytearray in place; `PRAGMA key` would need the key as a str.
            conn.set_key(spec)
            wipe(spec)
            conn.execute("PRAGMA cipher_memory_security = ON")
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher3.DatabaseError as exc:
                raise (_named(exc) or CorruptVault(_engine_reason(exc))) from None
            for name, value, _ in REQUIRED_PRAGMAS:
                conn.execute(f"PRAGMA {name} = {value}").fetchall()
            db = cls(conn, path)
            db.assert_settings()
            return db
        except BaseException:
            conn.close()
            raise
        finally:
            wipe(spec)

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

    def function(self, name: str, arguments: int, body: Callable[..., Any]) -> None:
        """An SQL function for this connection (gone when it closes)."""
        self._conn.create_function(name, arguments, body, deterministic=True)

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
            for write, _drop in self._at_commit:
                write()
        except BaseException:
            kept, self._at_commit = self._at_commit, []
            for _write, drop in kept:
                drop()
            with contextlib.suppress(sqlcipher3.Error):
                self._conn.execute("ROLLBACK")
            raise
        self._at_commit = []
        with self.guard():
            self._conn.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        return bool(self._conn.in_transaction)

    def at_commit(self, write: Callable[[], None], drop: Callable[[], None]) -> None:
        """Run `write` at the end of the transaction open now, inside it, before COMMIT; or `drop`
        if it rolls back. For writes that cost less together and in order (the search index's)."""
        self._at_commit.append((write, drop))

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except sqlcipher3.IntegrityError:
            raise
        except sqlcipher3.Error as exc:
            named = _named(exc)
            if named is None:
                raise
            raise named from None

    def full_check(self) -> list[str]:
        """Every page's HMAC (cipher_integrity_check), the b-tree structure and indexes
        (integrity_check) and foreign keys: the problems found, [] when the vault holds. Damage so
        bad that the engine stops reading is itself a problem found, not an exception.
        Reads every page: about 2.5 s for a vault of 10,000 youth (60 MB), so for
        `csec audit verify`, not for every unlock."""
        try:
            problems = [f"page check: {r[0]}" for r in self.query("PRAGMA cipher_integrity_check")]
            structure = [str(r[0]) for r in self.query("PRAGMA integrity_check")]
            if structure != ["ok"]:
                problems.extend(f"structure: {s}" for s in structure)
            problems.extend(f"foreign key: {r}" for r in self.query("PRAGMA foreign_key_check"))
        except CorruptVault as exc:
            problems = [exc.detail]
        return problems

    integrity_problems = full_check  # the name the vault's callers used first

    def quick_check(self) -> list[str]:
        """SQLite's quick_check (structure without index contents): [] when it holds. Not run at
        every unlock: about 1.0 s on a vault of 10,000 youth, where unlock takes 0.46 s."""
        try:
            found = [str(r[0]) for r in self.query("PRAGMA quick_check")]
        except CorruptVault as exc:
            return [exc.detail]
        return [] if found == ["ok"] else found

    def attach(self, path: Path, name: str, key: bytes | bytearray) -> None:
        """Another encrypted file, under its own key, as schema `name`, with the settings of this
        one that are each file's own (WAL, FULL, secure delete). A wrong key or a damaged file
        raises CorruptVault here, at the first read, and leaves nothing attached."""
        try:  # private from the start, as the vault's own
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            for item in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                if item.is_file() and item.stat().st_mode & 0o077:
                    item.chmod(0o600)  # made by a program that did not ask for it private
        spec = raw_key_spec(key)
        with self.guard():
            try:
                self._conn.execute(f"ATTACH DATABASE ? AS {name} KEY ?", (str(path), spec))
            finally:
                wipe(spec)
            try:
                for pragma, value in (("journal_mode", "WAL"), ("synchronous", "FULL"),
                                      ("secure_delete", "ON")):
                    self._conn.execute(f"PRAGMA {name}.{pragma} = {value}").fetchall()
            except BaseException:
                self._conn.execute(f"DETACH DATABASE {name}")
                raise

    def attach_memory(self, name: str) -> None:
        """An empty database in this process's memory as schema `name` (gone at close)."""
        with self.guard():
            self._conn.execute(f"ATTACH DATABASE ':memory:' AS {name}")

    def detach(self, name: str) -> None:
        with contextlib.suppress(sqlcipher3.Error):
            self._conn.execute(f"DETACH DATABASE {name}")

    def export_to(self, target: Path, key: bytes) -> None:
        """Copy everything into a new encrypted file (the backup API is disabled for SQLCipher)."""
        if target.exists():
            raise FileExistsError(target)
        spec = raw_key_spec(key)
        with self.guard():
            # The key as a bound blob, not in the SQL text (a str). SQLite copies it into memory
            # that SQLCipher's memory security wipes when the statement or connection is freed.
            try:
                self._conn.execute("ATTACH DATABASE ? AS export_target KEY ?", (str(target), spec))
            finally:
                wipe(spec)
            try:
                self._conn.execute("SELECT sqlcipher_export('export_target')")
                version = int(self._conn.execute("PRAGMA main.user_version").fetchone()[0])
                self._conn.execute(f"PRAGMA export_target.user_version = {version}")
            finally:
                self._conn.execute("DETACH DATABASE export_target")


# SQLite's primary result codes (the low byte of an extended code) that are about the disk or
# the folder, not about the vault: a full disk is not damage, and saying "restore from a
# backup" would send the person into a restore that cannot help.
_STORAGE_CODES: dict[int, type[StorageProblem]] = {
    sqlcipher3.SQLITE_FULL: DiskFull,
    sqlcipher3.SQLITE_READONLY: ReadOnlyVault,
    sqlcipher3.SQLITE_CANTOPEN: VaultUnreachable,
    sqlcipher3.SQLITE_PERM: ReadOnlyVault,
}
_STORAGE_DETAIL = {DiskFull: "no space left", ReadOnlyVault: "write refused",
                   VaultUnreachable: "cannot open the database file"}
_DAMAGE_WORDS = ("malformed", "not a database", "disk i/o", "corrupt")


def _named(exc: BaseException) -> CsecError | None:
    """What an engine error means for the person: a storage problem, damage, or None (a bug,
    e.g. an SQL error, raised as it is)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _STORAGE_CODES:
        kind = _STORAGE_CODES[code & 0xFF]
        return kind(_STORAGE_DETAIL[kind])
    text = str(exc).lower()
    if "database or disk is full" in text:  # an engine without error codes on its exceptions
        return DiskFull(_STORAGE_DETAIL[DiskFull])
    if "readonly database" in text:
        return ReadOnlyVault(_STORAGE_DETAIL[ReadOnlyVault])
    if isinstance(exc, sqlcipher3.OperationalError):
        return CorruptVault(_engine_reason(exc)) if any(w in text for w in _DAMAGE_WORDS) else None
    if isinstance(exc, sqlcipher3.DatabaseError) and not isinstance(exc, sqlcipher3.IntegrityError):
        return CorruptVault(_engine_reason(exc))
    return None


def _engine_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "not a database" in text:
        return "pages fail authentication or the file is not a vault"
    if "malformed" in text:
        return "the database structure is damaged"
    return f"database engine error: {type(exc).__name__}"

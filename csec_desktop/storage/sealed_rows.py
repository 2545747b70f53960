"""Sealed youth in the caseload of the people who may read them.

Anyone who opens the vault can read `youth_fields` and the search index, so a sealed youth's row
there keeps only what the caseload rule needs (worker, unit, the flag, deleted): names, birth date
and legal status are blank, and nothing of theirs is indexed for search. What the blank columns
would hold, and the sealed youth's search terms, are kept in a file of their own beside the vault
(`<vault file>-sealed`), encrypted by SQLCipher under a key derived from the sealed records'
compartment key: only the people who hold that key can open it (compartments.Keyring.file_key).
For them the session attaches it as schema `sealed`, and the view `seen_fields`, which every
caseload query reads, shows its rows in place of the blank ones.

Why a file and not rows filled in memory at each unlock: filling them grew with the county's
sealed youth (3,000 at 100,000 youth: 35-75 ms of every holder's unlock, for opening one value
that held them all, its JSON, and the inserts with their indexes). The file is opened, and its
pages checked, not filled: about 6 ms at 100,000 youth.

The file is a copy kept for speed; the records are the truth. It is trusted only while it holds
exactly what the records say now, which two checks at each unlock tell:
- a token, written in the same transaction to the file and to `sealed_cache` (rowid 0) in the
  vault whenever this session changes the file, and only while the vault's token is still the one
  this session last saw; any write of a sealed youth where the file is not kept in step (a
  colleague without the key, a pull, another session) deletes the vault's token (`written`), and
  a crash between the two files' commits leaves them different;
- the set of sealed youth in the file is the set sealed in the vault (an unseal pulled without
  the key changes the vault's set only).
Otherwise the file is made again from the records (records.RecordStore.sealed_youth). A file
that does not open under the key (a new generation of the compartment key), or fails its page
check (damage), is removed and made again; if even that fails, the session keeps the copy in
memory.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from csec_desktop.errors import CorruptVault, CsecError
from csec_desktop.storage.database import Database, wipe
from csec_desktop.storage.schema import youth_field_values

log = logging.getLogger(__name__)

VIEW = "seen_fields"
SCHEMA = "sealed"
SUFFIX = "-sealed"
"""The file's name is the vault file's with this added: removed with it (storage/vault_files.py)."""
Opened = tuple[tuple[Any, ...], list[str]]
"""A sealed youth's youth_fields row as shown (schema.youth_field_values, shown=True) and their
search terms."""
COLUMNS = "rowid, family, given, birth, worker, unit, sealed, deleted, periods, names"
TOKEN_ROW = 0
"""The rowid in the vault's `sealed_cache` of the token the file must also hold (no record has
rowid 0)."""
FORGET_SEALED_ROW = f"DELETE FROM sealed_cache WHERE rowid IN (?, {TOKEN_ROW})"
"""A sealed youth written where the copy is not kept in step: their kept row and the token go."""

_TABLES = f"""
    CREATE TABLE IF NOT EXISTS {SCHEMA}.sealed_fields (
        rowid INTEGER PRIMARY KEY, family TEXT NOT NULL, given TEXT NOT NULL,
        birth TEXT NOT NULL, worker TEXT, unit TEXT, sealed INTEGER NOT NULL,
        deleted INTEGER NOT NULL, periods TEXT NOT NULL, names TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS {SCHEMA}.sealed_fields_name ON sealed_fields(family, given);
    CREATE INDEX IF NOT EXISTS {SCHEMA}.sealed_fields_birth ON sealed_fields(birth);
    CREATE VIRTUAL TABLE IF NOT EXISTS {SCHEMA}.sealed_search USING fts5(
        terms, content='', contentless_delete=1, prefix='1 2',
        tokenize = 'unicode61 remove_diacritics 2');
    CREATE TABLE IF NOT EXISTS {SCHEMA}.state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# The file holds exactly the youth sealed in the vault (deleted ones included, as their rows say).
_INSERT_ROW = f"INSERT INTO {SCHEMA}.sealed_fields ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)"
_SAME_YOUTH = (f"SELECT (SELECT count(*) FROM main.youth_fields WHERE sealed = 1) = "
               f"(SELECT count(*) FROM {SCHEMA}.sealed_fields) AND NOT EXISTS ("
               f"SELECT rowid FROM main.youth_fields WHERE sealed = 1 "
               f"EXCEPT SELECT rowid FROM {SCHEMA}.sealed_fields)")


def index_path(vault_file: Path) -> Path:
    return vault_file.with_name(vault_file.name + SUFFIX)


class SealedRows:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.active = False  # whether this session shows sealed youth's names (holds the key)
        self.rebuilt = False  # whether this session's unlock had to make the file again
        self._token: str | None = None  # the token the copy and the vault share, as last seen

    def prepare(self, key: Callable[[], bytearray] | None, rows: Callable[[], list[Opened]]) -> None:
        """Make `seen_fields` for this session. `key` gives the file's key (the caller's to derive,
        ours to wipe) when this person holds the sealed records' key, else None; `rows` gives each
        sealed youth opened (Opened), read only when the file must be made again."""
        self.db.execute(f"DROP VIEW IF EXISTS temp.{VIEW}")
        self.rebuilt = False
        attached = any(row[1] == SCHEMA for row in self.db.query("PRAGMA database_list"))
        if self.db.in_transaction:
            # A person's keys loaded again inside a change of people: a file can be neither
            # detached nor set up inside a transaction, so the one attached stays until the next
            # unlock (its key is still good; a new generation's key makes it again then).
            self.active = key is not None and attached
        else:
            if attached:  # the keys loaded again: the store is new, the connection is not
                self.db.detach(SCHEMA)
            self.active = key is not None
            if key is not None:
                self._open(key(), rows)
        if not self.active:
            self.db.execute(f"CREATE TEMP VIEW {VIEW} AS SELECT {COLUMNS} FROM main.youth_fields")
            return
        self.db.execute(f"""
            CREATE TEMP VIEW {VIEW} AS
                SELECT {COLUMNS} FROM main.youth_fields WHERE sealed = 0
                UNION ALL SELECT {COLUMNS} FROM {SCHEMA}.sealed_fields""")

    def _open(self, secret: bytearray, rows: Callable[[], list[Opened]]) -> None:
        """Attach the file (made anew when it does not open or fails its check), then make its
        rows again unless they are current. The file is only a copy: whatever is wrong with it
        (damage anywhere in it, a key of another generation, something else in its place, a disk
        that refuses the writes) costs this session its speed, never the unlock: the rows are
        then made in memory, as before the file existed, and the next unlock tries the file again."""
        path = index_path(self.db.path)
        try:
            try:
                self._attach(path, secret)
            except CsecError:
                self.db.detach(SCHEMA)
                _remove(path)
                self._attach(path, secret)
            if not self._current():
                self._rebuild(rows)
        except (CsecError, OSError) as exc:
            log.warning("sealed youth index: not usable (%s); this session keeps it in memory",
                        type(exc).__name__)
            self.db.detach(SCHEMA)
            self.db.attach_memory(SCHEMA)
            self.db.executescript(_TABLES)
            self._rebuild(rows)
        finally:
            wipe(secret)

    def _attach(self, path: Path, secret: bytearray) -> None:
        self.db.attach(path, SCHEMA, secret)
        self.db.executescript(_TABLES)
        # Every page's HMAC checked, after what a crash left in the WAL is moved into the file
        # (2.4 ms for 3,000 sealed youth; SQLite's quick_check took 9-15): a page damaged or
        # changed past the first would otherwise fail later, in the middle of a search.
        self.db.query(f"PRAGMA {SCHEMA}.wal_checkpoint(TRUNCATE)")
        if self.db.query(f"PRAGMA {SCHEMA}.cipher_integrity_check"):
            raise CorruptVault("the sealed youth index fails its check")

    def _current(self) -> bool:
        ours = self.db.scalar(f"SELECT value FROM {SCHEMA}.state WHERE key = 'token'")
        theirs = self.db.scalar("SELECT row FROM sealed_cache WHERE rowid = ?", (TOKEN_ROW,))
        current = ours is not None and ours == theirs and bool(self.db.scalar(_SAME_YOUTH))
        self._token = str(ours) if current else None
        return current

    def _rebuild(self, rows: Callable[[], list[Opened]]) -> None:
        # The records read inside the transaction, so no write can land between the reading and
        # the token that says the copy is current. In bulk: the full-text index is written once
        # rather than after each row (308 rows: 103 -> 3 ms).
        self.rebuilt = True
        with self.db.transaction():
            opened = rows()
            self.db.execute(f"DELETE FROM {SCHEMA}.sealed_fields")
            self.db.execute(f"INSERT INTO {SCHEMA}.sealed_search (sealed_search) VALUES ('delete-all')")
            self.db.executemany(_INSERT_ROW, [values for values, _terms in opened])
            self.db.executemany(f"INSERT INTO {SCHEMA}.sealed_search (rowid, terms) VALUES (?, ?)",
                                [(values[0], " ".join(terms)) for values, terms in opened
                                 if terms and not values[7]])
            self._stamp()

    def _stamp(self) -> None:
        """A new token in both files, in the caller's transaction (or the statement's own)."""
        token = secrets.token_hex(16)
        self.db.execute(f"INSERT OR REPLACE INTO {SCHEMA}.state (key, value) VALUES ('token', ?)", (token,))
        self.db.execute("INSERT OR REPLACE INTO sealed_cache (rowid, row) VALUES (?, ?)", (TOKEN_ROW, token))
        self._token = token

    def _ours(self) -> bool:
        """Whether the vault's token is still the one this session last read or wrote: another
        session (another program on this vault, or a colleague's) that wrote a sealed youth
        meanwhile took it away, and a new token now would hide that write from the copy."""
        return self._token is not None and self.db.scalar(
            "SELECT row FROM sealed_cache WHERE rowid = ?", (TOKEN_ROW,)) == self._token

    def written(self, rowid: int) -> None:
        """A sealed youth written, deleted or gone: their row kept in `sealed_cache` goes, and the
        vault's token too unless this session keeps the copy in step (put or forget follows)."""
        self.db.execute("DELETE FROM sealed_cache WHERE rowid = ?", (rowid,))
        if not (self.active and self._ours()):
            self.db.execute(FORGET_SEALED_ROW, (rowid,))
            self._token = None

    def put(self, rowid: int, body: dict[str, Any], deleted: bool, terms: list[str],
            names: list[Any] | None = None) -> None:
        if not self.active:
            return
        self._drop(rowid)
        self.db.execute(_INSERT_ROW, youth_field_values(rowid, body, deleted, shown=True, names=names))
        if terms and not deleted:
            self.db.execute(f"INSERT INTO {SCHEMA}.sealed_search (rowid, terms) VALUES (?, ?)",
                            (rowid, " ".join(terms)))
        if self._ours():
            self._stamp()

    def forget(self, rowid: int) -> None:
        # Read first: every youth written goes through here, and a file written in a transaction
        # is one more file to commit (and to sync to the disk).
        if not self.active or self.db.scalar(
                f"SELECT 1 FROM {SCHEMA}.sealed_fields WHERE rowid = ?", (rowid,)) is None:
            return
        self._drop(rowid)
        if self._ours():
            self._stamp()

    def _drop(self, rowid: int) -> None:
        self.db.execute(f"DELETE FROM {SCHEMA}.sealed_fields WHERE rowid = ?", (rowid,))
        self.db.execute(f"DELETE FROM {SCHEMA}.sealed_search WHERE rowid = ?", (rowid,))

    def matching_fields(self, ranks: str, args: list[Any], query: str) -> tuple[str, list[Any]]:
        """A FROM-clause term `f` with the row of every youth a search finds: those whose rank is
        among `ranks` (a SELECT of the vault's own index's ranks, with its `args`: caseload.Ranks),
        and the sealed youth whose terms match the FTS query `query`. Each index is joined to its
        own table: joining the index to the view instead made SQLite copy the whole view (every
        youth's row) for each search of a person who holds the key."""
        main = f"SELECT {COLUMNS} FROM main.youth_fields WHERE rank IN ({ranks})"
        if not self.active:
            return f"({main}) f", args
        return (f"({main} UNION ALL "
                f"SELECT {COLUMNS} FROM {SCHEMA}.sealed_fields WHERE rowid IN "
                f"(SELECT rowid FROM {SCHEMA}.sealed_search WHERE sealed_search MATCH ?)) f", [*args, query])

    def matching(self, query: str) -> tuple[str, list[Any]]:
        """A FROM-clause term `s` with the rowid of every youth whose terms match an FTS query."""
        main = ("SELECT rowid FROM main.youth_fields WHERE rank IN "
                "(SELECT rowid FROM youth_search WHERE youth_search MATCH ?)")
        if not self.active:
            return f"({main}) s", [query]
        return (f"({main} UNION ALL "
                f"SELECT rowid FROM {SCHEMA}.sealed_search WHERE sealed_search MATCH ?) s", [query, query])


def files(vault_file: Path) -> list[Path]:
    """The sealed index's files beside `vault_file` (the database, its WAL and shared memory)."""
    base = index_path(vault_file)
    return [base, *(base.with_name(base.name + tail) for tail in ("-wal", "-shm", "-journal"))]


def _remove(path: Path) -> None:
    """The copy's files gone (OSError when one cannot be: a folder in its place, say)."""
    for item in files(path.with_name(path.name.removesuffix(SUFFIX))):
        with contextlib.suppress(FileNotFoundError):
            item.unlink()

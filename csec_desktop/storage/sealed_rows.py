"""Sealed youth in the caseload of the people who may read them.

Anyone who opens the vault can read `youth_fields` and the search index, so a sealed youth's row
there keeps only what the caseload rule needs (worker, unit, the flag, deleted): names, birth date
and legal status are blank, and nothing of theirs is indexed for search. For a person who holds the
sealed records' key, the session fills two tables in memory with what the blank columns would hold
(TEMP tables, which this vault keeps in memory: nothing of them reaches the disk), and the view
`seen_fields`, which every caseload query reads, shows those rows in place of the blank ones. Both
go with the connection at lock.

Sealed youth are few (records sealed by a court or by the county), so filling at unlock opens a
handful of bodies, and the view's UNION ALL still walks both tables' name indexes in order (SQLite
merges the two sorted halves: measured, a page of 200 out of 100,000 costs the same either way).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csec_desktop.storage.database import Database
from csec_desktop.storage.schema import youth_field_values

VIEW = "seen_fields"
Opened = tuple[tuple[Any, ...], list[str]]
"""A sealed youth's youth_fields row as shown (schema.youth_field_values, shown=True) and their
search terms."""
COLUMNS = "rowid, family, given, birth, worker, unit, sealed, deleted, periods, names"


class SealedRows:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.active = False  # whether this session shows sealed youth's names (holds the key)
        # Terms not yet in temp.sealed_search: the index is written at the first search (or when
        # the window has nothing else to do), not at unlock. With SQLCipher's memory security on
        # (every freed allocation wiped), writing 3,000 youth's terms costs about 90 ms.
        self._unindexed: dict[int, str] = {}

    def prepare(self, holds_key: bool, rows: Callable[[], list[Opened]]) -> None:
        """Make `seen_fields` for this session; `rows` gives each sealed youth opened (Opened), read
        only when this person holds the key."""
        for drop in ("VIEW IF EXISTS temp.seen_fields", "TABLE IF EXISTS temp.sealed_fields",
                     "TABLE IF EXISTS temp.sealed_search"):
            self.db.execute(f"DROP {drop}")
        self.active = holds_key
        if not holds_key:
            self.db.execute(f"CREATE TEMP VIEW {VIEW} AS SELECT {COLUMNS} FROM main.youth_fields")
            return
        self.db.executescript(
            f"""
            CREATE TEMP TABLE sealed_fields (
                rowid INTEGER PRIMARY KEY, family TEXT NOT NULL, given TEXT NOT NULL,
                birth TEXT NOT NULL, worker TEXT, unit TEXT, sealed INTEGER NOT NULL,
                deleted INTEGER NOT NULL, periods TEXT NOT NULL, names TEXT NOT NULL);
            CREATE INDEX temp.sealed_fields_name ON sealed_fields(family, given);
            CREATE INDEX temp.sealed_fields_birth ON sealed_fields(birth);
            CREATE VIRTUAL TABLE temp.sealed_search USING fts5(
                terms, content='', contentless_delete=1, prefix='1 2',
                tokenize = 'unicode61 remove_diacritics 2');
            CREATE TEMP VIEW {VIEW} AS
                SELECT {COLUMNS} FROM main.youth_fields WHERE sealed = 0
                UNION ALL SELECT {COLUMNS} FROM temp.sealed_fields;
            """)
        # In bulk and in one transaction: at unlock a county's sealed youth (thousands at 100,000
        # youth) go in at once, and the full-text index is written once rather than after each
        # row (308 rows: 103 -> 3 ms). DEFERRED: only the in-memory tables are written.
        opened = rows()
        with self.db.transaction("DEFERRED"):
            self.db.executemany(f"INSERT INTO temp.sealed_fields ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                                [values for values, _terms in opened])
        self._unindexed = {values[0]: " ".join(terms) for values, terms in opened if terms and not values[7]}

    def searchable(self, at_most: int | None = None) -> bool:
        """Write the terms still waiting into the session's search index (all of them before any
        search; `at_most` at a time for a window writing them ahead, so that each call holds the
        vault thread briefly). Whether terms still wait."""
        if not self._unindexed:
            return False
        rows = sorted(self._unindexed.items())[:at_most]
        with self.db.transaction("DEFERRED"):
            self.db.executemany("INSERT INTO temp.sealed_search (rowid, terms) VALUES (?, ?)", rows)
        for rowid, _terms in rows:
            del self._unindexed[rowid]
        return bool(self._unindexed)

    def put(self, rowid: int, body: dict[str, Any], deleted: bool, terms: list[str],
            names: list[Any] | None = None) -> None:
        if not self.active:
            return
        self.forget(rowid)
        self.db.execute(f"INSERT INTO temp.sealed_fields ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        youth_field_values(rowid, body, deleted, shown=True, names=names))
        if terms and not deleted:
            if self._unindexed:  # the index not written yet: joins the terms waiting
                self._unindexed[rowid] = " ".join(terms)
            else:
                self.db.execute("INSERT INTO temp.sealed_search (rowid, terms) VALUES (?, ?)",
                                (rowid, " ".join(terms)))

    def forget(self, rowid: int) -> None:
        # Waiting terms are a dictionary, not rows: a write rolled back afterwards leaves its terms
        # waiting (found by a search this session, shown with the names saved); the rows roll back.
        if not self.active:
            return
        self._unindexed.pop(rowid, None)
        self.db.execute("DELETE FROM temp.sealed_fields WHERE rowid = ?", (rowid,))
        self.db.execute("DELETE FROM temp.sealed_search WHERE rowid = ?", (rowid,))

    def matching_fields(self, query: str) -> tuple[str, list[Any]]:
        """A FROM-clause term `f` with the row of every youth whose terms match an FTS query. Each
        index is joined to its own table: joining the index to the view instead made SQLite copy
        the whole view (every youth's row) for each search of a person who holds the key."""
        main = (f"SELECT {COLUMNS} FROM main.youth_fields WHERE rank IN "
                "(SELECT rowid FROM youth_search WHERE youth_search MATCH ?)")
        if not self.active:
            return f"({main}) f", [query]
        self.searchable()
        return (f"({main} UNION ALL "
                f"SELECT {COLUMNS} FROM temp.sealed_fields WHERE rowid IN "
                "(SELECT rowid FROM temp.sealed_search WHERE sealed_search MATCH ?)) f", [query, query])

    def matching(self, query: str) -> tuple[str, list[Any]]:
        """A FROM-clause term `s` with the rowid of every youth whose terms match an FTS query."""
        main = ("SELECT rowid FROM main.youth_fields WHERE rank IN "
                "(SELECT rowid FROM youth_search WHERE youth_search MATCH ?)")
        if not self.active:
            return f"({main}) s", [query]
        self.searchable()
        return (f"({main} UNION ALL "
                "SELECT rowid FROM temp.sealed_search WHERE sealed_search MATCH ?) s", [query, query])


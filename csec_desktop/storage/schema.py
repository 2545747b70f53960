"""Schema versions, applied in order inside one exclusive transaction.

`PRAGMA user_version` is the schema version. A vault newer than SCHEMA_VERSION
is refused. Never edit a released step: add a new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from csec_desktop.errors import NewerVault
from csec_desktop.storage.database import Database
from csec_desktop.text import folded


def _v1(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE users (
            username   TEXT PRIMARY KEY,
            body       TEXT NOT NULL,           -- JSON of domain.people.User
            public_key TEXT NOT NULL,           -- the copy rotation trusts (key file may be edited)
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            removed    INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE records (
            id         TEXT PRIMARY KEY,        -- UUIDv7
            kind       TEXT NOT NULL,
            owner_id   TEXT,                    -- the youth a record belongs to
            version    INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            deleted    INTEGER NOT NULL DEFAULT 0,  -- tombstone; rows are never removed
            body       TEXT NOT NULL,           -- JSON validated by the kind's pydantic model
            clocks     TEXT NOT NULL            -- JSON: field -> hybrid logical clock stamp
        );
        CREATE INDEX records_kind_owner ON records(kind, owner_id);

        CREATE TABLE changes (
            seq       INTEGER PRIMARY KEY AUTOINCREMENT,
            op_id     TEXT NOT NULL UNIQUE,
            record_id TEXT NOT NULL REFERENCES records(id),
            kind      TEXT NOT NULL,
            owner_id  TEXT,
            op        TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
            fields    TEXT NOT NULL,            -- JSON: field -> {old, new}
            hlc       TEXT NOT NULL,
            user      TEXT NOT NULL,
            device    TEXT NOT NULL,
            at        TEXT NOT NULL,
            pushed    INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX changes_record ON changes(record_id, seq);

        CREATE TABLE audit (
            seq       INTEGER PRIMARY KEY,
            at        TEXT NOT NULL,
            user      TEXT NOT NULL,
            device    TEXT NOT NULL,
            action    TEXT NOT NULL,
            record_id TEXT,
            detail    TEXT NOT NULL,
            mac       TEXT NOT NULL
        );

        CREATE VIRTUAL TABLE youth_search USING fts5(
            terms, content='', contentless_delete=1,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        """
    )


def _v2(db: Database) -> None:
    # Caseload filters read these; partial expression indexes keep one records table.
    db.executescript(
        """
        CREATE INDEX youth_worker ON records(json_extract(body, '$.assigned_worker'))
            WHERE kind = 'youth';
        CREATE INDEX youth_unit ON records(json_extract(body, '$.unit'))
            WHERE kind = 'youth';
        CREATE INDEX changes_unpushed ON changes(seq) WHERE pushed = 0;

        CREATE TABLE drafts (
            user       TEXT NOT NULL,
            key        TEXT NOT NULL,           -- what is being edited, e.g. 'youth:<id>'
            body       TEXT NOT NULL,
            saved_at   TEXT NOT NULL,
            PRIMARY KEY (user, key)
        );
        """
    )


def _v3(db: Database) -> None:
    # Caseload queries read plain columns: parsing every youth's JSON body to filter or sort
    # took over a second at 20,000 youth. RecordStore keeps this table in step on each write.
    db.executescript(
        """
        CREATE TABLE youth_fields (
            rowid      INTEGER PRIMARY KEY,     -- records.rowid of the youth
            family     TEXT NOT NULL,
            given      TEXT NOT NULL,
            birth      TEXT NOT NULL,           -- ISO date
            worker     TEXT,
            unit       TEXT,
            sealed     INTEGER NOT NULL,
            deleted    INTEGER NOT NULL,
            periods    TEXT NOT NULL            -- JSON [[status, start, end|null], ...]
        );
        CREATE INDEX youth_fields_name ON youth_fields(family, given);
        CREATE INDEX youth_fields_worker ON youth_fields(worker);
        CREATE INDEX youth_fields_unit ON youth_fields(unit);
        CREATE INDEX youth_fields_birth ON youth_fields(birth);
        """
    )
    for rowid, body, deleted in db.query("SELECT rowid, body, deleted FROM records WHERE kind = 'youth'"):
        # The columns of schema 3 (schema 9 adds `names` and fills it).
        db.execute("INSERT OR REPLACE INTO youth_fields (rowid, family, given, birth, worker, unit, sealed, "
                   "deleted, periods) VALUES (?,?,?,?,?,?,?,?,?)",
                   youth_field_values(rowid, json.loads(body), bool(deleted))[:9])


def _v4(db: Database) -> None:
    # Sync with the county hub: what the hub said of each pushed change (refused ones stay
    # visible), and the conflicts it keeps for a person, with this device's pending decision.
    db.executescript(
        """
        ALTER TABLE changes ADD COLUMN sync_detail TEXT;
        CREATE TABLE sync_conflicts (
            conflict_id TEXT PRIMARY KEY,
            record_id   TEXT NOT NULL,
            field       TEXT NOT NULL,
            body        TEXT NOT NULL,          -- JSON protocol.ConflictState
            resolution  TEXT                    -- JSON protocol.Resolution not yet accepted by the hub
        );
        CREATE INDEX sync_conflicts_record ON sync_conflicts(record_id);
        """
    )


def _v5(db: Database) -> None:
    # Unlock reads the newest clock stamp and the status bar counts refused changes: without
    # these, both scanned the whole change log (one row per edit ever made) at every unlock.
    db.executescript(
        """
        CREATE INDEX changes_hlc ON changes(hlc);
        CREATE INDEX changes_refused ON changes(seq) WHERE pushed = 2;
        """
    )


def _v6(db: Database) -> None:
    # Signatures and compartments (issue 20). Each person's Ed25519 public key; who signed each
    # audit entry and each change; secrets sealed to the people allowed them: the roster's
    # signing key (to administrators) and each compartment's key (to those who may read it).
    db.executescript(
        """
        ALTER TABLE users ADD COLUMN signing_key TEXT;
        ALTER TABLE audit ADD COLUMN signer TEXT;
        ALTER TABLE audit ADD COLUMN sig TEXT;
        ALTER TABLE changes ADD COLUMN signer TEXT;
        ALTER TABLE changes ADD COLUMN sig TEXT;
        CREATE TABLE sealed_keys (
            purpose    TEXT NOT NULL,           -- 'roster' or 'compartment:<name>'
            principal  TEXT NOT NULL,           -- a user name or '@recovery'
            generation INTEGER NOT NULL,        -- bumped when the secret is replaced
            sealed     TEXT NOT NULL,           -- JSON keys.seal_dek(...)
            PRIMARY KEY (purpose, principal)
        );
        """
    )


def _v7(db: Database) -> None:
    # Sync never deletes what a person typed: changes the hub will not take because the youth left
    # this device's caseload (moved, sealed, access revoked) are kept here, sealed to their author.
    db.executescript(
        """
        CREATE TABLE undelivered (
            id         INTEGER PRIMARY KEY,
            author     TEXT NOT NULL,           -- who typed it (only they can open `sealed`)
            youth_id   TEXT NOT NULL,
            record_id  TEXT,
            kind       TEXT NOT NULL,           -- the record's kind, or 'draft'
            reason     TEXT NOT NULL,
            typed_at   TEXT NOT NULL,
            kept_at    TEXT NOT NULL,
            sealed     TEXT NOT NULL            -- JSON keys.seal_dek(...) to the author
        );
        CREATE INDEX undelivered_author ON undelivered(author);
        """
    )


IN_LIST_CHECK = "CHECK (op IN ('create', 'update', 'delete'))"
OR_CHECK = "CHECK (op = 'create' OR op = 'update' OR op = 'delete')"


def _v8(db: Database) -> None:
    # Speed: SQLite checks `op IN (...)` by building a temporary b-tree for the list on every
    # INSERT into `changes`, and with cipher_memory_security each of its allocations is locked and
    # unlocked in RAM (mlock/munlock): about a fifth of the time of creating a record (measured
    # here: 505 -> 410 us per youth). The same rule written with OR compiles to three comparisons.
    # The rewrite is SQLite's documented way of changing a CHECK constraint in place
    # (https://sqlite.org/lang_altertable.html, "other kinds of table schema changes"): every
    # row already satisfies it, the file format is unchanged, and the schema version is bumped so
    # every connection re-reads the schema.
    version = int(db.scalar("PRAGMA schema_version"))
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute("UPDATE sqlite_schema SET sql = replace(sql, ?, ?) "
                   "WHERE type = 'table' AND name = 'changes'", (IN_LIST_CHECK, OR_CHECK))
        db.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")


def _v9(db: Database) -> None:
    # Speed: a caseload page or search read and decrypted each shown youth's whole body and parsed
    # it with the model only to show its names; the names a row shows are kept here instead, beside
    # the columns it filters and sorts by (in the same encrypted file; blank for a sealed youth).
    from csec_desktop.domain.youth import Youth

    db.execute("ALTER TABLE youth_fields ADD COLUMN names TEXT NOT NULL DEFAULT ''")
    shown = ("SELECT r.rowid, r.body FROM records r JOIN youth_fields f ON f.rowid = r.rowid "
             "WHERE r.kind = 'youth' AND f.sealed = 0 AND f.deleted = 0")
    for rowid, body in db.query(shown):
        try:
            names = Youth.model_validate_json(body).list_names()
        except ValueError:  # a body the model no longer reads: its rows are read the slow way
            continue
        db.execute("UPDATE youth_fields SET names = ? WHERE rowid = ?", (json.dumps(names), rowid))


def _v10(db: Database) -> None:
    # Speed: the search index's rows are numbered in name order (storage/name_order.py), so a
    # search reads the first matches by name instead of sorting all of them; and it keeps the
    # one- and two-letter prefixes of its terms, so "j" reads one list instead of merging the
    # lists of every word starting with j (a case number each: "j" took 24 ms, now 5). Longer
    # prefixes (to 7, for case numbers typed part way) cost 210 bytes a youth and made each edit's
    # index write dear enough to take encryption's cost from 1.25x to 1.48x: not kept.
    from csec_desktop.domain.youth import Youth
    from csec_desktop.storage import name_order

    db.executescript(
        """
        ALTER TABLE youth_fields ADD COLUMN rank INTEGER;
        CREATE INDEX youth_fields_rank ON youth_fields(rank, family, given);
        DROP TABLE youth_search;
        """
    )
    db.execute(SEARCH_INDEX)
    shown = ("SELECT r.rowid, r.body, f.family, f.given FROM records r JOIN youth_fields f "
             "ON f.rowid = r.rowid WHERE r.kind = 'youth' AND f.sealed = 0 AND f.deleted = 0 "
             "ORDER BY rowid")
    wide = int(db.scalar("SELECT coalesce(max(rowid), 0) FROM records")) >= name_order.WIDE
    ranked = []
    for rowid, body, family, given in db.query(shown):
        try:
            terms = Youth.model_validate_json(body).search_terms()
        except ValueError:  # a body the model no longer reads: found again once edited
            continue
        if terms:
            if wide:  # ranks may meet: each checked against those given before it
                rank = name_order.checked_rank(db, family, given, rowid)
                db.execute("UPDATE youth_fields SET rank = ? WHERE rowid = ?", (rank, rowid))
            else:
                rank = name_order.rank(family, given, rowid)
            ranked.append((rank, rowid, " ".join(terms)))
    if not wide:
        db.executemany("UPDATE youth_fields SET rank = ? WHERE rowid = ?", [r[:2] for r in ranked])
    # In rank order: FTS5 writes out what it holds each time a row comes before the last one.
    db.executemany("INSERT INTO youth_search (rowid, terms) VALUES (?, ?)",
                   [(r[0], r[2]) for r in sorted(ranked)])


def _v11(db: Database) -> None:
    # Speed: each sealed youth's caseload row, sealed as their record is, so a supervisor's unlock
    # opens one value per sealed youth (records.RecordStore.sealed_youth).
    db.execute("CREATE TABLE sealed_cache (rowid INTEGER PRIMARY KEY, row TEXT NOT NULL)")


def _v12(db: Database) -> None:
    # Speed: an unlock finds the sealed youth (a few in a hundred) without reading every youth's
    # row: at 100,000 youth the scan was 50 of a supervisor's 216 ms over the key derivation.
    db.execute("CREATE INDEX youth_fields_sealed ON youth_fields(sealed) WHERE sealed = 1")


def _v13(db: Database) -> None:
    # Speed: the caseload's count for those who see the whole county (caseload.whole_caseload) read
    # every youth's row, about 100 ms on a cold cache at 100,000 youth; this index alone holds it.
    # "IS 0", not "= 0": the caseload's pages say "deleted = 0", which does not imply it, so the
    # planner never takes this index for a page. As "= 0" it did, and sorted the whole county for a
    # page in name order instead of walking the name index (4 ms became 35).
    db.execute("CREATE INDEX youth_fields_live ON youth_fields(sealed) WHERE deleted IS 0")


def _v14(db: Database) -> None:
    # Speed: a sealed youth's row here has blank names, so in the name index every sealed youth
    # comes first; the caseload's first page in name order for a person who holds the sealed key
    # (who sees them from the sealed youth index instead: sealed_rows.py) stepped over each of
    # them, reading its row to find it sealed: 3,000 rows, 50 of the first page's 60 ms after an
    # unlock at 100,000 youth. This index holds only the rows that page walks.
    db.execute("CREATE INDEX youth_fields_name_open ON youth_fields(family, given) WHERE sealed = 0")


def _v15(db: Database) -> None:
    # Size: the caseload's filters read youth_fields (schema 9 on), whose worker and unit indexes
    # replaced these two; no query names their expressions, so none used them. 43 bytes a youth.
    db.execute("DROP INDEX IF EXISTS youth_worker")
    db.execute("DROP INDEX IF EXISTS youth_unit")


def _v16(db: Database) -> None:
    # As committed first, this step kept unlock's newest stamp in `meta` and dropped the index of
    # the history's stamps (210 bytes a youth). Withdrawn before any release: the meta value is
    # signed by no one, so a person with the data key could set it ahead and move every later
    # stamp of this device past colleagues' without `audit verify` seeing it, where a history
    # row's stamp is under its signature. Unlock reads max(hlc) over the index again; a vault
    # that ran the first version gets the index back.
    db.execute("CREATE INDEX IF NOT EXISTS changes_hlc ON changes(hlc)")
    db.execute("DELETE FROM meta WHERE key = 'clock.newest'")


def _v17(db: Database) -> None:
    # Speed: words holding a digit (case numbers) in a B-tree of their own (storage/numbers.py),
    # so a case number typed part way is a range of one index rather than a merge of the lists of
    # every number it starts; filled from the full-text index's own words.
    from csec_desktop.storage import numbers

    db.executescript(numbers.TABLE)
    db.execute("DELETE FROM youth_numbers")  # filled anew, whatever a test's rewound vault held
    db.executescript(numbers.FROM_INDEX)
    db.execute(numbers.RANK_INDEX)


def _v18(db: Database) -> None:
    # Size: a create's history row repeated the record's body word for word ("[" + body + "]", the
    # short form of storage/history.py): 1,300 of the demo county's 6,800 bytes a youth. Such a
    # row now holds "" while the body is still the one it was created with (records.py
    # `_insert_change`), and is read through `changes_full`, which puts the body in its place. The
    # trigger writes the body into the row before the body first changes, whoever changes it, so
    # no write path can forget; a body edited outside the app with the trigger dropped reads into
    # the row and breaks its signature, which `audit verify` names. Rows written before keep their
    # form.
    db.executescript(CHANGES_FULL + ";\n" + CREATED_KEPT + ";\n")


CHANGES_FULL = """
        CREATE VIEW IF NOT EXISTS changes_full AS SELECT seq, op_id, record_id, kind, owner_id, op,
            CASE fields WHEN '' THEN (SELECT '[' || r.body || ']' FROM records r
                                      WHERE r.id = changes.record_id) ELSE fields END AS fields,
            hlc, user, device, at, pushed, sync_detail, signer, sig FROM changes"""
CREATED_KEPT = """
        CREATE TRIGGER IF NOT EXISTS changes_created_kept BEFORE UPDATE OF body ON records
        WHEN new.body IS NOT old.body BEGIN
            UPDATE changes SET fields = '[' || old.body || ']'
            WHERE record_id = old.id AND fields = '';
        END"""


def _statement(sql: str) -> str:
    """A CREATE statement as SQLite keeps it in sqlite_master (no IF NOT EXISTS), spaces folded."""
    return " ".join(sql.replace("IF NOT EXISTS ", "").split())


CODE = {("view", "changes_full"): _statement(CHANGES_FULL),
        ("trigger", "changes_created_kept"): _statement(CREATED_KEPT)}
"""The only views and triggers a vault holds (schema 18 made them)."""


def foreign_code(db: Database) -> list[str]:
    """What the app did not put in the vault that would act on the people, the settings or the
    records as others write them: a trigger or view of anyone's (a caseworker's trigger rewrote a
    colleague's phone number each time an administrator signed the list, and the signature covered
    it), an index that lets `meta` or `users` hold a key twice (the app read one row, the check the
    other), a key held twice. Views and triggers of the app changed or missing count too."""
    found: list[str] = []
    present = set()
    for kind, name, table, sql in db.query(
            "SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE type IN ('trigger', 'view') "
            "OR (type = 'index' AND tbl_name IN ('meta', 'users'))"):
        if kind == "index":
            if not str(name).startswith("sqlite_autoindex_"):
                found.append(f"index {name} on {table}")
            continue
        present.add((kind, name))
        if CODE.get((kind, name)) != _statement(str(sql or "")):
            found.append(f"{kind} {name}")
    found += [f"{kind} {name} (missing)" for kind, name in CODE if (kind, name) not in present]
    for table, column in (("meta", "key"), ("users", "username")):
        found += [f"{table} holding {value!r} twice" for (value,) in db.query(
            f"SELECT {column} FROM {table} GROUP BY {column} HAVING count(*) > 1")]
    return found


def _v19(db: Database) -> None:
    # Speed: a youth's records were found by owner through no index (the one there leads with the
    # kind), so opening a youth read every record of the county: 1.1 s at 100,000 youth. So did
    # sealing, unsealing and wiping one. Only attached records have an owner: the youth rows stay
    # out of the index.
    db.execute("CREATE INDEX IF NOT EXISTS records_owner ON records(owner_id) WHERE owner_id IS NOT NULL")


SEARCH_INDEX = """
    CREATE VIRTUAL TABLE youth_search USING fts5(
        terms, content='', contentless_delete=1, prefix='1 2',
        tokenize = 'unicode61 remove_diacritics 2'
    )
"""

YOUTH_FIELDS_INSERT = (
    "INSERT INTO youth_fields (rowid, family, given, birth, worker, unit, sealed, deleted, periods, "
    "names, rank) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)
# An upsert rather than INSERT OR REPLACE, which deletes the row and inserts it again.
YOUTH_FIELDS_UPSERT = YOUTH_FIELDS_INSERT + " ON CONFLICT (rowid) DO UPDATE SET " + ", ".join(
    f"{c} = excluded.{c}" for c in ("family", "given", "birth", "worker", "unit", "sealed", "deleted",
                                    "periods", "names", "rank"))


def youth_field_values(rowid: int, body: dict[str, Any], deleted: bool, *,
                       shown: bool = False, names: list[Any] | None = None) -> tuple[Any, ...]:
    """The row for `youth_fields`; a sealed youth's names, birth and status are left blank there
    unless `shown` (the sealed youth index of those who may read them: storage/sealed_rows.py).
    `names` is Youth.list_names() (what a caseload row shows), "" when not given."""
    if body.get("sealed") and not shown:
        return (rowid, "", "", "", body.get("assigned_worker"), body.get("unit"), 1, int(deleted), "[]", "")
    name = body.get("legal_name") or {}
    if not isinstance(name, dict):
        name = {}
    periods = [[p.get("status"), p.get("start"), p.get("end")] for p in body.get("legal_status") or []]
    return (rowid, folded(str(name.get("family", ""))), folded(str(name.get("given", ""))),
            str(body.get("date_of_birth") or ""), body.get("assigned_worker"), body.get("unit"),
            int(bool(body.get("sealed"))), int(deleted), json.dumps(periods),
            json.dumps(names) if names is not None and not deleted else "")


def _v20(db: Database) -> None:
    # Size: unlock reads the newest stamp of the history only for its time and counter (the clock
    # then starts past every stamp with them, whichever device made it), so the index holds those
    # 19 characters, not the whole stamp with its device: 185 bytes a youth became 78 at 100,000.
    db.execute("DROP INDEX IF EXISTS changes_hlc")
    db.execute(f"CREATE INDEX IF NOT EXISTS changes_stamp_time ON changes({STAMP_TIME})")


def _v21(db: Database) -> None:
    # Order: names are kept case and accents aside (text.folded), so a caseload in name order puts
    # Álvarez between Alvarado and Ames, not after Zamora. Only names outside plain ASCII change:
    # their row, its rank (storage/name_order.py) and the search index's rows under that rank.
    from csec_desktop.domain.youth import Youth
    from csec_desktop.storage import name_order

    wide = int(db.scalar("SELECT coalesce(max(rowid), 0) FROM records")) >= name_order.WIDE
    changed = db.query(
        "SELECT f.rowid, f.family, f.given, f.rank, r.body FROM youth_fields f JOIN records r "
        "ON r.rowid = f.rowid WHERE f.family GLOB '*[^ -~]*' OR f.given GLOB '*[^ -~]*'")
    for rowid, family, given, old, body in changed:
        family, given = folded(family), folded(given)
        if old is None:  # deleted, or sealed (their names are blank here), or with nothing to find
            db.execute("UPDATE youth_fields SET family = ?, given = ? WHERE rowid = ?",
                       (family, given, rowid))
            continue
        try:
            terms = " ".join(Youth.model_validate_json(body).search_terms())
        except ValueError:  # a body the model no longer reads: kept as it was until it is edited
            continue
        db.execute("UPDATE youth_fields SET family = ?, given = ?, rank = NULL WHERE rowid = ?",
                   (family, given, rowid))
        rank = (name_order.checked_rank(db, family, given, rowid) if wide
                else name_order.rank(family, given, rowid))
        db.execute("UPDATE youth_fields SET rank = ? WHERE rowid = ?", (rank, rowid))
        db.execute("DELETE FROM youth_search WHERE rowid = ?", (old,))
        db.execute("INSERT INTO youth_search (rowid, terms) VALUES (?, ?)", (rank, terms))
        db.execute("UPDATE youth_numbers SET rank = ? WHERE rank = ?", (rank, old))
    # The sealed youth index (a copy, storage/sealed_rows.py) is made again at its next use.
    db.execute("DELETE FROM sealed_cache WHERE rowid = 0")


def _v22(db: Database) -> None:
    # Copies of the youth's account in a vacatur case, each sealed to one caseworker counsel shared
    # the case with (storage/account_copies.py); kept beside the records, never synced.
    db.execute("CREATE TABLE IF NOT EXISTS account_copies (record_id TEXT NOT NULL, field TEXT NOT NULL, "
               "principal TEXT NOT NULL, youth_id TEXT NOT NULL, sealed TEXT NOT NULL, "
               "PRIMARY KEY (record_id, field, principal))")
    db.execute("CREATE INDEX IF NOT EXISTS account_copies_youth ON account_copies(youth_id)")


def _v23(db: Database) -> None:
    # Search: the court case numbers on a youth's counts and petitions are the youth's search words
    # (storage/numbers.py, case_numbers); the youth who have any are indexed again with them.
    from csec_desktop.domain.youth import Youth
    from csec_desktop.storage import numbers

    for (owner,) in db.query("SELECT DISTINCT owner_id FROM records WHERE deleted = 0 AND kind IN "
                             "('criminal_count', 'vacatur_case')"):
        row = db.one("SELECT r.body, f.rank FROM records r JOIN youth_fields f ON f.rowid = r.rowid "
                     "WHERE r.id = ? AND f.sealed = 0 AND f.deleted = 0 AND f.rank IS NOT NULL", (owner,))
        extra = numbers.case_numbers(db, owner) if row is not None else []
        if row is None or not extra:
            continue
        try:
            terms = Youth.model_validate_json(row[0]).search_terms()
        except ValueError:  # a body the model no longer reads: indexed again when it is edited
            continue
        text = " ".join([*terms, *extra])
        db.execute("DELETE FROM youth_search WHERE rowid = ?", (row[1],))
        db.execute("INSERT INTO youth_search (rowid, terms) VALUES (?, ?)", (row[1], text))
        numbers.add(db, [(row[1], text)])


STAMP_TIME = "substr(hlc, 1, 19)"
"""A history stamp's time and counter ("1796360669254-00000"): the index of unlock's newest."""
NEWEST_STAMP_TIME = f"SELECT max({STAMP_TIME}) FROM changes"

STEPS: dict[int, Callable[[Database], None]] = {
    0: _v1, 1: _v2, 2: _v3, 3: _v4, 4: _v5, 5: _v6, 6: _v7, 7: _v8, 8: _v9, 9: _v10, 10: _v11, 11: _v12,
    12: _v13, 13: _v14, 14: _v15, 15: _v16, 16: _v17, 17: _v18, 18: _v19, 19: _v20, 20: _v21,
    21: _v22, 22: _v23}
SCHEMA_VERSION = max(STEPS) + 1


def schema_version(db: Database) -> int:
    return int(db.scalar("PRAGMA user_version"))


def migrate(db: Database, target: int = SCHEMA_VERSION) -> int:
    """Bring the vault to `target`; all steps commit together or not at all."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise NewerVault(current, SCHEMA_VERSION)
    if current >= target:
        return current
    with db.transaction("EXCLUSIVE"):
        while current < target:
            STEPS[current](db)
            current += 1
            db.execute(f"PRAGMA user_version = {current}")
    return current

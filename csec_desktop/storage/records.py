"""Records with history: every write is versioned, clocked per field and logged.

One table holds every kind (the body is JSON checked by the kind's model);
`changes` receives one row per write in the same transaction. That row is the
history the UI shows and the outbox sync pushes. Deletes are tombstones.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from csec_desktop.clock import HybridClock, WallClock, utc_iso
from csec_desktop.domain.base import Body
from csec_desktop.domain.kinds import model_for
from csec_desktop.domain.vacatur import RESTRICTED_FIELDS
from csec_desktop.errors import CorruptVault, FieldProblem, NotFound, StaleRecord, ValidationFailed
from csec_desktop.ids import new_id
from csec_desktop.storage import account_copies, name_order, numbers
from csec_desktop.storage.audit import Signer, SigningQueue, trusted_keys
from csec_desktop.storage.compartments import MARK, SEALED, WITHHELD, Keyring, is_sealed
from csec_desktop.storage.database import Database, Row
from csec_desktop.storage.history import SAME_AS_BODY, canonical, created, dump, fields_of, kept
from csec_desktop.storage.keys import b64, signature_holds, unb64
from csec_desktop.storage.schema import YOUTH_FIELDS_INSERT, YOUTH_FIELDS_UPSERT, youth_field_values
from csec_desktop.storage.sealed_rows import TOKEN_ROW, Opened, SealedRows
from csec_desktop.text import N_

_RECORD_COLUMNS = (
    "id, kind, owner_id, version, created_at, created_by, updated_at, updated_by, deleted, "
    "body, clocks, rowid"
)
SEARCH_PIECES = 8
"""The search index is merged whole (`tidy_search`) past this many pieces. Measured at 100,000
youth: the demo county in 22 pieces searched at p50 6.2 ms, p95 11.5; in one, 4.2 and 7.3; 360
edits later, in 13 pieces, 5.0 and 8.2. The merge takes 0.7 s there; from a handful of small pieces
onto one large one the gain is small, so it waits until there are more than a handful."""


@dataclass(frozen=True)
class StoredRecord:
    id: str
    kind: str
    owner_id: str | None
    version: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    deleted: bool
    body: Body
    clocks: dict[str, str]
    rowid: int

    def changed_in(self, later: StoredRecord) -> list[str]:
        """The fields whose value differs in `later` (the record after a save): the audit trail
        listed every field a form sent ("address, email, … phone" when only the phone changed)."""
        before, after = self.body.dump(), later.body.dump()
        return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))

    @classmethod
    def from_row(cls, row: Row, ring: Keyring | None = None) -> StoredRecord:
        kind = str(row[1])
        data = stored = json.loads(row[9])
        readable = True
        if ring is not None:
            readable, data = ring.open_body_readable(str(row[0]), data)  # a compartment's values
        try:
            # Read, not written: the write-time checks (hidden characters, bounds) are not applied
            # again, so a record stored before one of them existed still opens.
            body = model_for(kind).load(data, record=f"{kind} {row[0]}")
        except ValidationFailed:
            if readable:
                raise
            # Sealed values this person may not read, as blanks: a sealed youth's record lacks even
            # the name a model requires, and is shown to no one who reads it this way (the caseload
            # rule decides from the fields left readable).
            body = model_for(kind).model_construct(**data)
        return cls(
            id=row[0], kind=kind, owner_id=row[2], version=int(row[3]), created_at=row[4],
            created_by=row[5], updated_at=row[6], updated_by=row[7], deleted=bool(row[8]),
            body=body, clocks=unpack_clocks(row[10], stored), rowid=int(row[11]),
        )


@dataclass(frozen=True)
class Change:
    seq: int
    op_id: str
    record_id: str
    kind: str
    op: str
    fields: dict[str, dict[str, Any]]
    hlc: str
    user: str
    device: str
    at: str


LATER_ROWS = 1000
"""In `RecordStore.bulk`, history rows are inserted together this many at a time."""

_CHANGE_INSERT = ("INSERT INTO changes (op_id, record_id, kind, owner_id, op, fields, hlc, user, device, at, "
                  "pushed, signer, sig) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")


@dataclass
class _Later:
    """A bulk block's history rows not yet inserted (each waiting for its signature), the
    records they are about, and the sealed flag of each youth written or looked up in it."""

    signing: SigningQueue
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    records: set[str] = field(default_factory=set)
    sealed: dict[str, bool] = field(default_factory=dict)


class RecordStore:
    """Writes as one actor on one device. Permission checks live above this layer."""

    def __init__(
        self, db: Database, clock: HybridClock, wall: WallClock, actor: str, device: str,
        signer: Signer | None = None, ring: Keyring | None = None,
    ) -> None:
        self.db = db
        self.signer = signer
        self.ring = ring or Keyring("")
        self.shadow = SealedRows(db)
        # Whether row numbers have passed name_order.WIDE (never in a county's vault): ranks are
        # then checked against each other before use.
        self._wide = int(db.scalar("SELECT coalesce(max(rowid), 0) FROM records")) >= name_order.WIDE
        # Search index rows written at the end of the transaction, in rank order (youth rowid ->
        # (rank, terms)): FTS5 writes out all it holds each time a row comes before the last one,
        # so youth indexed in name order one by one cost ten times as much (a demo county, a
        # first sync: 470 against 41 us a youth, measured here).
        self._unwritten: dict[int, tuple[int, str]] = {}
        self._later: _Later | None = None
        self.written = 0
        """History rows this session wrote for the hub to take: the window's count of changes
        waiting is read again when it moves (a save made offline was counted only at a sync)."""
        self.clock = clock
        self.wall = wall
        self.actor = actor
        self.device = device

    # Reading ---------------------------------------------------------------

    def get(self, record_id: str, *, include_deleted: bool = False) -> StoredRecord:
        row = self.db.one(f"SELECT {_RECORD_COLUMNS} FROM records WHERE id = ?", (record_id,))
        if row is None or (row[8] and not include_deleted):
            raise NotFound(f"No record with id {record_id}.")
        return StoredRecord.from_row(row, self.ring)

    def decode(self, record_id: str, body: str) -> dict[str, Any]:
        """A stored body as this person may read it (for code that selects bodies itself)."""
        return self.ring.open_body(record_id, json.loads(body))

    def withheld(self, record_ids: Sequence[str]) -> set[str]:
        """The records among these holding a value this person may not read (a compartment's, such
        as the youth's account): read, it is blank, and a screen must say "withheld", not "not
        written" (a caseworker was told an account counsel had written was missing)."""
        found: set[str] = set()
        ids = list(dict.fromkeys(record_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.db.query(f"SELECT id, body FROM records WHERE id IN ({','.join('?' * len(chunk))})",
                                 chunk)
            for record_id, body in rows:
                data = json.loads(body)
                if any(is_sealed(value) and not self.ring.open(record_id, name, value)[0]
                       for name, value in data.items()):
                    found.add(record_id)
        return found

    def attached(self, owner_id: str, kind: str | None = None) -> list[StoredRecord]:
        sql = f"SELECT {_RECORD_COLUMNS} FROM records WHERE owner_id = ? AND deleted = 0"
        params: list[Any] = [owner_id]
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return [StoredRecord.from_row(r, self.ring) for r in self.db.query(sql + " ORDER BY id", params)]

    def history(self, record_id: str) -> list[Change]:
        return self._changes("record_id = ?", record_id)

    def history_of_youth(self, youth_id: str) -> list[Change]:
        """`history` of the youth's record and of every record attached to it, removed ones too,
        in the order written (a youth is its own owner)."""
        return self._changes("record_id IN (SELECT id FROM records WHERE owner_id = ?)", youth_id)

    def _changes(self, where: str, value: str) -> list[Change]:
        self.settle()
        rows = self.db.query(
            f"SELECT seq, op_id, record_id, kind, op, fields, hlc, user, device, at FROM changes_full "
            f"WHERE {where} ORDER BY seq", (value,))
        return [
            Change(r[0], r[1], r[2], r[3], r[4], self.ring.open_fields(r[2], fields_of(r[5]))[1], r[6], r[7],
                   r[8], r[9])
            for r in rows
        ]

    # Writing ---------------------------------------------------------------

    def create(self, body: Body, *, record_id: str | None = None) -> StoredRecord:
        record_id = record_id or new_id()
        data = body.dump()
        owner = _owner(body) or record_id
        now = utc_iso(self.wall())
        stamp = self.clock.now()
        clocks = dict.fromkeys(data, stamp)
        # A compartment's values are sealed once: the same envelope in the body and the history,
        # so that `audit verify` can fold the history without reading them.
        with self.db.transaction():
            stored_data = self.ring.seal_body(body.kind, record_id, data,
                                              self.under_seal(body.kind, owner, data))
            # Dumped in JSON mode, and a sealed value is an envelope of text keys.
            body_text, fields, short = created(stored_data, text_keys=True)
            rowid = self.db.insert(
                "INSERT INTO records (id, kind, owner_id, version, created_at, created_by, "
                "updated_at, updated_by, deleted, body, clocks) VALUES (?,?,?,?,?,?,?,?,0,?,?)",
                (record_id, body.kind, owner, 1, now, self.actor, now, self.actor,
                 body_text, pack_clocks(clocks, stored_data)),
            )
            self._insert_change(new_id(), record_id, body.kind, owner, "create", fields, stamp, self.actor,
                                self.device, now, pushed=0, stored=short, body=body_text)
            stored = StoredRecord(record_id, body.kind, owner, 1, now, self.actor, now,
                                  self.actor, False, body, clocks, rowid)
            self._index(stored, fresh=True, data=data)
            self._follow_shares(body.kind, owner, record_id, data)
            self._follow_numbers(body.kind, owner, None, data)
            if self._later is not None and body.kind == "youth":
                self._later.sealed[record_id] = bool(data.get("sealed"))
        return stored

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Many writes in the caller's transaction (a demo county, a pulled page): each history
        row is signed on a second core while the next records are written (audit.SigningQueue),
        and the rows are inserted together, every LATER_ROWS, before anything here reads or
        rewrites the history, and at the end of the block; a youth's sealed flag is read once.
        Code that reads `changes` itself inside the block calls `settle` first."""
        if self._later is not None or self.signer is None:
            yield
            return
        if not self.db.in_transaction:
            raise RuntimeError("bulk writes need the caller's transaction")
        self._later = _Later(SigningQueue(self.signer))
        try:
            yield
            self.settle()
        finally:
            self._later.signing.close()
            self._later = None

    def settle(self) -> None:
        """The bulk block's history rows, inserted now (nothing to do outside one)."""
        later = self._later
        if later is None or not later.rows:
            return
        signatures = later.signing.signed()
        rows = [(*row, b64(sig)) for row, sig in zip(later.rows, signatures, strict=True)]
        later.rows.clear()
        later.records.clear()
        self.db.executemany(_CHANGE_INSERT, rows)

    def _unbulk(self) -> None:
        """Before an edit or a deletion in a bulk block: the history in place (a body's first change
        rewrites its create's row, schema 18) and no sealed flag kept (the edit may change one)."""
        if self._later is not None:
            self.settle()
            self._later.sealed.clear()

    def update(
        self, record_id: str, changes: dict[str, Any], *, expected_version: int | None = None
    ) -> StoredRecord:
        """Apply top-level field changes; the merged body is validated as a whole."""
        self._unbulk()
        with self.db.transaction():
            current = self.get(record_id)
            if expected_version is not None and current.version != expected_version:
                raise StaleRecord(
                    "This record was changed elsewhere since you opened it. Reopen it, "
                    "then make your change again."
                )
            old = current.body.dump()
            unknown = [k for k in changes if k not in old]
            if unknown:
                raise ValidationFailed(
                    [FieldProblem(k or "(a field with no name)", N_("is not a field of this record"))
                     for k in unknown],
                    record=f"{current.kind} {record_id}",
                )
            merged = {**old, **changes}
            body = type(current.body).parse(merged, record=f"{current.kind} {record_id}")
            if _owner(body) not in (None, current.owner_id):
                raise ValidationFailed([FieldProblem("youth_id", N_("cannot be changed"))])
            new = body.dump()
            # `base`: the field's stamp this change was made against; the hub keeps a conflict
            # when another device changed the field since (see hub/store.py).
            changed = [k for k in new if new[k] != old.get(k)]
            if not changed:
                return current
            raw = json.loads(self.db.scalar("SELECT body FROM records WHERE id = ?", (record_id,)))
            # Unchanged values stay as stored (a compartment's value this person cannot read
            # included); changed ones are sealed when a compartment holds them.
            under_seal = self.under_seal(current.kind, current.owner_id, new)
            stored_new = {**raw, **self.ring.seal_body(current.kind, record_id,
                                                       {k: new[k] for k in changed}, under_seal)}
            stored_new = {k: stored_new.get(k) for k in new}
            diff = {k: {"old": raw.get(k), "new": stored_new[k], "base": current.clocks.get(k)}
                    for k in changed}
            stamp = self.clock.now()
            clocks = {**current.clocks, **dict.fromkeys(diff, stamp)}
            now = utc_iso(self.wall())
            self.db.execute(
                "UPDATE records SET version = version + 1, updated_at = ?, updated_by = ?, "
                "body = ?, clocks = ? WHERE id = ?",
                (now, self.actor, _json(stored_new), pack_clocks(clocks, stored_new), record_id),
            )
            self._log(record_id, current.kind, current.owner_id, "update", diff, stamp, now)
            if "sealed" in changed and current.kind == "youth":
                self.reseal_owner(record_id, under_seal)
            # Only what changed is known in clear: a field left blank here may be one this person
            # cannot read.
            self._follow_shares(current.kind, current.owner_id, record_id, {k: new[k] for k in changed})
            self._follow_numbers(current.kind, current.owner_id, old, new)
            stored = self.get(record_id)
            self._index(stored)
            if current.kind == "youth" and {"assigned_worker", "unit"} & set(changed):
                # Moved to another worker or unit: a caseworker who no longer sees them loses her
                # copies of a shared account at once (after _index: the caseload row says who sees).
                self._follow_shares("vacatur_case", record_id, record_id, {})
        return stored

    def delete(self, record_id: str) -> StoredRecord:
        """Tombstone: the row stays (sync must not resurrect it), the content leaves search."""
        self._unbulk()
        with self.db.transaction():
            current = self.get(record_id)
            stamp = self.clock.now()
            now = utc_iso(self.wall())
            self.db.execute(
                "UPDATE records SET deleted = 1, version = version + 1, updated_at = ?, "
                "updated_by = ? WHERE id = ?",
                (now, self.actor, record_id),
            )
            self._log(
                record_id, current.kind, current.owner_id, "delete",
                {"deleted": {"old": False, "new": True}}, stamp, now,
            )
            if current.kind == "youth":
                self.unindex(current.rowid)
                self.db.execute("UPDATE youth_fields SET deleted = 1 WHERE rowid = ?", (current.rowid,))
                self.shadow.written(current.rowid)
                self.shadow.forget(current.rowid)
            self._follow_shares(current.kind, current.owner_id, record_id, {})
            self._follow_numbers(current.kind, current.owner_id, current.body.dump(), None)
            stored = self.get(record_id, include_deleted=True)
        return stored

    def put_remote(
        self, *, record_id: str, kind: str, owner_id: str | None, version: int, deleted: bool,
        body: dict[str, Any], clocks: dict[str, str], updated_at: str, updated_by: str,
        withheld: Collection[str] = (),
    ) -> bool:
        """Store a record as the hub holds it (the caller's transaction). Returns whether it changed.

        The history gets one row by the hub's author, already pushed, so the record's history
        shows other devices' edits too. `withheld`: fields of the youth's account the hub holds
        and did not send this device's person (hub/accounts.py): the value held here is kept while
        its stamp is the hub's, else the field holds `compartments.WITHHELD`.
        """
        # What the county holds, read as a stored record is: the write-time checks (hidden
        # characters, bounds) were applied where it was written, and refusing a state written before
        # a bound existed here would stop every later pull at this record.
        parsed = model_for(kind).load(body, record=f"{kind} {record_id}")
        plain = parsed.dump()
        if self._later is not None and record_id in self._later.records:
            self.settle()  # the record twice in one block: its rows in place for the trigger
        row = self.db.one("SELECT body, deleted, rowid, clocks FROM records WHERE id = ?", (record_id,))
        raw_old: dict[str, Any] = json.loads(row[0]) if row is not None else {}
        was_sealed = kind == "youth" and self.under_seal(kind, record_id, {}) if row is not None else False
        under_seal = self.under_seal(kind, owner_id or record_id, plain)
        withheld = set(withheld) & set(RESTRICTED_FIELDS.get(kind, ()))  # the account alone, whatever named
        held = unpack_clocks(row[3], raw_old) if withheld and row is not None else {}
        data = {}
        for name, value in plain.items():
            before = raw_old.get(name)
            if name in withheld:
                # Kept while it is the value the hub holds (the same stamp); else written there and
                # not sent here: marked so (an older value is not shown as current, nor a written
                # one as "not written").
                current = before is not None and held.get(name) == clocks.get(name)
                data[name] = before if current else self.ring.reseal(record_id, name, dict(WITHHELD),
                                                                     under_seal)
                continue
            readable, opened = self.ring.open(record_id, name, before)
            if (readable and opened == value) or (not readable and value is None):
                data[name] = before  # unchanged, or blank only because this person may not read it
            else:
                data[name] = self.ring.seal_value(kind, record_id, name, value, under_seal)
        body_text = _json(data)
        if row is None:
            rowid = self.db.insert(
                "INSERT INTO records (id, kind, owner_id, version, created_at, created_by, "
                "updated_at, updated_by, deleted, body, clocks) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (record_id, kind, owner_id, version, updated_at, updated_by, updated_at, updated_by,
                 int(deleted), body_text, pack_clocks(clocks, data)),
            )
            old: dict[str, Any] = {}
            was_deleted = False
        else:
            old, was_deleted, rowid = json.loads(row[0]), bool(row[1]), int(row[2])
            if old == data and was_deleted == deleted and unpack_clocks(row[3], old) == clocks:
                return False
            self.db.execute(
                "UPDATE records SET version = ?, updated_at = ?, updated_by = ?, deleted = ?, body = ?, "
                "clocks = ? WHERE id = ?",
                (version, updated_at, updated_by, int(deleted), body_text, pack_clocks(clocks, data),
                 record_id),
            )
        # A new record's history names every field, blank ones too: the body keeps them, and
        # `audit verify` folds the history to compare it with the body.
        diff = {k: {"old": old.get(k), "new": v} for k, v in data.items() if row is None or old.get(k) != v}
        if row is not None and not diff:
            # The same values under newer stamps (the value set again elsewhere, later): the stamps
            # go into the history all the same, whose newest stamp carries this device's clock past
            # them at the next unlock. Without the row, an edit after a restart here was stamped
            # before the stamp it edited (found by the sync model, tests/hub/test_sync_model.py).
            before_clocks = unpack_clocks(row[3], old)
            diff = {k: {"old": old.get(k), "new": v} for k, v in data.items()
                    if k in clocks and clocks[k] != before_clocks.get(k)}
        stamp = max(clocks.values(), default="")
        if diff:
            self._insert_change(new_id(), record_id, kind, owner_id, "create" if row is None else "update",
                                _json(diff), stamp, updated_by, "hub", updated_at, pushed=1, parsed=diff,
                                body=body_text)
        if deleted and not was_deleted:
            # After the values it came with, so the history still folds to the body (a deletion
            # pulled together with values that differ from this device's had lost them there).
            self._insert_change(new_id(), record_id, kind, owner_id, "delete",
                                _json({"deleted": {"old": False, "new": True}}), stamp, updated_by, "hub",
                                updated_at, pushed=1)
        stored = StoredRecord(record_id, kind, owner_id, version, updated_at, updated_by, updated_at,
                              updated_by, deleted, parsed, clocks, rowid)
        # The hub holds the account in clear; a blank from it may be one it was never sent.
        self._follow_shares(kind, owner_id, record_id, plain, blank_unknown=True)
        self._follow_numbers(kind, owner_id, None if row is None or was_deleted else raw_old,
                             None if deleted else plain)
        if self._later is not None and kind == "youth":
            self._later.sealed[record_id] = under_seal
        if kind == "youth":
            if deleted:
                self.unindex(rowid)
                self.db.execute(YOUTH_FIELDS_UPSERT, (*youth_field_values(rowid, plain, True), None))
                self.shadow.written(rowid)
                self.shadow.forget(rowid)
            else:
                self._index(stored, fresh=row is None, data=plain)
            if under_seal != was_sealed:
                # Sealed or unsealed elsewhere (or a sealed youth new here, after records of
                # theirs in the same pull): every record of theirs is re-wrapped to match.
                self.reseal_owner(record_id, under_seal, strict=False)
            elif row is not None and any(raw_old.get(k) != plain.get(k) for k in ("assigned_worker", "unit")):
                self._follow_shares("vacatur_case", record_id, record_id, {})  # as in update
        return True

    def _follow_shares(self, kind: str, owner: str | None, record_id: str, clear: dict[str, Any], *,
                       blank_unknown: bool = False) -> None:
        """A case or a count written (or its youth sealed): the copies of the account made for the
        caseworkers counsel shared a case with follow it (storage/account_copies.py). `clear`: the
        record's values known in clear (what was typed or pulled; `blank_unknown`: a blank is not
        known, the hub may never have been sent the value)."""
        if kind in account_copies.KINDS and owner:
            self.settle()  # in a bulk block: the history rows in place, which prove a share
            known = {(record_id, k): v for k, v in clear.items() if v is not None or not blank_unknown}
            account_copies.refresh(self.db, self.ring, owner, self.under_seal(kind, owner, {}), known,
                                   self.actor)

    def _follow_numbers(self, kind: str, owner: str | None, before: dict[str, Any] | None,
                        after: dict[str, Any] | None) -> None:
        """A count's or a petition's court case number written or gone: the youth is indexed again
        with it (numbers.case_numbers). A sealed youth is in no index here."""
        name = numbers.NUMBERED.get(kind)
        if name is None or owner is None or (before or {}).get(name) == (after or {}).get(name):
            return
        if self.under_seal(kind, owner, {}):
            return
        row = self.db.one(f"SELECT {_RECORD_COLUMNS} FROM records WHERE id = ? AND kind = 'youth' "
                          "AND deleted = 0", (owner,))
        if row is not None:
            self._index(StoredRecord.from_row(row, self.ring))

    def under_seal(self, kind: str, owner: str | None, data: dict[str, Any]) -> bool:
        """Whether a record's fields go to the sealed youth's compartment: a youth by its own flag
        (in `data` when given), any other record by its youth's."""
        if kind == "youth" and "sealed" in data:
            return bool(data["sealed"])
        if owner is None:
            return False
        if self._later is not None and owner in self._later.sealed:
            return self._later.sealed[owner]
        sealed = bool(self.db.scalar("SELECT f.sealed FROM records r JOIN youth_fields f "
                                     "ON f.rowid = r.rowid WHERE r.id = ?", (owner,)))
        if self._later is not None:
            self._later.sealed[owner] = sealed
        return sealed

    def reseal_owner(self, youth_id: str, under_seal: bool, *, strict: bool = True) -> int:
        """A youth sealed or unsealed: every value of theirs and of their records, in the bodies
        and in the history, is wrapped in the sealed records' compartment or taken out of it (the
        caller's transaction). History rows are signed again by the person doing it (their `user`
        stays the author), but only those whose signature held: re-signing a row edited outside
        the app would make the edit theirs and hide it from `audit verify`, which keeps naming it.
        Each body keeps the envelope its history's last row holds, so the history still folds to
        it. Returns how many records were re-wrapped."""
        self.settle()
        rows = self.db.query("SELECT id, kind, body FROM records WHERE id = ? OR owner_id = ?",
                             (youth_id, youth_id))
        keys = trusted_keys(self.db)[0] if self.signer is not None else {}
        for record_id, kind, body in rows:
            latest: dict[str, Any] = {}
            for seq, op_id, owner, op, fields, hlc, user, device, at, signer, old_sig in self.db.query(
                    "SELECT seq, op_id, owner_id, op, fields, hlc, user, device, at, signer, sig "
                    "FROM changes_full WHERE record_id = ? ORDER BY seq", (record_id,)):
                rewrapped = {}
                for name, change in fields_of(fields).items():
                    rewrapped[name] = {k: (self.ring.reseal(record_id, name, v, under_seal, strict=strict)
                                           if k in ("old", "new") and op != "delete" else v)
                                       for k, v in change.items()}
                    if op != "delete":
                        latest[name] = rewrapped[name].get("new")
                text = _json(rewrapped)
                sig = None
                if signer is not None and self.signer is not None:
                    before = change_message(op_id, record_id, kind, owner, op, canonical(fields), hlc, user,
                                            device, at)
                    if _holds(keys.get(signer), old_sig, before):
                        signer = self.signer.name
                        sig = b64(self.signer.sign(change_message(op_id, record_id, kind, owner, op, text,
                                                                        hlc, user, device, at)))
                    else:  # left as it was signed: audit verify still names the row
                        sig = old_sig
                self.db.execute("UPDATE changes SET fields = ?, signer = ?, sig = ? WHERE seq = ?",
                                (kept(text), signer, sig, seq))
            data = json.loads(body)
            for name, value in data.items():
                data[name] = latest[name] if name in latest else self.ring.reseal(record_id, name, value,
                                                                                   under_seal, strict=strict)
            self.db.execute("UPDATE records SET body = ? WHERE id = ?", (_json(data), record_id))
            self._reseal_conflicts(record_id, under_seal, strict)
        row = self.db.one(f"SELECT {_RECORD_COLUMNS} FROM records WHERE id = ? AND kind = 'youth'",
                          (youth_id,))
        if row is not None:
            self._index(StoredRecord.from_row(row, self.ring),
                        data=self.ring.open_body(youth_id, json.loads(row[9])))
        self._follow_shares("vacatur_case", youth_id, youth_id, {})
        if under_seal:
            self.purge_search()
        elif any(f'"{MARK}":"sealed"' in body for (body,) in self.db.query(
                "SELECT body FROM records WHERE id = ? OR owner_id = ?", (youth_id, youth_id))):
            # Unsealed by the hub, pulled by someone who cannot take the layer off: the next holder
            # to unlock finishes it (Vault._compartment_upkeep).
            waiting = set(json.loads(self.db.scalar(
                "SELECT value FROM meta WHERE key = 'unseal_waiting'") or "[]"))
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('unseal_waiting', ?)",
                            (json.dumps(sorted(waiting | {youth_id})),))
        return len(rows)

    def purge_search(self) -> None:
        """Removed search terms gone from the file, not only marked: a contentless FTS5 table keeps
        a deleted row's terms in its segments until they are merged (a sealed youth's names, a
        youth who left this device). Merging every segment costs about 0.3 s at 100,000 youth (measured
        here), so only after those, not after every edit."""
        self.write_index()
        self.db.execute("INSERT INTO youth_search (youth_search) VALUES ('optimize')")

    def search_segments(self) -> int:
        """How many pieces the search index is in. FTS5 writes each transaction's new terms as a
        piece of its own and merges pieces only a few at a time, so a vault written in many
        transactions (a first pull page by page, a working day of edits) is searched piece by piece."""
        return int(self.db.scalar("SELECT count(DISTINCT segid) FROM youth_search_idx"))

    def tidy_search(self) -> bool:
        """The search index merged into one piece when it has more than SEARCH_PIECES; whether it
        was. Called after work that wrote many youth (a pull, the demo county) and once a session
        when Today is found (ui/today_controller.py)."""
        self.write_index()
        if self.search_segments() <= SEARCH_PIECES:
            return False
        with self.db.transaction():  # the caller's, when one is open
            self.db.execute("INSERT INTO youth_search (youth_search) VALUES ('optimize')")
        return True

    def _log(
        self, record_id: str, kind: str, owner: str | None, op: str,
        fields: dict[str, dict[str, Any]], stamp: str, now: str,
    ) -> None:
        self._insert_change(new_id(), record_id, kind, owner, op, _json(fields), stamp, self.actor,
                            self.device, now, pushed=0, parsed=fields)

    def _insert_change(self, op_id: str, record_id: str, kind: str, owner: str | None, op: str,
                       fields: str, hlc: str, user: str, device: str, at: str, *, pushed: int,
                       parsed: dict[str, Any] | None = None, stored: str | None = None,
                       body: str | None = None) -> None:
        """One history row, signed by the person writing it here (for a record pulled from the hub,
        the person whose sync stored it; `user` stays the author the hub names). `fields` is the
        canonical text, which the signature covers (`parsed`: the same, as the caller built it); the
        row keeps its short form (storage/history.py; `stored`: that form, when the caller has it).
        `body`: the record's body as just written, for a create; when the short form is that body
        in brackets the row keeps SAME_AS_BODY instead (schema 18: `changes_full` reads it back)."""
        signer = sig = None
        message = b""
        self.written += pushed == 0
        if self.signer is not None:
            signer = self.signer.name
            message = change_message(op_id, record_id, kind, owner, op, fields, hlc, user, device, at)
            if self._later is None:
                sig = b64(self.signer.sign(message))
        if stored is None:
            stored = kept(fields, parsed)
        if body is not None and op == "create" and len(stored) == len(body) + 2 and stored[1:-1] == body:
            stored = SAME_AS_BODY
        row = (op_id, record_id, kind, owner, op, stored, hlc, user, device, at, pushed, signer)
        later = self._later
        if later is not None and self.signer is not None:
            later.signing.add(message)
            later.rows.append(row)
            later.records.add(record_id)
            if len(later.rows) >= LATER_ROWS:
                self.settle()
            return
        self.db.execute(_CHANGE_INSERT, (*row, sig))

    def _reseal_conflicts(self, record_id: str, under_seal: bool, strict: bool) -> None:
        """Conflicts kept from sync on this record (sync/local.py): each value re-wrapped too."""
        for cid, name, body, resolution in self.db.query(
                "SELECT conflict_id, field, body, resolution FROM sync_conflicts WHERE record_id = ?",
                (record_id,)):
            state = json.loads(body)
            for value in state.get("values", []):
                value["value"] = self.ring.reseal(record_id, name, value.get("value"), under_seal,
                                                  strict=strict)
            decided = json.loads(resolution) if resolution else None
            if decided is not None:
                decided["value"] = self.ring.reseal(record_id, name, decided.get("value"), under_seal,
                                                    strict=strict)
            self.db.execute("UPDATE sync_conflicts SET body = ?, resolution = ? WHERE conflict_id = ?",
                            (_json(state), _json(decided) if decided is not None else None, cid))

    def _index(self, stored: StoredRecord, fresh: bool = False,
               data: dict[str, Any] | None = None) -> None:
        """`youth_fields` and the search index for a youth (blank for a sealed one: its names go
        to the sealed youth index of those who may read them, storage/sealed_rows.py)."""
        if stored.kind != "youth":
            return
        body = data if data is not None else stored.body.dump()
        sealed = bool(body.get("sealed"))
        # What a caseload row shows; a sealed youth's row stays blank (its body may be too, here).
        names = stored.body.list_names() if not sealed and hasattr(stored.body, "list_names") else None
        values = youth_field_values(stored.rowid, body, stored.deleted, names=names)
        terms = _terms(stored.body)
        if terms and not fresh and not sealed and not stored.deleted:
            terms += numbers.case_numbers(self.db, stored.id)  # a youth new here has none yet
        if not fresh and self._unwritten.pop(stored.rowid, None) is None:
            name_order.drop_terms(self.db, stored.rowid)
        # Indexed under a rank that follows name order (storage/name_order.py).
        rank = None
        if terms and not sealed and not stored.deleted:
            self._wide = self._wide or stored.rowid >= name_order.WIDE
            rank = (name_order.checked_rank(self.db, values[1], values[2], stored.rowid) if self._wide
                    else name_order.rank(values[1], values[2], stored.rowid))
        # A plain INSERT for a new record: an upsert probes every index first.
        self.db.execute(YOUTH_FIELDS_INSERT if fresh else YOUTH_FIELDS_UPSERT, (*values, rank))
        if sealed:
            self.shadow.written(stored.rowid)  # sealed_youth
            shown = stored.body.list_names() if terms and hasattr(stored.body, "list_names") else None
            self.shadow.put(stored.rowid, body, stored.deleted, terms, shown)
            return
        self.shadow.forget(stored.rowid)
        if rank is not None:
            self._index_terms(stored.rowid, rank, " ".join(terms))

    def _index_terms(self, rowid: int, rank: int, text: str) -> None:
        if not self.db.in_transaction:
            self.db.execute("INSERT INTO youth_search (rowid, terms) VALUES (?, ?)", (rank, text))
            numbers.add(self.db, [(rank, text)])
            return
        if not self._unwritten:
            self.db.at_commit(self.write_index, self._unwritten.clear)
        self._unwritten[rowid] = (rank, text)

    def write_index(self) -> None:
        """The search index rows kept for the end of the transaction, in rank order (also before a
        search or an index merge inside the transaction)."""
        if self._unwritten:
            rows = sorted(self._unwritten.values())
            self._unwritten.clear()
            self.db.executemany("INSERT INTO youth_search (rowid, terms) VALUES (?, ?)", rows)
            numbers.add(self.db, rows)

    def unindex(self, rowid: int) -> None:
        """A youth out of the search index (deleted, or gone from this device)."""
        if self._unwritten.pop(rowid, None) is None:
            name_order.unindex(self.db, rowid)
        else:
            self.db.execute("UPDATE youth_fields SET rank = NULL WHERE rowid = ?", (rowid,))

    def sealed_youth(self) -> list[Opened]:
        """Every sealed youth as this person opens them, to make the sealed index again
        (sealed_rows.py): the caseload row as shown and the search terms. Each is kept in
        `sealed_cache`, sealed to the sealed records' compartment and bound to the youth's row, so
        this opens one value per youth and reads no record, instead of the score of values of
        each record (3,000 sealed youth: 1.3 s). Every write of a sealed youth drops their entry
        (_index, delete); the next time, their record is read again."""
        found: list[Opened] = []
        fresh: list[tuple[int, str]] = []
        for rowid, cached in self.db.query(SEALED_ROWS):
            bound = f"youth row {rowid}"
            if cached is not None:
                try:
                    readable, opened = self.ring.open(bound, SEALED_ROW, json.loads(cached))
                except (CorruptVault, ValueError):  # a damaged entry is only a miss
                    readable = False
                if readable:
                    found.append((tuple(opened[0]), list(opened[1])))
                    continue
            row = self.db.one(f"SELECT {_RECORD_COLUMNS} FROM records WHERE rowid = ?", (rowid,))
            if row is None:
                continue
            record = StoredRecord.from_row(row, self.ring)
            body = record.body
            terms = _terms(body)
            names = body.list_names() if hasattr(body, "list_names") and terms else None
            values = youth_field_values(record.rowid, body.dump(), record.deleted, shown=True, names=names)
            found.append((values, terms))
            if terms:  # read in full: kept for the next unlock, sealed as the record is
                sealed = self.ring.seal(SEALED.name, bound, SEALED_ROW, [list(values), terms])
                if is_sealed(sealed):
                    fresh.append((record.rowid, _json(sealed)))
        if fresh:
            self.db.executemany("INSERT OR REPLACE INTO sealed_cache (rowid, row) VALUES (?, ?)", fresh)
        kept = int(self.db.scalar("SELECT count(*) FROM sealed_cache WHERE rowid <> ?", (TOKEN_ROW,)))
        if kept > len(found):
            self.db.execute("DELETE FROM sealed_cache WHERE rowid <> ? AND rowid NOT IN "  # unsealed, or gone
                            "(SELECT rowid FROM youth_fields WHERE sealed = 1)", (TOKEN_ROW,))
        return found


SEALED_ROWS = ("SELECT f.rowid, c.row FROM youth_fields f LEFT JOIN sealed_cache c ON c.rowid = f.rowid "
               "WHERE f.sealed = 1")
"""Each sealed youth's row and cached caseload row, read at every holder's unlock: from the
partial index youth_fields_sealed, never a scan of every youth (schema _v12)."""


SEALED_ROW = "$caseload_row"
"""The field name a sealed youth's cached caseload row is sealed under (its associated data)."""


def _terms(body: Body) -> list[str]:
    """A youth's search terms, none when this person cannot read them (a sealed youth's, blank)."""
    terms = getattr(body, "search_terms", None)
    try:
        return list(terms()) if terms is not None else []
    except (AttributeError, TypeError):
        return []


_MESSAGE = dump  # a list of text and null: the same bytes as unsorted keys would give


def change_message(op_id: str, record_id: str, kind: str, owner: str | None, op: str, fields: str,
                   hlc: str, user: str, device: str, at: str) -> bytes:
    canonical = _MESSAGE(["change", op_id, record_id, kind, owner, op, fields, hlc, user, device, at])
    return hashlib.sha256(canonical.encode()).digest()


def _owner(body: Body) -> str | None:
    if body.owner_field is None:
        return None
    value = getattr(body, body.owner_field)
    return str(value) if value is not None else None


def _holds(public: bytes | tuple[bytes, ...] | None, sig: str | None, message: bytes) -> bool:
    """Whether `sig` (base64) is `public`'s signature of `message`."""
    try:
        return public is not None and sig is not None and signature_holds(public, unb64(sig), message)
    except ValueError:
        return False


def pack_clocks(clocks: dict[str, str], fields: Iterable[str]) -> str:
    """A record's field stamps as stored beside its body, whose fields are `fields`: each stamp
    once with its fields ({stamp: [field, ...]}), a fraction of field -> stamp since most fields
    share the stamp of the write that made them (a youth's clocks: about 1,300 bytes -> 300).
    When every field of the body has the one stamp (a record written once, most of them) the
    stamp alone, a JSON string: the list of fields repeated the body's keys (480 of the vault's
    7,060 bytes per youth in the demo county). Every write of the body writes its clocks, and a
    write that only re-wraps values keeps the body's fields, so they still name the same fields
    when read."""
    stamps = set(clocks.values())
    if len(stamps) == 1 and clocks.keys() == set(fields):
        return _json(stamps.pop())
    grouped: dict[str, list[str]] = {}
    for name, stamp in clocks.items():
        grouped.setdefault(stamp, []).append(name)
    return _json({stamp: sorted(names) for stamp, names in grouped.items()})


def unpack_clocks(text: str, fields: Iterable[str]) -> dict[str, str]:
    """field -> stamp, from any form (records written before a form keep theirs); `fields`: the
    stored body's fields."""
    stored = json.loads(text)
    if isinstance(stored, str):
        return dict.fromkeys(fields, stored)
    if not any(isinstance(value, list) for value in stored.values()):
        return dict(stored)
    return {name: stamp for stamp, names in stored.items() for name in names}


def _json(value: Any) -> str:
    return dump(value)

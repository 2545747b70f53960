"""A push at the hub: each operation applied once, merged field by field (store.py's docstring says
the rule), conflicts kept for a person to decide, and the batch written in a few statements."""

from __future__ import annotations

import functools
import hashlib
import json
import operator
from collections.abc import Mapping
from typing import Any

from pydantic_core import to_json
from sqlalchemy import (
    JSON,
    Connection,
    Table,
    any_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from csec_desktop.domain.kinds import KINDS
from csec_desktop.domain.merge import LIST_MERGE, merge_list
from csec_desktop.domain.people import Permission
from csec_desktop.domain.vacatur import COUNSEL_FIELDS
from csec_desktop.errors import ValidationFailed
from csec_desktop.hub import accounts
from csec_desktop.hub import tables as T
from csec_desktop.hub.principals import Device, Row, Who, iso_time
from csec_desktop.ids import new_id
from csec_desktop.sync import protocol as P

HLC_AHEAD_MS = 5 * 60 * 1000
"""Stamps further than this in the hub's future are kept but flagged (a device clock far ahead)."""
HLC_REFUSED_MS = 7 * 24 * 3600 * 1000
"""Stamps further than this in the hub's future are refused: kept, they would become the field's
stamp for every device (which follow stamps up to a week ahead only, clock.OBSERVE_AHEAD_MS).
Clocks a day or two apart are ordinary (the model test skews them by up to a day) and lose nothing."""


def among(conn: Connection, column: ColumnElement[Any], values: list[str]) -> ColumnElement[bool]:
    """`column IN values`, for ids. On PostgreSQL as `= ANY(string_to_array(text, ','))`, one text
    parameter: an IN list of 500 ids was compiled and parsed anew for every page (a third of a
    pull's time at the hub), and an array parameter took 2.1 ms to send against 1.3 ms."""
    if conn.dialect.name == "postgresql":
        joined = ",".join(values)
        if joined.count(",") == len(values) - 1:  # ids never hold a comma; anything else goes below
            return column == any_(func.string_to_array(joined, ","))
    return column.in_(values)


def insert_new(conn: Connection, table: Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING, in the dialect of the connection."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


WITHHELD = "$withheld"


def withheld(fields: dict[str, Any]) -> dict[str, Any]:
    """What the hub keeps of a refused operation's fields: their names and a digest of their
    values, never the values. A refused change was not the pusher's to make (a youth outside their
    caseload, the directory for a caseworker); kept whole, the hub's database held it in clear while
    the desktop told its author no one else would see it. The digest lets a replay be told from
    other content sent under the same id."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {WITHHELD: hashlib.sha256(canonical.encode()).hexdigest(), "names": sorted(fields)}


def _same_content(kept: tuple[Any, ...], carried: tuple[Any, ...]) -> bool:
    """Whether an operation sent again carries what it carried the first time (a refused one is
    kept as `withheld`)."""
    if kept[:2] != carried[:2] or kept[3] != carried[3]:
        return False
    fields = kept[2]
    if isinstance(fields, dict) and WITHHELD in fields:
        return bool(fields == withheld(carried[2]))
    return bool(fields == carried[2])


Lookups = tuple[int, list[dict[str, Any]], list[dict[str, Any]], set[tuple[str, str]]]


def _lookups(conn: Connection, county: str, ids: list[str], wanted: list[str]) -> Lookups:
    """What a push reads before it applies anything: the county's counter (locked until the push
    commits), the operations already applied among its ids, the records it names, and their fields
    with a conflict open. On PostgreSQL the four statements go in one round trip (a pipeline):
    one after the other they were a fifth of a push of 500 operations at the hub."""
    o, r, c = T.ops, T.records, T.conflicts
    if conn.dialect.name == "postgresql" and not any("," in i for i in (*ids, *wanted)):
        from psycopg.rows import dict_row

        raw = conn.connection.driver_connection
        assert raw is not None
        ops_columns = ", ".join(f'"{n}"' for n in ("op_id", "result", "county", "record_id", "op", "fields",
                                                    "hlc", "detail"))
        statements = [
            ("SELECT seq FROM counties WHERE id = %s FOR UPDATE", [county]),
            (f"SELECT {ops_columns} FROM ops WHERE op_id = ANY(string_to_array(%s, ','))", [",".join(ids)]),
            ("SELECT * FROM records WHERE id = ANY(string_to_array(%s, ','))", [",".join(wanted)]),
            ("SELECT record_id, field FROM conflicts WHERE record_id = ANY(string_to_array(%s, ',')) "
             "AND resolved_at IS NULL", [",".join(wanted)]),
        ]
        cursors = [raw.cursor(row_factory=dict_row) for _ in statements]
        with raw.pipeline():
            for cursor, (sql, args) in zip(cursors, statements, strict=True):
                cursor.execute(sql, args)
        counter, done, found, conflicts = (cursor.fetchall() for cursor in cursors)
        for cursor in cursors:
            cursor.close()
        if not counter:
            raise LookupError(f"no county {county}")
        return (int(counter[0]["seq"]), done, found,
                {(row["record_id"], row["field"]) for row in conflicts})
    seq = int(conn.execute(select(T.counties.c.seq).where(T.counties.c.id == county).with_for_update())
              .scalar_one())
    done = [dict(row) for row in conn.execute(
        select(o.c.op_id, o.c.result, o.c.county, o.c.record_id, o.c.op, o.c.fields, o.c.hlc, o.c.detail)
        .where(among(conn, o.c.op_id, ids))).mappings()] if ids else []
    found = [dict(row) for row in conn.execute(
        select(r).where(among(conn, r.c.id, wanted))).mappings()] if wanted else []
    open_fields = {(row.record_id, row.field) for row in conn.execute(
        select(c.c.record_id, c.c.field).where(among(conn, c.c.record_id, wanted),
                                              c.c.resolved_at.is_(None)))} if wanted else set()
    return seq, done, found, open_fields


class Counter:
    """One push's working set: the county's sequence, locked for the length of the push (see
    tables.counties), and the batch's records and earlier outcomes read in one query each
    rather than one per operation."""

    def __init__(self, conn: Connection, county: str, device_id: str, request: P.PushRequest,
                 now: float) -> None:
        self.conn = conn
        self.device_id = device_id
        self.received_at = iso_time(now)
        self.county = county
        ids = [op.op_id for op in request.ops]
        wanted = {op.record_id for op in request.ops} | {op.owner_id for op in request.ops if op.owner_id}
        seq, done, found, open_fields = _lookups(conn, county, ids, sorted(wanted))
        self.value = self.start = seq
        self.done: dict[str, tuple[str, str, str]] = {}
        """Operations already applied: (outcome, county, detail)."""
        self.content: dict[str, tuple[Any, ...]] = {}
        """What each operation already applied carried: a replay must carry the same."""
        for r in done:
            self.done[r["op_id"]] = (r["result"], r["county"], r["detail"])
            self.content[r["op_id"]] = (r["record_id"], r["op"], r["fields"], r["hlc"])
        self.records: dict[str, Row | None] = dict.fromkeys(wanted)
        for row in found:
            self.records[row["id"]] = _opened(row)
        self.new_ops: list[dict[str, Any]] = []
        self.fresh: dict[str, dict[str, Any]] = {}
        self.changed: dict[str, dict[str, Any]] = {}
        """Records of the county changed by this push: the columns changed, written by `save`."""
        self.holdings: set[str] = set()
        """Youth the pushing device created: it holds them as if pulled, so a later move out of its
        user's caseload reaches it as `gone` even if it never pulled the youth."""
        # Fields with a conflict still open: a change to one joins the conflict (a person deciding
        # must see it) unless this push carries that person's decision of it.
        c = T.conflicts
        self.open: set[tuple[str, str]] = open_fields
        decided = [r.conflict_id for r in request.resolutions]
        self.deciding: set[tuple[str, str]] = {(r.record_id, r.field) for r in conn.execute(
            select(c.c.record_id, c.c.field).where(among(conn, c.c.id, decided)))} if decided else set()

    def record(self, record_id: str) -> Row | None:
        if record_id not in self.records:
            row = self.conn.execute(select(T.records).where(T.records.c.id == record_id)).mappings().first()
            self.records[record_id] = _opened(row) if row is not None else None
        return self.records[record_id]

    def write(self, record_id: str, values: dict[str, Any], *, new: bool = False) -> None:
        """New records are inserted together at the end of the push (one statement); a later
        operation of the same batch reads and changes them here meanwhile."""
        if new:
            self.fresh[record_id] = {"id": record_id, **values}
            self.records[record_id] = self.fresh[record_id]
        elif record_id in self.fresh:
            self.fresh[record_id].update(values)
        else:
            self.changed.setdefault(record_id, {}).update(values)
            self.records[record_id] = {**(self.records.get(record_id) or {}), **values}

    def next(self) -> int:
        self.value += 1
        return self.value

    def save(self) -> None:
        if self.fresh:
            for row in self.fresh.values():
                row["state"] = state_text(row)
            _insert_rows(self.conn, T.records, list(self.fresh.values()))
        # Records changed, one statement per set of columns changed (run as one batch by the
        # driver): an UPDATE per operation was most of a daily push of a hundred edits. Every
        # write changes the record's sequence number, so its state too.
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for record_id, changed in self.changed.items():
            values = {k: v for k, v in changed.items() if k not in IN_STATE_ONLY}
            values["state"] = state_text(self.records[record_id] or {})
            groups.setdefault(tuple(sorted(values)), []).append(
                {"_record": record_id, **{f"_{k}": v for k, v in values.items()}})
        r = T.records
        for names, rows in groups.items():
            self.conn.execute(update(r).where(r.c.id == bindparam("_record"))
                              .values({n: bindparam(f"_{n}", type_=r.c[n].type) for n in names}), rows)
        if self.new_ops:
            _insert_rows(self.conn, T.ops, self.new_ops)
        if self.holdings:
            hold(self.conn, self.device_id, sorted(self.holdings))
        if self.value != self.start:
            self.conn.execute(update(T.counties).where(T.counties.c.id == self.county).values(seq=self.value))


IN_STATE_ONLY = ("body", "stamps")
"""What a record holds in its state text alone (tables.records)."""


def state_text(rec: Mapping[str, Any]) -> str:
    """A record's state as a pull sends it (P.RecordState, with no conflicts: `_state_texts` adds
    those open when a page is sent)."""
    return to_json({"id": rec["id"], "kind": rec["kind"], "owner_id": rec["owner_id"],
                    "version": rec["version"], "updated_at": rec["updated_at"],
                    "updated_by": rec["updated_by"], "seq": rec["seq"], "deleted": bool(rec["deleted"]),
                    "body": rec["body"], "stamps": rec["stamps"], "conflicts": []}).decode()


def _opened(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A stored record with its body and stamps read from its state, to merge into."""
    state = json.loads(row["state"])
    return {**row, "body": state["body"], "stamps": state["stamps"]}


def hold(conn: Connection, device_id: str, youth_ids: list[str]) -> None:
    """Record that a device holds each youth (kept if already held). On PostgreSQL in one statement
    from the ids joined by commas (as `_among`): a VALUES list of 500 rows was parsed anew by the
    driver every push, and arrays of ids took the driver longer to send than the rows to store."""
    joined = ",".join(youth_ids)
    if conn.dialect.name == "postgresql" and joined.count(",") == len(youth_ids) - 1:
        conn.exec_driver_sql(
            "INSERT INTO holdings (device_id, youth_id) SELECT %(d)s, y "
            "FROM unnest(string_to_array(%(y)s, ',')) AS t(y) ON CONFLICT DO NOTHING",
            {"d": device_id, "y": joined})
        return
    conn.execute(insert_new(conn, T.holdings).values([{"device_id": device_id, "youth_id": y}
                                                       for y in youth_ids]))


def _insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Many new rows at once: on PostgreSQL by COPY (a push's records and operations took three
    times longer as an INSERT per row, even pipelined), elsewhere by executemany."""
    if conn.dialect.name != "postgresql":
        names = set(table.c.keys())
        conn.execute(insert(table), [{k: v for k, v in row.items() if k in names} for row in rows])
        return
    layout = _copy_layout(table)
    quoted = ", ".join(f'"{n}"' for n, _, _ in layout)
    every = operator.itemgetter(*(n for n, _, _ in layout))
    as_json = [i for i, (_, is_json, _) in enumerate(layout) if is_json]
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            try:
                values = list(every(row))  # a row naming every column, as a push makes them: in one call
            except KeyError:
                values = [row.get(n, default) for n, _, default in layout]
            for i in as_json:
                # pydantic's encoder: json.dumps was a tenth of a push (3.3 against 0.9 us a body)
                values[i] = to_json(values[i]).decode()
            copy.write_row(values)


@functools.cache
def _copy_layout(table: Table) -> tuple[tuple[str, bool, Any], ...]:
    """A table's columns: each name, whether it holds JSON, and its scalar default."""
    return tuple((c.name, isinstance(c.type, JSON),
                  c.default.arg if isinstance(c.default, ScalarElementColumnDefault) else None)
                 for c in table.columns)


def apply_op(conn: Connection, counter: Counter, device: Device, op: P.Op,
             now: float) -> tuple[P.OpOutcome, str]:
    """Apply one operation once; the outcome is stored with it, so a replay answers the same."""
    fields = op.fields
    for name, change in fields.items():  # every key present, as our desktops send them
        if len(change) != 3:
            fields[name] = {"old": change.get("old"), "new": change.get("new"), "base": change.get("base")}
    carried = (op.record_id, op.op, fields, op.hlc)
    done = counter.done.get(op.op_id)
    if done is not None:
        if done[1] != device.who.county:
            return "duplicate", ""
        if not _same_content(counter.content.get(op.op_id, carried), carried):
            # Not a replay: different content under a used id would be acknowledged and dropped.
            return "refused", "this operation id was already used for other content; send it with a new id"
        if done[0] == "refused":
            # Answered as the first time: a desktop whose answer was lost must keep the change as
            # refused (listed, and kept if the youth leaves), not take it as delivered.
            return "refused", done[2]
        return "duplicate", done[0]
    millis = int(op.hlc.split("-", 1)[0])
    outcome: P.OpOutcome
    if millis > now * 1000 + HLC_REFUSED_MS:
        outcome, detail = "refused", ("this device's clock is more than a week ahead of the hub's; set the "
                                      "date and time right, then edit again")
    else:
        outcome, detail = _merge(conn, counter, device, op)
    if op.user != device.who.username:  # kept for the record, attributed to who it really was
        # "the device named ana" read as the device's name (the devices were named for their computer).
        detail = f"{detail}; typed on the device by {op.user[:64]}".lstrip("; ")
    counter.new_ops.append(dict(
        op_id=op.op_id, county=device.who.county, device_id=device.id, user=device.who.username,
        record_id=op.record_id, op=op.op, fields=withheld(fields) if outcome == "refused" else fields,
        hlc=op.hlc,
        hlc_ahead=millis > now * 1000 + HLC_AHEAD_MS, at=op.at, received_at=counter.received_at,
        result=outcome, detail=detail))
    counter.done[op.op_id] = (outcome, device.who.county, detail)
    counter.content[op.op_id] = carried
    return outcome, detail


OUTSIDE = ("this youth is assigned outside your caseload at the hub (another worker or unit): the hub "
           "takes them, with their records, from someone whose caseload they are in, such as a supervisor")
UNKNOWN = "unknown record"
"""The same words whether a record does not exist or belongs to a caseload the user may not see."""


def _merge(conn: Connection, counter: Counter, device: Device, op: P.Op) -> tuple[P.OpOutcome, str]:
    who = device.who
    model = KINDS.get(op.kind)
    if model is None:
        return "refused", f"unknown kind {op.kind}"
    known = model.model_fields
    bad = [f for f in op.fields if f not in known] if op.op != "delete" else []
    if bad:
        return "refused", "not fields of this record: " + ", ".join(sorted(bad))
    rec = counter.record(op.record_id)
    if rec is not None and (rec["county"] != who.county or rec["kind"] != op.kind
                            or not _may_touch(counter, who, rec)):
        return "refused", UNKNOWN
    counsel = _counsel_fields(op, rec, model) if op.kind == "vacatur_case" else []
    if counsel and not (who.can(Permission.REVIEW_PETITION)
                        and ("shared_with" not in counsel or accounts.may_share(who))):
        # The desktop lets only counsel move a petition's stage or share its account; a device that
        # sends it anyway (altered, or an old release) is not believed.
        return "refused", "only an attorney may change " + ", ".join(counsel) + " of a vacatur case"
    if not accounts.may_read(who):  # nor one that writes an account it may not read (hub/accounts.py)
        if accounts.written(op, rec):
            return "refused", accounts.refused(who)
        if accounts.widens(op, rec):
            return "refused", accounts.refused(who, accounts.COUNTS_REFUSED)
    # The author is the person the hub authenticated (the device's enrolled user), never the name
    # an operation claims: that record may be read in court.
    author = [who.username, device.id, op.at]
    if rec is None:
        if op.op != "create":
            return "refused", UNKNOWN
        body = {k: v["new"] for k, v in op.fields.items()}
        try:
            model.parse(body)
        except ValidationFailed as exc:
            return "refused", "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
        owner = str(body.get(model.owner_field) or "") if model.owner_field else op.record_id
        if model.owner_field:
            youth = counter.record(owner)
            if youth is None or youth["kind"] != "youth" or youth["county"] != who.county \
                    or not who.sees(youth):
                return "refused", UNKNOWN
        elif op.kind != "youth" and not who.can(Permission.MANAGE_DIRECTORY):
            return "refused", "this role may not change the county directory"
        elif op.kind == "youth" and not who.sees(_scope_columns("youth", body)):
            # Taken, the youth reached the county while every record of theirs this person then sent
            # was refused (the youth being outside their caseload): the youth and the records go
            # together, through someone whose caseload they are in.
            return "refused", OUTSIDE
        counter.write(op.record_id, dict(
            county=who.county, kind=op.kind, owner_id=owner, version=1, deleted=False,
            body=body, stamps=dict.fromkeys(body, op.hlc), authors={EVERY_FIELD: author},
            updated_at=op.at, updated_by=who.username, seq=counter.next(),
            **{"worker": None, "unit": None, "sealed": False, **_scope_columns(op.kind, body)}), new=True)
        if op.kind == "youth":
            counter.holdings.add(op.record_id)
        return "applied", ""
    if op.op == "delete":
        if not rec["deleted"]:
            counter.write(rec["id"], dict(deleted=True, version=rec["version"] + 1, updated_at=op.at,
                                          updated_by=who.username, seq=counter.next()))
        return "applied", ""
    body, stamps, authors = dict(rec["body"]), dict(rec["stamps"]), dict(rec["authors"])
    changed: list[str] = []
    clashing: list[str] = []
    for name, change in op.fields.items():
        if rec["deleted"]:
            clashing.append(name)
        elif change["new"] == body.get(name):
            continue
        elif (rec["id"], name) in counter.open and (rec["id"], name) not in counter.deciding:
            clashing.append(name)  # a value written while a conflict is open is shown, not applied
        elif change["base"] == stamps.get(name):
            if name == model.owner_field:
                return "refused", f"{name} cannot be changed"
            body[name], stamps[name], authors[name] = change["new"], op.hlc, author
            changed.append(name)
        elif (op.kind, name) in LIST_MERGE and isinstance(body.get(name) or [], list):
            # Changed on both sides: items merge one by one; only a clash on one item is a conflict.
            merged, clashes = merge_list(LIST_MERGE[(op.kind, name)], change["old"], change["new"],
                                         body.get(name))
            if clashes:
                clashing.append(name)
            elif merged != body.get(name):
                # A value no device wrote gets a stamp of its own: under the operation's stamp,
                # the writer's next edit (made before it pulled the merge, against its own list)
                # would match it as `base` and replace the merged list, losing the other items.
                stamp = op.hlc if merged == change["new"] else f"{op.hlc}:merged"
                body[name], stamps[name], authors[name] = merged, stamp, author
                changed.append(name)
        else:
            clashing.append(name)
    if changed:
        try:
            model.parse(body)
        except ValidationFailed:
            # Valid alone, invalid with the other device's fields: a person decides.
            clashing += changed
            changed = []
            body, stamps, authors = dict(rec["body"]), dict(rec["stamps"]), dict(rec["authors"])
    for name in clashing:
        user, device_id, at = _author(rec, name)
        current = [P.ConflictValue(value=rec["body"].get(name), stamp=rec["stamps"].get(name),
                                   user=user, device=device_id, at=at)]
        if rec["deleted"]:
            # One side is the deletion, by whoever deleted the record; the value it held is a side
            # too when this edit was not made against it (restoring must not drop it unseen).
            deletion = P.ConflictValue(value=None, deleted=True, stamp=None, user=rec["updated_by"],
                                       device="hub", at=rec["updated_at"])
            same_base = op.fields[name]["base"] == rec["stamps"].get(name)
            current = [deletion] if same_base or name not in rec["body"] else [deletion, *current]
        proposed = P.ConflictValue(value=op.fields[name]["new"], stamp=op.hlc, user=who.username,
                                   device=device.id, at=op.at)
        _keep_conflict(conn, who.county, rec["id"], name, current, proposed, op.at)
    if not changed and not clashing:
        return "applied", "no change"
    values: dict[str, Any] = {"seq": counter.next()}
    if changed:
        values.update(body=body, stamps=stamps, authors=authors, version=rec["version"] + 1,
                      updated_at=op.at, updated_by=who.username, **_scope_columns(op.kind, body))
    counter.write(rec["id"], values)
    if op.kind == "vacatur_case" and (
            "shared_with" in changed or ("count_ids" in changed and body.get("shared_with"))):
        _send_counts_again(counter, who, body)  # a count added to a shared case: sent with its account
    if clashing:
        return "conflict", ", ".join(sorted(clashing))
    return "applied", ""


def _send_counts_again(counter: Counter, who: Who, case: dict[str, Any]) -> None:
    """A petition's sharing changed, or a shared petition's counts: its counts go to every device
    again, after it. A count's account reaches a caseworker's device only while the count is in a
    case shared with her (hub/accounts.py), and her device copies it for her only from what
    arrives in clear (storage/account_copies.py)."""
    for count_id in case.get("count_ids") or []:
        count = counter.record(str(count_id))
        if count is not None and count["county"] == who.county and count["kind"] == "criminal_count":
            counter.write(count["id"], {"seq": counter.next()})


def _counsel_fields(op: P.Op, rec: Row | None, model: Any) -> list[str]:
    """The counsel-only fields (COUNSEL_FIELDS) this operation sets to something else than the
    record holds, or, for a new case, than a new case holds."""
    if op.op == "delete":
        return []
    now = dict(rec["body"]) if rec is not None else {
        name: info.get_default(call_default_factory=True) for name, info in model.model_fields.items()
        if name in COUNSEL_FIELDS}
    now = json.loads(json.dumps(now, default=str))  # as JSON holds it (a stage is its text)
    return sorted(name for name, change in op.fields.items()
                  if name in COUNSEL_FIELDS and change.get("new") != now.get(name))


EVERY_FIELD = ""
"""The key in a record's `authors` for every field not named in it: a record's fields are written
by one person when it is created, and naming them field by field was half of each new record's
row (a push of 100,000 records wrote 160 MB of the same three strings). No field is named ""."""


def _author(rec: Row, name: str) -> tuple[str, str, str]:
    """Who wrote a field of a record, from which device, when: [user, device, at]."""
    found = rec["authors"].get(name) or rec["authors"].get(EVERY_FIELD)
    if not found:  # a record written before authors were kept
        return rec["updated_by"], "hub", rec["updated_at"]
    return found[0], found[1], found[2]


def _may_touch(counter: Counter, who: Who, rec: Row) -> bool:
    if rec["kind"] == "youth":
        return who.sees(rec)
    if rec["owner_id"] == rec["id"]:
        return True  # county-wide records (the directory)
    youth = counter.record(rec["owner_id"])
    return youth is not None and who.sees(youth)


def _scope_columns(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    if kind != "youth":
        return {}
    return {"worker": body.get("assigned_worker"), "unit": body.get("unit"),
            "sealed": bool(body.get("sealed"))}


def _keep_conflict(conn: Connection, county: str, record_id: str, field: str,
                   current: list[P.ConflictValue], proposed: P.ConflictValue, at: str) -> None:
    c = T.conflicts
    row = conn.execute(select(c).where(c.c.record_id == record_id, c.c.field == field,
                                       c.c.resolved_at.is_(None))).mappings().first()
    if row is None:
        conn.execute(insert(c).values(id=new_id(), county=county, record_id=record_id, field=field,
                                      values=[v.model_dump() for v in (*current, proposed)], created_at=at))
        return
    values = list(row["values"])
    # An open conflict gains the new value; against a deletion, also the sides it did not have yet.
    wanted = [*current, proposed] if current[0].deleted else [proposed]
    added = [v.model_dump() for v in wanted if v.model_dump() not in values]
    if added:
        conn.execute(update(c).where(c.c.id == row["id"]).values(values=[*values, *added]))


def resolve(conn: Connection, counter: Counter, device: Device, res: P.Resolution, now: str) -> bool:
    c = T.conflicts
    row = conn.execute(select(c).where(c.c.id == res.conflict_id, c.c.county == device.who.county)
                       ).mappings().first()
    if row is None:
        return False
    rec = counter.record(row["record_id"])
    if rec is None or not _may_touch(counter, device.who, rec) \
            or not accounts.may_decide(device.who, rec["kind"], row["field"], restore=res.restore):
        return False
    if not any(v.get("value") == res.value for v in row["values"] if not v.get("deleted")) \
            and not (res.value is None and any(v.get("deleted") for v in row["values"])):
        return False  # a decision keeps one of the values in conflict, never a value of its own
    if row["resolved_at"] is not None:
        return bool(row["resolution_id"] == res.resolution_id)
    if len(row["values"]) > res.seen:
        return False  # a value arrived that this person has not seen: it stays open
    conn.execute(update(c).where(c.c.id == row["id"]).values(
        resolved_at=now, resolved_by=device.who.username,  # who the hub authenticated, not a claim
        resolved_value=res.value, resolution_id=res.resolution_id))
    values: dict[str, Any] = {"seq": counter.next()}
    if res.restore and rec["deleted"]:
        # The edit kept over the deletion: the record comes back with the value kept, stamped as
        # that side was (a later edit made against it applies without a new conflict).
        kept = next((v for v in row["values"] if not v.get("deleted") and v.get("value") == res.value), None)
        field = row["field"]
        stamp = kept.get("stamp") if kept else None
        values.update(deleted=False, version=rec["version"] + 1, updated_at=now,
                      updated_by=device.who.username, body={**rec["body"], field: res.value},
                      stamps={**rec["stamps"], field: stamp or rec["stamps"].get(field)},
                      authors={**rec["authors"], field: [device.who.username, device.id, now]},
                      **_scope_columns(rec["kind"], {**rec["body"], field: res.value}))
    counter.write(rec["id"], values)
    return True

"""Today: every duty the rules find across the caseload the user may see, most urgent first.

Marking a duty done stores a small `duty_done` record beside the youth (so it is audited,
synced and undoable like any other record); rules then return that finding as done.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from csec_desktop import policy
from csec_desktop.caseload import can_see, get_youth, visibility, years_before
from csec_desktop.domain.duties import DutyDone
from csec_desktop.domain.kinds import model_for
from csec_desktop.domain.people import Permission
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import NotFound
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Finding, Registry, load_all, urgency
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.vault import Vault
from csec_desktop.sync.local import require_in_contact

load_all()  # every rule module registers its rules before Today reads the registry


@dataclass(frozen=True)
class Item:
    """One row of Today: a finding and the youth it is about."""

    finding: Finding
    youth_name: str

    def to_json(self) -> dict[str, Any]:
        return {**self.finding.to_json(), "youth_name": self.youth_name}


def _birth_bounds(today: date, span: tuple[int, int]) -> tuple[str, str]:
    """Birth dates (exclusive low, inclusive high) of everyone aged span[0]..span[1] today."""
    return years_before(today, span[1] + 1).isoformat(), years_before(today, span[0]).isoformat()


def _candidates(registry: Registry, today: date) -> tuple[str, list[Any]]:
    """SQL over youth_fields f / records r for the youth some rule could find anything about;
    "" when some rule concerns every youth. Each rule's scope comes from its RuleInfo:
    the record kinds it needs, or the ages it concerns (with a court status)."""
    parts: list[str] = []
    params: list[Any] = []
    for info in registry.info.values():
        if info.needs:
            marks = ",".join("?" * len(info.needs))
            parts.append("EXISTS (SELECT 1 FROM records a WHERE a.owner_id = r.id AND a.deleted = 0 "
                         f"AND a.kind IN ({marks}))")
            params += list(info.needs)
        elif info.ages:
            low, high = _birth_bounds(today, info.ages)
            # "+f.birth": not through the birth index, so each chunk walks rows in rowid order
            # from `after` and stops at `limit`, instead of re-reading the whole age band.
            parts.append("(f.periods != '[]' AND +f.birth > ? AND +f.birth <= ?)")
            params += [low, high]
        else:
            return "", []
    return " OR ".join(parts), params


Records = dict[str, dict[str, list[Any]]]


def _records(vault: Vault, owners: list[str], kinds: tuple[str, ...]) -> tuple[Records, Records]:
    """The attached records rules need, parsed, by youth and kind; and their ids in the same order
    (facts["record_ids"]), for a record that names others (a vacatur case names its counts)."""
    out: Records = defaultdict(lambda: defaultdict(list))
    ids: Records = defaultdict(lambda: defaultdict(list))
    if not owners or not kinds:
        return out, ids
    kind_marks, owner_marks = ",".join("?" * len(kinds)), ",".join("?" * len(owners))
    rows = vault.require_db().query(
        f"SELECT owner_id, kind, body, id FROM records WHERE deleted = 0 AND kind IN ({kind_marks}) "
        f"AND owner_id IN ({owner_marks}) ORDER BY id", [*kinds, *owners])
    for owner, kind, body, record_id in rows:
        out[owner][kind].append(model_for(kind).model_validate_json(body))
        ids[owner][kind].append(record_id)
    return out, ids


def _done_marks(vault: Vault, owners: list[str]) -> dict[str, set[tuple[str, str]]]:
    marks: dict[str, set[tuple[str, str]]] = defaultdict(set)
    if not owners:
        return marks
    for owner, body in vault.require_db().query(
            "SELECT owner_id, body FROM records WHERE kind = 'duty_done' AND deleted = 0 "
            f"AND owner_id IN ({','.join('?' * len(owners))})", owners):
        data = json.loads(body)
        marks[owner].add((data["rule_id"], data.get("occurrence", "")))
    return marks


@dataclass(frozen=True)
class Scan:
    """One chunk of Today's work, so a screen can keep its database thread responsive."""

    items: list[Item]
    next_after: int | None  # pass back as `after` for the next chunk; None when finished
    checked: int  # youth looked at in this chunk
    done_fraction: float
    """How far through the caseload this chunk ends, by row position (0-1). An exact count of the
    youth still to check would need a count over the whole caseload first, and at 100,000 youth that
    query alone held the database thread (and so the search box) for over a second."""


def scan(vault: Vault, as_of: datetime, *, after: int = 0, limit: int = 250,
         registry: Registry = REGISTRY, include_done: bool = False) -> Scan:
    """Evaluate the rules for up to `limit` visible youth whose row id is above `after`."""
    now = as_of.astimezone(LEGAL_ZONE)
    require_in_contact(vault)
    cond, params = visibility(vault.user)
    where = f"f.deleted = 0 AND {cond}"
    candidates, cparams = _candidates(registry, now.date())
    if candidates:
        where += f" AND ({candidates})"
        params = [*params, *cparams]
    db = vault.require_db()
    rows = db.query(
        f"SELECT f.rowid, r.id, r.body FROM youth_fields f JOIN records r ON r.rowid = f.rowid "
        f"WHERE {where} AND f.rowid > ? ORDER BY f.rowid LIMIT ?", [*params, after, limit])
    marks = _done_marks(vault, [r[1] for r in rows])
    records, record_ids = _records(vault, [r[1] for r in rows], registry.needed_kinds())
    settings = policy.values(vault)
    found: list[Item] = []
    for _rowid, record_id, body in rows:
        youth = Youth.model_validate_json(body)
        facts = {"youth_id": record_id, "youth": youth, "done": marks.get(record_id, set()),
                 "records": records.get(record_id, {}), "record_ids": record_ids.get(record_id, {}),
                 "policy": settings}
        name = youth.display_name()
        found.extend(Item(f, name) for f in registry.evaluate(facts, now) if include_done or not f.done)
    next_after = rows[-1][0] if len(rows) == limit else None
    last_row = int(db.scalar("SELECT max(rowid) FROM youth_fields") or 1)
    reached = 1.0 if next_after is None else min(next_after / last_row, 1.0)
    return Scan(found, next_after, len(rows), reached)


def items(vault: Vault, as_of: datetime | None = None, *, registry: Registry = REGISTRY,
          include_done: bool = False) -> list[Item]:
    """What is due and overdue for the youth this user may see, sorted by urgency."""
    now = (as_of or datetime.now(LEGAL_ZONE)).astimezone(LEGAL_ZONE)
    found: list[Item] = []
    after: int | None = 0
    while after is not None:
        chunk = scan(vault, now, after=after, registry=registry, include_done=include_done)
        found.extend(chunk.items)
        after = chunk.next_after
    return sort_items(found, now)


def sort_items(found: list[Item], now: datetime) -> list[Item]:
    return sorted(found, key=lambda item: _order(item, now))


def _order(item: Item, now: datetime) -> tuple[Any, ...]:
    return (*urgency(item.finding, now), item.youth_name)


def for_youth(vault: Vault, youth_id: str, as_of: datetime | None = None, *,
              registry: Registry = REGISTRY) -> list[Finding]:
    """Every finding for one youth, done ones included (the record screen shows both)."""
    record = get_youth(vault, youth_id, audit=False)
    assert isinstance(record.body, Youth)
    return evaluate_youth(record.id, record.body, vault.records.attached(youth_id), policy.values(vault),
                          as_of, registry=registry)


def evaluate_youth(youth_id: str, youth: Youth, attached: list[StoredRecord], settings: dict[str, int],
                   as_of: datetime | None = None, *, registry: Registry = REGISTRY) -> list[Finding]:
    """The registry over one youth's records already read (as stored, not as a role sees them:
    a rule about a petition must not change with who is looking)."""
    now = (as_of or datetime.now(LEGAL_ZONE)).astimezone(LEGAL_ZONE)
    needed = set(registry.needed_kinds())
    records: dict[str, list[Any]] = defaultdict(list)
    ids: dict[str, list[Any]] = defaultdict(list)
    done: set[tuple[str, str]] = set()
    for record in sorted(attached, key=lambda r: r.id):
        if isinstance(record.body, DutyDone):
            done.add((record.body.rule_id, record.body.occurrence))
        if record.kind in needed:
            records[record.kind].append(record.body)
            ids[record.kind].append(record.id)
    return registry.evaluate({"youth_id": youth_id, "youth": youth, "done": done, "records": records,
                              "record_ids": ids, "policy": settings}, now)


def mark_done(vault: Vault, youth_id: str, rule_id: str, occurrence: str, *,
              done_on: date | None = None, note: str | None = None, done_at: datetime | None = None,
              method: str | None = None, recipient: str | None = None) -> StoredRecord:
    """Who (the signed-in person), when and how a duty was completed."""
    vault.require(Permission.WRITE_YOUTH)
    record = get_youth(vault, youth_id, audit=False)
    assert isinstance(record.body, Youth)
    if rule_id not in REGISTRY.rules:
        raise NotFound(f"No rule {rule_id}.")
    moment = done_at or datetime.now(LEGAL_ZONE)
    body = DutyDone.parse({"youth_id": youth_id, "rule_id": rule_id, "occurrence": occurrence,
                           "done_on": (done_on or moment.astimezone(LEGAL_ZONE).date()).isoformat(),
                           "note": note, "done_at": moment.isoformat(), "method": method,
                           "recipient": recipient}, record="duty_done")
    with vault.require_db().transaction():
        stored = vault.records.create(body)
        vault.audit("duty_done", record_id=stored.id, youth=youth_id, rule=rule_id)
    return stored


def reopen(vault: Vault, youth_id: str, rule_id: str, occurrence: str) -> None:
    """Undo a mark: the duty shows as due again."""
    vault.require(Permission.WRITE_YOUTH)
    record = get_youth(vault, youth_id, audit=False)
    assert isinstance(record.body, Youth) and can_see(vault.user, record.body)
    marks = [r for r in vault.records.attached(youth_id, "duty_done")
             if isinstance(r.body, DutyDone) and r.body.rule_id == rule_id
             and r.body.occurrence == occurrence]
    if not marks:
        raise NotFound("That duty is not marked done.")
    with vault.require_db().transaction():
        for mark in marks:
            vault.records.delete(mark.id)
        vault.audit("duty_reopened", youth=youth_id, rule=rule_id)

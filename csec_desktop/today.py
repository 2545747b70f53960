"""Today: every duty the rules find across the caseload the user may see, most urgent first.

Marking a duty done stores a small `duty_done` record beside the youth (so it is audited,
synced and undoable like any other record); rules then return that finding as done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from csec_desktop import policy
from csec_desktop.caseload import can_see, get_youth, visibility, years_before
from csec_desktop.clock import legal_today
from csec_desktop.domain.duties import DutyDone, Told, method_words
from csec_desktop.domain.kinds import model_for
from csec_desktop.domain.people import Permission
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import FieldProblem, NotFound, ValidationFailed
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Confidence, Finding, FindingKind, Registry, load_all
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.sealed_rows import VIEW
from csec_desktop.storage.vault import Vault
from csec_desktop.sync.local import require_in_contact
from csec_desktop.text import N_, Line, W, folded

load_all()  # every rule module registers its rules before Today reads the registry


LONG_OVERDUE_DAYS = 90
"""Overdue by more than this many days: moved to the "long overdue" group (kept, not hidden)."""


class Group(StrEnum):
    """Today's groups, in the order they are shown."""

    OVERDUE = "overdue"  # due has passed, by 90 days or less
    DUE_24H = "due_24h"  # due within the next 24 hours
    THIS_WEEK = "this_week"  # due within the next 7 days (after the first 24 hours)
    LATER = "later"  # due later, or with no due time (an eligibility, most suggestions)
    LONG_OVERDUE = "long_overdue"  # overdue by more than LONG_OVERDUE_DAYS
    DONE = "done"  # marked done (listed only when asked for)


LEGAL_KINDS = frozenset({FindingKind.DEADLINE, FindingKind.WARNING})
"""Findings that say what the law requires (a deadline, a warning that something the statute asks
for is missing); the other kinds (suggestions, eligibility) say what a person could do."""


@dataclass(frozen=True, slots=True)
class Item:
    """One row of Today: a finding, the youth it is about and the youth's assigned worker and unit."""

    finding: Finding
    youth_name: str
    worker: str | None = None
    unit: str | None = None
    sealed: bool = False
    """The youth is sealed: only those who read sealed records see this duty (the worker does not)."""

    @property
    def legal(self) -> bool:
        return self.finding.kind in LEGAL_KINDS

    @property
    def confidence(self) -> Confidence | None:
        """How sure the project is of the law applied: the finding's own when it carries one, else
        its rule's (RuleInfo); None for a finding of a rule not registered."""
        own = getattr(self.finding, "confidence", None)
        if isinstance(own, Confidence):
            return own
        info = REGISTRY.info.get(self.finding.rule_id)
        return info.confidence if info else None

    def group(self, now: datetime) -> Group:
        return group_of(self.finding, now)

    def to_json(self) -> dict[str, Any]:
        confidence = self.confidence
        return {**self.finding.to_json(), "youth_name": self.youth_name, "worker": self.worker,
                "unit": self.unit, "sealed": self.sealed,
                "confidence": confidence.value if confidence else None}


def _elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time from start to end. Subtracting two datetimes of the same zone in Python ignores a
    daylight-time change between them (wall-clock difference), so both go to UTC first."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def group_of(finding: Finding, now: datetime) -> Group:
    """Which group a finding is in at `now`. Due exactly at `now` is overdue (as Finding.overdue
    says). "24 hours" is elapsed time, as the statutes' hour clocks run (23 or 25 wall-clock hours
    across a daylight-time change); 7 and 90 days are calendar days in California (the same
    wall-clock time that many days later or earlier). Each boundary belongs to the nearer group:
    overdue by exactly 90 days is OVERDUE, due in exactly 24 hours DUE_24H, in exactly 7 days
    THIS_WEEK."""
    if finding.done:
        return Group.DONE
    if finding.due is None:
        return Group.LATER
    local = now.astimezone(LEGAL_ZONE)
    if finding.due <= now:
        # calendar days (the same wall-clock time 90 days before), like the "overdue by N d" shown
        return Group.LONG_OVERDUE if finding.due < local - timedelta(days=LONG_OVERDUE_DAYS) \
            else Group.OVERDUE
    if _elapsed(now, finding.due) <= timedelta(hours=24):  # elapsed hours, as the hour clocks count
        return Group.DUE_24H
    if finding.due <= local + timedelta(days=7):
        return Group.THIS_WEEK
    return Group.LATER


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
        if '"$sealed"' in body:  # a compartment's values: opened for those who may read them, else blank
            out[owner][kind].append(model_for(kind).model_validate(vault.records.decode(record_id, body)))
        else:
            out[owner][kind].append(model_for(kind).model_validate_json(body))
        ids[owner][kind].append(record_id)
    return out, ids


def _done_marks(vault: Vault, owners: list[str]) -> dict[str, set[tuple[str, str]]]:
    marks: dict[str, set[tuple[str, str]]] = defaultdict(set)
    if not owners:
        return marks
    for owner, body, record_id in vault.require_db().query(
            "SELECT owner_id, body, id FROM records WHERE kind = 'duty_done' AND deleted = 0 "
            f"AND owner_id IN ({','.join('?' * len(owners))})", owners):
        data = vault.records.decode(record_id, body)
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


@dataclass(frozen=True)
class Chunk:
    """What the rules read for up to `limit` youth: each youth decoded, with the attached records
    and the duties marked done the rules need (the reading and decoding half of a scan)."""

    youth: list[tuple[str, Youth]]  # (record id, youth), in row order
    done: dict[str, set[tuple[str, str]]]
    records: Records
    record_ids: Records
    settings: dict[str, int]
    next_after: int | None
    rowids: tuple[int, ...] = ()  # each youth's row id, in the same order

    def decoded(self) -> int:
        """How many records were decoded: the youth and their attached records."""
        attached = sum(len(found) for kinds in self.records.values() for found in kinds.values())
        return len(self.youth) + attached


Row = tuple[int, str, str]  # (row id, record id, body) of a youth


def read_chunk(vault: Vault, now: datetime, *, after: int = 0, limit: int = 250,
               registry: Registry = REGISTRY, youth_id: str | None = None) -> Chunk:
    """The visible youth some rule could find anything about whose row id is above `after` (or
    just `youth_id`, when one youth's duties are looked at again)."""
    rows = _rows(vault, now, after=after, limit=limit, registry=registry, youth_id=youth_id)
    return _chunk_of(vault, rows, registry, rows[-1][0] if len(rows) == limit else None)


def _rows(vault: Vault, now: datetime, *, after: int, limit: int, registry: Registry,
          youth_id: str | None) -> list[Row]:
    require_in_contact(vault)
    cond, params = visibility(vault.user)
    where = f"f.deleted = 0 AND {cond}"
    if youth_id is not None:
        where += " AND r.id = ?"
        params = [*params, youth_id]
    candidates, cparams = _candidates(registry, now.date())
    if candidates:
        where += f" AND ({candidates})"
        params = [*params, *cparams]
    rows: list[Row] = vault.require_db().query(
        f"SELECT f.rowid, r.id, r.body FROM {VIEW} f JOIN records r ON r.rowid = f.rowid "
        f"WHERE {where} AND f.rowid > ? ORDER BY f.rowid LIMIT ?", [*params, after, limit])
    return rows


def _chunk_of(vault: Vault, rows: list[Row], registry: Registry, next_after: int | None) -> Chunk:
    """These youth decoded, with what the rules need of their records."""
    owners = [r[1] for r in rows]
    records, record_ids = _records(vault, owners, registry.needed_kinds())
    youth = [(record_id, Youth.model_validate(vault.records.decode(record_id, body)))
             for _rowid, record_id, body in rows]
    return Chunk(youth, _done_marks(vault, owners), records, record_ids, policy.values(vault),
                 next_after, tuple(r[0] for r in rows))


def scan(vault: Vault, as_of: datetime, *, after: int = 0, limit: int = 250,
         registry: Registry = REGISTRY, include_done: bool = False, youth_id: str | None = None,
         why: bool = True, stop: Callable[[], bool] | None = None) -> Scan:
    """Evaluate the rules for up to `limit` visible youth whose row id is above `after` (or for
    `youth_id` alone: nothing when that youth is not visible or no rule concerns them). Without
    `why`, the findings come without their why lines (`why_of` gives one duty's): the window
    holds every duty of the caseload, and the lines were two thirds of what it held per duty.
    `stop`, asked before each youth after the first, ends the chunk early: the next one starts
    after the last youth looked at (a window asks whether a search waits for the thread)."""
    now = as_of.astimezone(LEGAL_ZONE)
    rows = _rows(vault, now, after=after, limit=limit, registry=registry, youth_id=youth_id)
    # A scan that may be stopped decodes its youth and reads their records a slice at a time, so
    # that `stop` is asked between slices too: done whole first, a chunk (100 youth at least) held
    # the thread 10-30 ms before it first asked.
    step = SLICE if stop is not None else max(len(rows), 1)
    found: list[Item] = []
    checked, last = 0, after
    for start in range(0, len(rows), step):
        chunk = _chunk_of(vault, rows[start:start + step], registry, None)
        for (record_id, youth), rowid in zip(chunk.youth, chunk.rowids, strict=True):
            if stop is not None and checked and stop():
                return _scanned(vault, found, last, checked)
            facts = {"youth_id": record_id, "youth": youth, "done": chunk.done.get(record_id, set()),
                     "records": chunk.records.get(record_id, {}),
                     "record_ids": chunk.record_ids.get(record_id, {}), "policy": chunk.settings}
            name = youth.display_name()
            found.extend(Item(f if why else replace(f, why=()), name, sealed=youth.sealed)
                         for f in registry.evaluate(facts, now) if include_done or not f.done)
            checked, last = checked + 1, rowid
    return _scanned(vault, found, rows[-1][0] if len(rows) == limit else None, checked)


SLICE = 25
"""Youth decoded, and their records read, at a time by a scan that may be asked to stop."""


def _scanned(vault: Vault, found: list[Item], next_after: int | None, checked: int) -> Scan:
    last_row = int(vault.require_db().scalar("SELECT max(rowid) FROM youth_fields") or 1)
    reached = 1.0 if next_after is None else min(next_after / last_row, 1.0)
    return Scan(found, next_after, checked, reached)


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
    """Today's order, for a worker deciding what to do first.

    1. By group: overdue (by up to 90 days), due within 24 hours, within 7 days, later (undated
       included), long overdue (more than 90 days), done. A duty overdue for months has usually
       been handled outside the app or needs a supervisor's look, not the first minutes of the
       day; listed above everything it buried a fresh 24-hour report (on the demo caseload a
       law-enforcement report due in 20 hours was row 177 of 502, under 176 rows "overdue by
       909 d"). It keeps its own group at the end rather than being hidden.
    2. Within a group, legal duties (deadlines and warnings) before suggestions and eligibility.
    3. Then closest to now first: in the overdue groups the most recently missed first (a report
       two hours late can still be made today; the longest overdue drift toward "long overdue"),
       in the others the soonest due first. Undated findings follow the dated ones.
    4. Then the youth's name, the rule and the occurrence, so the order is stable.
    """
    return sorted(found, key=lambda item: _order(item, now))


def order_key(now: datetime) -> Callable[[Item], tuple[Any, ...]]:
    """Today's order as a sort key (for merging newly found items into a sorted list)."""
    return lambda item: _order(item, now)


def _order(item: Item, now: datetime) -> tuple[Any, ...]:
    finding = item.finding
    group = item.group(now)
    distance = abs(_elapsed(now, finding.due).total_seconds()) if finding.due is not None else float("inf")
    return (GROUP_RANK[group], 0 if item.legal else 1, distance, item.youth_name, finding.rule_id,
            finding.occurrence)


GROUP_RANK = {group: rank for rank, group in enumerate(Group)}


@dataclass(frozen=True)
class TodayFilter:
    """What a person narrowed Today to. Empty means everything."""

    kinds: frozenset[FindingKind] = frozenset()
    youth: str = ""
    """Words of the youth's name, in any order; case and accents are ignored ("jose" finds José)."""
    worker: str | None = None
    """Only youth assigned to this worker; "" for youth with no worker; None for every worker."""
    unit: str | None = None
    """Only youth of this unit; "" for youth with no unit; None for every unit."""

    def matches(self, item: Item) -> bool:
        if self.kinds and item.finding.kind not in self.kinds:
            return False
        if self.worker is not None and (item.worker or "") != self.worker:
            return False
        if self.unit is not None and (item.unit or "") != self.unit:
            return False
        name = folded(item.youth_name)
        return all(word in name for word in folded(self.youth).split())


def filter_items(found: list[Item], wanted: TodayFilter) -> list[Item]:
    return [item for item in found if wanted.matches(item)]


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"),
          N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))


def due_text(when: datetime, gettext: Callable[[str], str] = str, now: datetime | None = None) -> str:
    """A due time as a worker reads it, in California time with its zone: "Tue 1 Dec 14:05 PST"
    (the zone's own abbreviation, PST or PDT, in every language), with the year when it is not this
    year's ("Sun 2 Jan 2028 23:59 PST"): without it a duty years away read as next month's."""
    local = when.astimezone(LEGAL_ZONE)
    year = (now or datetime.now(LEGAL_ZONE)).astimezone(LEGAL_ZONE).year
    day = f"{local.day} {gettext(MONTHS[local.month - 1])}" + (f" {local.year}" if local.year != year else "")
    return f"{gettext(WEEKDAYS[local.weekday()])} {day} {local:%H:%M} {local.tzname()}"


def relative_text(due: datetime, now: datetime, gettext: Callable[[str], str] = str) -> str:
    """How far a due time is from now: minutes under an hour, hours under two days, days under three
    years, then years ("In 3612 d" for a suggestion at 21 was a sum to do)."""
    seconds = _elapsed(now, due).total_seconds()
    late = seconds <= 0
    span = abs(seconds)
    if span < 3600:
        value, text = int(span // 60), (N_("Overdue by {n} min") if late else N_("In {n} min"))
    elif span < 48 * 3600:
        value, text = int(span // 3600), (N_("Overdue by {n} h") if late else N_("In {n} h"))
    elif span < 3 * 365 * 86400:
        value, text = int(span // 86400), (N_("Overdue by {n} d") if late else N_("In {n} d"))
    else:
        value = int(span // (365.25 * 86400))
        text = N_("Overdue by {n} years") if late else N_("In {n} years")
    return gettext(text).format(n=value)


def assigned(vault: Vault, items_found: list[Item]) -> list[Item]:
    """The items with each youth's assigned worker and unit filled in (one query for the lot)."""
    ids = sorted({i.finding.youth_id for i in items_found if i.finding.youth_id})
    if not ids:
        return list(items_found)
    found: dict[str, tuple[str | None, str | None]] = {
        record_id: (worker, unit) for record_id, worker, unit in vault.require_db().query(
            "SELECT r.id, f.worker, f.unit FROM records r JOIN youth_fields f ON f.rowid = r.rowid "
            f"WHERE r.id IN ({','.join('?' * len(ids))})", ids)}
    out = []
    for item in items_found:
        worker, unit = found.get(item.finding.youth_id or "", (None, None))
        out.append(replace(item, worker=worker, unit=unit))
    return out


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
    needed = registry.kinds_read()
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


FUTURE_SLACK = timedelta(minutes=5)
"""A time "when it was done" may be this far ahead of the computer's clock (clocks differ a little);
further ahead it is refused: Today records what happened, not what is planned."""


def mark_done(vault: Vault, youth_id: str, rule_id: str, occurrence: str, *,
              done_on: date | None = None, note: str | None = None, done_at: datetime | None = None,
              method: str | None = None, recipient: str | None = None,
              recipients: Sequence[Told | Mapping[str, Any]] = ()) -> StoredRecord:
    """Record that a duty was done: by the signed-in person; when it actually happened (`done_at`,
    default now; it may be earlier than now, never later); how (`method`); and to whom, one line
    per recipient (`recipients`: who, and when and how that one was told; a line without a time or
    method takes `done_at` and `method`). `recipient` is one more line, for callers of one.
    Without `done_at`, a duty with timed lines is done when its last recipient was told."""
    vault.require(Permission.WRITE_YOUTH)
    record = get_youth(vault, youth_id, audit=False)
    assert isinstance(record.body, Youth)
    if rule_id not in REGISTRY.rules:
        raise NotFound(f"No rule {rule_id}.")
    lines: list[dict[str, Any]] = [
        line.model_dump(mode="json") if isinstance(line, Told) else dict(line) for line in recipients]
    if recipient and recipient.strip():
        lines.append({"who": recipient})
    parsed = DutyDone.parse({"youth_id": youth_id, "rule_id": rule_id, "occurrence": occurrence,
                             "done_on": (done_on or legal_today()).isoformat(), "recipients": lines},
                            record="duty_done")
    times = [line.at for line in parsed.recipients if line.at is not None]
    moment = (done_at or (max(times) if times else None)
              or datetime.fromtimestamp(vault.wall(), LEGAL_ZONE))
    if moment.tzinfo is None:
        raise ValidationFailed([FieldProblem("done_at", N_("needs a time zone"))], "duty_done")
    latest = datetime.fromtimestamp(vault.wall(), LEGAL_ZONE) + FUTURE_SLACK
    late = [FieldProblem("done_at", N_("is in the future: record when it was actually done"))] \
        if done_at is not None and done_at > latest else []
    late += [FieldProblem(f"recipients.{n}.at", N_("is in the future: record when they were actually told"))
             for n, line in enumerate(parsed.recipients) if line.at is not None and line.at > latest]
    info = REGISTRY.info[rule_id]
    if info.tells and not (method and method.strip()) and not parsed.recipients:
        # A report or a notice is done by telling someone: an empty mark (a second click on Mark
        # done, as the selection moved on to the next duty) recorded a legal report no one made.
        late.append(FieldProblem("recipients", W(
            "say who was told, or how: this duty is done by telling them ({law})", law=info.citation)))
    if late:
        raise ValidationFailed(late, "duty_done")
    told = [line.model_copy(update={"at": line.at or moment, "method": line.method or method})
            for line in parsed.recipients]
    body = DutyDone.parse({"youth_id": youth_id, "rule_id": rule_id, "occurrence": occurrence,
                           "done_on": (done_on or moment.astimezone(LEGAL_ZONE).date()).isoformat(),
                           "note": note, "done_at": moment.isoformat(), "method": method,
                           "recipients": [line.model_dump(mode="json") for line in told]},
                          record="duty_done")
    marked = [r.body for r in vault.records.attached(youth_id, "duty_done") if isinstance(r.body, DutyDone)
              and r.body.rule_id == rule_id and r.body.occurrence == occurrence]
    if marked:  # marked again, the first mark stood in reports as when it was done, now the last
        raise ValidationFailed([FieldProblem("done_at", W(
            "this duty is already marked done (on {day}): reopen it first to record it again",
            day=min(m.done_on for m in marked).isoformat()))], "duty_done")
    with vault.require_db().transaction():
        stored = vault.records.create(body)
        vault.audit("duty_done", record_id=stored.id, youth=youth_id, rule=rule_id)
    return stored


def done_lines(vault: Vault, youth_id: str, rule_id: str, occurrence: str) -> tuple[Line, ...]:
    """How a duty marked done was done, as its mark says: when, who recorded it, how, each person
    told and when, the note (a done duty's detail said none of it: a supervisor's review)."""
    out: list[Line] = []
    for record in vault.records.attached(youth_id, "duty_done"):
        mark = record.body
        if not (isinstance(mark, DutyDone) and mark.rule_id == rule_id and mark.occurrence == occurrence):
            continue
        history = vault.records.history(record.id)
        when = _at(mark.done_at) if mark.done_at else mark.done_on.isoformat()
        out.append(W("done {when}, recorded by {user}", when=when, user=history[0].user if history else "?"))
        if mark.method:
            out.append(W("how: {method}", method=W(method_words(mark.method))))
        out += [W("told {who} at {when}", who=line.who, when=_at(line.at) if line.at else when)
                for line in mark.told()]
        if mark.note:
            out.append(W("note: {note}", note=mark.note))
    return tuple(out)


def _at(moment: datetime) -> str:
    return moment.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M")


def reopen(vault: Vault, youth_id: str, rule_id: str, occurrence: str) -> None:
    """Undo a mark: the duty shows as due again."""
    vault.require(Permission.WRITE_YOUTH)
    record = get_youth(vault, youth_id, audit=False)
    assert isinstance(record.body, Youth) and can_see(vault.user, record.body)
    marks = [r for r in vault.records.attached(youth_id, "duty_done")
             if isinstance(r.body, DutyDone) and r.body.rule_id == rule_id
             and r.body.occurrence == occurrence]
    if not marks:
        raise NotFound(W("That duty is not marked done."))
    with vault.require_db().transaction():
        for mark in marks:
            vault.records.delete(mark.id)
        vault.audit("duty_reopened", youth=youth_id, rule=rule_id)

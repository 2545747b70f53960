"""The youth's account in one vacatur case, copied for the caseworkers counsel shared it with.

The account (a case's grounds and safety concerns, each of its counts' nexus) is sealed to the
narrative compartment, whose key only attorneys and supervisors hold. When an attorney shares one
case with a caseworker (the case's `shared_with`, set only by `vacatur.sharing`), each of those
values is also sealed to that caseworker's own public key, here, so that they read this case's
account and no other: the compartment's key is never given to them.

The copies follow the values. Every write of a case or a count, made here or pulled from the hub,
recomputes the copies of the youth's shared cases (`refresh`), from what the writer can read:
- a value in clear (typed now, or pulled: the hub holds the account in clear);
- a value the writer can open (an attorney or a supervisor);
- otherwise the copy already made is kept (a caseworker's edit of another field leaves the
  account as it was).
A copy is made only for a person the case's signed history shares it with (`_backed`), and goes
at once when no longer wanted: the case unshared or removed, the count taken out of it, the value
emptied, the youth sealed (a caseworker never sees a sealed youth) or moved out of her caseload,
the person disabled, removed or given another role (`people_changed`). A share pulled on a device
where no one holds the compartment's key finds its counts' accounts sealed: their copies are made
when the counts arrive again (the hub sends a shared case's counts again after it), or at the next
unlock of a holder there (`refresh_all`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from csec_desktop.domain.people import Permission, Role, User
from csec_desktop.domain.vacatur import RESTRICTED_FIELDS
from csec_desktop.domain.visibility import Scope
from csec_desktop.storage import keys as K
from csec_desktop.storage import roster as R
from csec_desktop.storage.compartments import Keyring, is_sealed
from csec_desktop.storage.database import Database

KINDS = frozenset(RESTRICTED_FIELDS)
"""The kinds whose writes can change a copy: the case (its account and whom it is shared with)
and the count (its account)."""
_KEEP = object()
WAITING = "account_copies_waiting"
"""meta: the youth with a copy wanted that no one here could make yet (no holder of the key)."""


def purpose(record_id: str, field: str) -> str:
    """What a copy's envelope is bound to: one record's one field (a copy moved to another record
    or field does not open)."""
    return f"account copy {record_id} {field}"


def refresh(db: Database, ring: Keyring, youth_id: str, under_seal: bool,
            clear: dict[tuple[str, str], Any] | None = None, writer: str = "") -> None:
    """Make the youth's copies match their shared cases (inside the caller's transaction).
    `clear`: values the caller holds in clear, by (record id, field); `writer`: who is writing. A
    copy wanted that this writer can make from nothing it reads puts the youth on the waiting list
    (`refresh_all`).

    A copy is made for a person only where the case's signed history shows counsel shared it with
    them (`backed`): someone holding the data key could otherwise put her own name in `shared_with`
    and wait for counsel's session to copy the account to her. The one exception is the writer's
    own copy of a value she holds in clear (pulled from the hub, which sends it to her device):
    it gives her nothing she does not have."""
    clear = clear or {}
    wanted = {} if under_seal else _wanted(db, youth_id)
    have = {(r, f, p) for r, f, p in db.query(
        "SELECT record_id, field, principal FROM account_copies WHERE youth_id = ?", (youth_id,))}
    if not wanted and not have:
        _wait(db, youth_id, False)
        return
    people = _publics(db, {name for by in wanted.values() for name in by}, youth_id)
    proven: dict[str, set[str]] = {}  # case id -> the people its signed history shares it with
    counted: dict[str, bool] = {}  # case id -> whether its counts are those counsel shared

    def backed(principal: str, cases: set[str], record_id: str) -> bool:
        return any(principal in proven.setdefault(case, _backed(db, case)[0])
                   and (record_id == case or counted.setdefault(case, _counts_backed(db, case)))
                   for case in cases)

    keep: set[tuple[str, str, str]] = set()
    missing = False
    for (record_id, field), by in wanted.items():
        principals = {p: cases for p, cases in by.items() if p in people}
        if not principals:
            continue
        known = (record_id, field) in clear
        value = _value(db, ring, record_id, field, clear)
        if value is None:
            continue
        for principal, cases in principals.items():
            own = known and principal == writer
            if value is not _KEEP and not own and not backed(principal, cases, record_id):
                continue  # not proven: no copy (her own, made from a value she had in clear, stays)
            keep.add((record_id, field, principal))
            if value is _KEEP:
                missing = missing or (record_id, field, principal) not in have
                continue
            sealed = K.seal_dek(json.dumps(value, ensure_ascii=False).encode(), people[principal],
                                ring.vault_id, principal, 0, purpose(record_id, field))
            db.execute("INSERT OR REPLACE INTO account_copies (record_id, field, principal, youth_id, "
                       "sealed) VALUES (?, ?, ?, ?, ?)",
                       (record_id, field, principal, youth_id, json.dumps(sealed)))
    for record_id, field, principal in have - keep:
        if (record_id, field) in wanted and principal in wanted[(record_id, field)] \
                and principal in people and (record_id, field) not in clear:
            continue  # still shared, not provable from here: her own copy, made from a pull, stays
        db.execute("DELETE FROM account_copies WHERE record_id = ? AND field = ? AND principal = ?",
                   (record_id, field, principal))
    _wait(db, youth_id, missing)


def _backed(db: Database, case_id: str) -> tuple[set[str], str, str]:
    """The people the case's signed history shares it with. Its change to `shared_with` with the
    newest stamp (the stamp is signed; the order of the rows is not, and someone with the data key
    could put an old share after the stop) must hold its signature under the signed list of
    people, be counsel's (its author may REVIEW_PETITION and READ_NARRATIVE), and be signed by
    counsel, by someone who reads sealed records (sealing or unsealing the youth signs their history
    again), or, pulled from the hub, by someone other than the person it names. The record must hold
    what that row set. Returns those people, the row's author and when it was made ("" when nothing
    is proven)."""
    people = _signed_people(db)
    last = _newest(db, case_id, "shared_with", people)
    if last is None or not isinstance(last[1], list):
        return set(), "", ""
    row, shared = last
    user, device, at, signer = str(row[6]), row[7], str(row[8]), str(row[9])
    author, by = _user(people, user), _user(people, signer)
    if author is None or by is None or not _counsel(author):
        return set(), "", ""
    named = set(map(str, shared))
    if not (signer == user or by.can(Permission.READ_SEALED)):
        named = named - {signer} if device == "hub" else set()
    return named, user, at


def _counts_backed(db: Database, case_id: str) -> bool:
    """Whether the case's counts are those counsel shared: its newest change to `count_ids` holds its
    signature and its value is the record's, and it was made before the proven share or by someone
    who reads the account. A count put in later by anyone else is not shared: a caseworker could
    otherwise put in any count of the youth and have counsel's next session copy its account to
    her (caseload.update_attached refuses it in the app; this is the file edited outside it)."""
    people = _signed_people(db)
    share, counts = _newest(db, case_id, "shared_with", people), _newest(db, case_id, "count_ids", people)
    if share is None or counts is None:
        return False
    author, stamp = _user(people, str(counts[0][6])), str(counts[0][5])
    return author is not None and (author.can(Permission.READ_NARRATIVE) or stamp <= str(share[0][5]))


def _newest(db: Database, case_id: str, field: str, people: dict[str, list[Any]]) -> tuple[Any, Any] | None:
    """The case's history row with the newest stamp that set `field`, and what it set; None unless
    its signature holds under the signed list of people and the record holds that value."""
    from csec_desktop.storage.history import canonical, fields_of
    from csec_desktop.storage.records import change_message

    last = None
    for row in db.query("SELECT op_id, kind, owner_id, op, fields, hlc, user, device, at, signer, sig "
                        "FROM changes_full WHERE record_id = ? ORDER BY seq", (case_id,)):
        change = fields_of(row[4]).get(field)
        if isinstance(change, dict) and (last is None or str(row[5]) >= str(last[0][5])):
            last = (row, change.get("new"))
    if last is None:
        return None
    (op_id, kind, owner, op, fields, hlc, user, device, at, signer, sig), value = last
    body = db.scalar("SELECT body FROM records WHERE id = ?", (case_id,))
    if body is None or json.loads(body).get(field) != value:
        return None  # the record differs from its history: changed outside the app
    keys = {name: K.unb64(row[3]) for name, row in people.items() if row[3]}
    message = change_message(op_id, case_id, kind, owner, op, canonical(fields), hlc, user, device, at)
    try:
        holds = str(signer) in keys and K.signature_holds(keys[str(signer)], K.unb64(sig or ""), message)
    except ValueError:
        holds = False
    return last if holds else None


def _counsel(user: User) -> bool:
    """Who shares an account: reviews petitions and reads the account (vacatur.sharing)."""
    return user.can(Permission.REVIEW_PETITION) and user.can(Permission.READ_NARRATIVE)


def _signed_people(db: Database) -> dict[str, list[Any]]:
    """The people as an administrator signed them (roster rows by name): a row edited outside the
    app (a public key replaced by someone else's) is not believed while a session is open."""
    snapshot = R.load(db)
    return {str(row[0]): row for row in snapshot.rows} if snapshot is not None else {}


def _user(people: dict[str, list[Any]], name: str) -> User | None:
    row = people.get(name)
    if row is None or row[4]:  # not on the list, or removed
        return None
    return User.model_validate(row[1])


def refresh_all(db: Database, ring: Keyring, under_seal: Callable[[str], bool]) -> int:
    """The youth waiting for a holder and those with copies (at a holder's unlock: a share pulled
    where no one could open its counts' accounts, people disabled or removed since). Returns how
    many youth were looked at."""
    youth = set(_waiting(db)) | {r[0] for r in db.query("SELECT DISTINCT youth_id FROM account_copies")}
    for youth_id in sorted(youth):
        refresh(db, ring, youth_id, under_seal(youth_id))
    return len(youth)


def _waiting(db: Database) -> list[str]:
    return list(json.loads(db.scalar("SELECT value FROM meta WHERE key = ?", (WAITING,)) or "[]"))


def _wait(db: Database, youth_id: str, missing: bool) -> None:
    waiting = _waiting(db)
    if (youth_id in waiting) == missing:
        return
    waiting = sorted(set(waiting) | {youth_id}) if missing else [y for y in waiting if y != youth_id]
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (WAITING, json.dumps(waiting)))


def _wanted(db: Database, youth_id: str) -> dict[tuple[str, str], dict[str, set[str]]]:
    """(record id, field) -> each person a shared case of this youth gives it to -> those cases."""
    wanted: dict[tuple[str, str], dict[str, set[str]]] = {}

    def give(key: tuple[str, str], people: set[str], case_id: str) -> None:
        for person in people:
            wanted.setdefault(key, {}).setdefault(person, set()).add(case_id)

    for case_id, body in db.query("SELECT id, body FROM records WHERE owner_id = ? AND kind = 'vacatur_case' "
                                  "AND deleted = 0", (youth_id,)):
        data = json.loads(body)
        shared = data.get("shared_with")
        if not shared or not isinstance(shared, list) or is_sealed(shared):
            continue
        people = {str(p) for p in shared}
        for field in RESTRICTED_FIELDS["vacatur_case"]:
            give((case_id, field), people, case_id)
        counts = data.get("count_ids") if isinstance(data.get("count_ids"), list) else []
        for count_id in _live_counts(db, youth_id, [str(c) for c in counts]):
            for field in RESTRICTED_FIELDS["criminal_count"]:
                give((count_id, field), people, case_id)
    return wanted


def _live_counts(db: Database, youth_id: str, ids: list[str]) -> list[str]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [r[0] for r in db.query(f"SELECT id FROM records WHERE id IN ({marks}) AND owner_id = ? AND "
                                   "kind = 'criminal_count' AND deleted = 0", (*ids, youth_id))]


def _value(db: Database, ring: Keyring, record_id: str, field: str, clear: dict[tuple[str, str], Any]) -> Any:
    """The value in clear, None when there is none, or _KEEP when this writer cannot read it."""
    if (record_id, field) in clear:
        return clear[(record_id, field)]
    body = db.scalar("SELECT body FROM records WHERE id = ?", (record_id,))
    stored = json.loads(body).get(field) if body else None
    if stored is None:
        return None
    readable, value = ring.open(record_id, field, stored)
    return value if readable else _KEEP


def _publics(db: Database, names: Iterable[str], youth_id: str) -> dict[str, bytes]:
    """The public keys of these people (as the signed list holds them) where each may receive a
    copy now: a caseworker on this vault, not removed nor disabled, who sees the youth (a youth
    moved to another worker or unit takes the copy away) and does not read the account otherwise."""
    people = _signed_people(db)
    row = db.one("SELECT f.worker, f.unit, f.sealed FROM records r JOIN youth_fields f ON f.rowid = r.rowid "
                 "WHERE r.id = ?", (youth_id,))
    if row is None:
        return {}
    found: dict[str, bytes] = {}
    for name in sorted(set(names)):
        user = _user(people, name)
        if user is not None and fit(user) and Scope.for_user(user).allows(row[0], row[1], bool(row[2])):
            found[name] = K.unb64(str(people[name][2]))
    return found


def proven(db: Database, case_id: str, youth_id: str) -> tuple[set[str], str, str]:
    """Whom the case's account is shared with, as its signed history proves it (`_backed`), among
    those who may hold a copy now (a name written into the record outside the app is not one);
    with who last changed the sharing, and when."""
    backed, author, at = _backed(db, case_id)
    return (set(_publics(db, backed, youth_id)) if backed else set()), author, at


def fit(user: User) -> bool:
    """Whether this person may hold a copy at all (vacatur.sharing shares with no one else)."""
    return user.role is Role.CASEWORKER and not user.disabled and not user.can(Permission.READ_NARRATIVE)


def people_changed(db: Database) -> int:
    """After a change of people (inside its transaction): the copies of anyone who may no longer hold
    one (disabled, removed, given another role) are deleted at once, needing no key. Returns how many."""
    people = _signed_people(db)
    gone = [name for (name,) in db.query("SELECT DISTINCT principal FROM account_copies")
            if (user := _user(people, name)) is None or not fit(user)]
    for name in gone:
        db.execute("DELETE FROM account_copies WHERE principal = ?", (name,))
    return len(gone)


def sealed_for(db: Database, principal: str,
               record_ids: Iterable[str]) -> dict[tuple[str, str], dict[str, str]]:
    """This person's copies of these records, still sealed: (record id, field) -> envelope."""
    ids = list(dict.fromkeys(record_ids))
    found: dict[tuple[str, str], dict[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for record_id, field, sealed in db.query(
                "SELECT record_id, field, sealed FROM account_copies WHERE principal = ? AND "
                f"record_id IN ({marks})",
                (principal, *chunk)):
            found[(record_id, field)] = json.loads(sealed)
    return found

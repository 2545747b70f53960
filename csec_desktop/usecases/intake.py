"""Intake: a new youth, after checking that the youth is not already in the vault.

The same check serves the window's "New youth" and `csec youth add`: close spellings of the
name (accents and case ignored), an alias or moniker equal to the name, and the same birth
date with a similar name. Matches the person may see are named so they can open the record
instead; matches outside their caseload are only counted, so a duplicate check never shows
a name the person may not read.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from csec_desktop import caseload
from csec_desktop.caseload import YouthSummary, summary_of
from csec_desktop.domain.people import Permission
from csec_desktop.domain.youth import Youth
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.sealed_rows import VIEW
from csec_desktop.storage.vault import Vault

CLOSE = 0.84  # similarity of two normalised full names counted as a close spelling
CLOSE_WITH_BIRTH = 0.6  # lower bar when the birth date is the same
PREFIX = 3  # letters of each name used to gather candidates from the search index
CANDIDATES = 2000  # youth read for each way of gathering them, at most


def plain(text: str) -> str:
    """Lower case, no accents, single spaces: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in kept).split())


@dataclass(frozen=True)
class Match:
    youth: YouthSummary
    why: str  # "same name", "close spelling", "alias", "same birth date"


@dataclass(frozen=True)
class Duplicates:
    matches: list[Match]  # youth this person may open
    hidden: int  # close matches outside their caseload: counted, never named

    @property
    def any(self) -> bool:
        return bool(self.matches) or self.hidden > 0


@dataclass(frozen=True)
class _Names:
    """What the check compares of a youth."""

    given: str
    family: str
    preferred: str | None
    aliases: tuple[str, ...]
    birth: str | None  # ISO


def _names_of(record_id: str, data: dict[str, Any]) -> _Names:
    """From a stored body, read as stored (it was validated when written: validating each of a
    county's thousands of candidates was a third of the check); through the model when its shape
    is not the one expected (a body written before a change of the model)."""
    try:
        name = data["legal_name"]
        return _Names(str(name["given"]), str(name["family"]), data.get("preferred_name") or None,
                      tuple(str(alias["name"]) for alias in data.get("aliases") or ()),
                      str(data["date_of_birth"]))
    except (KeyError, TypeError):
        youth = Youth.parse(data, record=f"youth {record_id}")
        return _Names(youth.legal_name.given, youth.legal_name.family, youth.preferred_name,
                      tuple(a.name for a in youth.aliases), youth.date_of_birth.isoformat())


def _similarity(wanted: str, names: list[str], least: float) -> float:
    """The best difflib ratio of `wanted` to `names`, where it may reach `least`: a name whose
    ratio's upper bounds (lengths, then letters) fall short is not compared letter by letter."""
    best = 0.0
    for name in names:
        matcher = difflib.SequenceMatcher(None, wanted, name)
        if matcher.real_quick_ratio() >= least and matcher.quick_ratio() >= least:
            best = max(best, matcher.ratio())
    return best


def _why(youth: _Names, wanted: str, given: str, birth: date | None) -> str | None:
    """Why `youth` may be the one typed: `wanted` is the typed given and family names, `given`
    the given name, both `plain`."""
    names = [plain(youth.given + " " + youth.family)]
    if youth.preferred:
        names.append(plain(f"{youth.preferred} {youth.family}"))
    if wanted in names:
        return "same name"
    if given and any(plain(alias) in (wanted, given) for alias in youth.aliases):
        return "alias"
    same_birth = birth is not None and youth.birth == birth.isoformat()
    best = _similarity(wanted, names, CLOSE_WITH_BIRTH if same_birth else CLOSE)
    if best >= CLOSE:
        return "close spelling"
    if same_birth and best >= CLOSE_WITH_BIRTH:
        return "same birth date"
    return None


def duplicates(vault: Vault, data: dict[str, Any]) -> Duplicates:
    """Youth who may be the one about to be created."""
    vault.require(Permission.WRITE_YOUTH)
    # Whatever shape the data has: the duplicate check looks for what it can, the model names the rest.
    name = data.get("legal_name")
    if not isinstance(name, dict):
        name = {}
    given, family = str(name.get("given") or ""), str(name.get("family") or "")
    try:
        birth = date.fromisoformat(str(data.get("date_of_birth"))) if data.get("date_of_birth") else None
    except ValueError:
        birth = None
    words = [w[:PREFIX] for w in plain(f"{given} {family}").split() if len(w) >= 2][:6]
    db = vault.require_db()
    rows: list[Any] = []
    # Candidates, each set read up to CANDIDATES: youth whose names start every word's first letters
    # (the same name, an alias equal to it, most close spellings), youth with a word equal to each of
    # the given names (an alias equal to them), and youth with any word's first letters (a close
    # spelling whose first letters differ in one word). The last alone, in a county, cut off
    # the youth of the same name: "Aaliyah Sampleton" at 100,000 youth, among 23,000 matches, was
    # not found unless the birth date was given too.
    queries = [" AND ".join(f'"{w}"*' for w in words),
               " AND ".join(f'"{w}"' for w in plain(given).split()[:6]),
               " OR ".join(f'"{w}"*' for w in words)]
    # A sealed youth is found only by a person who may read them (their names are not in the
    # vault's index: storage/sealed_rows.py), so the check never tells anyone else one exists.
    for query in dict.fromkeys(q for q in queries if q):
        vault.records.write_index()
        matching, args = vault.records.shadow.matching(query)
        rows += db.query(f"SELECT r.id, r.body FROM {matching} JOIN records r ON r.rowid = s.rowid "
                         "WHERE r.deleted = 0 LIMIT ?", [*args, CANDIDATES])
    if birth is not None:
        rows += db.query(f"SELECT r.id, r.body FROM {VIEW} f JOIN records r ON r.rowid = f.rowid "
                         "WHERE f.birth = ? AND f.deleted = 0 LIMIT ?", [birth.isoformat(), CANDIDATES])
    seen: set[str] = set()
    matches: list[Match] = []
    hidden = 0
    wanted, typed_given = plain(f"{given} {family}"), plain(given)
    for record_id, body in rows:
        if record_id in seen:
            continue
        seen.add(record_id)
        data = vault.records.decode(record_id, body)
        why = _why(_names_of(record_id, data), wanted, typed_given, birth)
        if why is None:
            continue
        youth = Youth.model_validate(data)
        if caseload.can_see(vault.user, youth):
            matches.append(Match(summary_of(record_id, youth.dump()), why))
        else:
            hidden += 1
    order = {"same name": 0, "alias": 1, "close spelling": 2, "same birth date": 3}
    # Of the youth with the same name (a county may have dozens), those born the same day first.
    matches.sort(key=lambda m: (order[m.why], m.youth.date_of_birth != birth, m.youth.name))
    vault.audit("duplicate_check", results=len(matches), hidden=hidden)
    return Duplicates(matches[:20], hidden)


SHOWN_DEFAULTS = frozenset(name for name, f in Youth.model_fields.items() if isinstance(f.default, str))
"""The youth's text fields the model fills when left out (the primary language, "English"): the
form shows that value from the start, so one sent as None was cleared by the person and is refused
at the field ("must be filled in") rather than put back unseen."""


def defaults(vault: Vault) -> dict[str, Any]:
    """A new youth is assigned to the person signed in, in their unit, until they say otherwise;
    with the SHOWN_DEFAULTS filled in."""
    return {"assigned_worker": vault.user.username, "unit": vault.user.unit, "county": vault.county,
            **{name: Youth.model_fields[name].default for name in SHOWN_DEFAULTS}}


def _complete(vault: Vault, data: dict[str, Any]) -> dict[str, Any]:
    given = {k: v for k, v in data.items() if v not in ("", []) and (v is not None or k in SHOWN_DEFAULTS)}
    return {**defaults(vault), **given}


def validate(vault: Vault, data: dict[str, Any]) -> Youth:
    """The youth as it would be created; ValidationFailed names each field that is wrong."""
    vault.require(Permission.WRITE_YOUTH)
    return Youth.parse(_complete(vault, data), record="youth")


def create(vault: Vault, data: dict[str, Any]) -> StoredRecord:
    """Create the youth (validated by the model; errors name the field). Opening it afterwards
    (`usecases.youth.open_youth`) is its first audited view."""
    return caseload.create_youth(vault, _complete(vault, data))

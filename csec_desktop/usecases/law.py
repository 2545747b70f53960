"""The "Law changes" page and `csec rules --changes`: the effective dates ahead, each with its source and
confidence, and how many youth in this person's caseload it touches.

One function for both, so the window and the command line list the same changes in the same order. Without a
vault (the command line without --user) the changes are listed without counts. A count is of the youth this
person may see (the same visibility rule as the caseload), never of names, and reading it is audited once. A
change whose reach the record cannot tell (an immigration status is not recorded) says so instead of a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from csec_desktop.caseload import visibility
from csec_desktop.rules import LEGAL_ZONE, law
from csec_desktop.storage.sealed_rows import VIEW
from csec_desktop.storage.vault import Vault
from csec_desktop.sync.local import require_in_contact


@dataclass(frozen=True)
class ChangeRow:
    change: law.LawChange
    youth: int | None
    """Youth in this person's caseload the change touches; None when not counted or not countable."""

    @property
    def countable(self) -> bool:
        return self.change.countable

    def to_json(self) -> dict[str, Any]:
        return {**self.change.to_json(), "youth_touched": self.youth, "countable": self.countable}


@dataclass(frozen=True)
class LawChanges:
    after: date
    """The first day listed (the day of `as_of` in California)."""
    rows: tuple[ChangeRow, ...]
    counted: bool
    """Whether the caseload was counted (a vault was given)."""


def _touched(vault: Vault, change: law.LawChange) -> int:
    """Visible, undeleted youth holding a record of one of the change's kinds or having held one of its legal
    statuses: one query, on the caseload's own columns. The youth holding such a record are found from
    the records (by kind, then owner) and met with the caseload's rows by rowid: looked for youth by
    youth (each youth's record read for its id, then its records by kind), one change took 3.1 s at
    100,000 youth and the page 9.9 s; this way 0.3-0.7 s each."""
    cond, params = visibility(vault.user)
    parts: list[str] = []
    if change.kinds:
        kinds = ",".join("?" * len(change.kinds))
        parts.append("f.rowid IN (SELECT r.rowid FROM records r WHERE r.id IN "
                     f"(SELECT a.owner_id FROM records a WHERE a.kind IN ({kinds}) AND a.deleted = 0))")
        params = [*params, *change.kinds]
    if change.statuses:
        parts.append("EXISTS (SELECT 1 FROM json_each(f.periods) p WHERE json_extract(p.value, '$[0]') IN "
                     f"({','.join('?' * len(change.statuses))}))")
        params = [*params, *change.statuses]
    sql = f"SELECT count(*) FROM {VIEW} f WHERE f.deleted = 0 AND {cond} AND ({' OR '.join(parts)})"
    return int(vault.require_db().scalar(sql, params) or 0)


def upcoming(vault: Vault | None, as_of: datetime, *, until: date | None = None) -> LawChanges:
    """The law changes on or after the day of `as_of` (California time), soonest first, undated last; with a
    vault, how many youth each touches in the signed-in person's caseload."""
    if as_of.tzinfo is None:
        raise ValueError("as_of needs a time zone")
    after = as_of.astimezone(LEGAL_ZONE).date()
    changes = law.changes(after, until=until)
    if vault is None:
        return LawChanges(after, tuple(ChangeRow(c, None) for c in changes), counted=False)
    require_in_contact(vault)
    rows = tuple(ChangeRow(c, _touched(vault, c) if c.countable else None) for c in changes)
    vault.audit("law_changes_viewed", changes=len(rows))
    return LawChanges(after, rows, counted=True)

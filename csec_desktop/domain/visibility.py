"""Who may see a youth: the one rule, decided once per person and kept as data.

Why one rule. The question "may this person see this youth?" is asked in four places:
in Python on the desktop (opening a record), in SQL on the desktop (the caseload, search
and Today, over `youth_fields`), in Python on the hub (a push touching a record) and in
SQL on the hub (what a pull sends and what it names `gone`). Written four times, the copies
drifted: the hub's ignored `User.extra_permissions`, so a caseworker granted READ_ALL_YOUTH
saw every youth on the desktop and only their own caseload after a sync. Here the rule is
decided once, from a person's *effective* permissions, into a small `Scope`; every place
that asks translates that data and decides nothing itself:

- `Scope.allows(worker, unit, sealed)`: the Python form;
- `Scope.sql(alias)`: an SQLite condition over a row with `worker`, `unit` and `sealed`;
- `hub/visibility_sql.py`: the same data as a SQLAlchemy clause (PostgreSQL and SQLite).

The rule: without READ_YOUTH (or disabled) nothing; a sealed youth only with READ_SEALED;
with READ_ALL_YOUTH every youth, otherwise those assigned to the person or to their unit.

The SQL forms are two-valued (`IS ?` rather than `= ?`, which SQLite still answers from the
worker and unit indexes): a youth with no worker or no unit makes the condition false, never
NULL, so `NOT (condition)` selects exactly the youth the person may not see (the hub's
`gone`). `sealed` is NOT NULL in both schemas.

No Qt, no SQLAlchemy: the desktop bundle leaves the hub's packages out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from csec_desktop.domain.people import Permission, User


class Reach(StrEnum):
    """Which youth, sealed ones aside."""

    NOTHING = "nothing"
    ALL = "all"
    OWN = "own"  # assigned to the person, or to the person's unit


@dataclass(frozen=True)
class Scope:
    reach: Reach
    username: str
    unit: str | None  # None when the person has no unit (an empty unit is no unit)
    sealed: bool  # may see sealed youth (always False when reach is NOTHING)

    @classmethod
    def of(cls, permissions: Iterable[Permission], username: str, unit: str | None) -> Scope:
        """From effective permissions: the role's, the extra grants, none when disabled."""
        granted = frozenset(permissions)
        if Permission.READ_YOUTH not in granted:
            return cls(Reach.NOTHING, username, None, False)
        reach = Reach.ALL if Permission.READ_ALL_YOUTH in granted else Reach.OWN
        return cls(reach, username, unit or None, Permission.READ_SEALED in granted)

    @classmethod
    def for_user(cls, user: User) -> Scope:
        return cls.of(frozenset() if user.disabled else user.permissions(), user.username, user.unit)

    def allows(self, worker: str | None, unit: str | None, sealed: bool) -> bool:
        if self.reach is Reach.NOTHING:
            return False
        if sealed and not self.sealed:
            return False
        if self.reach is Reach.ALL:
            return True
        return worker == self.username or (self.unit is not None and unit == self.unit)

    def sql(self, alias: str = "f") -> tuple[str, list[Any]]:
        """The same decision as an SQLite condition on `alias`'s worker, unit and sealed."""
        if self.reach is Reach.NOTHING:
            return "0", []
        parts: list[str] = []
        params: list[Any] = []
        if self.reach is Reach.OWN:
            if self.unit is None:
                parts.append(f"{alias}.worker IS ?")
                params.append(self.username)
            else:
                parts.append(f"({alias}.worker IS ? OR {alias}.unit IS ?)")
                params += [self.username, self.unit]
        if not self.sealed:
            parts.append(f"{alias}.sealed = 0")
        return (" AND ".join(parts) or "1"), params

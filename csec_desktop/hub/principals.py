"""Who the hub answers: the person a device acts for (`Who`), an enrolled device, an administrator
token, and `Refusal`, every answer other than success."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import NamedFromClause

from csec_desktop.domain.people import ROLE_PERMISSIONS, Permission, Role, permissions_of
from csec_desktop.domain.visibility import Scope
from csec_desktop.hub import visibility_sql
from csec_desktop.sync import protocol as P

Row = Mapping[Any, Any]
_PERMISSIONS = frozenset(p.value for p in Permission)


class Refusal(Exception):
    """An answer other than success: HTTP status, a short error code and what to do."""

    def __init__(self, status: int, error: str, detail: str, *, wipe: bool = False,
                 retry_after: int = 0) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.wipe = wipe
        self.retry_after = retry_after

    def problem(self) -> P.Problem:
        return P.Problem(error=self.error, detail=self.detail, wipe=self.wipe)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def iso_time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Who:
    """The person a device acts for, as the hub knows them."""

    county: str
    username: str
    role: Role
    unit: str | None
    extra: frozenset[Permission] = frozenset()
    """Grants beyond the role (`User.extra_permissions` on the desktop)."""

    @cached_property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.role, self.extra)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @cached_property
    def visibility(self) -> Scope:
        """Which youth this person may see: the desktop's one rule (domain/visibility.py)."""
        return Scope.of(self.permissions, self.username, self.unit)

    @property
    def scope_key(self) -> str:
        """Changes when the role, the unit or the grants beyond the role change (the feed then
        starts again). Without grants it is `role|unit`, as before grants were kept."""
        grants = "".join(f"+{p.value}" for p in sorted(self.extra - ROLE_PERMISSIONS[self.role]))
        return f"{self.role.value}{grants}|{self.unit or ''}"

    def sees(self, youth: Row) -> bool:
        """The desktop's rule (caseload.can_see) on a youth row."""
        return self.visibility.allows(youth["worker"], youth["unit"], bool(youth["sealed"]))

    def scope(self, y: NamedFromClause) -> ColumnElement[bool]:
        """The same rule in SQL over an alias of the records table holding youth rows."""
        return visibility_sql.clause(self.visibility, y)


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    who: Who
    scope_key: str | None


@dataclass(frozen=True)
class Admin:
    county: str
    name: str
    id: str = ""
    """The token's id (`admin_id`), when known."""


ADMIN_ID_LENGTH = 12


def admin_id(token_hash: str) -> str:
    """An administrator token's id: the start of its hash, which says nothing of the token."""
    return token_hash[:ADMIN_ID_LENGTH]


def token_id(token: str) -> str:
    """The id of an administrator token (`admin_id` of its hash)."""
    return admin_id(secret_hash(token))


def who_from_row(county: str, username: str, row: Mapping[Any, Any] | None, *, missing: int) -> Who:
    """The person a user row names (role, unit, grants), or the refusal for a user not listed
    (`missing`: the status to answer) or disabled."""
    if row is None:
        raise Refusal(missing, "unknown_user" if missing == 404 else "forbidden",
                      "This user is not on the hub's list for the county.")
    if row["disabled"]:
        raise Refusal(403, "user_disabled", "This person is disabled at the hub: nothing is sent or "
                      "received for them. Ask the hub administrator.")
    # A grant this version does not know (written by a later one) grants nothing.
    extra = frozenset(Permission(g) for g in row["extra_permissions"] or () if g in _PERMISSIONS)
    return Who(county=county, username=username, role=Role(row["role"]), unit=row["unit"], extra=extra)


def hub_user(row: Row) -> P.HubUser:
    grants = [Permission(g) for g in row["extra_permissions"] or () if g in _PERMISSIONS]
    return P.HubUser(county=row["county"], username=row["username"], role=row["role"], unit=row["unit"],
                     extra_permissions=grants, disabled=bool(row["disabled"]))

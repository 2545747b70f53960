"""Staff users, roles and what each role may do. Enforced in the core."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from csec_desktop.text import N_


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    SUPERVISOR = "supervisor"
    CASEWORKER = "caseworker"
    ATTORNEY = "attorney"
    READ_ONLY = "read_only"


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    READ_YOUTH = "read_youth"
    WRITE_YOUTH = "write_youth"
    READ_ALL_YOUTH = "read_all_youth"  # beyond own and own unit's caseload
    READ_SEALED = "read_sealed"
    EXPORT = "export"
    IMPORT = "import"
    BACKUP = "backup"
    PRINT = "print"
    OVERRIDE_CONSENT = "override_consent"  # refer without a recorded consent, with a reason
    MANAGE_DIRECTORY = "manage_directory"  # add, edit and import the county's resource directory
    READ_NARRATIVE = "read_narrative"  # the youth's own account in a vacatur case (read and write)
    REVIEW_PETITION = "review_petition"  # mark a petition reviewed by counsel, and filed


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # County IT: runs the vault, sees every youth's record but not sealed ones.
    Role.ADMINISTRATOR: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.VIEW_AUDIT,
            Permission.READ_YOUTH,
            Permission.WRITE_YOUTH,
            Permission.READ_ALL_YOUTH,
            Permission.EXPORT,
            Permission.IMPORT,
            Permission.BACKUP,
            Permission.PRINT,
            Permission.MANAGE_DIRECTORY,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Permission.VIEW_AUDIT,
            Permission.READ_YOUTH,
            Permission.WRITE_YOUTH,
            Permission.READ_ALL_YOUTH,
            Permission.READ_SEALED,
            Permission.EXPORT,
            Permission.BACKUP,
            Permission.PRINT,
            Permission.OVERRIDE_CONSENT,
            Permission.MANAGE_DIRECTORY,
            Permission.READ_NARRATIVE,
        }
    ),
    Role.CASEWORKER: frozenset(
        {Permission.READ_YOUTH, Permission.WRITE_YOUTH, Permission.PRINT, Permission.BACKUP}
    ),
    # An attorney has no EXPORT: they may export only the court papers they file (the documents
    # with DocumentKind.export_by naming the attorney: the vacatur papers and packet), with a
    # purpose and an audit entry like any export (documents/jobs.export).
    Role.ATTORNEY: frozenset(
        {Permission.READ_YOUTH, Permission.WRITE_YOUTH, Permission.READ_SEALED, Permission.PRINT,
         Permission.READ_NARRATIVE, Permission.REVIEW_PETITION}
    ),
    Role.READ_ONLY: frozenset({Permission.READ_YOUTH}),
}

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")


class User(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    unit: str | None = Field(default=None, max_length=64)
    disabled: bool = False
    extra_permissions: list[Permission] = Field(default_factory=list)
    """Grants beyond the role, e.g. READ_ALL_YOUTH for a caseworker covering a colleague."""

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not USERNAME.match(value):
            raise ValueError(
                "use 2-32 lower-case letters, digits, dot, dash or underscore, starting with a letter"
            )
        return value

    def permissions(self) -> frozenset[Permission]:
        return ROLE_PERMISSIONS[self.role] | frozenset(self.extra_permissions)

    def can(self, permission: Permission) -> bool:
        return not self.disabled and permission in self.permissions()


MIN_PASSPHRASE_LENGTH = 12  # the message below says 12: change both together


def passphrase_problem(passphrase: str) -> str | None:
    """Why a new passphrase is refused, or None. Long beats complex (NIST 800-63B)."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        # Marked for translation as a whole sentence; the length is a constant.
        return N_("must be at least 12 characters (a few words work well)")
    if len(set(passphrase)) < 5:
        return N_("uses too few different characters")
    if passphrase.lower() in {"password1234", "passwordpassword", "123456789012"}:
        return N_("is too common")
    return None

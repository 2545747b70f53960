"""Staff users, roles and what each role may do. Enforced in the core."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from csec_desktop.domain.base import check_email, check_phone
from csec_desktop.text import N_


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    SUPERVISOR = "supervisor"
    CASEWORKER = "caseworker"
    ATTORNEY = "attorney"
    READ_ONLY = "read_only"


ROLE_LABELS: dict[str, str] = {
    Role.ADMINISTRATOR: N_("administrator"), Role.SUPERVISOR: N_("supervisor"),
    Role.CASEWORKER: N_("caseworker"), Role.ATTORNEY: N_("attorney"), Role.READ_ONLY: N_("read only")}
"""Each role's name as people read it (English source text; translated where it is shown)."""


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

NEVER_GRANTED: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset({Permission.READ_SEALED, Permission.READ_NARRATIVE}),
}
"""What no grant beyond the role gives: the people who manage the accounts must not be able to
give themselves (or an account of their own making with this role) the keys to what the role is
kept from reading. A grant of these to an administrator is refused when made and ignored if
found (written by an older release, or at the hub)."""


def permissions_of(role: Role, extra: Iterable[Permission]) -> frozenset[Permission]:
    """The role's permissions and the grants beyond it, less what the role is never granted."""
    return ROLE_PERMISSIONS[role] | (frozenset(extra) - NEVER_GRANTED.get(role, frozenset()))


USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")


class User(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    username: str
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    unit: str | None = Field(default=None, max_length=64)
    disabled: bool = False
    extra_permissions: list[Permission] = Field(default_factory=list)
    """Grants beyond the role, e.g. READ_ALL_YOUTH for a caseworker covering a colleague."""
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    """How a letter's reader reaches the person (a referral letter's "From"): set by an administrator,
    so signed with the list of people; a colleague cannot put her own number on someone's letters."""

    _phone = field_validator("phone")(check_phone)
    _email = field_validator("email")(check_email)

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not USERNAME.match(value):
            raise ValueError(
                "use 2-32 lower-case letters, digits, dot, dash or underscore, starting with a letter"
            )
        return value

    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.role, self.extra_permissions)

    def can(self, permission: Permission) -> bool:
        return not self.disabled and permission in self.permissions()


MIN_PASSPHRASE_LENGTH = 12  # the message below says 12: change both together
MIN_PASSPHRASE_SCORE = 3
"""zxcvbn's score from 0 to 4; 3 is "safely unguessable" (under 10^10 guesses counts as guessable)."""

# zxcvbn's feedback, marked so the interface shows it in Spanish too (these are its exact English
# sentences; one it adds in a later release is shown in English until it is added here).
ZXCVBN_FEEDBACK = (
    N_("A word by itself is easy to guess."),
    N_("Add another word or two. Uncommon words are better."),
    N_("All-uppercase is almost as easy to guess as all-lowercase."),
    N_("Avoid dates and years that are associated with you."),
    N_("Avoid recent years."),
    N_("Avoid repeated words and characters."),
    N_("Avoid sequences."),
    N_("Avoid years that are associated with you."),
    N_("Capitalization doesn't help very much."),
    N_("Common names and surnames are easy to guess."),
    N_("Dates are often easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("No need for symbols, digits, or uppercase letters."),
    N_("Predictable substitutions like '@' instead of 'a' don't help very much."),
    N_("Recent years are easy to guess."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_("Reversed words aren't much harder to guess."),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Short keyboard patterns are easy to guess."),
    N_("Straight rows of keys are easy to guess."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("Use a few words, avoid common phrases."),
    N_("Use a longer keyboard pattern with more turns."),
)


@dataclass(frozen=True)
class Strength:
    """How guessable a passphrase is, by zxcvbn (Dropbox's estimator), with its feedback.

    Texts are English marked for translation: show them through gettext."""

    score: int
    """0 (guessed at once) to 4 (very unguessable)."""
    guesses_log10: float
    problem: str | None
    """Why it is refused, or None."""
    warning: str | None
    """What makes it guessable (zxcvbn's warning), if anything."""
    suggestions: tuple[str, ...]

    @property
    def feedback(self) -> tuple[str, ...]:
        return ((self.warning,) if self.warning else ()) + self.suggestions


def passphrase_strength(passphrase: str, user_inputs: Iterable[str | None] = ()) -> Strength:
    """Judge a new passphrase. `user_inputs` are words an attacker would try first: the user's
    name, display name, the county."""
    from zxcvbn import zxcvbn  # imported on use: ~40 ms of dictionaries, not needed at start-up

    words: list[str] = []
    for value in user_inputs:
        if value:
            words += [value, *re.split(r"[\s._@-]+", value)]
    # zxcvbn refuses more than 72 characters; the first 72 decide whether it is guessable.
    found = zxcvbn(passphrase[:72], user_inputs=[w for w in words if w])
    feedback = found.get("feedback") or {}
    warning = str(feedback.get("warning") or "") or None
    suggestions = tuple(str(s) for s in feedback.get("suggestions") or ())
    problem: str | None = None
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        # Marked for translation as a whole sentence; the length is a constant.
        problem = N_("must be at least 12 characters (a few words work well)")
    elif int(found["score"]) < MIN_PASSPHRASE_SCORE:
        problem = N_("is too easy to guess")
        if not warning and not suggestions:
            suggestions = (N_("Add another word or two. Uncommon words are better."),)
    return Strength(int(found["score"]), float(found["guesses_log10"]), problem, warning, suggestions)


def passphrase_problem(passphrase: str, user_inputs: Iterable[str | None] = ()) -> str | None:
    """Why a new passphrase is refused, or None. Long beats complex (NIST SP 800-63B 3.1.1.2:
    at least 8 characters, checked against lists of commonly used and compromised values; we ask
    for 12 and for zxcvbn's score 3)."""
    return passphrase_strength(passphrase, user_inputs).problem

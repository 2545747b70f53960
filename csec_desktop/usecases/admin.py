"""The administration page: people, the audit trail (newest first), county settings, and keeping
the vault (backup, restore, key rotation, passphrases, the recovery sheet)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from csec_desktop import policy
from csec_desktop.domain import people
from csec_desktop.domain.fields import kind_label
from csec_desktop.domain.people import Permission, Role, User
from csec_desktop.errors import FieldProblem, NotFound, ValidationFailed
from csec_desktop.storage.audit import AuditEntry
from csec_desktop.storage.recovery import RestoreReport
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_, W

__all__ = ["AuditEntry", "RestoreReport"]  # re-exported for the window, which reads no storage module

BACKUP_SUFFIX = ".csecbak"

AUDIT_SHOWN = 500

ROUTINE = frozenset({"view", "search", "today_viewed", "audit_viewed"})
"""The reads people make all day: left out of the trail shown unless asked for. Shown with the
rest, 520 searches pushed an export for the newspaper out of the 500 newest, unseen."""


@dataclass(frozen=True)
class AdminOverview:
    users: list[User]
    entries: list[AuditEntry]
    settings: dict[str, int]


def overview(vault: Vault, *, routine: bool = False) -> AdminOverview:
    vault.require(Permission.MANAGE_USERS)
    return AdminOverview(vault.users(), audit_entries(vault, routine=routine), policy.values(vault))


def audit_entries(vault: Vault, *, routine: bool = False) -> list[AuditEntry]:
    """The newest AUDIT_SHOWN entries, routine reads left out unless `routine`."""
    vault.require(Permission.MANAGE_USERS)
    entries = vault.audit_log.entries(newest_first=True, limit=AUDIT_SHOWN,
                                      leave_out=() if routine else ROUTINE)
    vault.audit("audit_viewed", entries=len(entries))
    return entries


EDITS = frozenset({"update", "youth_sealed", "youth_unsealed"})
"""Actions whose `fields` are a record's fields: said by their labels ("Phone", not "phone")."""


def detail_text(entry: AuditEntry, gettext: Callable[[str], str] = str) -> str:
    """What an entry's detail records, one "name: value" after another (an export's purpose and
    file, the fields an edit changed, what a tamper check found); `gettext` says field labels in
    the reader's language."""
    def said(value: object) -> str:
        return ", ".join(said(v) for v in value) if isinstance(value, list) else str(value)

    detail = dict(entry.detail)
    if entry.action in EDITS and isinstance(detail.get("fields"), list):
        kind = str(detail.get("kind") or "youth")
        detail["fields"] = [gettext(kind_label(kind, str(name))) for name in detail["fields"]]
    return "; ".join(f"{name}: {said(value)}" for name, value in sorted(detail.items()))


def save_settings(vault: Vault, values: dict[str, int]) -> list[str]:
    """Store the settings that changed; returns their names."""
    current = policy.values(vault)
    changed = [name for name, value in values.items() if current.get(name) != value]
    for name in changed:
        policy.set_value(vault, name, values[name])
    return changed


# Keeping the vault: backup, restore, key rotation, passphrases, the recovery sheet. Each is the one
# door for the window's Administration and `csec` alike; the vault checks the permission again.

@dataclass(frozen=True)
class AdminAbilities:
    """What the signed-in person may do on the page (what they may not is not offered)."""

    manage_users: bool
    backup: bool


def abilities(vault: Vault) -> AdminAbilities:
    return AdminAbilities(manage_users=vault.user.can(Permission.MANAGE_USERS),
                          backup=vault.user.can(Permission.BACKUP))


def backup(vault: Vault, target: Path) -> int:
    """An encrypted backup file (only the county recovery key restores it); returns its records."""
    if target.suffix != BACKUP_SUFFIX:
        target = target.with_name(target.name + BACKUP_SUFFIX)
    return vault.backup(target)


def rotate_key(vault: Vault) -> None:
    """Re-encrypt the vault under a new data key (after a key may have been exposed)."""
    vault.rotate_data_key("requested in Administration")


def change_passphrase(vault: Vault, current: str, new: str, again: str) -> None:
    """The signed-in person's own passphrase; judged by the estimator, typed twice."""
    if new != again:
        raise ValidationFailed([FieldProblem("new passphrase again", N_("differs from the new passphrase"))])
    vault.change_passphrase(current, new)


def change_user(vault: Vault, username: str, *, role: Role | str, unit: str | None,
                phone: str | None = None, email: str | None = None) -> User:
    """A person's role, unit and work contact (what they see follows at once; synced devices at their
    next pull). The phone and e-mail are what letters they print give for reaching them."""
    return vault.update_user(username, role=Role(role), unit=unit or None, phone=phone or None,
                             email=email or None)


def reset_passphrase(vault: Vault, username: str, new: str, again: str) -> User:
    """For a person who forgot their passphrase: a new key pair under a new first passphrase, with the
    same role, unit, name and grants. No record is lost (records do not belong to a person's key)."""
    vault.require(Permission.MANAGE_USERS)
    if new != again:
        raise ValidationFailed([FieldProblem("new passphrase again", N_("differs from the new passphrase"))])
    if username == vault.user.username:
        raise ValidationFailed([FieldProblem("user", N_(
            "change your own passphrase with Change my passphrase"))])
    kept = vault.get_user(username)
    # Judged before anything changes: a refused passphrase must not leave the person removed.
    found = people.passphrase_strength(new, (kept.username, kept.display_name, vault.county))
    if found.problem:
        raise ValidationFailed([FieldProblem("new passphrase", " ".join((found.problem, *found.feedback)))])
    vault.remove_user(username, for_cause=False)
    vault.add_user(username, role=kept.role, passphrase=new, display_name=kept.display_name, unit=kept.unit)
    restored = {"disabled": kept.disabled, "extra_permissions": list(kept.extra_permissions),
                "phone": kept.phone, "email": kept.email}
    if kept.disabled or kept.extra_permissions or kept.phone or kept.email:
        return vault.update_user(username, **restored)
    vault.release_lockout(username)
    return vault.get_user(username)


def check_recovery_key(vault: Vault, secret: str) -> str:
    """Whether `secret` is this vault's county recovery key (for printing its sheet again); returns
    it as typed, normalised. The check is audited; the key never is."""
    vault.require(Permission.MANAGE_USERS)
    Vault.recovery_key_to_dek(vault.folder, secret)  # WrongPassphrase if it is not this vault's
    vault.audit("recovery_key_checked")
    return " ".join(secret.split()).upper()


def prepare_restore(vault: Vault, source: Path) -> Path:
    """Before the vault closes for a restore: the permission, the file, an audit entry. Returns the
    vault folder for `restore`."""
    vault.require(Permission.MANAGE_USERS)
    if not source.is_file():
        raise NotFound(W("No backup file at {path}.", path=str(source)))
    vault.audit("restore_started")
    return vault.folder


def restore(folder: Path, source: Path, recovery_secret: str) -> RestoreReport:
    """Rebuild the (closed) vault from a backup with the county recovery key; the vault that was there
    is moved aside, still encrypted. People unlock with the passphrases they had at the backup."""
    return Vault.restore(folder, source, recovery_secret)


def passphrase_strength(passphrase: str, about: tuple[str | None, ...] = ()) -> people.Strength:
    return people.passphrase_strength(passphrase, about)

"""The administration page: people, the audit trail (newest first), county settings."""

from __future__ import annotations

from dataclasses import dataclass

from csec_desktop import policy
from csec_desktop.domain.people import Permission, User
from csec_desktop.storage.audit import AuditEntry
from csec_desktop.storage.vault import Vault

__all__ = ["AuditEntry"]  # re-exported for the window, which reads no storage module

AUDIT_SHOWN = 500


@dataclass(frozen=True)
class AdminOverview:
    users: list[User]
    entries: list[AuditEntry]
    settings: dict[str, int]


def overview(vault: Vault) -> AdminOverview:
    vault.require(Permission.MANAGE_USERS)
    entries = vault.audit_log.entries(newest_first=True, limit=AUDIT_SHOWN)
    vault.audit("audit_viewed", entries=len(entries))
    return AdminOverview(vault.users(), entries, policy.values(vault))


def save_settings(vault: Vault, values: dict[str, int]) -> list[str]:
    """Store the settings that changed; returns their names."""
    current = policy.values(vault)
    changed = [name for name, value in values.items() if current.get(name) != value]
    for name in changed:
        policy.set_value(vault, name, values[name])
    return changed

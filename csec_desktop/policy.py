"""County policy kept inside the vault (so only an administrator can change it)."""

from __future__ import annotations

from csec_desktop.domain.people import Permission
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.storage.vault import Vault

IDLE_LOCK_DEFAULT_MINUTES = 15
IDLE_LOCK_MAX_MINUTES = 30  # CJIS-style ceiling (SECURITY.md section 5.1)


def idle_lock_minutes(vault: Vault) -> int:
    value = vault.require_db().scalar("SELECT value FROM meta WHERE key = 'idle_lock_minutes'")
    if value is None:
        return IDLE_LOCK_DEFAULT_MINUTES
    return min(int(value), IDLE_LOCK_MAX_MINUTES)


def set_idle_lock_minutes(vault: Vault, minutes: int) -> None:
    vault.require(Permission.MANAGE_USERS)
    if not 1 <= minutes <= IDLE_LOCK_MAX_MINUTES:
        raise ValidationFailed([FieldProblem(
            "idle lock", f"must be between 1 and {IDLE_LOCK_MAX_MINUTES} minutes")])
    db = vault.require_db()
    with db.transaction():
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('idle_lock_minutes', ?)",
                   (str(minutes),))
        vault.audit("policy_changed", setting="idle_lock_minutes", value=minutes)

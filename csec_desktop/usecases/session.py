"""What the signed-in person may do, said once at unlock so every screen can guide them:
an action their role cannot take is hidden or disabled with a plain reason, never refused
only at the last click (the core still refuses it)."""

from __future__ import annotations

from dataclasses import dataclass

from csec_desktop.domain.people import Permission
from csec_desktop.domain.visibility import Reach, Scope
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_


@dataclass(frozen=True)
class Capabilities:
    username: str
    role: str
    unit: str | None
    permissions: frozenset[Permission]
    sees: str  # N_-marked: which youth this person sees ("{unit}" filled in where shown)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


WHY_NOT: dict[Permission, str] = {
    Permission.WRITE_YOUTH: N_("Your role can read records but not change them; ask a caseworker or a "
                               "supervisor."),
    Permission.READ_NARRATIVE: N_("Only an attorney or a supervisor can read the youth's account."),
    Permission.REVIEW_PETITION: N_("Only an attorney can mark a petition reviewed or filed."),
    Permission.EXPORT: N_("Your role can print but not save documents as files; ask a supervisor."),
    Permission.PRINT: N_("Your role can neither print documents nor save them as files; ask a supervisor."),
    Permission.MANAGE_USERS: N_("Only an administrator manages people and county settings."),
    Permission.OVERRIDE_CONSENT: N_("Only a supervisor can send a referral without a recorded consent."),
}
"""Why an action is not offered, in words a person can act on."""


def capabilities(vault: Vault) -> Capabilities:
    user = vault.user
    scope = Scope.for_user(user)
    granted = frozenset(p for p in Permission if user.can(p))
    if not user.can(Permission.READ_YOUTH):
        sees = N_("Your account sees no youth records (it is disabled or its role reads none); ask an "
                  "administrator.")
    elif scope.reach is Reach.ALL:
        sees = N_("You see every youth in the county's vault.") if user.can(Permission.READ_SEALED) else \
            N_("You see every youth in the county's vault except sealed records.")
    elif user.unit:
        sees = N_("You see youth assigned to you or to your unit ({unit}).")
    else:
        sees = N_("You see youth assigned to you. You have no unit: an administrator can set one.")
    return Capabilities(user.username, user.role.value, user.unit, granted, sees)

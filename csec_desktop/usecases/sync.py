"""The conflicts page: every conflict this person may decide, with the youth's name for each."""

from __future__ import annotations

from dataclasses import dataclass

from csec_desktop.domain.youth import Youth
from csec_desktop.errors import CsecError
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local


@dataclass(frozen=True)
class ConflictsView:
    conflicts: list[local.Conflict]
    names: dict[str, str]  # youth id -> display name (shown inside the unlocked window only)
    device_id: str  # this computer, so its own values read "this computer"


def conflicts(vault: Vault) -> ConflictsView:
    found = local.conflicts(vault)
    names: dict[str, str] = {}
    for conflict in found:
        if conflict.owner_id and conflict.owner_id not in names:
            try:
                youth = vault.records.get(conflict.owner_id, include_deleted=True).body
            except CsecError:
                continue
            if isinstance(youth, Youth):
                names[conflict.owner_id] = youth.display_name()
    enrolled = local.enrolment(vault)
    return ConflictsView(found, names, enrolled.device_id if enrolled else "")

"""What a person may do with each document about a youth: make (preview), print, export."""

from __future__ import annotations

from dataclasses import dataclass

from csec_desktop import caseload
from csec_desktop.domain.people import Permission
from csec_desktop.storage.vault import Vault


@dataclass(frozen=True)
class DocumentChoice:
    kind: str
    title: str  # N_-marked English, translated on display
    court_paper: bool
    item_kind: str | None  # made about one record of this kind (None: about the youth)
    can_make: bool
    can_print: bool
    can_export: bool


def _allowed(vault: Vault, *needs: Permission) -> bool:
    return all(vault.user.can(need) for need in needs)


def choice(vault: Vault, kind: str) -> DocumentChoice:
    """What this person may do with one kind of document (the same checks as `for_youth`)."""
    # The registry imports every document's maker (ReportLab, fonts): loaded when first asked,
    # so the window starts without it.
    from csec_desktop.documents import jobs

    document = jobs.DOCUMENTS[kind]
    make = _allowed(vault, Permission.READ_YOUTH, *document.needs)
    return DocumentChoice(document.kind, document.title, document.court_paper, document.item_kind, make,
                          make and _allowed(vault, Permission.PRINT),
                          make and jobs.may_export(vault, document))


def for_youth(vault: Vault, youth_id: str) -> list[DocumentChoice]:
    """Every document kind, with what this person may do with it for this youth (read from the
    same permissions `jobs.make`, `jobs.printed` and `jobs.export` enforce)."""
    from csec_desktop.documents import jobs

    caseload.get_youth(vault, youth_id, audit=False)
    return [choice(vault, kind) for kind in jobs.DOCUMENTS]

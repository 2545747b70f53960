"""One typed function per thing a person does on a screen, for the window and `csec` alike.

The modules below the screens (caseload, today, services, documents.jobs...) check permissions
and write audit entries record by record. What a whole screen reads, and which of its reads
count as a "view" or a "search" in the audit trail, is decided here, once: the window and the
administration command call the same functions, so the trail says the same whichever was used.

- `youth`: open a youth (the record and everything attached, one permission check, one query
  for the attached records), save the youth's own fields, undo, and refresh the parts of the
  record page a change touched.
- `caseload`: the caseload list, for paging and search alike: (total, rows), search audited.
- `today`: Today in chunks, audited once when the last chunk is done.
- `admin`: the administration page's overview (people, the audit trail, county settings).
- `documents`: which documents this person may make, print or export for a youth.

Nothing here imports Qt; every function takes the unlocked vault as its first argument.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csec_desktop.storage.records import StoredRecord

__all__ = ["StoredRecord"]  # the record type use cases return; the window imports no storage module


def __getattr__(name: str) -> Any:
    # Loaded when first asked for, not with the package: `unlock` is imported before the window's
    # first paint, and the record store's module brings the record models with it.
    if name == "StoredRecord":
        from csec_desktop.storage.records import StoredRecord

        return StoredRecord
    raise AttributeError(name)

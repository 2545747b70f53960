"""The caseload list: paging and search through one function, so both give a true total."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from csec_desktop import caseload
from csec_desktop.caseload import Cursor, Filters, YouthSummary
from csec_desktop.storage.vault import Vault
from csec_desktop.text import folded

PAGE = 100
"""Rows a caseload page or search reads at a time; the window asks for the next page as the
list is scrolled to its end. 100 fill a tall screen twice over. With 200, decoding the rows a
search does not show was a third of its time (at 100,000 youth: p50 17-19 ms, 11-12 with 100)."""


@dataclass(frozen=True)
class CaseloadQuery:
    text: str = ""  # words to find; empty for the whole caseload
    filters: Filters = field(default_factory=Filters)
    order: str = "name"
    descending: bool = False

    @property
    def searching(self) -> bool:
        return caseload.fts_query(self.text) is not None


@dataclass(frozen=True)
class CaseloadPage:
    total: int  # every youth the query matches that this person may see
    rows: list[YouthSummary]
    after: Cursor | None  # where this page started (None: the first page)
    next: Cursor | None  # where the next one starts (the key of this page's last row)


def query(vault: Vault, asked: CaseloadQuery, *, after: Cursor | None = None, limit: int = PAGE,
          today: date | None = None, audit: bool = True) -> CaseloadPage:
    """One page of the caseload (or of a search in it) with the total; the next page starts after
    this one's `next`. A search is audited once, when its first page is read (the words are not
    kept: they may be a youth's name). `audit=False` for a screen searching as the person types,
    which audits the search they settle on with `searched` (so one search typed is one entry,
    not one per keystroke)."""
    if asked.searching:
        total, rows, cursor = caseload.search_page(vault, asked.text, limit=limit, after=after,
                                                   filters=asked.filters, today=today, order=asked.order,
                                                   descending=asked.descending)
        if after is None and audit:
            searched(vault, total)
    else:
        total, rows, cursor = caseload.page(vault, limit=limit, after=after, filters=asked.filters,
                                            today=today, order=asked.order, descending=asked.descending)
    return CaseloadPage(total, rows, after, cursor)


def workers(vault: Vault) -> list[tuple[str, str]]:
    """(user name, name shown) of each worker with youth this person may see, in name order,
    without the person themselves (offered as "Assigned to me")."""
    names = {user.username: user.display_name for user in vault.users()}
    found = [(worker, f"{names[worker]} ({worker})" if names.get(worker) else worker)
             for worker in caseload.assigned_workers(vault) if worker != vault.user.username]
    return sorted(found, key=lambda pair: (folded(pair[1]), pair[0]))


def searched(vault: Vault, results: int) -> None:
    """The audit entry of a search whose results were shown (its words are not kept)."""
    vault.audit("search", results=results)


def tidy_search(vault: Vault) -> bool:
    """The search index merged if writes have left it in many pieces (storage/records.py); run by
    the window on the vault thread when no one waits for it, once Today is found."""
    return vault.records.tidy_search()

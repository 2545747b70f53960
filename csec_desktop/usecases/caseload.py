"""The caseload list: paging and search through one function, so both give a true total."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from csec_desktop import caseload
from csec_desktop.caseload import Filters, YouthSummary
from csec_desktop.storage.vault import Vault

PAGE = 200


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
    offset: int


def query(vault: Vault, asked: CaseloadQuery, *, offset: int = 0, limit: int = PAGE,
          today: date | None = None) -> CaseloadPage:
    """One page of the caseload (or of a search in it) with the total. A search is audited once,
    when its first page is read (the words are not kept: they may be a youth's name)."""
    if asked.searching:
        total, rows = caseload.search_page(vault, asked.text, limit=limit, offset=offset,
                                           filters=asked.filters, today=today, order=asked.order,
                                           descending=asked.descending)
        if offset == 0:
            vault.audit("search", results=total)
    else:
        total, rows = caseload.page(vault, limit=limit, offset=offset, filters=asked.filters, today=today,
                                    order=asked.order, descending=asked.descending)
    return CaseloadPage(total, rows, offset)

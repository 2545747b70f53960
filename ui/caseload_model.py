"""The caseload as a table model over pages of core query results.

Rows arrive a page at a time from the worker thread (fetchMore), so 100,000 youth
cost only what is on screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from csec_desktop.caseload import Cursor, YouthSummary
from csec_desktop.clock import legal_today
from csec_desktop.domain.youth import LEGAL_STATUS_LABELS
from ui.i18n import N_, _
from ui.table_model import Index, TranslatedTableModel

# How the core sorts each column: (order, whether ascending here means descending there).
SORTS: dict[int, tuple[str, bool]] = {0: ("name", False), 1: ("birth", True), 2: ("birth", False),
                                      4: ("worker", False), 5: ("unit", False)}


class CaseloadModel(TranslatedTableModel):
    COLUMNS = (N_("Name"), N_("Age"), N_("Date of birth"), N_("Legal status"), N_("Worker"), N_("Unit"),
               N_("Aliases"))

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[YouthSummary] = []
        self._total = 0
        self._loading = False
        self.request_more: Any = None  # set by the window: callable(cursor) -> None
        self.next: Cursor | None = None  # where the next page starts
        self.request_sort: Any = None  # set by the window: callable() -> None
        self.order = ("name", False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting 100,000 youth is the database's job: ask for the first page again in order."""
        if column not in SORTS:
            return
        name, flip = SORTS[column]
        self.order = (name, (order == Qt.SortOrder.DescendingOrder) != flip)
        if self.request_sort is not None:
            self.request_sort()

    def reset(self, total: int, rows: list[YouthSummary], next_page: Cursor | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._total = total
        self.next = next_page
        self._loading = False
        self.endResetModel()

    def clear(self) -> None:
        self.reset(0, [])

    def append(self, rows: list[YouthSummary], next_page: Cursor | None = None) -> None:
        self._loading = False
        self.next = next_page if rows else self.next
        if not rows:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def total(self) -> int:
        return self._total

    def summary(self, row: int) -> YouthSummary:
        return self._rows[row]

    def canFetchMore(self, parent: Index) -> bool:
        return (not parent.isValid() and not self._loading and len(self._rows) < self._total
                and self.next is not None)

    def fetchMore(self, parent: Index) -> None:
        if self.canFetchMore(parent) and self.request_more is not None:
            self._loading = True
            self.request_more(self.next)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        s = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return s.name
            if column == 1:
                return s.age(legal_today())
            if column == 2:
                return s.date_of_birth.isoformat()
            if column == 3:
                return _(LEGAL_STATUS_LABELS[s.status])
            if column == 4:
                return s.assigned_worker or ""
            if column == 5:
                return s.unit or ""
            if column == 6:
                return ", ".join(s.aliases)
        if s.sealed and index.column() == 0:
            # Marked without changing the text (sorting, search and screen readers read the name).
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
                return _("Sealed record (seen only by roles allowed to read sealed records)")
        return None

"""The caseload as a table model over pages of core query results.

Rows arrive a page at a time from the worker thread (fetchMore), so 100,000 youth
cost only what is on screen.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from csec_desktop.caseload import YouthSummary
from csec_desktop.domain.youth import LEGAL_STATUS_LABELS

COLUMNS = ("Name", "Age", "Date of birth", "Legal status", "Worker", "Unit", "Aliases")
Index = QModelIndex | QPersistentModelIndex


class CaseloadModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[YouthSummary] = []
        self._total = 0
        self._loading = False
        self.request_more: Any = None  # set by the window: callable(offset) -> None

    def reset(self, total: int, rows: list[YouthSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._total = total
        self._loading = False
        self.endResetModel()

    def clear(self) -> None:
        self.reset(0, [])

    def append(self, rows: list[YouthSummary]) -> None:
        self._loading = False
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

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._loading and len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:
        if self.canFetchMore(parent) and self.request_more is not None:
            self._loading = True
            self.request_more(len(self._rows))

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        s = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return s.name
            if column == 1:
                return s.age(date.today())
            if column == 2:
                return s.date_of_birth.isoformat()
            if column == 3:
                return LEGAL_STATUS_LABELS[s.status]
            if column == 4:
                return s.assigned_worker or ""
            if column == 5:
                return s.unit or ""
            if column == 6:
                return ", ".join(s.aliases)
        return None

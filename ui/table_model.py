"""The part every table model here shares: translated column headers, flat rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView

from ui.i18n import _, on_change

Index = QModelIndex | QPersistentModelIndex


def tab_leaves(view: QAbstractItemView) -> QAbstractItemView:
    """A list shown as a table: Tab moves on to the next control, the arrows within the rows. A
    table takes Tab for its cells by default, and a keyboard user could not get past it (Today's
    list to its "Mark done" form)."""
    view.setTabKeyNavigation(False)
    return view


class TranslatedTableModel(QAbstractTableModel):
    """Subclasses set COLUMNS (N_-marked) and keep their rows in `_rows`."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Any] = []
        on_change(self, "retranslate")

    def retranslate(self) -> None:
        last = len(self.COLUMNS) - 1
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, last))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.COLUMNS[section])
        return None

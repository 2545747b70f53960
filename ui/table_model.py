"""The part every table model here shares: translated column headers, flat rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTableView

from ui.i18n import _, on_change

Index = QModelIndex | QPersistentModelIndex


def tab_leaves(view: QAbstractItemView) -> QAbstractItemView:
    """A list shown as a table: Tab moves on to the next control, the arrows within the rows. A
    table takes Tab for its cells by default, and a keyboard user could not get past it (Today's
    list to its "Mark done" form)."""
    view.setTabKeyNavigation(False)
    return view


class _DownGoes(QObject):
    """Down in a search box goes to its results (an event filter, a child of the box)."""

    def __init__(self, box: QObject, go: Callable[[], None]) -> None:
        super().__init__(box)
        self._go = go
        box.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Down:
            self._go()
            return True
        return False


def down_goes_to_results(box: QLineEdit, go: Callable[[], None]) -> None:
    """From the words to the rows by keyboard: Down or Enter in the search box calls `go`, which
    focuses the results (the caseload's and the directory's)."""
    box.returnPressed.connect(go)
    _DownGoes(box, go)


class _ColumnWidths(QObject):
    """A view's column widths, a child of the view: its connection to the model (which may outlive
    the view) goes with it."""

    def __init__(self, view: QTableView, widths: Sequence[int | Callable[[], int]]) -> None:
        super().__init__(view)
        self._view = view
        self._widths = tuple(widths)

    def fit(self, *_args: object) -> None:
        header = self._view.horizontalHeader()
        for column, width in enumerate(self._widths):
            wanted = width() if callable(width) else width
            self._view.setColumnWidth(column, max(wanted, header.sectionSizeHint(column)))


def column_widths(view: QTableView, widths: Sequence[int | Callable[[], int]]) -> None:
    """Each column `widths[i]` wide, or as wide as its header's text when that is wider (a header
    cut short, "echa de nacimient" in Spanish, names nothing); fitted again when the headers are
    translated (TranslatedTableModel.retranslate). A width may be a function, asked at each fit,
    for a column whose own texts are measured in the window's language."""
    fitting = _ColumnWidths(view, widths)
    fitting.fit()
    view.model().headerDataChanged.connect(fitting.fit)


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

"""Law changes: the effective dates ahead that touch the caseload, each with its source and confidence.

The page reads one use case (csec_desktop.usecases.law.upcoming), the same `csec rules --changes` prints, on
the window's vault thread. A change whose date or reading is not confirmed says so; a change whose reach the
record cannot tell (immigration status is not recorded) says so instead of a number; a pending bill is marked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from csec_desktop.rules import CONFIDENCE_NAMES, LEGAL_ZONE, Confidence
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import law as law_screen
from ui.i18n import N_, _, bind
from ui.messages import describe
from ui.table_model import Index, TranslatedTableModel, column_widths, tab_leaves
from ui.tasks import Tasks


class ChangesModel(TranslatedTableModel):
    COLUMNS = (N_("Takes effect"), N_("What changes"), N_("Whom it touches"), N_("Youth in your caseload"),
               N_("Source"), N_("Confidence"))

    def reset(self, rows: tuple[law_screen.ChangeRow, ...]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def text(self, row: law_screen.ChangeRow, column: int) -> str:
        change = row.change
        if column == 0:
            day = change.day.isoformat() if change.day else _("date not confirmed")
            return day + (" " + _("(pending bill)") if change.pending else "")
        if column == 1:
            return _(change.title)
        if column == 2:
            return _(change.who) if change.who else "—"
        if column == 3:
            if not row.countable:
                return _("not recorded: cannot count")
            return "—" if row.youth is None else str(row.youth)
        if column == 4:
            return change.source
        return _(CONFIDENCE_NAMES[change.confidence])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row: law_screen.ChangeRow = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 5 \
                and row.change.confidence is Confidence.UNCONFIRMED:
            return QColor("#8a4b00")
        return None


class LawChangesPage(QWidget):
    """The page; `load()` reads the changes ahead (from today, California time) with the caseload's counts."""

    def __init__(self, tasks: Tasks, now: Callable[[], datetime] = lambda: datetime.now(LEGAL_ZONE)) -> None:
        super().__init__()
        self.tasks = tasks
        self.now = now
        heading = QLabel()
        bind(heading, "setText", N_("<h2>Law changes</h2>Effective dates ahead that touch the caseload, each "
                                    "with its source and how sure the app is of it. A date or reading marked "
                                    "unconfirmed is the app's best reading: check it before relying on it."))
        heading.setWordWrap(True)
        self.as_of = QLabel()
        self.as_of.setWordWrap(True)
        bind(self.as_of, "setAccessibleName", N_("Law changes listed from"))
        self.model = ChangesModel()
        self.table = QTableView()
        tab_leaves(self.table)
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # Rows as tall as their wrapped text, kept so when a column is resized.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        column_widths(self.table, (120, 0, 240, 160, 200, 120))  # the second stretches
        bind(self.table, "setAccessibleName", N_("Law changes ahead"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Law changes message"))
        self.refresh = QPushButton()
        bind(self.refresh, "setText", N_("&Refresh"))
        self.refresh.clicked.connect(lambda: self.load())
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(self.as_of)
        box.addWidget(self.table, 1)
        box.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh)
        buttons.addStretch(1)
        box.addLayout(buttons)

    def load(self, on_done: Callable[[], None] | None = None) -> None:
        moment = self.now()

        def work(vault: Vault) -> law_screen.LawChanges:
            return law_screen.upcoming(vault, moment)

        def done(found: law_screen.LawChanges) -> None:
            self.show_changes(found)
            if on_done:
                on_done()

        self.tasks.run(work, done, self._failed, latest="law_changes")

    def show_changes(self, found: law_screen.LawChanges) -> None:
        self.model.reset(found.rows)
        self.as_of.setText(_("From {day}: {n} changes ahead.").format(day=found.after.isoformat(),
                                                                     n=len(found.rows)))
        self.message.setText("" if found.rows else _("No law change ahead is known to the app."))

    def _failed(self, error: BaseException) -> None:
        self.message.setText(describe(error))

    def clear(self) -> None:
        """On lock: nothing about the caseload stays on screen."""
        self.tasks.supersede("law_changes")
        self.model.reset(())
        self.as_of.clear()
        self.message.clear()

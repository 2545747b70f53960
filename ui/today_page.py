"""Today: what is due and overdue across the caseload, most urgent first, each with its law."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.today import Item, mark_done, reopen, sort_items
from csec_desktop.usecases import today as today_screen
from ui.i18n import N_, _, bind, item_text, say
from ui.messages import describe
from ui.table_model import Index, TranslatedTableModel
from ui.tasks import Change, Tasks


class TodayModel(TranslatedTableModel):
    COLUMNS = (N_("When"), N_("Due"), N_("Youth"), N_("Duty"), N_("Law"))

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Item] = []
        self._now = datetime.now(LEGAL_ZONE)

    def reset(self, items: list[Item], now: datetime) -> None:
        self.beginResetModel()
        self._rows, self._now = list(items), now
        self.endResetModel()

    def clear(self) -> None:
        self.reset([], datetime.now(LEGAL_ZONE))

    def item(self, row: int) -> Item:
        item: Item = self._rows[row]
        return item

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item: Item = self._rows[index.row()]
        finding = item.finding
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                if finding.done:
                    return _("Done")
                if finding.due is None:
                    return _("No date")
                days = (finding.due.date() - self._now.date()).days
                if finding.overdue(self._now):
                    return _("Overdue by {days} d").format(days=max(days * -1, 0))
                return _("Due today") if days == 0 else _("In {days} d").format(days=days)
            if column == 1:
                return finding.due.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d") if finding.due else ""
            if column == 2:
                return item.youth_name
            if column == 3:
                return _(finding.title)
            if column == 4:
                return finding.citation
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0 and finding.overdue(self._now):
            return QBrush(QColor("#b00020"))
        return None


class TodayPage(QWidget):
    open_requested = Signal(str)  # youth id
    done_requested = Signal(str, str, str, dict)  # youth id, rule id, occurrence, how (note, method...)
    reopen_requested = Signal(str, str, str)
    refresh_requested = Signal()

    def __init__(self, model: TodayModel) -> None:
        super().__init__()
        self.model = model
        self.heading = QLabel()
        self.table = QTableView()
        self.table.setModel(model)
        bind(self.table, "setAccessibleName", N_("Due and overdue duties"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((130, 100, 200, 330)):
            self.table.setColumnWidth(column, width)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        bind(self.detail, "setAccessibleName", N_("Why this duty is shown"))
        self.note = QLineEdit()
        bind(self.note, "setAccessibleName", N_("Note on what was done"))
        note_label = QLabel()
        bind(note_label, "setText", N_("&Note (optional)"))
        note_label.setBuddy(self.note)
        # How a report or notice was made, and to whom: the record a 24-hour duty needs.
        self.method = QComboBox()
        self.method.addItem("", None)  # not said
        methods = [(N_("telephone"), "telephone"), (N_("fax"), "fax"),
                   (N_("electronic report"), "electronic"), (N_("in person"), "in_person"),
                   (N_("in writing"), "writing")]
        for index, (text, value) in enumerate(methods, start=1):
            self.method.addItem("", value)
            bind(self.method, item_text(index), text)
        bind(self.method, "setAccessibleName", N_("How it was done"))
        method_label = QLabel()
        bind(method_label, "setText", N_("Ho&w"))
        method_label.setBuddy(self.method)
        self.recipient = QLineEdit()
        bind(self.recipient, "setAccessibleName", N_("Who was told"))
        recipient_label = QLabel()
        bind(recipient_label, "setText", N_("Who was &told (agency, person)"))
        recipient_label.setBuddy(self.recipient)
        self.show_done = QCheckBox()
        bind(self.show_done, "setText", N_("Show &done duties"))
        self.open_button = QPushButton()
        bind(self.open_button, "setText", N_("&Open the youth's record"))
        self.done_button = QPushButton()
        bind(self.done_button, "setText", N_("&Mark done"))
        self.reopen_button = QPushButton()
        bind(self.reopen_button, "setText", N_("&Reopen (undo done)"))
        self.message = QLabel()
        bind(self.message, "setAccessibleName", N_("Today message"))
        bind(self.heading, "setText", N_("<h2>Today</h2><p>What is due and overdue in your caseload, "
                                         "most urgent first. Each duty shows the law it comes from."
                                         "</p>"))
        form = QFormLayout()
        form.addRow(note_label, self.note)
        form.addRow(method_label, self.method)
        form.addRow(recipient_label, self.recipient)
        buttons = QHBoxLayout()
        for widget in (self.open_button, self.done_button, self.reopen_button, self.show_done):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.heading)
        box.addWidget(self.table, 1)
        box.addWidget(self.detail)
        box.addLayout(form)
        box.addLayout(buttons)
        box.addWidget(self.message)
        self.table.activated.connect(lambda _i: self._open())
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._describe(cur.row()))
        model.modelReset.connect(lambda: self._describe(-1))
        self.open_button.clicked.connect(self._open)
        self.done_button.clicked.connect(self._done)
        self.reopen_button.clicked.connect(self._reopen)
        self.show_done.toggled.connect(lambda _c: self.refresh_requested.emit())

    def _current(self) -> Item | None:
        row = self.table.currentIndex().row()
        return self.model.item(row) if 0 <= row < self.model.rowCount() else None

    def _describe(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            self.detail.setText(_("Select a duty to see why it is shown.") if self.model.rowCount()
                                else _("Nothing is due in your caseload."))
            return
        finding = self.model.item(row).finding
        self.detail.setText("\n".join([
            _(finding.title), *[f"• {say(why)}" for why in finding.why],
            _("Law: {citation} (law as of {date})").format(citation=finding.citation,
                                                          date=finding.law_as_of.isoformat()),
        ]))

    def _open(self) -> None:
        item = self._current()
        if item is not None and item.finding.youth_id:
            self.open_requested.emit(item.finding.youth_id)

    def _done(self) -> None:
        item = self._current()
        if item is None or item.finding.youth_id is None:
            self.message.setText(_("Select a duty first."))
            return
        how = {"note": self.note.text().strip() or None, "method": self.method.currentData(),
               "recipient": self.recipient.text().strip() or None}
        self.done_requested.emit(item.finding.youth_id, item.finding.rule_id, item.finding.occurrence, how)
        self.note.clear()
        self.recipient.clear()
        self.method.setCurrentIndex(0)

    def _reopen(self) -> None:
        item = self._current()
        if item is None or item.finding.youth_id is None or not item.finding.done:
            self.message.setText(_("Select a duty marked done first (tick Show done duties)."))
            return
        self.reopen_requested.emit(item.finding.youth_id, item.finding.rule_id, item.finding.occurrence)

    def clear(self) -> None:
        self.model.clear()
        self.note.clear()
        self.recipient.clear()
        self.message.clear()
        self.detail.clear()


class TodayController(QObject):
    """Computes Today in chunks (so a search typed meanwhile waits for one chunk at most) and
    redraws it after a duty is marked done or reopened, or a record changed."""

    def __init__(self, tasks: Tasks, page: TodayPage, model: TodayModel, *,
                 shown: Callable[[], bool]) -> None:
        super().__init__(page)
        self.tasks, self.page, self.model, self._shown = tasks, page, model, shown
        page.done_requested.connect(self.mark_done)
        page.reopen_requested.connect(self.reopen)
        page.refresh_requested.connect(lambda: self.compute())

    def compute(self, message: str = "") -> None:
        """(Re)compute the list; `message` is shown when it is ready."""
        include_done = self.page.show_done.isChecked()
        now = datetime.now(LEGAL_ZONE)
        found: list[Item] = []
        checked = [0]
        self.page.message.setText(_("Finding what is due…"))

        def step(after: int) -> None:
            self.tasks.run(lambda vault: today_screen.scan(vault, now, after=after, found_before=len(found),
                                                            include_done=include_done),
                           got, self._failed, latest="today")

        def got(chunk: today_screen.TodayChunk) -> None:
            found.extend(chunk.scan.items)
            checked[0] += chunk.scan.checked
            if chunk.scan.next_after is not None:
                self.page.message.setText(_("Finding what is due… {percent}% ({checked} youth checked)")
                                          .format(checked=f"{checked[0]:,}",
                                                  percent=int(chunk.scan.done_fraction * 100)))
                step(chunk.scan.next_after)
                return
            self.model.reset(sort_items(found, now), now)
            self.page.message.setText(message)
            if found:
                self.page.table.selectRow(0)

        step(0)

    def _failed(self, error: Exception) -> None:
        self.page.message.setText(describe(error))

    def mark_done(self, youth_id: str, rule_id: str, occurrence: str, how: dict[str, Any]) -> None:
        self.tasks.run(lambda vault: mark_done(vault, youth_id, rule_id, occurrence, **how),
                       lambda _r: self.compute(_("Marked done. Tick Show done duties to reopen it.")),
                       self._failed)

    def reopen(self, youth_id: str, rule_id: str, occurrence: str) -> None:
        self.tasks.run(lambda vault: reopen(vault, youth_id, rule_id, occurrence),
                       lambda _r: self.compute(_("Reopened: the duty is due again.")), self._failed)

    def changed(self, _change: Change) -> None:
        if self._shown():
            self.compute()

    def entered(self, message: str = "") -> None:
        self.page.table.setFocus()
        self.compute(message)

    def clear(self) -> None:
        self.tasks.supersede("today")
        self.page.clear()

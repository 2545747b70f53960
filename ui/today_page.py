"""Today: what is due across the caseload, grouped by urgency, each duty with its law.

The order and the groups are the core's (`csec_desktop.today.sort_items`, `group_of`): overdue,
due within 24 hours, within 7 days, later, long overdue (more than 90 days), done; legal duties
above suggestions in each group (the table's model: ui/today_model.py). The page narrows the list
by kind, by youth and, for a person who sees every youth, by worker, without asking the vault
again. "Mark done" records when it was actually done, how, and to whom, one line per recipient.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.domain.base import PLAIN_PROBLEMS, calendar_problem
from csec_desktop.domain.duties import METHODS as DUTY_METHODS
from csec_desktop.domain.duties import NAMED_RECIPIENTS
from csec_desktop.rules import CONFIDENCE_NAMES, LEGAL_ZONE, FindingKind
from csec_desktop.today import (
    LEGAL_KINDS,
    Group,
    Item,
    TodayFilter,
    due_text,
)
from ui.i18n import N_, _, bind, item_text, on_change, problem, say
from ui.scrolling import wheel_safe
from ui.suggestions import CONFIDENCE_NOTES
from ui.table_model import column_widths, tab_leaves
from ui.today_model import (
    ELIGIBILITY_KINDS,
    GROUP_COLOURS,
    GROUP_NAMES,
    TodayModel,
    identity,
)

KIND_FILTERS: tuple[tuple[str, frozenset[FindingKind]], ...] = (
    (N_("All kinds"), frozenset()),
    (N_("Legal duties (deadlines and warnings)"), LEGAL_KINDS),
    (N_("Deadlines"), frozenset({FindingKind.DEADLINE})),
    (N_("Warnings"), frozenset({FindingKind.WARNING})),
    (N_("Suggestions"), frozenset({FindingKind.SUGGESTION})),
    (N_("Eligibility"), ELIGIBILITY_KINDS),
)
METHODS = tuple((text, value) for value, text in DUTY_METHODS.items())
METHOD_NAMES = DUTY_METHODS
EVERY = "\x00every"  # the worker and unit filters' "all" (None would read as unset in Qt)


MOMENT_FORMAT = "%Y-%m-%d %H:%M"


class MomentEdit(QLineEdit):
    """A California date and time typed as YYYY-MM-DD HH:MM, as every moment in a record's form is.
    A QDateTimeEdit took five presses of Tab to leave, and made "2026-02-30 10:00" typed into it
    2026-02-03 01:00 unsaid (the day's section refused the 0, and the rest of the keys went on);
    that day was then recorded as when a duty was done."""

    def setDateTime(self, value: QDateTime) -> None:
        day, time = value.date(), value.time()
        self.setText(datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())
                     .strftime(MOMENT_FORMAT))

    def moment(self) -> datetime | str:
        """The moment typed, California wall-clock time (not the computer's zone), or what is wrong."""
        text = self.text().strip()
        try:
            return datetime.strptime(text, MOMENT_FORMAT).replace(tzinfo=LEGAL_ZONE)
        except ValueError:
            return calendar_problem(text) or PLAIN_PROBLEMS["datetime_parsing"]


class TodayPage(QWidget):
    open_requested = Signal(str)  # youth id
    done_requested = Signal(str, str, str, dict)  # youth id, rule id, occurrence, how (note, when, lines)
    reopen_requested = Signal(str, str, str)
    refresh_requested = Signal()
    why_wanted = Signal(str, str, str)  # youth id, rule id, occurrence: a duty's why lines, to show
    _marks_allowed = True  # this role may mark duties done (allow_marks)
    marking = ""
    """The duty last sent to be marked done, and whose (the message after names it)."""

    def __init__(self, model: TodayModel) -> None:
        super().__init__()
        self.model = model
        self._whys: dict[tuple[str | None, str, str], tuple[str, ...]] = {}
        self.heading = QLabel()
        bind(self.heading, "setText", N_(
            "<h2>Today</h2><p>What is due for the youth you see, by urgency. In each group, legal duties "
            "come before suggestions. Duties overdue for more than 90 days keep their own group at the "
            "end. Times are California time.</p>"))
        self.heading.setWordWrap(True)
        # Filters: they narrow what was found; nothing is asked of the vault again.
        self.kind = QComboBox()
        for index, (text, _kinds) in enumerate(KIND_FILTERS):
            self.kind.addItem("", index)
            bind(self.kind, item_text(index), text)
        bind(self.kind, "setAccessibleName", N_("Kind of duty"))
        kind_label = QLabel()
        bind(kind_label, "setText", N_("&Kind"))
        kind_label.setBuddy(self.kind)
        self.youth = QLineEdit()
        self.youth.setClearButtonEnabled(True)
        bind(self.youth, "setAccessibleName", N_("Youth's name contains"))
        bind(self.youth, "setPlaceholderText", N_("name"))
        youth_label = QLabel()
        bind(youth_label, "setText", N_("&Youth"))
        youth_label.setBuddy(self.youth)
        self.worker = QComboBox()
        self.worker.setMinimumContentsLength(20)  # "Todos los trabajadores" whole
        bind(self.worker, "setAccessibleName", N_("Assigned worker"))
        self.worker_label = QLabel()
        bind(self.worker_label, "setText", N_("Work&er"))
        self.worker_label.setBuddy(self.worker)
        self.unit = QComboBox()
        self.unit.setMinimumContentsLength(16)  # "Todas las unidades"
        bind(self.unit, "setAccessibleName", N_("Unit"))
        self.unit_label = QLabel()
        bind(self.unit_label, "setText", N_("&Unit"))
        self.unit_label.setBuddy(self.unit)
        # For those who see every youth (supervisors): set_assignments.
        self._assignment_filters: tuple[QWidget, ...] = (self.worker_label, self.worker, self.unit_label,
                                                         self.unit)
        for hidden in self._assignment_filters:
            hidden.setVisible(False)
        self._fill_assignments([], [])
        self.show_done = QCheckBox()
        bind(self.show_done, "setText", N_("Show &done duties"))
        self.shown = QLabel()
        bind(self.shown, "setAccessibleName", N_("Duties shown"))
        filters = QHBoxLayout()
        for widget in (kind_label, self.kind, youth_label, self.youth, *self._assignment_filters,
                       self.show_done):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.shown)
        # One button per group shown, with its count: a jump to its first row.
        self.group_bar = QHBoxLayout()
        self.group_buttons: dict[Group, QPushButton] = {}
        for group in Group:
            button = QPushButton()
            button.setFlat(True)
            button.setStyleSheet(f"background: {GROUP_COLOURS[group]}; padding: 2px 8px;")
            bind(button, "setAccessibleName", GROUP_NAMES[group])
            button.clicked.connect(lambda _c=False, g=group: self.jump_to(g))
            self.group_buttons[group] = button
            self.group_bar.addWidget(button)
        self.group_bar.addStretch(1)
        self.table = QTableView()
        tab_leaves(self.table)
        self.table.setModel(model)
        bind(self.table, "setAccessibleName", N_("Due and overdue duties"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        column_widths(self.table, (self._group_width, 125, 145, 150, 310, 100, 115))
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        bind(self.detail, "setAccessibleName", N_("Why this duty is shown"))
        self.done_box = self._done_form()
        self.open_button = QPushButton()
        bind(self.open_button, "setText", N_("&Open the youth's record"))
        self.done_button = QPushButton()
        bind(self.done_button, "setText", N_("&Mark done"))
        self.reopen_button = QPushButton()
        bind(self.reopen_button, "setText", N_("&Reopen (undo done)"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Today message"))
        buttons = QHBoxLayout()
        for button in (self.open_button, self.done_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        lower = QHBoxLayout()
        lower.addWidget(self.detail, 1)
        lower.addWidget(self.done_box, 1)
        box = QVBoxLayout(self)
        box.addWidget(self.heading)
        box.addLayout(filters)
        box.addLayout(self.group_bar)
        box.addWidget(self.table, 1)
        box.addLayout(lower)
        box.addLayout(buttons)
        box.addWidget(self.message)
        self.table.activated.connect(lambda _i: self._open())
        # The detail and Mark done follow the selection, not only the keys' place (see `_current`).
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._selection_changed())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        # A filter, a refresh or a chunk redraws the rows without a word to the selection.
        for signal in (self.model.modelReset, self.model.layoutChanged, self.model.rowsRemoved):
            signal.connect(lambda *_a: self._selection_changed())
        model.modelReset.connect(self._redrawn)
        self.open_button.clicked.connect(self._open)
        self.done_button.clicked.connect(self._done)
        self.reopen_button.clicked.connect(self._reopen)
        on_change(self, "retranslate")
        self.show_done.toggled.connect(lambda _c: self.refresh_requested.emit())
        self.kind.currentIndexChanged.connect(lambda _i: self._filter())
        self.youth.textChanged.connect(lambda _t: self._filter())
        self.worker.currentIndexChanged.connect(lambda _i: self._filter())
        self.unit.currentIndexChanged.connect(lambda _i: self._filter())
        self._redrawn()

    computing = False
    """Today's chunks are still running (set by the controller): an empty list is not yet news."""

    def set_computing(self, computing: bool) -> None:
        """Said while the list is found: "Nothing is due in your caseload" showed before anything
        was checked (review, session 38)."""
        self.computing = computing
        self._describe(self.table.currentIndex().row() if self._current() is not None else -1)

    def allow_marks(self, allowed: bool, why: str) -> None:
        """Marking a duty done (and reopening one) for a role that may write; for one that may not,
        every control of it disabled, saying why (they looked usable, and a click was refused with
        the permission's code)."""
        for widget in (self.done_button, self.reopen_button, self.when, self.method, self.recipient,
                       self.add_recipient, self.remove_recipient, self.recipients, self.note,
                       self.named_button):
            widget.setEnabled(allowed)
            widget.setToolTip("" if allowed else why)
        self._marks_allowed = allowed
        self.done_button.setEnabled(allowed and self._current() is not None)
        self.reopen_button.setEnabled(allowed and self._current() is not None)

    def _group_width(self) -> int:
        """The group column, wide enough for the longest group's name in the window's language, in
        bold as it is drawn ("Long overdue (ove..." was cut at 150 pixels). Measured again when the
        headers are translated; only this language's catalog: loading another's took 0.14 s of
        the start."""
        bold = QFont(self.table.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        return max(150, max(metrics.horizontalAdvance(_(name)) for name in GROUP_NAMES.values()) + 16)

    def _done_form(self) -> QGroupBox:
        """When it was done, how, and to whom: one line per recipient."""
        box = QGroupBox()
        bind(box, "setTitle", N_("Mark the selected duty done"))
        self.when = MomentEdit()
        self.when.setPlaceholderText("YYYY-MM-DD HH:MM")
        self.when.setMaximumWidth(self.when.fontMetrics().horizontalAdvance("0000-00-00 00:00") + 24)
        bind(self.when, "setAccessibleName", N_("When it was done (California time)"))
        when_label = QLabel()
        bind(when_label, "setText", N_("W&hen it was done"))
        when_label.setBuddy(self.when)
        self._when_set_by_person = False
        self._when_for: object = None  # the duty the time typed is for
        self.when.textChanged.connect(lambda _v: self._when_edited())
        self.method = wheel_safe(QComboBox())
        self.method.addItem("", None)  # not said
        for index, (text, value) in enumerate(METHODS, start=1):
            self.method.addItem("", value)
            bind(self.method, item_text(index), text)
        bind(self.method, "setAccessibleName", N_("How it was done"))
        method_label = QLabel()
        bind(method_label, "setText", N_("Ho&w"))
        method_label.setBuddy(self.method)
        self.recipient = QLineEdit()
        bind(self.recipient, "setAccessibleName", N_("Who was told"))
        bind(self.recipient, "setPlaceholderText", N_("agency or person; Enter adds the line"))
        recipient_label = QLabel()
        bind(recipient_label, "setText", N_("Who was &told"))
        recipient_label.setBuddy(self.recipient)
        self.add_recipient = QPushButton()
        bind(self.add_recipient, "setText", N_("Add reci&pient"))
        self.named_button = QPushButton()
        bind(self.named_button, "setText", N_("Add those the &statute names"))
        self.named_button.setVisible(False)
        self.recipients = QTableWidget(0, 3)
        bind(self.recipients, "setAccessibleName", N_("Recipients, one line each"))
        self.recipients.verticalHeader().hide()
        self.recipients.verticalHeader().setDefaultSectionSize(22)
        self.recipients.setWordWrap(False)
        self.recipients.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.recipients.setColumnWidth(1, 140)
        self.recipients.setColumnWidth(2, 110)
        self.recipients.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recipients.setMaximumHeight(96)
        self._retitle_recipients()
        self.remove_recipient = QPushButton()
        bind(self.remove_recipient, "setText", N_("Remo&ve recipient"))
        self.note = QLineEdit()
        bind(self.note, "setAccessibleName", N_("Note on what was done"))
        note_label = QLabel()
        bind(note_label, "setText", N_("&Note (optional)"))
        note_label.setBuddy(self.note)
        # When and how on one line, then who (each line added below with its when and how).
        grid = QGridLayout(box)
        grid.addWidget(when_label, 0, 0)
        grid.addWidget(self.when, 0, 1)
        grid.addWidget(method_label, 0, 2)
        grid.addWidget(self.method, 0, 3)
        grid.addWidget(recipient_label, 1, 0)
        grid.addWidget(self.recipient, 1, 1, 1, 3)
        grid.addWidget(self.recipients, 2, 0, 3, 4)
        grid.addWidget(self.add_recipient, 1, 4)
        grid.addWidget(self.named_button, 2, 4)
        grid.addWidget(self.remove_recipient, 3, 4)
        grid.addWidget(note_label, 5, 0)
        grid.addWidget(self.note, 5, 1, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.add_recipient.clicked.connect(self._add_pending)
        self.recipient.returnPressed.connect(self._add_pending)
        self.named_button.clicked.connect(self._add_named)
        self.remove_recipient.clicked.connect(self._remove_line)
        self._reset_when()
        return box

    def retranslate(self) -> None:
        """After a change of language: the texts set from code rather than bound."""
        self._retitle_recipients()
        self._fill_assignments(self.model.workers(), self.model.units())
        self._redrawn()

    def _retitle_recipients(self) -> None:
        self.recipients.setHorizontalHeaderLabels([_("Who"), _("When"), _("How")])

    # -- filters and groups --------------------------------------------------------------------

    def _filter(self) -> None:
        kinds = KIND_FILTERS[max(self.kind.currentIndex(), 0)][1]
        worker, unit = self.worker.currentData(), self.unit.currentData()
        self.model.set_filter(TodayFilter(kinds=kinds, youth=self.youth.text(),
                                          worker=None if worker in (None, EVERY) else str(worker),
                                          unit=None if unit in (None, EVERY) else str(unit)))

    def _fill_assignments(self, workers: list[str], units: list[str]) -> None:
        for combo, every, none, names in (
                (self.worker, N_("All workers"), N_("No worker assigned"), workers),
                (self.unit, N_("All units"), N_("No unit recorded"), units)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(_(every), EVERY)
            combo.addItem(_(none), "")
            for name in names:
                combo.addItem(name, name)
            found = combo.findData(current) if current is not None else -1
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)

    def set_assignments(self, workers: list[str], units: list[str], sees_all: bool) -> None:
        """The worker and unit filters, for a person who sees every youth (a supervisor); the
        others see their own caseload or their unit's, and are not offered them."""
        self._fill_assignments(workers, units)
        for widget in self._assignment_filters:
            widget.setVisible(sees_all)
        if not sees_all and (self.worker.currentIndex() != 0 or self.unit.currentIndex() != 0):
            self.worker.setCurrentIndex(0)
            self.unit.setCurrentIndex(0)

    def _redrawn(self) -> None:
        groups = {group: (first, rows) for group, first, rows in self.model.groups()}
        for group, button in self.group_buttons.items():
            found = groups.get(group)
            button.setVisible(found is not None)
            if found is not None:
                button.setText(f"{_(GROUP_NAMES[group])}: {found[1]:,}")
                button.setAccessibleName(_("Go to {group} ({count})").format(
                    group=_(GROUP_NAMES[group]), count=f"{found[1]:,}"))
        shown, total = self.model.rowCount(), self.model.total()
        self.shown.setText(_("{shown} of {total} shown").format(shown=f"{shown:,}", total=f"{total:,}")
                           if shown != total else "")
        self._describe(-1)

    def jump_to(self, group: Group) -> None:
        for found, first, _rows in self.model.groups():
            if found is group:
                self.table.selectRow(first)
                self.table.scrollTo(self.model.index(first, 0), QAbstractItemView.ScrollHint.PositionAtTop)
                self.table.setFocus()
                return

    # -- the selected duty ---------------------------------------------------------------------

    def _current(self) -> Item | None:
        """The selected duty. The row the keys are on counts only when it is selected: after Mark
        done it is the row that took the done duty's place, another youth's, and a second click on
        Mark done must not mark it."""
        row = self.table.currentIndex().row()
        if not 0 <= row < self.model.rowCount() or not self.table.selectionModel().isRowSelected(row):
            return None
        return self.model.item(row)

    def _selection_changed(self) -> None:
        row = self.table.currentIndex().row()
        self._describe(row if self._current() is not None else -1)
        chosen = self._current() is not None
        if chosen:  # a message about the last duty ("Marked done…") is not about this one
            self.message.clear()
        self.done_button.setEnabled(self._marks_allowed and chosen)
        self.reopen_button.setEnabled(self._marks_allowed and chosen)
        self.open_button.setEnabled(chosen)

    def _describe(self, row: int) -> None:
        self.named_button.setVisible(False)
        if 0 <= row < self.model.rowCount() and not self.table.selectionModel().isRowSelected(row):
            row = -1  # the keys' place, not chosen: nothing is described (see `_current`)
        if not 0 <= row < self.model.rowCount():
            if self.model.rowCount():
                self.detail.setText(_("Select a duty to see why it is shown."))
            elif self.model.total():
                self.detail.setText(_("No duty matches the filters."))
            elif self.computing:
                self.detail.setText(_("Finding what is due…"))
            else:
                self.detail.setText(_("Nothing is due in your caseload."))
            return
        item = self.model.item(row)
        finding = item.finding
        confidence = item.confidence
        lines = [_(finding.title) + " · " + item.youth_name]
        if finding.due is not None:
            lines.append(_("Due {when} ({iso}); {group}").format(
                when=due_text(finding.due, _), iso=finding.due.astimezone(LEGAL_ZONE).date().isoformat(),
                group=_(GROUP_NAMES[self.model.group_of_row(row)]).lower()))
        whys = finding.why or self._whys.get(identity(item))
        if whys is None and finding.youth_id:
            self.why_wanted.emit(finding.youth_id, finding.rule_id, finding.occurrence)
        lines += [f"• {say(why)}" for why in whys or ()]
        lines.append(_("Law: {citation} (law as of {date})").format(citation=finding.citation,
                                                                   date=finding.law_as_of.isoformat()))
        if confidence is not None:
            lines.append(_("Confidence: {name}, {note}").format(name=_(CONFIDENCE_NAMES[confidence]),
                                                                note=_(CONFIDENCE_NOTES[confidence])))
        self.detail.setText("\n".join(lines))
        self.named_button.setVisible(finding.rule_id in NAMED_RECIPIENTS and not finding.done)
        # Nothing typed for one duty is carried to another: the time was (and recorded as when the
        # next one was done), and so were the note, the people told and how, which would have been
        # saved on another youth's duty. The same duty shown again (Today's chunks) keeps them.
        if identity(item) != self._when_for:
            self._empty_form()
        elif not self._when_set_by_person:
            self._reset_when()
        self._when_for = identity(item)

    def show_why(self, duty: tuple[str | None, str, str], whys: tuple[str, ...]) -> None:
        """A duty's why lines, found again on the vault thread (the table holds duties without
        them): kept for the few duties last looked at, shown if that duty is still selected."""
        if len(self._whys) >= 50:
            self._whys.clear()
        self._whys[duty] = whys
        item = self._current()
        if item is not None and identity(item) == duty:
            self._describe(self.table.currentIndex().row())

    def _open(self) -> None:
        item = self._current()
        if item is not None and item.finding.youth_id:
            self.open_requested.emit(item.finding.youth_id)

    # -- marking done --------------------------------------------------------------------------

    def _reset_when(self) -> None:
        self.when.blockSignals(True)
        self.when.setText(datetime.now(LEGAL_ZONE).strftime(MOMENT_FORMAT))
        self.when.blockSignals(False)
        self._when_set_by_person = False

    def _when_edited(self) -> None:
        self._when_set_by_person = True

    def _moment(self) -> datetime | None:
        """When it was done: the field when a person set it, else this very minute; None, with the
        field's problem said, when what was typed names no moment."""
        if not self._when_set_by_person:
            return datetime.now(LEGAL_ZONE)
        found = self.when.moment()
        if isinstance(found, str):
            self.message.setText(_("When it was done") + ": " + problem(found))
            self.when.setFocus()
            return None
        return found

    def _append_line(self, who: str, at: datetime, method: str | None) -> None:
        row = self.recipients.rowCount()
        self.recipients.insertRow(row)
        name = QTableWidgetItem(who)
        name.setData(Qt.ItemDataRole.UserRole, (at, method))
        self.recipients.setItem(row, 0, name)
        for column, text in ((1, due_text(at, _)), (2, _(METHOD_NAMES[method]) if method else "")):
            cell = QTableWidgetItem(text)
            cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.recipients.setItem(row, column, cell)

    def _add_pending(self) -> None:
        who = self.recipient.text().strip()
        if not who:
            self.message.setText(_("Type who was told, then add the line."))
            return
        moment = self._moment()
        if moment is None:
            return
        self._append_line(who, moment, self.method.currentData())
        self.recipient.clear()
        self.recipient.setFocus()

    def _add_named(self) -> None:
        item = self._current()
        if item is None:
            return
        moment, method = self._moment(), self.method.currentData()
        if moment is None:
            return
        for who in NAMED_RECIPIENTS.get(item.finding.rule_id, ()):
            self._append_line(_(who), moment, method)
        self.message.setText(_("Replace each line with the person or office told, and remove those "
                               "that do not apply (Remove recipient)."))

    def _remove_line(self) -> None:
        row = self.recipients.currentRow()
        if row >= 0:
            self.recipients.removeRow(row)

    def lines(self) -> list[dict[str, Any]]:
        """The recipient lines, with the one still being typed (as if added now)."""
        out: list[dict[str, Any]] = []
        for row in range(self.recipients.rowCount()):
            cell = self.recipients.item(row, 0)
            if cell is None:
                continue
            at, method = cell.data(Qt.ItemDataRole.UserRole)
            out.append({"who": cell.text().strip(), "at": at.isoformat(), "method": method})
        pending = self.recipient.text().strip()
        moment = self._moment() if pending else None
        if pending and moment is not None:
            out.append({"who": pending, "at": moment.isoformat(), "method": self.method.currentData()})
        return out

    def _done(self) -> None:
        item = self._current()
        if item is None or item.finding.youth_id is None:
            self.message.setText(_("Select a duty first."))
            return
        if item.finding.done:  # marked again, it replaced the first mark in the reports
            self.message.setText(_("This duty is already marked done. Reopen it first to record it again."))
            return
        moment = self._moment()
        if moment is None:  # said beside the form: nothing is marked
            return
        lines = self.lines()
        how: dict[str, Any] = {"note": self.note.text().strip() or None,
                               "method": self.method.currentData(), "recipients": lines}
        if not lines or self._when_set_by_person:
            how["done_at"] = moment
        self.marking = f"{_(item.finding.title)} · {item.youth_name}"  # said once it is stored
        self.done_requested.emit(item.finding.youth_id, item.finding.rule_id, item.finding.occurrence, how)

    def done_saved(self) -> None:
        """The mark is stored: empty the form for the next duty."""
        self._whys.clear()  # the lines kept for it said nothing of how it was done
        self._empty_form()

    def _empty_form(self) -> None:
        self.note.clear()
        self.recipient.clear()
        self.recipients.setRowCount(0)
        self.method.setCurrentIndex(0)
        self._reset_when()

    def _reopen(self) -> None:
        item = self._current()
        if item is None or item.finding.youth_id is None or not item.finding.done:
            self.message.setText(_("Select a duty marked done first (tick Show done duties)."))
            return
        self._whys.clear()  # kept, they would still say how it was done
        self.reopen_requested.emit(item.finding.youth_id, item.finding.rule_id, item.finding.occurrence)

    def clear(self) -> None:
        self._whys.clear()  # they name a youth's facts: not kept past a lock
        self.model.clear()
        self.done_saved()
        self.youth.clear()
        self.kind.setCurrentIndex(0)
        self.set_assignments([], [], False)
        self.message.clear()
        self.detail.clear()

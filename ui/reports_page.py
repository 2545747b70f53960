"""Reports (issue 23): the program's counts for a period, by unit, each with its definition and law;
a count's youth listed beside it (double-click opens one); the duties an identification starts,
met in time, late or open; the monthly trend drawn; exports as CSV, XLSX or the printed PDF, plain
or de-identified.

The page reads one use case (csec_desktop.usecases.reports.run) on the window's vault thread, so a
caseworker sees their own caseload's counts and a supervisor all they may see. Locking clears it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.caseload import Filters
from csec_desktop.domain.people import Permission
from csec_desktop.domain.youth import LEGAL_STATUS_LABELS, LegalStatus
from csec_desktop.reports import counts as C
from csec_desktop.reports import lists
from csec_desktop.reports import periods as P
from csec_desktop.reports.duties import SHORT
from csec_desktop.reports.figures import column_name
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from csec_desktop.text import folded
from csec_desktop.usecases import reports as report_screen
from ui.i18n import N_, _, bind, item_text, on_change, special_value
from ui.messages import describe
from ui.report_charts import Bars, TrendChart
from ui.scrolling import wheel_safe
from ui.table_model import tab_leaves
from ui.tasks import Tasks

LIST_TIP = N_("A list that names youth, for your own work; audited")


def presets(today: date) -> list[tuple[str, str]]:
    """(label, period text) for the picker: this and last quarter, this and last fiscal year, last month."""
    quarter = (today.month - 1) // 3 + 1
    last_q = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    fy = today.year if today.month >= 7 else today.year - 1
    last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return [(N_("Last quarter"), f"{last_q[0]}Q{last_q[1]}"), (N_("This quarter"), f"{today.year}Q{quarter}"),
            (N_("Last month"), f"{last_month[0]}-{last_month[1]:02d}"),
            (N_("This fiscal year"), f"FY{fy}-{(fy + 1) % 100:02d}"),
            (N_("Last fiscal year"), f"FY{fy - 1}-{fy % 100:02d}")]


def said_period(label: str) -> str:
    """A period's code in the reader's words: "2026Q3" read as English in the Spanish window."""
    if found := re.fullmatch(r"(\d{4})Q([1-4])", label):
        return _("Q{n} {year}").format(n=found[2], year=found[1])
    if found := re.fullmatch(r"FY(\d{4})-(\d{2})", label):
        return _("fiscal year {first}-{second}").format(first=found[1], second=found[2])
    return label  # a month (2026-09) or days (2026-07-01..2026-09-30) read the same in any language


class ReportsPage(QWidget):
    open_requested = Signal(str)  # a youth id
    print_requested = Signal(object, object)  # the report's Period and Scope: made and previewed to print

    def __init__(self, tasks: Tasks, now: Callable[[], datetime] = lambda: datetime.now(LEGAL_ZONE)) -> None:
        super().__init__()
        self.tasks = tasks
        self.now = now
        self.report: report_screen.Report | None = None
        on_change(self, "_retranslate")
        heading = QLabel()
        bind(heading, "setText", N_("<h2>Reports</h2>The program's counts for a period, by unit, among the "
                                    "youth you may see. Each count says what it measures and the law it "
                                    "answers; select one to see the youth behind it."))
        heading.setWordWrap(True)
        self.preset = wheel_safe(QComboBox())
        # Sized to its items as they are said now ("Trimestre anteri" kept the English width).
        self.preset.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bind(self.preset, "setAccessibleName", N_("Period"))
        for index, (label, text) in enumerate(presets(self.now().date())):
            self.preset.addItem("", text)
            bind(self.preset, item_text(index), label)  # said again when the language changes
        self.period = QLineEdit(self.preset.currentData())
        self.period.setMinimumWidth(240)
        bind(self.period, "setPlaceholderText", N_("2026Q3, 2026-09, FY2025-26 or 2026-07-01..2026-09-30"))
        bind(self.period, "setAccessibleName", N_("Period, as text"))
        # A period chosen from the list is counted at once: its text changed and the table kept the
        # last period's counts under it until Show was pressed.
        self.preset.activated.connect(lambda _i: self._chosen())
        self.show_button = QPushButton()
        bind(self.show_button, "setText", N_("&Show"))
        self.show_button.clicked.connect(lambda: self.load())
        self.period.returnPressed.connect(lambda: self.load())
        self.busy = QProgressBar()  # while counting: a county's quarter takes a second or two
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.setVisible(False)
        bind(self.busy, "setAccessibleName", N_("Counting"))
        picker = QHBoxLayout()
        for widget in (self.preset, self.period, self.show_button, self.busy):
            picker.addWidget(widget)
        picker.addStretch(1)
        # Which youth, among those the person may see: the caseload's own filters and a unit.
        self.unit = QLineEdit()
        bind(self.unit, "setPlaceholderText", N_("Any unit"))
        bind(self.unit, "setAccessibleName", N_("Unit"))
        self.worker = QLineEdit()
        bind(self.worker, "setPlaceholderText", N_("Any worker"))
        bind(self.worker, "setAccessibleName", N_("Worker"))
        self.status = wheel_safe(QComboBox())
        bind(self.status, "setAccessibleName", N_("Court status on the period's last day"))
        self.status.addItem("", None)
        bind(self.status, item_text(0), N_("Any court status"))
        for index, (value, label) in enumerate(LEGAL_STATUS_LABELS.items(), start=1):
            self.status.addItem("", value.value)
            bind(self.status, item_text(index), label)
        self.min_age, self.max_age = wheel_safe(QSpinBox()), wheel_safe(QSpinBox())
        for spin, name in ((self.min_age, N_("Youngest age")), (self.max_age, N_("Oldest age"))):
            spin.setRange(-1, 30)
            bind(spin, special_value, N_("any"))
            spin.setValue(-1)
            bind(spin, "setAccessibleName", name)
        ages, to = QLabel(), QLabel()
        bind(ages, "setText", N_("Ages from"))
        bind(to, "setText", N_("to"))
        ages.setBuddy(self.min_age)
        to.setBuddy(self.max_age)
        for line in (self.unit, self.worker):  # the placeholder says what an empty box means: all of it
            line.setMinimumWidth(170)
        narrow = QHBoxLayout()
        for field in (self.unit, self.worker, self.status, ages, self.min_age, to, self.max_age):
            narrow.addWidget(field)
        narrow.addStretch(1)
        self.table = QTableWidget()
        tab_leaves(self.table)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        bind(self.table, "setAccessibleName", N_("Counts by unit"))
        self.table.itemSelectionChanged.connect(self._show_youth)
        self.youth = QListWidget()
        bind(self.youth, "setAccessibleName", N_("Youth behind the selected count"))
        self.youth.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.youth_title = QLabel()
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.youth_title)
        column.addWidget(self.youth, 1)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.screens_title = QLabel()
        self.screens = QTableWidget()
        tab_leaves(self.screens)
        self.screens.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.screens.verticalHeader().setVisible(False)
        self.screens.setMaximumHeight(160)
        bind(self.screens, "setAccessibleName", N_("Screens by tool and outcome"))
        self.duties_title = QLabel()
        self.duties = QTableWidget()
        tab_leaves(self.duties)
        self.duties.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.duties.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.duties.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.duties.verticalHeader().setVisible(False)

        bind(self.duties, "setAccessibleName", N_("Duties after an identification"))
        self.duties.itemSelectionChanged.connect(self._show_duty_youth)
        self.trend = TrendChart()
        self.by_unit = Bars(N_("Youth identified as exploited, by unit"))
        self.on_time = Bars(N_("Duties done in time (% of those done or overdue)"))
        self.more = QTableWidget()
        tab_leaves(self.more)
        self.more.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.more.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.more.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.more.verticalHeader().setVisible(False)
        bind(self.more, "setAccessibleName", N_("Duties, AB 12 and record relief"))
        self.more.itemSelectionChanged.connect(self._show_more_youth)
        # Below the counts, one section at a time (Ctrl+Tab moves between them): a laptop's height.
        self.sections = QTabWidget()
        bind(self.sections, "setAccessibleName", N_("Report sections"))
        self.sections.setMinimumHeight(230)
        duty_page = QWidget()
        duty_column = QVBoxLayout(duty_page)
        duty_column.addWidget(self.duties_title)
        duty_column.addWidget(self.duties)
        chart_page = QWidget()
        charts = QHBoxLayout(chart_page)
        charts.addWidget(self.trend, 2)
        charts.addWidget(self.by_unit, 1)
        charts.addWidget(self.on_time, 1)
        screen_page = QWidget()
        screen_column = QVBoxLayout(screen_page)
        screen_column.addWidget(self.screens_title)
        screen_column.addWidget(self.screens)
        for page, label in ((duty_page, N_("Duties")), (chart_page, N_("Charts")),
                            (self.more, N_("Duties, AB 12, record relief: the youth behind each")),
                            (screen_page, N_("Screens"))):
            bind(self.sections, item_text(self.sections.addTab(page, "")), label)
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Reports message"))
        self._shown_as = ""  # the message that went with the counts shown
        for edit in (self.period, self.unit, self.worker):
            edit.textEdited.connect(lambda _t: self._stale())
        # The list names the period typed, or none (it went on saying "This quarter").
        self.period.textEdited.connect(
            lambda text: self.preset.setCurrentIndex(self.preset.findData(text.strip())))
        for spin in (self.min_age, self.max_age):
            spin.valueChanged.connect(lambda _v: self._stale())
        self.status.activated.connect(lambda _i: self._stale())
        self.print_report = QPushButton()
        bind(self.print_report, "setText", N_("&Print…"))
        self.print_report.clicked.connect(self._ask_print)
        self.export_plain = QPushButton()
        bind(self.export_plain, "setText", N_("E&xport…"))
        self.export_hidden = QPushButton()
        bind(self.export_hidden, "setText", N_("Export &de-identified…"))
        self.export_plain.clicked.connect(lambda: self._ask_export(deidentified=False))
        self.export_hidden.clicked.connect(lambda: self._ask_export(deidentified=True))
        # Lists that name youth, for one's own work (an export like any other: purpose, audit).
        self.export_caseload = QPushButton()
        bind(self.export_caseload, "setText", N_("My caseload as CSV…"))
        self.export_today = QPushButton()
        bind(self.export_today, "setText", N_("Today as CSV…"))
        self.export_caseload.clicked.connect(lambda: self._ask_list("caseload"))
        self.export_today.clicked.connect(lambda: self._ask_list("today"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_report)
        buttons.addWidget(self.export_plain)
        buttons.addWidget(self.export_hidden)
        buttons.addSpacing(24)
        buttons.addWidget(self.export_caseload)
        buttons.addWidget(self.export_today)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addLayout(picker)
        box.addLayout(narrow)
        box.addWidget(split, 1)
        box.addWidget(self.sections)
        box.addWidget(self.definition)
        box.addWidget(self.message)
        box.addLayout(buttons)

    def guide(self, can: Callable[[Permission], bool], why_not: dict[Permission, str]) -> None:
        """Printing for a role that may print, the exports for one that may save files; the others
        are told why on the button (they were offered, and refused only after a file dialog and a
        purpose). The tooltips are bound, so a change of language keeps what they say."""
        printing, exporting = can(Permission.PRINT), can(Permission.EXPORT)
        self.print_report.setEnabled(printing)
        bind(self.print_report, "setToolTip", N_("The report as printed, previewed first") if printing
             else why_not[Permission.PRINT])
        refused = why_not[Permission.EXPORT] if printing else why_not[Permission.PRINT]
        for button, purpose in ((self.export_plain, N_("The report as a PDF, an Excel workbook or CSV; "
                                                       "audited")),
                                (self.export_hidden, N_("Counts under 11 hidden, so the file can leave the "
                                                        "county; audited")),
                                (self.export_caseload, LIST_TIP), (self.export_today, LIST_TIP)):
            button.setEnabled(exporting)
            bind(button, "setToolTip", purpose if exporting else refused)

    def _retranslate(self) -> None:
        """The counts shown, said again in the new language (the tables had kept the old one)."""
        if self.report is not None:
            self.show_report(self.report)

    def show_first(self) -> None:
        """Opened: the report of the period chosen, counted at once the first time (the page opened
        on empty panes, with nothing to say that Show fills them)."""
        if self.report is None and not self.busy.isVisible():
            self.load()

    # Loading ------------------------------------------------------------------------------------

    def _chosen(self) -> None:
        self.period.setText(self.preset.currentData())
        self.load()

    def _stale(self) -> None:
        """A period or filter changed after the counts were shown: they are still the old ones."""
        if self.report is not None and self._shown_as:
            self.message.setText(self._shown_as + " " + _("The period or a filter has changed: press Show "
                                                          "(Alt+S) to count again."))

    def load(self, on_done: Callable[[], None] | None = None) -> None:
        text = self.period.text()
        scope = self.scope()
        self.message.setText(_("Counting…"))
        self.busy.setVisible(True)

        def work(vault: Vault) -> report_screen.Report:
            return report_screen.run(vault, P.parse(text), scope)

        def done(found: report_screen.Report) -> None:
            self.busy.setVisible(False)
            self.show_report(found)
            if on_done:
                on_done()

        self.tasks.run(work, done, self.failed, latest="reports")

    def scope(self) -> C.Scope:
        status = self.status.currentData()
        return C.Scope(Filters(status=LegalStatus(status) if status else None,
                               min_age=self.min_age.value() if self.min_age.value() >= 0 else None,
                               max_age=self.max_age.value() if self.max_age.value() >= 0 else None,
                               worker=self.worker.text().strip() or None),
                       unit=self.unit.text().strip() or None)

    def show_report(self, found: report_screen.Report) -> None:
        self.report = found
        headers = [_("Count"), *found.units, _("Total"), _("Law")]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(found.lines))
        for row, line in enumerate(found.lines):
            cells = [_(line.count.label), *(str(line.by_unit[u]) for u in found.units), str(line.total),
                     line.count.citation]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(_(line.count.definition))
                if 0 < col <= len(found.units) + 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(len(headers) - 1, 210)
        period = found.period
        self._shown_as = _("{label}: {first} to {last}, California days. Law checked {checked}.").format(
            label=said_period(period.label), first=period.first.isoformat(), last=period.last.isoformat(),
            checked=found.lines[0].count.checked.isoformat() if found.lines else "—")
        self.message.setText(self._shown_as)
        self._show_screens(found)
        self._show_duties(found)
        labels = {c.id: _(c.label) for c in C.COUNTS}
        self.trend.show_trend([m.label for m in found.months],
                              [(labels[cid], found.trend[cid]) for cid in C.TREND])
        victims = next(line for line in found.lines if line.count.id == "identified_victims")
        self.by_unit.show_bars(_("Identified as exploited, by unit"), found.units,
                               [victims.by_unit.get(u, 0) for u in found.units])
        rated = [line for line in found.duties if line.decided]
        self.on_time.show_bars(_("Duties done in time (% of those done or overdue)"),
                               [_(SHORT.get(x.info.rule_id, x.info.rule_id)) for x in rated],
                               [round(100 * (x.on_time_rate or 0)) for x in rated], top=100, suffix="%")
        self._show_more(found)
        if found.lines:
            self.table.selectRow(0)

    def _show_more(self, found: report_screen.Report) -> None:
        self.more.clear()
        self.more.setColumnCount(3)
        self.more.setHorizontalHeaderLabels([_("Figure"), _("Of"), _("Youth or counts")])
        self.more.setRowCount(len(found.more))
        for row, figure in enumerate(found.more):
            for col, text in enumerate((figure.section.in_language(_), _(figure.label), str(figure.value))):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.more.setItem(row, col, item)
        header = self.more.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _show_more_youth(self) -> None:
        rows = {index.row() for index in self.more.selectedIndexes()}
        report = self.report
        if report is None or not rows:
            return
        figure = report.more[min(rows)]
        self.table.clearSelection()
        self.duties.clearSelection()
        title = _("{n} youth: {figure}").format(n=len(figure.youth),
                                                 figure=f"{figure.section.in_language(_)}, {_(figure.label)}")
        self._list_youth(title, [])  # filled when the names are read

        def work(vault: Vault) -> dict[str, tuple[str, str]]:
            return report_screen.names(vault, figure.youth)  # read now: a figure can name thousands

        def done(found: dict[str, tuple[str, str]]) -> None:
            if self.report is report:  # not when another report (or the lock) came meanwhile
                self._list_youth(title, list(found.values()))

        self.tasks.run(work, done, self.failed, latest="report-names")

    def _show_duties(self, found: report_screen.Report) -> None:
        self.duties_title.setText(_("Duties with a deadline in law that falls in the period (select one to "
                                    "list the youth still open):"))
        headers = [_("Duty"), _("Due"), _("In time"), _("Late"), _("Median delay"), _("Still open"), _("Law")]
        self.duties.clear()
        self.duties.setColumnCount(len(headers))
        self.duties.setHorizontalHeaderLabels(headers)
        self.duties.setRowCount(len(found.duties))
        for row, line in enumerate(found.duties):
            delay = line.median_delay_hours
            cells = [_(SHORT.get(line.info.rule_id, line.info.summary)), str(line.due),
                     str(len(line.on_time)), str(len(line.late)),
                     "" if delay is None else _("{hours} h").format(hours=delay), str(len(line.still_open)),
                     line.info.citation]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(_(line.info.summary) + " " + _("Law checked {day}.").format(
                    day=line.info.law_as_of.isoformat()))
                if 0 < col < len(cells) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.duties.setItem(row, col, item)
        header = self.duties.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _show_duty_youth(self) -> None:
        rows = {index.row() for index in self.duties.selectedIndexes()}
        report = self.report
        if report is None or not rows:
            return
        line = report.duties[min(rows)]
        self.table.clearSelection()
        self.more.clearSelection()
        ids = line.youth(line.still_open)
        self.definition.setText(_(line.info.summary) + " (" + line.info.citation + ")")
        self._list_youth(_("{n} youth with this duty still open").format(n=len(ids)),
                         [(youth_id, report.names.get(youth_id, youth_id)) for youth_id in ids])

    def _show_screens(self, found: report_screen.Report) -> None:
        self.screens_title.setText(_("Screens with a licensed tool: {n} youth screened in the period "
                                     "(the tool's result as recorded).").format(n=found.screened))
        bands = [_(column_name(b)) for b in found.screen_bands]
        self.screens.clear()
        self.screens.setColumnCount(len(bands) + 2)
        self.screens.setHorizontalHeaderLabels([_("Tool"), *bands, _("Total")])
        self.screens.setRowCount(len(found.screen_tools))
        for row, tool in enumerate(found.screen_tools):
            cells = [tool, *map(str, found.screens[row]), str(sum(found.screens[row]))]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.screens.setItem(row, col, item)
        header = self.screens.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _list_youth(self, title: str, people: list[tuple[str, str]]) -> None:
        """The side list: (youth id, name) pairs, by name; double-click opens one."""
        self.youth.clear()
        self.youth_title.setText(title)
        for youth_id, name in sorted(people, key=lambda pair: (folded(pair[1]), pair[0])):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, youth_id)
            self.youth.addItem(item)

    def _show_youth(self) -> None:
        self.youth.clear()
        rows = {index.row() for index in self.table.selectedIndexes()}
        if self.report is None or not rows:
            self.youth_title.clear()
            self.definition.clear()
            return
        self.duties.clearSelection()
        self.more.clearSelection()
        line = self.report.lines[min(rows)]
        self.definition.setText(_(line.count.definition) + " (" + line.count.citation + ")")
        names = self.report.names
        self._list_youth(_("{n} youth: {count}").format(n=line.total, count=_(line.count.label)),
                         [(youth_id, names.get(youth_id, youth_id)) for youth_id in line.youth])

    def failed(self, error: BaseException) -> None:
        self.busy.setVisible(False)
        # The counts still shown keep their period's line: replaced by the error, they had none.
        shown = "\n" + _("Shown: {what}").format(what=self._shown_as) if self.report is not None else ""
        self.message.setText(describe(error) + shown)

    # Exports --------------------------------------------------------------------------------------

    def _ask_export(self, *, deidentified: bool) -> None:
        if self.report is None:
            self.message.setText(_("Show a report first, then export it."))
            return
        suggested = f"csec-report-{self.report.period.label}{'-deidentified' if deidentified else ''}.pdf"
        filters = ";;".join([_("Printed report, PDF (*.pdf)"), _("Excel workbook (*.xlsx)"), "CSV (*.csv)"])
        path, _filter = QFileDialog.getSaveFileName(self, _("Export the report"), suggested, filters)
        if not path:
            return
        purpose, ok = QInputDialog.getText(self, _("Purpose"), _("Who receives this report, and why?"))
        while ok and not purpose.strip():  # asked again: left blank, the export ended unsaid
            purpose, ok = QInputDialog.getText(self, _("Purpose"), _(
                "Say who receives this report and why: the audit trail keeps it with the export."))
        if ok:
            self.export_to(Path(path), purpose, deidentified=deidentified)
        else:
            self.message.setText(_("Not exported: a report leaves the vault only with who receives it "
                                   "and why."))

    def _ask_print(self) -> None:
        if self.report is None:
            self.message.setText(_("Show a report first, then print it."))
            return
        self.print_requested.emit(self.report.period, self.report.scope)

    def _ask_list(self, which: str) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Export a list that names youth"),
                                                    f"csec-{which}.csv", "CSV (*.csv)")
        if not path:
            return
        purpose, ok = QInputDialog.getText(self, _("Purpose"), _("Who receives this list, and why?"))
        if ok:
            self.export_list(which, Path(path), purpose)

    def export_list(self, which: str, path: Path, purpose: str) -> None:
        """Write the caseload or Today (the file dialog asked whether to replace an existing file)."""
        when = self.now()

        def work(vault: Vault) -> int:
            return lists.write(vault, which, path, purpose, overwrite=True, now=when)

        self.tasks.run(work, lambda rows: self.message.setText(
            _("Saved {name} ({rows} rows).").format(name=path.name, rows=rows)), self.failed)

    def export_to(self, path: Path, purpose: str, *, deidentified: bool) -> None:
        """Write the report shown (the file dialog asked whether to replace an existing file)."""
        assert self.report is not None
        period = self.report.period

        fmt = path.suffix.lower().lstrip(".")
        from csec_desktop.reports import export  # ReportLab and XlsxWriter: loaded when first used

        if fmt not in export.FORMATS:  # a name typed without one of the offered endings
            fmt, path = "pdf", path.with_name(path.name + ".pdf")

        scope = self.report.scope

        def work(vault: Vault) -> None:
            export.write(vault, period, path, purpose, deidentified=deidentified, fmt=fmt, overwrite=True,
                         scope=scope)

        self.tasks.run(work, lambda _r: self.message.setText(_("Saved {name}.").format(name=path.name)),
                       self.failed)

    def clear(self) -> None:
        """On lock: nothing about the caseload stays on screen."""
        self.tasks.supersede("reports")
        self.report = None
        self.table.clear()
        self.table.setRowCount(0)
        self.youth.clear()
        self.youth_title.clear()
        self.definition.clear()
        self.screens.clear()
        self.screens.setRowCount(0)
        self.screens_title.clear()
        self.duties.clear()
        self.duties.setRowCount(0)
        self.duties_title.clear()
        self.trend.show_trend([], [])
        self.by_unit.show_bars("", [], [])
        self.on_time.show_bars("", [], [])
        self.more.clear()
        self.more.setRowCount(0)
        self.message.clear()
        self._shown_as = ""
        # The next person starts from the first period and no filter: a worker's unit and court
        # status stayed for the administrator who signed in after her.
        self.preset.setCurrentIndex(0)
        self.period.setText(self.preset.currentData())
        for edit in (self.unit, self.worker):
            edit.clear()
        self.status.setCurrentIndex(0)
        for spin in (self.min_age, self.max_age):
            spin.setValue(-1)

"""The caseload: find-as-you-type, filters, a paged table sorted by the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.caseload import Cursor, Filters
from csec_desktop.domain.csec import CSEC_STATUS_LABELS
from csec_desktop.domain.youth import LEGAL_STATUS_LABELS, LegalStatus
from csec_desktop.usecases import caseload as caseload_screen
from ui.caseload_model import CaseloadModel
from ui.i18n import N_, _, bind, item_text
from ui.scrolling import narrow
from ui.table_model import column_widths, down_goes_to_results, tab_leaves
from ui.tasks import Change, Tasks

AUDIT_AFTER_MS = 1500  # a search shown this long with no newer one is the one the person settled on

AGE_BANDS: tuple[tuple[str, tuple[int, int] | None], ...] = (
    (N_("Any age"), None), (N_("Under 14"), (0, 13)), ("14-15", (14, 15)), ("16-17", (16, 17)),
    (N_("18-21 (extended foster care)"), (18, 21)),
)


FILTER_CHARACTERS = 24
"""A filter's box is as wide as its longest "any" item in Spanish ("Cualquier estatus de CSEC"),
so the choice in force reads whole; the four fit a 1366-pixel screen side by side."""


FIXED_WORKER_ITEMS = 2
"""The worker filter's items before the workers listed: anyone's, and the person's own."""


def combo_items(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
    """Fill a filter's combo, whose item texts follow the interface language."""
    narrow(combo, FILTER_CHARACTERS)
    for index, (text, data) in enumerate(items):
        combo.addItem("", data)
        bind(combo, item_text(index), text)


class CaseloadPage(QWidget):
    def __init__(self, model: CaseloadModel) -> None:
        super().__init__()
        self.search_box = QLineEdit()
        bind(self.search_box, "setPlaceholderText", N_("Find by name, alias, moniker or case number"))
        bind(self.search_box, "setAccessibleName", N_("Find youth"))
        self.search_box.setClearButtonEnabled(True)
        find_label = QLabel()
        bind(find_label, "setText", N_("&Find"))
        find_label.setBuddy(self.search_box)
        self.table = QTableView()
        tab_leaves(self.table)
        self.table.setModel(model)
        bind(self.table, "setAccessibleName", N_("Caseload"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(model.sort)
        self.table.setWordWrap(False)
        column_widths(self.table, (260, 50, 110, 270, 110, 80))
        self.count = QLabel()
        self.status = QComboBox()
        combo_items(self.status, [(N_("Any legal status"), None),
                                  *[(text, status.value) for status, text in LEGAL_STATUS_LABELS.items()]])
        self.age = QComboBox()
        combo_items(self.age, list(AGE_BANDS))
        self.worker = QComboBox()
        combo_items(self.worker, [(N_("Anyone's"), None), (N_("Assigned to me"), "me")])  # FIXED_WORKER_ITEMS
        self.csec = QComboBox()
        combo_items(self.csec, [(N_("Any CSEC status"), None),
                                *[(text, status.value) for status, text in CSEC_STATUS_LABELS.items()]])
        filters = QHBoxLayout()
        for text, combo, name in ((N_("&Status"), self.status, N_("Legal status filter")),
                                  (N_("CS&EC"), self.csec, N_("CSEC status filter")),
                                  (N_("A&ge"), self.age, N_("Age filter")),
                                  (N_("&Worker"), self.worker, N_("Worker filter"))):
            label = QLabel()
            bind(label, "setText", text)
            label.setBuddy(combo)
            bind(combo, "setAccessibleName", name)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addStretch(1)
        self.new_button = QPushButton()
        bind(self.new_button, "setText", N_("&New youth… (Ctrl+N)"))
        row = QHBoxLayout()
        row.addWidget(find_label)
        row.addWidget(self.search_box, 1)
        row.addWidget(self.new_button)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)
        bind(self.empty, "setAccessibleName", N_("Why the list is empty"))
        box = QVBoxLayout(self)
        box.addLayout(row)
        box.addLayout(filters)
        box.addWidget(self.empty)
        box.addWidget(self.table)
        box.addWidget(self.count)
        # From the words to the rows by keyboard: Down or Enter (Tab passed the button and filters).
        down_goes_to_results(self.search_box, self.to_results)

    def to_results(self) -> None:
        """The results focused, the first row current if none is (Enter there opens it)."""
        model = self.table.model()
        if model is None or model.rowCount() == 0:
            return
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(model.index(0, 0))
        self.table.selectRow(self.table.currentIndex().row())
        self.table.setFocus()

    def show_workers(self, workers: list[tuple[str, str]]) -> None:
        """The worker filter: anyone's, the person's own, then each worker (user name, name shown)
        with youth the person may see; the choice kept when that worker is still listed."""
        combo = self.worker
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > FIXED_WORKER_ITEMS:
            combo.removeItem(combo.count() - 1)
        if workers:
            combo.insertSeparator(combo.count())
        for username, shown in workers:
            combo.addItem(shown, username)
        index = 0 if chosen is None else combo.findData(chosen)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if index < 0:  # the worker chosen is gone: the list as it is unfiltered
            combo.currentIndexChanged.emit(0)

    def combos(self) -> tuple[QComboBox, ...]:
        return (self.status, self.age, self.worker, self.csec)


class CaseloadController(QObject):
    """Asks the core for the first page whenever the words, filters or order change, and for
    the next page of the same query when the table scrolls to the end."""

    def __init__(self, tasks: Tasks, page: CaseloadPage, model: CaseloadModel, *,
                 username: Callable[[], str], shown: Callable[[], bool],
                 sees: Callable[[], str] = lambda: "") -> None:
        super().__init__(page)
        self.tasks, self.page, self.model = tasks, page, model
        self._username, self._shown, self._sees = username, shown, sees
        self._query = caseload_screen.CaseloadQuery()
        model.request_more = self.more
        model.request_sort = self.refresh
        # Every keystroke searches at once: a search typed over before the vault thread reaches it
        # is skipped there (Tasks.run's skip_stale), so no pause is needed to spare the database.
        page.search_box.textChanged.connect(lambda _t: self.refresh())
        # The search the person settles on is audited once: AUDIT_AFTER_MS after its results
        # showed with no newer search, or at once when the page is left or the vault locks.
        self._unaudited: int | None = None
        self._audit_timer = QTimer(self)
        self._audit_timer.setSingleShot(True)
        self._audit_timer.setInterval(AUDIT_AFTER_MS)
        self._audit_timer.timeout.connect(self.flush_audit)
        for combo in page.combos():
            combo.currentIndexChanged.connect(lambda _i: self.refresh())

    def query(self) -> caseload_screen.CaseloadQuery:
        page = self.page
        status = page.status.currentData()
        band = page.age.currentData()
        filters = Filters(
            status=LegalStatus(status) if status else None,
            min_age=band[0] if band else None, max_age=band[1] if band else None,
            worker=self._username() if page.worker.currentData() == "me" else page.worker.currentData(),
            csec=page.csec.currentData(),
        )
        order, descending = self.model.order
        return caseload_screen.CaseloadQuery(page.search_box.text(), filters, order, descending)

    def refresh(self, force: bool = False) -> None:
        """The first page of what the screen asks for now (only while it is shown, unless forced)."""
        if not force and not self._shown():
            return
        before, asked = self._query, self.query()
        self._query = asked
        self._audit_timer.stop()  # a newer search replaces the one not yet audited

        def show(result: caseload_screen.CaseloadPage) -> None:
            self.model.reset(result.total, result.rows, result.next)
            if asked != before:  # other words, filters or order: their first rows, not the old place
                self.page.table.scrollToTop()
            self.show_count()
            if asked.searching:
                self._unaudited = result.total
                self._audit_timer.start()
            else:
                self._unaudited = None

        self.tasks.run(lambda vault: caseload_screen.query(vault, asked, audit=False), show,
                       latest="caseload", skip_stale=True)

    def flush_audit(self) -> None:
        """Audit the search whose results are shown, if not yet done (queued on the vault thread
        before anything asked after it, a lock included)."""
        self._audit_timer.stop()
        results, self._unaudited = self._unaudited, None
        if results is not None:
            self.tasks.run(lambda vault: caseload_screen.searched(vault, results))

    def more(self, after: Cursor) -> None:
        """The next page of the same query (words included), appended below."""
        asked = self._query

        def show(result: caseload_screen.CaseloadPage) -> None:
            if result.after == self.model.next:  # not a page of a list since replaced
                self.model.append(result.rows, result.next)
                self.show_count()

        self.tasks.run(lambda vault: caseload_screen.query(vault, asked, after=after), show,
                       latest="caseload")

    def entered(self) -> None:
        """The screen is shown again: the list as it is now (a sync or a save may have changed it),
        and the workers it may be narrowed to."""
        self.page.search_box.setFocus()
        self.refresh(force=True)
        self.tasks.run(caseload_screen.workers, self.page.show_workers, latest="caseload-workers")

    def changed(self, change: Change) -> None:
        if self._shown() and change.kinds & {"youth", "csec_status"}:
            self.refresh()

    def show_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        self.page.count.setText(_("{shown} of {total} youth shown").format(
            shown=f"{shown:,}", total=f"{total:,}"))
        self.page.empty.setVisible(total == 0)
        if total == 0:  # say why, and what to do next
            words = self._query.text.strip()
            self.page.empty.setText(
                # A sealed record this person may not see can match: said, so no one makes the
                # youth again from a case number that found nothing.
                # With a filter set, the filter is the likeliest cause: said first (a filter on ages
                # hid a youth of twenty, and the message invited making the youth again).
                (_("No youth match “{words}” with the filters set: clear them (Status, CSEC, Age, "
                   "Worker) and search again before making a new record.").format(words=words)
                 if self._query.filters != Filters() else
                 _("No youth you may see match “{words}”. A sealed record may: ask a supervisor before "
                   "making a new one. If this is a youth new to the county, press New youth… "
                   "(Ctrl+N).").format(words=words)) if words else
                (_("No youth match these filters.") if self._query.filters != Filters() else
                 _("There are no youth in your caseload yet.")) + " " + self._sees() + " " +
                _("To start a case, press New youth… (Ctrl+N)."))

    def clear(self) -> None:
        """On lock: nothing of the caseload stays on screen, and no query runs on a closing vault."""
        self.tasks.supersede("caseload")
        self._audit_timer.stop()
        self._unaudited = None
        self.page.search_box.blockSignals(True)
        self.page.search_box.clear()
        self.page.search_box.blockSignals(False)
        self.page.count.clear()
        self.page.show_workers([])  # another person may unlock next
        self.model.clear()

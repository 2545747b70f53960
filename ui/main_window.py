"""The main window: unlock, then Today, the caseload, one youth, administration.

All vault work runs on the worker thread (ui/worker.py). Ctrl+L locks at once; an
idle period locks too. The window title never carries a youth's name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csec_desktop import APP_NAME, caseload, efc, policy, services, today, vacatur
from csec_desktop.domain.csec import CSEC_STATUS_LABELS
from csec_desktop.domain.people import Permission
from csec_desktop.domain.youth import LEGAL_STATUS_LABELS, LegalStatus
from csec_desktop.errors import ValidationFailed
from csec_desktop.fileio import atomic_write
from csec_desktop.rules import LEGAL_ZONE, birthday
from csec_desktop.rules.efc import EFC_KINDS
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local as sync_local
from ui import i18n
from ui.about import show_about
from ui.admin_page import AdminPage, role_label
from ui.caseload_model import CaseloadModel
from ui.directory_page import DirectoryPage
from ui.first_run import FirstRunPage
from ui.form_view import FormView
from ui.i18n import N_, _, bind
from ui.idle import IdleWatcher
from ui.messages import describe
from ui.record_form import local_time
from ui.sync_ui import (
    ConflictsPage,
    EnrolDialog,
    OfflineLockPage,
    SyncController,
    SyncStatus,
    describe_report,
    enrol,
    youth_names,
)
from ui.today_page import TodayModel, TodayPage
from ui.worker import Holder, VaultThread
from ui.youth_page import YouthPage

PAGE = 200


def _efc_view(vault: Vault, youth: Any, youth_id: str) -> tuple[Any, ...]:
    """Eligibility today and the 16-to-21 timeline, for the Extended foster care tab."""
    on = datetime.now(LEGAL_ZONE).date()
    records = [r.body for kind in EFC_KINDS for r in caseload.attached(vault, youth_id, kind)]
    birthdays = [(age, birthday(youth.date_of_birth, age)) for age in range(16, 22)]
    return (efc.eligibility(youth, records, on, policy.get(vault, "efc_medical_update_days")),
            efc.timeline(youth, records, on), birthdays, on)


def _offline_lock(holder: Holder) -> int | None:
    """The county's offline limit in days if this device is past it, else None."""
    vault = holder.require()
    if not sync_local.is_locked(vault):
        return None
    found = sync_local.enrolment(vault)
    return found.max_offline_days if found else None


def choose_export_path(parent: QWidget) -> Path | None:
    """Ask where to save an exported PDF (replaced in tests, which never block on a dialog)."""
    from PySide6.QtWidgets import QFileDialog

    name, _filter = QFileDialog.getSaveFileName(parent, _("Save as PDF file"), "document.pdf", "PDF (*.pdf)")
    return Path(name) if name else None
AGE_BANDS: tuple[tuple[str, tuple[int, int] | None], ...] = (
    (N_("Any age"), None), (N_("Under 14"), (0, 13)), ("14-15", (14, 15)), ("16-17", (16, 17)),
    (N_("18-21 (extended foster care)"), (18, 21)),
)
INTERFACE_FILE = "interface.json"
"""Beside the vault: the interface language only. Nothing about any youth."""


def _combo_items(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
    """Fill a combo whose item texts follow the interface language."""
    for index, (text, data) in enumerate(items):
        combo.addItem("", data)
        bind(combo, lambda c, t, i=index: c.setItemText(i, t), text)


class UnlockPage(QWidget):
    def __init__(self, hint: str = "") -> None:
        super().__init__()
        self.user = QLineEdit()
        bind(self.user, "setAccessibleName", N_("User name"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        bind(self.passphrase, "setAccessibleName", N_("Passphrase"))
        self.button = QPushButton()
        bind(self.button, "setText", N_("&Unlock"))
        self.message = QLabel(hint)
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Unlock message"))
        form = QFormLayout()
        user_label = QLabel()
        bind(user_label, "setText", N_("&User name"))
        user_label.setBuddy(self.user)
        pass_label = QLabel()
        bind(pass_label, "setText", N_("&Passphrase"))
        pass_label.setBuddy(self.passphrase)
        form.addRow(user_label, self.user)
        form.addRow(pass_label, self.passphrase)
        box = QVBoxLayout(self)
        box.addStretch(1)
        title = QLabel()
        bind(title, "setText", N_("<h2>CSEC Case Desktop</h2><p>Unlock the vault to continue.</p>"))
        box.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        inner = QWidget()
        inner.setLayout(form)
        inner.setMinimumWidth(380)
        inner.setMaximumWidth(620)
        box.addWidget(inner, alignment=Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.message.setFixedWidth(560)  # a fixed width lets a wrapped message get its full height
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.message, alignment=Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        self.passphrase.returnPressed.connect(self.button.click)


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
        self.table.setModel(model)
        bind(self.table, "setAccessibleName", N_("Caseload"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().sortIndicatorChanged.connect(model.sort)
        self.table.setWordWrap(False)
        for column, width in enumerate((260, 50, 110, 230, 110, 80)):
            self.table.setColumnWidth(column, width)
        self.count = QLabel()
        self.status = QComboBox()
        _combo_items(self.status, [(N_("Any legal status"), None),
                                   *[(text, status.value) for status, text in LEGAL_STATUS_LABELS.items()]])
        self.age = QComboBox()
        _combo_items(self.age, list(AGE_BANDS))
        self.worker = QComboBox()
        _combo_items(self.worker, [(N_("Anyone's"), None), (N_("Assigned to me"), "me")])
        self.csec = QComboBox()
        _combo_items(self.csec, [(N_("Any CSEC status"), None),
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
        row = QFormLayout()
        row.addRow(find_label, self.search_box)
        box = QVBoxLayout(self)
        box.addLayout(row)
        box.addLayout(filters)
        box.addWidget(self.table)
        box.addWidget(self.count)


class MainWindow(QMainWindow):
    def __init__(self, folder: Path, hint: str = "", idle: IdleWatcher | None = None) -> None:
        super().__init__()
        self.folder = folder
        self._load_language()
        # The title never carries a youth's name, nor the user's.
        self.setWindowTitle(APP_NAME)
        self.backend = VaultThread(self)
        self.model = CaseloadModel()
        self.model.request_more = self._more
        self.model.request_sort = self._refresh
        self.today_model = TodayModel()
        self.unlock_page = UnlockPage(hint)
        self.today_page = TodayPage(self.today_model)
        self.caseload_page = CaseloadPage(self.model)
        self.youth_page = YouthPage()
        self.admin_page = AdminPage()
        self.directory_page = DirectoryPage(self.backend)
        self.first_run = FirstRunPage()
        self.form_view = FormView()
        self.conflicts_page = ConflictsPage()
        self.offline_page = OfflineLockPage()
        self._form_target: tuple[str, str] = ("", "")
        self.form_view.submitted.connect(self._form_submitted)
        self.form_view.cancelled.connect(self._form_closed)
        self.form_view.draft_changed.connect(self._form_draft)
        self.stack = QStackedWidget()
        for page in (self.unlock_page, self.today_page, self.caseload_page, self.youth_page,
                     self.admin_page, self.directory_page, self.first_run, self.form_view,
                     self.conflicts_page, self.offline_page):
            self.stack.addWidget(page)
        self.youth_page.save_requested.connect(self._save_youth)
        self.youth_page.undo_requested.connect(self._undo_youth)
        self.youth_page.draft_changed.connect(self._save_draft)
        self.youth_page.back_requested.connect(self._back_to_caseload)
        self.youth_page.attached_add.connect(self._add_attached)
        self.youth_page.attached_update.connect(self._update_attached)
        self.youth_page.attached_delete.connect(self._delete_attached)
        self.youth_page.print_requested.connect(self.print_document)
        self.youth_page.print_item_requested.connect(self.print_document)
        self.youth_page.screen_requested.connect(self.open_screen)
        self.youth_page.referral_send.connect(self._send_referral)
        self.youth_page.referral_move.connect(self._move_referral)
        self.youth_page.petition_stage.connect(self._petition_stage)
        self._views: list[Any] = []  # open document previews: closed on lock
        self.caseload_page.table.activated.connect(lambda index: self.open_youth(
            self.model.summary(index.row()).id))
        self.today_page.open_requested.connect(self.open_youth)
        self.today_page.done_requested.connect(self._duty_done)
        self.today_page.reopen_requested.connect(self._duty_reopen)
        self.today_page.refresh_requested.connect(lambda: self.open_today())
        self.admin_page.add_requested.connect(self._add_user)
        self.admin_page.set_disabled_requested.connect(self._set_disabled)
        self.admin_page.release_requested.connect(self._release)
        self.admin_page.verify_requested.connect(self._verify_audit)
        self.admin_page.settings_requested.connect(self._save_settings)
        nav = self.addToolBar("")
        bind(nav, "setWindowTitle", N_("Navigation"))
        nav.setObjectName("navigation")
        nav.setMovable(False)
        self.today_action = QAction(self, shortcut=QKeySequence("Ctrl+1"))
        self.caseload_action = QAction(self, shortcut=QKeySequence("Ctrl+2"))
        self.admin_action = QAction(self, shortcut=QKeySequence("Ctrl+3"))
        self.directory_action = QAction(self, shortcut=QKeySequence("Ctrl+4"))
        self.lock_action = QAction(self)
        self.about_action = QAction(self, shortcut=QKeySequence("F1"))
        for action, text in ((self.today_action, N_("&Today")), (self.caseload_action, N_("&Caseload")),
                             (self.directory_action, N_("Di&rectory")),
                             (self.admin_action, N_("&Administration")), (self.lock_action, N_("&Lock")),
                             (self.about_action, N_("A&bout"))):
            bind(action, "setText", text)
            nav.addAction(action)
        bind(self.lock_action, "setToolTip", N_("Lock now (Ctrl+L)"))
        self.today_action.triggered.connect(lambda: self.open_today())
        self.caseload_action.triggered.connect(self._back_to_caseload)
        self.admin_action.triggered.connect(self.open_admin)
        self.directory_action.triggered.connect(self.open_directory)
        self.directory_page.status_message.connect(lambda text: self.statusBar().showMessage(text, 8_000))
        self.directory_page.entries_changed.connect(self.youth_page.set_providers)
        self.lock_action.triggered.connect(lambda: self.lock())
        self.about_action.triggered.connect(lambda: show_about(self))
        self.nav = nav
        nav.setVisible(False)
        self.first_run.create_requested.connect(self._create_vault)
        self.first_run.finished.connect(self._first_run_done)
        self.first_run.print_requested.connect(self._print_recovery_sheet)
        self.setCentralWidget(self.stack)
        self.user_label = QLabel()
        bind(self.user_label, "setAccessibleName", N_("Who is signed in"))
        self.language = QComboBox()
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(i18n.language()), 0))
        bind(self.language, "setAccessibleName", N_("Interface language"))
        self.language.currentIndexChanged.connect(lambda _i: self.set_language(self.language.currentData()))
        self.sync = SyncController(self.backend, self)
        self.sync_status = SyncStatus()
        self.sync_status.setVisible(False)
        self.sync_status.sync_requested.connect(self.sync.sync_now)
        self.sync_status.conflicts_requested.connect(self.open_conflicts)
        self.sync.status_changed.connect(self.sync_status.show_status)
        self.sync.finished.connect(self._synced)
        self.sync.revoked.connect(self._revoked)
        self.conflicts_page.keep_requested.connect(self._keep_conflict)
        self.conflicts_page.back_requested.connect(lambda: self.open_today())
        self.offline_page.sync_requested.connect(self.sync.sync_now)
        self.admin_page.enrol_requested.connect(self._enrol)
        sync_now = QShortcut(QKeySequence("F9"), self)
        sync_now.activated.connect(lambda: self.sync.sync_now() if self._username else None)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.language)
        self.unlock_page.button.clicked.connect(self._unlock)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self._refresh)
        self.caseload_page.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.caseload_page.status, self.caseload_page.age, self.caseload_page.worker,
                      self.caseload_page.csec):
            combo.currentIndexChanged.connect(lambda _i: self._refresh())
        self._username = ""
        self._session: tuple[str, str, int] = ("", "", 15)
        self._generation = 0  # drop results of superseded caseload queries (and all, on lock)
        self._today_generation = 0
        self._pending_session: tuple[str, str, int] = ("", "", 15)
        # Application-wide: Ctrl+L locks from a document preview or any other window too.
        lock = QShortcut(QKeySequence("Ctrl+L"), self, context=Qt.ShortcutContext.ApplicationShortcut)
        lock.activated.connect(self.lock)
        self.idle = idle or IdleWatcher(parent=self)
        self.idle.idle.connect(lambda: self.lock("idle"))
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self._show_user()
        self.resize(1100, 700)

    # Language ------------------------------------------------------------------

    def _load_language(self) -> None:
        try:
            code = json.loads((self.folder / INTERFACE_FILE).read_text("utf-8")).get("language", "en")
            i18n.set_language(code if code in i18n.LANGUAGES else "en")
        except (OSError, ValueError):
            i18n.set_language("en")

    def set_language(self, code: str) -> None:
        """Switch every bound text now; remember the choice beside the vault."""
        i18n.set_language(code)
        index = self.language.findData(code)
        if index != self.language.currentIndex():
            self.language.setCurrentIndex(index)
        self._show_user()
        if self.folder.is_dir():
            atomic_write(self.folder / INTERFACE_FILE, json.dumps({"language": code}).encode())
        if self.stack.currentWidget() is self.caseload_page:
            self._show_count()

    # First run -------------------------------------------------------------

    def start_first_run(self) -> None:
        self.stack.setCurrentWidget(self.first_run)
        self.first_run.county.setFocus()

    def prepare(self, work: Any, message: str) -> None:
        """Run set-up work (making the demo vault) on the worker thread; unlock waits for it."""
        self.unlock_page.button.setEnabled(False)
        hint = self.unlock_page.message.text()
        self.unlock_page.message.setText(message)

        def done(_result: Any) -> None:
            self.unlock_page.button.setEnabled(True)
            self.unlock_page.message.setText(hint)

        def failed(error: Exception) -> None:
            self.unlock_page.message.setText(describe(error))

        self.backend.call(lambda _h: work(), done, failed)

    def _create_vault(self, county: str, admin: str, display: str, passphrase: str) -> None:
        folder = self.folder

        def work(holder: Holder) -> tuple[str, str, str, int]:
            vault, secret = Vault.create(folder, county=county, admin=admin,
                                         passphrase=passphrase, display_name=display or None)
            holder.vault = vault
            return secret, vault.user.username, vault.user.role.value, policy.idle_lock_minutes(vault)

        def done(result: tuple[str, str, str, int]) -> None:
            self._pending_session = result[1:]
            self.first_run.show_recovery_key(result[0])

        self.backend.call(work, done, lambda e: self.first_run.failed(describe(e)))

    def _first_run_done(self) -> None:
        self._unlocked(self._pending_session)

    def _print_recovery_sheet(self, county: str, secret: str) -> None:
        """Made and previewed in memory; only its printing is audited (never the key)."""

        def make(lang: str) -> Callable[[Holder], bytes]:
            def work(_holder: Holder) -> bytes:
                from csec_desktop.documents.recovery_sheet import recovery_sheet

                return recovery_sheet(county=county, secret=secret,
                                      made_on=datetime.now(LEGAL_ZONE).date(), lang=lang)
            return work

        def on_printed(pages: int) -> None:
            self.backend.call(lambda h: h.require().audit("recovery_sheet_printed", pages=pages))

        self._open_document(make, N_("County recovery sheet"), on_printed, None,
                            lambda e: self.first_run.failed(describe(e)))

    # Documents ---------------------------------------------------------------

    def _open_document(self, make: Callable[[str], Callable[[Holder], bytes]], title: str,
                       on_printed: Callable[[int], None],
                       on_export: Callable[[str, str, Path], None] | None,
                       on_error: Callable[[Exception], None] | None = None) -> None:
        """Make a document on the worker thread, then preview it; its language can change."""
        from ui.printing import DocumentView

        lang = i18n.language()

        def shown(pdf: bytes) -> None:
            view = DocumentView(self, pdf, _(title), allow_export=on_export is not None, lang=lang)
            self._views.append(view)
            view.finished.connect(lambda _code, v=view: self._views.remove(v) if v in self._views else None)
            view.printed.connect(on_printed)
            view.language_changed.connect(
                lambda code: self.backend.call(make(code), view.show_pdf, self._error))
            if on_export is not None:
                export = on_export

                def chosen(purpose: str, code: str) -> None:
                    path = choose_export_path(view)
                    if path is not None:
                        export(purpose, code, path)
                view.export_requested.connect(chosen)
            view.show()

        self.backend.call(make(lang), shown, on_error or self._error)

    def print_document(self, youth_id: str, kind: str, item: str = "") -> None:
        """Preview a document about the youth (or about one of its records, `item`)."""
        from csec_desktop.documents import jobs

        def make(lang: str) -> Callable[[Holder], bytes]:
            return lambda h: jobs.make(h.require(), kind, youth_id, lang, item or None)

        def on_printed(pages: int) -> None:
            self.backend.call(lambda h: jobs.printed(h.require(), kind, youth_id, pages),
                              None, self._error)

        def on_export(purpose: str, lang: str, path: Path) -> None:
            def done(size: int) -> None:
                self.statusBar().showMessage(_("Saved the PDF ({kb} KB). The export is in the audit trail.")
                                             .format(kb=max(size // 1024, 1)), 10_000)

            self.backend.call(lambda h: jobs.export(h.require(), kind, youth_id, purpose, path, lang,
                                                    item or None), done, self._error)

        self._open_document(make, jobs.DOCUMENTS[kind].title, on_printed, on_export,
                            lambda e: self.youth_page.notice.setText(describe(e)))

    # Unlock and lock -----------------------------------------------------

    def _unlock(self) -> None:
        user = self.unlock_page.user.text().strip()
        passphrase = self.unlock_page.passphrase.text()
        self.unlock_page.passphrase.clear()
        self.unlock_page.button.setEnabled(False)
        self.unlock_page.message.setText(_("Unlocking…"))
        folder = self.folder

        def work(holder: Holder) -> tuple[str, str, int]:
            holder.vault = Vault.unlock(folder, user, passphrase)
            minutes = policy.idle_lock_minutes(holder.vault)
            return holder.vault.user.username, holder.vault.user.role.value, minutes

        self.backend.call(work, self._unlocked, self._unlock_failed)

    def _unlocked(self, who: tuple[str, str, int]) -> None:
        self.unlock_page.button.setEnabled(True)
        self.unlock_page.message.clear()
        self.idle.arm(who[2])
        self._username = who[0]
        self._session = who
        self.nav.setVisible(True)
        # What is not allowed is not shown; the core refuses it anyway.
        self.admin_action.setVisible(who[1] == "administrator")
        self.backend.call(lambda h: h.require().user.can(Permission.READ_SEALED),
                          self.youth_page.set_can_seal)
        self._show_user()
        self.sync_status.setVisible(True)
        self.sync.start()
        self.backend.call(_offline_lock, self._enter)

    def _enter(self, offline_days: int | None) -> None:
        """Into the cases, unless the device has been offline longer than the county allows."""
        if offline_days is not None:
            self._offline_days = offline_days
            self.nav.setVisible(False)
            self.offline_page.explain(offline_days)
            self.stack.setCurrentWidget(self.offline_page)
            return
        self.nav.setVisible(True)
        self._refresh(force=True)  # the caseload first: it is quick, and Today can take a moment
        self.open_today()

    def _show_user(self) -> None:
        if not self._username:
            self.user_label.setText(_("Locked"))
            return
        user, role, minutes = self._session
        self.user_label.setText(_("{user} ({role}) · unlocked · locks after {minutes} min idle · "
                                  "Ctrl+L locks now").format(user=user, role=role_label(role),
                                                             minutes=minutes))

    def _unlock_failed(self, error: Exception) -> None:
        self.unlock_page.button.setEnabled(True)
        self.unlock_page.message.setText(describe(error))
        self.unlock_page.passphrase.setFocus()

    def lock(self, reason: str = "manual") -> None:
        """Drop every view of youth data first, then close the vault on its thread."""
        self.idle.disarm()
        self._generation += 1
        self._today_generation += 1
        for view in list(self._views):
            view.close()
        self._views.clear()
        self.model.clear()
        self.today_page.clear()
        self.youth_page.clear()
        self.form_view.clear()
        self._form_target = ("", "")
        self.youth_page.set_can_seal(False)
        self.admin_page.clear()
        self.directory_page.clear()
        self.nav.setVisible(False)
        self.sync.stop()
        self.sync_status.setVisible(False)
        self.conflicts_page.show_conflicts([], {})
        self.caseload_page.search_box.clear()
        self._search_timer.stop()  # clearing the find box must not query a closing vault
        self.caseload_page.count.clear()
        self._username = ""
        self._show_user()
        self.stack.setCurrentWidget(self.unlock_page)
        self.unlock_page.message.setText(
            _("Locked after a period without activity. Unlock to continue.") if reason == "idle"
            else _("Locked. Unlock to continue."))
        self.unlock_page.passphrase.setFocus()

        def work(holder: Holder) -> None:
            if holder.vault is not None:
                holder.vault.lock(reason)
                holder.vault = None

        self.backend.call(work)

    # Today ---------------------------------------------------------------------

    def open_today(self, message: str = "") -> None:
        """Show Today and (re)compute it in chunks, so caseload queries can run in between;
        `message` is shown when it is ready."""
        self.stack.setCurrentWidget(self.today_page)
        self.today_page.table.setFocus()
        self._today_generation += 1
        generation = self._today_generation
        include_done = self.today_page.show_done.isChecked()
        now = datetime.now(LEGAL_ZONE)
        found: list[today.Item] = []
        progress = {"checked": 0}
        self.today_page.message.setText(_("Finding what is due…"))

        def step(after: int) -> None:
            self.backend.call(lambda h: today.scan(h.require(), now, after=after, include_done=include_done),
                              got, self._error)

        def got(chunk: today.Scan) -> None:
            if generation != self._today_generation:
                return  # superseded or locked
            found.extend(chunk.items)
            progress["checked"] += chunk.checked
            if chunk.next_after is not None:
                self.today_page.message.setText(_("Finding what is due… {percent}% ({checked} youth checked)")
                                                .format(checked=f"{progress['checked']:,}",
                                                        percent=int(chunk.done_fraction * 100)))
                step(chunk.next_after)
                return
            self.today_model.reset(today.sort_items(found, now), now)
            self.today_page.message.setText(message)
            if found:
                self.today_page.table.selectRow(0)

        step(0)

    def _duty_done(self, youth_id: str, rule_id: str, occurrence: str, how: dict[str, Any]) -> None:
        def done(_result: Any) -> None:
            self.open_today(_("Marked done. Tick Show done duties to reopen it."))

        self.backend.call(lambda h: today.mark_done(h.require(), youth_id, rule_id, occurrence, **how), done,
                          lambda e: self.today_page.message.setText(describe(e)))

    def _duty_reopen(self, youth_id: str, rule_id: str, occurrence: str) -> None:
        def done(_result: Any) -> None:
            self.open_today(_("Reopened: the duty is due again."))

        self.backend.call(lambda h: today.reopen(h.require(), youth_id, rule_id, occurrence), done,
                          lambda e: self.today_page.message.setText(describe(e)))

    # Caseload ------------------------------------------------------------

    def filters(self) -> caseload.Filters:
        page = self.caseload_page
        status = page.status.currentData()
        band = page.age.currentData()
        return caseload.Filters(
            status=LegalStatus(status) if status else None,
            min_age=band[0] if band else None, max_age=band[1] if band else None,
            worker=self._username if page.worker.currentData() == "me" else None,
            csec=page.csec.currentData(),
        )

    def _refresh(self, force: bool = False) -> None:
        if not force and self.stack.currentWidget() is not self.caseload_page:
            return
        self._generation += 1
        generation = self._generation
        text = self.caseload_page.search_box.text()
        filters = self.filters()
        order, descending = self.model.order

        def work(holder: Holder) -> tuple[int, list[Any]]:
            vault = holder.require()
            if text.strip():
                found = caseload.search(vault, text, limit=PAGE, filters=filters, order=order,
                                        descending=descending)
                return len(found), found
            return caseload.page(vault, limit=PAGE, filters=filters, order=order, descending=descending)

        def done(result: tuple[int, list[Any]]) -> None:
            if generation == self._generation:
                self.model.reset(*result)
                self._show_count()

        self.backend.call(work, done, self._error)

    def _more(self, offset: int) -> None:
        generation = self._generation
        filters = self.filters()
        order, descending = self.model.order

        def work(holder: Holder) -> list[Any]:
            return caseload.page(holder.require(), limit=PAGE, offset=offset, filters=filters,
                                 order=order, descending=descending)[1]

        def done(rows: list[Any]) -> None:
            if generation == self._generation:
                self.model.append(rows)
                self._show_count()

        self.backend.call(work, done, self._error)

    # One youth ---------------------------------------------------------------

    def open_youth(self, youth_id: str) -> None:
        generation = self._generation

        def work(holder: Holder) -> tuple[Any, ...]:
            vault = holder.require()
            record = caseload.get_youth(vault, youth_id)
            history = [
                f"{local_time(c.at)}  {c.user}  "
                + (_("created the record") if c.op == "create" else
                   _("deleted the record") if c.op == "delete" else
                   _("changed {fields}").format(fields=", ".join(sorted(c.fields))))
                for c in reversed(vault.records.history(youth_id))
            ]
            draft = caseload.load_draft(vault, f"youth:{youth_id}")
            attached = {kind: [(r.id, r.body.dump()) for r in caseload.attached(vault, youth_id, kind)]
                        for kind in ("contact", "case_note", "csec_status", "licensed_screen",
                                     "missing_episode", "team_meeting", "form_response", "referral",
                                     "plan_goal", "plan_signoff", "school_change", "uncovered_service",
                                     *EFC_KINDS, "criminal_count", "vacatur_case")}
            duties = today.for_youth(vault, youth_id)
            glance = services.plan_overview(vault, youth_id)
            relief = [(r.body.dump(), vacatur.assess(r.body, record.body))
                      for r in caseload.attached(vault, youth_id, "criminal_count")]
            return (youth_id, record.version, record.body.dump(), history, draft, attached, duties, glance,
                    _efc_view(vault, record.body, youth_id), relief)

        def done(result: tuple[Any, ...]) -> None:
            if generation == self._generation:
                tab = self.youth_page.tabs.currentIndex() if self.youth_page.youth_id == youth_id else 0
                self.youth_page.show_record(*result)
                self.youth_page.tabs.setCurrentIndex(tab)
                self.stack.setCurrentWidget(self.youth_page)

        self.backend.call(work, done, self._error)

    def _save_youth(self, youth_id: str, changes: dict[str, Any], version: int) -> None:
        def work(holder: Holder) -> None:
            vault = holder.require()
            caseload.update_youth(vault, youth_id, changes, expected_version=version)
            caseload.drop_draft(vault, f"youth:{youth_id}")

        def failed(error: Exception) -> None:
            if isinstance(error, ValidationFailed):
                self.youth_page.show_problems([(p.field, p.message) for p in error.problems])
            else:
                self.youth_page.notice.setText(describe(error))

        def done(_result: None) -> None:
            self.open_youth(youth_id)
            self.statusBar().showMessage(_("Saved."), 5_000)

        self.backend.call(work, done, failed)

    def _undo_youth(self, youth_id: str) -> None:
        def done(_result: Any) -> None:
            self.open_youth(youth_id)
            self.statusBar().showMessage(_("The last saved edit was undone."), 5_000)

        self.backend.call(lambda h: caseload.undo_last_edit(h.require(), youth_id), done,
                          lambda e: self.youth_page.notice.setText(describe(e)))

    def _save_draft(self, key: str, values: dict[str, Any]) -> None:
        self.backend.call(lambda h: caseload.save_draft(h.require(), key, values))

    def _attached_call(self, fn: Any, message: str, kind: str = "", record_id: str = "") -> None:
        youth_id = self.youth_page.youth_id
        section = self.youth_page.section_for(kind, record_id)

        def done(_result: Any) -> None:
            self.open_youth(youth_id)
            self.statusBar().showMessage(message, 5_000)

        def failed(error: Exception) -> None:
            # The message goes beside the list the person was working in.
            if isinstance(error, ValidationFailed):
                section.show_problems([(p.field, p.message) for p in error.problems])
            else:
                section.message.setText(describe(error))

        def work(holder: Holder) -> Any:
            vault = holder.require()
            result = fn(vault)
            # The typing kept for the note or contact is saved now: forget it from the draft.
            key = f"youth:{youth_id}"
            draft = caseload.load_draft(vault, key)
            if draft and draft.get("forms"):
                draft["forms"] = {}
                caseload.save_draft(vault, key, draft)
            return result

        self.backend.call(work, done, failed)

    def _add_attached(self, youth_id: str, kind: str, data: dict[str, Any]) -> None:
        if kind == "csec_status":  # who decided is the person signed in, never typed
            data = {**data, "decided_by": self._username}
        if kind == "referral":  # a new referral is a suggestion; sending checks the consent
            self._attached_call(lambda v: services.suggest(v, youth_id, data), _("Added as a suggestion."),
                                kind=kind)
            return
        self._attached_call(lambda v: caseload.add_attached(v, youth_id, kind, data), _("Added."), kind=kind)

    def _send_referral(self, record_id: str, reason: str) -> None:
        self._referral_call(lambda v: services.send(v, record_id, datetime.now(LEGAL_ZONE).date(),
                                                    override_reason=reason or None), _("Referral sent."))

    def _move_referral(self, record_id: str, status: str) -> None:
        self._referral_call(lambda v: services.move(v, record_id, status), _("Status changed."))

    def _petition_stage(self, case_id: str, stage: str) -> None:
        from csec_desktop.vacatur import workflow

        youth_id = self.youth_page.youth_id

        def done(_result: Any) -> None:
            self.open_youth(youth_id)
            self.statusBar().showMessage(_("The petition's stage was changed."), 5_000)

        def failed(error: Exception) -> None:
            message = "; ".join(p.message for p in error.problems) if isinstance(error, ValidationFailed) \
                else describe(error)
            self.youth_page.relief.cases.message.setText(message)

        self.backend.call(lambda h: workflow.advance(h.require(), case_id, stage), done, failed)

    def _referral_call(self, fn: Any, message: str) -> None:
        youth_id = self.youth_page.youth_id

        def done(_result: Any) -> None:
            self.youth_page.override.clear()
            self.open_youth(youth_id)
            self.statusBar().showMessage(message, 5_000)

        def failed(error: Exception) -> None:
            if isinstance(error, ValidationFailed):
                self.youth_page.referrals.message.setText("; ".join(p.message for p in error.problems))
            else:
                self.youth_page.referrals.message.setText(describe(error))

        self.backend.call(lambda h: fn(h.require()), done, failed)

    # Forms (screens) -------------------------------------------------------------

    def open_screen(self, youth_id: str, form_id: str) -> None:
        from csec_desktop import identification

        def work(holder: Holder) -> tuple[Any, Any]:
            vault = holder.require()
            caseload.get_youth(vault, youth_id, audit=False)
            forms = identification.forms()
            draft = caseload.load_draft(vault, f"form:{youth_id}:{form_id}")
            return forms.get(form_id), draft

        def done(result: tuple[Any, Any]) -> None:
            spec, draft = result
            if spec is None:
                self.youth_page.notice.setText(
                    _("The form {form} is missing or broken; run csec forms check.").format(form=form_id))
                return
            self._form_target = (youth_id, form_id)
            self.form_view.open_form(spec, draft)
            self.stack.setCurrentWidget(self.form_view)

        self.backend.call(work, done, self._error)

    def _form_draft(self, answers: dict[str, Any]) -> None:
        youth_id, form_id = self._form_target
        if youth_id:
            key = f"form:{youth_id}:{form_id}"
            self.backend.call(lambda h: caseload.save_draft(h.require(), key, answers))

    def _form_submitted(self, answers: dict[str, Any]) -> None:
        from csec_desktop import identification

        youth_id, form_id = self._form_target

        def work(holder: Holder) -> Any:
            vault = holder.require()
            _record, outcome = identification.save_screen(vault, youth_id, form_id, answers)
            caseload.drop_draft(vault, f"form:{youth_id}:{form_id}")
            return outcome

        def failed(error: Exception) -> None:
            if isinstance(error, ValidationFailed):
                self.form_view.show_problems([(p.field, p.message) for p in error.problems])
            else:
                self.form_view.message.setText(describe(error))

        self.backend.call(work, self.form_view.show_outcome, failed)

    def _form_closed(self) -> None:
        youth_id, _form_id = self._form_target
        self.form_view.clear()
        self._form_target = ("", "")
        if youth_id:
            self.open_youth(youth_id)
        else:
            self._back_to_caseload()

    def _update_attached(self, record_id: str, data: dict[str, Any]) -> None:
        self._attached_call(lambda v: caseload.update_attached(v, record_id, data), _("Saved."),
                            record_id=record_id)

    def _delete_attached(self, record_id: str) -> None:
        self._attached_call(lambda v: caseload.delete_attached(v, record_id), _("Removed."),
                            record_id=record_id)

    def _back_to_caseload(self) -> None:
        self.youth_page.clear()
        self.stack.setCurrentWidget(self.caseload_page)
        self.caseload_page.search_box.setFocus()
        self._refresh()

    def open_directory(self) -> None:
        self.directory_page.load(lambda: self.stack.setCurrentWidget(self.directory_page))

    # Administration --------------------------------------------------------

    def open_admin(self) -> None:
        def work(holder: Holder) -> tuple[Any, Any, Any]:
            vault = holder.require()
            vault.require(Permission.MANAGE_USERS)
            entries = vault.audit_log.entries(newest_first=True, limit=500)
            vault.audit("audit_viewed", entries=len(entries))
            return vault.users(), entries, policy.values(vault)

        def done(result: tuple[Any, Any, Any]) -> None:
            self.admin_page.show_data(result[0], result[1])
            self.admin_page.show_settings(result[2])
            self.stack.setCurrentWidget(self.admin_page)

        self.backend.call(work, done, self._error)

    def _admin_call(self, fn: Any, message: str) -> None:
        def done(_result: Any) -> None:
            self.open_admin()
            self.admin_page.message.setText(message)

        self.backend.call(lambda h: fn(h.require()), done,
                          lambda e: self.admin_page.message.setText(describe(e)))

    def _add_user(self, user: str, name: str, role: str, unit: str, passphrase: str) -> None:
        self._admin_call(lambda v: v.add_user(user, role=role, passphrase=passphrase,
                                              display_name=name or None, unit=unit or None),
                         _("Added {user}. Give them their first passphrase in person.").format(user=user))

    def _set_disabled(self, user: str, disabled: bool) -> None:
        self._admin_call(lambda v: v.update_user(user, disabled=disabled),
                         (_("{user} is now disabled.") if disabled else _("{user} is now active.")
                          ).format(user=user))

    def _release(self, user: str) -> None:
        self._admin_call(lambda v: v.release_lockout(user),
                         _("Released any lockout of {user}.").format(user=user))

    def _save_settings(self, values: dict[str, int]) -> None:
        def save(vault: Vault) -> None:
            for name, value in values.items():
                if value != policy.get(vault, name):
                    policy.set_value(vault, name, value)

        self._admin_call(save, _("Settings saved. The idle lock takes the new time at the next unlock."))

    def _verify_audit(self) -> None:
        def done(result: Any) -> None:
            self.admin_page.verify_result.setText(str(result))

        self.backend.call(lambda h: h.require().verify_audit(), done,
                          lambda e: self.admin_page.verify_result.setText(describe(e)))

    def _show_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        self.caseload_page.count.setText(_("{shown} of {total} youth shown").format(
            shown=f"{shown:,}", total=f"{total:,}"))

    # Sync ------------------------------------------------------------------------

    def _synced(self, report: Any, error: Exception | None) -> None:
        self.statusBar().showMessage(describe_report(report, error), 10_000)
        if error is None and self.stack.currentWidget() is self.offline_page:
            self.backend.call(_offline_lock, self._enter)
        elif error is not None and self.stack.currentWidget() is self.offline_page:
            self.offline_page.explain(self._offline_days, describe(error))
        elif self.stack.currentWidget() is self.conflicts_page:
            self.open_conflicts()

    def open_conflicts(self) -> None:
        def work(holder: Holder) -> tuple[Any, Any, str]:
            found = sync_local.conflicts(holder.require())
            enrolled = sync_local.enrolment(holder.require())
            return found, youth_names(holder, found), enrolled.device_id if enrolled else ""

        def done(result: tuple[Any, Any, str]) -> None:
            self.conflicts_page.show_conflicts(*result)
            self.stack.setCurrentWidget(self.conflicts_page)

        self.backend.call(work, done, self._error)

    def _keep_conflict(self, conflict_id: str, value: Any) -> None:
        def done(_result: Any) -> None:
            self.statusBar().showMessage(_("Kept. The decision goes to the hub at the next sync."), 8_000)
            self.sync.refresh()
            self.open_conflicts()

        self.backend.call(lambda h: sync_local.resolve(h.require(), conflict_id, value), done, self._error)

    def _enrol(self) -> None:
        dialog = EnrolDialog(self)
        if dialog.exec() != EnrolDialog.DialogCode.Accepted:
            return
        try:
            url, code, pem = dialog.values()
        except OSError as exc:
            self.statusBar().showMessage(_("Could not read the certificate file: {error}").format(
                error=exc.strerror), 10_000)
            return

        def done(_result: Any) -> None:
            self.statusBar().showMessage(_("Enrolled with the county hub. Syncing now."), 8_000)
            self.sync.sync_now()

        enrol(self.backend, url, code, pem, done, self._error)

    def _revoked(self) -> None:
        """The county revoked this device: close every view, erase the vault, say so."""
        folder = self.folder
        self.lock("revoked")

        def work(holder: Holder) -> list[str]:
            if holder.vault is not None:
                holder.vault.close()
                holder.vault = None
            return sync_local.wipe(folder)

        def done(_removed: list[str]) -> None:
            self.unlock_page.message.setText(_(
                "The county revoked this computer, so its vault has been erased. Ask the hub "
                "administrator to enrol it again."))
            self.unlock_page.button.setEnabled(False)

        self.backend.call(work, done, self._error)

    _offline_days = 14

    def _error(self, error: Exception) -> None:
        self.statusBar().showMessage(describe(error), 10_000)

    def closeEvent(self, event: Any) -> None:
        self.model.clear()
        self.today_model.clear()
        self.backend.stop()
        super().closeEvent(event)

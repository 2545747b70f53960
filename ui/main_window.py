"""The main window: unlock, then the caseload with find-as-you-type. Ctrl+L locks."""

from __future__ import annotations

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

from csec_desktop import APP_NAME, caseload, policy
from csec_desktop.domain.people import Permission
from csec_desktop.domain.youth import LEGAL_STATUS_LABELS, LegalStatus
from csec_desktop.errors import StaleRecord, ValidationFailed
from csec_desktop.storage.vault import Vault
from ui.admin_page import AdminPage
from ui.caseload_model import CaseloadModel
from ui.first_run import FirstRunPage
from ui.idle import IdleWatcher
from ui.worker import Holder, VaultThread
from ui.youth_page import YouthPage

PAGE = 200
AGE_BANDS: tuple[tuple[str, tuple[int, int] | None], ...] = (
    ("Any age", None), ("Under 14", (0, 13)), ("14-15", (14, 15)), ("16-17", (16, 17)),
    ("18-21 (extended foster care)", (18, 21)),
)


class UnlockPage(QWidget):
    def __init__(self, hint: str = "") -> None:
        super().__init__()
        self.user = QLineEdit()
        self.user.setAccessibleName("User name")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.button = QPushButton("&Unlock")
        self.message = QLabel(hint)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Unlock message")
        form = QFormLayout()
        user_label = QLabel("&User name")
        user_label.setBuddy(self.user)
        pass_label = QLabel("&Passphrase")
        pass_label.setBuddy(self.passphrase)
        form.addRow(user_label, self.user)
        form.addRow(pass_label, self.passphrase)
        box = QVBoxLayout(self)
        box.addStretch(1)
        title = QLabel(f"<h2>{APP_NAME}</h2><p>Unlock the vault to continue.</p>")
        box.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        inner = QWidget()
        inner.setLayout(form)
        inner.setMinimumWidth(380)
        inner.setMaximumWidth(520)
        box.addWidget(inner, alignment=Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.message.setFixedWidth(520)
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.message, alignment=Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        self.passphrase.returnPressed.connect(self.button.click)


class CaseloadPage(QWidget):
    def __init__(self, model: CaseloadModel) -> None:
        super().__init__()
        self.find = QLineEdit()
        self.find.setPlaceholderText("Find by name, alias, moniker or case number")
        self.find.setAccessibleName("Find youth")
        self.find.setClearButtonEnabled(True)
        find_label = QLabel("&Find")
        find_label.setBuddy(self.find)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setAccessibleName("Caseload")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        for column, width in enumerate((260, 50, 110, 230, 110, 80)):
            self.table.setColumnWidth(column, width)
        self.count = QLabel()
        self.status = QComboBox()
        self.status.addItem("Any legal status", None)
        for status, text in LEGAL_STATUS_LABELS.items():
            self.status.addItem(text, status.value)
        self.age = QComboBox()
        for text, band in AGE_BANDS:
            self.age.addItem(text, band)
        self.worker = QComboBox()
        self.worker.addItem("Anyone's", None)
        self.worker.addItem("Assigned to me", "me")
        filters = QHBoxLayout()
        for text, combo, name in (("&Status", self.status, "Legal status filter"),
                                  ("A&ge", self.age, "Age filter"),
                                  ("&Worker", self.worker, "Worker filter")):
            label = QLabel(text)
            label.setBuddy(combo)
            combo.setAccessibleName(name)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addStretch(1)
        row = QFormLayout()
        row.addRow(find_label, self.find)
        box = QVBoxLayout(self)
        box.addLayout(row)
        box.addLayout(filters)
        box.addWidget(self.table)
        box.addWidget(self.count)


class MainWindow(QMainWindow):
    def __init__(self, folder: Path, hint: str = "", idle: IdleWatcher | None = None) -> None:
        super().__init__()
        self.folder = folder
        # The title never carries a youth's name, nor the user's.
        self.setWindowTitle(APP_NAME)
        self.backend = VaultThread(self)
        self.model = CaseloadModel()
        self.model.request_more = self._more
        self.unlock_page = UnlockPage(hint)
        self.caseload_page = CaseloadPage(self.model)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.unlock_page)
        self.stack.addWidget(self.caseload_page)
        self.youth_page = YouthPage()
        self.stack.addWidget(self.youth_page)
        self.youth_page.save_requested.connect(self._save_youth)
        self.youth_page.undo_requested.connect(self._undo_youth)
        self.youth_page.draft_changed.connect(self._save_draft)
        self.youth_page.back_requested.connect(self._back_to_caseload)
        self.caseload_page.table.activated.connect(lambda index: self.open_youth(
            self.model.summary(index.row()).id))
        self.admin_page = AdminPage()
        self.stack.addWidget(self.admin_page)
        self.admin_page.add_requested.connect(self._add_user)
        self.admin_page.set_disabled_requested.connect(self._set_disabled)
        self.admin_page.release_requested.connect(self._release)
        self.admin_page.verify_requested.connect(self._verify_audit)
        nav = self.addToolBar("Navigation")
        nav.setObjectName("navigation")
        nav.setMovable(False)
        self.caseload_action = QAction("&Caseload", self, shortcut=QKeySequence("Ctrl+1"))
        self.admin_action = QAction("&Administration", self, shortcut=QKeySequence("Ctrl+2"))
        self.caseload_action.triggered.connect(self._back_to_caseload)
        self.admin_action.triggered.connect(self.open_admin)
        nav.addAction(self.caseload_action)
        nav.addAction(self.admin_action)
        self.nav = nav
        nav.setVisible(False)
        self.first_run = FirstRunPage()
        self.stack.addWidget(self.first_run)
        self.first_run.create_requested.connect(self._create_vault)
        self.first_run.finished.connect(self._first_run_done)
        self.setCentralWidget(self.stack)
        self.user_label = QLabel("Locked")
        self.statusBar().addPermanentWidget(self.user_label)
        self.unlock_page.button.clicked.connect(self._unlock)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self._refresh)
        self.caseload_page.find.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.caseload_page.status, self.caseload_page.age, self.caseload_page.worker):
            combo.currentIndexChanged.connect(lambda _i: self._refresh())
        self._username = ""
        self._generation = 0  # drop results of superseded queries
        self._pending_session: tuple[str, str, int] = ("", "", 15)
        lock = QShortcut(QKeySequence("Ctrl+L"), self)
        lock.activated.connect(self.lock)
        self.idle = idle or IdleWatcher(parent=self)
        self.idle.idle.connect(lambda: self.lock("idle"))
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.resize(1100, 700)

    # First run -------------------------------------------------------------

    def start_first_run(self) -> None:
        self.stack.setCurrentWidget(self.first_run)
        self.first_run.county.setFocus()

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

        self.backend.call(work, done, lambda e: self.first_run.failed(str(e)))

    def _first_run_done(self) -> None:
        self._unlocked(self._pending_session)

    # Unlock and lock -----------------------------------------------------

    def _unlock(self) -> None:
        user = self.unlock_page.user.text().strip()
        passphrase = self.unlock_page.passphrase.text()
        self.unlock_page.passphrase.clear()
        self.unlock_page.button.setEnabled(False)
        self.unlock_page.message.setText("Unlocking…")
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
        self.nav.setVisible(True)
        # What is not allowed is not shown; the core refuses it anyway.
        self.admin_action.setVisible(who[1] == "administrator")
        self.user_label.setText(f"{who[0]} ({who[1].replace('_', ' ')}) · unlocked · "
                                f"locks after {who[2]} min idle · Ctrl+L locks now")
        self.stack.setCurrentWidget(self.caseload_page)
        self.caseload_page.find.setFocus()
        self._refresh()

    def _unlock_failed(self, error: Exception) -> None:
        self.unlock_page.button.setEnabled(True)
        self.unlock_page.message.setText(str(error))
        self.unlock_page.passphrase.setFocus()

    def lock(self, reason: str = "manual") -> None:
        """Drop every view of youth data first, then close the vault on its thread."""
        self.idle.disarm()
        self._generation += 1
        self.model.clear()
        self.youth_page.clear()
        self.admin_page.clear()
        self.nav.setVisible(False)
        self.caseload_page.find.clear()
        self._search_timer.stop()  # clearing the find box must not query a closing vault
        self.caseload_page.count.clear()
        self.user_label.setText("Locked")
        self.stack.setCurrentWidget(self.unlock_page)
        self.unlock_page.message.setText(
            "Locked after a period without activity. Unlock to continue." if reason == "idle"
            else "Locked. Unlock to continue.")
        self.unlock_page.passphrase.setFocus()

        def work(holder: Holder) -> None:
            if holder.vault is not None:
                holder.vault.lock(reason)
                holder.vault = None

        self.backend.call(work)

    # Caseload ------------------------------------------------------------

    def filters(self) -> caseload.Filters:
        page = self.caseload_page
        status = page.status.currentData()
        band = page.age.currentData()
        return caseload.Filters(
            status=LegalStatus(status) if status else None,
            min_age=band[0] if band else None, max_age=band[1] if band else None,
            worker=self._username if page.worker.currentData() == "me" else None,
        )

    def _refresh(self) -> None:
        if self.stack.currentWidget() is not self.caseload_page:
            return
        self._generation += 1
        generation = self._generation
        text = self.caseload_page.find.text()
        filters = self.filters()

        def work(holder: Holder) -> tuple[int, list[Any]]:
            vault = holder.require()
            if text.strip():
                found = caseload.search(vault, text, limit=PAGE, filters=filters)
                return len(found), found
            return caseload.page(vault, limit=PAGE, filters=filters)

        def done(result: tuple[int, list[Any]]) -> None:
            if generation == self._generation:
                self.model.reset(*result)
                self._show_count()

        self.backend.call(work, done, self._error)

    def _more(self, offset: int) -> None:
        generation = self._generation
        filters = self.filters()

        def work(holder: Holder) -> list[Any]:
            return caseload.page(holder.require(), limit=PAGE, offset=offset, filters=filters)[1]

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
                f"{c.at[:16].replace('T', ' ')}  {c.user}  "
                + ("created the record" if c.op == "create" else
                   "deleted the record" if c.op == "delete" else
                   "changed " + ", ".join(sorted(c.fields)))
                for c in reversed(vault.records.history(youth_id))
            ]
            draft = caseload.load_draft(vault, f"youth:{youth_id}")
            return youth_id, record.version, record.body.dump(), history, draft

        def done(result: tuple[Any, ...]) -> None:
            if generation == self._generation:
                self.youth_page.show_record(*result)
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
            elif isinstance(error, StaleRecord):
                self.youth_page.notice.setText(str(error))
            else:
                self._error(error)

        def done(_: None) -> None:
            self.open_youth(youth_id)
            self.statusBar().showMessage("Saved.", 5_000)

        self.backend.call(work, done, failed)

    def _undo_youth(self, youth_id: str) -> None:
        def done(_: Any) -> None:
            self.open_youth(youth_id)
            self.statusBar().showMessage("The last saved edit was undone.", 5_000)

        self.backend.call(lambda h: caseload.undo_last_edit(h.require(), youth_id), done,
                          lambda e: self.youth_page.notice.setText(str(e)))

    def _save_draft(self, key: str, values: dict[str, str]) -> None:
        self.backend.call(lambda h: caseload.save_draft(h.require(), key, values))

    def _back_to_caseload(self) -> None:
        self.youth_page.clear()
        self.stack.setCurrentWidget(self.caseload_page)
        self.caseload_page.find.setFocus()
        self._refresh()

    # Administration --------------------------------------------------------

    def open_admin(self) -> None:
        def work(holder: Holder) -> tuple[Any, Any]:
            vault = holder.require()
            vault.require(Permission.MANAGE_USERS)
            entries = vault.audit_log.entries(newest_first=True, limit=500)
            vault.audit("audit_viewed", entries=len(entries))
            return vault.users(), entries

        def done(result: tuple[Any, Any]) -> None:
            self.admin_page.show_data(*result)
            self.stack.setCurrentWidget(self.admin_page)

        self.backend.call(work, done, self._error)

    def _admin_call(self, fn: Any, message: str) -> None:
        def done(_: Any) -> None:
            self.open_admin()
            self.admin_page.message.setText(message)

        self.backend.call(lambda h: fn(h.require()), done,
                          lambda e: self.admin_page.message.setText(str(e)))

    def _add_user(self, user: str, name: str, role: str, unit: str, passphrase: str) -> None:
        self._admin_call(lambda v: v.add_user(user, role=role, passphrase=passphrase,
                                              display_name=name or None, unit=unit or None),
                         f"Added {user}. Give them their first passphrase in person.")

    def _set_disabled(self, user: str, disabled: bool) -> None:
        self._admin_call(lambda v: v.update_user(user, disabled=disabled),
                         f"{user} is now {'disabled' if disabled else 'active'}.")

    def _release(self, user: str) -> None:
        self._admin_call(lambda v: v.release_lockout(user), f"Released any lockout of {user}.")

    def _verify_audit(self) -> None:
        def done(result: Any) -> None:
            self.admin_page.verify_result.setText(str(result))

        self.backend.call(lambda h: h.require().verify_audit(), done,
                          lambda e: self.admin_page.verify_result.setText(str(e)))

    def _show_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        self.caseload_page.count.setText(f"{shown:,} of {total:,} youth shown")

    def _error(self, error: Exception) -> None:
        self.statusBar().showMessage(str(error), 10_000)

    def closeEvent(self, event: Any) -> None:
        self.model.clear()
        self.backend.stop()
        super().closeEvent(event)

"""The main window: unlock, then the caseload with find-as-you-type. Ctrl+L locks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
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
from csec_desktop.storage.vault import Vault
from ui.caseload_model import CaseloadModel
from ui.first_run import FirstRunPage
from ui.idle import IdleWatcher
from ui.worker import Holder, VaultThread

PAGE = 200


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
        row = QFormLayout()
        row.addRow(find_label, self.find)
        box = QVBoxLayout(self)
        box.addLayout(row)
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

    def _refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        text = self.caseload_page.find.text()

        def work(holder: Holder) -> tuple[int, list[Any]]:
            vault = holder.require()
            if text.strip():
                found = caseload.search(vault, text, limit=PAGE)
                return len(found), found
            return caseload.page(vault, limit=PAGE)

        def done(result: tuple[int, list[Any]]) -> None:
            if generation == self._generation:
                self.model.reset(*result)
                self._show_count()

        self.backend.call(work, done, self._error)

    def _more(self, offset: int) -> None:
        generation = self._generation

        def work(holder: Holder) -> list[Any]:
            return caseload.page(holder.require(), limit=PAGE, offset=offset)[1]

        def done(rows: list[Any]) -> None:
            if generation == self._generation:
                self.model.append(rows)
                self._show_count()

        self.backend.call(work, done, self._error)

    def _show_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        self.caseload_page.count.setText(f"{shown:,} of {total:,} youth shown")

    def _error(self, error: Exception) -> None:
        self.statusBar().showMessage(str(error), 10_000)

    def closeEvent(self, event: Any) -> None:
        self.model.clear()
        self.backend.stop()
        super().closeEvent(event)

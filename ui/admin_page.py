"""Administration: people and roles, lockouts, and the audit trail with a Verify button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.domain.people import Role, User
from csec_desktop.storage.audit import AuditEntry


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class AdminPage(QWidget):
    add_requested = Signal(str, str, str, str, str)  # user, name, role, unit, passphrase
    set_disabled_requested = Signal(str, bool)
    release_requested = Signal(str)
    verify_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.users = _table(["User", "Name", "Role", "Unit", "State"], "Users")
        self.username = QLineEdit()
        self.display = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.value.replace("_", " "), role.value)
        self.role.setCurrentIndex(list(Role).index(Role.CASEWORKER))
        self.unit = QLineEdit()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        for text, widget, name in (("User &name", self.username, "New user name"),
                                   ("Full na&me", self.display, "New user full name"),
                                   ("&Role", self.role, "New user role"),
                                   ("U&nit", self.unit, "New user unit"),
                                   ("First &passphrase", self.passphrase, "New user passphrase")):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(name)
            form.addRow(label, widget)
        self.add_button = QPushButton("&Add user")
        self.disable_button = QPushButton("&Disable or enable selected")
        self.release_button = QPushButton("Re&lease selected lockout")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Administration message")
        people = QGroupBox("People")
        pbox = QVBoxLayout(people)
        pbox.addWidget(self.users)
        row = QHBoxLayout()
        row.addWidget(self.disable_button)
        row.addWidget(self.release_button)
        row.addStretch(1)
        pbox.addLayout(row)
        pbox.addLayout(form)
        pbox.addWidget(self.add_button)
        pbox.addWidget(self.message)

        self.audit = _table(["#", "When (UTC)", "User", "Action", "Record"], "Audit trail")
        self.verify_button = QPushButton("&Verify the audit trail")
        self.verify_result = QLabel()
        self.verify_result.setAccessibleName("Audit verification result")
        trail = QGroupBox("Audit trail (newest first)")
        tbox = QVBoxLayout(trail)
        tbox.addWidget(self.audit)
        vrow = QHBoxLayout()
        vrow.addWidget(self.verify_button)
        vrow.addWidget(self.verify_result, 1)
        tbox.addLayout(vrow)

        outer = QHBoxLayout(self)
        outer.addWidget(people, 1)
        outer.addWidget(trail, 1)
        self.add_button.clicked.connect(self._add)
        self.disable_button.clicked.connect(self._toggle)
        self.release_button.clicked.connect(self._release)
        self.verify_button.clicked.connect(self.verify_requested.emit)
        self._users: list[User] = []

    def show_data(self, users: list[User], entries: list[AuditEntry]) -> None:
        self._users = users
        self.users.setRowCount(len(users))
        for r, u in enumerate(users):
            state = "disabled" if u.disabled else "active"
            for c, text in enumerate((u.username, u.display_name, u.role.value.replace("_", " "),
                                      u.unit or "", state)):
                self.users.setItem(r, c, QTableWidgetItem(text))
        self.audit.setRowCount(len(entries))
        for r, e in enumerate(entries):
            for c, text in enumerate((str(e.seq), e.at[:19].replace("T", " "), e.user, e.action,
                                      e.record_id or "")):
                self.audit.setItem(r, c, QTableWidgetItem(text))

    def clear(self) -> None:
        self.show_data([], [])
        self.message.clear()
        self.verify_result.clear()
        self.passphrase.clear()

    def selected_user(self) -> User | None:
        rows = {i.row() for i in self.users.selectedIndexes()}
        return self._users[rows.pop()] if len(rows) == 1 else None

    def _add(self) -> None:
        self.add_requested.emit(self.username.text().strip(), self.display.text().strip(),
                                str(self.role.currentData()), self.unit.text().strip(),
                                self.passphrase.text())
        self.passphrase.clear()

    def _toggle(self) -> None:
        user = self._selected_or_say()
        if user is not None:
            self.set_disabled_requested.emit(user.username, not user.disabled)

    def _release(self) -> None:
        user = self._selected_or_say()
        if user is not None:
            self.release_requested.emit(user.username)

    def _selected_or_say(self) -> User | None:
        user = self.selected_user()
        if user is None:
            self.message.setText("Select one user first.")
        return user

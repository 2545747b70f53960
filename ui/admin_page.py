"""Administration: people and roles, lockouts, and the audit trail with a Verify button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csec_desktop import policy
from csec_desktop.domain.people import Role, User
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import admin as admin_screen
from csec_desktop.usecases.admin import AuditEntry
from ui.i18n import N_, _, bind, item_text
from ui.messages import describe
from ui.tasks import Tasks

SETTING_LABELS = {
    "idle_lock_minutes": N_("Lock after this many idle minutes"),
    "team_convene_days": N_("Convene the team within (days)"),
    "rescreen_days": N_("Screen again every (days)"),
    "rescreen_after_event_days": N_("Screen again after a return or a move within (days)"),
    "referral_followup_days": N_("Follow up a referral after (days)"),
}

ROLE_LABELS = {"administrator": N_("administrator"), "supervisor": N_("supervisor"),
               "caseworker": N_("caseworker"), "attorney": N_("attorney"), "read_only": N_("read only")}


def role_label(value: str) -> str:
    return _(ROLE_LABELS.get(value, value.replace("_", " ")))


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    bind(table, lambda t, _text: t.setHorizontalHeaderLabels([_(h) for h in headers]), name)
    bind(table, "setAccessibleName", name)
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
    settings_requested = Signal(dict)
    enrol_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.users = _table([N_("User"), N_("Name"), N_("Role"), N_("Unit"), N_("State")], N_("Users"))
        self.username = QLineEdit()
        self.display = QLineEdit()
        self.role = QComboBox()
        for index, role in enumerate(Role):
            self.role.addItem("", role.value)
            bind(self.role, item_text(index),
                 ROLE_LABELS.get(role.value, role.value))
        self.role.setCurrentIndex(list(Role).index(Role.CASEWORKER))
        self.unit = QLineEdit()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        for text, widget, name in ((N_("User &name"), self.username, N_("New user name")),
                                   (N_("Full na&me"), self.display, N_("New user full name")),
                                   (N_("&Role"), self.role, N_("New user role")),
                                   (N_("U&nit"), self.unit, N_("New user unit")),
                                   (N_("First &passphrase"), self.passphrase, N_("New user passphrase"))):
            label = QLabel()
            bind(label, "setText", text)
            label.setBuddy(widget)
            bind(widget, "setAccessibleName", name)
            form.addRow(label, widget)
        self.add_button = QPushButton()
        bind(self.add_button, "setText", N_("&Add user"))
        self.disable_button = QPushButton()
        bind(self.disable_button, "setText", N_("&Disable or enable selected"))
        self.release_button = QPushButton()
        bind(self.release_button, "setText", N_("Re&lease selected lockout"))
        self.enrol_button = QPushButton()
        bind(self.enrol_button, "setText", N_("&Enrol this computer with the county hub…"))
        self.enrol_button.clicked.connect(self.enrol_requested)
        self.message = QLabel()
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Administration message"))
        people = QGroupBox()
        bind(people, "setTitle", N_("People"))
        pbox = QVBoxLayout(people)
        pbox.addWidget(self.users)
        row = QHBoxLayout()
        row.addWidget(self.disable_button)
        row.addWidget(self.release_button)
        row.addStretch(1)
        pbox.addLayout(row)
        pbox.addLayout(form)
        pbox.addWidget(self.add_button)
        pbox.addWidget(self.enrol_button)
        pbox.addWidget(self.message)

        self.audit = _table(["#", N_("When (UTC)"), N_("User"), N_("Action"), N_("Record")],
                            N_("Audit trail"))
        self.verify_button = QPushButton()
        bind(self.verify_button, "setText", N_("&Verify the audit trail"))
        self.verify_result = QLabel()
        self.verify_result.setWordWrap(True)
        bind(self.verify_result, "setAccessibleName", N_("Audit verification result"))
        trail = QGroupBox()
        bind(trail, "setTitle", N_("Audit trail (newest first)"))
        tbox = QVBoxLayout(trail)
        tbox.addWidget(self.audit)
        vrow = QHBoxLayout()
        vrow.addWidget(self.verify_button)
        vrow.addWidget(self.verify_result, 1)
        tbox.addLayout(vrow)

        # County settings: each says where its default comes from, and which are the county's choice
        # because no statute sets a number.
        settings = QGroupBox()
        bind(settings, "setTitle", N_("County settings"))
        sform = QFormLayout(settings)
        self.settings: dict[str, QSpinBox] = {}
        for setting in policy.SETTINGS.values():
            spin = QSpinBox()
            spin.setRange(setting.low, setting.high)
            label = QLabel()
            bind(label, "setText", SETTING_LABELS.get(setting.name, setting.name))
            bind(spin, "setAccessibleName", SETTING_LABELS.get(setting.name, setting.name))
            bind(spin, "setToolTip", setting.source)
            label.setBuddy(spin)
            source = QLabel()
            source.setWordWrap(True)
            source.setStyleSheet("color:#555")
            bind(source, "setText", setting.source)
            column = QVBoxLayout()
            column.addWidget(spin)
            column.addWidget(source)
            sform.addRow(label, column)
            self.settings[setting.name] = spin
        self.save_settings = QPushButton()
        bind(self.save_settings, "setText", N_("Save the &settings"))
        self.save_settings.clicked.connect(
            lambda: self.settings_requested.emit({n: s.value() for n, s in self.settings.items()}))
        sform.addRow(self.save_settings)
        right = QVBoxLayout()
        right.addWidget(trail, 2)
        right.addWidget(settings, 1)
        outer = QHBoxLayout(self)
        outer.addWidget(people, 1)
        outer.addLayout(right, 1)
        self.add_button.clicked.connect(self._add)
        self.disable_button.clicked.connect(self._toggle)
        self.release_button.clicked.connect(self._release)
        self.verify_button.clicked.connect(self.verify_requested.emit)
        self._users: list[User] = []

    def show_settings(self, values: dict[str, int]) -> None:
        for name, value in values.items():
            if name in self.settings:
                self.settings[name].setValue(value)

    def show_data(self, users: list[User], entries: list[AuditEntry]) -> None:
        self._users = users
        self.users.setRowCount(len(users))
        for r, u in enumerate(users):
            state = _("disabled") if u.disabled else _("active")
            for c, text in enumerate((u.username, u.display_name, role_label(u.role.value),
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
            self.message.setText(_("Select one user first."))
        return user


class AdminController(QObject):
    """People, the audit trail and county settings; each change then redraws the page."""

    def __init__(self, tasks: Tasks, page: AdminPage, *, show_page: Callable[[], None]) -> None:
        super().__init__(page)
        self.tasks, self.page, self._show_page = tasks, page, show_page
        page.add_requested.connect(self.add_user)
        page.set_disabled_requested.connect(
            lambda user, disabled: self._change(
                lambda v: v.update_user(user, disabled=disabled),
                (_("{user} is now disabled.") if disabled else _("{user} is now active.")).format(user=user)))
        page.release_requested.connect(
            lambda user: self._change(lambda v: v.release_lockout(user),
                                      _("Released any lockout of {user}.").format(user=user)))
        page.settings_requested.connect(
            lambda values: self._change(lambda v: admin_screen.save_settings(v, values),
                                        _("Settings saved. The idle lock takes the new time at the next "
                                          "unlock.")))
        page.verify_requested.connect(
            lambda: self.tasks.run(lambda v: v.verify_audit(), lambda r: page.verify_result.setText(str(r)),
                                   lambda e: page.verify_result.setText(describe(e))))

    def open(self) -> None:
        def show(found: admin_screen.AdminOverview) -> None:
            self.page.show_data(found.users, found.entries)
            self.page.show_settings(found.settings)
            self._show_page()

        self.tasks.run(admin_screen.overview, show)

    def add_user(self, user: str, name: str, role: str, unit: str, passphrase: str) -> None:
        self._change(lambda v: v.add_user(user, role=role, passphrase=passphrase, display_name=name or None,
                                          unit=unit or None),
                     _("Added {user}. Give them their first passphrase in person.").format(user=user))

    def _change(self, write: Callable[[Vault], Any], message: str) -> None:
        def done(_result: Any) -> None:
            self.open()
            self.page.message.setText(message)

        self.tasks.run(write, done, lambda e: self.page.message.setText(describe(e)))

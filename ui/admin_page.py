"""Administration: people and roles, lockouts, the audit trail with a Verify button, county
settings, and keeping the vault (backup, restore, key rotation, passphrases, the recovery sheet).
What each asks is done by ui/admin_controller.py.

Every dialog here is opened with `open()`, never `exec()`: nothing waits on a person, so tests
drive the dialogs and the controller without blocking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
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
from csec_desktop.audit_actions import action_name
from csec_desktop.clock import LEGAL_ZONE
from csec_desktop.domain.people import ROLE_LABELS, Role, User
from csec_desktop.usecases import admin as admin_screen
from csec_desktop.usecases.admin import AuditEntry
from ui.i18n import N_, _, bind, item_text, on_change, role_label
from ui.scrolling import scrolled, wheel_safe
from ui.table_model import tab_leaves

SETTING_LABELS = {
    "idle_lock_minutes": N_("Lock after this many idle minutes"),
    "team_convene_days": N_("Convene the team within (days)"),
    "rescreen_days": N_("Screen again every (days)"),
    "rescreen_after_event_days": N_("Screen again after a return or a move within (days)"),
    "referral_followup_days": N_("Follow up a referral after (days)"),
    "efc_medical_update_days": N_("Update an AB 12 youth's medical information every (days)"),
    "retro_medi_cal_months_2027": N_("Medi-Cal reaches back from 2027, most groups (months)"),
    "retro_medi_cal_months_2027_expansion": N_("Medi-Cal reaches back from 2027, expansion adults (months)"),
    "federal_medicaid_humanitarian_2026": N_("Federal Medicaid still funds refugees and trafficking "
                                             "victims"),
    "statewide_system_days": N_("Record a CSEC status in the statewide system within (days)"),
    "protective_order_notice_days": N_("Say a protective order is ending this many days before"),
    "calvcb_relocation_cap": N_("Most CalVCB pays for relocation (dollars, 0 = not stated)"),
    "csec_program_county": N_("This county opted into the state CSEC Program"),
}


def _setting_value(widget: QSpinBox | QCheckBox) -> int:
    return int(widget.isChecked()) if isinstance(widget, QCheckBox) else widget.value()

def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    bind(table, lambda t, _text: t.setHorizontalHeaderLabels([_(h) for h in headers]), name)
    bind(table, "setAccessibleName", name)
    tab_leaves(table)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class PassphraseDialog(QDialog):
    """Passphrases (and the recovery key) typed without echo; the new one judged as it is typed.
    `submitted` carries the values in the order of the fields."""

    submitted = Signal(list)

    def __init__(self, parent: QWidget, title: str, fields: list[tuple[str, bool]], *,
                 judge: Callable[[str], str] | None = None, judged: int = -1, intro: str = "",
                 same: tuple[int, int] | None = None) -> None:
        """`same`: two fields that must match (a new passphrase and it again), checked here before
        the dialog closes: a mismatch closed it, lost all that was typed, and was said in the
        status bar, cut off."""
        super().__init__(parent)
        self._same = same
        self.setWindowTitle(_(title))
        self.setModal(True)
        form = QFormLayout(self)
        if intro:
            note = QLabel(_(intro))
            note.setWordWrap(True)
            form.addRow(note)
        self.fields: list[QLineEdit] = []
        for label, secret in fields:
            field = QLineEdit()
            if secret:
                field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(_(label))
            form.addRow(_(label), field)
            self.fields.append(field)
        self.strength = QLabel()
        self.strength.setWordWrap(True)
        self.strength.setAccessibleName(_("Passphrase strength"))
        if judge is not None and 0 <= judged < len(self.fields):
            self.fields[judged].textChanged.connect(lambda text: self._judged(judge(text)))
            form.addRow(self.strength)
        self.setMinimumWidth(460)  # room for the estimator's advice on two or three lines
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#b00020")
        form.addRow(self.problem)
        ok_cancel = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok_cancel)
        buttons.accepted.connect(self._checked)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.accepted.connect(self._submit)
        self.finished.connect(lambda _code: self._forget())

    def _judged(self, text: str) -> None:
        self.strength.setText(text)
        self.adjustSize()  # the advice may need another line: grow rather than cut it off

    def _checked(self) -> None:
        empty = next((f for f in self.fields if not f.text()), None)
        if empty is not None:
            self.problem.setText(_("{field}: must be filled in").format(field=empty.accessibleName()))
            empty.setFocus()
            return
        if self._same is not None and self.fields[self._same[0]].text() != self.fields[self._same[1]].text():
            again = self.fields[self._same[1]]
            self.problem.setText(_("{field}: is not the same as the one above; type it again").format(
                field=again.accessibleName()))
            again.clear()
            again.setFocus()
            return
        self.accept()

    def _submit(self) -> None:
        self.submitted.emit([f.text() for f in self.fields])

    def _forget(self) -> None:
        for field in self.fields:
            field.clear()


class AdminPage(QWidget):
    add_requested = Signal(str, str, str, str, str)  # user, name, role, unit, passphrase
    change_user_requested = Signal(str, str, str, str, str)  # user, role, unit, phone, e-mail
    reset_requested = Signal(str)  # user whose passphrase is set anew
    backup_requested = Signal()
    restore_requested = Signal()
    rotate_requested = Signal()
    passphrase_requested = Signal()
    recovery_sheet_requested = Signal()
    routine_toggled = Signal(bool)  # show the routine reads in the audit trail too
    cleared = Signal()
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
        self.role = wheel_safe(QComboBox())
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
        # The selected person's role and unit.
        self.edit_role = wheel_safe(QComboBox())
        for index, role in enumerate(Role):
            self.edit_role.addItem("", role.value)
            bind(self.edit_role, item_text(index), ROLE_LABELS.get(role.value, role.value))
        self.edit_unit = QLineEdit()
        # What letters the person prints give for reaching them (a referral letter's "From").
        self.edit_phone = QLineEdit()
        self.edit_email = QLineEdit()
        bind(self.edit_role, "setAccessibleName", N_("Selected user's role"))
        bind(self.edit_unit, "setAccessibleName", N_("Selected user's unit"))
        bind(self.edit_phone, "setAccessibleName", N_("Selected user's work phone"))
        bind(self.edit_email, "setAccessibleName", N_("Selected user's work e-mail"))
        self.change_user_button = QPushButton()
        bind(self.change_user_button, "setText", N_("Save r&ole, unit and contact"))
        self.reset_button = QPushButton()
        bind(self.reset_button, "setText", N_("Set a new passp&hrase for the selected user…"))
        edit = QFormLayout()
        for text, widget in ((N_("Role of the selected user"), self.edit_role),
                             (N_("Unit of the selected user"), self.edit_unit),
                             (N_("Work phone (printed on their letters)"), self.edit_phone),
                             (N_("Work e-mail (printed on their letters)"), self.edit_email)):
            label = QLabel()
            bind(label, "setText", text)
            label.setBuddy(widget)
            edit.addRow(label, widget)
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
        pbox.addLayout(edit)
        erow = QHBoxLayout()
        erow.addWidget(self.change_user_button)
        erow.addWidget(self.reset_button)
        erow.addStretch(1)
        pbox.addLayout(erow)
        pbox.addLayout(form)
        pbox.addWidget(self.add_button)
        pbox.addWidget(self.enrol_button)
        pbox.addWidget(self.message)

        self.audit = _table(["#", N_("When (California time)"), N_("User"), N_("Action"), N_("Record"),
                             N_("Details")], N_("Audit trail"))
        # A dozen entries in view, and the record's id (36 characters, whole in its tooltip) narrow
        # enough that the details show: five rows were in view, and the details were off the side.
        self.audit.setMinimumHeight(self.audit.verticalHeader().defaultSectionSize() * 12)
        self.audit.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        self.audit.setColumnWidth(4, self.audit.fontMetrics().horizontalAdvance("0" * 10))
        self.routine = QCheckBox()
        bind(self.routine, "setText", N_("Show routine reads too (records opened, searches, Today)"))
        self.routine.toggled.connect(self.routine_toggled.emit)
        self.verify_button = QPushButton()
        bind(self.verify_button, "setText", N_("&Verify the audit trail"))
        self.verify_result = QLabel()
        self.verify_result.setWordWrap(True)
        bind(self.verify_result, "setAccessibleName", N_("Audit verification result"))
        trail = QGroupBox()
        bind(trail, "setTitle", N_("Audit trail (newest first, 500 at most)"))
        tbox = QVBoxLayout(trail)
        tbox.addWidget(self.routine)
        tbox.addWidget(self.audit)
        # The selected entry's details whole: the column cut them, and only a mouse read the rest.
        self.audit_detail = QLabel()
        self.audit_detail.setWordWrap(True)
        self.audit_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bind(self.audit_detail, "setAccessibleName", N_("The selected entry's details"))
        self.audit.currentCellChanged.connect(lambda row, *_a: self._show_detail(row))
        tbox.addWidget(self.audit_detail)
        vrow = QHBoxLayout()
        vrow.addWidget(self.verify_button)
        vrow.addWidget(self.verify_result, 1)
        tbox.addLayout(vrow)

        # County settings: each says where its default comes from, and which are the county's choice
        # because no statute sets a number.
        settings = QGroupBox()
        bind(settings, "setTitle", N_("County settings"))
        sform = QFormLayout(settings)
        self.settings: dict[str, QSpinBox | QCheckBox] = {}
        for setting in policy.SETTINGS.values():
            # A yes-or-no setting is a check box (it was a number box from 0 to 1, "1 = yes").
            spin: QSpinBox | QCheckBox = (QCheckBox() if (setting.low, setting.high) == (0, 1)
                                          else wheel_safe(QSpinBox()))
            if isinstance(spin, QSpinBox):
                spin.setRange(setting.low, setting.high)
            else:
                bind(spin, "setText", N_("Yes"))
            label = QLabel()
            bind(label, "setText", SETTING_LABELS.get(setting.name, setting.name))
            bind(spin, "setAccessibleName", SETTING_LABELS.get(setting.name, setting.name))
            bind(spin, "setToolTip", setting.source)
            label.setBuddy(spin)
            source = QLabel()
            source.setWordWrap(True)
            source.setStyleSheet("color:#555")
            bind(source, "setText", setting.source)
            # The source on a row of its own, across the form: beside the box it was a column a
            # few words wide, eleven lines tall in Spanish.
            sform.addRow(label, spin)
            sform.addRow(source)
            self.settings[setting.name] = spin
        self.save_settings = QPushButton()
        bind(self.save_settings, "setText", N_("Save the &settings"))
        self.save_settings.clicked.connect(
            lambda: self.settings_requested.emit({n: _setting_value(s) for n, s in self.settings.items()}))
        sform.addRow(self.save_settings)
        # Keeping the vault.
        keeping = QGroupBox()
        bind(keeping, "setTitle", N_("Keeping the vault"))
        kbox = QVBoxLayout(keeping)
        self.backup_button = QPushButton()
        bind(self.backup_button, "setText", N_("&Back up the vault…"))
        self.restore_button = QPushButton()
        bind(self.restore_button, "setText", N_("Res&tore from a backup…"))
        self.rotate_button = QPushButton()
        bind(self.rotate_button, "setText", N_("Re-encr&ypt under a new key…"))
        self.passphrase_button = QPushButton()
        bind(self.passphrase_button, "setText", N_("&Change my passphrase…"))
        self.sheet_button = QPushButton()
        bind(self.sheet_button, "setText", N_("Print the recovery sheet a&gain…"))
        for button, signal in ((self.backup_button, self.backup_requested),
                               (self.restore_button, self.restore_requested),
                               (self.rotate_button, self.rotate_requested),
                               (self.passphrase_button, self.passphrase_requested),
                               (self.sheet_button, self.recovery_sheet_requested)):
            button.clicked.connect(signal)
            kbox.addWidget(button)
        self.keeping_message = QLabel()
        self.keeping_message.setWordWrap(True)
        bind(self.keeping_message, "setAccessibleName", N_("Keeping the vault: result"))
        kbox.addWidget(self.keeping_message)
        right = QVBoxLayout()
        right.addWidget(trail, 2)
        right.addWidget(settings, 1)
        right.addWidget(keeping)
        inner = QWidget()
        columns = QHBoxLayout(inner)
        columns.addWidget(people, 1)
        columns.addLayout(right, 1)
        outer = QVBoxLayout(self)  # scrolls on a laptop screen instead of making the window taller
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolled(inner))
        self.add_button.clicked.connect(self._add)
        self.disable_button.clicked.connect(self._toggle)
        self.release_button.clicked.connect(self._release)
        self.verify_button.clicked.connect(self.verify_requested.emit)
        self.change_user_button.clicked.connect(self._change_user)
        self.reset_button.clicked.connect(self._reset)
        self.users.itemSelectionChanged.connect(self._selected_changed)
        self._users: list[User] = []
        self._entries: list[AuditEntry] = []
        on_change(self, "_retranslate")

    def show_abilities(self, abilities: admin_screen.AdminAbilities) -> None:
        """Offer only what this person's role may do."""
        self.backup_button.setVisible(abilities.backup)
        for widget in (self.restore_button, self.rotate_button, self.sheet_button, self.change_user_button,
                       self.reset_button):
            widget.setVisible(abilities.manage_users)

    def _selected_changed(self) -> None:
        user = self.selected_user()
        if user is not None:
            self.edit_role.setCurrentIndex(list(Role).index(user.role))
            self.edit_unit.setText(user.unit or "")
            self.edit_phone.setText(user.phone or "")
            self.edit_email.setText(user.email or "")

    def _change_user(self) -> None:
        user = self._selected_or_say()
        if user is not None:
            self.change_user_requested.emit(user.username, str(self.edit_role.currentData()),
                                            self.edit_unit.text().strip(), self.edit_phone.text().strip(),
                                            self.edit_email.text().strip())

    def _reset(self) -> None:
        user = self._selected_or_say()
        if user is not None:
            self.reset_requested.emit(user.username)

    def show_settings(self, values: dict[str, int], fixed: dict[str, str] | None = None) -> None:
        """`fixed`: settings this computer's policy sets (and where), shown but not changeable."""
        fixed = fixed or {}
        for name, value in values.items():
            if name in self.settings:
                spin = self.settings[name]
                if isinstance(spin, QCheckBox):
                    spin.setChecked(bool(value))
                else:
                    spin.setValue(value)
                spin.setEnabled(name not in fixed)
                if name in fixed:
                    spin.setToolTip(_("Set by this computer's policy ({source}); county IT changes it "
                                      "there.").format(source=fixed[name]))

    def show_data(self, users: list[User], entries: list[AuditEntry]) -> None:
        self._users = users
        self.users.setRowCount(len(users))
        for r, u in enumerate(users):
            state = _("disabled") if u.disabled else _("active")
            for c, text in enumerate((u.username, u.display_name, role_label(u.role.value),
                                      u.unit or "", state)):
                self.users.setItem(r, c, QTableWidgetItem(text))
        self.show_entries(entries)

    def _show_detail(self, row: int) -> None:
        item = self.audit.item(row, 5) if row >= 0 else None
        action = self.audit.item(row, 3) if row >= 0 else None
        self.audit_detail.setText(f"{action.text()}: {item.text()}" if item is not None and action is not None
                                  and item.text() else "")

    def _retranslate(self) -> None:
        """The tables' words (a user's role and state, the entries' actions and details), said again
        in the new language; they had stayed in the old one until the page was opened again."""
        row = self.audit.currentRow()
        self.show_data(self._users, self._entries)
        if row >= 0:
            self.audit.setCurrentCell(row, 0)
            self._show_detail(row)

    def show_entries(self, entries: list[AuditEntry]) -> None:
        self._entries = entries
        self.audit_detail.clear()
        self.audit.setRowCount(len(entries))
        for r, e in enumerate(entries):
            details = admin_screen.detail_text(e, _)
            for c, text in enumerate((str(e.seq), _california(e.at), e.user,
                                      _(action_name(e.action)), e.record_id or "", details)):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setToolTip(e.at)  # as the trail keeps it, in UTC
                elif c == 4:
                    item.setToolTip(text)
                elif c == 3:
                    item.setToolTip(e.action)  # the code, as the trail and the command line keep it
                elif c == 5:
                    item.setToolTip(details)  # whole, where the column cuts it
                self.audit.setItem(r, c, item)

    def clear(self) -> None:
        self.show_data([], [])
        self.message.clear()
        self.keeping_message.clear()
        self.verify_result.clear()
        self.passphrase.clear()
        for edit in (self.edit_unit, self.edit_phone, self.edit_email):
            edit.clear()
        for dialog in self.findChildren(QDialog):  # a half-typed passphrase or key goes with the lock
            dialog.reject()
        self.cleared.emit()

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


def _california(at: str) -> str:
    """An entry's moment on California's clock, to the second, as every other time in the window:
    the trail in UTC read eight hours off the same moment on Today."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    return moment.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M:%S")

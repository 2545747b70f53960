"""Administration's controller: people, lockouts, the audit trail and county settings, and keeping
the vault (backup, restore, key rotation, passphrases, the recovery sheet), each run on the vault
thread and the page (ui/admin_page.py) redrawn after.

Every dialog here is opened with `open()`, never `exec()`: nothing waits on a person, so tests
drive the dialogs and the controller without blocking."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QMessageBox,
    QWidget,
)

from csec_desktop import policy
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import admin as admin_screen
from csec_desktop.usecases.admin import RestoreReport
from ui.admin_page import AdminPage, PassphraseDialog
from ui.i18n import N_, _, role_label
from ui.messages import describe
from ui.tasks import Tasks
from ui.worker import Holder


def _judge(passphrase: str) -> str:
    from ui.first_run import strength_text

    return strength_text(passphrase)


class AdminController(QObject):
    """People, the audit trail and county settings, and keeping the vault; each change then redraws
    the page. `lock_session` locks the window (a restore replaces the vault under it); by default
    the window's own `lock`."""

    restored = Signal(object)  # a RestoreReport
    county_changed = Signal()  # the county's settings: what Today finds may move

    def __init__(self, tasks: Tasks, page: AdminPage, *, show_page: Callable[[], None],
                 lock_session: Callable[[str], None] | None = None) -> None:
        super().__init__(page)
        self.tasks, self.page, self._show_page = tasks, page, show_page
        self._lock_session = lock_session
        self._documents: Any = None  # ui.documents.DocumentsController, made when first needed
        page.change_user_requested.connect(self.change_user)
        page.reset_requested.connect(self.ask_reset)
        page.backup_requested.connect(self.ask_backup)
        page.restore_requested.connect(self.ask_restore)
        page.rotate_requested.connect(self.ask_rotate)
        page.passphrase_requested.connect(self.ask_passphrase)
        page.recovery_sheet_requested.connect(self.ask_recovery_sheet)
        page.cleared.connect(self._close_previews)
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
                                          "unlock."), then=self.county_changed.emit))
        page.routine_toggled.connect(
            lambda routine: self.tasks.run(lambda v: admin_screen.audit_entries(v, routine=routine),
                                           page.show_entries))
        page.verify_requested.connect(
            lambda: self.tasks.run(lambda v: v.verify_audit(), lambda r: page.verify_result.setText(str(r)),
                                   lambda e: page.verify_result.setText(describe(e))))

    def open(self) -> None:
        Found = tuple[admin_screen.AdminOverview, admin_screen.AdminAbilities, dict[str, str]]

        def show(found: Found) -> None:
            overview, abilities, fixed = found
            self.page.show_data(overview.users, overview.entries)
            self.page.show_settings(overview.settings, fixed)
            self.page.show_abilities(abilities)
            self._show_page()

        routine = self.page.routine.isChecked()
        self.tasks.run(lambda v: (admin_screen.overview(v, routine=routine), admin_screen.abilities(v),
                                  policy.machine_set()), show)

    # People -----------------------------------------------------------------------------------

    def change_user(self, user: str, role: str, unit: str, phone: str = "", email: str = "") -> None:
        self._change(lambda v: admin_screen.change_user(v, user, role=role, unit=unit, phone=phone,
                                                        email=email),
                     _("{user}: role {role}, unit {unit}, contact {contact}.").format(
                         user=user, role=role_label(role), unit=unit or "—",
                         contact=", ".join(x for x in (phone, email) if x) or "—"))

    def ask_reset(self, user: str) -> PassphraseDialog:
        dialog = PassphraseDialog(
            self.page, N_("A new passphrase"),
            [(N_("New passphrase"), True), (N_("New passphrase again"), True)],
            judge=_judge, judged=0,
            intro=N_("For a person who forgot their passphrase. Give it to them in person; their records are "
                     "not affected."))
        dialog.submitted.connect(lambda values: self.reset(user, values[0], values[1]))
        dialog.open()
        return dialog

    def reset(self, user: str, new: str, again: str) -> None:
        self._change(lambda v: admin_screen.reset_passphrase(v, user, new, again),
                     _("{user} has a new passphrase. Give it to them in person.").format(user=user))

    # Keeping the vault ------------------------------------------------------------------------

    def ask_backup(self) -> QFileDialog:
        dialog = QFileDialog(self.page, _("Back up the vault to"), str(Path.home()),
                             _("Vault backup (*{suffix})").format(suffix=admin_screen.BACKUP_SUFFIX))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setDefaultSuffix(admin_screen.BACKUP_SUFFIX.lstrip("."))
        dialog.fileSelected.connect(lambda name: self.backup(Path(name)))
        dialog.open()
        return dialog

    def backup(self, target: Path) -> None:
        self._keep(lambda v: admin_screen.backup(v, target),
                   lambda count: _("Backed up {n} records to {file}. Only the county recovery key restores "
                                   "it: keep the two apart.").format(n=count, file=target.name))

    def ask_restore(self) -> QFileDialog:
        dialog = QFileDialog(self.page, _("Restore from the backup"), str(Path.home()),
                             _("Vault backup (*{suffix})").format(suffix=admin_screen.BACKUP_SUFFIX))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.fileSelected.connect(lambda name: self.ask_restore_key(Path(name)))
        dialog.open()
        return dialog

    def ask_restore_key(self, source: Path) -> PassphraseDialog:
        dialog = PassphraseDialog(
            self.page, N_("Restore from a backup"), [(N_("County recovery key"), True)],
            intro=N_("The vault locks, the vault here is moved aside (still encrypted) and the backup "
                     "takes its place. Everyone then unlocks with the passphrase they had when the backup "
                     "was made."))
        dialog.submitted.connect(lambda values: self.restore(source, values[0]))
        dialog.open()
        return dialog

    def restore(self, source: Path, recovery_key: str) -> None:
        def start(folder: Path) -> None:
            lock = self._lock_session or getattr(self.page.window(), "lock", None)
            if callable(lock):
                lock("restore")

            def work(holder: Holder) -> RestoreReport:
                if holder.vault is not None:  # no window lock to close it (a bare page)
                    holder.vault.lock("restore")
                    holder.vault = None
                return admin_screen.restore(folder, source, recovery_key)

            self.tasks.run_holder(work, done, failed)

        def done(report: RestoreReport) -> None:
            text = _("Restored {records} records and {users} people from the backup, checked record by "
                     "record. Unlock with the passphrase you had when the backup was made.").format(
                records=report.records, users=report.users)
            if report.moved_aside:
                text += " " + _("The vault that was here is kept, still encrypted, in {folder}.").format(
                    folder=report.moved_aside)
            if report.replayed:
                text += " " + _("Removed or disabled again, as the vault that was here had them: "
                                "{names}.").format(names=", ".join(report.replayed))
            self._tell(QMessageBox.Icon.Information, text)
            self.restored.emit(report)

        def failed(error: Exception) -> None:
            self._tell(QMessageBox.Icon.Warning, _("Nothing was restored: {problem}").format(
                problem=describe(error)))

        self.tasks.run(lambda v: admin_screen.prepare_restore(v, source), start,
                       lambda e: self.page.keeping_message.setText(describe(e)))

    def ask_rotate(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, _("Re-encrypt under a new key"),
                          _("Re-encrypt the whole vault under a new data key? Do this when a key may have "
                            "been exposed (a copy of the key file or a printed raw key), or to shut out "
                            "someone disabled: a disabled person's passphrase no longer opens the vault "
                            "after it, and letting them in again needs a passphrase reset. Other "
                            "passphrases and the recovery key stay as they are."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.page)
        yes = QMessageBox.StandardButton.Yes
        box.buttonClicked.connect(lambda button: self.rotate() if box.standardButton(button) == yes else None)
        box.open()
        return box

    def rotate(self) -> None:
        self._keep(admin_screen.rotate_key,
                   lambda _none: _("The vault is now encrypted under a new data key."))

    def ask_passphrase(self, parent: QWidget | None = None,
                       tell: Callable[[str], None] | None = None) -> PassphraseDialog:
        """Anyone's own passphrase: from this page, or (with `parent` and `tell`, where the result
        is said) from the window's menu for the roles that never see this page."""
        dialog = PassphraseDialog(
            parent or self.page, N_("Change my passphrase"),
            [(N_("Current passphrase"), True), (N_("New passphrase"), True),
             (N_("New passphrase again"), True)],
            judge=_judge, judged=1, same=(1, 2))
        dialog.submitted.connect(
            lambda values: self.change_passphrase(values[0], values[1], values[2], tell=tell))
        dialog.open()
        return dialog

    def change_passphrase(self, current: str, new: str, again: str,
                          tell: Callable[[str], None] | None = None) -> None:
        work = lambda v: admin_screen.change_passphrase(v, current, new, again)  # noqa: E731
        done = _("Your passphrase is changed: use the new one from the next unlock.")
        if tell is None:
            self._keep(work, lambda _none: done)
        else:
            self.tasks.run(work, lambda _none: tell(done), lambda e: tell(describe(e)))

    def ask_recovery_sheet(self) -> PassphraseDialog:
        dialog = PassphraseDialog(
            self.page, N_("Print the recovery sheet again"), [(N_("County recovery key"), True)],
            intro=N_("Type the county recovery key from the sealed sheet. It is checked against this vault, "
                     "then shown to print; it is never stored."))
        dialog.submitted.connect(lambda values: self.print_recovery_sheet(values[0]))
        dialog.open()
        return dialog

    def print_recovery_sheet(self, recovery_key: str) -> None:
        def show(found: tuple[str, str]) -> None:
            county, key = found
            self.page.keeping_message.setText(
                _("The recovery key is this vault's. Print the sheet and seal it."))
            self._docs().recovery_sheet(county, key, lambda e: self.page.keeping_message.setText(describe(e)))

        self.tasks.run(lambda v: (v.county, admin_screen.check_recovery_key(v, recovery_key)), show,
                       lambda e: self.page.keeping_message.setText(describe(e)))

    def _docs(self) -> Any:
        if self._documents is None:
            from ui.documents import DocumentsController

            self._documents = DocumentsController(self.tasks, self.page,
                                                  status=self.page.keeping_message.setText)
        return self._documents

    def _close_previews(self) -> None:
        if self._documents is not None:
            self._documents.close_all()

    def _tell(self, icon: QMessageBox.Icon, text: str) -> QMessageBox:
        box = QMessageBox(icon, _("Administration"), text, QMessageBox.StandardButton.Ok, self.page.window())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def _keep(self, work: Callable[[Vault], Any], message: Callable[[Any], str]) -> None:
        def done(result: Any) -> None:
            self.open()
            self.page.keeping_message.setText(message(result))

        self.tasks.run(work, done, lambda e: self.page.keeping_message.setText(describe(e)))

    def add_user(self, user: str, name: str, role: str, unit: str, passphrase: str) -> None:
        self._change(lambda v: v.add_user(user, role=role, passphrase=passphrase, display_name=name or None,
                                          unit=unit or None),
                     _("Added {user}. Give them their first passphrase in person.").format(user=user))

    def _change(self, write: Callable[[Vault], Any], message: str,
                then: Callable[[], None] | None = None) -> None:
        def done(_result: Any) -> None:
            self.open()
            self.page.message.setText(message)
            if then is not None:
                then()

        self.tasks.run(write, done, lambda e: self.page.message.setText(describe(e)))

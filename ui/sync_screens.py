"""The window's side of sync: the conflicts page, enrolment, and what a finished round shows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from csec_desktop import machine_policy
from csec_desktop.errors import CsecError
from csec_desktop.sync import local as sync_local
from csec_desktop.usecases import sync as sync_screen
from ui.i18n import _, problem
from ui.messages import describe
from ui.sync_ui import (
    ConflictsPage,
    EnrolDialog,
    KeptDialog,
    OfflineLockPage,
    RefusedDialog,
    SyncController,
    describe_report,
    enrol,
)
from ui.tasks import Tasks, VaultEvents

log = logging.getLogger(__name__)


class SyncScreens(QObject):
    def __init__(self, tasks: Tasks, events: VaultEvents, sync: SyncController, conflicts: ConflictsPage,
                 offline: OfflineLockPage, *, status: Callable[[str], None], show: Callable[[QWidget], None],
                 current: Callable[[], QWidget | None], offline_check: Callable[[], None]) -> None:
        super().__init__(conflicts)
        self.tasks, self.events, self.sync = tasks, events, sync
        self.conflicts, self.offline = conflicts, offline
        self._status, self._show, self._current, self._offline_check = status, show, current, offline_check
        self.offline_days = 14
        sync.finished.connect(self.finished)
        conflicts.keep_requested.connect(self.keep)
        offline.sync_requested.connect(lambda *_a: sync.sync_now())

    def finished(self, report: Any, error: Exception | None) -> None:
        if error is not None:
            # The network's own error class for county IT (a type name, never a message).
            log.warning("sync failed: %s %s", type(error), getattr(error, "detail", "")
                        if type(error).__name__ == "HubUnreachable" else "")
        elif report is not None:
            log.info("sync: pushed %d, pulled %d (%d changed here), conflicts %d, refused %d", report.pushed,
                     report.pulled, report.changed, report.conflicts, report.refused)
        self._status(describe_report(report, error))
        here = self._current()
        if error is None and report is not None and report.changed:
            self.events.announce("", "youth")  # records arrived: lists shown now are redrawn
        if here is self.offline:
            if error is None:
                self._offline_check()
            else:
                self.offline.explain(self.offline_days, describe(error))
        elif here is self.conflicts:
            self.open_conflicts()

    def open_kept(self, parent: QWidget) -> None:
        """This person's changes kept because the youth left the caseload (sync/undelivered.py)."""
        from pathlib import Path

        from csec_desktop.sync import undelivered

        def show(items: list[undelivered.Undelivered]) -> None:
            dialog = KeptDialog(items, parent)
            dialog.export_requested.connect(lambda path, purpose: self.tasks.run(
                lambda v: undelivered.export(v, Path(path), purpose, overwrite=True),
                lambda n: self._status(_("Exported {n} change(s) for your supervisor.").format(n=n))))
            dialog.open()

        self.tasks.run(undelivered.mine, show)

    def open_refused(self, parent: QWidget) -> None:
        """The changes the hub refused, with its reasons (sync/refused.py)."""
        from csec_desktop.sync import refused

        def aside(op_ids: list[str]) -> None:
            self.tasks.run(lambda v: refused.set_aside(v, op_ids), lambda _n: self.sync.refresh())

        def show(items: list[refused.Refused]) -> None:
            dialog = RefusedDialog(items, parent)
            dialog.set_aside_requested.connect(aside)
            dialog.open()

        self.tasks.run(refused.listed, show)

    def open_conflicts(self) -> None:
        def show(found: sync_screen.ConflictsView) -> None:
            self.conflicts.show_conflicts(found.conflicts, found.names, found.device_id)
            self._show(self.conflicts)

        self.tasks.run(sync_screen.conflicts, show)

    def keep(self, conflict_id: str, value: Any, deletion: bool = False) -> None:
        def done(_result: Any) -> None:
            self._status(_("Kept. The decision goes to the hub at the next sync."))
            self.sync.refresh()
            self.open_conflicts()

        self.tasks.run(lambda vault: sync_local.resolve(vault, conflict_id, value, keep_deleted=deletion),
                       done)

    def enrol(self, parent: QWidget, dialog: EnrolDialog | None = None) -> None:
        """Ask for the hub, the code and the certificate, and enrol; a refusal is said in the dialog,
        opened again with everything typed (it went by in the status bar, cut off, and all of it
        had to be typed again)."""
        if dialog is None:
            try:
                policy = machine_policy.load()
            except CsecError as exc:  # a broken policy file: enrolment would be refused; say why now
                self._status(describe(exc))
                return
            dialog = EnrolDialog(parent, policy)
        if dialog.exec() != EnrolDialog.DialogCode.Accepted:
            return
        url, code, pem = dialog.values()
        kept = dialog

        def done(differences: list[str]) -> None:
            self._status(_("Enrolled with the county hub. Syncing now."))
            if differences:
                from PySide6.QtWidgets import QMessageBox

                box = QMessageBox(QMessageBox.Icon.Warning, _("Enrolled, with a difference"), _(
                    "This computer is enrolled. The hub and this computer do not agree about the person "
                    "it syncs for:\n\n{differences}\n\nThe hub's role and unit decide which youth this "
                    "computer is sent and which changes it takes. Make them the same: here under "
                    "Administration (your own role only another administrator can change), or ask the hub "
                    "administrator to change the hub's user.").format(
                        differences="\n".join(problem(d) for d in differences)),
                    QMessageBox.StandardButton.Ok, parent)
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.setObjectName("said")  # closed at lock
                # The first sync waits until it is read: it sent, and had refused, changes the
                # person might first have set right.
                box.finished.connect(lambda _result: self.sync.sync_now())
                box.open()
                return
            self.sync.sync_now()

        def failed(error: Exception) -> None:
            from csec_desktop.sync.client import HubUnreachable

            kept.say(_("Could not reach the county hub at {url}. Check the address (https://, the name and "
                       "the port) and that the hub is running, then press OK again.").format(url=url)
                     if isinstance(error, HubUnreachable) else describe(error))
            self.enrol(parent, kept)

        enrol(self.sync.backend, url, code, pem, done, failed, name=dialog.device_name())

    def clear(self) -> None:
        self.conflicts.show_conflicts([], {})

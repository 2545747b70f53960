"""Sync with the county hub, seen from the window.

- `SyncController`: runs a sync round on a thread of its own (network waits never touch
  the GUI thread); vault work inside the round is handed to the vault thread. Syncs on
  demand (Sync now, F9) and every five minutes while unlocked and enrolled.
- `SyncStatus`: the status-bar widget (state, last synced, changes waiting, conflicts).
- `ConflictsPage`: each conflict's values side by side with who and when; "Keep this"
  decides it (an ordinary change, undoable, sent with the next sync).
- `OfflineLockPage`: shown instead of cases when the device has been offline too long.
- `EnrolDialog`: the administrator's enrolment with the hub (address, code, certificate).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.clock import LEGAL_ZONE
from csec_desktop.domain.kinds import model_for
from csec_desktop.errors import CsecError, ValidationFailed
from csec_desktop.machine_policy import MachinePolicy
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from ui.i18n import N_, _, bind, on_change, problem
from ui.messages import describe
from ui.record_form import FIELD_LABELS, local_time
from ui.worker import VaultThread

if TYPE_CHECKING:  # the network client (httpx) loads on the first sync, not at start-up
    from csec_desktop.sync.client import HubClient, Report

AUTO_SYNC_MS = 5 * 60 * 1000
RECOUNT_MS = 1500


def _when(iso: str | None) -> str:
    if not iso:
        return _("never")
    return local_time(iso)  # what is not a time is shown as it is


class SyncController(QObject):
    status_changed = Signal(object)  # local.Status
    finished = Signal(object, object)  # Report | None, Exception | None
    revoked = Signal()

    def __init__(self, backend: VaultThread, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.running = False
        self._relay = _Relay()
        self._relay.done.connect(self._done)
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_SYNC_MS)
        self.timer.timeout.connect(lambda: self.sync_now(asked=False))
        self.make_client: Callable[[local.Enrolment], HubClient] | None = None
        # A save's change counted as waiting at once (it was counted only at the next sync), the
        # counts read once for a burst of writes.
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(RECOUNT_MS)
        self._recount.timeout.connect(self._recount_now)
        backend.wrote.connect(self._recount.start)
        self.last_failure: tuple[datetime, Exception] | None = None
        """When the last sync failed and why, until one succeeds: the status bar said "Synced" with
        the time of the last success after the error had gone by."""

    def start(self, refresh: bool = True) -> None:
        """Sync every few minutes from now; the status bar's counts now too, unless `refresh` is
        False (the window asks for them itself once the caseload's first page is in)."""
        self.timer.start()
        if refresh:
            self.refresh()

    def stop(self) -> None:
        self.timer.stop()

    def _recount_now(self) -> None:
        if self.timer.isActive() and not self.running:  # unlocked, and no sync to recount after
            self.refresh()

    def refresh(self) -> None:
        # In the background lane: at unlock the counts of waiting changes (280,000 in a county
        # never synced) held the caseload's first page back.
        self.backend.call(lambda h: local.status(h.require()), self.status_changed.emit, lambda _e: None,
                          background=True)

    def sync_now(self, asked: bool = True) -> None:
        """Sync with the hub; `asked`: a person asked (the timer's own syncs are not)."""
        if self.running:
            return
        self.backend.call(lambda h: local.enrolment(h.require()), lambda found: self._go(found, asked),
                          self._failed)

    def _go(self, found: local.Enrolment | None, asked: bool = True) -> None:
        if found is None:
            # Said to the person who asked; the timer's syncs on a computer used offline said it
            # every few minutes over whatever the status bar was saying.
            if asked:
                self.finished.emit(None, CsecError(_("This computer is not enrolled with a county hub. An "
                                                     "administrator enrols it under Administration.")))
            return
        self.running = True
        self.status_changed.emit(None)
        thread = threading.Thread(target=self._run, args=(found,), name="hub-sync", daemon=True)
        thread.start()

    def _run(self, found: local.Enrolment) -> None:
        """On the sync thread: network here; vault work queued to the vault thread."""
        try:
            from csec_desktop.sync.client import HubClient, sync

            client = (self.make_client or HubClient.for_enrolment)(found)
            try:
                report: Report | None = sync(self._on_vault, client)
            finally:
                client.close()
            error: Exception | None = None
        except Exception as exc:  # reported in the window; a bug still names only its type
            report, error = None, exc if isinstance(exc, CsecError) else RuntimeError(type(exc).__name__)
        self._relay.done.emit(report, error)

    def _on_vault(self, fn: Callable[[Vault], Any]) -> Any:
        done = threading.Event()
        box: dict[str, Any] = {}

        def ok(result: Any) -> None:
            box["result"] = result
            done.set()

        def bad(error: Exception) -> None:
            box["error"] = error
            done.set()

        self.backend.call(lambda h: fn(h.require()), ok, bad)
        if not done.wait(120):
            raise CsecError(_("The vault did not answer; sync stopped. Try again."))
        if "error" in box:
            raise box["error"]
        return box.get("result")

    def _done(self, report: Report | None, error: Exception | None) -> None:
        self.running = False
        self.last_failure = None if error is None else (datetime.now(), error)
        from csec_desktop.sync.client import DeviceRevoked

        if isinstance(error, DeviceRevoked):
            self.revoked.emit()
        self.finished.emit(report, error)
        self.refresh()

    def _failed(self, error: Exception) -> None:
        self.finished.emit(None, error)


class _Relay(QObject):
    """Carries the sync thread's result to the GUI thread (a queued signal)."""

    done = Signal(object, object)


class KeptDialog(QDialog):
    """This person's changes the hub would not take because the youth left the caseload: what they
    typed, about whom, why it was kept; exported for their supervisor (audited)."""

    export_requested = Signal(str, str)  # file, purpose

    def __init__(self, items: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lines = []
        for item in items:
            values = "; ".join(f"{_field_label(item.kind, k) if item.kind != 'draft' else k}: {_shown(v)}"
                               for k, v in item.fields.items())
            lines.append(f"{_when(item.typed_at)} · {item.youth_name or item.youth_id} · "
                         f"{item.kind}\n  {values}\n  {_('Why kept:')} {item.reason}")
        self.text, buttons = _changes_listed(self, _("Not delivered"), _(
            "These changes of yours were not taken by the hub because the youth left this device's "
            "caseload. They are kept, readable by you alone. Export them for your supervisor so they "
            "reach whoever holds the youth now."), lines, N_("Changes not delivered"))
        export = buttons.addButton(_("Export for my supervisor…"), QDialogButtonBox.ButtonRole.ActionRole)
        export.clicked.connect(self._export)

    def _export(self) -> None:
        path, _chosen = QFileDialog.getSaveFileName(self, _("Export for my supervisor"), "not-delivered.json",
                                                    "JSON (*.json)")
        if not path:
            return
        purpose, ok = QInputDialog.getText(self, _("Export for my supervisor"),
                                           _("Who receives this file, and why:"))
        if ok and purpose.strip():
            self.export_requested.emit(path, purpose)


class SyncStatus(QWidget):
    """Status bar: "Synced 10:42 · 2 waiting · 1 conflict" and the Sync now button."""

    sync_requested = Signal()
    conflicts_requested = Signal()
    kept_requested = Signal()
    refused_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        bind(self.label, "setAccessibleName", N_("Sync with the county hub"))
        self.conflicts = QToolButton()
        self.conflicts.clicked.connect(self.conflicts_requested)
        self.kept = QToolButton()
        self.kept.clicked.connect(self.kept_requested)
        # Refusals are a button that lists them with the hub's reasons: as a count in the text
        # they stayed for good, with nothing to say what they were.
        self.refused = QToolButton()
        self.refused.clicked.connect(self.refused_requested)
        self.button = QToolButton()
        bind(self.button, "setText", N_("Sync now (F9)"))
        self.button.clicked.connect(self.sync_requested)
        layout.addWidget(self.label)
        for button in (self.conflicts, self.kept, self.refused):
            button.setVisible(False)
            layout.addWidget(button)
        layout.addWidget(self.button)
        self.failed: tuple[datetime, bool] | None = None  # the last failed sync: when, hub not reached
        self._shown: local.Status | None = None
        self.show_status(None)
        on_change(self, "_retranslate")  # said in the old language until the next sync, it was

    def _retranslate(self) -> None:
        if self._shown is not None:
            self.show_status(self._shown)

    def note_result(self, _report: object, error: Exception | None) -> None:
        """A sync ended: a failure is shown until one succeeds."""
        from csec_desktop.sync.client import HubUnreachable

        # California's clock, as "Synced …" beside it (the computer's own zone may be another).
        self.failed = None if error is None else (datetime.now(LEGAL_ZONE), isinstance(error, HubUnreachable))

    def show_status(self, status: local.Status | None, message: str = "") -> None:
        self._shown = status
        if status is None:
            self.label.setText(message or _("Syncing…"))
            self.button.setEnabled(False)
            return
        self.button.setEnabled(status.enrolled)
        # What this person typed that the hub would not take (the youth left the caseload): kept.
        self.kept.setVisible(bool(status.undelivered))
        self.kept.setText(_("{n} of your changes not delivered").format(n=status.undelivered))
        if not status.enrolled:
            self.label.setText(_("Offline only (not enrolled with a hub)"))
            self.conflicts.setVisible(False)
            self.refused.setVisible(False)
            return
        parts = [_("Synced {when}").format(when=_when(status.last_contact))]
        if self.failed is not None:
            at, unreached = self.failed
            parts.append((_("hub not reached at {time}") if unreached else _("sync failed at {time}"))
                         .format(time=at.strftime("%H:%M")))
        if status.waiting:
            parts.append(_("{n} change(s) waiting").format(n=status.waiting))
        if status.held_for_good:  # the hub takes the account only from counsel's own computer
            parts.append(_("{n} carry the youth's account, which the hub does not take from this "
                           "computer").format(n=status.held))
        elif status.held:
            parts.append(_("{n} wait for an attorney or supervisor to sync on this computer")
                         .format(n=status.held))
        if status.syncs_as:
            parts.append(_("sends as {user}").format(user=status.syncs_as))
        if status.days_left is not None and status.days_left < 3:
            parts.append(_("locks in {days:.0f} day(s) without sync").format(days=max(status.days_left, 0)))
        self.label.setText(message or " · ".join(parts))
        self.label.setToolTip(_("This computer is enrolled for {user}: the hub records everything it sends "
                                "under that name.").format(user=status.syncs_as) if status.syncs_as else "")
        self.conflicts.setVisible(bool(status.conflicts))
        self.conflicts.setText(_("{n} conflict(s) to decide").format(n=status.conflicts))
        self.refused.setVisible(bool(status.refused))
        self.refused.setText(_("{n} refused by the hub").format(n=status.refused))


def _changes_listed(dialog: QDialog, title: str, intro: str, lines: list[str],
                    name: str) -> tuple[QPlainTextEdit, QDialogButtonBox]:
    """A dialog's list of changes, read-only under a line saying what they are, and its buttons
    (Close; the caller adds its action)."""
    dialog.setWindowTitle(title)
    dialog.resize(660, 420)
    layout = QVBoxLayout(dialog)
    said = QLabel(intro)
    said.setWordWrap(True)
    layout.addWidget(said)
    text = QPlainTextEdit()
    text.setReadOnly(True)
    text.setPlainText("\n\n".join(lines))
    bind(text, "setAccessibleName", name)
    layout.addWidget(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return text, buttons


class RefusedDialog(QDialog):
    """The changes the hub refused: what, about whom, who typed them, and the hub's reason; set
    aside once read, so the count shows only new ones."""

    set_aside_requested = Signal(list)  # op ids

    def __init__(self, items: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from csec_desktop.domain.labels import record_kind

        self.items = items
        lines = []
        for item in items:
            about = item.youth_name or item.title or (_("a youth") if item.youth_id else _("county data"))
            names = ", ".join(sorted(_field_label(item.kind, name) for name in item.fields)) or "—"
            lines.append(f"{_when(item.at)} · {item.user} · {_(record_kind(item.kind))} · {about}\n"
                         f"  {_('Fields:')} {names}\n  {_('Hub’s reason:')} {item.reason}")
        self.text, buttons = _changes_listed(self, _("Refused by the hub"), _(
            "The county hub did not take these changes. They stay in this computer's record, but no one "
            "else sees them. Each shows the hub's reason: if the change is still needed, ask someone whose "
            "role allows it (a supervisor or administrator for the directory), or the hub administrator if "
            "the reason looks wrong."), lines, N_("Changes refused by the hub"))
        aside = buttons.addButton(_("&Set these aside"), QDialogButtonBox.ButtonRole.ActionRole)
        aside.setToolTip(_("Stop counting these in the status bar. They stay in the record's history."))
        aside.clicked.connect(self._set_aside)

    def _set_aside(self) -> None:
        self.set_aside_requested.emit([item.op_id for item in self.items])
        self.accept()


def _field_label(kind: str, field: str) -> str:
    try:
        model = model_for(kind).__name__
    except ValueError:
        model = ""
    message = FIELD_LABELS.get(f"{model}.{field}") or FIELD_LABELS.get(field)
    return _(message) if message else field.replace("_", " ").capitalize()


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return _("(empty)")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1)


class ConflictsPage(QWidget):
    """Side by side: the values two (or more) computers gave one field, with who and when."""

    keep_requested = Signal(str, object, bool)  # conflict id, value kept, whether it is the deletion
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        bind(self.heading, "setText", N_(
            "The same field was changed on two computers before they synced. Nothing was "
            "overwritten: choose the value to keep. Your choice is an ordinary change (it can be "
            "undone) and reaches the other computers at the next sync."))
        outer.addWidget(self.heading)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        outer.addWidget(self.area, 1)
        self.back = QPushButton()
        bind(self.back, "setText", N_("&Back"))
        self.back.clicked.connect(self.back_requested)
        outer.addWidget(self.back, 0, Qt.AlignmentFlag.AlignLeft)
        self.show_conflicts([], {})

    def show_conflicts(self, found: list[local.Conflict], names: dict[str, str], here: str = "") -> None:
        """`names`: youth display names by id; `here`: this computer's hub device id."""
        from csec_desktop.domain.labels import record_kind

        inner = QWidget()
        column = QVBoxLayout(inner)
        if not found:
            empty = QLabel(_("No conflicts to decide."))
            column.addWidget(empty)
        for conflict in found:
            box = QGroupBox(_("{who} · {kind} · “{field}”").format(
                who=names.get(conflict.owner_id or "", _("a record")),
                kind=_(record_kind(conflict.kind)),
                field=_field_label(conflict.kind, conflict.field)))
            grid = QGridLayout(box)
            for col, value in enumerate(conflict.state.values):
                current = value.value == conflict.current
                device = _("this computer") if value.device == here else _("computer …{id}").format(
                    id=value.device[-6:])
                title = QLabel(_("{user} on {device}\n{when}").format(
                    user=value.user, device=device, when=_when(value.at)))
                shown = QLabel(_("Deleted the record") if value.deleted else _shown(value.value))
                shown.setWordWrap(True)
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                shown.setFrameShape(QLabel.Shape.StyledPanel)
                note = QLabel(_("now in the record") if current and not value.deleted else "")
                if conflict.deleted_elsewhere and not value.deleted:
                    note.setText(_("keeping it brings the record back"))
                keep = QPushButton(_("Keep this"))
                keep.setAccessibleName(_("Keep the value from {user} on {device}").format(
                    user=value.user, device=device))
                keep.setEnabled(not conflict.pending)
                keep.clicked.connect(lambda _c=False, cid=conflict.conflict_id, v=value.value,
                                     d=value.deleted: self.keep_requested.emit(cid, v, d))
                for row, widget in enumerate((title, shown, note, keep)):
                    grid.addWidget(widget, row, col)
            if conflict.pending:
                grid.addWidget(QLabel(_("Decided here; sent at the next sync.")), 4, 0, 1, -1)
            column.addWidget(box)
        column.addStretch(1)
        self.area.setWidget(inner)


class OfflineLockPage(QWidget):
    sync_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.button = QPushButton()
        bind(self.button, "setText", N_("&Sync now"))
        self.button.clicked.connect(self.sync_requested)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(2)

    def explain(self, days: int, detail: str = "") -> None:
        self.message.setText(_(
            "This computer has not reached the county hub for more than {days} days, so it keeps "
            "the cases closed, as county policy requires. Connect to the county network, ask the "
            "hub administrator to release this device, then press Sync now.").format(days=days)
            + (f"\n\n{detail}" if detail else ""))


class EnrolDialog(QDialog):
    """Administrator: the hub's address, the one-time code, the county certificate file."""

    def __init__(self, parent: QWidget | None = None, policy: MachinePolicy | None = None) -> None:
        super().__init__(parent)
        bind(self, "setWindowTitle", N_("Enrol with the county hub"))
        form = QFormLayout(self)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://hub.county.example:8443")
        self.code = QLineEdit()
        self.cert = QLineEdit()
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.cert, 1)
        row.addWidget(browse)
        form.addRow(_("Hub &address"), self.url)
        form.addRow(_("Enrolment &code"), self.code)
        cert_label = QLabel(_("County cer&tificate file"))  # a row of a layout: its label needs the buddy,
        cert_label.setBuddy(self.cert)                         # or "&" was shown as it is
        form.addRow(cert_label, row)
        # What the hub administrator's list of devices calls it: every computer was its host name,
        # and two desktops named "vm" were told apart only by their person.
        self.name = QLineEdit(socket.gethostname()[:100])
        self.name.setMaxLength(100)
        form.addRow(_("This computer's &name"), self.name)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b00020")
        form.addRow(self.message)
        self.pem = ""  # the certificate read when OK was pressed
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._checked)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        if policy is not None:
            self._fixed_by(policy, browse)

    def _fixed_by(self, policy: MachinePolicy, browse: QPushButton) -> None:
        """What county IT set for this computer is filled in and cannot be changed here (the
        enrolment would be refused anyway): the administrator types only the one-time code."""
        fixed = []
        if policy.hub_url:
            self.url.setText(policy.hub_url)
            fixed.append(self.url)
        if policy.hub_certificate:
            self.cert.setText(policy.hub_certificate)
            fixed.append(self.cert)
            browse.setEnabled(False)
        for edit in fixed:
            edit.setReadOnly(True)
            edit.setToolTip(_("Set for this computer by county IT ({source}).").format(source=policy.source))
        if fixed:
            self.message.setText(_("County IT set the hub for this computer; type the enrolment code "
                                   "the hub administrator gave you."))
            self.code.setFocus()

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("County certificate"), "",
                                                    _("Certificates (*.pem *.crt)"))
        if path:
            self.cert.setText(path)

    def _checked(self) -> None:
        """OK: the certificate file read and checked here, the dialog kept open with what is wrong
        (it closed, and the reason went by in the status bar with all that was typed)."""
        from csec_desktop.sync.client import certificate_pem

        path = self.cert.text().strip()
        if not path:
            self.say(_("Choose the county certificate file county IT gave you."))
            return
        try:
            self.pem = certificate_pem(Path(path).read_bytes())
        except OSError as exc:
            self.say(_("Could not read the certificate file: {error}").format(error=exc.strerror))
            return
        except ValidationFailed as exc:
            self.say(_("The file {name} {problem}.").format(name=Path(path).name,
                                                          problem=problem(exc.problems[0].message)))
            return
        self.accept()

    def say(self, text: str) -> None:
        self.message.setText(text)

    def values(self) -> tuple[str, str, str]:
        return self.url.text().strip(), self.code.text().strip(), self.pem

    def device_name(self) -> str:
        return " ".join(self.name.text().split()) or socket.gethostname()[:100] or "desktop"


def enrol(backend: VaultThread, url: str, code: str, cert_pem: str,
          done: Callable[[Any], None], failed: Callable[[Exception], None], name: str = "") -> None:
    """Ask the hub for credentials (sync thread), then keep them in the vault (vault thread);
    `done` gets how the hub's person differs from this vault's (local.differences)."""
    relay = _Relay(backend)

    def finish(granted: Any, error: Exception | None) -> None:
        if error is not None:
            failed(error)
            return
        def save(vault: Vault) -> list[str]:
            local.save_enrolment(vault, url, cert_pem, granted)
            return local.differences(vault, granted)

        backend.call(lambda h: save(h.require()), done, failed)

    relay.done.connect(finish)

    def run() -> None:
        try:
            from csec_desktop.sync.client import HubClient

            client = HubClient(url, cert_pem=cert_pem)
            try:
                granted = client.enroll(code, name or socket.gethostname()[:100] or "desktop")
            finally:
                client.close()
            relay.done.emit(granted, None)
        except Exception as exc:
            relay.done.emit(None, exc if isinstance(exc, CsecError) else RuntimeError(type(exc).__name__))

    threading.Thread(target=run, name="hub-enrol", daemon=True).start()


def describe_report(report: Report | None, error: Exception | None) -> str:
    if error is not None:
        return describe(error)
    assert report is not None
    # Received: what changed here; this device's own changes echoed back by the hub read as 1,176
    # records received after a push of 676.
    text = _("Synced: {sent} change(s) sent, {got} record(s) received.").format(
        sent=report.pushed, got=report.changed)
    if report.conflicts:
        text += " " + _("{n} conflict(s) kept for you to decide.").format(n=report.conflicts)
    # Refusals are the status bar's button (a third sentence was cut off at 1366 pixels).
    return text

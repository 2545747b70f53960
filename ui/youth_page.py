"""One youth's record: safety banner, every field of the core model with messages
beside each, the lists (aliases, legal status, placement, safety flags, consents),
contacts and case notes, the duties the rules find, history, undo of the last saved
edit, and drafts kept in the vault while typing."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.domain.csec import (
    CsecStatus,
    LicensedScreen,
    MissingEpisode,
    TeamMeeting,
)
from csec_desktop.domain.people import Permission
from csec_desktop.domain.protection import ProtectiveOrder
from csec_desktop.domain.summaries import code_label
from csec_desktop.domain.vacatur import initials
from csec_desktop.domain.youth import (
    Alias,
    CaseNote,
    Consent,
    Contact,
    Placement,
    PlacementPeriod,
    SafetyFlag,
    StatusPeriod,
    flag_naming,
    instruction_shown,
)
from csec_desktop.formspec import result_text
from csec_desktop.rules import LEGAL_ZONE, Finding, FindingKind
from csec_desktop.usecases import StoredRecord
from csec_desktop.usecases.youth import Derived, HistoryEntry, Saved, YouthFile
from ui import history_lines
from ui.efc_tab import EfcTab
from ui.i18n import N_, _, bind, item_text, language, ngettext, on_change, problem
from ui.item_list import ItemList
from ui.record_form import summary_for
from ui.services_tab import ServicesTab
from ui.vacatur_tab import VacaturTab

# (path in the record body, label). Paths with a dot are one level inside a group.
FIELDS: tuple[tuple[str, str], ...] = (
    ("legal_name.given", N_("Given name")),
    ("legal_name.middle", N_("Middle name")),
    ("legal_name.family", N_("Family name")),
    ("preferred_name", N_("Preferred name")),
    ("date_of_birth", N_("Date of birth (YYYY-MM-DD)")),
    ("pronouns", N_("Pronouns")),
    ("primary_language", N_("Primary language")),
    ("county", N_("County")),
    ("identifiers.juvenile_case_number", N_("Juvenile case number")),
    ("identifiers.probation_number", N_("Probation number")),
    ("identifiers.cws_cms_client_id", N_("CWS/CMS client id")),
    ("assigned_worker", N_("Assigned worker")),
    ("unit", N_("Unit")),
)

# Lists inside the youth record: (field, section title, item model, one item only).
LISTS: tuple[tuple[str, str, type[Any], bool], ...] = (
    ("aliases", N_("Aliases, monikers and street names"), Alias, False),
    ("legal_status", N_("Legal status over time"), StatusPeriod, False),
    ("placement", N_("Current placement"), Placement, True),
    ("placement_history", N_("Placement history (type, order and dates)"), PlacementPeriod, False),
    ("safety_flags", N_("Safety flags: people who must not be given information"), SafetyFlag, False),
    ("consents", N_("Consents"), Consent, False),
)


def read_path(body: dict[str, Any], path: str) -> str:
    value: Any = body
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def changes_from(body: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """Top-level field changes for the core, from the edited text of each path."""
    out: dict[str, Any] = {}
    for path, text in values.items():
        new: str | None = text.strip() or None
        if read_path(body, path) == (new or ""):
            continue
        top, _sep, inner = path.partition(".")
        if inner:
            group = dict(out.get(top) or body.get(top) or {})
            group[inner] = new
            out[top] = group
        else:
            out[top] = new
    return out


def _summary(field: str) -> Any:
    """The one-line text of an item of a youth list ("aliases") or attached kind ("case_note"):
    the registry in csec_desktop.domain.summaries, said in the interface's language."""
    return summary_for(field)


def enum_label_of(value: Any) -> str:
    """The translated label of a stored enum value (kinds, statuses, placement types)."""
    return code_label(value, _)


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a Tab stop that showed nothing (its fields scroll it)
    return area


class YouthPage(QWidget):
    save_requested = Signal(str, dict, int)  # youth id, changes, expected version
    undo_requested = Signal(str)
    redo_requested = Signal(str)
    draft_changed = Signal(str, dict)  # draft key, values
    back_requested = Signal()
    attached_add = Signal(str, str, dict)  # youth id, kind, data
    attached_update = Signal(str, dict)  # record id, data
    attached_delete = Signal(str)  # record id
    print_requested = Signal(str, str)  # youth id, document kind
    print_item_requested = Signal(str, str, str)  # youth id, document kind, record id
    screen_requested = Signal(str, str)  # youth id, form id
    referral_send = Signal(str, str)  # record id, override reason
    referral_move = Signal(str, str)  # record id, status
    petition_stage = Signal(str, str)  # vacatur case id, stage
    petition_share = Signal(str, bool)  # vacatur case id, share (True) or stop sharing (False)
    discard_requested = Signal(str)  # youth id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.youth_id = ""
        self.version = 0
        self.body: dict[str, Any] = {}
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        bind(self.banner, "setAccessibleName", N_("Safety flags"))
        self.banner.setStyleSheet("background:#8b0000;color:white;padding:8px;font-weight:bold")
        self.title = QLabel()
        bind(self.title, "setAccessibleName", N_("Record heading"))
        self.notice = QLabel()
        bind(self.notice, "setAccessibleName", N_("Record message"))
        self.notice.setWordWrap(True)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        details = QWidget()
        form = QFormLayout(details)
        for path, text in FIELDS:
            edit = QLineEdit()
            bind(edit, "setAccessibleName", text)
            error = QLabel()
            error.setStyleSheet("color:#b00020")
            error.setWordWrap(True)
            bind(error, "setAccessibleName", N_("Problem with the field before"))
            label = QLabel()
            bind(label, "setText", text)
            label.setBuddy(edit)
            row = QHBoxLayout()
            row.addWidget(edit, 3)
            row.addWidget(error, 2)
            form.addRow(label, row)
            edit.textEdited.connect(self._edited)
            self.edits[path] = edit
            self.errors[path] = error
        self.sealed = QCheckBox()
        bind(self.sealed, "setText", N_("Sealed record (seen only by roles allowed to read sealed records)"))
        self.sealed.toggled.connect(self._edited)
        self.sealed.setVisible(False)  # shown only to roles that may seal (see set_can_seal)
        form.addRow(self.sealed)
        self.relief_client = QCheckBox()
        bind(self.relief_client, "setText",
             N_("Adult client of the record-relief work (Pen. Code 236.14): any age"))
        self.relief_client.toggled.connect(self._edited)
        form.addRow(self.relief_client)
        self.lists: dict[str, ItemList] = {}
        lists_a, lists_b = QWidget(), QWidget()
        box_a, box_b = QVBoxLayout(lists_a), QVBoxLayout(lists_b)
        for field, title, model, single in LISTS:
            section = ItemList(title, model, _summary(field), single=single)
            # One way to save on every tab: a list entry is saved when its button is pressed,
            # like a contact or a note; only the Details fields wait for Save.
            section.changed.connect(lambda f=field: self._save_list(f))
            self.lists[field] = section
            (box_a if field in ("aliases", "legal_status", "placement", "placement_history")
             else box_b).addWidget(section)
        box_a.addStretch(1)
        box_b.addStretch(1)
        self.contacts = ItemList(N_("Contacts"), Contact, _summary("contact"), skip=("youth_id",),
                                 attached=True)
        self.notes = ItemList(N_("Case notes"), CaseNote, _summary("case_note"), skip=("youth_id",),
                              attached=True)
        for kind, section in (("contact", self.contacts), ("case_note", self.notes)):
            section.typing.connect(self._edited)
            section.add_record.connect(lambda data, k=kind: self.attached_add.emit(self.youth_id, k, data))
            section.update_record.connect(self.attached_update.emit)
            section.delete_record.connect(self.attached_delete.emit)
        # Identification: status over time, screens, licensed results, missing episodes, the team.
        self.csec_status = ItemList(N_("CSEC status over time (the latest decision is current)"), CsecStatus,
                                    _summary("csec_status"), skip=("youth_id", "decided_by"), attached=True)
        self.screens = QListWidget()
        self.screens.setMaximumHeight(110)
        bind(self.screens, "setAccessibleName", N_("Screens done"))
        self.screen_button = QPushButton()
        bind(self.screen_button, "setText", N_("New CSEC indicator sc&reen…"))
        self.screen_button.clicked.connect(
            lambda: self.screen_requested.emit(self.youth_id, "csec_indicator_screen"))
        screen_note = QLabel()
        screen_note.setWordWrap(True)
        bind(screen_note, "setText", N_("A screen is not proof: it shows how much concern the information "
                                        "raises and whether to follow up."))
        self.licensed = ItemList(N_("Result of a licensed screening tool (such as the CSE-IT): the result "
                                    "only, never its items"), LicensedScreen, _summary("licensed_screen"),
                                 skip=("youth_id",), attached=True)
        self.missing = ItemList(N_("Missing from care"), MissingEpisode, _summary("missing_episode"),
                                skip=("youth_id",), attached=True)
        self.meetings = ItemList(N_("Multidisciplinary team meetings"), TeamMeeting, _summary("team_meeting"),
                                 skip=("youth_id",), attached=True)
        self.orders = ItemList(N_("Protective orders"), ProtectiveOrder, _summary("protective_order"),
                               skip=("youth_id",), attached=True)
        csec_page, csec_box = QWidget(), None
        csec_box = QVBoxLayout(csec_page)
        screens_label = QLabel()
        bind(screens_label, "setText", N_("Screens"))
        screens_label.setBuddy(self.screens)
        prints = QHBoxLayout()
        for text, kind in ((N_("Print the last screen's summary"), "screening_summary"),
                           (N_("Print the 24-hour notification log"), "notification_log")):
            button = QPushButton()
            bind(button, "setText", text)
            button.clicked.connect(lambda _c=False, k=kind: self.print_requested.emit(self.youth_id, k))
            prints.addWidget(button)
        prints.addStretch(1)
        for widget in (self.csec_status, screens_label, self.screens, self.screen_button, screen_note,
                       self.licensed):
            csec_box.addWidget(widget)
        csec_box.addLayout(prints)
        csec_box.addStretch(1)
        # Services: the plan, the needs assessment and referrals (ui/services_tab.py).
        self.services = ServicesTab()
        self.services.print_requested.connect(lambda kind: self.print_requested.emit(self.youth_id, kind))
        self.services.print_item_requested.connect(
            lambda kind, item: self.print_item_requested.emit(self.youth_id, kind, item))
        self.services.needs_requested.connect(
            lambda: self.screen_requested.emit(self.youth_id, "needs_assessment"))
        self.services.referral_send.connect(self.referral_send)
        self.services.referral_move.connect(self.referral_move)
        self.services.laid.connect(self._edited)
        on_change(self, "_retranslate")
        care_page = QWidget()
        care_box = QVBoxLayout(care_page)
        care_box.addWidget(self.missing)
        self.missing_print = QPushButton()
        bind(self.missing_print, "setText", N_("Print the missing youth report sheet (latest episode)"))
        self.missing_print.clicked.connect(lambda: self.print_requested.emit(self.youth_id, "missing_report"))
        care_box.addWidget(self.missing_print, alignment=Qt.AlignmentFlag.AlignLeft)
        care_box.addWidget(self.meetings)
        self.team_print = QPushButton()
        bind(self.team_print, "setText", N_("Print the summary of the selected team meeting…"))
        self.team_print.clicked.connect(lambda: self._print_selected(self.meetings, "team_summary"))
        care_box.addWidget(self.team_print, alignment=Qt.AlignmentFlag.AlignLeft)
        care_box.addWidget(self.orders)
        care_box.addStretch(1)
        self.relief = VacaturTab()
        self.relief.print_item_requested.connect(
            lambda kind, item: self.print_item_requested.emit(self.youth_id, kind, item))
        self.relief.stage_requested.connect(self.petition_stage.emit)
        self.relief.share_requested.connect(self.petition_share.emit)
        self.efc = EfcTab()
        self.efc.print_requested.connect(lambda kind: self.print_requested.emit(self.youth_id, kind))
        self.efc.print_item_requested.connect(
            lambda kind, item: self.print_item_requested.emit(self.youth_id, kind, item))
        for kind, section in self._more_sections():
            section.typing.connect(self._edited)
            section.add_record.connect(lambda data, k=kind: self.attached_add.emit(self.youth_id, k, data))
            section.update_record.connect(self.attached_update.emit)
            section.delete_record.connect(self.attached_delete.emit)
        self.duties = QListWidget()
        bind(self.duties, "setAccessibleName", N_("Duties found by the rules"))
        self.history = QListWidget()
        self._history: list[HistoryEntry] = []
        bind(self.history, "setAccessibleName", N_("Record history"))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        pages = (
            (_scrolled(details), N_("&Details")), (_scrolled(lists_a), N_("&Names, status, placement")),
            (_scrolled(lists_b), N_("Sa&fety and consent")), (_scrolled(self.contacts), N_("Con&tacts")),
            (_scrolled(self.notes), N_("N&otes")), (_scrolled(csec_page), N_("CS&EC")),
            (_scrolled(care_page), N_("&Missing and team")), (_scrolled(self.services), N_("Ser&vices")),
            (_scrolled(self.efc), N_("E&xtended foster care")),
            (_scrolled(self.relief), N_("Re&cord relief")),
            (self.duties, N_("Dut&ies")),
            (self.history, N_("&History")),
        )
        for index, (page, text) in enumerate(pages):
            self.tabs.addTab(page, "")
            bind(self.tabs, item_text(index), text)
        bind(self.tabs, "setAccessibleName", N_("Parts of the record"))
        self.tabs.currentChanged.connect(self._focus_after_tab_change)
        self._relief_tab = next(i for i, (_p, text) in enumerate(pages) if text == N_("Re&cord relief"))
        self.home_tab = 0
        """The tab a record opens on: Details, or Record relief for the person who files the papers."""
        self.save_button = QPushButton()
        bind(self.save_button, "setText", N_("&Save"))
        # A separate shortcut: a button's own shortcut is replaced by its mnemonic on every setText.
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(lambda: self.save_button.click())
        self.undo_button = QPushButton()
        bind(self.undo_button, "setText", N_("&Undo last saved edit"))
        self.redo_button = QPushButton()  # enabled once an edit is undone (YouthController)
        bind(self.redo_button, "setText", N_("Redo undone edit (Ctrl+Y)"))
        # Both act on the Details tab's fields only: pressed on Notes, undo had put back a name.
        bind(self.undo_button, "setToolTip", N_("Puts back the last saved change to the Details tab's "
                                                "fields. Contacts, notes and other records are not changed."))
        bind(self.redo_button, "setToolTip", N_("Makes the undone change to the Details tab's fields again."))
        self.redo_button.setEnabled(False)
        QShortcut(QKeySequence.StandardKey.Redo, self).activated.connect(lambda: self.redo_button.click())
        self.back_button = QPushButton()
        bind(self.back_button, "setText", N_("&Back to caseload"))
        self.dirty_mark = QLabel()
        bind(self.dirty_mark, "setText", N_("● Unsaved changes in Details"))
        self.dirty_mark.setStyleSheet("color:#8a4b00;font-weight:bold")
        self.dirty_mark.setVisible(False)
        self.discard_button = QPushButton()
        bind(self.discard_button, "setText", N_("Discard unsaved chan&ges"))
        self.discard_button.clicked.connect(lambda: self.discard_requested.emit(self.youth_id))
        self.print_button = QPushButton()
        bind(self.print_button, "setText", N_("Print summar&y…"))
        self.print_button.clicked.connect(lambda: self.print_requested.emit(self.youth_id, "youth_summary"))
        self.hearing_button = QPushButton()
        bind(self.hearing_button, "setText", N_("Hearing sheet… (Ctrl+P)"))
        self.hearing_button.clicked.connect(lambda: self.print_requested.emit(self.youth_id, "hearing_sheet"))
        QShortcut(QKeySequence.StandardKey.Print, self).activated.connect(lambda: self.hearing_button.click())
        buttons = QHBoxLayout()
        for button in (self.save_button, self.discard_button, self.undo_button, self.redo_button,
                       self.hearing_button, self.print_button, self.back_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # The mark and the message on a row of their own: beside six buttons, in Spanish, a refused
        # save's message made the row wider than a 1366-pixel screen and the window grew past it.
        said = QHBoxLayout()
        said.addWidget(self.dirty_mark)
        said.addWidget(self.notice, 1)
        outer = QVBoxLayout(self)
        # Narrower side margins than the style's 9 pixels: the twelve tabs' names fit a 1366-pixel
        # screen in Spanish too (they wanted 1,350 pixels of 1,348), not hidden behind scroll arrows.
        margins = outer.contentsMargins()
        outer.setContentsMargins(4, margins.top(), 4, margins.bottom())
        outer.addWidget(self.banner)
        outer.addWidget(self.title)
        outer.addWidget(self.tabs, 1)
        outer.addLayout(said)
        outer.addLayout(buttons)
        self.save_button.clicked.connect(self._save)
        self.tabs.currentChanged.connect(lambda _index: self._undo_where())
        self.undo_button.clicked.connect(lambda: self.undo_requested.emit(self.youth_id))
        self.redo_button.clicked.connect(lambda: self.redo_requested.emit(self.youth_id))
        for edit in self.edits.values():
            edit.installEventFilter(self)  # Ctrl+Y in a field with no typing to redo: the record's redo
        self.back_button.clicked.connect(self.back_requested.emit)
        QShortcut(QKeySequence("Esc"), self).activated.connect(lambda: self.back_requested.emit())
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(800)
        self._draft_timer.timeout.connect(self._emit_draft)

    def set_can_seal(self, allowed: bool) -> None:
        self.sealed.setVisible(allowed)

    def guide(self, can: Callable[[Permission], bool], why_not: dict[Permission, str]) -> None:
        """Offer what the role may do; where it may not, disable the button and say why on it."""
        # The person who files the papers (an attorney) opens a record where that work is.
        self.home_tab = self._relief_tab if can(Permission.REVIEW_PETITION) else 0
        self.tabs.setCurrentIndex(self.home_tab)

        def allow(button: QWidget, permission: Permission) -> None:
            allowed = can(permission)
            button.setEnabled(allowed)
            button.setToolTip("" if allowed else _(why_not[permission]))

        # A role that may not write reads the Details: typing there made an edit it could not save.
        self._can_write = can(Permission.WRITE_YOUTH)
        for edit in self.edits.values():
            edit.setReadOnly(not self._can_write)
        self.relief_client.setEnabled(self._can_write)
        self.services.can_write = self._can_write
        writes = (self.save_button, self.discard_button, self.undo_button, self.screen_button,
                  *self.services.write_buttons())
        sections = (*self.lists.values(), *(section for _kind, section in self.attached_sections()))
        for button in (*writes, *(b for s in sections for b in (s.add_button, s.replace_button,
                                                                   s.remove_button))):
            allow(button, Permission.WRITE_YOUTH)
        for section in sections:  # changing and removing: also only with an entry selected
            section.writable = self._can_write
            section.refresh_buttons()
        for button in self.relief.print_buttons.values():  # the papers quote the youth's account
            allow(button, Permission.READ_NARRATIVE)
        self.relief.withhold_account(not can(Permission.READ_NARRATIVE))
        for button in self.relief.stage_buttons.values():  # draft -> reviewed -> filed: counsel only
            allow(button, Permission.REVIEW_PETITION)
        for button in self.relief.share_buttons.values():  # and sharing the account with a caseworker
            button.setEnabled(can(Permission.REVIEW_PETITION))
            button.setToolTip("" if can(Permission.REVIEW_PETITION)
                              else _("Only an attorney can share the youth's account with a caseworker."))
        for button in (self.print_button, self.hearing_button):
            allow(button, Permission.PRINT)
        # Said before a reason is typed: a caseworker learned only after typing one that it is a
        # supervisor's step.
        allow(self.services.override, Permission.OVERRIDE_CONSENT)
        if self._can_write:
            self._undo_where()

    def draft_key(self) -> str:
        return f"youth:{self.youth_id}"

    def show_record(self, file: YouthFile) -> None:
        """A youth just opened: every part of the page, a draft from an earlier session on top."""
        if file.record.id != self.youth_id:
            # Each tab from its top: they opened scrolled where the last youth's were left, the
            # eligibility summary at the top of the tab out of sight.
            for area in self.tabs.findChildren(QScrollArea):
                area.verticalScrollBar().setValue(0)
        self._refused_by_hub = file.refused_by_hub
        self._show_youth(file.record, file.history)
        self._show_attached(file)
        self.show_derived(file.derived)
        self.notice.clear()
        # A draft restored may hold typing in a form of the other tabs (a note begun): Discard
        # throws that away too, so it is offered even when the Details fields are as saved.
        self._restored = bool(file.draft and self._restore(file.draft))
        if self._restored:
            self.notice.setText(_(RESTORED))
        self._show_dirty()
        self.edits["legal_name.given"].setFocus()

    def show_refreshed(self, file: YouthFile) -> None:
        """After a change to an attached record: its lists and what the rules find; what is being
        typed in the youth's own fields, and where the focus is, stay as they are."""
        self.history_entries(file.history)
        self._show_attached(file)
        self.show_derived(file.derived)
        self._show_dirty()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Y in a Details field: the field's own redo when it has one, else the record's (the
        field took the keys for nothing, and the record opens with the cursor in a field)."""
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(watched, QLineEdit)
                and isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Redo)
                and not watched.isRedoAvailable() and self.redo_button.isEnabled()):
            return True  # not offered to the field: the page's Redo shortcut takes it
        if (event.type() == QEvent.Type.KeyPress and isinstance(watched, QLineEdit)
                and isinstance(event, QKeyEvent) and _alt_letter(event)):
            # An Alt key with no shortcut (Alt+R for a tab that is Alt+C) typed its letter into the
            # field the record opens in: the youth's legal name became "Alexr".
            return True
        return super().eventFilter(watched, event)

    def can_redo(self, allowed: bool) -> None:
        """Whether an edit undone in this session waits to be made again (and this role may write)."""
        self._redo_waiting = allowed
        self._undo_where()

    _redo_waiting = False

    def _undo_where(self) -> None:
        """Undo and Redo act on the Details fields: offered on that tab only (pressed on Notes or
        Record relief, they said there was nothing to undo there, or undid a Details field)."""
        details = self.tabs.currentIndex() == 0
        self.undo_button.setEnabled(self._can_write and details)
        self.redo_button.setEnabled(self._redo_waiting and self._can_write and details)

    def show_saved(self, saved: Saved) -> None:
        """After a save, an undo or a redo of the youth's own fields: what an earlier refusal said
        is gone, unless a field still holds the refused typing (an undo while it was not fixed)."""
        self._show_youth(saved.record, saved.history)
        self.show_derived(saved.derived)
        self._mark_flagged_contacts()  # a safety flag saved may name a contact
        if not any(label.text() for label in self.errors.values()):
            self.notice.clear()

    _refused_by_hub = ""  # the hub's reason, when it refused the youth's record (YouthFile)

    def _show_youth(self, record: StoredRecord, history: list[HistoryEntry]) -> None:
        # Typing not yet saved survives a redraw of the same youth (a list entry saved meanwhile).
        typed = {path: edit.text() for path, edit in self.edits.items()
                 if record.id == self.youth_id and edit.text() != read_path(self.body, path)}
        body = record.body.dump()
        self.youth_id, self.version, self.body = record.id, record.version, body
        self.relief.initials = initials(body["legal_name"].get("given"), body["legal_name"].get("family"))
        flags = body.get("safety_flags") or []
        self.banner.setVisible(bool(flags))
        self.banner.setText(_("SAFETY:") + " " + " | ".join(
            f"{f['person']}: {instruction_shown(f.get('instruction'), _)}" for f in flags))
        status = _("sealed record") + " · " if body.get("sealed") else ""
        if self._refused_by_hub:  # it looked like any youth, and Today listed its duties
            status += _("on this computer only: the county hub refused it ({reason})").format(
                reason=self._refused_by_hub) + " · "
        # The name is shown inside the page (never in the window title or a notification).
        name = body.get("preferred_name") or body["legal_name"]["given"]
        heading = html.escape(f"{name} {body['legal_name']['family']}")
        # How often it was changed, not the record's version counter (which meant nothing to a reader).
        changes = record.version - 1
        line = _("Born {day}").format(day=body.get("date_of_birth"))
        if changes > 0:
            line += " · " + ngettext("changed once since it was made", "changed {n} times since it was made",
                                     changes).format(n=changes)
        # Escaped whole: the status may quote the hub's words.
        self.title.setText(f"<h2>{heading}</h2><p>" + html.escape(status + line) + "</p>")
        for path, edit in self.edits.items():
            if path not in typed:
                edit.setText(read_path(body, path))
            if edit.text() == read_path(body, path):  # saved now: a refusal of it no longer stands
                self.errors[path].clear()
        for box, name in ((self.sealed, "sealed"), (self.relief_client, "record_relief_client")):
            box.blockSignals(True)
            box.setChecked(bool(body.get(name)))
            box.blockSignals(False)
        for field, section in self.lists.items():
            value = body.get(field)
            section.set_items([value] if isinstance(value, dict) else list(value or []))
        self.history_entries(history)
        self._show_dirty()

    def history_entries(self, history: list[HistoryEntry]) -> None:
        self._history = history  # said again in a new language (_retranslate)
        self.history.clear()
        for change in history:
            text, tooltip = history_lines.line(change)
            item = QListWidgetItem(text)
            item.setToolTip(tooltip)
            self.history.addItem(item)

    def _show_attached(self, file: YouthFile) -> None:
        for kind, section in self.attached_sections():
            rows = file.of(kind)
            section.set_items([r.body.dump() for r in rows], [r.id for r in rows])
        self.screens.clear()
        for record in file.of("form_response"):
            data = record.body.dump()
            outcome = data.get("outcome") or {}
            spec = file.forms.get(str(data.get("form_id")))
            # Said as the form says it: an incomplete screen is never listed as "no concern".
            said = result_text(spec, outcome, language(), _) if spec is not None and outcome \
                else enum_label_of(outcome.get("band"))
            self.screens.addItem(f"{str(data.get('completed_at'))[:10]} · {data.get('completed_by')} · "
                                 f"{said} ({outcome.get('score', '—')})")
        if not file.of("form_response"):
            self.screens.addItem(_("(none recorded)"))
        self._mark_flagged_contacts()

    def _mark_flagged_contacts(self) -> None:
        """A contact a safety flag names, said so in red on the Contacts list (the list still showed
        "may receive information" for a contact flagged after being added; only the printed
        summary said no)."""
        flags = [SafetyFlag.model_validate(f) for f in self.body.get("safety_flags") or []
                 if isinstance(f, dict) and f.get("person")]
        if not flags:
            return
        for row, item in enumerate(self.contacts.items):
            flag = flag_naming(str(item.get("name") or ""), flags)
            line = self.contacts.listing.item(row)
            if flag is None or line is None:
                continue
            line.setText(f"{self.contacts.summary(item)} · " + _("named in a safety flag: tell them nothing"))
            line.setForeground(QColor("#b3261e"))

    def show_derived(self, derived: Derived) -> None:
        duties = derived.duties
        self.services.show_derived(duties, derived.glance)
        view = derived.efc
        self.efc.show_efc(view.eligibility, view.timeline, view.birthdays, view.on)
        self.relief.show_answers([(c.count.dump(), c.answer) for c in derived.relief])
        self.relief.show_shared(derived.shared, derived.readers, derived.shared_by)
        self._duties = duties
        self._show_duties()

    _duties: Sequence[Finding] = ()

    def _focus_after_tab_change(self, _index: int) -> None:
        """A tab chosen by its Alt+letter left the focus on a field of the tab before, now hidden:
        nothing showed it, and the next Tab went to Save at the bottom. The tab bar takes it, so
        the next Tab goes into the page shown."""
        focused, shown, bar = QApplication.focusWidget(), self.tabs.currentWidget(), self.tabs.tabBar()
        # Qt moves the focus off a hidden field to the next in the chain (a button at the bottom).
        if focused is not None and self.isAncestorOf(focused) and focused is not bar \
                and shown is not None and (focused is shown or not shown.isAncestorOf(focused)):
            bar.setFocus(Qt.FocusReason.TabFocusReason)

    def _show_duties(self) -> None:
        """The Duties tab's lines, in the window's language (again after a switch of language)."""
        duties = self._duties
        self.duties.clear()
        now = datetime.now(UTC)
        for finding in duties:
            # The due day, and whether it is done: a done duty printed as "done <due day>" read as
            # the day it was done (a 24-hour report done on time looked a day late). Past its day
            # and not done, it says so in red, as Today does.
            due = finding.due.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d") if finding.due else "—"
            late = finding.overdue(now)
            state = f"{_('due')} {due}" + (f" · {_('done')}" if finding.done else "") + (
                f" · {_('overdue')}" if late else "")
            # Why the duty stands (a meeting's absent disciplines, the day a clock started): the list
            # said only its title, and "lacked a required discipline" named none. A warning says its
            # first reason on the line itself; every line has them all as its tooltip.
            why = "\n".join(problem(w) for w in finding.why)
            warned = finding.kind is FindingKind.WARNING and finding.why
            first = f" · {problem(finding.why[0])}" if warned else ""
            line = QListWidgetItem(f"{state} · {_(finding.title)}{first} · {finding.citation}")
            line.setToolTip(why)
            line.setData(Qt.ItemDataRole.AccessibleDescriptionRole, why)
            if late:
                line.setForeground(QColor("#b3261e"))
            self.duties.addItem(line)
        if not duties:
            self.duties.addItem(_("No duties found for this youth today."))

    def _restore(self, draft: dict[str, Any]) -> bool:
        """Lay a draft over the saved record; True if it held anything the record does not."""
        restored = False
        fields = draft.get("fields", draft) if isinstance(draft.get("fields"), dict) else draft
        for path, text in fields.items():
            if path in self.edits and isinstance(text, str) and text != self.edits[path].text():
                self.edits[path].setText(text)
                restored = True
        for field, items in (draft.get("lists") or {}).items():
            if field in self.lists and isinstance(items, list) and items != self.lists[field].items:
                self.lists[field].set_items(items)
                restored = True
        forms = draft.get("forms") or {}
        for kind, section in self.attached_sections():
            values = forms.get(kind)
            if not isinstance(values, dict):
                continue
            if set(values) >= set(section.form.widgets):
                # A draft from an earlier version kept every value, defaults too: its times cannot
                # be told from typed ones, and a stale "now" is the worse mistake for a 24-hour
                # clock, so the form keeps its own; the rest only where it differs.
                shown = section.form.values()
                values = {k: v for k, v in values.items()
                          if k not in section.form.moments() and v != shown.get(k)}
            if values:
                section.form.lay_over(values)
                restored = True
        return restored

    def cancel_draft(self) -> None:
        """A draft about to be discarded must not be written again by a pending pause."""
        self._draft_timer.stop()

    def flush_draft(self) -> None:
        """Leaving the page (Esc, Back, another page, lock, closing): keep what was just typed."""
        if self.youth_id and self._draft_timer.isActive():
            self._draft_timer.stop()
            self._emit_draft()

    def clear(self) -> None:
        self._draft_timer.stop()
        self.youth_id, self.version, self.body = "", 0, {}
        self.dirty_mark.setVisible(False)
        for path, edit in self.edits.items():
            edit.clear()
            self.errors[path].clear()
        for section in (*self.lists.values(), *[s for _k, s in self.attached_sections()]):
            section.clear()
        self.screens.clear()
        self.banner.clear()
        self.title.clear()
        self.history_entries([])
        self.duties.clear()
        self.notice.clear()
        self.tabs.setCurrentIndex(self.home_tab)

    def values(self) -> dict[str, str]:
        return {path: edit.text() for path, edit in self.edits.items()}

    def list_changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field, section in self.lists.items():
            if section.single:
                value: Any = section.items[0] if section.items else None
                if value != self.body.get(field):
                    out[field] = value
            elif section.items != list(self.body.get(field) or []):
                out[field] = section.items
        return out

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        for label in self.errors.values():
            label.clear()
        unplaced = []
        by_list: dict[str, list[tuple[str, str]]] = {}
        for field, message in problems:
            top = field.split(".")[0]
            target = self.errors.get(field) or self.errors.get(top)
            if top in self.lists:
                by_list.setdefault(top, []).append((field, message))
            elif target is None:
                unplaced.append(f"{field}: {message}")
            else:
                target.setText(_(message))
        for top, found in by_list.items():
            self.lists[top].show_problems(found)
        if problems:
            first = problems[0][0].split(".")[0]
            self.tabs.setCurrentIndex(0 if first not in self.lists else
                                      1 if first in ("aliases", "legal_status", "placement",
                                                     "placement_history") else 2)
        self.notice.setText(_("Not saved: fix the fields marked in red.") +
                            (" " + "; ".join(unplaced) if unplaced else ""))

    def _edited(self, *_args: Any) -> None:
        self._draft_timer.start()
        self._show_dirty()

    def dirty(self) -> bool:
        """The Details fields hold typing not saved yet."""
        if not self.youth_id:
            return False
        return bool(changes_from(self.body, self.values())) or bool(self._checks())

    def _checks(self) -> dict[str, bool]:
        """The Details check boxes whose state differs from the record (sealing only for its roles)."""
        out = {}
        if self.sealed.isVisible() and self.sealed.isChecked() != bool(self.body.get("sealed")):
            out["sealed"] = self.sealed.isChecked()
        if self.relief_client.isChecked() != bool(self.body.get("record_relief_client")):
            out["record_relief_client"] = self.relief_client.isChecked()
        return out

    _can_write = True  # until `guide` says what the role may do
    _restored = False  # the record opened with a draft from before laid over it

    def _show_dirty(self) -> None:
        dirty = self.dirty()
        if self._restored and not self.typing():
            # What was restored is saved or gone: the banner and Discard had stayed on after every
            # save, beside "Nothing to save".
            self._restored = False
            if self.notice.text() == _(RESTORED):
                self.notice.clear()
        self.dirty_mark.setVisible(dirty)
        self.discard_button.setEnabled((dirty or self._restored) and self._can_write)

    def _save_list(self, field: str) -> None:
        changes = {k: v for k, v in self.list_changes().items() if k == field}
        if changes:
            self.save_requested.emit(self.youth_id, changes, self.version)

    def _emit_draft(self) -> None:
        if self.youth_id:
            lists = {f: s.items for f, s in self.lists.items() if f in self.list_changes()}
            # A half-written note or contact is kept too: notes are where people type most. Only
            # what was typed: the defaults a form starts with (now, for a time) are not typing.
            forms = {kind: typed for kind, section in self.attached_sections()
                     if (typed := section.form.typed())}
            # Only what differs from the saved record: a draft holding every field brought back, on
            # reopening, a saved edit that had since been undone.
            typed = {path: text for path, text in self.values().items()
                     if read_path(self.body, path) != (text.strip() or "")}
            self.draft_changed.emit(self.draft_key(), {"fields": typed, "lists": lists, "forms": forms})

    def typing(self) -> bool:
        """Anything typed and not saved: in the Details, a list, or a form of another tab."""
        return self.dirty() or bool(self.list_changes()) or any(
            section.form.typed() for _kind, section in self.attached_sections())

    def attached_sections(self) -> tuple[tuple[str, ItemList], ...]:
        return (("contact", self.contacts), ("case_note", self.notes), *self._more_sections())

    def _more_sections(self) -> tuple[tuple[str, ItemList], ...]:
        return (("csec_status", self.csec_status), ("licensed_screen", self.licensed),
                ("missing_episode", self.missing), ("team_meeting", self.meetings),
                ("protective_order", self.orders), *self.services.sections().items(),
                *self.efc.sections().items(), *self.relief.sections().items())

    def section_for(self, kind: str = "", record_id: str = "") -> ItemList:
        """The list a record kind (or a record) is edited in, for its messages."""
        for section_kind, section in self.attached_sections():
            if section_kind == kind or (record_id and record_id in section.ids):
                return section
        return self.contacts

    def set_providers(self, names: list[str]) -> None:
        """Directory names offered while typing a referral's provider."""
        self.services.set_providers(names)

    def _print_selected(self, section: ItemList, kind: str) -> None:
        row = section.listing.currentRow()
        if not 0 <= row < len(section.ids):
            section.message.setText(_("Select an item in the list first."))
            return
        self.print_item_requested.emit(self.youth_id, kind, section.ids[row])

    def _retranslate(self) -> None:
        """What this page writes itself rather than binds: the duty lines and the history."""
        self._show_duties()
        self.history_entries(self._history)

    def confirm_seal(self, open_duties: int) -> bool:
        """Asked before a youth is sealed: the assigned worker and everyone who does not read sealed
        records stop seeing them and their open duties, Today included (a cross-report due in five
        hours left the worker's Today without a word). Replaced in tests."""
        from PySide6.QtWidgets import QMessageBox

        from csec_desktop.today import due_text

        text = _("Sealing hides this youth from everyone who does not read sealed records, the "
                 "assigned worker included.")
        if open_duties:
            text += " " + _("Their {n} open duties will show on Today only to supervisors and attorneys: "
                            "see to them, or tell the worker who will.").format(n=open_duties)
            # The one most pressing by name: a cross-report due in five hours was only "3 open duties".
            due = [d for d in self._duties if not d.done and d.due is not None]
            if due:
                first = min(due, key=lambda d: d.due or datetime.max.replace(tzinfo=UTC))
                assert first.due is not None
                text += " " + _("The first is due {when}: {duty}.").format(when=due_text(first.due, _),
                                                                           duty=_(first.title))
        answer = QMessageBox.question(self, _("Seal this youth?"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _save(self) -> None:
        self._draft_timer.stop()
        changes = {**changes_from(self.body, self.values()), **self.list_changes()}
        changes.update(self._checks())
        if not changes:
            self.notice.setText(_("Nothing to save."))
            return
        if changes.get("sealed") is True and not self.confirm_seal(
                sum(1 for d in self._duties if not d.done and d.due is not None)):
            return
        self._emit_draft()  # kept until the save succeeds, so a refused save loses nothing
        self.save_requested.emit(self.youth_id, changes, self.version)


def _alt_letter(event: QKeyEvent) -> bool:
    """A letter or digit pressed with Alt alone (Shift aside): a shortcut's try, never text. AltGr,
    which writes characters, comes as Ctrl+Alt on Windows and without Alt on X11: let through."""
    held = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier & ~Qt.KeyboardModifier.KeypadModifier
    return held == Qt.KeyboardModifier.AltModifier and event.text().isalnum()


RESTORED = N_("Unsaved changes kept from before were restored. Save them to keep them.")

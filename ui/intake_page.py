"""Intake: "New youth" (Ctrl+N). A short form, a duplicate check before anything is created,
then the new youth's record opens. Problems are shown beside the field, the typing kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.domain.youth import LEGAL_STATUS_LABELS, AliasKind, LegalStatus, Youth
from csec_desktop.errors import ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import intake
from ui.i18n import N_, _, bind, item_text, problem
from ui.messages import describe
from ui.scrolling import narrow, scrolled, wheel_safe
from ui.tasks import Tasks

# (path in the youth's data, label). Paths with a dot are one level inside a group.
LINES: tuple[tuple[str, str], ...] = (
    ("legal_name.given", N_("Given name")),
    ("legal_name.middle", N_("Middle name")),
    ("legal_name.family", N_("Family name")),
    ("preferred_name", N_("Preferred name")),
    ("date_of_birth", N_("Date of birth (YYYY-MM-DD)")),
    ("identifiers.juvenile_case_number", N_("Juvenile case number")),
    ("identifiers.probation_number", N_("Probation number")),
    ("primary_language", N_("Primary language")),
    ("assigned_worker", N_("Assigned worker")),
    ("unit", N_("Unit")),
)
STATUS_SINCE = "legal_status.start"
SINCE_WITHOUT_STATUS = N_("has no court status: choose the status this date is for, or clear the date")


class IntakePage(QWidget):
    check_requested = Signal(dict)  # the youth's data
    create_requested = Signal(dict)  # the same, once no match is the youth
    open_requested = Signal(str)  # an existing youth's id
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        title = QLabel()
        bind(title, "setText", N_("<h2>New youth</h2><p>Existing records are checked for the same youth "
                                  "before anything is created.</p>"))
        title.setWordWrap(True)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for path, text in LINES:
            self.edits[path] = self._row(form, path, text, QLineEdit())
        self.aliases = self._row(form, "aliases", N_("Aliases and monikers (one per line; a moniker as "
                                                      "\"moniker: name\")"), QPlainTextEdit())
        self.aliases.setMaximumHeight(80)
        self.aliases.setTabChangesFocus(True)  # Tab moves on, as in every other box (it typed a tab)
        self.status = wheel_safe(QComboBox())
        narrow(self.status, 20)
        self.status.addItem("", None)
        bind(self.status, item_text(0), N_("Choose the court status"))
        for index, (status, text) in enumerate(LEGAL_STATUS_LABELS.items(), start=1):
            self.status.addItem("", status.value)
            bind(self.status, item_text(index), text)
        self._row(form, "legal_status", N_("Court status"), self.status)
        self.edits[STATUS_SINCE] = self._row(form, STATUS_SINCE, N_("Court status since (YYYY-MM-DD)"),
                                             QLineEdit())
        self.message = QLabel()
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Intake message"))
        self.matches = QListWidget()
        bind(self.matches, "setAccessibleName", N_("Possible duplicates"))
        self.matches.setVisible(False)
        self.matches.itemActivated.connect(self._open_match)
        self.check_button = QPushButton()
        bind(self.check_button, "setText", N_("&Check and create"))
        self.open_button = QPushButton()
        bind(self.open_button, "setText", N_("&Open the selected record"))
        self.create_button = QPushButton()
        bind(self.create_button, "setText", N_("None of these: c&reate a new record"))
        self.cancel_button = QPushButton()
        bind(self.cancel_button, "setText", N_("Ca&ncel"))
        # Escape leaves, as it leaves a youth's record (it did nothing here); what was typed is
        # asked about first (IntakeController.cancel).
        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self.cancel_button.click)
        for button in (self.open_button, self.create_button):
            button.setVisible(False)
        buttons = QHBoxLayout()
        for button in (self.check_button, self.open_button, self.create_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.addWidget(title)
        box.addLayout(form)
        box.addWidget(self.matches)
        box.addStretch(1)
        outer = QVBoxLayout(self)
        self.form_area = scrolled(inner)
        outer.addWidget(self.form_area, 1)
        # Beside the buttons, out of the scrolled form: below it, "Not created: fix the fields
        # marked in red" was out of view at 1366x768 when a button was pressed on an empty form.
        outer.addWidget(self.message)
        outer.addLayout(buttons)
        self.check_button.clicked.connect(lambda: self._send(self.check_requested))
        self.create_button.clicked.connect(lambda: self._send(self.create_requested))
        self.open_button.clicked.connect(lambda: self._open_match(self.matches.currentItem()))
        self.cancel_button.clicked.connect(self.cancelled.emit)
        # Enter goes to the next field, and checks only from the last: from the first it made the
        # record at once, the court status below the fold never reached.
        edits = list(self.edits.values())
        for edit, following in zip(edits, [*edits[1:], None], strict=True):
            edit.textEdited.connect(lambda _t: self._changed())
            if following is None:
                edit.returnPressed.connect(self.check_button.click)
            else:
                edit.returnPressed.connect(lambda after=following: self._to(after))
        self.aliases.textChanged.connect(self._changed)

    def _to(self, widget: QWidget) -> None:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        self.form_area.ensureWidgetVisible(widget)

    def _row(self, form: QFormLayout, path: str, text: str, widget: Any) -> Any:
        label = QLabel()
        bind(label, "setText", text)
        label.setBuddy(widget)
        bind(widget, "setAccessibleName", text)
        error = QLabel()
        error.setStyleSheet("color:#b00020")
        error.setWordWrap(True)
        self.errors[path] = error
        column = QVBoxLayout()
        column.setSpacing(0)
        column.addWidget(widget)
        column.addWidget(error)
        form.addRow(label, column)
        # Typing in a field answers its problem: "must be filled in" stayed red under a name typed
        # in, until the next try.
        edited = getattr(widget, "textEdited", None) or getattr(widget, "textChanged", None) \
            or getattr(widget, "currentIndexChanged", None)
        if edited is not None:
            edited.connect(lambda *_a: error.clear())
        return widget

    def start(self, defaults: dict[str, Any]) -> None:
        """A blank form with the person's own caseload filled in."""
        for path, edit in self.edits.items():
            edit.setText(str(defaults.get(path) or ""))
        self.aliases.clear()
        self.status.setCurrentIndex(0)
        self._changed()
        self.message.clear()
        self.edits["legal_name.given"].setFocus()

    def _send(self, asked: Any) -> None:
        """The form to the core, unless a court status date has no status (the record would be
        made without the date, and no one told)."""
        status = self.status.currentData()
        if self.edits[STATUS_SINCE].text().strip() and (not status or status == LegalStatus.NONE.value):
            self.show_problems([(STATUS_SINCE, SINCE_WITHOUT_STATUS)])
            return
        asked.emit(self.data())

    def data(self) -> dict[str, Any]:
        """The youth's data as the core's model reads it (blank lines are left out)."""
        out: dict[str, Any] = {}
        for path, edit in self.edits.items():
            text = edit.text().strip()
            if not text and path in intake.SHOWN_DEFAULTS:
                out[path] = None  # the form showed the default and it was cleared: said, not put back
                continue
            if not text or path == STATUS_SINCE:
                continue
            top, _dot, inner = path.partition(".")
            if inner:
                out.setdefault(top, {})[inner] = text
            else:
                out[top] = text
        aliases = []
        for line in self.aliases.toPlainText().splitlines():
            kind, sep, name = line.partition(":")
            if sep and kind.strip().lower() in ("moniker", "street name", "apodo"):
                aliases.append({"name": name.strip(), "kind": AliasKind.MONIKER.value})
            elif line.strip():
                aliases.append({"name": line.strip(), "kind": AliasKind.ALIAS.value})
        if aliases:
            out["aliases"] = aliases
        status = self.status.currentData()
        since = self.edits[STATUS_SINCE].text().strip()
        if status and status != LegalStatus.NONE.value:
            out["legal_status"] = [{"status": status, "start": since or None}]
        return out

    def _changed(self) -> None:
        """The form changed since the last check: the matches shown may no longer apply."""
        self.matches.clear()
        self.matches.setVisible(False)
        self.open_button.setVisible(False)
        self.create_button.setVisible(False)
        self.check_button.setVisible(True)

    def show_matches(self, found: intake.Duplicates) -> None:
        self.matches.clear()
        for match in found.matches:
            why = {"same name": _("same name"), "alias": _("an alias is this name"),
                   "close spelling": _("close spelling"), "same birth date": _("same birth date")}[match.why]
            item = QListWidgetItem(f"{match.youth.name} · {match.youth.date_of_birth} · "
                                   f"{match.youth.assigned_worker or '—'} · {why}")
            item.setData(Qt.ItemDataRole.UserRole, match.youth.id)
            self.matches.addItem(item)
        text = _("This may be a youth already in the vault. Open the record if it is the same youth; "
                 "create a new one only if none of these is.") if found.matches else ""
        if found.hidden:
            text += " " + _("{n} close match(es) are outside your caseload; ask a supervisor before creating "
                            "a second record.").format(n=found.hidden)
        self.message.setText(text.strip())
        self.matches.setVisible(bool(found.matches))
        self.open_button.setVisible(bool(found.matches))
        self.create_button.setVisible(True)
        self.check_button.setVisible(False)
        if found.matches:
            self.matches.setCurrentRow(0)
            self.matches.setFocus()

    def _open_match(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.open_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        for label in self.errors.values():
            label.clear()
        unplaced = []
        for field, message in problems:
            parts = [p for p in field.split(".") if not p.isdigit()]  # legal_status.0.start
            for size in range(len(parts), 0, -1):
                path = ".".join(parts[:size])
                if path in self.errors:
                    self.errors[path].setText(problem(message))
                    break
            else:
                # A group left out whole ("legal_name": `data` leaves blank fields out) is said
                # beside each of its blank fields, not in a line below the form.
                blank = [path for path in self.errors if path.startswith(field + ".")
                         and path in self.edits and not self.edits[path].text().strip() and _required(path)]
                for path in blank:
                    self.errors[path].setText(problem(message))
                if not blank:
                    unplaced.append(f"{field}: {problem(message)}")
        self.message.setText(_("Not created: fix the fields marked in red.") +
                             (" " + "; ".join(unplaced) if unplaced else ""))
        for path, edit in self.edits.items():  # the first field said wrong, in the form's order
            if path in self.errors and self.errors[path].text():
                edit.setFocus()
                self.form_area.ensureWidgetVisible(self.errors[path])
                break

    def typed(self) -> bool:
        """Whether anything was typed (a default filled in, the county's, is not)."""
        return (any(edit.isModified() for edit in self.edits.values())
                or bool(self.aliases.toPlainText().strip()))

    def clear(self) -> None:
        for edit in self.edits.values():
            edit.clear()
            edit.setModified(False)
        for label in self.errors.values():
            label.clear()
        self.aliases.clear()
        self.message.clear()
        self._changed()


class IntakeController(QObject):
    def __init__(self, tasks: Tasks, page: IntakePage, *, show_page: Callable[[], None],
                 opened: Callable[[str], None], cancelled: Callable[[], None]) -> None:
        super().__init__(page)
        self.tasks, self.page = tasks, page
        self._show_page, self._opened = show_page, opened
        page.check_requested.connect(self.check)
        page.create_requested.connect(self.create)
        page.open_requested.connect(self._open)
        self._cancelled = cancelled
        page.cancelled.connect(self.cancel)

    def cancel(self) -> None:
        if self.page.typed() and not self._leave_anyway():
            return
        self.page.clear()
        self._cancelled()

    def _leave_anyway(self) -> bool:
        """Asked before what was typed is dropped, with buttons that say what they do (a "Cancel"
        here meant stay, beside the page's Cancel that meant leave)."""
        box = QMessageBox(QMessageBox.Icon.Question, _("New youth"),
                          _("Leave without creating the record? What you typed is not kept."),
                          QMessageBox.StandardButton.NoButton, self.page)
        leave = box.addButton(_("&Leave without creating"), QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton(_("&Keep typing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.exec()
        return box.clickedButton() is leave

    def start(self) -> None:
        def show(defaults: dict[str, Any]) -> None:
            self.page.start({k: v for k, v in defaults.items() if k != "county"})
            self._show_page()

        self.tasks.run(intake.defaults, show)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            self.page.show_problems([(p.field, p.message) for p in error.problems])
        else:
            self.page.message.setText(describe(error))

    def check(self, data: dict[str, Any]) -> None:
        """Validate first (nothing is created), then look for the same youth."""
        def work(vault: Vault) -> intake.Duplicates | str:
            intake.validate(vault, data)
            found = intake.duplicates(vault, data)
            return found if found.any else intake.create(vault, data).id

        def done(result: intake.Duplicates | str) -> None:
            for label in self.page.errors.values():
                label.clear()
            if isinstance(result, str):
                self._open(result)
            else:
                self.page.show_matches(result)

        self.tasks.run(work, done, self._failed)

    def create(self, data: dict[str, Any]) -> None:
        self.tasks.run(lambda vault: intake.create(vault, data).id, self._open, self._failed)

    def _open(self, youth_id: str) -> None:
        self.page.clear()
        self._opened(youth_id)


def _required(path: str) -> bool:
    """Whether the youth's model requires the field at `path` ("legal_name.middle": no), so a
    group left out is said to be missing only beside the fields it needs. Unknown paths: yes."""
    model: Any = Youth
    field = None
    for part in path.split("."):
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return True
        field = fields[part]
        model = field.annotation
    return field is None or field.is_required()

"""Forms generated from the core's pydantic models, and list sections built on them.

One mechanism edits every part of a youth record that is a list of small items
(aliases, legal status periods, safety flags, consents), the single placement, and
the records attached to a youth (contacts, case notes). The model class says which
fields exist, their types, their labels (pydantic's `title`) and help texts (`description`);
this module picks a widget per type, reads and writes plain JSON values, and puts each
validation message beside its field. A list's rows are said by the registry in
csec_desktop.domain.summaries.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any, Union, get_args, get_origin

from pydantic import AwareDatetime, BaseModel, ValidationError
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.clock import legal_today
from csec_desktop.domain import fields
from csec_desktop.domain.base import problems_from
from csec_desktop.domain.labels import choice_label
from csec_desktop.domain.summaries import local_time as local_time
from csec_desktop.domain.summaries import summarize
from csec_desktop.rules import LEGAL_ZONE
from ui.i18n import N_, Apply, _, bind, item_text

FIELD_LABELS: dict[str, str] = {
    f"{model.__name__}.{name}": info.title
    for model in fields.form_models() for name, info in model.model_fields.items() if info.title
}
"""Deprecated: field labels now live on the models (`csec_desktop.domain.fields.label`). Kept, keyed
"Model.field", for callers that still look labels up here (ui/sync_ui.py)."""


def _check_text(index: int) -> Apply:
    """For `bind`: the text of check box `index` of a list of check boxes."""
    def apply(owner: Any, text: str) -> None:
        owner.item(index).setText(text)
    return apply


def enum_label(value: Enum) -> str:
    return _(choice_label(value))


def summary_for(what: type[BaseModel] | str) -> Callable[[dict[str, Any]], str]:
    """The one-line text of an item of `what` (a model, a kind or a youth list field), in the
    interface's language at the time it is asked for."""
    return lambda item: summarize(what, item, _)


def _plain(annotation: Any) -> tuple[Any, bool]:
    """(the type, whether None is allowed) from an annotation such as `date | None`."""
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
        optional = True
    # pydantic's AwareDatetime is a datetime that must carry a zone: edit it as a datetime.
    return (datetime if annotation is AwareDatetime else annotation), optional


def _row_model(kind: Any) -> type[BaseModel] | None:
    """The model of a list-of-records field (list[CourtHearing] -> CourtHearing), else None."""
    args = get_args(kind) if get_origin(kind) is list else ()
    inner = args[0] if len(args) == 1 else None
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _without_trailing_blanks(parts: list[str]) -> list[str]:
    while parts and not parts[-1]:
        parts = parts[:-1]
    return parts


def _row_placeholder(row: type[BaseModel]) -> Callable[[QPlainTextEdit, str], None]:
    """The hint of a list-of-records box: its fields, in the order a line gives them."""
    def apply(edit: QPlainTextEdit, text: str) -> None:
        edit.setPlaceholderText(text + " " + "; ".join(_(fields.label(row, f)) for f in row.model_fields))

    return apply


LIST_HEIGHT = 120
LONG_TEXT_HEIGHT = 110
SIDE_BY_SIDE_WIDTH = 900
"""A section at least this wide shows its list beside its form (list two fifths, form three)."""
QWIDGETSIZE_MAX = (1 << 24) - 1


class ModelForm(QWidget):
    """Fields of one pydantic model; values in and out as JSON-ready dicts."""

    edited = Signal()  # the person changed a field (not set_values)

    def __init__(self, model: type[BaseModel], skip: tuple[str, ...] = (), prefix: str = "",
                 choices: dict[str, dict[str, str]] | None = None) -> None:
        super().__init__()
        self._loading = False
        self.skip = skip
        self.model = model
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.types: dict[str, Any] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self._form = form
        self._later_rows: list[int] = []
        # Fields marked "later" on the model (fields.LATER) come after the others, folded under
        # one button: a first entry shows what the rules and the list need, the rest on request.
        shown = [n for n in model.model_fields if n not in skip]
        folded = [n for n in shown if fields.later(model, n)]
        self.more_button = QToolButton()
        self.more_button.setCheckable(True)
        self.more_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more_button.setArrowType(Qt.ArrowType.RightArrow)
        bind(self.more_button, "setText", N_("More details"))
        self.more_button.toggled.connect(self._unfold)
        for name in [n for n in shown if n not in folded] + ["(more)"] + folded:
            if name == "(more)":
                if folded:
                    form.addRow(self.more_button)
                continue
            info = model.model_fields[name]
            kind, _optional = _plain(info.annotation)
            self.types[name] = kind
            widget: QWidget
            if name in (choices or {}) and get_origin(kind) is list:
                # Several codes from a fixed list (the areas a provider serves): check boxes.
                checks = QListWidget()
                checks.setMaximumHeight(120)
                for index, (value, text) in enumerate((choices or {})[name].items()):
                    item = QListWidgetItem("")
                    item.setData(Qt.ItemDataRole.UserRole, value)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked)
                    checks.addItem(item)
                    bind(checks, _check_text(index), text)
                widget = checks
            elif name in (choices or {}):
                # A text field with a fixed list of codes (service domains): value -> N_ label.
                combo = QComboBox()
                for index, (value, text) in enumerate((choices or {})[name].items()):
                    combo.addItem("", value)
                    bind(combo, item_text(index), text)
                widget = combo
            elif isinstance(kind, type) and issubclass(kind, Enum):
                combo = QComboBox()
                # A required choice with no default on the model (a CSEC status, a screen's band)
                # starts with nothing chosen: an empty first item whose value is None, which the
                # model refuses beside the field until a person picks one.
                first = 1 if info.is_required() else 0
                if first:
                    combo.addItem("", None)
                    bind(combo, item_text(0), N_("(choose one)"))
                for index, member in enumerate(kind, start=first):
                    combo.addItem("", member.value)
                    # Bound, so the items follow a change of language like every other text.
                    bind(combo, item_text(index), choice_label(member))
                widget = combo
            elif kind is bool:
                widget = QCheckBox()
            elif get_origin(kind) is list and get_args(kind) == (str,):
                edit = QPlainTextEdit()
                edit.setTabChangesFocus(True)
                edit.setMaximumHeight(70)
                bind(edit, "setPlaceholderText", N_("one per line"))
                widget = edit
            elif _row_model(kind) is not None:
                # A list of small records with a model (a hearing in each court case): one per
                # line, the model's fields in order, separated by semicolons.
                row = _row_model(kind)
                assert row is not None
                edit = QPlainTextEdit()
                edit.setTabChangesFocus(True)
                edit.setMinimumHeight(70)
                edit.setMaximumHeight(LONG_TEXT_HEIGHT)
                bind(edit, _row_placeholder(row), N_("one per line:"))
                widget = edit
            elif get_origin(kind) is list:
                # A list of small records (a meeting's attendees): one "code: name" per line.
                edit = QPlainTextEdit()
                edit.setTabChangesFocus(True)
                edit.setMinimumHeight(90)
                bind(edit, "setPlaceholderText", fields.hint(model, name) or N_("one per line: kind: name"))
                widget = edit
            elif name in ("text", "notes", "description", "basis", "decisions", "next_steps",
                          "where_and_with_whom", "why_left", "experiences_while_away", "intake_notes",
                          "goal", "steps", "services", "evidence", "plan", "efforts", "exit_documents",
                          "housing", "health_insurance", "education", "mentors", "workforce",
                          "health_care_power_of_attorney", "advance_directive", "nexus", "grounds",
                          "safety_concerns"):
                edit = QPlainTextEdit()
                edit.setTabChangesFocus(True)
                edit.setMinimumHeight(70)
                if name != "text":  # a note is the page's main text; the rest are a few lines each,
                    edit.setMaximumHeight(LONG_TEXT_HEIGHT)  # so their form fits beside its list
                widget = edit
            else:
                widget = QLineEdit()
            label = QLabel()
            message = fields.label(model, name)  # the field's title on the model (English; shown translated)
            bind(widget, "setAccessibleName", message)
            help_text = fields.hint(model, name)
            if help_text:
                bind(widget, "setToolTip", help_text)
                bind(widget, "setAccessibleDescription", help_text)
            if isinstance(widget, QCheckBox):
                bind(widget, "setText", message)  # a check box carries its own label
            else:
                bind(label, "setText", message)
            label.setBuddy(widget)
            error = QLabel()
            error.setStyleSheet("color:#b00020")
            error.setWordWrap(True)
            bind(error, "setAccessibleName", N_("Problem with the field above"))
            column = QVBoxLayout()
            column.setSpacing(0)
            column.addWidget(widget)
            column.addWidget(error)
            error.hide()
            form.addRow(label, column)
            if name in folded:
                self._later_rows.append(form.rowCount() - 1)
            self.widgets[name] = widget
            self._watch(widget)
            self.errors[name] = error
        # Messages about the item as a whole (an end date before its start, say).
        self.general = QLabel()
        self.general.setStyleSheet("color:#b00020")
        self.general.setWordWrap(True)
        bind(self.general, "setAccessibleName", N_("Problem with this item"))
        self.general.hide()
        form.addRow(self.general)
        self.prefix = prefix
        self._unfold(False)

    def _unfold(self, open_: bool) -> None:
        for row in self._later_rows:
            self._form.setRowVisible(row, open_)
        self.more_button.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        if self.more_button.isChecked() != open_:
            self.more_button.setChecked(open_)

    def unfold_for(self, names: list[str]) -> None:
        """Show the folded fields when one of `names` is among them (a value or a problem there)."""
        if any(self.widgets.get(n) is not None and fields.later(self.model, n) for n in names):
            self._unfold(True)

    def _watch(self, widget: QWidget) -> None:
        def changed(*_args: Any) -> None:
            if not self._loading:
                self.edited.emit()

        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(changed)
        elif isinstance(widget, QListWidget):
            widget.itemChanged.connect(changed)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(changed)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(changed)
        elif isinstance(widget, QLineEdit):
            widget.textEdited.connect(changed)

    def set_values(self, data: dict[str, Any] | None) -> None:
        self._loading = True
        try:
            self._set_values(data)
        finally:
            self._loading = False
        # An entry opened for editing shows its folded fields if any is filled in; a fresh form
        # starts folded again.
        defaults = self.defaults()
        filled = [n for n, v in (data or {}).items()
                  if v not in (None, "", [], False) and v != defaults.get(n)]
        self._unfold(False)
        self.unfold_for(filled)

    def _set_values(self, data: dict[str, Any] | None) -> None:
        data = data or {}
        for name, widget in self.widgets.items():
            value = data.get(name)
            if isinstance(widget, QComboBox):
                index = widget.findData(value)
                widget.setCurrentIndex(max(index, 0))
            elif isinstance(widget, QListWidget):
                for row in range(widget.count()):
                    item = widget.item(row)
                    item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                                       in (value or []) else Qt.CheckState.Unchecked)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(self._show(name, value))
            elif isinstance(widget, QLineEdit):
                widget.setText(self._show(name, value))
        self.show_problems([])

    def _show(self, name: str, value: Any) -> str:
        if value is None:
            return ""
        if get_args(self.types[name]) == (str,):
            return "\n".join(value)
        row = _row_model(self.types[name])
        if row is not None:
            lines = (["" if item.get(f) is None else str(item.get(f)) for f in row.model_fields]
                     for item in value)
            return "\n".join("; ".join(_without_trailing_blanks(parts)) for parts in lines)
        if get_origin(self.types[name]) is list:
            return "\n".join(f"{item.get('discipline', '')}: {item.get('name', '')}" for item in value)
        if self.types[name] is datetime:
            return local_time(value)
        return str(value)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, QComboBox):
                out[name] = widget.currentData()
            elif isinstance(widget, QListWidget):
                out[name] = [widget.item(row).data(Qt.ItemDataRole.UserRole) for row in range(widget.count())
                             if widget.item(row).checkState() == Qt.CheckState.Checked]
            elif isinstance(widget, QCheckBox):
                out[name] = widget.isChecked()
            else:
                text = (widget.toPlainText() if isinstance(widget, QPlainTextEdit)
                        else widget.text() if isinstance(widget, QLineEdit) else "").strip()
                # An empty list field is an empty list, not "no value" (the model wants a list).
                empty: list[Any] | None = [] if get_origin(self.types[name]) is list else None
                out[name] = self._parse(name, text) if text else empty
        return out

    def _parse(self, name: str, text: str) -> Any:
        if get_args(self.types[name]) == (str,):
            return [line.strip() for line in text.splitlines() if line.strip()]
        row = _row_model(self.types[name])
        if row is not None:  # empty parts are "not given": the model's default, or its message
            names = list(row.model_fields)
            return [{f: part.strip() for f, part in zip(names, line.split(";"), strict=False) if part.strip()}
                    for line in text.splitlines() if line.strip()]
        if get_origin(self.types[name]) is list:
            pairs = [line.partition(":") for line in text.splitlines() if line.strip()]
            return [{"discipline": code.strip(), "name": who.strip()} for code, _sep, who in pairs]
        # Times typed here are California times; the core stores them with their zone.
        if self.types[name] is datetime:
            try:
                return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LEGAL_ZONE).isoformat()
            except ValueError:
                return text  # the model names the problem beside the field
        return text

    def defaults(self) -> dict[str, Any]:
        """What a new item starts with: the model's defaults, today's date and time for a note."""
        out: dict[str, Any] = {}
        for name, info in self.model.model_fields.items():
            if name in self.widgets and not info.is_required():
                value = info.get_default(call_default_factory=True)
                out[name] = value.value if isinstance(value, Enum) else value
            if name in self.widgets and self.types.get(name) is datetime and info.is_required():
                out[name] = datetime.now(LEGAL_ZONE).replace(second=0, microsecond=0).isoformat()
            elif name in self.widgets and self.types.get(name) is date and info.is_required():
                out[name] = legal_today().isoformat()
        return out

    def check(self, extra: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The values if the model accepts them; otherwise None, with messages shown."""
        data = {**(extra or {}), **self.values()}
        try:
            item = self.model.model_validate(data)
        except ValidationError as exc:
            self.show_problems([(p.field, p.message) for p in problems_from(exc)])
            return None
        self.show_problems([])
        # Fields this form does not show are not its to send (the core or the window sets them).
        dumped: dict[str, Any] = item.model_dump(mode="json", exclude=set(extra or {}) | set(self.skip))
        return dumped

    def show_problems(self, problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Put each message beside its field; return those that have no field here."""
        for label in (*self.errors.values(), self.general):
            label.clear()
            label.hide()
        unplaced: list[tuple[str, str]] = []
        general: list[str] = []
        for field, message in problems:
            name = field.split(".")[0]
            beside = self.errors.get(name)
            if beside is not None:
                beside.setText(_(message))
                beside.show()
                self.unfold_for([name])
            elif name in ("", "(record)"):
                general.append(_(message))
            else:
                unplaced.append((field, message))
        if general:
            self.general.setText("; ".join(general))
            self.general.show()
        return unplaced

    def first_widget(self) -> QWidget | None:
        return next(iter(self.widgets.values()), None)


class ItemList(QGroupBox):
    """A list of small items with a form: select to edit, Add, Replace, Remove.

    Embedded lists (aliases, periods...) change only the page's pending edit, which
    Save stores and Undo reverts. Attached records (contacts, notes) are separate
    records: the section emits signals and the window saves them at once.
    """

    changed = Signal()
    typing = Signal()  # the form is being filled in (kept as a draft)
    add_record = Signal(dict)
    update_record = Signal(str, dict)
    delete_record = Signal(str)

    def __init__(self, title: str, model: type[BaseModel],
                 summary: Callable[[dict[str, Any]], str] | None = None, *,
                 skip: tuple[str, ...] = (), attached: bool = False, single: bool = False,
                 choices: dict[str, dict[str, str]] | None = None, select_new: bool = False) -> None:
        super().__init__()
        bind(self, "setTitle", title)
        # Where the next step acts on the entry just saved (send a referral, print a petition) or
        # the next entry repeats much of it (the counts of one court case), the saved entry stays
        # selected and shown; elsewhere (a note, a contact) the form starts afresh.
        self.select_new = select_new
        self._ids_before_add: set[str] | None = None
        self.starting: Callable[[], dict[str, Any]] | None = None
        """What a new entry starts with beyond the model's defaults (a petition: the youth's
        initials and the counts the law lets it include); values the form does not show are put
        into the entry when it is saved."""
        # Each row's text: the model's registered summary (csec_desktop.domain.summaries) unless given.
        self.summary = summary or summary_for(model)
        self.attached = attached
        self.single = single
        self.skip = skip  # fields the window or the core fills (youth_id, decided_by); not shown here
        self.items: list[dict[str, Any]] = []
        self.ids: list[str] = []  # record ids, for attached sections
        self.listing = QListWidget()
        self.listing.setMaximumHeight(LIST_HEIGHT)
        bind(self.listing, "setAccessibleName", title)
        self.form = ModelForm(model, skip=skip, choices=choices)
        self.add_button = QPushButton()
        self.replace_button = QPushButton()
        self.remove_button = QPushButton()
        # A contact or note is saved at once; a list item waits for the record's Save.
        bind(self.add_button, "setText", N_("Set") if single else
             N_("Save as a new entry") if attached else N_("Add as new"))
        bind(self.replace_button, "setText", N_("Save changes to selected"))
        bind(self.remove_button, "setText", N_("Remove") if single else N_("Remove selected"))
        if single:  # never setVisible(True) here: a widget shown before it has a parent is a window
            self.replace_button.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Section message"))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.replace_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # The list beside its form where the section is wide enough (a laptop's full width), above
        # it where it is not: at 1366x768 a form below its list sat below the fold on every tab.
        editing = QVBoxLayout()
        editing.addWidget(self.form)
        editing.addLayout(buttons)
        editing.addWidget(self.message)
        editing.addStretch(1)
        self._box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._box.addWidget(self.listing, 2)
        self._box.addLayout(editing, 3)
        self.listing.currentRowChanged.connect(self._selected)
        self.form.edited.connect(self.typing.emit)
        self.add_button.clicked.connect(self._add)
        self.replace_button.clicked.connect(self._replace)
        self.remove_button.clicked.connect(self._remove)
        self._confirm_timer = QTimer(self)
        self._confirm_timer.setSingleShot(True)
        self._confirm_timer.setInterval(5000)
        self._confirm_timer.timeout.connect(self._cancel_confirm)

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = event.size().width() >= SIDE_BY_SIDE_WIDTH
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._box.direction() != direction:
            self._box.setDirection(direction)
            # Beside the form the list is as tall as the form (never taller); above it, a few rows.
            self.listing.setMaximumHeight(QWIDGETSIZE_MAX if wide else LIST_HEIGHT)
            policy = self.listing.sizePolicy()
            policy.setVerticalPolicy(QSizePolicy.Policy.Ignored if wide else QSizePolicy.Policy.Expanding)
            self.listing.setSizePolicy(policy)
        super().resizeEvent(event)

    # Contents ---------------------------------------------------------------

    def set_items(self, items: list[dict[str, Any]], ids: list[str] | None = None) -> None:
        """Show these items; the one selected before (same id, or same content) stays selected."""
        row = self.listing.currentRow()
        before: Any = None
        if 0 <= row < len(self.items):
            before = self.ids[row] if row < len(self.ids) else self.items[row]
        self.items = [dict(i) for i in items]
        self.ids = list(ids or [])
        self._refill()
        keys: list[Any] = self.ids if self.ids else self.items
        known, self._ids_before_add = self._ids_before_add, None
        added = [i for i in self.ids if i not in known] if known is not None else []
        if len(added) == 1:
            before = added[0]
        if self.single and self.items:
            self.form.set_values(self.items[0])
        elif before is not None and before in keys:
            again = keys.index(before)
            self.listing.blockSignals(True)
            self.listing.setCurrentRow(again)
            self.listing.blockSignals(False)
            self.form.set_values(self.items[again])
        else:
            self.form.set_values(self.fresh())
        self.message.clear()

    def fresh(self) -> dict[str, Any]:
        """The values a new entry's form starts with."""
        return {**self.form.defaults(), **(self.starting() if self.starting is not None else {})}

    def clear(self) -> None:
        self.set_items([])
        self.form.set_values({})

    def _refill(self) -> None:
        self.listing.blockSignals(True)
        self.listing.clear()
        for item in self.items:
            self.listing.addItem(self.summary(item))
        if not self.items:
            self.listing.addItem(_("(none recorded)"))
        self.listing.blockSignals(False)

    def _selected(self, row: int) -> None:
        if 0 <= row < len(self.items):
            self.form.set_values(self.items[row])
        self._cancel_confirm()

    def _row(self) -> int:
        row = self.listing.currentRow()
        return row if 0 <= row < len(self.items) else -1

    # Actions ------------------------------------------------------------------

    def _extra(self) -> dict[str, Any]:
        """Placeholders for required fields the window fills, so the form can check the rest."""
        fields = self.form.model.model_fields
        return {name: "pending" for name in self.skip if fields[name].is_required()}

    def _add(self) -> None:
        data = self.form.check(self._extra())
        if data is None:
            self.message.setText(_("Not added: fix the fields marked in red."))
            return
        hidden = {k: v for k, v in (self.starting() if self.starting is not None else {}).items()
                  if k not in self.form.widgets and k not in data}
        data = {**hidden, **data}
        if self.attached:
            if self.select_new:
                self._ids_before_add = set(self.ids)
            self.add_record.emit(data)
            return
        if self.single:
            self.items = [data]
        else:
            self.items.append(data)
        self._refill()
        self.message.setText(_("Added. Save the record to keep it."))
        self.changed.emit()

    def _replace(self) -> None:
        row = self._row()
        if row < 0:
            self.message.setText(_("Select an item in the list first."))
            return
        data = self.form.check(self._extra())
        if data is None:
            self.message.setText(_("Not changed: fix the fields marked in red."))
            return
        if self.attached:
            self.update_record.emit(self.ids[row], data)
            return
        self.items[row] = data
        self._refill()
        self.listing.setCurrentRow(row)
        self.message.setText(_("Changed. Save the record to keep it."))
        self.changed.emit()

    def _remove(self) -> None:
        row = 0 if self.single and self.items else self._row()
        if row < 0:
            self.message.setText(_("Select an item in the list first."))
            return
        if self.attached and not self._confirm_timer.isActive():
            # A separate record is removed at once: ask for a second press first.
            self._confirm_timer.start()
            self.remove_button.setText(_("Press again to remove"))
            self.message.setText(_("Press the button again within 5 seconds to remove it."))
            return
        self._cancel_confirm()
        if self.attached:
            self.delete_record.emit(self.ids[row])
            return
        del self.items[row]
        self._refill()
        if self.single:
            self.form.set_values({})
        self.message.setText(_("Removed. Save the record to keep the change."))
        self.changed.emit()

    def _cancel_confirm(self) -> None:
        if self._confirm_timer.isActive():
            self._confirm_timer.stop()
        self.remove_button.setText(_("Remove") if self.single else _("Remove selected"))

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Messages for paths like `aliases.1.name`: select that item and mark its field."""
        if not problems:
            return
        first = problems[0][0].split(".")
        if len(first) > 1 and first[1].isdigit() and not self.single:
            self.listing.setCurrentRow(int(first[1]))
        inner = [(".".join(p.split(".")[2:] if not self.single else p.split(".")[1:]), m)
                 for p, m in problems]
        left = self.form.show_problems(inner)
        self.message.setText("; ".join(f"{f}: {m}" for f, m in left) or _("Fix the fields marked in red."))

"""Forms generated from the core's pydantic models (the list sections built on them: ui/item_list.py).

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
from datetime import datetime
from enum import Enum
from typing import Any, Union, get_args, get_origin

from pydantic import AwareDatetime, BaseModel, ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.domain import fields
from csec_desktop.domain.base import problems_from
from csec_desktop.domain.csec import Discipline
from csec_desktop.domain.labels import choice_label
from csec_desktop.domain.summaries import local_time as local_time
from csec_desktop.domain.summaries import summarize
from csec_desktop.rules import LEGAL_ZONE
from ui.i18n import N_, Apply, _, bind, item_text, problem
from ui.scrolling import wheel_safe

FIELD_LABELS: dict[str, str] = {
    f"{model.__name__}.{name}": info.title
    for model in fields.form_models() for name, info in model.model_fields.items() if info.title
}
"""Deprecated: field labels now live on the models (`csec_desktop.domain.fields.label`). Kept, keyed
"Model.field", for callers that still look labels up here (ui/sync_ui.py)."""


def _discipline_names() -> dict[str, str]:
    """Each discipline of a team meeting by its name in the interface's language, by code."""
    return {d.value: _(choice_label(d)) for d in Discipline}


def _discipline_code(said: str) -> str:
    """The code of a discipline given by its name (in English or the interface's language) or its
    code; anything else as typed, for the model to refuse by name."""
    wanted = " ".join(said.split()).casefold()
    for d in Discipline:
        label = choice_label(d)
        if wanted in (d.value, d.value.replace("_", " "), label.casefold(), _(label).casefold()):
            return d.value
    return said.strip()


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


LONG_TEXT_HEIGHT = 110
LABEL_WIDTH = 440
"""The widest a field's label is: a longer one wraps."""
QWIDGETSIZE_MAX = 16_777_215  # Qt's "no maximum"


class FieldLabel(QLabel):
    """A field's label on one line, or wrapped at LABEL_WIDTH when longer (in every language): a
    744-pixel Spanish label (the counsel block's) made the Record relief tab scroll sideways at 1366
    pixels. Wrapping every label made each one as narrow as Qt guesses, "(AAAA-MM-DD)" on a line
    of its own."""

    def setText(self, text: str) -> None:
        long = self.fontMetrics().horizontalAdvance(text) > LABEL_WIDTH
        self.setWordWrap(long)
        self.setMinimumWidth(LABEL_WIDTH if long else 0)
        self.setMaximumWidth(LABEL_WIDTH if long else QWIDGETSIZE_MAX)
        super().setText(text)


class ModelForm(QWidget):
    """Fields of one pydantic model; values in and out as JSON-ready dicts."""

    edited = Signal()  # the person changed a field (not set_values)

    def __init__(self, model: type[BaseModel], skip: tuple[str, ...] = (), prefix: str = "",
                 choices: dict[str, dict[str, str]] | None = None) -> None:
        super().__init__()
        self._loading = False
        self._baseline: dict[str, Any] = {}
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
                # A text field with a fixed list of codes (service domains): value -> N_ label. A
                # required one starts with nothing chosen, as a required enum does below (a goal
                # saved in haste went under "Physical health", the first area).
                combo = wheel_safe(QComboBox())
                first = 1 if info.is_required() else 0
                if first:
                    combo.addItem("", None)
                    bind(combo, item_text(0), N_("(choose one)"))
                for index, (value, text) in enumerate((choices or {})[name].items(), start=first):
                    combo.addItem("", value)
                    bind(combo, item_text(index), text)
                widget = combo
            elif isinstance(kind, type) and issubclass(kind, Enum):
                combo = wheel_safe(QComboBox())
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
                # A list of small records (a meeting's attendees): one "discipline: name" per line,
                # the discipline by its name in the interface's language (or its code).
                edit = QPlainTextEdit()
                edit.setTabChangesFocus(True)
                edit.setMinimumHeight(90)
                bind(edit, lambda e, text: e.setPlaceholderText(
                    text + " " + ", ".join(_discipline_names().values())),
                    N_("One person per line, as discipline: name (Mental health: their name). Disciplines:"))
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
            label = FieldLabel()
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
        self._baseline = self.values()
        # An entry opened for editing shows its folded fields if any is filled in; a fresh form
        # starts folded again.
        defaults = self.defaults()
        filled = [n for n, v in (data or {}).items()
                  if v not in (None, "", [], False) and v != defaults.get(n)]
        self._unfold(False)
        self.unfold_for(filled)

    def typed(self) -> dict[str, Any]:
        """What differs from what the form was last set to (a new item's defaults, the entry
        opened): what a draft keeps. Not the defaults themselves: a draft that kept a new item's
        "now" brought the time it was written back as the time information was received."""
        return {name: value for name, value in self.values().items() if value != self._baseline.get(name)}

    def lay_over(self, typed: dict[str, Any]) -> None:
        """A draft's typing over the form as it is now; what the form was set to stays what
        `typed` compares with, so the typing is kept again if the page is left again."""
        baseline = self._baseline
        self.set_values({**self.values(), **{k: v for k, v in typed.items() if k in self.widgets}})
        self._baseline = baseline

    def moments(self) -> set[str]:
        """The fields that hold a date and time."""
        return {name for name, kind in self.types.items() if kind is datetime}

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
            names = _discipline_names()
            return "\n".join(f"{names.get(item.get('discipline', ''), item.get('discipline', ''))}: "
                             f"{item.get('name', '')}" for item in value)
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
                # An empty list field is an empty list, not "no value" (the model wants a list); an
                # empty text whose model keeps "" for nothing written is "" (a transition plan's
                # sections left for later were each refused as "must be filled in").
                info = self.model.model_fields.get(name)
                empty: list[Any] | str | None = [] if get_origin(self.types[name]) is list else \
                    "" if info is not None and not info.is_required() and info.default == "" else None
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
            return [{"discipline": _discipline_code(said), "name": who.strip()} for said, _sep, who in pairs]
        # Times typed here are California times; the core stores them with their zone.
        if self.types[name] is datetime:
            try:
                return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LEGAL_ZONE).isoformat()
            except ValueError:
                return text  # the model names the problem beside the field
        return text

    def defaults(self) -> dict[str, Any]:
        """What a new item starts with: the model's defaults, and now for a moment a person records
        as it happens (a note, information received). A required day starts blank: the day an
        order was made or a paper signed is rarely today, and a form that offered today saved
        false dates for anyone who did not change it."""
        out: dict[str, Any] = {}
        for name, info in self.model.model_fields.items():
            if name in self.widgets and not info.is_required():
                value = info.get_default(call_default_factory=True)
                # A default sentence (a safety flag's instruction) in the window's language: the
                # person keeps it in that language, as if typed.
                out[name] = (value.value if isinstance(value, Enum)
                             else _(value) if isinstance(value, str) and value else value)
            if name in self.widgets and self.types.get(name) is datetime and info.is_required():
                out[name] = datetime.now(LEGAL_ZONE).replace(second=0, microsecond=0).isoformat()
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
                beside.setText(problem(message))
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

"""List sections built on the generated forms (ui/record_form.py): a list of small items with a
form beside or below it (select to edit, Add, Replace, Remove).

Embedded lists (aliases, legal status periods, safety flags, consents) change the page's pending
edit; attached records (contacts, case notes) are separate records the window saves at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from ui.i18n import N_, _, bind
from ui.record_form import ModelForm, summary_for

LIST_HEIGHT = 120
SIDE_BY_SIDE_WIDTH = 900
"""A section at least this wide shows its list beside its form (list two fifths, form three)."""
QWIDGETSIZE_MAX = (1 << 24) - 1


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
    shown = Signal(int)  # the row now selected (-1: none), after a selection or the items shown anew

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
        self.new_button = QPushButton()
        self.add_button = QPushButton()
        self.replace_button = QPushButton()
        self.remove_button = QPushButton()
        bind(self.new_button, "setText", N_("New entry"))
        bind(self.new_button, "setToolTip", N_("An empty form for a new entry, nothing carried over from "
                                               "the one selected"))
        # A contact or note is saved at once; a list item waits for the record's Save.
        bind(self.add_button, "setText", N_("Set") if single else
             N_("Save as a new entry") if attached else N_("Add as new"))
        bind(self.replace_button, "setText", N_("Save changes to selected"))
        bind(self.remove_button, "setText", N_("Remove") if single else N_("Remove selected"))
        if single:  # never setVisible(True) here: a widget shown before it has a parent is a window
            self.replace_button.hide()
            self.new_button.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Section message"))
        buttons = QHBoxLayout()
        # Saving comes first after the form, New entry last: the next Tab after a note's text was
        # New entry, and Enter there emptied the form, the note gone.
        for button in (self.add_button, self.replace_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
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
        # An entry is shown in the form when it is selected, not merely made current: tabbing into
        # the list made its first entry current and filled the form with it (what was typed there
        # was replaced, and a new contact saved with the first one's "may receive information").
        self.listing.itemSelectionChanged.connect(lambda: self._selected(self._row()))
        self.form.edited.connect(self.typing.emit)
        self.new_button.clicked.connect(self.start_new)
        self.add_button.clicked.connect(self._add)
        self.replace_button.clicked.connect(self._replace)
        self.remove_button.clicked.connect(self._remove)
        self._confirm_timer = QTimer(self)
        self._confirm_timer.setSingleShot(True)
        self._confirm_timer.setInterval(5000)
        self._confirm_timer.timeout.connect(self._cancel_confirm)
        self._fresh_after_add = False
        self.writable = True  # False for a role that may not write (its buttons stay off, saying why)
        self.refresh_buttons()

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
        elif self._fresh_after_add:  # a note or contact just added: the form starts afresh
            before = None
        self._fresh_after_add = False
        if self.single and self.items:
            self.form.set_values(self.items[0])
        elif before is not None and before in keys:
            again = keys.index(before)
            self.listing.blockSignals(True)
            self.listing.setCurrentRow(again)
            self.listing.blockSignals(False)
            self.form.set_values(self.items[again])
        else:
            self.listing.blockSignals(True)
            self.listing.clearSelection()
            self.listing.blockSignals(False)
            self.form.set_values(self.fresh())
        self.message.clear()
        self.refresh_buttons()
        self.shown.emit(self._row())

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

    def relabel(self) -> None:
        """Each line said again, the selection kept (a petition's line depends on its counts too)."""
        for row, item in enumerate(self.items):
            line = self.listing.item(row)
            if line is not None:
                line.setText(self.summary(item))

    def _selected(self, row: int) -> None:
        if 0 <= row < len(self.items):
            self.form.set_values(self.items[row])
        self._cancel_confirm()
        self.refresh_buttons()
        self.shown.emit(self._row())

    def selected_row(self) -> int:
        """The entry selected (-1: none)."""
        return self._row()

    def _row(self) -> int:
        """The entry selected (-1: none; a row only made current, as by tabbing in, is not)."""
        rows = [index.row() for index in self.listing.selectedIndexes()]
        row = rows[0] if rows else -1
        return row if 0 <= row < len(self.items) else -1

    def refresh_buttons(self) -> None:
        """Changing or removing acts on the entry selected: off while none is (they were on, and
        said "select an item first" only once pressed)."""
        chosen = (self.single or self._row() >= 0) and self.writable
        self.replace_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and (not self.single or bool(self.items)))

    def start_new(self) -> None:
        """An empty form for a new entry: nothing selected, the form at its starting values."""
        self.listing.clearSelection()
        self.form.set_values(self.fresh())
        self.message.clear()
        self.refresh_buttons()
        self.shown.emit(-1)
        self.form.setFocus()
        self.form.focusNextChild()

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
            else:
                self._fresh_after_add = True
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
        if len(first) > 1 and first[1].isdigit() and not self.single and not self.attached:
            self.listing.setCurrentRow(int(first[1]))  # the item of the youth's list it is about
        inner = [(p if self.attached else _inner(p, self.single), m) for p, m in problems]
        left = self.form.show_problems(inner)
        self.message.setText("; ".join(f"{f}: {m}" for f, m in left) or _("Fix the fields marked in red."))


def _inner(path: str, single: bool) -> str:
    """A problem's field within an item of the youth's record: `aliases.1.name` -> `name`,
    `placement.type` -> `type`. An attached record's problems name its own fields (`offense_date`)
    and are not cut: cut as a list item's path, they lost their field ("is ahead of now" three
    times under the form's last field, none marked)."""
    parts = path.split(".")
    return ".".join(parts[1:] if single else parts[2:])

"""Today's table: every duty found, in the core's order and groups, narrowed by the page's filters.

The rows are merged in as Today's chunks arrive (`add`), one youth's are replaced when a duty of
theirs is marked done (`replace_youth`), and the clock moves the groups (`retime`). The page around
it is ui/today_page.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from csec_desktop.rules import CONFIDENCE_NAMES, LEGAL_ZONE, Confidence, FindingKind, kind_name
from csec_desktop.today import (
    LEGAL_KINDS,
    Group,
    Item,
    TodayFilter,
    due_text,
    filter_items,
    order_key,
    relative_text,
)
from ui.i18n import N_, _
from ui.suggestions import CONFIDENCE_NOTES
from ui.table_model import Index, TranslatedTableModel

GROUPS: tuple[Group, ...] = tuple(Group)
"""By the rank that begins each sort key (today.order_key)."""

GROUP_NAMES: dict[Group, str] = {
    Group.OVERDUE: N_("Overdue"),
    Group.DUE_24H: N_("Due within 24 hours"),
    Group.THIS_WEEK: N_("This week"),
    Group.LATER: N_("Later"),
    Group.LONG_OVERDUE: N_("Long overdue (over 90 days)"),
    Group.DONE: N_("Done"),
}
GROUP_COLOURS: dict[Group, str] = {  # always beside the group's name in words
    Group.OVERDUE: "#fde2e1", Group.DUE_24H: "#ffe9c7", Group.THIS_WEEK: "#fff7cc",
    Group.LATER: "#eef2f7", Group.LONG_OVERDUE: "#ece6f3", Group.DONE: "#e3f1e3",
}
ELIGIBILITY_KINDS = frozenset(kind for kind in FindingKind if kind not in LEGAL_KINDS
                              and kind is not FindingKind.SUGGESTION)
"""Eligible, not eligible, and any other answer to "may the youth have it?"."""


def identity(item: Item) -> tuple[str | None, str, str]:
    return item.finding.youth_id, item.finding.rule_id, item.finding.occurrence


class TodayModel(TranslatedTableModel):
    """Every row is one duty (`item(row)`); `reset` takes everything found, `set_filter` narrows
    what is shown. Rows come in the core's order, so each group is one run of rows."""

    COLUMNS = (N_("Group"), N_("When"), N_("Due"), N_("Youth"), N_("Duty"), N_("Kind"),
               N_("Confidence"), N_("Law"))

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Item] = []
        self._all: list[Item] = []
        # Every duty found as (*sort key, arrival number, item), kept in order: merging a chunk is
        # appending it and sorting, which finds the two sorted runs and merges them in C. Each
        # key is computed once per item, not once per item per merge (at 117,000 duties a merge
        # that called the key on every item held the window for about a second). One flat tuple
        # per duty: a key tuple inside an entry tuple cost 48 bytes a duty more.
        self._sorted: list[tuple[Any, ...]] = []
        self._arrivals = 0
        self._groups: list[Group] = []
        self._filter = TodayFilter()
        self._now = datetime.now(LEGAL_ZONE)

    def reset(self, items: list[Item], now: datetime) -> None:
        self._sorted, self._now = [], now
        self._take(items)

    def retime(self, now: datetime) -> None:
        """The same duties as of `now`: groups and "in 3 hours" move with the clock."""
        self.reset(self._all, now)

    def add(self, items: list[Item], now: datetime) -> None:
        """Merge newly found items in (Today arrives chunk by chunk)."""
        if now != self._now:
            self.reset(self._all + items, now)
        else:
            self._take(items)

    def replace_youth(self, youth_id: str, items: list[Item], now: datetime) -> None:
        """One youth's items looked at again (a duty marked done, their record changed)."""
        kept = [entry for entry in self._sorted if entry[-1].finding.youth_id != youth_id]
        if now != self._now:
            self.reset([entry[-1] for entry in kept] + items, now)
        else:
            self._sorted = kept
            self._take(items)

    def _take(self, items: list[Item]) -> None:
        key = order_key(self._now)
        first = self._arrivals
        self._arrivals += len(items)
        self._sorted += [(*key(item), first + n, item) for n, item in enumerate(items)]
        self._sorted.sort()
        self._all = [entry[-1] for entry in self._sorted]
        self._refilter()

    def set_filter(self, wanted: TodayFilter) -> None:
        self._filter = wanted
        self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        if self._filter == TodayFilter():  # everything: no item to look at (the common case)
            self._rows = self._all
            self._groups = [GROUPS[entry[0]] for entry in self._sorted]
        else:
            self._rows = filter_items(self._all, self._filter)
            self._groups = [item.group(self._now) for item in self._rows]
        self.endResetModel()

    def clear(self) -> None:
        self._all = []
        self._filter = TodayFilter()
        self.reset([], datetime.now(LEGAL_ZONE))

    def item(self, row: int) -> Item:
        item: Item = self._rows[row]
        return item

    def row_of(self, wanted: tuple[str | None, str, str] | None) -> int:
        """The row of the item with this (youth, rule, occurrence), or -1."""
        if wanted is None:
            return -1
        return next((row for row, item in enumerate(self._rows) if identity(item) == wanted), -1)

    def total(self) -> int:
        """Duties found before the filters."""
        return len(self._all)

    def workers(self) -> list[str]:
        return sorted({item.worker for item in self._all if item.worker})

    def units(self) -> list[str]:
        return sorted({item.unit for item in self._all if item.unit})

    def groups(self) -> list[tuple[Group, int, int]]:
        """(group, first row, rows) of each group shown, in order."""
        out: list[tuple[Group, int, int]] = []
        for row, group in enumerate(self._groups):
            if out and out[-1][0] is group:
                out[-1] = (group, out[-1][1], out[-1][2] + 1)
            else:
                out.append((group, row, 1))
        return out

    def group_of_row(self, row: int) -> Group:
        return self._groups[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = index.row(), index.column()
        item: Item = self._rows[row]
        finding = item.finding
        group = self._groups[row]
        first = row == 0 or self._groups[row - 1] is not group
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:  # the group's name on its first row; the colour carries it below
                return _(GROUP_NAMES[group]) if first else ""
            if column == 1:
                if finding.done:
                    return _("Done")
                return relative_text(finding.due, self._now, _) if finding.due else _("No date")
            if column == 2:
                return due_text(finding.due, _) if finding.due else ""
            if column == 3:  # a sealed youth's duty: the worker does not see it (see to it, or tell them)
                return item.youth_name + (" · " + _("sealed") if item.sealed else "")
            if column == 4:
                return _(finding.title)
            if column == 5:
                return _(kind_name(finding))
            if column == 6:
                confidence = item.confidence
                return _(CONFIDENCE_NAMES[confidence]) if confidence else ""
            if column == 7:
                return finding.citation
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return _(GROUP_NAMES[group])  # a screen reader hears the group on every row
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            return QBrush(QColor(GROUP_COLOURS[group]))
        if role == Qt.ItemDataRole.FontRole and column == 0 and first:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column in (1, 2) and finding.overdue(self._now):
            return QBrush(QColor("#b00020"))
        unconfirmed = item.confidence is Confidence.UNCONFIRMED
        if role == Qt.ItemDataRole.ForegroundRole and column == 6 and unconfirmed:
            return QBrush(QColor("#8a4b00"))
        if role == Qt.ItemDataRole.ToolTipRole and column == 6 and item.confidence:
            return _(CONFIDENCE_NOTES[item.confidence])
        if role == Qt.ItemDataRole.ToolTipRole and column == 3 and item.sealed:
            return _("This youth is sealed: their assigned worker does not see them or this duty. See to "
                     "it, or tell the person who will.")
        if role == Qt.ItemDataRole.ToolTipRole and column in (4, 7):
            # The duty and its law whole when the column cuts them ("Actualización semestral del
            # TILCP y certificación…" in Spanish); the row's detail below says why it is there.
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        return None

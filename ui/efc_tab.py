"""The Extended foster care tab: eligibility with its why, the timeline from 16 to 21, and the
records of the AB 12 plan (orders, conditions, agreements, certifications, hearings, re-entry,
the transition plan), each edited with the generic record forms."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from csec_desktop.domain.efc import (
    CONDITION_SHORT,
    Certification,
    EfcAgreement,
    HearingKind,
    NmdHearing,
    OrderType,
    Participation,
    PlacementOrder,
    ReentryAgreement,
    TransitionPlan,
)
from csec_desktop.efc import Eligibility, Event
from csec_desktop.rules.transition import LAW_AS_OF as EFC_LAW_AS_OF
from ui.i18n import N_, _, bind, on_change, say
from ui.item_list import ItemList
from ui.record_form import enum_label

STATE_COLOURS = {"done": "#1e6b32", "due": "#8a6100", "overdue": "#b3261e", "ahead": "#1a73e8",
                 "past": "#9aa0a6"}
STATE_WORDS = {"done": N_("done"), "due": N_("due today"), "overdue": N_("overdue"), "ahead": N_("ahead"),
               "past": N_("past")}


class Timeline(QWidget):
    """Ages 16 to 21 on a line, each event a numbered mark in its state's colour; the list under
    the line says the same in words (and is what a screen reader reads)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Event] = []
        self.birth_year_days: list[tuple[int, Any]] = []  # (age, date of that birthday)
        self.today: Any = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        bind(self, "setAccessibleName", N_("Timeline from 16 to 21"))
        on_change(self, "_describe")

    def set_events(self, events: list[Event], birthdays: list[tuple[int, Any]], today: Any) -> None:
        self.events, self.birth_year_days, self.today = events, birthdays, today
        self._describe()
        self.updateGeometry()

    def lines(self) -> list[str]:
        return [f"{i}. {e.day.isoformat()} · {_(e.label)} · {_(STATE_WORDS[e.state])}"
                + (f" · {e.citation}" if e.citation else "") for i, e in enumerate(self.events, start=1)]

    def _describe(self) -> None:
        self.setAccessibleDescription("; ".join(self.lines()))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(720, 70 + 18 * len(self.events))

    def today_mark(self) -> tuple[str, str]:
        """Where today falls ("before" 16, "on" the line, "after" 21) and what marks it."""
        if self.today < self.birth_year_days[0][1]:
            return "before", _("◂ today: age {age}").format(age=self._age_on(self.today))
        if self.today > self.birth_year_days[-1][1]:
            return "after", _("today: age {age} ▸").format(age=self._age_on(self.today))
        return "on", _("today")

    def _age_on(self, day: Any) -> int:
        """The youth's age on `day`, counted from a birthday on the line."""
        age, birthday = self.birth_year_days[0]
        return int(age + day.year - birthday.year - ((day.month, day.day) < (birthday.month, birthday.day)))

    def today_label_left(self, x: float, label_width: float) -> float:
        """Where the "today" label starts beside its line at `x`: to the right of it, or to the left
        near 21, where to the right it ran off the widget's edge ("tod")."""
        return x + 3 if x + 3 + label_width <= self.width() else x - 3 - label_width

    def _x(self, day: Any, left: float, width: float) -> float:
        first, last = self.birth_year_days[0][1], self.birth_year_days[-1][1]
        span = max((last - first).days, 1)
        fraction: float = (day - first).days / span
        return left + width * min(max(fraction, 0.0), 1.0)

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self.birth_year_days:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, width, axis = 20.0, self.width() - 40.0, 34.0
        painter.setPen(QPen(QColor("#5f6368"), 2))
        painter.drawLine(int(left), int(axis), int(left + width), int(axis))
        for age, day in self.birth_year_days:
            x = self._x(day, left, width)
            painter.drawLine(int(x), int(axis - 6), int(x), int(axis + 6))
            painter.drawText(QRectF(x - 30, axis + 6, 60, 16), int(Qt.AlignmentFlag.AlignHCenter), str(age))
        if self.today is not None:
            where, label = self.today_mark()
            painter.setPen(QPen(QColor("#202124"), 1, Qt.PenStyle.DashLine))
            if where == "before":  # a younger youth: not pinned at 16 as if it were now
                painter.drawText(QRectF(left - 12, 2, width, 14), 0, label)
            elif where == "after":
                painter.drawText(QRectF(left, 2, width + 12, 14), int(Qt.AlignmentFlag.AlignRight), label)
            else:
                x = self._x(self.today, left, width)
                painter.drawLine(int(x), 4, int(x), int(axis + 10))
                start = self.today_label_left(x, painter.fontMetrics().horizontalAdvance(label))
                painter.drawText(QRectF(start, 2, self.width() - start, 14), 0, label)
        for index, event in enumerate(self.events, start=1):
            x = self._x(event.day, left, width)
            colour = QColor(STATE_COLOURS[event.state])
            painter.setPen(QPen(colour, 1))
            painter.setBrush(colour)
            painter.drawEllipse(QRectF(x - 5, axis - 14 - (index % 2) * 8, 10, 10))
        painter.setPen(QColor("#202124"))
        for row, (event, line) in enumerate(zip(self.events, self.lines(), strict=True)):
            top = axis + 26 + row * 18
            painter.setPen(QColor(STATE_COLOURS[event.state]))
            painter.drawText(QRectF(left, top, width, 18), 0, line)
        painter.end()


class EfcTab(QWidget):
    print_requested = Signal(str)  # document kind
    print_item_requested = Signal(str, str)  # document kind, record id

    def __init__(self) -> None:
        super().__init__()
        conditions = {"condition": CONDITION_SHORT}
        self.eligibility = QLabel()
        self.eligibility.setWordWrap(True)
        self.eligibility.setTextFormat(Qt.TextFormat.RichText)
        bind(self.eligibility, "setAccessibleName", N_("Extended foster care eligibility"))
        self.timeline = Timeline()
        self.orders = ItemList(N_("Foster-care placement orders"), PlacementOrder,
                               lambda i: f"{enum_label(OrderType(i['order_type']))} · "
                                         f"{i.get('ordered_on')} – {i.get('ended_on') or ''}",
                               skip=("youth_id",), attached=True)
        self.participation = ItemList(N_("Participation conditions (WIC 11403(b)) and their evidence"),
                                      Participation, lambda i: f"{_(CONDITION_SHORT[i['condition']])} · "
                                      f"{i.get('since')} · {i.get('evidence')}", skip=("youth_id",),
                                      attached=True, choices=conditions)
        self.agreements = ItemList(N_("Agreements and placement approvals (SOC 162, 157A-C)"), EfcAgreement,
                                   lambda i: _("mutual agreement {day}").format(
                                       day=i.get("mutual_agreement_signed_on") or "—"),
                                   skip=("youth_id",), attached=True)
        self.certifications = ItemList(N_("Six-month certifications (the content of SOC 161)"), Certification,
                                       # Each condition by name ("(2)" alone said nothing).
                                       lambda i: f"{i.get('certified_on')} · " + "; ".join(
                                           _(CONDITION_SHORT[c]) if c in CONDITION_SHORT else f"({c})"
                                           for c in i.get("conditions") or []),
                                       skip=("youth_id",), attached=True,
                                       choices={"conditions": CONDITION_SHORT})
        self.hearings = ItemList(N_("Hearings (review, re-entry, termination)"), NmdHearing,
                                 lambda i: f"{enum_label(HearingKind(i['hearing']))} · {i.get('on')}"
                                           + (" · " + _("held") if i.get("held") else ""),
                                 skip=("youth_id",), attached=True)
        self.reentries = ItemList(N_("Voluntary re-entry agreements (SOC 163)"), ReentryAgreement,
                                  lambda i: f"{i.get('signed_on')}", skip=("youth_id",), attached=True)
        self.plans = ItemList(N_("90-day transition plan, in the youth's words"), TransitionPlan,
                              lambda i: f"{i.get('made_on')}", skip=("youth_id",), attached=True)
        prints = QHBoxLayout()
        self.print_buttons: dict[str, QPushButton] = {}
        for kind, text in (("transition_plan", N_("Print the transition plan…")),
                           ("participation_plan", N_("Print the participation plan…")),
                           ("certification_worksheet", N_("Print the certification worksheet…")),
                           ("court_attachment", N_("Print the hearing attachment (selected hearing)…"))):
            button = QPushButton()
            bind(button, "setText", text)
            button.clicked.connect(lambda _c=False, k=kind: self._print(k))
            prints.addWidget(button)
            self.print_buttons[kind] = button
        prints.addStretch(1)
        box = QVBoxLayout(self)
        heading = QLabel()
        bind(heading, "setText", N_("<b>Extended foster care (AB 12)</b>: eligibility on this day, and what "
                                    "is done and due from 16 to 21"))
        box.addWidget(heading)
        box.addWidget(self.eligibility)
        box.addWidget(self.timeline)
        box.addLayout(prints)
        for section in self.sections().values():
            box.addWidget(section)
        box.addStretch(1)

    def sections(self) -> dict[str, ItemList]:
        return {"placement_order": self.orders, "efc_participation": self.participation,
                "efc_agreement": self.agreements, "efc_certification": self.certifications,
                "nmd_hearing": self.hearings, "reentry_agreement": self.reentries,
                "transition_plan": self.plans}

    def show_efc(self, eligibility: Eligibility | None, events: list[Event], birthdays: list[tuple[int, Any]],
                 today: Any) -> None:
        if eligibility is None:
            self.eligibility.setText(_("Not computed."))
        else:
            # Three answers: "cannot tell" is said plainly, with the fact to record (never "eligible").
            head = {"eligible": _("Eligible for extended foster care"),
                    "not_eligible": _("Not eligible for extended foster care"),
                    "cannot_tell": _("Cannot tell yet: a fact is missing")}[eligibility.state.value]
            eighteen = next((day for age, day in birthdays if age == 18), None)
            if eighteen is not None and today < eighteen:
                # A youth of 14 was asked for "the order in effect on the 18th birthday" as if it
                # had passed: what follows is what will be looked at then.
                head = _("Not yet 18: extended foster care can begin on the 18th birthday, {day}. "
                         "What it will be decided on:").format(day=eighteen.isoformat()) + "<br/>" + head
            marks = {"eligible": "✔", "not_eligible": "✘ <b>" + _("no") + ":</b>",
                     "cannot_tell": "? <b>" + _("cannot tell") + ":</b>"}
            rows = "".join(f"<br/>{marks[c.state.value]} {html.escape(say(c.text))} "
                           f"<i>({html.escape(c.citation)})</i>" for c in eligibility.checks)
            needed = "".join(f"<br/>• {html.escape(_(m))}" for m in eligibility.missing)
            if needed:
                needed = "<br/><b>" + _("To decide, record:") + "</b>" + needed
            # Every rule shows its statute and the date the law was checked (the tab showed no date).
            checked = "<br/><i>" + html.escape(_("The law as of {date}: the statutes named above, as this "
                                                 "version of the app reads them.").format(
                date=EFC_LAW_AS_OF.isoformat())) + "</i>"
            self.eligibility.setText(f"<b>{head}</b>{rows}{needed}{checked}")
        self.timeline.set_events(events, birthdays, today)

    def _print(self, kind: str) -> None:
        if kind == "court_attachment":
            row = self.hearings.listing.currentRow()
            if not 0 <= row < len(self.hearings.ids):
                self.hearings.message.setText(_("Select a hearing in the list first."))
                return
            self.print_item_requested.emit(kind, self.hearings.ids[row])
            return
        self.print_requested.emit(kind)

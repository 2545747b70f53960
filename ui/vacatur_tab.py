"""The Record relief tab: the youth's arrests, convictions and adjudications count by count,
each with what the law allows (vacatur under Pen. Code 236.14, or another path) and why, and
the vacatur case itself (public name, service, order), whose deadlines reach Today."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from csec_desktop.domain.vacatur import CountKind, CriminalCount, VacaturCase
from csec_desktop.vacatur import Answer, CountAnswer
from ui.i18n import N_, _, bind, on_change, say
from ui.record_form import ItemList, enum_label

ANSWER_WORDS = {Answer.ELIGIBLE: N_("can be petitioned under 236.14"),
                Answer.NOT_ELIGIBLE: N_("cannot be petitioned under 236.14"),
                Answer.REVIEW: N_("needs review before petitioning"),
                Answer.CORRECT_RECORD: N_("not a crime: correct the record")}
ANSWER_COLOURS = {Answer.ELIGIBLE: "#1e6b32", Answer.NOT_ELIGIBLE: "#b3261e", Answer.REVIEW: "#8a6100",
                  Answer.CORRECT_RECORD: "#6a1b9a"}


class VacaturTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[tuple[dict[str, Any], CountAnswer]] = []
        heading = QLabel()
        bind(heading, "setText", N_("<b>Record relief</b>: each arrest, conviction or juvenile adjudication, "
                                    "what the law allows for it, and why. A petition may be made at any "
                                    "time."))
        heading.setWordWrap(True)
        self.assessment = QLabel()
        self.assessment.setWordWrap(True)
        self.assessment.setTextFormat(Qt.TextFormat.RichText)
        bind(self.assessment, "setAccessibleName", N_("What the law allows for each count"))
        self.counts = ItemList(N_("Arrests, convictions and juvenile adjudications"), CriminalCount,
                               lambda i: f"{enum_label(CountKind(i['count_kind']))} · {i.get('code')} "
                                         f"{i.get('section')} · "
                                         f"{i.get('offense_date') or i.get('arrest_date') or ''}",
                               skip=("youth_id",), attached=True)
        self.cases = ItemList(N_("Vacatur petition (the public papers carry only the initials or pseudonym)"),
                              VacaturCase, lambda i: f"{i.get('public_name')} · {i.get('stage')}",
                              skip=("youth_id", "count_ids"), attached=True)
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(self.assessment)
        box.addWidget(self.counts)
        box.addWidget(self.cases)
        box.addStretch(1)
        on_change(self, "_render")

    def sections(self) -> dict[str, ItemList]:
        return {"criminal_count": self.counts, "vacatur_case": self.cases}

    def show_answers(self, answers: list[tuple[dict[str, Any], CountAnswer]]) -> None:
        self.answers = list(answers)
        self._render()

    def _render(self) -> None:
        if not self.answers:
            self.assessment.setText(_("No arrest, conviction or adjudication is recorded."))
            return
        parts = []
        for count, answer in self.answers:
            label = html.escape(f"{count.get('code')} {count.get('section')}")
            lines = "".join(f"<br/>• {html.escape(say(w))}" for w in answer.why)
            if answer.standard:
                lines += f"<br/>• <i>{html.escape(say(answer.standard))}</i>"
            lines += "".join(f"<br/>→ {html.escape(say(p))}" for p in answer.other_paths)
            parts.append(f"<p><b>{label}</b>: <span style='color:{ANSWER_COLOURS[answer.answer]}'><b>"
                         f"{html.escape(_(ANSWER_WORDS[answer.answer]))}</b></span>{lines}</p>")
        self.assessment.setText("".join(parts))

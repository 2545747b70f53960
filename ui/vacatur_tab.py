"""The Record relief tab: the youth's arrests, convictions and adjudications count by count,
each with what the law allows (vacatur under Pen. Code 236.14, or another path) and why, and
the vacatur case itself (public name, service, order), whose deadlines reach Today."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from csec_desktop.domain.vacatur import OFFICIAL_DOCUMENTS, CaseStage, CountKind, CriminalCount, VacaturCase
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
    print_item_requested = Signal(str, str)  # document kind, case id
    stage_requested = Signal(str, str)  # case id, stage

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
                              VacaturCase, lambda i: f"{i.get('public_name')} · "
                                                     f"{enum_label(CaseStage(i.get('stage', 'draft')))}",
                              skip=("youth_id", "count_ids", "stage"), attached=True,
                              choices={"official_documents": OFFICIAL_DOCUMENTS})
        self.print_buttons: dict[str, QPushButton] = {}
        prints = QHBoxLayout()
        papers = (("vacatur_petition", N_("Petition…")), ("vacatur_declaration", N_("Declaration…")),
                  ("vacatur_order", N_("Proposed order…")), ("vacatur_service", N_("Proof of service…")),
                  ("vacatur_identity", N_("Confidential identity attachment…")))
        for kind, text in papers:
            button = QPushButton()
            bind(button, "setText", text)
            button.clicked.connect(lambda _c=False, k=kind: self._for_case(
                lambda case: self.print_item_requested.emit(k, case)))
            prints.addWidget(button)
            self.print_buttons[kind] = button
        prints.addStretch(1)
        self.stage_buttons: dict[str, QPushButton] = {}
        steps = QHBoxLayout()
        for stage, text in (("attorney_reviewed", N_("Mark reviewed by counsel")),
                            ("filed", N_("Mark filed")), ("draft", N_("Back to draft"))):
            button = QPushButton()
            bind(button, "setText", text)
            button.clicked.connect(lambda _c=False, s=stage: self._for_case(
                lambda case: self.stage_requested.emit(case, s)))
            steps.addWidget(button)
            self.stage_buttons[stage] = button
        steps.addStretch(1)
        print_label = QLabel()
        bind(print_label, "setText", N_("Print for the selected petition (on pleading paper; an unsigned "
                                        "draft until counsel reviews it):"))
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(self.assessment)
        box.addWidget(self.counts)
        box.addWidget(self.cases)
        box.addWidget(print_label)
        box.addLayout(prints)
        box.addLayout(steps)
        box.addStretch(1)
        on_change(self, "_render")

    def _for_case(self, act: Any) -> None:
        row = self.cases.listing.currentRow()
        if not 0 <= row < len(self.cases.ids):
            self.cases.message.setText(_("Select a petition in the list first."))
            return
        act(self.cases.ids[row])

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

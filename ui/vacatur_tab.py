"""The Record relief tab: the youth's arrests, convictions and adjudications count by count,
each with what the law allows (vacatur under Pen. Code 236.14, or another path) and why, and
the vacatur case itself (public name, service, order), whose deadlines reach Today."""

from __future__ import annotations

import html
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.clock import legal_today
from csec_desktop.domain.vacatur import (
    OFFICIAL_DOCUMENTS,
    RESTRICTED_FIELDS,
    CaseStage,
    CountKind,
    CriminalCount,
    VacaturCase,
)
from csec_desktop.vacatur import Answer, CountAnswer
from csec_desktop.vacatur.petition import CountOnFile, changed_since_review, form_problems
from ui.i18n import N_, _, bind, on_change, say
from ui.item_list import ItemList
from ui.record_form import enum_label, local_time
from ui.scrolling import bring_into_view

ANSWER_WORDS = {Answer.ELIGIBLE: N_("can be petitioned under 236.14"),
                Answer.NOT_ELIGIBLE: N_("cannot be petitioned under 236.14"),
                Answer.REVIEW: N_("needs review before petitioning"),
                Answer.CORRECT_RECORD: N_("not a crime: correct the record")}
ANSWER_COLOURS = {Answer.ELIGIBLE: "#1e6b32", Answer.NOT_ELIGIBLE: "#b3261e", Answer.REVIEW: "#8a6100",
                  Answer.CORRECT_RECORD: "#6a1b9a"}


class VacaturTab(QWidget):
    print_item_requested = Signal(str, str)  # document kind, case id
    stage_requested = Signal(str, str)  # case id, stage
    share_requested = Signal(str, bool)  # case id, share (True) or stop sharing (False)

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
                               skip=("youth_id",), attached=True, select_new=True)
        self.cases = ItemList(N_("Vacatur petition (the public papers carry only the initials or pseudonym)"),
                              VacaturCase, lambda i: self._case_line(i),
                              skip=("youth_id", "count_ids", "stage", "reviewed", "reviewed_on",
                                    "shared_with"),
                              attached=True,
                              choices={"official_documents": OFFICIAL_DOCUMENTS}, select_new=True)
        self.initials = ""
        self.account_withheld = False
        """This person may not read the youth's account (its boxes say so, read-only)."""
        self.shared: frozenset[str] = frozenset()
        """The cases and counts whose account counsel shared with this person (to read)."""
        self.readers: dict[str, tuple[str, ...]] = {}
        """Case id -> the names of those its account is shared with (as its signed history proves)."""
        self.shared_by: dict[str, tuple[str, str]] = {}
        """Case id -> who shared it and when (an ISO time)."""
        self.cases.starting = self._new_petition
        self.print_buttons: dict[str, QPushButton] = {}
        prints = QHBoxLayout()
        papers = (("vacatur_packet", N_("Make the packet (one PDF)…")),
                  ("vacatur_petition", N_("Petition…")), ("vacatur_declaration", N_("Declaration…")),
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
        # Counsel gives one case's account to a caseworker to read (and takes it back).
        self.share_buttons: dict[bool, QPushButton] = {}
        for share, text in ((True, N_("Share the account with a caseworker…")), (False, N_("Stop sharing…"))):
            button = QPushButton()
            bind(button, "setText", text)
            button.clicked.connect(lambda _c=False, on=share: self._for_case(
                lambda case: self.share_requested.emit(case, on)))
            self.share_buttons[share] = button
        steps.addStretch(1)
        # Beside the petition they act on, with what they changed (they had been at the foot of the
        # tab, a long scroll below the note).
        self.share_note = QLabel()
        self.share_note.setWordWrap(True)
        sharing = QHBoxLayout()
        sharing.addWidget(self.share_note, 1)
        for button in self.share_buttons.values():
            sharing.addWidget(button)
        # The counts of the selected petition, ticked; saved into the petition by the button.
        self.petition_counts = QListWidget()
        self.petition_counts.setMaximumHeight(110)
        bind(self.petition_counts, "setAccessibleName", N_("Counts in the selected petition"))
        self.use_counts = QPushButton()
        bind(self.use_counts, "setText", N_("Put the ticked counts in the selected petition"))
        self.use_counts.clicked.connect(self._save_counts)
        counts_label = QLabel()
        bind(counts_label, "setText", N_("Counts in the selected petition (one packet is made for each court "
                                         "case):"))
        # Before review: what the petition's own fields show; double-click to go to the field.
        self.review = QListWidget()
        self.review.setMaximumHeight(130)
        bind(self.review, "setAccessibleName", N_("Problems to resolve before review"))
        self.review.itemActivated.connect(self._go_to_problem)
        review_label = QLabel()
        review_label.setWordWrap(True)
        bind(review_label, "setText", N_(
            "Before review (double-click a line to go to its field). \"Mark reviewed\" and \"Mark filed\" "
            "are refused while any problem remains; they also check the directory's addresses and every "
            "public paper for the youth's name, aliases, birth date and addresses."))
        self.cases.listing.currentRowChanged.connect(lambda _row: self._render_petition())
        for section in (self.cases, self.counts):
            section.shown.connect(lambda _row: self._placeholders())
        print_label = QLabel()
        bind(print_label, "setText", N_("Print for the selected petition (on pleading paper; an unsigned "
                                        "draft until counsel reviews it):"))
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(self.assessment)
        box.addWidget(self.counts)
        box.addLayout(sharing)  # above the petition, whose account boxes come first
        box.addWidget(self.cases)
        box.addWidget(counts_label)
        box.addWidget(self.petition_counts)
        box.addWidget(self.use_counts)
        box.addWidget(review_label)
        box.addWidget(self.review)
        box.addWidget(print_label)
        box.addLayout(prints)
        box.addLayout(steps)
        box.addStretch(1)
        on_change(self, "_retranslate")

    def _case_line(self, item: dict[str, Any]) -> str:
        """A petition's line: its public name and stage, and whether it changed since counsel's
        review (it read "Reviewed by the attorney" while its papers printed unsigned). Not said
        where the account is withheld: what counsel reviewed cannot be compared here."""
        stage = enum_label(CaseStage(item.get("stage", "draft")))
        line = f"{item.get('public_name')} · {stage}"
        if self.account_withheld or item.get("stage", "draft") == CaseStage.DRAFT.value:
            return line
        try:
            case = VacaturCase.model_validate(item)
        except ValidationError:
            return line
        on_file = self._counts_on_file()
        counts = tuple(on_file[i] for i in case.count_ids if i in on_file)
        if len(counts) == len(case.count_ids) and changed_since_review(case, counts):
            return line + " · " + _("changed since, prints unsigned")
        return line

    def withhold_account(self, withheld: bool) -> None:
        """For a role that may not read the youth's account: its boxes read-only, saying why (a
        blank box read as an account not written, and typing there was refused only at Save)."""
        self.account_withheld = withheld
        for form, kind in ((self.counts.form, "criminal_count"), (self.cases.form, "vacatur_case")):
            for name in RESTRICTED_FIELDS[kind]:
                box = form.widgets.get(name)
                if isinstance(box, QPlainTextEdit | QLineEdit):
                    box.setReadOnly(withheld)
                    box.setPlaceholderText("")
        self._placeholders()
        self.cases.relabel()

    def show_shared(self, shared: frozenset[str], readers: dict[str, tuple[str, ...]],
                    shared_by: dict[str, tuple[str, str]] | None = None) -> None:
        """What counsel shared with this person (a caseworker), whom each case is shared with, and
        who shared it when."""
        self.shared, self.readers, self.shared_by = shared, readers, shared_by or {}
        self._placeholders()
        self.cases.relabel()
        self._render_petition()

    def _placeholders(self) -> None:
        """The account's boxes say "withheld" to a reader who may not read them, unless the selected
        record's account is shared with her (then an empty box is simply not written)."""
        if not self.account_withheld:
            return
        for section, kind in ((self.counts, "criminal_count"), (self.cases, "vacatur_case")):
            row = section.selected_row()  # the form shows a new entry when none is selected
            chosen = section.ids[row] if 0 <= row < len(section.ids) else None
            for name in RESTRICTED_FIELDS[kind]:
                box = section.form.widgets.get(name)
                if isinstance(box, QPlainTextEdit | QLineEdit):
                    box.setPlaceholderText(_("Not written.") if chosen in self.shared else _(
                        "Withheld from your role: only attorneys and supervisors read the youth's account."))

    def choose_person(self, title: str, text: str, people: list[tuple[str, str]]) -> str | None:
        """One of `people` (username, display name) chosen, or None (cancelled). Replaced in tests."""
        from PySide6.QtWidgets import QInputDialog

        labels = [f"{name} ({username})" for username, name in people]
        label, ok = QInputDialog.getItem(self, title, text, labels, 0, False)
        return people[labels.index(label)][0] if ok and label in labels else None

    def _share_note(self, case_id: str) -> str:
        if self.account_withheld:
            if case_id not in self.shared:
                return ""
            who = self.shared_by.get(case_id)
            if who is None:  # read from a copy its history here does not prove (pulled by her)
                return _("Counsel shared the youth's account in this petition with you, to read; every "
                         "reading is recorded, and counsel can stop sharing it.")
            return _("{who} shared the youth's account in this petition with you on {day}, to read; every "
                     "reading is recorded, and counsel can stop sharing it.").format(
                who=who[0], day=local_time(who[1])[:10])
        people = self.readers.get(case_id, ())
        if not people:
            return ""
        return _("The youth's account in this petition is shared, to read, with: {people}.").format(
            people=", ".join(people))

    def _for_case(self, act: Any) -> None:
        row = self.cases.listing.currentRow()
        if not 0 <= row < len(self.cases.ids):
            self.cases.message.setText(_("Select a petition in the list first."))
            return
        act(self.cases.ids[row])

    def sections(self) -> dict[str, ItemList]:
        return {"criminal_count": self.counts, "vacatur_case": self.cases}

    def _new_petition(self) -> dict[str, Any]:
        """A new petition starts with the youth's initials as its public name (236.14(q)) and every
        count the law allows that no other petition holds, ticked for counsel to review."""
        taken = {i for case in self.cases.items for i in case.get("count_ids") or []}
        allowed = [record_id for record_id, on_file in self._counts_on_file().items()
                   if on_file.answer.answer is Answer.ELIGIBLE and record_id not in taken]
        return {"public_name": self.initials, "count_ids": allowed}

    def show_answers(self, answers: list[tuple[dict[str, Any], CountAnswer]]) -> None:
        self.answers = list(answers)
        self._render()

    def _selected_case(self) -> tuple[str, dict[str, Any]] | None:
        row = self.cases.listing.currentRow()
        if not 0 <= row < len(self.cases.ids):
            return None
        return self.cases.ids[row], self.cases.items[row]

    def _counts_on_file(self) -> dict[str, CountOnFile]:
        out: dict[str, CountOnFile] = {}
        if len(self.answers) != len(self.counts.ids):
            return out
        for record_id, (count, answer) in zip(self.counts.ids, self.answers, strict=True):
            try:
                out[record_id] = CountOnFile(record_id, CriminalCount.model_validate(count), answer)
            except ValidationError:
                continue
        return out

    def _render_petition(self) -> None:
        """The ticked counts and the problems of the selected petition."""
        chosen = self._selected_case()
        self.petition_counts.clear()
        self.review.clear()
        self.share_note.clear()
        if chosen is None:
            return
        case_id, case_data = chosen
        self.share_note.setText(self._share_note(case_id))
        ticked = set(case_data.get("count_ids") or [])
        for record_id, item in zip(self.counts.ids, self.counts.items, strict=False):
            line = QListWidgetItem(self.counts.summary(item))
            line.setFlags(line.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            line.setCheckState(Qt.CheckState.Checked if record_id in ticked else Qt.CheckState.Unchecked)
            line.setData(Qt.ItemDataRole.UserRole, record_id)
            self.petition_counts.addItem(line)
        try:
            case = VacaturCase.model_validate(case_data)
        except ValidationError:
            return
        on_file = self._counts_on_file()
        counts = tuple(on_file[i] for i in case.count_ids if i in on_file)
        # What the withheld account would decide (written or not, changed since review) is not said
        # to a reader who sees it blank: "not written" was false.
        unseen = {"reviewed", *RESTRICTED_FIELDS["criminal_count"], *RESTRICTED_FIELDS["vacatur_case"]} \
            if self.account_withheld and case_id not in self.shared else set()
        found = [x for x in form_problems(case, case_id, counts, legal_today()) if x.field not in unseen]
        for problem in found:
            lead = _("• before filing: ") if problem.for_filing_only else "• "
            line = QListWidgetItem(lead + say(problem.message))  # a W line, in the window's language
            line.setData(Qt.ItemDataRole.UserRole, (problem.record_id or "", problem.field))
            self.review.addItem(line)
        if not self.review.count():
            self.review.addItem(_("Nothing found in the petition's fields."))

    def _save_counts(self) -> None:
        chosen = self._selected_case()
        if chosen is None:
            self.cases.message.setText(_("Select a petition in the list first."))
            return
        ids = [str(self.petition_counts.item(i).data(Qt.ItemDataRole.UserRole))
               for i in range(self.petition_counts.count())
               if self.petition_counts.item(i).checkState() is Qt.CheckState.Checked]
        self.cases.update_record.emit(chosen[0], {"count_ids": ids})

    def _go_to_problem(self, line: QListWidgetItem) -> None:
        """Select the record the problem is about and put the cursor in its field."""
        where = line.data(Qt.ItemDataRole.UserRole)
        if not where:
            return
        record_id, name = where
        if name == "count_ids":
            bring_into_view(self.petition_counts)
            return
        if name == "reviewed":  # changed since counsel's review: what is asked is a review again
            bring_into_view(self.stage_buttons["attorney_reviewed"])
            return
        for section in (self.cases, self.counts):
            if record_id in section.ids:
                section.listing.setCurrentRow(section.ids.index(record_id))
                widget = section.form.widgets.get(name)
                if widget is not None:
                    if widget.isHidden() and not section.form.more_button.isChecked():
                        section.form.more_button.setChecked(True)  # a field folded away
                    bring_into_view(widget)
                return
        self.cases.message.setText(_("This is kept in the resource directory: add the address there."))

    def _retranslate(self) -> None:
        self.withhold_account(self.account_withheld)
        self._render()

    def _render(self) -> None:
        self.cases.relabel()
        self._render_petition()
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
            if answer.correction:
                lines += "<br/>" + html.escape(_("Paths to clear it, for counsel to choose:"))
                lines += "".join(f"<br/>⇒ {html.escape(say(p))}" for p in answer.correction)
            parts.append(f"<p><b>{label}</b>: <span style='color:{ANSWER_COLOURS[answer.answer]}'><b>"
                         f"{html.escape(_(ANSWER_WORDS[answer.answer]))}</b></span>{lines}</p>")
        self.assessment.setText("".join(parts))

"""Any form in forms/, rendered from its description: steps, fields, messages beside them,
and for a scored form the outcome with the items that drove it. No rule lives here."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from csec_desktop import formspec
from csec_desktop.clock import legal_today
from csec_desktop.formspec import FieldType, FormField, FormSpec, Outcome
from ui.i18n import N_, _, bind, language, problem
from ui.scrolling import wheel_safe

FINISH_AND_SAVE = N_("&Finish and save")


class _Rating(QWidget):
    """Radio buttons: no concern / possible / clear, and "Not answered", where every item starts.

    "Not answered" is its own state, never "no concern": the answers leave the item out and the
    score counts it as unanswered. It can be chosen again to take back a rating."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.group = QButtonGroup(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QRadioButton] = {}
        for value, label in formspec.RATINGS.items():
            button = QRadioButton()
            bind(button, "setText", label)
            button.setAccessibleName(f"{name}: {_(label)}")
            self.group.addButton(button)
            self.buttons[value] = button
            row.addWidget(button)
        self.unanswered = QRadioButton()
        bind(self.unanswered, "setText", formspec.NOT_ANSWERED)
        self.unanswered.setAccessibleName(f"{name}: {_(formspec.NOT_ANSWERED)}")
        self.unanswered.setStyleSheet("color:#555")
        self.group.addButton(self.unanswered)
        row.addWidget(self.unanswered)
        row.addStretch(1)
        self.unanswered.setChecked(True)

    def value(self) -> str | None:
        return next((v for v, b in self.buttons.items() if b.isChecked()), None)

    def set_value(self, value: str | None) -> None:
        button = self.buttons.get(value or "", self.unanswered)
        button.setChecked(True)  # exclusive: the others clear


class _Choices(QWidget):
    def __init__(self, field: FormField, lang: str) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for option in field.options:
            check = QCheckBox(option.label.get(lang))
            self.boxes[option.value] = check
            box.addWidget(check)

    def value(self) -> list[str]:
        return [v for v, b in self.boxes.items() if b.isChecked()]

    def set_value(self, value: Any) -> None:
        for v, box in self.boxes.items():
            box.setChecked(isinstance(value, list) and v in value)


class FormView(QWidget):
    """One form, step by step. Emits `submitted(answers)`; the window saves and scores them."""

    submitted = Signal(dict)
    cancelled = Signal()
    draft_changed = Signal(dict)

    def __init__(self) -> None:
        super().__init__()
        self.spec: FormSpec | None = None
        self.subject = ""
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.step_of: dict[str, int] = {}
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background:#fff4ce;padding:6px")
        bind(self.notice, "setAccessibleName", N_("About this form"))
        self.steps = QStackedWidget()
        # The review before scoring: every answer, "not answered" said as such, then Score it.
        self.review = QLabel()
        self.review.setWordWrap(True)
        self.review.setTextFormat(Qt.TextFormat.RichText)
        self.review.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.review.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                            | Qt.TextInteractionFlag.TextSelectableByMouse)
        bind(self.review, "setAccessibleName", N_("Review of the answers"))
        review_area = QScrollArea()
        review_area.setWidgetResizable(True)
        review_area.setWidget(self.review)
        self.pages = QStackedWidget()  # the steps, or the review
        self.pages.addWidget(self.steps)
        self.pages.addWidget(review_area)
        self.position = QLabel()
        self.back_button, self.next_button = QPushButton(), QPushButton()
        self.finish_button, self.cancel_button = QPushButton(), QPushButton()
        self.review_back_button, self.score_button = QPushButton(), QPushButton()
        for button, text in ((self.back_button, N_("&Back")), (self.next_button, N_("&Next")),
                             (self.cancel_button, N_("Cancel")),
                             (self.review_back_button, N_("&Back")), (self.score_button, N_("&Score it"))):
            bind(button, "setText", text)
        bind(self.review_back_button, "setAccessibleName", N_("Back to the answers"))
        # A scored form is reviewed before scoring; any other form is saved at once.
        bind(self.finish_button, lambda button, _text: button.setText(self._finish_text()),
             N_("&Review answers"))
        self.review_back_button.hide()
        self.score_button.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Form message"))
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        bind(self.result, "setAccessibleName", N_("Outcome and why"))
        self.done_button = QPushButton()
        bind(self.done_button, "setText", N_("&Done"))
        buttons = QHBoxLayout()
        for button in (self.back_button, self.next_button, self.finish_button, self.review_back_button,
                       self.score_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addWidget(self.position, 1)
        box = QVBoxLayout(self)
        box.addWidget(self.heading)
        box.addWidget(self.notice)
        box.addWidget(self.pages, 1)
        box.addLayout(buttons)
        box.addWidget(self.message)
        box.addWidget(self.result)
        box.addWidget(self.done_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.back_button.clicked.connect(lambda: self._go(self.steps.currentIndex() - 1))
        self.next_button.clicked.connect(lambda: self._go(self.steps.currentIndex() + 1))
        self.finish_button.clicked.connect(self._finish_pressed)
        self.review_back_button.clicked.connect(self._leave_review)
        self.score_button.clicked.connect(self._finish)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.done_button.clicked.connect(self.cancelled.emit)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(800)
        self._draft_timer.timeout.connect(lambda: self.draft_changed.emit(self.answers()))

    # Building -------------------------------------------------------------------

    def open_form(self, spec: FormSpec, answers: dict[str, Any] | None = None, subject: str = "") -> None:
        """Show `spec` with `answers` filled in; `subject` is whom it is about (the youth's name),
        said in the header of every step and of the review."""
        self.clear()
        self.spec = spec
        self.subject = subject
        lang = language()
        about = "<p><b>" + escape(_("About: {name}").format(name=subject)) + "</b></p>" if subject else ""
        self.heading.setText(f"<h2>{escape(spec.title.get(lang))}</h2>" + about + (
            f"<p>{escape(spec.intro.get(lang))}</p>" if spec.intro else ""))
        self.notice.setText(spec.notice.get(lang) if spec.notice else "")
        self.notice.setVisible(spec.notice is not None)
        for index, step in enumerate(spec.steps):
            page = QWidget()
            form = QFormLayout(page)
            title = QLabel(f"<h3>{step.title.get(lang)}</h3>" + (
                f"<p>{step.intro.get(lang)}</p>" if step.intro else ""))
            title.setWordWrap(True)
            form.addRow(title)
            for field in step.fields:
                widget = self._widget(field, lang)
                label = QLabel(field.label.get(lang))
                label.setWordWrap(True)
                label.setBuddy(widget)
                widget.setAccessibleName(field.label.get(lang))
                error = QLabel()
                error.setStyleSheet("color:#b00020")
                error.setAccessibleName(_("Problem with the field above"))
                column = QVBoxLayout()
                column.addWidget(widget)
                column.addWidget(error)
                form.addRow(label, column)
                self.widgets[field.id] = widget
                self.errors[field.id] = error
                self.step_of[field.id] = index
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setWidget(page)
            self.steps.addWidget(area)
        self.finish_button.setText(self._finish_text())
        # A new form starts with today's date in its required date fields.
        self.set_answers(answers or {f.id: legal_today().isoformat() for f in spec.fields()
                                     if f.type is FieldType.DATE and f.required})
        self._go(0)

    def _widget(self, field: FormField, lang: str) -> QWidget:
        kind = field.type
        widget: QWidget
        if kind is FieldType.RATING:
            widget = _Rating(field.label.get(lang))
            widget.group.buttonToggled.connect(lambda *_a: self._draft_timer.start())
        elif kind is FieldType.MULTI_CHOICE:
            widget = _Choices(field, lang)
            for check in widget.boxes.values():
                check.toggled.connect(lambda *_a: self._draft_timer.start())
        elif kind is FieldType.CHOICE:
            widget = wheel_safe(QComboBox())
            widget.addItem("", None)
            for option in field.options:
                widget.addItem(option.label.get(lang), option.value)
            widget.currentIndexChanged.connect(lambda *_a: self._draft_timer.start())
        elif kind is FieldType.YES_NO:
            widget = QCheckBox(_("Yes"))
            widget.toggled.connect(lambda *_a: self._draft_timer.start())
        elif kind is FieldType.LONG_TEXT:
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setMaximumHeight(110)
            widget.textChanged.connect(self._draft_timer.start)
        else:
            widget = QLineEdit()
            if kind is FieldType.DATE:
                widget.setPlaceholderText("YYYY-MM-DD")
            widget.textEdited.connect(lambda *_a: self._draft_timer.start())
        return widget

    # Values ----------------------------------------------------------------------

    def answers(self) -> dict[str, Any]:
        if self.spec is None:
            return {}
        out: dict[str, Any] = {}
        for field in self.spec.fields():
            widget = self.widgets[field.id]
            value: Any = None
            if isinstance(widget, _Rating | _Choices):
                value = widget.value()
            elif isinstance(widget, QComboBox):
                value = widget.currentData()
            elif isinstance(widget, QCheckBox):
                value = widget.isChecked()
            elif isinstance(widget, QPlainTextEdit):
                value = widget.toPlainText().strip() or None
            elif isinstance(widget, QLineEdit):
                text = widget.text().strip()
                value = text or None
                if text and field.type is FieldType.NUMBER:
                    try:
                        value = float(text) if "." in text else int(text)
                    except ValueError:
                        value = text  # the form's check names the problem
            if value not in (None, [], ""):
                out[field.id] = value
        return out

    def set_answers(self, answers: dict[str, Any]) -> None:
        for field_id, widget in self.widgets.items():
            value = answers.get(field_id)
            if isinstance(widget, _Rating | _Choices):
                widget.set_value(value)
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(str(value or ""))
            elif isinstance(widget, QLineEdit):
                widget.setText("" if value is None else str(value))

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        self._leave_review()
        for label in self.errors.values():
            label.clear()
        for field_id, message in problems:
            if field_id in self.errors:
                self.errors[field_id].setText(problem(message))
        if problems and problems[0][0] in self.step_of:
            self._go(self.step_of[problems[0][0]])
        self.message.setText(_("Not saved: fix the fields marked in red."))

    def show_outcome(self, outcome: Outcome | None) -> None:
        """The band, the score and the items that drove it, in the form's own words."""
        spec = self.spec
        assert spec is not None
        lang = language()
        for button in (self.back_button, self.next_button, self.finish_button, self.cancel_button,
                       self.review_back_button, self.score_button):
            button.hide()
        self.steps.setEnabled(False)
        self.pages.setCurrentWidget(self.steps)
        self.done_button.show()
        # The step label said "Review before scoring" over the result (a caseworker's review).
        self.position.setText(_("Scored and saved") if outcome is not None and spec.scoring is not None
                              else _("Saved."))
        if outcome is None or spec.scoring is None:
            self.result.setText(_("Saved."))
            return
        band = formspec.result_text(spec, outcome, lang, _)
        lines = [_("Result: {band} (score {score}).").format(band=band, score=outcome.score)]
        if outcome.unanswered:
            lines.append(_("{n} of {total} items not answered: they add nothing to the score and are not "
                           "counted as \"no concern\".").format(
                n=len(outcome.unanswered), total=len(outcome.unanswered) + outcome.rated))
        if outcome.by_key_item:
            lines.append(_("A key item was rated clear, which decides the result on its own."))
        if outcome.drivers:
            lines.append(_("What drove it:"))
            for driver in outcome.drivers:
                label = spec.field(driver.field_id).label.get(lang)
                lines.append(f"  • {label}: {_(formspec.RATINGS[driver.rating])} (+{driver.points})")
        lines += ["", spec.scoring.explanation.get(lang)]
        if spec.notice:
            lines += ["", spec.notice.get(lang)]
        self.result.setText("\n".join(lines))
        self.message.setText(_("Saved in the record."))

    def clear(self) -> None:
        self._draft_timer.stop()
        while self.steps.count():
            page = self.steps.widget(0)
            if page is None:
                break
            self.steps.removeWidget(page)
            page.deleteLater()
        self.widgets.clear()
        self.errors.clear()
        self.step_of.clear()
        self.spec = None
        self.heading.clear()
        self.notice.clear()
        self.message.clear()
        self.result.clear()
        self.done_button.hide()
        self.steps.setEnabled(True)
        self.subject = ""
        self.review.clear()
        self.pages.setCurrentWidget(self.steps)
        for button in (self.back_button, self.next_button, self.finish_button, self.cancel_button):
            button.show()
        self.review_back_button.hide()
        self.score_button.hide()

    def _go(self, index: int) -> None:
        count = self.steps.count()
        if not 0 <= index < count:
            return
        self.steps.setCurrentIndex(index)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)
        self.position.setText(_("Step {n} of {total}").format(n=index + 1, total=count))

    # Review, then score -------------------------------------------------------------

    def _finish_text(self) -> str:
        scored = self.spec is None or self.spec.scoring is not None
        return _("&Review answers") if scored else _(FINISH_AND_SAVE)

    def _finish_pressed(self) -> None:
        """A scored form is reviewed before it is scored; any other form is saved at once."""
        if self.spec is not None and self.spec.scoring is not None:
            self._show_review()
        else:
            self._finish()

    def reviewing(self) -> bool:
        return self.pages.currentWidget() is not self.steps

    def _show_review(self) -> None:
        """Every answer, step by step, before anything is scored or saved; problems the form's own
        checks find send the person back to the field instead."""
        spec = self.spec
        if spec is None:
            return
        answers = self.answers()
        problems = formspec.check_answers(spec, answers)
        if problems:
            self.show_problems([(p.field, p.message) for p in problems])
            return
        for label in self.errors.values():
            label.clear()
        self.review.setText(self.review_text(answers))
        self.pages.setCurrentIndex(1)
        for button in (self.back_button, self.next_button, self.finish_button):
            button.hide()
        self.review_back_button.show()
        self.score_button.show()
        self.score_button.setDefault(True)
        self.position.setText(_("Review before scoring"))
        self.message.clear()

    def review_text(self, answers: dict[str, Any]) -> str:
        spec = self.spec
        assert spec is not None
        lang = language()
        ratings = [f for f in spec.fields() if f.type is FieldType.RATING]
        missing = [f for f in ratings if f.id not in answers]
        parts = ["<h3>" + escape(_("Check the answers before scoring")) + "</h3>"]
        if self.subject:
            parts.append("<p>" + escape(_("About: {name}").format(name=self.subject)) + "</p>")
        if ratings:
            count = _("{n} of {total} items not answered.").format(n=len(missing), total=len(ratings))
            parts.append(f"<p><b>{escape(count)}</b> " + escape(
                _("An item not answered adds nothing to the score and is not counted as \"no concern\"; "
                  "go back to answer it if you can.")) + "</p>")
        unanswered = escape(_(formspec.NOT_ANSWERED))
        for step in spec.steps:
            rows = []
            for field in step.fields:
                value = answers.get(field.id)
                shown = (f"<i style='color:#8a4b00'>{unanswered}</i>" if value is None
                         else escape(self._answer_text(field, value, lang)))
                rows.append(f"<tr><td style='padding:2px 12px 2px 0'>{escape(field.label.get(lang))}</td>"
                            f"<td style='padding:2px 0'><b>{shown}</b></td></tr>")
            parts.append(f"<h4>{escape(step.title.get(lang))}</h4><table>{''.join(rows)}</table>")
        return "".join(parts)

    @staticmethod
    def _answer_text(field: FormField, value: Any, lang: str) -> str:
        options = {o.value: o.label.get(lang) for o in field.options}
        if field.type is FieldType.RATING:
            return _(formspec.RATINGS.get(str(value), str(value)))
        if field.type is FieldType.YES_NO:
            return _("Yes") if value else _("No")
        if isinstance(value, list):
            return ", ".join(options.get(v, str(v)) for v in value)
        return options.get(str(value), str(value))

    def _leave_review(self) -> None:
        if not self.reviewing():
            return
        self.pages.setCurrentWidget(self.steps)
        self.review_back_button.hide()
        self.score_button.hide()
        for button in (self.back_button, self.next_button, self.finish_button):
            button.show()
        self._go(self.steps.currentIndex())

    def _finish(self) -> None:
        self._draft_timer.stop()
        self.submitted.emit(self.answers())

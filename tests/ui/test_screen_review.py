"""The indicator screen says whom it is about, keeps "not answered" apart from "no concern", and
shows every answer for review before anything is scored; the CSEC status starts with nothing chosen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from csec_desktop import formspec
from csec_desktop.domain.csec import CsecStatus
from ui.form_view import FormView, _Rating
from ui.record_form import ModelForm

SUBJECT = "Maya Fictorra (fictional)"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    from ui.i18n import language, set_language

    before = language()
    set_language("en")
    yield
    set_language(before)


def _view(qtbot: QtBot) -> tuple[FormView, formspec.FormSpec]:
    spec = formspec.forms_dir() / "csec_indicator_screen.yaml"
    loaded = formspec.load_file(spec)
    view = FormView()
    qtbot.addWidget(view)
    view.open_form(loaded, None, subject=SUBJECT)
    view.show()
    return view, loaded


def _ratings(spec: formspec.FormSpec) -> list[str]:
    return [f.id for f in spec.fields() if f.type is formspec.FieldType.RATING]


def test_the_screen_names_its_subject_and_starts_with_every_item_unanswered(qtbot: QtBot) -> None:
    view, spec = _view(qtbot)
    assert SUBJECT in view.heading.text()
    ratings = _ratings(spec)
    for field_id in ratings:
        widget = view.widgets[field_id]
        assert isinstance(widget, _Rating)
        assert widget.unanswered.isChecked() and widget.value() is None, field_id
    assert not set(ratings) & set(view.answers())
    # Rated, then taken back: the item is unanswered again, not "no concern".
    rating = view.widgets["older_partner"]
    assert isinstance(rating, _Rating)
    rating.buttons["possible"].setChecked(True)
    assert view.answers()["older_partner"] == "possible"
    rating.unanswered.setChecked(True)
    assert "older_partner" not in view.answers()
    # A saved draft comes back as it was: "none" stays "none", nothing else is filled in.
    view.set_answers({"branding": "none"})
    assert view.answers().get("branding") == "none" and "older_partner" not in view.answers()
    view.clear()
    assert view.subject == "" and SUBJECT not in view.heading.text()


def test_review_before_scoring_with_back_and_score_it(qtbot: QtBot) -> None:
    view, spec = _view(qtbot)
    sent: list[dict[str, object]] = []
    view.submitted.connect(sent.append)
    total = len(_ratings(spec))
    view.widgets["sources_used"].boxes["youth"].setChecked(True)  # type: ignore[attr-defined]
    # Nothing rated: no review, the first item is marked, nothing is sent.
    view.finish_button.click()
    first = _ratings(spec)[0]
    assert not view.reviewing() and "no item is rated" in view.errors[first].text()
    assert view.steps.currentIndex() == view.step_of[first] and sent == []
    view.widgets["older_partner"].buttons["none"].setChecked(True)  # type: ignore[attr-defined]
    view.widgets["branding"].buttons["clear"].setChecked(True)  # type: ignore[attr-defined]
    view.finish_button.click()
    assert view.reviewing() and sent == []
    assert view.score_button.isVisible() and view.review_back_button.isVisible()
    assert not view.next_button.isVisible() and not view.finish_button.isVisible()
    review = view.review.text()
    assert f"{total - 2} of {total} items not answered" in review and SUBJECT in review
    # Each field left blank is said as such (the fifteen items, and any blank note).
    assert review.count("Not answered") == sum(1 for f in spec.fields() if f.id not in view.answers())
    assert "No concern" in review and "Clear" in review  # the two that were rated
    assert "What the youth said" in review
    # Back returns to the steps with the answers as they were.
    view.review_back_button.click()
    assert not view.reviewing() and view.finish_button.isVisible() and not view.score_button.isVisible()
    assert view.answers()["branding"] == "clear"
    view.finish_button.click()
    view.score_button.click()
    assert len(sent) == 1
    assert sent[0]["older_partner"] == "none" and sent[0]["branding"] == "clear"
    assert not set(_ratings(spec)) - {"older_partner", "branding"} & set(sent[0])


def test_the_outcome_says_how_many_items_were_not_answered(qtbot: QtBot) -> None:
    view, spec = _view(qtbot)
    view.show_outcome(formspec.score(spec, {"older_partner": "none"}))
    text = view.result.text()
    total = len(_ratings(spec))
    assert "Result: Incomplete" in text and f"{total - 1} of {total} items not answered" in text
    assert "Result: No concern" not in text
    view.open_form(spec, None, subject=SUBJECT)
    view.show_outcome(formspec.score(spec, dict.fromkeys(_ratings(spec), "none")))
    assert "Result: No concern" in view.result.text() and "not answered" not in view.result.text()


def test_the_status_form_starts_with_nothing_chosen(qtbot: QtBot) -> None:
    form = ModelForm(CsecStatus, skip=("youth_id", "decided_by"))
    qtbot.addWidget(form)
    form.set_values(form.defaults())
    combo = form.widgets["status"]
    assert combo.currentData() is None and combo.currentText() == "(choose one)"  # type: ignore[attr-defined]
    assert form.values()["status"] is None
    assert form.check({"youth_id": "y", "decided_by": "casey"}) is None
    assert "choose a status" in form.errors["status"].text()
    # A saved status shows as itself; choosing one passes.
    form.set_values({"status": "at_risk"})
    assert combo.currentData() == "at_risk"  # type: ignore[attr-defined]
    # Optional choices with a default keep it (nothing changed for them).
    from csec_desktop.domain.youth import Alias

    alias = ModelForm(Alias)
    qtbot.addWidget(alias)
    alias.set_values(alias.defaults())
    assert alias.widgets["kind"].currentData() == "alias"  # type: ignore[attr-defined]

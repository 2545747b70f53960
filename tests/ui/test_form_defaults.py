"""What a new entry's form starts with: a required day is typed by the person (an order made, a
paper signed: rarely today, and today offered was saved as a false date by anyone who did not
change it); a moment recorded as it happens (information received, a note) starts at now."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot

from csec_desktop.domain.csec import CsecStatus
from csec_desktop.domain.efc import Certification, PlacementOrder
from csec_desktop.rules import LEGAL_ZONE
from ui.record_form import ModelForm


def test_a_required_day_starts_blank_and_a_moment_starts_now(qtbot: QtBot) -> None:
    for model, day in ((Certification, "certified_on"), (PlacementOrder, "ordered_on")):
        form = ModelForm(model, skip=("youth_id",))
        qtbot.addWidget(form)
        assert form.defaults().get(day) is None, model.__name__
        form.set_values(form.defaults())
        assert form.check() is None and form.errors[day].text() == "must be filled in"
    status = ModelForm(CsecStatus, skip=("youth_id",))
    qtbot.addWidget(status)
    moment = datetime.fromisoformat(status.defaults()["decided_at"])
    assert abs((datetime.now(LEGAL_ZONE) - moment).total_seconds()) < 120

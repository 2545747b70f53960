"""Extended foster care in the window: a youth who turns 18 in 80 days, from the order and a
participation condition through the transition plan, to the printed plan."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csec_desktop.clock import legal_today
from csec_desktop.domain.youth import Youth
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, youth_data
from tests.ui.test_shell import _unlock
from ui.efc_tab import Timeline
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_level_fail("WARNING")


def test_plan_for_a_youth_who_turns_18_in_80_days(qtbot: QtBot, tmp_path: Path) -> None:
    today = legal_today()
    eighteen = today + timedelta(days=80)
    born = eighteen.replace(year=eighteen.year - 18)
    vault, _ = Vault.create(tmp_path / "vault", county="Demo County", admin="admin", passphrase=ADMIN_PASS)
    vault.records.create(Youth.model_validate(youth_data(
        date_of_birth=born.isoformat(), assigned_worker="admin", placement={"type": "resource_family"},
        legal_status=[{"status": "dependent", "start": "2019-01-01"}])))
    vault.close()
    win = MainWindow(tmp_path / "vault")
    qtbot.addWidget(win)
    win.show()
    try:
        _unlock(qtbot, win, ADMIN_PASS)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        # Today already shows the 90-day plan: the window opened 10 days ago.
        qtbot.waitUntil(lambda: any(i.finding.rule_id == "transition.ninety_day_plan"
                                    for i in win.today_model._rows), timeout=10_000)
        win.open_youth(win.today_model._rows[0].finding.youth_id or "")
        page = win.youth_page
        qtbot.waitUntil(lambda: win.stack.currentWidget() is page, timeout=10_000)
        tab = page.efc
        page.tabs.setCurrentIndex(8)
        # No order or placement recorded: "cannot tell", with the facts to record (never "eligible").
        assert "Cannot tell yet" in tab.eligibility.text() and "SOC 162" in tab.eligibility.text()
        # Not 18 yet: said first, with the day (a youth of 14 was asked about the order on the 18th
        # birthday as if it had passed).
        assert f"Not yet 18: extended foster care can begin on the 18th birthday, {eighteen.isoformat()}" \
            in tab.eligibility.text()
        assert "To decide, record" in tab.eligibility.text()
        # The date the law was checked, and each event's statute (a supervisor found neither).
        assert "The law as of 2026-01-01" in tab.eligibility.text()
        assert any("90-day transition plan window opens" in line and "past" in line
                   and "WIC 16501.1(g)(16)(B)" in line for line in tab.timeline.lines())
        # The order, a condition (college from the fall) and the mutual agreement.
        steps = (
            (tab.orders, {"order_type": "dependency", "ordered_on": "2019-01-01"}),
            (tab.participation, {"condition": "2", "since": eighteen.isoformat(),
                                 "evidence": "Acceptance letter, Fictional Community College"}),
            (tab.agreements, {"mutual_agreement_signed_on": today.isoformat()}),
        )
        for section, values in steps:
            section.form.set_values({**section.form.defaults(), **values})
            before = len(section.items)
            qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda s=section, b=before: len(s.items) == b + 1, timeout=10_000)
        assert "Eligible for extended foster care" in tab.eligibility.text()
        # A condition (3) without its plan is refused beside the form, nothing saved.
        tab.participation.form.set_values({**tab.participation.form.defaults(), "condition": "3",
                                           "since": eighteen.isoformat(), "evidence": "program letter"})
        qtbot.mouseClick(tab.participation.add_button, Qt.MouseButton.LeftButton)
        assert "plan to remove barriers" in tab.participation.form.general.text()
        assert len(tab.participation.items) == 1
        # Begun with one section, as detailed as the youth chooses: saved, not yet done.
        plan = tab.plans.form
        plan.set_values({**plan.defaults(), "made_on": today.isoformat()})
        plan.widgets["housing"].setPlainText("Stay with my aunt for now.")  # type: ignore[attr-defined]
        qtbot.mouseClick(tab.plans.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(tab.plans.items) == 1, timeout=10_000)
        assert any("18th birthday: the transition plan is due" in line and "· done" not in line
                   for line in tab.timeline.lines())
        # The transition plan in the youth's words: every section, Medi-Cal checked.
        plan.set_values({**plan.defaults(), "made_on": today.isoformat()})
        for name, words in (("housing", "Stay with my aunt, then a THP-NMD apartment."),
                            ("health_insurance", "Keep Medi-Cal; it moves to former-foster-youth Medi-Cal."),
                            ("education", "Start at the community college in August."),
                            ("mentors", "My coach and my aunt."), ("workforce", "Summer job program."),
                            ("health_care_power_of_attorney", "My aunt, if I choose."),
                            ("advance_directive", "I got the form and the information.")):
            plan.widgets[name].setPlainText(words)  # type: ignore[attr-defined]
        plan.widgets["medi_cal_verified"].setChecked(True)  # type: ignore[attr-defined]
        qtbot.mouseClick(tab.plans.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(tab.plans.items) == 2, timeout=10_000)
        assert any("18th birthday: the transition plan is due · done" in line
                   for line in tab.timeline.lines())
        # Printed for the youth, in Spanish.
        qtbot.mouseClick(tab.print_buttons["transition_plan"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=10_000)
        view = win.documents.views[0]
        assert "Stay with my aunt" in pdfium.PdfDocument(view.pdf)[0].get_textpage().get_text_range()
        view.language_box.setCurrentIndex(view.language_box.findData("es"))
        qtbot.waitUntil(lambda: "Mi plan de transición" in
                        pdfium.PdfDocument(view.pdf)[0].get_textpage().get_text_range(), timeout=10_000)
        view.close()
    finally:
        win.close()


def test_the_timeline_says_a_younger_or_older_youths_age_instead_of_pinning_today_to_its_ends(
        qtbot: QtBot) -> None:
    """The line runs from 16 to 21. A youth of 14 had "today" drawn at 16, as if it were now."""
    timeline = Timeline()
    qtbot.addWidget(timeline)
    birthdays = [(age, date(2012 + age, 5, 1)) for age in range(16, 22)]
    for today, mark in ((date(2026, 12, 2), ("before", "◂ today: age 14")),
                        (date(2028, 4, 30), ("before", "◂ today: age 15")),
                        (date(2028, 5, 1), ("on", "today")), (date(2033, 5, 1), ("on", "today")),
                        (date(2034, 5, 1), ("after", "today: age 22 ▸"))):
        timeline.set_events([], birthdays, today)
        assert timeline.today_mark() == mark
        timeline.resize(720, 80)
        assert not timeline.grab().isNull()  # drawn without error at every position
    # A week before 21: the label is drawn left of its line, whole, not cut at the edge.
    timeline.set_events([], birthdays, date(2033, 4, 24))
    x = timeline._x(timeline.today, 20.0, timeline.width() - 40.0)
    wide = timeline.fontMetrics().horizontalAdvance("today")
    start = timeline.today_label_left(x, wide)
    assert start >= 0 and start + wide <= timeline.width() and start < x
    middle = timeline._x(date(2030, 1, 1), 20.0, timeline.width() - 40.0)
    assert timeline.today_label_left(middle, wide) == middle + 3  # elsewhere to the right, as before

"""Record relief in the window: counts entered one by one, each told what the law allows and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.test_shell import _open_first_youth, new_window

pytestmark = pytest.mark.qt_log_level_fail("WARNING")


def test_counts_are_assessed_as_they_are_entered(qtbot: QtBot, tmp_path: Path) -> None:
    win = new_window(qtbot, tmp_path / "vault", 3, seed=5)
    try:
        _youth_id, page = _open_first_youth(qtbot, win)
        tab = page.relief
        page.tabs.setCurrentIndex(9)
        assert "No arrest" in tab.assessment.text()
        for section, while_victim in (("211", True), ("484", True), ("11350", False)):
            form = tab.counts.form
            form.set_values({**form.defaults(), "count_kind": "conviction", "section": section,
                             "offense_date": "2025-03-01", "while_victim": while_victim,
                             "nexus": "He made me." if while_victim else ""})
            before = len(tab.counts.items)
            qtbot.mouseClick(tab.counts.add_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda b=before: len(tab.counts.items) == b + 1, timeout=10_000)
        text = tab.assessment.text()
        assert "cannot be petitioned under 236.14" in text and "violent felony" in text
        assert "can be petitioned under 236.14" in text
        assert "needs review" in text and "trafficking victim" in text
        # Spanish: the why lines follow the language.
        win.set_language("es")
        assert "no puede incluirse en una petición" in tab.assessment.text()
        assert "delito grave violento" in tab.assessment.text()
        win.set_language("en")
    finally:
        win.close()

"""Every page fits a county laptop: 1366x768 at 100% (the window gets about 1366x720 inside the
taskbar and title bar), and 1920x1080 at 150% (1280x720 logical pixels)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_level_fail("WARNING")

USABLE = (1280, 700)


def test_no_page_asks_for_more_than_a_laptop_screen(qtbot: QtBot, tmp_path: Path) -> None:
    win = MainWindow(tmp_path / "vault")
    qtbot.addWidget(win)
    win.nav.setVisible(True)
    too_big = []
    for index in range(win.stack.count()):
        page = win.stack.widget(index)
        hint = page.minimumSizeHint()
        if hint.width() > USABLE[0] or hint.height() > USABLE[1] - 100:  # toolbar and status bar
            too_big.append(f"{type(page).__name__}: {hint.width()}x{hint.height()}")
    assert too_big == []
    whole = win.minimumSizeHint()
    assert whole.width() <= USABLE[0] and whole.height() <= USABLE[1], (whole.width(), whole.height())
    win.close()

"""Every control has an accessible name, every form label a buddy, and Tab moves in reading order."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.conftest import ADMIN_PASS
from tests.ui.test_shell import _open_first_youth, _unlock, new_window

INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QAbstractItemView, QAbstractButton, QAbstractSpinBox)


def _unnamed(page: QWidget) -> list[str]:
    missing = []
    for widget in page.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or widget.objectName().startswith("qt_"):
            continue
        if type(widget).__name__ in ("QToolButton", "QHeaderView", "QTableCornerButton"):
            continue  # Qt's own parts (scroll arrows, headers, clear buttons) name themselves
        parent = widget.parentWidget()
        if parent is not None and "ComboBox" in parent.metaObject().className():
            continue  # a combo box's popup list is announced as part of the combo
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text):
            missing.append(f"{type(widget).__name__} in {type(page).__name__}")
    return missing


def _labels_without_buddies(page: QWidget) -> list[str]:
    missing = []
    for form in page.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel) and label.text() and label.buddy() is None:
                missing.append(label.text())
    return missing


def test_every_control_is_named_and_every_label_has_a_buddy(qtbot: QtBot, tmp_path: Path) -> None:
    win = new_window(qtbot, tmp_path / "vault", 20, seed=5)
    try:
        _open_first_youth(qtbot, win)
        pages = [win.unlock_page, win.today_page, win.caseload_page, win.youth_page, win.admin_page,
                 win.first_run]
        assert [m for p in pages for m in _unnamed(p)] == []
        assert [m for p in pages for m in _labels_without_buddies(p)] == []
        assert win.language.accessibleName() and win.user_label.accessibleName()
    finally:
        win.close()


def test_tab_moves_in_reading_order(qtbot: QtBot, tmp_path: Path) -> None:
    win = new_window(qtbot, tmp_path / "vault", 5, seed=6)
    win.activateWindow()
    try:
        page = win.unlock_page
        page.user.setFocus()
        order = [page.user]
        for _step in range(2):
            qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Tab)
            order.append(win.focusWidget())
        assert order == [page.user, page.passphrase, page.button]
        # Keyboard only: type, Enter unlocks; Ctrl+2 goes to the caseload.
        page.user.setFocus()
        qtbot.keyClicks(page.user, "admin")
        qtbot.keyClick(page.user, Qt.Key.Key_Tab)
        qtbot.keyClicks(win.focusWidget(), ADMIN_PASS)
        qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        assert win.focusWidget() is win.caseload_page.search_box
        qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Tab)  # the row reads: Find, New youth, filters
        assert win.focusWidget() is win.caseload_page.new_button
        qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Tab)
        assert win.focusWidget() is win.caseload_page.status
        # Into the table, Enter opens the youth; the record starts on the first name field.
        qtbot.waitUntil(lambda: win.model.rowCount() > 0, timeout=10_000)
        table = win.caseload_page.table
        # From the words to the rows: Down (or Enter) in the search box, the first row current.
        win.caseload_page.search_box.setFocus()
        qtbot.keyClick(win.caseload_page.search_box, Qt.Key.Key_Down)
        assert win.focusWidget() is table and table.currentIndex().row() == 0
        qtbot.keyClick(table, Qt.Key.Key_Return)
        youth = win.youth_page
        qtbot.waitUntil(lambda: win.stack.currentWidget() is youth, timeout=10_000)
        assert win.focusWidget() is youth.edits["legal_name.given"]
        qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Tab)
        assert win.focusWidget() is youth.edits["legal_name.middle"]
        qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Escape)
        assert win.stack.currentWidget() is win.caseload_page
    finally:
        win.close()


def test_enter_presses_the_focused_button_in_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    """Keyboard review, session 34: Enter on a focused button did nothing outside dialogs (only
    Space pressed it). Sent to the window, as a person's keys are: they reach it before its widgets."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    win = new_window(qtbot, tmp_path / "vault", 5, seed=6)
    win.activateWindow()
    try:
        page = win.unlock_page
        page.user.setText("admin")
        page.passphrase.setText(ADMIN_PASS)
        qtbot.waitUntil(lambda: QApplication.focusWindow() is win.windowHandle(), timeout=5_000)
        page.button.setFocus()
        QTest.keyClick(win.windowHandle(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        win.caseload_page.new_button.setFocus()
        QTest.keyClick(win.windowHandle(), Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.intake_page, timeout=10_000)
    finally:
        win.close()


def test_an_arrow_on_the_language_box_opens_its_list_and_changes_nothing(qtbot: QtBot,
                                                                         tmp_path: Path) -> None:
    """Keyboard review, session 34: the language box sits in the Tab order, and a stray arrow key
    there switched every word of the window."""
    from ui import i18n

    win = new_window(qtbot, tmp_path / "vault", 5, seed=6)
    try:
        box = win.language
        opened: list[bool] = []
        box.showPopup = lambda: opened.append(True)  # type: ignore[method-assign]  # (no popups offscreen)
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Down)
        qtbot.keyClicks(box, "e")  # "Español" begins with it
        assert i18n.language() == "en" and box.currentData() == "en"
        assert opened == [True, True]  # its list, to choose from
    finally:
        win.close()


def test_escape_leaves_a_new_youth_asking_first_when_something_was_typed(
        qtbot: QtBot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Keyboard review, session 34: Escape did nothing on intake, and Cancel had no key."""
    from ui.intake_page import IntakeController

    win = new_window(qtbot, tmp_path / "vault", 5, seed=6)
    try:
        _unlock(qtbot, win, ADMIN_PASS)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        answers = [False, True]  # keep typing, then leave
        asked: list[bool] = []

        def leave_anyway(_self: IntakeController) -> bool:
            asked.append(True)
            return answers.pop(0)

        monkeypatch.setattr(IntakeController, "_leave_anyway", leave_anyway)
        win.new_youth()
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.intake_page, timeout=10_000)
        page = win.intake_page
        assert "&n" in page.cancel_button.text().lower()  # Alt+N
        first = next(iter(page.edits.values()))
        first.setFocus()
        qtbot.keyClick(first, Qt.Key.Key_Escape)  # nothing typed: it leaves at once
        assert win.stack.currentWidget() is not page and asked == []
        win.new_youth()
        qtbot.waitUntil(lambda: win.stack.currentWidget() is page, timeout=10_000)
        qtbot.keyClicks(first, "Fictionalia")
        qtbot.keyClick(first, Qt.Key.Key_Escape)  # typed: asked, and kept when the answer is Cancel
        assert len(asked) == 1 and win.stack.currentWidget() is page and first.text() == "Fictionalia"
        qtbot.keyClick(first, Qt.Key.Key_Escape)  # Discard: it leaves, and nothing is kept
        assert win.stack.currentWidget() is not page and first.text() == ""
    finally:
        win.close()

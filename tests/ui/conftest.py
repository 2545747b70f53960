"""UI tests run offscreen and fail on any Qt warning (qt_log_level_fail in pyproject.toml), and
on any dialog a test leaves open: the next test starts with none."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import CALL_FAILED
from ui.collector import MainThreadCollector


def open_dialogs() -> list[QWidget]:
    """The active modal widget, if any, and every visible top-level dialog or message box."""
    found: list[QWidget] = []
    modal = QApplication.activeModalWidget()
    if modal is not None:
        found.append(modal)
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible() and widget not in found:
            found.append(widget)
    return found


def describe(widget: QWidget) -> str:
    parts = [type(widget).__name__]
    if widget.objectName():
        parts.append(f"objectName={widget.objectName()!r}")
    if widget.windowTitle():
        parts.append(f"title={widget.windowTitle()!r}")
    if isinstance(widget, QMessageBox) and widget.text():
        parts.append(f"text={widget.text()[:120]!r}")
    if widget is QApplication.activeModalWidget():
        parts.append("modal")
    return " ".join(parts)


@pytest.fixture(autouse=True)
def no_dialog_left_open(request: pytest.FixtureRequest, qtbot: QtBot) -> Iterator[None]:
    """After the test (and its own fixtures' teardown, e.g. a window closed), with pending events
    processed: fails if a modal widget or a visible dialog is still up, naming each; then closes
    them. Depends on qtbot so that this runs before pytest-qt closes the test's widgets."""
    yield
    app = QApplication.instance()
    assert app is not None
    for _ in range(2):
        app.processEvents()
    left = open_dialogs()
    names = [describe(w) for w in left]
    for widget in left:
        if isinstance(widget, QDialog):
            widget.reject()
        widget.close()
        widget.hide()
        if widget.parent() is None:
            widget.deleteLater()
    app.processEvents()
    if left and not request.node.stash.get(CALL_FAILED, False):
        pytest.fail("left open at the end of the test: " + "; ".join(names), pytrace=False)


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread(qapp: QApplication) -> Iterator[MainThreadCollector]:
    """As in the application: no garbage collection outside the GUI thread while a window is
    up (a hub test's leftover thread collecting a window's cycle crashed the run once)."""
    collector = MainThreadCollector(qapp)
    yield collector
    collector.stop()
    collector.deleteLater()

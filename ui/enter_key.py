"""Enter presses the button that has the focus, in the window as in its dialogs.

Qt lets Enter press a focused button only inside a dialog (a dialog's buttons are "auto
default"); in the main window Enter did nothing on "Mark done" or "Open the youth's record",
and a keyboard user had to know that Space presses buttons. Watched at each top-level window,
as ui/idle.py watches for activity: a person's keys reach the window before its widgets, and a
filter on the application would run in Python for every event of every widget.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QToolButton

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EnterPresses(QObject):
    def watch(self, app: QGuiApplication) -> None:
        app.focusWindowChanged.connect(self._focused)
        for window in app.topLevelWindows():
            window.installEventFilter(self)

    def _focused(self, window: QWindow | None) -> None:
        if window is not None:
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in _ENTER or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        button = QApplication.focusWidget()
        if not isinstance(button, QPushButton | QToolButton) or not button.isEnabled():
            return False
        if isinstance(button.window(), QDialog):  # a dialog's own Enter (its default button) stands
            return False
        button.animateClick()
        return True

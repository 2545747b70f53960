"""Where the keyboard goes: Enter on the button that has the focus, the list that has the keys
shown apart, a control's keys in its tooltip.

Enter presses the button that has the focus, in the window as in its dialogs.
Qt lets Enter press a focused button only inside a dialog (a dialog's buttons are "auto
default"); in the main window Enter did nothing on "Mark done" or "Open the youth's record",
and a keyboard user had to know that Space presses buttons. Watched at each top-level window,
as ui/idle.py watches for activity: a person's keys reach the window before its widgets, and a
filter on the application would run in Python for every event of every widget.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QWindow
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


def show_where_the_keys_go(app: QApplication) -> None:
    """A list or table without the focus shows its selected row in grey, so the one that has it
    stands out in the selection colour (both looked the same: a keyboard user could not tell where
    the keys would go)."""
    from PySide6.QtGui import QColor, QPalette

    palette = app.palette()
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor("#d4d4d4"))
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.HighlightedText, QColor("#000000"))
    app.setPalette(palette)


def tip_with(keys: str) -> Callable[[QAction, str], None]:
    """For `bind`: a tooltip of the text and its keys ("Reports (Ctrl+5)")."""
    def apply(action: QAction, text: str) -> None:
        action.setToolTip(f"{text} ({keys})")
    return apply

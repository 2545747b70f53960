"""Locks the window after a period without keyboard or mouse input."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow

_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._timeout = 15 * 60.0
        self._last = clock()
        self._armed = False
        self._timer = QTimer(self)
        self._timer.setInterval(5_000)
        self._timer.timeout.connect(self.check)

    def arm(self, minutes: int) -> None:
        self._timeout = minutes * 60.0
        self._last = self._clock()
        self._armed = True
        self._timer.start()

    def disarm(self) -> None:
        self._armed = False
        self._timer.stop()

    def watch(self, app: QGuiApplication) -> None:
        """Watch the input of every top-level window of `app`, each as it takes the focus (dialogs
        and previews too). A person's keys, clicks and moves reach a window before its widgets,
        so one filter a window sees them all. Put on the application, the filter was called in
        Python for every event any widget was sent (layouts, paints, timers, children added):
        the window's thread took the interpreter for each, and the first of each kind of object
        and event made PySide build its Python types (42 ms of the start, measured here)."""
        app.focusWindowChanged.connect(self._focused)
        for window in app.topLevelWindows():
            window.installEventFilter(self)

    def _focused(self, window: QWindow | None) -> None:
        if window is not None:
            window.installEventFilter(self)  # once: installed again, a filter is only moved first

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._last = self._clock()
        return False

    def check(self) -> None:
        if self._armed and self._clock() - self._last >= self._timeout:
            self.disarm()
            self.idle.emit()

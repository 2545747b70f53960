"""Garbage collection on the GUI thread only.

Python collects reference cycles in whichever thread happens to allocate when a threshold is
crossed. Here that is often the vault's worker thread; a cycle it collects may hold a Qt object
(a closure over a widget, a signal's bound method), whose C++ side is then destroyed outside the
thread that owns it, and the process dies with a segmentation fault. CI saw this in the test run
(the collector ran in a hub test's thread and took down the window test beside it). So the
automatic collector is switched off and the GUI thread collects, on a timer, whenever the counts
Python keeps have crossed its own thresholds: the same policy, in the one safe thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500
"""Often enough that garbage never piles up between checks (a check that finds nothing to do
costs a few microseconds)."""


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> int:
        """Collect the oldest generation whose count crossed its threshold; the number of
        unreachable objects found."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        """Hand collection back to Python (tests, and the end of the application)."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

"""Garbage is collected on the GUI thread only, while other threads allocate freely."""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from ui.collector import MainThreadCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self
        self.qt = QObject()  # a Qt object in the cycle, as a closure over a widget would hold


def test_cycles_are_freed_on_the_gui_thread_only(qtbot: QtBot,
                                                 collect_on_the_gui_thread: MainThreadCollector) -> None:
    assert not gc.isenabled()
    where: list[int] = []

    def seen(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            where.append(threading.get_ident())

    gc.callbacks.append(seen)
    try:
        cycle = Cycle()
        destroyed: list[bool] = []
        cycle.qt.destroyed.connect(lambda: destroyed.append(True))
        del cycle

        def allocate() -> None:  # far past Python's threshold for a collection
            for _ in range(20):
                junk = [[[] for _ in range(100)] for _ in range(100)]
                for item in junk:
                    item.append(item)

        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert destroyed == []  # the worker collected nothing
        qtbot.waitUntil(lambda: destroyed == [True], timeout=5_000)  # the timer did, here
    finally:
        gc.callbacks.remove(seen)
    assert where and set(where) == {threading.main_thread().ident}


def test_collection_is_handed_back() -> None:
    assert gc.isenabled() is False  # the UI fixture's collector is running
    collector = MainThreadCollector()
    collector.stop()
    assert gc.isenabled() is False  # it found collection off, and leaves it off

"""The vault thread runs calls in the order made, except background ones (Today's chunks over
the whole caseload), which wait while anything else does: a search typed while Today computes
waits for the chunk running, not for every chunk queued behind it."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from ui.worker import Holder, VaultThread


def test_ordinary_calls_go_before_queued_background_ones(qtbot: QtBot) -> None:
    backend = VaultThread()
    ran: list[str] = []
    gate = threading.Event()
    try:
        def hold(_h: Holder) -> None:
            gate.wait(10)  # the worker is busy while the calls below are queued
            ran.append("running chunk")

        backend.call(hold)
        for n in range(3):
            backend.call(lambda _h, n=n: ran.append(f"chunk {n}"), background=True)
        backend.call(lambda _h: ran.append("search"))
        backend.call(lambda _h: ran.append("save"))
        done: list[bool] = []
        backend.call(lambda _h: ran.append("last chunk"), lambda _r: done.append(True), background=True)
        gate.set()
        qtbot.waitUntil(lambda: bool(done), timeout=10_000)
        assert ran == ["running chunk", "search", "save", "chunk 0", "chunk 1", "chunk 2", "last chunk"]
        assert not backend.busy()
    finally:
        backend.stop()


def test_background_work_sees_an_ordinary_call_waiting(qtbot: QtBot) -> None:
    """A Today chunk asks `others_wait` between youth and ends early for a search typed meanwhile."""
    backend = VaultThread()
    started, gate = threading.Event(), threading.Event()
    seen: list[bool] = []
    try:
        def chunk(_h: Holder) -> None:
            seen.append(backend.others_wait())
            started.set()
            gate.wait(10)
            seen.append(backend.others_wait())

        backend.call(chunk, background=True)
        assert started.wait(10)
        done: list[bool] = []
        backend.call(lambda _h: None, lambda _r: done.append(True))  # the search
        gate.set()
        qtbot.waitUntil(lambda: bool(done), timeout=10_000)
        assert seen == [False, True] and not backend.others_wait()
    finally:
        backend.stop()

"""One thread owns the vault connection; the GUI thread never waits on the database.

`VaultThread.call(fn, on_done, on_error)` runs `fn(vault_holder)` on the worker thread
and delivers the result back on the GUI thread through a queued signal. Calls run in the order
made, except `background` ones (Today's chunks over the whole caseload), which run only when
nothing else waits: a search typed while Today computes waits for the chunk running, not for
the chunks queued behind it.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from csec_desktop.errors import CsecError

if TYPE_CHECKING:  # loaded on the vault thread at the first unlock (ui/main_window.py `_open`)
    from csec_desktop.storage.vault import Vault


class Holder:
    """What the worker owns: the unlocked vault, or None while locked."""

    def __init__(self) -> None:
        self.vault: Vault | None = None

    def require(self) -> Vault:
        if self.vault is None or not self.vault.is_open:
            raise CsecError("The vault is locked.")
        return self.vault


Work = tuple[int, Callable[[Holder], Any]]


class _Queue:
    """The calls waiting for the worker: the ordinary ones first, each kind in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ordinary: deque[Work] = deque()
        self._background: deque[Work] = deque()

    def put(self, work: Work, background: bool) -> None:
        with self._lock:
            (self._background if background else self._ordinary).append(work)

    def ordinary_waiting(self) -> bool:
        with self._lock:
            return bool(self._ordinary)

    def take(self) -> Work | None:
        with self._lock:
            if self._ordinary:
                return self._ordinary.popleft()
            return self._background.popleft() if self._background else None


class _Worker(QObject):
    finished = Signal(int, object, object)
    wrote = Signal()  # a call wrote changes for the hub (the sync counts are read again)

    def __init__(self, holder: Holder, queue: _Queue) -> None:
        super().__init__()
        self.holder, self.queue = holder, queue

    @Slot()
    def run_next(self) -> None:
        """One wake-up per call made: run whichever call comes first now."""
        work = self.queue.take()
        if work is None:
            return
        request, fn = work
        vault = self.holder.vault
        before = vault.changes_written if vault is not None and vault.is_open else None
        try:
            result = fn(self.holder)
        except CsecError as exc:
            self.finished.emit(request, None, exc)
            return
        except Exception as exc:  # a bug: report it without record data
            import logging

            from ui.i18n import _

            # The log's filter writes the type and the frames only, never the message.
            logging.getLogger("csec.worker").error("vault call failed: %s", type(exc), exc_info=True)
            self.finished.emit(request, None, RuntimeError(_(
                "Internal error ({kind}). Details were written to the log for county IT."
            ).format(kind=type(exc).__name__)))
            return
        finally:
            if before is not None and vault is not None and vault.is_open and vault.changes_written != before:
                self.wrote.emit()
        self.finished.emit(request, result, None)


class VaultThread(QObject):
    _wake = Signal()
    wrote = Signal()
    """A call wrote changes for the hub: a save, a duty marked done, an entry made (one signal for
    every kind of write, so nothing that changes the outbox can forget to say so)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.holder = Holder()
        self._queue = _Queue()
        self._thread = QThread()
        self._thread.setObjectName("vault-worker")
        self._worker = _Worker(self.holder, self._queue)
        self._worker.moveToThread(self._thread)
        self._wake.connect(self._worker.run_next)
        self._worker.finished.connect(self._finished)
        self._worker.wrote.connect(self.wrote)
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[Callable[[Any], None] | None, Callable[[Exception], None] | None]] = {}
        self._thread.start()

    def call(self, fn: Callable[[Holder], Any], on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[Exception], None] | None = None, *, background: bool = False) -> int:
        request = next(self._ids)
        self._pending[request] = (on_done, on_error)
        self._queue.put((request, fn), background)
        self._wake.emit()
        return request

    def busy(self) -> bool:
        return bool(self._pending)

    def others_wait(self) -> bool:
        """Whether an ordinary call waits: asked from the worker thread by background work that
        can end early (Today's chunks), so a search typed meanwhile starts within a youth's check."""
        return self._queue.ordinary_waiting()

    @Slot(int, object, object)
    def _finished(self, request: int, result: Any, error: Exception | None) -> None:
        on_done, on_error = self._pending.pop(request, (None, None))
        if error is not None:
            if on_error is not None:
                on_error(error)
        elif on_done is not None:
            on_done(result)

    def stop(self) -> None:
        """Finish queued work, stop the thread, then close the vault (nothing else touches it)."""
        self._thread.quit()
        self._thread.wait(30_000)
        if self.holder.vault is not None:
            self.holder.vault.lock("quit")
            self.holder.vault = None

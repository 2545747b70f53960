"""One thread owns the vault connection; the GUI thread never waits on the database.

`VaultThread.call(fn, on_done, on_error)` runs `fn(vault_holder)` on the worker thread
and delivers the result back on the GUI thread through a queued signal.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from csec_desktop.errors import CsecError
from csec_desktop.storage.vault import Vault


class Holder:
    """What the worker owns: the unlocked vault, or None while locked."""

    def __init__(self) -> None:
        self.vault: Vault | None = None

    def require(self) -> Vault:
        if self.vault is None or not self.vault.is_open:
            raise CsecError("The vault is locked.")
        return self.vault


class _Worker(QObject):
    finished = Signal(int, object, object)

    def __init__(self, holder: Holder) -> None:
        super().__init__()
        self.holder = holder

    @Slot(int, object)
    def run(self, request: int, fn: Callable[[Holder], Any]) -> None:
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
        self.finished.emit(request, result, None)


class VaultThread(QObject):
    _submit = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.holder = Holder()
        self._thread = QThread()
        self._thread.setObjectName("vault-worker")
        self._worker = _Worker(self.holder)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.finished.connect(self._finished)
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[Callable[[Any], None] | None, Callable[[Exception], None] | None]] = {}
        self._thread.start()

    def call(self, fn: Callable[[Holder], Any], on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[Exception], None] | None = None) -> int:
        request = next(self._ids)
        self._pending[request] = (on_done, on_error)
        self._submit.emit(request, fn)
        return request

    def busy(self) -> bool:
        return bool(self._pending)

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

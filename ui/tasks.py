"""Run core work on the vault thread, then update the window or report the error.

Every screen does the same three things: call a core use case with the unlocked vault on the
thread that owns it, show the result on the GUI thread, or put the error where the person is
looking. `Tasks.run` is that, once. A result that arrives after a newer run of the same named
work (a search typed over), or after the vault was locked, is dropped.

`VaultEvents.changed` says what a write changed (which youth, which kinds of record), so each
view refreshes what it shows of that and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from csec_desktop.errors import AccountDisabled
from ui.worker import Holder, VaultThread

if TYPE_CHECKING:  # loaded on the vault thread at the first unlock (ui/main_window.py `_open`)
    from csec_desktop.storage.vault import Vault

T = TypeVar("T")
Report = Callable[[Exception], None]


class Tasks:
    def __init__(self, backend: VaultThread, report: Report, *, ended: Report | None = None) -> None:
        self.backend = backend
        self.report = report  # where an error goes when the caller names no better place
        self.ended = ended
        """Where a session ended by the vault goes (the person was disabled meanwhile), whatever
        the caller asked: the window locks rather than showing one more error."""
        self._latest: dict[str, int] = {}
        self._epoch = 0  # bumped on lock: everything in flight is dropped

    def run(self, work: Callable[[Vault], T], then: Callable[[T], None] | None = None,
            fail: Report | None = None, *, latest: str = "", skip_stale: bool = False,
            background: bool = False) -> None:
        """`work(vault)` on the vault thread; then `then(result)` or `fail(error)` here.
        With `latest`, only the newest run of that name delivers its result. With `skip_stale`
        too (for work that only reads), a run already superseded when the vault thread reaches it
        is not done at all: keystrokes typed while one search runs queue searches of which only the
        last is made, so the window needs no typing pause before it searches. `background` work
        (reads only) waits until nothing else does (worker.VaultThread)."""
        epoch = self._epoch
        ticket = self._latest[latest] = self._latest.get(latest, 0) + 1 if latest else 0

        def current() -> bool:
            return epoch == self._epoch and (not latest or self._latest.get(latest) == ticket)

        if skip_stale and latest:
            doing = work

            def work(vault: Vault) -> T:
                if not current():  # read on the vault thread: a counter only the GUI thread bumps
                    return None  # type: ignore[return-value]  # never delivered: current() is False
                return doing(vault)

        def done(result: T) -> None:
            if current() and then is not None:
                then(result)

        def failed(error: Exception) -> None:
            if not current():
                return
            if isinstance(error, AccountDisabled) and self.ended is not None:
                self.ended(error)
            else:
                (fail or self.report)(error)

        self.backend.call(lambda holder: work(holder.require()), done, failed, background=background)

    def run_holder(self, work: Callable[[Holder], T], then: Callable[[T], None] | None = None,
                   fail: Report | None = None) -> None:
        """For the few steps that open or close the vault itself (unlock, create, lock, wipe)."""
        self.backend.call(work, then, fail or self.report)

    def supersede(self, latest: str) -> None:
        """Drop the result of the named work still in flight (its screen was left)."""
        self._latest[latest] = self._latest.get(latest, 0) + 1

    def drop_all(self) -> None:
        """On lock: nothing queued before now may show data afterwards."""
        self._epoch += 1


@dataclass(frozen=True)
class Change:
    """What a write changed: the youth (empty for county data) and the record kinds."""

    youth_id: str
    kinds: frozenset[str]


class VaultEvents(QObject):
    changed = Signal(object)  # a Change

    def announce(self, youth_id: str, *kinds: str) -> None:
        self.changed.emit(Change(youth_id, frozenset(kinds)))


def ignore(_result: Any) -> None:
    """For work whose result nothing shows."""

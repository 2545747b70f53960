"""Today's controller: computes the list in chunks on the vault thread and keeps the page's table
(ui/today_page.py) in step with marks, reopenings and changes to a youth's records."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QObject

from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from csec_desktop.today import Item, mark_done, reopen
from csec_desktop.usecases import caseload as caseload_screen
from csec_desktop.usecases import today as today_screen
from ui.i18n import _
from ui.messages import describe
from ui.tasks import Change, Tasks
from ui.today_model import TodayModel, identity
from ui.today_page import TodayPage


class TodayController(QObject):
    """Computes Today in chunks, showing rows as they are found (the first within a chunk or two)
    and keeping each chunk short, so a search typed meanwhile waits a few tens of milliseconds at
    most. After a duty is marked done or reopened, or a youth's records change, only that youth is
    looked at again; the whole list is recomputed when asked, when the day or the people seen
    change, or when it is older than RECOMPUTE_AFTER."""

    # Time a chunk may hold the vault thread. At 100,000 youth a keystroke's p95 while Today computes
    # was 121-151 ms with 0.05 s and is 94-118 ms with 0.02 s; the whole list takes no longer. A
    # chunk also ends early when a call waits (VaultThread.others_wait, asked between youth): the
    # smallest chunk (100 youth with many records) had held a search back 50 to 110 ms, and smaller
    # chunks took the whole list from 50 s to 120 s (a round trip to this thread each).
    CHUNK_TARGET_S = 0.02
    FIRST_CHUNK, SMALLEST_CHUNK, LARGEST_CHUNK = 40, 100, 2000
    SHOW_EVERY_S = 0.75  # how often rows found meanwhile are merged into the table
    RECOMPUTE_AFTER = timedelta(minutes=15)

    def __init__(self, tasks: Tasks, page: TodayPage, model: TodayModel, *,
                 shown: Callable[[], bool]) -> None:
        super().__init__(page)
        self.tasks, self.page, self.model, self._shown = tasks, page, model, shown
        self._computed_at: datetime | None = None  # when the list last became whole
        self._computing = False
        self._stale: set[str] = set()  # youth changed while Today was not on screen
        self._limit = self.FIRST_CHUNK
        self._wanted: tuple[tuple[str | None, str, str] | None, int] | None = None
        self._show_next = 0.0
        self._generation = 0  # computations started: a chunk of an earlier one stops early
        self._tidied = False  # the search index looked at this session (caseload.tidy_search)
        page.done_requested.connect(self.mark_done)
        page.reopen_requested.connect(self.reopen)
        page.refresh_requested.connect(lambda: self.compute())
        page.why_wanted.connect(self._why)

    def compute(self, message: str = "") -> None:
        """(Re)compute the list, showing rows as chunks find them; `message` is shown when it is
        whole. The selected duty stays selected (or the row where it was, once it is gone)."""
        include_done = self.page.show_done.isChecked()
        now = datetime.now(LEGAL_ZONE)
        checked, found = [0], [0]
        # The duty selected stays selected: looked for in each chunk's rows as they are merged (it
        # need not be in the first), never stood in for by the row where it was until the last.
        self._wanted = self._selected()
        pending: list[Item] = []
        self._show_next = 0.0  # when rows found meanwhile may next be merged into the table
        self._computing, self._stale = True, set()
        # Every computation starts small: sized from the last computation's last chunk (youth with
        # few records), the first chunk met the county's richest records first and held the vault
        # thread 75 ms before any row could show.
        self._limit = self.FIRST_CHUNK
        # A chunk of a computation this one replaces ends at its next youth (`stop`, read on the
        # vault thread: a counter only this thread bumps). Asked again right after an unlock, Today's
        # first rows waited for the whole of the unlock's first chunk, the one that builds the record
        # kinds' validators (about 80 ms at 100,000 youth), whose rows no one would see.
        self._generation += 1
        generation = self._generation
        self.model.reset([], now)
        self.page.message.setText(_("Finding what is due…"))
        self.page.set_computing(True)

        def stop() -> bool:
            return generation != self._generation or self.tasks.backend.others_wait()

        def step(after: int) -> None:
            limit, found_before = self._limit, found[0]

            def work(vault: Vault) -> tuple[today_screen.TodayChunk, float]:
                started = time.perf_counter()  # on the vault thread: the chunk's own time, no wait
                chunk = today_screen.scan(vault, now, after=after, found_before=found_before,
                                          include_done=include_done, limit=limit, why=False,
                                          stop=stop)
                return chunk, time.perf_counter() - started

            # In the background: a search or a save asked meanwhile goes first (ui/worker.py).
            self.tasks.run(work, lambda done: got(*done), self._failed, latest="today", skip_stale=True,
                           background=True)

        def got(chunk: today_screen.TodayChunk, took: float) -> None:
            # The next chunk sized for CHUNK_TARGET_S from how long this one held the vault thread,
            # and asked for first: the vault thread works on it while this one shows what was found.
            per_youth = took / max(chunk.scan.checked, 1)
            self._limit = max(self.SMALLEST_CHUNK, min(self.LARGEST_CHUNK,
                                                       int(self.CHUNK_TARGET_S / max(per_youth, 1e-6))))
            found[0] += len(chunk.scan.items)
            checked[0] += chunk.scan.checked
            if chunk.scan.next_after is not None:
                step(chunk.scan.next_after)
            pending.extend(chunk.scan.items)
            if chunk.scan.next_after is not None:
                # Rows are merged in while Today is on screen only: a merge holds the window for as
                # long as the list is long (50 ms at 100,000 duties), and a search typed on the
                # caseload meanwhile waited behind merges into a table no one was looking at.
                due = not self.model.total() or time.monotonic() >= self._show_next
                if pending and self._shown() and due:
                    started = time.monotonic()
                    self._merge(pending, now)
                    # A merge costs as much as the list is long: merge less often as it grows, so
                    # showing rows early never costs the list much time.
                    took_merge = time.monotonic() - started
                    self._show_next = time.monotonic() + max(self.SHOW_EVERY_S, 20 * took_merge)
                self.page.message.setText(_("Finding what is due… {percent}% ({checked} youth checked)")
                                          .format(checked=f"{checked[0]:,}",
                                                  percent=int(chunk.scan.done_fraction * 100)))
                return
            self._merge(pending, now, last=True)
            self._computing, self._computed_at = False, now
            self.page.set_computing(False)
            if not self._tidied:  # once a session, while the person reads what Today found
                self._tidied = True
                self.tasks.run(caseload_screen.tidy_search, background=True)
            self.page.set_assignments(self.model.workers(), self.model.units(), chunk.sees_all)
            self.page.message.setText(message)
            for youth_id in sorted(self._stale):  # changed while the chunks ran
                self.refresh_youth(youth_id)
            self._stale.clear()

        step(0)

    @property
    def computing(self) -> bool:
        """Chunks are still running: the table holds what was found so far."""
        return self._computing

    def _selected(self) -> tuple[tuple[str | None, str, str] | None, int]:
        row = self.page.table.currentIndex().row()
        return (identity(self.model.item(row)) if 0 <= row < self.model.rowCount() else None), row

    def _reselect(self, keep: tuple[tuple[str | None, str, str] | None, int]) -> None:
        if not self.model.rowCount():
            return
        row = self.model.row_of(keep[0])
        if row < 0:
            row = min(max(keep[1], 0), self.model.rowCount() - 1)
        self.page.table.selectRow(row)

    def _merge(self, pending: list[Item], now: datetime, last: bool = False) -> None:
        chosen = self._selected() if self.page.table.selectionModel().hasSelection() else (None, -1)
        self.model.add(pending, now)
        pending.clear()
        # The duties shown stay until the next computation: set them aside from the cycle
        # collector, which otherwise walks them all again and again while the chunks run.
        gc.freeze()
        wanted = self._wanted
        if chosen[0] is not None:
            # Selected already (the duty wanted, found; or a row the person chose meanwhile, as
            # nothing is chosen for them while the duty wanted is looked for): kept, wherever the
            # new rows put it.
            self._wanted = None
            self._reselect(chosen)
            return
        if wanted is None or wanted[0] is None:  # nothing was selected before: the first row
            self._wanted = None
            self._reselect((None, 0))
            return
        if self.model.row_of(wanted[0]) >= 0 or last:
            # Found; or gone (done, or no longer due): the row where it was. Ticking "Show done
            # duties" had put the selection, and Mark done, on another youth's duty in the first
            # chunk's rows, and it stayed there.
            self._wanted = None
            self._reselect(wanted)

    def refresh_youth(self, youth_id: str, message: str = "") -> None:
        """Look at one youth again and put their duties where they now belong."""
        include_done = self.page.show_done.isChecked()
        now = datetime.now(LEGAL_ZONE)

        def show(items: list[Item]) -> None:
            keep = self._selected()
            self.model.replace_youth(youth_id, items, now)
            if keep[0] is not None and keep[0][0] == youth_id and self.model.row_of(keep[0]) < 0:
                # The duty selected is gone (marked done). The list stays where it was, the keys'
                # place on the row that took its place, but nothing is selected: selected, that row
                # (another youth's duty) would have been marked by a second click on Mark done. The
                # same youth's next duty, selected instead, was far down the list, out of view of
                # the urgent ones around it (two reviews found it lost them).
                table = self.page.table
                table.clearSelection()
                if self.model.rowCount():
                    # The keys go back to the list (Mark done, now off, had them), just above the
                    # row that took the done duty's place, so that Down chooses that row: the next
                    # duty (from the row itself, Down skipped it).
                    place = min(max(keep[1], 0), self.model.rowCount() - 1)
                    table.scrollTo(self.model.index(place, 0))
                    table.selectionModel().setCurrentIndex(self.model.index(place - 1, 0),
                                                           QItemSelectionModel.SelectionFlag.NoUpdate)
                    table.setFocus()
                else:
                    table.setCurrentIndex(self.model.index(-1, 0))
            else:
                self._reselect(keep)
            if message:
                self.page.message.setText(message)

        self.tasks.run(lambda vault: today_screen.for_youth(vault, now, youth_id, include_done=include_done,
                                                            why=False),
                       show, self._failed)

    def _why(self, youth_id: str, rule_id: str, occurrence: str) -> None:
        """The selected duty's why lines: the table holds Today's duties without them (at 100,000
        youth they were two thirds of the window's memory per duty), so they are found again for
        the duty looked at, on the vault thread, ahead of Today's own chunks."""
        now = datetime.now(LEGAL_ZONE)
        self.tasks.run(lambda vault: today_screen.why_of(vault, now, youth_id, rule_id, occurrence),
                       lambda whys: self.page.show_why((youth_id, rule_id, occurrence), whys),
                       lambda error: self.page.message.setText(describe(error)), latest="today-why",
                       skip_stale=True)

    def _failed(self, error: Exception) -> None:
        self.page.set_computing(False)
        self._computing = False
        self.page.message.setText(describe(error))

    def mark_done(self, youth_id: str, rule_id: str, occurrence: str, how: dict[str, Any]) -> None:
        def saved(_result: object) -> None:
            self.page.done_saved()
            self.refresh_youth(youth_id, _("Marked done: {duty}. Tick Show done duties to reopen it.").format(
                duty=self.page.marking))

        self.tasks.run(lambda vault: mark_done(vault, youth_id, rule_id, occurrence, **how), saved,
                       self._failed)

    def reopen(self, youth_id: str, rule_id: str, occurrence: str) -> None:
        self.tasks.run(lambda vault: reopen(vault, youth_id, rule_id, occurrence),
                       lambda _r: self.refresh_youth(youth_id, _("Reopened: the duty is due again.")),
                       self._failed)

    def changed(self, change: Change) -> None:
        if not change.youth_id:  # county data (policy, people): everything may move
            self._computed_at = None
            if self._shown():
                self.compute()
        elif self._shown() and not self._computing:
            self.refresh_youth(change.youth_id)
        else:  # looked at again when Today is next shown, or when the computation ends
            self._stale.add(change.youth_id)

    def entered(self, message: str = "") -> None:
        self.page.table.setFocus()
        now = datetime.now(LEGAL_ZONE)
        fresh = (self._computed_at is not None and self._computed_at.date() == now.date()
                 and now - self._computed_at < self.RECOMPUTE_AFTER)
        if self._computing:
            self._show_next = 0.0  # what was found while Today was not shown: with the next chunk
            return
        if not fresh:
            self.compute(message)
            return
        for youth_id in sorted(self._stale):
            self.refresh_youth(youth_id)
        self._stale.clear()
        self.model.retime(now)
        if message:
            self.page.message.setText(message)

    def clear(self) -> None:
        self._computed_at, self._computing, self._stale = None, False, set()
        self._tidied = False
        self._generation += 1  # a chunk running ends at its next youth
        self.tasks.supersede("today")
        self.page.clear()

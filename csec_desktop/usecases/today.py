"""Today, in chunks so the window stays responsive; audited once, when the last chunk is done.

Each item carries its youth's assigned worker and unit, so a supervisor can narrow Today to one
worker or one unit; `sees_all` says whether this person sees every youth (and so gets those
filters)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from csec_desktop import today
from csec_desktop.domain.visibility import Reach, Scope
from csec_desktop.storage.vault import Vault


@dataclass(frozen=True)
class TodayChunk:
    scan: today.Scan
    found_so_far: int  # items in this chunk and every chunk before it
    sees_all: bool = False  # the person sees every youth (a supervisor): offer the worker and unit filters


def scan(vault: Vault, now: datetime, *, after: int = 0, found_before: int = 0,
         include_done: bool = False, limit: int = 250, why: bool = True,
         stop: Callable[[], bool] | None = None) -> TodayChunk:
    chunk = today.scan(vault, now, after=after, include_done=include_done, limit=limit, why=why, stop=stop)
    chunk = replace(chunk, items=today.assigned(vault, chunk.items))
    found = found_before + len(chunk.items)
    if chunk.next_after is None:
        vault.audit("today_viewed", items=found)
    return TodayChunk(chunk, found, Scope.for_user(vault.user).reach is Reach.ALL)


def for_youth(vault: Vault, now: datetime, youth_id: str, *, include_done: bool = False,
              why: bool = True) -> list[today.Item]:
    """One youth's items, looked at again after a change to their record or a duty marked done
    (not audited: the person is looking at Today, whose viewing is in the trail already)."""
    chunk = today.scan(vault, now, youth_id=youth_id, include_done=include_done, why=why)
    return today.assigned(vault, chunk.items)


def why_of(vault: Vault, now: datetime, youth_id: str, rule_id: str, occurrence: str) -> tuple[str, ...]:
    """Why one duty is shown: its why lines, found again for its youth (the window holds Today's
    duties without them). Empty when the duty is no longer found (a change meanwhile)."""
    for item in today.scan(vault, now, youth_id=youth_id, include_done=True).items:
        if (item.finding.rule_id, item.finding.occurrence) == (rule_id, occurrence):
            done = today.done_lines(vault, youth_id, rule_id, occurrence) if item.finding.done else ()
            return (*item.finding.why, *done)
    return ()


def whole(vault: Vault, now: datetime, *, include_done: bool = False) -> list[today.Item]:
    """Every chunk, in Today's order (the command line; the window asks chunk by chunk)."""
    found: list[today.Item] = []
    after: int | None = 0
    while after is not None:
        chunk = scan(vault, now, after=after, found_before=len(found), include_done=include_done)
        found.extend(chunk.scan.items)
        after = chunk.scan.next_after
    return today.sort_items(found, now)

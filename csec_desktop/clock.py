"""Time: a replaceable wall clock and the hybrid logical clock used for sync.

Instants are UTC. The hybrid logical clock (HLC) orders edits across devices
even when their wall clocks disagree: each stamp is at least the wall time and
strictly greater than every stamp this device has issued or seen. Stamps are
fixed-width strings, so ordinary string comparison orders them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LEGAL_ZONE = ZoneInfo("America/Los_Angeles")
"""California law counts days and hours in Pacific time."""


def legal_today() -> date:
    """Today in California, whatever zone this machine is set to: a date a worker records as
    "today" and the date a rule checks it against must be the same day (a laptop left on UTC
    would otherwise write tomorrow's date into a consent that the referral check, counting in
    Pacific time, reads as not yet given)."""
    return datetime.now(LEGAL_ZONE).date()


WallClock = Callable[[], float]
"""Seconds since the epoch; tests pass a fake."""


def system_clock() -> float:
    return time.time()


def utc_iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, order=True)
class Stamp:
    millis: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.millis:013d}-{self.counter:05d}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        millis, counter, node = text.split("-", 2)
        return cls(int(millis), int(counter), node)


COUNTER_MAX = 99_999
"""The protocol's stamps carry a five-digit counter."""
OBSERVE_AHEAD_MS = 7 * 24 * 3600 * 1000
"""A stamp further ahead of this machine's clock than a week is not followed (clocks a day or two
apart are ordinary and must lose nothing): one device with a wrong (or
hostile) clock must not carry every other device's stamps to the end of the format, after which
each edit would make a stamp the protocol refuses and every sync would fail."""


class HybridClock:
    def __init__(self, node: str, wall: WallClock = system_clock) -> None:
        self._node = node
        self._wall = wall
        self._last = Stamp(0, 0, node)
        self._lock = threading.Lock()

    def now(self) -> str:
        with self._lock:
            wall_ms = int(self._wall() * 1000)
            if wall_ms > self._last.millis:
                self._last = Stamp(wall_ms, 0, self._node)
            elif self._last.counter >= COUNTER_MAX:  # the counter is full: the next millisecond
                self._last = Stamp(self._last.millis + 1, 0, self._node)
            else:
                self._last = Stamp(self._last.millis, self._last.counter + 1, self._node)
            return str(self._last)

    def observe(self, remote: str) -> None:
        """Move past a stamp seen from another device."""
        other = Stamp.parse(remote)
        with self._lock:
            if other.millis > int(self._wall() * 1000) + OBSERVE_AHEAD_MS:
                return  # far ahead of this clock: kept on its record, not followed (see OBSERVE_AHEAD_MS)
            if (other.millis, other.counter) > (self._last.millis, self._last.counter):
                self._last = Stamp(other.millis, other.counter, self._node)

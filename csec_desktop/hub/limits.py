"""Rate limits (token buckets), per device, per administrator and per network address, and the
longest request body each endpoint reads.

Kept in the hub process's memory: with several hub processes each applies its own, so the
county-wide ceiling is the per-process limit times the processes (docs/scaling.md). What a
limit protects is the hub's capacity and the enrolment codes against guessing; a device
that syncs every five minutes never comes near its limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    device_per_minute: int = 600
    admin_per_minute: int = 300
    enrol_per_minute: int = 10
    """Per network address: enrolment codes are 48 bits; this makes guessing hopeless."""
    failures_per_minute: int = 60
    """Requests with wrong credentials, per network address."""
    enrol_bytes: int = 16 * 1024
    """The longest enrolment request (a code and a device name: well under 1 KiB). Anyone may send
    one, so it is kept small."""
    push_bytes: int = 32 * 1024 * 1024
    """The longest push: 500 operations (protocol.MAX_OPS) of at most 200 fields each, old and new
    values. A desktop's batch is far smaller; a larger body is refused before it is read whole."""
    audit_bytes: int = 16 * 1024 * 1024
    """The longest audit upload: 500 entries of at most 4,000 characters of detail (UTF-8)."""
    admin_bytes: int = 64 * 1024
    """The longest administration request (a user, an enrolment code); also any other path."""

    def body_bytes(self, path: str) -> int:
        """The longest body `path` reads; beyond it the hub answers 413 without reading on."""
        return {"/v1/enroll": self.enrol_bytes, "/v1/push": self.push_bytes,
                "/v1/audit": self.audit_bytes}.get(path, self.admin_bytes)


class Buckets:
    """One bucket per key, refilled continuously at `per_minute`, holding at most a minute's worth."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.clock = clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 if the request may go on, else the seconds to wait before asking again."""
        now = self.clock()
        with self._lock:
            tokens, then = self._state.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return 0.0
            self._state[key] = (tokens, now)
            if len(self._state) > 100_000:  # forget idle keys rather than grow without bound
                self._state = {k: v for k, v in self._state.items() if now - v[1] < 120}
            return (1 - tokens) / self.rate

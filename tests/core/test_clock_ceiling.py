"""Issue 21: one device's clock must not stop every other device's sync.

A device pushed a stamp at the format's maximum; desktops that pulled it followed it, and their
next edit made a stamp the protocol refuses (a six-digit counter), so every later sync failed.
"""

from __future__ import annotations

import re

from csec_desktop.clock import COUNTER_MAX, HybridClock
from csec_desktop.sync.protocol import STAMP

NOW = 1_764_547_200.0  # 2025-12-01, fixed


def test_a_stamp_far_ahead_is_not_followed() -> None:
    clock = HybridClock("desk-1", lambda: NOW)
    clock.observe("9999999999999-99999-hostile")
    stamp = clock.now()
    assert re.fullmatch(STAMP, stamp)
    assert stamp.startswith(f"{int(NOW * 1000):013d}-")


def test_a_stamp_a_day_or_two_ahead_is_followed() -> None:
    """Clocks two days apart are ordinary (the review ran desktops 48 hours apart): nothing is lost."""
    clock = HybridClock("desk-1", lambda: NOW)
    ahead = f"{int(NOW * 1000) + 48 * 3600 * 1000:013d}-00003-other"
    clock.observe(ahead)
    assert clock.now() > ahead


def test_a_full_counter_moves_to_the_next_millisecond_and_stays_valid() -> None:
    clock = HybridClock("desk-1", lambda: NOW)
    clock.observe(f"{int(NOW * 1000):013d}-{COUNTER_MAX:05d}-other")
    first, second = clock.now(), clock.now()
    for stamp in (first, second):
        assert re.fullmatch(STAMP, stamp), stamp
    assert first.startswith(f"{int(NOW * 1000) + 1:013d}-00000-")
    assert second > first

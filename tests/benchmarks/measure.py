"""How every benchmark path is timed: a path and its floor interleaved (A B A B ...) in the same
run, so a noisy machine slows both alike; medians with their spread."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

Figures = dict[str, Any]


def seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def interleaved(ours: Callable[[], object], floor: Callable[[], object], reps: int = 5) -> tuple[list[float],
                                                                                                   list[float]]:
    """Each run once untimed (caches warm alike), then `reps` timed pairs, alternating which goes
    first so neither always follows the other."""
    ours()
    floor()
    mine: list[float] = []
    base: list[float] = []
    for rep in range(reps):
        if rep % 2:
            base.append(seconds(floor))
            mine.append(seconds(ours))
        else:
            mine.append(seconds(ours))
            base.append(seconds(floor))
    return mine, base


def spread(values: list[float]) -> Figures:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def pct(values: list[float], p: int) -> float:
    """The p-th percentile (nearest rank over 100 cut points); the value itself for tiny samples."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def pair(ours: list[float], floor: list[float], *, ours_key: str = "ours_s", floor_key: str = "floor_s",
         per: float | None = None) -> Figures:
    """Medians of a path and its floor; with `per` (pages, records), as rates per second instead."""
    if per is None:
        return {ours_key: statistics.median(ours), floor_key: statistics.median(floor),
                "ratio": statistics.median(ours) / statistics.median(floor),
                "ours_spread": spread(ours), "floor_spread": spread(floor)}
    ours_rate, floor_rate = per / statistics.median(ours), per / statistics.median(floor)
    return {ours_key: ours_rate, floor_key: floor_rate, "ratio": floor_rate / ours_rate,
            "ours_spread": spread([per / v for v in ours]), "floor_spread": spread([per / v for v in floor])}

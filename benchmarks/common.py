"""What every benchmark shares: the row of the table, and side-by-side timing."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable


@dataclasses.dataclass
class Row:
    name: str
    ours: str
    baseline: str
    ratio: float | None
    goal: str
    ok: bool


def rounds(
    ours: Callable[[], None], baseline: Callable[[], None], count: int
) -> tuple[float, float]:
    """Median seconds of ``ours`` and ``baseline``, timed in alternating rounds."""
    ours_times, base_times = [], []
    for index in range(count):
        pair = [(ours, ours_times), (baseline, base_times)]
        for run, times in pair if index % 2 == 0 else reversed(pair):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
    return statistics.median(ours_times), statistics.median(base_times)


def per_call(seconds: float, calls: int) -> str:
    micros = seconds / calls * 1e6
    return f"{micros:,.1f} µs" if micros < 10_000 else f"{micros / 1000:,.1f} ms"

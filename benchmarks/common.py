"""What every benchmark shares: the row of the table, and side-by-side timing."""

from __future__ import annotations

import dataclasses
import statistics
import time
import typing as t
from collections.abc import Callable


@dataclasses.dataclass
class Row:
    name: str
    ours: str
    baseline: str
    ratio: float | None
    goal: str
    ok: bool


class Timing(t.NamedTuple):
    """Median seconds of a round of ours and of the baseline, and the median of their ratios."""

    ours: float
    baseline: float
    ratio: float


def rounds(ours: Callable[[], None], baseline: Callable[[], None], count: int) -> Timing:
    """Time ``ours`` and ``baseline`` in ``count`` pairs of rounds, after one of each to warm up.

    The two rounds of a pair run back to back, in alternating order, and the
    ratio is the median of the pairs' ratios: a machine that slows down for a
    while slows both rounds of a pair alike, so it moves that pair's times but
    hardly its ratio.
    """
    ours(), baseline()
    ours_times, base_times = [], []
    for index in range(count):
        pair = [(ours, ours_times), (baseline, base_times)]
        for run, times in pair if index % 2 == 0 else reversed(pair):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
    ratios = [mine / base for mine, base in zip(ours_times, base_times, strict=True)]
    return Timing(
        statistics.median(ours_times), statistics.median(base_times), statistics.median(ratios)
    )


def timed_row(
    name: str, timing: Timing, calls: int, *, at_most: float | None = None, checked: bool = True
) -> Row:
    """A row for ``timing`` of ``calls`` calls a round; its goal is a ratio of ``at_most``.

    ``checked`` says whether what the rounds made passed the benchmark's checks.
    """
    return Row(
        name,
        per_call(timing.ours, calls),
        per_call(timing.baseline, calls),
        timing.ratio,
        "-" if at_most is None else f"<= {at_most}",
        checked and (at_most is None or timing.ratio <= at_most),
    )


def per_call(seconds: float, calls: int) -> str:
    micros = seconds / calls * 1e6
    return f"{micros:,.1f} µs" if micros < 10_000 else f"{micros / 1000:,.1f} ms"

"""Growth checks: does work on an input 4 times as big take about 4 times as long?

No test may time against a fixed threshold on a shared machine, so each check runs the
same code on inputs of size n and 4n in the same test and compares: linear work grows
about 4 times, quadratic work 16 times. The best of three runs of each size takes most of
the machine's noise away; what is left stays far below the bound of 8.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from reviewer.core.gc_pause import gc_paused

T = TypeVar("T")

FACTOR = 4
# Between linear (4) and quadratic (16) growth.
MAX_GROWTH = 8.0


def best_time(run: Callable[[T], object], data: T, repeat: int = 3) -> float:
    best = float("inf")
    with gc_paused():  # as the importer runs: the collector's own growth is no concern here
        for _ in range(repeat):
            start = time.perf_counter()
            run(data)
            best = min(best, time.perf_counter() - start)
    return best


def growth(run: Callable[[T], object], make: Callable[[int], T], n: int) -> float:
    """How much longer ``run`` takes on ``make(FACTOR * n)`` than on ``make(n)``."""
    small, large = make(n), make(FACTOR * n)
    run(small)  # imports, caches and compiled regexes: not the input's cost
    return best_time(run, large) / best_time(run, small)


def assert_linear(run: Callable[[T], object], make: Callable[[int], T], n: int) -> None:
    ratio = growth(run, make, n)
    if ratio >= MAX_GROWTH:
        # A loaded machine can stall one run: measure once more before failing.
        ratio = min(ratio, growth(run, make, n))
    assert ratio < MAX_GROWTH, f"x{FACTOR} input took x{ratio:.1f} time"

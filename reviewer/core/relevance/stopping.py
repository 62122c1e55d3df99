"""When to stop screening: how long since the last include, and how many relevant papers
are probably still unseen.

The estimate models the includes found along the screening order as an inhomogeneous
Poisson process whose rate falls exponentially, ``rate(x) = a * exp(-b * x)`` at the
x-th screened paper (a ranker puts the likely relevant first, so their rate falls), as
Sneyd and Stevenson model the relevant documents of a ranking for stopping decisions
("Modelling Stopping Criteria for Search Results using Poisson Processes", EMNLP 2021).
``a`` and ``b >= 0`` are the maximum-likelihood fit to where the includes came; the
estimate is the rate integrated over the papers still unscreened. Screening in an order that does not
follow the ranker gives a flat rate (b = 0): the estimate is then the include rate so
far times the papers left, what a random sample would say.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Decision


def screening_order(log: Iterable[tuple[int, str]], decided: Iterable[int]) -> list[int]:
    """The papers decided so far in the order they were first decided. ``log`` holds
    (paper id, new decision) in history order; ``decided`` the papers decided now.
    Decided papers missing from the log (decisions imported with them) come first."""
    decided = list(decided)
    now = set(decided)
    first: dict[int, int] = {}
    for position, (paper_id, decision) in enumerate(log):
        if decision == Decision.UNDECIDED.value:
            first.pop(paper_id, None)  # back to undecided: screened again later
        elif paper_id not in first:
            first[paper_id] = position
    unlogged = [p for p in decided if p not in first]
    logged = sorted((p for p in first if p in now), key=first.__getitem__)
    return unlogged + logged


def since_last_include(order: Sequence[int], relevant: set[int]) -> int:
    """Papers screened since the last relevant one (all of them if none was)."""
    for back, paper_id in enumerate(reversed(order)):
        if paper_id in relevant:
            return back
    return len(order)


@dataclass(slots=True)
class Estimate:
    remaining: float  # relevant papers expected among the unscreened
    rate: float  # relevant per paper screened, at the current position
    decay: float  # b of the fitted rate


# No estimate from fewer screened papers: fitted to one include and one exclude the model
# said "about 0 left", which a user could take for leave to stop.
MIN_SCREENED = 10


def unseen_relevant(hits: Sequence[bool], unscreened: int) -> Estimate | None:
    """Estimate the relevant papers among ``unscreened`` from ``hits`` (was each screened
    paper, in screening order, relevant?). None before any relevant paper, and
    before MIN_SCREENED papers are screened.

    Maximum likelihood of the rate ``a * exp(-b * x)`` over the n papers screened, with
    the m includes at positions x_i (their mid-points) summing to S: for a given b the
    best a is ``m * b / (1 - exp(-b * n))``, and b solves ``m * g(b) = S`` with
    ``g(b) = 1/b - n / (exp(b * n) - 1)``, which falls from n/2 towards 0 as b grows:
    one root when the includes came earlier than evenly (S < m * n / 2), found by
    bisection; otherwise b = 0, a flat rate.
    """
    n = len(hits)
    m = sum(1 for hit in hits if hit)
    if not m or n < MIN_SCREENED:
        return None
    total = sum(i + 0.5 for i, hit in enumerate(hits) if hit)
    if total >= m * n / 2:
        rate = m / n
        return Estimate(rate * unscreened, rate, 0.0)

    def g(b: float) -> float:
        return 1 / b - n / math.expm1(min(b * n, 700.0))

    low, high = 1e-12 / n, 1.0
    while m * g(high) > total and high < 1e6:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        if m * g(middle) > total:
            low = middle
        else:
            high = middle
    b = (low + high) / 2
    a = m * b / -math.expm1(-b * n)
    now = a * math.exp(-b * n)
    return Estimate(now * -math.expm1(-b * unscreened) / b, now, b)

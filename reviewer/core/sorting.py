"""Orders for the paper list. Each takes list rows (Paper or Summary) and returns them sorted."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .citekeys import ascii_fold

SORTS: dict[str, str] = {
    "imported": "imported order",
    "title": "title",
    "year": "year, newest first",
    "upvotes": "upvotes, most first",
    "relevance": "relevance to the search",
}

# Relevance learned from the user's decisions (core/relevance): its scores are computed
# by the caller, as the search's are, and passed to sort_rows.
LEARNED = "learned"


def _title_key(paper: Any) -> str:
    return ascii_fold(paper.title).casefold()


_KEYS: dict[str, Callable[[Any], Any]] = {
    "imported": lambda p: p.id,
    "title": lambda p: (_title_key(p), p.id),
    # Unknown years and upvotes go last.
    "year": lambda p: (p.year is None, -(p.year or 0), p.id),
    "upvotes": lambda p: (p.upvotes is None, -(p.upvotes or 0), p.id),
}


def sort_rows(rows: Sequence[Any], order: str,
              relevance: Mapping[int, float] | None = None) -> list[Any]:
    if order in ("relevance", LEARNED):
        if not relevance:
            return list(rows)
        return sorted(rows, key=lambda p: (-relevance.get(p.id, 0.0), p.id))
    if order not in _KEYS:
        raise ValueError(f"unknown sort {order!r} (choose from {', '.join(SORTS)})")
    return sorted(rows, key=_KEYS[order])

"""Small filter values that combine: the CLI's ``list`` options and the TUI's ``f`` menu.

A filter is called with anything that has the list-row attributes (``starred``,
``decision``, ``tags``, ``sections``, ``has_note``, ``has_code``, ``year``, ``reason``): a full
``Paper`` or a store ``Summary``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from .model import Decision


class Filter(Protocol):
    def __call__(self, paper: Any) -> bool: ...

    @property
    def label(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Starred:
    def __call__(self, paper: Any) -> bool:
        return paper.starred

    @property
    def label(self) -> str:
        return "starred"


@dataclass(frozen=True, slots=True)
class WithDecision:
    decision: Decision

    def __call__(self, paper: Any) -> bool:
        return paper.decision == self.decision

    @property
    def label(self) -> str:
        return str(self.decision)


@dataclass(frozen=True, slots=True)
class WithTag:
    tag: str

    def __call__(self, paper: Any) -> bool:
        return self.tag in paper.tags

    @property
    def label(self) -> str:
        return f"tag:{self.tag}"


@dataclass(frozen=True, slots=True)
class WithReason:
    """Excluded for the named reason (case aside); ``None`` means excluded without one."""

    reason: str | None

    def __call__(self, paper: Any) -> bool:
        if self.reason is None:
            return paper.decision == Decision.EXCLUDE and not paper.reason
        return paper.reason.casefold() == self.reason.casefold()

    @property
    def label(self) -> str:
        return "no reason" if self.reason is None else f"reason:{self.reason}"


@dataclass(frozen=True, slots=True)
class InSection:
    """In the named section; ``None`` means in no section at all."""

    section: str | None

    def __call__(self, paper: Any) -> bool:
        if self.section is None:
            return not paper.sections
        return self.section in paper.sections

    @property
    def label(self) -> str:
        return "no section" if self.section is None else f"section:{self.section}"


@dataclass(frozen=True, slots=True)
class HasNote:
    def __call__(self, paper: Any) -> bool:
        return paper.has_note

    @property
    def label(self) -> str:
        return "has note"


@dataclass(frozen=True, slots=True)
class HasCode:
    def __call__(self, paper: Any) -> bool:
        return paper.has_code

    @property
    def label(self) -> str:
        return "has code"


@dataclass(frozen=True, slots=True)
class YearRange:
    """Years from ``start`` to ``end`` inclusive; either end may be open."""

    start: int | None = None
    end: int | None = None

    def __call__(self, paper: Any) -> bool:
        if paper.year is None:
            return False
        if self.start is not None and paper.year < self.start:
            return False
        return self.end is None or paper.year <= self.end

    @property
    def label(self) -> str:
        return f"year:{self.start or ''}-{self.end or ''}"

    @classmethod
    def parse(cls, text: str) -> YearRange:
        """'2020-2024', '2020-', '-2019' or '2023'."""
        text = text.strip()
        start, sep, end = text.partition("-")
        try:
            lo = int(start) if start.strip() else None
            hi = int(end) if end.strip() else (lo if not sep else None)
        except ValueError:
            raise ValueError(f"not a year range: {text!r} (try 2020-2024, 2020- or -2019)")
        if lo is None and hi is None:
            raise ValueError(f"not a year range: {text!r}")
        return cls(lo, hi)


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every filter must match; the empty combination matches everything."""

    filters: tuple[Filter, ...] = ()

    def __call__(self, paper: Any) -> bool:
        return all(f(paper) for f in self.filters)

    @property
    def label(self) -> str:
        return " + ".join(f.label for f in self.filters) or "all"

    def with_(self, new: Filter) -> AllOf:
        """This combination plus ``new``, replacing a filter of the same kind for the
        single-valued kinds (a decision, a year range)."""
        single = (WithDecision, YearRange, WithReason)
        kept = tuple(f for f in self.filters
                     if not (isinstance(new, single) and type(f) is type(new)) and f != new)
        return AllOf(kept + (new,))

    def without(self, old: Filter) -> AllOf:
        return AllOf(tuple(f for f in self.filters if f != old))


def apply(filters: Iterable[Filter], papers: Iterable[Any]) -> list[Any]:
    combined = AllOf(tuple(filters))
    return [p for p in papers if combined(p)]

"""What every dump parser takes and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Paper


# Papers handed to ParseContext.on_papers at a time: the planning child starts on the
# first batch, so smaller ones leave it less to do after the parse (a .bib of 5,000
# entries: 60 against 69 ms of waiting, median of 3).
STREAM_BATCH = 1024


@dataclass(slots=True, frozen=True)
class ParseContext:
    file: str  # absolute path, recorded as the papers' provenance
    year: int  # reference year for dates printed without one ("Jan 31")
    # Called now and then with the papers so far (all final), by parsers that can, so
    # that the import dedups them while the rest is parsed.
    on_papers: Callable[[list[Paper]], None] | None = None
    # (month, day) of today when ``year`` is this year by default, not the user's choice.
    today: tuple[int, int] | None = None

    def year_of(self, month: int, day: int) -> int:
        """The year of a date printed without one. Pages print no year for this year's
        dates, so by default a date still to come is last year's: a page copied in
        December and imported in January."""
        if self.today is not None and (month, day) > self.today:
            return self.year - 1
        return self.year


@dataclass(slots=True, frozen=True)
class Skipped:
    """A part of the dump that held no paper, with the line it starts on and why."""

    line: int
    reason: str


@dataclass(slots=True)
class ParseResult:
    papers: list[Paper] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append(Skipped(line, reason))

"""What every dump parser takes and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from ..model import METADATA_FIELDS, Paper, Source


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

    def __reduce__(self):
        """Pickled as one list per field: the halves of a big parse come back from a child
        process this way, a tenth of the time pickle takes over dataclasses. A parser's
        papers hold metadata and sources, nothing else."""
        papers = self.papers
        columns = [list(map(attrgetter(name), papers)) for name in METADATA_FIELDS]
        sources = [[(s.file, s.line, s.format) for s in p.sources] for p in papers]
        return _unpickle, (columns, sources, self.skipped, self.warnings)


def _unpickle(columns: list[list], sources: list[list[tuple]], skipped: list[Skipped],
              warnings: list[str]) -> ParseResult:
    papers = [Paper(*metadata, sources=[Source(*s) for s in paper_sources])
              for *metadata, paper_sources in zip(*columns, sources)]
    return ParseResult(papers, skipped, warnings)

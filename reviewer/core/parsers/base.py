"""What every dump parser takes and returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Paper


@dataclass(slots=True, frozen=True)
class ParseContext:
    file: str  # absolute path, recorded as the papers' provenance
    year: int  # reference year for dates printed without one ("Jan 31")


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

"""The survey's outline: sections made from tags, and how well sections cover the papers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import UsageError
from .model import Decision
from .store import Review

THIN_SECTION = 3


def sections_from_tags(review: Review, tags: Iterable[str] | None = None) -> list[str]:
    """One section per tag (all tags, or the chosen ones), filled with its papers.

    Existing sections of the same name are filled, not duplicated. One undo step.
    Returns the titles of the sections touched.
    """
    known = dict(review.tags())
    wanted = list(dict.fromkeys(tags)) if tags else list(known)
    missing = [t for t in wanted if t not in known]
    if missing:
        raise UsageError(f"no paper has the tag {missing[0]!r}")
    if not wanted:
        raise UsageError("no tags in this review yet: tag papers first (reviewer tag ID TAG)")
    summaries = review.summaries()
    with review.change(f"sections from tags: {', '.join(wanted)}"):
        for tag in wanted:
            ids = [s.id for s in summaries if tag in s.tags]
            review.assign(tag, ids, create=True)
    return wanted


@dataclass(slots=True)
class Coverage:
    per_section: list[tuple[str, int]] = field(default_factory=list)
    unplaced_included: list[int] = field(default_factory=list)
    unplaced_starred: list[int] = field(default_factory=list)
    thin_sections: list[str] = field(default_factory=list)


def coverage(review: Review) -> Coverage:
    """Papers per section; included or starred papers in no section; thin sections."""
    result = Coverage()
    for section in review.sections():
        result.per_section.append((section.title, len(section.paper_ids)))
        if len(section.paper_ids) < THIN_SECTION:
            result.thin_sections.append(section.title)
    for s in review.summaries():
        if s.sections:
            continue
        if s.decision == Decision.INCLUDE:
            result.unplaced_included.append(s.id)
        if s.starred:
            result.unplaced_starred.append(s.id)
    return result

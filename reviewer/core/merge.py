"""Fold a duplicate record into a paper, keeping the richest value of each field.

Only bibliographic metadata is merged; the user's stars, tags, notes, decisions, sections
and citation key are never touched here.
"""

from __future__ import annotations

from typing import Any

from . import bibraw
from .model import FILL_FIELDS, UNION_FIELDS, Paper

# Links and keywords a merge still adds to. Every merge looks through the paper's own: a
# paper listed under 4,000 headings of a hostile list, each with another code link,
# gathered 4,000 of each, and its merges took time growing with their square (4.3 s).
MAX_ITEMS = 100


def merged_fields(base: Paper, other: Paper) -> dict[str, Any]:
    """The metadata fields of ``base`` that ``other`` improves, with their new values."""
    changes: dict[str, Any] = {}

    # A title that gained a subtitle or lost a truncation is richer; otherwise keep the
    # title the user has been looking at.
    if len(other.title) >= len(base.title) + 5 or not base.title:
        changes["title"] = other.title

    if _richer_abstract(base, other):
        changes["abstract"] = other.abstract
        changes["abstract_truncated"] = other.abstract_truncated

    if _richer_authors(base.authors, other.authors):
        changes["authors"] = list(other.authors)
    count = max(base.author_count or 0, other.author_count or 0,
                len(changes.get("authors", base.authors))) or None
    if count != base.author_count:
        changes["author_count"] = count

    changes.update(_richer_date(base, other))

    if other.upvotes is not None and (base.upvotes is None or other.upvotes > base.upvotes):
        changes["upvotes"] = other.upvotes

    # The other record is tested first: a re-import brings back what is stored, and most
    # records lack most of these fields.
    for name in FILL_FIELDS:  # the fields the model merges by "fill"
        value = getattr(other, name)
        if value and not getattr(base, name):
            changes[name] = value

    for name in UNION_FIELDS:
        theirs = getattr(other, name)
        if theirs:
            ours = getattr(base, name)
            if len(ours) >= MAX_ITEMS:
                continue
            union = _union(ours, theirs)[:MAX_ITEMS]
            if len(union) > len(ours):
                changes[name] = union

    if other.extra:
        theirs = other.extra
        if bibraw.has_raw(theirs) and (bibraw.has_raw(base.extra) or bibraw.FROM_EXPORT in theirs):
            # One entry's fields as written, never a mix of two; none from a file
            # reviewer wrote (what it holds came from the review).
            theirs = bibraw.without_raw(theirs)
        missing = {k: v for k, v in theirs.items() if k not in base.extra and v}
        alias = _alias(base.extra, other.extra)
        if missing or alias:
            changes["extra"] = {**base.extra, **missing, **alias}
    return changes


def _alias(ours: dict[str, str], theirs: dict[str, str]) -> dict[str, str]:
    """A .bib entry merged into another keeps its key as an alias (biblatex's ``ids``),
    so that documents citing it still find it."""
    if not (bibraw.has_raw(ours) and bibraw.has_raw(theirs)) or bibraw.FROM_EXPORT in theirs:
        return {}
    key = theirs[bibraw.KEY]
    ids = [k.strip() for k in ours.get("bib:ids", "").strip("{}").split(",") if k.strip()]
    if key == ours[bibraw.KEY] or key in ids:
        return {}
    return {"bib:ids": "{" + ", ".join([*ids, key]) + "}"}


def _richer_authors(base: list[str], other: list[str]) -> bool:
    """More names win. Among as many, names in BibTeX's "Last, First" form win: they say
    where a surname like "Aguera y Arcas" starts, which "First Last" from a listing cannot."""
    if len(other) != len(base):
        return len(other) > len(base)
    return _structured(other) > _structured(base)


def _structured(names: list[str]) -> int:
    return sum(1 for name in names if "," in name)


def apply_fields(paper: Paper, changes: dict[str, Any], other: Paper) -> None:
    """Set ``changes``, the fields ``other`` improves (merged_fields)."""
    was = {name: getattr(paper, name) for name in changes}
    extra_was, type_was = paper.extra, paper.entry_type
    for name, value in changes.items():
        setattr(paper, name, value)
    # The planning child's light records (planning.py) have no kept fields to settle.
    if bibraw.TYPE in paper.extra and isinstance(paper, Paper):
        from .export.bibtex import settle_imported
        settle_imported(paper, was, extra_was, type_was, came_with=other)


def _richer_abstract(base: Paper, other: Paper) -> bool:
    if not other.abstract:
        return False
    if not base.abstract:
        return True
    if base.abstract_truncated != other.abstract_truncated:
        return base.abstract_truncated
    return len(other.abstract) > len(base.abstract)


def _precision(paper: Paper) -> tuple[int, int, int]:
    """How much a date says: a stated year beats an inferred one; the date of a published
    record (one with a venue) beats a preprint's; then month and day."""
    if paper.year is None:
        return (0, 0, 0)
    return (1 if paper.year_inferred else 2, 1 if paper.venue else 0,
            (paper.month is not None) + (paper.day is not None))


def _richer_date(base: Paper, other: Paper) -> dict[str, Any]:
    if _precision(other) <= _precision(base):
        # Same year stated in both, but the other knows the month or day: take those.
        if (base.year is not None and base.year == other.year and not other.year_inferred
                and base.month is None and other.month is not None):
            return {"month": other.month, "day": other.day}
        return {}
    fields = {"year": other.year, "month": other.month, "day": other.day,
              "year_inferred": other.year_inferred}
    return {k: v for k, v in fields.items() if getattr(base, k) != v}


def _union(first: list[str], second: list[str]) -> list[str]:
    seen = {item.rstrip("/").lower() for item in first}
    out = list(first)
    for item in second:
        key = item.rstrip("/").lower()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out

"""Writing a plan into the review: one function, one undoable change.

``apply_enrichment`` is the one seam between fetching and storing: it takes the
planner's proposed values (each with its source) and hands them to the operation that
improves a stored paper (core/improve.py), with origin ``service:<name>``, so that each
value's origin is recorded and the user's hand edits (``hand_set``) are never
overwritten; with the run's near misses, it is one change that ``undo`` takes back whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..improve import USER, Offer, improve, partners
from ..model import Paper
from ..store import Review
from . import uncertain
from .plan import PREPRINT_TYPES, Plan, is_preprint_venue


@dataclass(slots=True)
class Applied:
    changed: dict[int, list[str]] = field(default_factory=dict)  # paper id -> fields
    keys: dict[int, tuple[str, str]] = field(default_factory=dict)  # re-derived keys
    uncertain_added: int = 0


def hand_set(review: Review, ids: Iterable[int]) -> dict[int, set[str]]:
    """The fields the user set by hand (``reviewer edit``, the provenance improve keeps),
    with the fields that say one thing with them: fetched values never replace them."""
    out: dict[int, set[str]] = {}
    for pid, origins in review.provenance(ids).items():
        mine = {name for name, origin in origins.items() if origin == USER}
        if mine:
            out[pid] = {partner for name in mine for partner in partners(name)}
    return out


def still_open(paper: Paper, name: str, value: Any) -> bool:
    """Whether the stored paper still lacks what ``name`` would get (it may have changed
    since the plan was made: an edit, an import, another run)."""
    if name == "authors":
        return not paper.authors
    if name == "author_count":
        return not paper.authors or paper.author_count is None
    if name in ("year", "year_inferred"):
        return paper.year is None or paper.year_inferred
    if name in ("month", "day"):
        return paper.year is None or paper.year_inferred or paper.month is None
    if name in ("abstract", "abstract_truncated"):
        return not paper.abstract or paper.abstract_truncated
    if name == "links":
        return {x.rstrip("/").lower() for x in paper.links} <= {
            x.rstrip("/").lower() for x in value}
    if name == "venue":
        return is_preprint_venue(paper.venue)
    if name == "entry_type":
        return paper.entry_type.lower() in PREPRINT_TYPES
    if name == "doi":
        return not paper.doi or paper.doi.startswith("10.48550/")
    if name == "extra":
        return all(value.get(k) == v for k, v in paper.extra.items())
    return not getattr(paper, name)  # arxiv_id, primary_class, comments


def apply_enrichment(review: Review, plan: Plan, label: str | None = None) -> Applied:
    """Write ``plan`` into the review as one change (joining an enclosing one)."""
    out = Applied()
    changed = plan.changed
    label = label or (f"enrich {len(changed)} paper{'s' if len(changed) != 1 else ''} "
                      "from online sources")
    with review.change(label) as changes:
        ids = [p.paper_id for p in changed]
        papers = {p.id: p for p in review.papers(ids, sources=False)}
        protected = hand_set(review, ids)
        offers: dict[int, list[Offer]] = {}
        for item in changed:
            paper = papers.get(item.paper_id)
            if paper is None:  # merged into another or taken back since the plan
                continue
            mine = protected.get(paper.id, set())
            new = {name: fv for name, fv in item.fields.items()
                   if name not in mine and still_open(paper, name, fv.value)
                   and getattr(paper, name) != fv.value}
            if not new:
                continue
            origins = {name: fv.source for name, fv in new.items()}
            if "extra" in new:  # improve records the origin of each extra field
                origins.update((f"extra.{key}", new["extra"].source)
                               for key in new["extra"].value)
            first = next(iter(new.values())).source
            offers.setdefault(paper.id, []).append(
                Offer({name: fv.value for name, fv in new.items()}, first, origins))
        # Names and a year make a better key ("liSegment2023"): improve derives it again
        # only while the key has never left the app.
        done = improve(review, offers, label)
        out.changed, out.keys = done.fields, done.keys
        identified = {pid for pid, names in out.changed.items()
                      if "arxiv_id" in names or "authors" in names}
        uncertain.drop_resolved(review, changes, identified)
        out.uncertain_added = uncertain.add(review, changes, plan.uncertain)
    return out

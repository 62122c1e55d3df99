"""Writing a plan into the review: one function, one undoable change.

``apply_enrichment`` is the one seam between fetching and storing: it takes the
planner's proposed values (each with its source) and writes them through the store's
history, with the run's near misses, as one change that ``undo`` takes back whole. When
the review learns where each field's value came from (issue 18's improve-a-paper
operation, with field provenance), this is the function to point at it; ``hand_set``
is where the user's hand edits are kept out of reach.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..citekeys import base_key, unique_key
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
    """The fields the user set by hand, which fetched values never replace.

    The review keeps no field provenance yet (issue 18 adds it): until then no field is
    known to be hand-set, and what protects the user's values is that a fetched value
    only fills a field that is empty, a guess or a preprint's."""
    return {}


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
        frozen = review.frozen_citekeys(ids)
        taken: set[str] | None = None
        for item in changed:
            paper = papers.get(item.paper_id)
            if paper is None:  # merged into another or taken back since the plan
                continue
            mine = protected.get(paper.id, set())
            new = {name: fv.value for name, fv in item.fields.items()
                   if name not in mine and still_open(paper, name, fv.value)
                   and getattr(paper, name) != fv.value}
            if not new:
                continue
            old = {name: getattr(paper, name) for name in new}
            if paper.id not in frozen:
                # Names and a year make a better key ("liSegment2023"): only while the key
                # has never left the app.
                after = copy.copy(paper)
                for name, value in new.items():
                    setattr(after, name, value)
                wanted = base_key(after)
                if not _same_stem(paper.citekey, wanted):
                    if taken is None:
                        taken = review.citekeys()
                    taken.discard(paper.citekey)
                    key = unique_key(wanted, taken)
                    taken.add(key)
                    old["citekey"], new["citekey"] = paper.citekey, key
                    out.keys[paper.id] = (paper.citekey, key)
            changes.set(paper.id, old, new)
            out.changed[paper.id] = [n for n in new if n != "citekey"]
        identified = {pid for pid, names in out.changed.items()
                      if "arxiv_id" in names or "authors" in names}
        uncertain.drop_resolved(review, changes, identified)
        out.uncertain_added = uncertain.add(review, changes, plan.uncertain)
    return out


def _same_stem(key: str, wanted: str) -> bool:
    rest = key[len(wanted):]
    return key.startswith(wanted) and (rest == "" or (rest.isalpha() and rest.islower()))

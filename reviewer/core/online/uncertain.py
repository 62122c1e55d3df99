"""Near misses kept for the user: ``reviewer uncertain list | accept N | reject N``.

They live in the review's ``meta`` table (there since schema v1), one row each, keyed
``online.uncertain.N``: beside the papers they are about, so they move with the review
file, need no migration, and are written in the same transaction and history entry as
the run that found them (undo takes them back with it). N is stable: a decided entry
(accepted, rejected, or resolved when its paper was identified later) stays, marked, so
its number is never given to another and the next run does not list it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import NotFound, UsageError
from ..history import Changes
from ..store import Review
from .plan import Candidate

PREFIX = "online.uncertain."


@dataclass(slots=True)
class Entry:
    number: int
    candidate: Candidate
    status: str  # "open", "accepted" or "rejected"
    raw: dict  # the meta row as stored, for history


def entries(review: Review, everything: bool = False) -> list[Entry]:
    out = []
    for key, value in review.meta_items(PREFIX):
        try:
            number = int(key[len(PREFIX):])
            data = json.loads(value)
            entry = Entry(number, Candidate.from_json(data), data.get("status", "open"),
                          {"key": key, "value": value})
        except (ValueError, KeyError, TypeError):
            continue  # a row this version cannot read: left alone
        if everything or entry.status == "open":
            out.append(entry)
    return sorted(out, key=lambda e: e.number)


def add(review: Review, changes: Changes, candidates: Iterable[Candidate]) -> int:
    """Store the candidates not stored yet (open or rejected); returns how many."""
    have = entries(review, everything=True)
    known = {e.candidate.key for e in have}
    number = max((e.number for e in have), default=0)
    added = 0
    for candidate in candidates:
        if candidate.key in known:
            continue
        known.add(candidate.key)
        number += 1
        added += 1
        value = json.dumps({**candidate.to_json(), "status": "open"}, ensure_ascii=False)
        changes.row("meta", None, {"key": f"{PREFIX}{number}", "value": value})
    return added


def drop_resolved(review: Review, changes: Changes, ids: set[int]) -> int:
    """Close the open near misses of papers that have just been identified (an exact
    id, or a title that passed the checks): they were other papers."""
    dropped = 0
    for entry in entries(review):
        if entry.candidate.paper_id in ids:
            _mark(changes, entry, "resolved")
            dropped += 1
    return dropped


def get(review: Review, number: int) -> Entry:
    for entry in entries(review):
        if entry.number == number:
            return entry
    raise NotFound(f"no open uncertain match {number} in review {review.name!r} "
                   "(see `reviewer uncertain list`)")


def accept(review: Review, number: int):
    """Apply the match as if it had passed the checks; one undoable change."""
    from .apply import apply_enrichment, hand_set
    from .plan import FieldValue, PaperPlan, Plan, improvements

    entry = get(review, number)
    c = entry.candidate
    with review.change(f"accept uncertain match {number} for #{c.paper_id}") as changes:
        paper = review.get(c.paper_id)
        values = improvements(paper, c.record, hand_set(review, [paper.id]).get(paper.id, ()))
        if not values:
            raise UsageError(f"#{paper.id} already has everything match {number} gives; "
                             "reject it instead")
        plan = Plan([PaperPlan(paper.id, {k: FieldValue(v, f"service:{c.source}")
                                          for k, v in values.items()})], 1, [])
        applied = apply_enrichment(review, plan)
        _mark(changes, entry, "accepted")
    return entry, applied


def reject(review: Review, number: int) -> Entry:
    entry = get(review, number)
    with review.change(f"reject uncertain match {number}") as changes:
        _mark(changes, entry, "rejected")
    return entry


def _mark(changes: Changes, entry: Entry, status: str) -> None:
    """Decided entries stay (marked): their number is never given to another, and the
    next run does not list them again."""
    data = json.loads(entry.raw["value"])
    data["status"] = status
    changes.row("meta", entry.raw, {"key": entry.raw["key"],
                                    "value": json.dumps(data, ensure_ascii=False)})

"""Merging papers by hand: the duplicates an import could not tell (a preprint and its
journal version under another title, a title list's line and its arXiv record).

The kept paper takes the richest metadata of the others, field by field, as an import's
merge does (through core/improve.py: but it keeps its title, and what the user set by
hand), and everything the user gave them: sources, tags, sections, notes (one after
the other), a star. It keeps its decision, or takes the others' when it has none (the
most inclusive, so that a merge never drops an included paper; an exclude with its
reason), and its citation key (derived again when the merge gives it authors or a year,
while the key has never left the app).
The others leave the review saying where they went (``papers.merged_into``): importing
one of their records again folds it into the kept paper. One change: ``undo`` brings
them back as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import NotFound, UsageError
from .improve import Offer, improve, origin_of
from .model import Decision, Paper
from .store import Review

# Which decision a merge keeps when the kept paper has none and the others differ.
_INCLUSIVE = (Decision.INCLUDE, Decision.MAYBE, Decision.EXCLUDE)


@dataclass(slots=True)
class MergeReport:
    kept: Paper  # as it is after the merge
    merged: list[Paper]  # as they were before it
    improved: list[str] = field(default_factory=list)  # metadata fields the others enriched
    exported_keys: list[str] = field(default_factory=list)  # keys of merged papers that
    # had left the app: documents citing them should cite the kept paper's key now


def merge_papers(review: Review, keep: int, others: Sequence[int]) -> MergeReport:
    """Merge ``others`` into ``keep`` (paper ids), as one undoable change."""
    others = list(dict.fromkeys(others))
    if not others:
        raise UsageError("name the papers to merge into the kept one")
    if keep in others:
        raise UsageError(f"paper {keep} cannot be merged into itself")
    label = f"merge {', '.join(map(str, others))} into {keep}"
    with review.change(label) as changes:
        conn = changes.conn
        papers = {p.id: p for p in review.papers([keep, *others])}
        missing = [pid for pid in (keep, *others) if pid not in papers]
        if missing:
            raise NotFound(f"no paper {missing[0]} in review {review.name!r}")
        kept, rest = papers[keep], [papers[pid] for pid in others]
        # The title stays the one the user chose to keep (the others' titles still find
        # the paper, through the papers merged into it). Its key is derived again when
        # the merge gives it authors or a year, as an import's merge would, unless it has
        # left the app.
        origins = review.provenance(others)
        done = improve(review, {keep: [Offer(other, origin_of(other), origins.get(other.id, {}))
                                       for other in rest]},
                       label, keep=("title",))
        improved = done.fields.get(keep, [])
        changes.set(keep, {"starred": kept.starred, "decision": kept.decision.value,
                           "note": kept.note},
                    {"starred": kept.starred or any(p.starred for p in rest),
                     "decision": _decision(kept, rest).value, "note": _notes(kept, rest)})
        _take_reason(changes, kept, rest, _decision(kept, rest).value)
        _move_tags(changes, kept, rest)
        _move_sections(changes, keep, others)
        for source_id, paper_id in conn.execute(
                f"SELECT id, paper_id FROM sources WHERE paper_id IN "
                f"({','.join('?' * len(others))}) ORDER BY id", others).fetchall():
            changes.row("sources", {"id": source_id, "paper_id": paper_id},
                        {"id": source_id, "paper_id": keep})
        frozen = review.frozen_citekeys(others)
        for other in rest:
            changes.set(other.id, {"removed": 0, "merged_into": None},
                        {"removed": 1, "merged_into": keep})
    return MergeReport(review.get(keep), rest, improved,
                       [p.citekey for p in rest if p.id in frozen])


def _decision(kept: Paper, rest: list[Paper]) -> Decision:
    if kept.decision != Decision.UNDECIDED:
        return kept.decision
    decided = {p.decision for p in rest}
    return next((d for d in _INCLUSIVE if d in decided), Decision.UNDECIDED)


def _take_reason(changes, kept: Paper, rest: list[Paper], decision: str) -> None:
    """A kept paper that takes the others' exclude takes the reason it came with; the
    papers merged away leave theirs (only papers in the review have one: reasons.py)."""
    for other in rest:
        if other.reason:
            changes.row("decision_reasons", {"paper_id": other.id, "reason": other.reason},
                        None)
    if decision != Decision.EXCLUDE or kept.reason:
        return
    reason = next((p.reason for p in rest if p.decision is Decision.EXCLUDE and p.reason), "")
    if reason:
        changes.row("decision_reasons", None, {"paper_id": kept.id, "reason": reason})


def _notes(kept: Paper, rest: list[Paper]) -> str:
    notes = [kept.note.strip()] if kept.note.strip() else []
    for other in rest:
        note = other.note.strip()
        if note and not any(note in n for n in notes):
            notes.append(note)
    return "\n\n".join(notes)


def _move_tags(changes, kept: Paper, rest: list[Paper]) -> None:
    have = set(kept.tags)
    for other in rest:
        for tag in other.tags:
            changes.row("tags", {"paper_id": other.id, "tag": tag}, None)
            if tag not in have:
                have.add(tag)
                changes.row("tags", None, {"paper_id": kept.id, "tag": tag})


def _move_sections(changes, keep: int, others: list[int]) -> None:
    """The kept paper joins the others' sections, at the place the first of them had."""
    conn = changes.conn
    rows = conn.execute(f"SELECT section_id, paper_id, position FROM section_papers "
                        f"WHERE paper_id IN ({','.join('?' * (len(others) + 1))}) "
                        f"ORDER BY section_id, position", [keep, *others]).fetchall()
    placed = {section for section, paper, _ in rows if paper == keep}
    for section, paper, position in rows:
        if paper == keep:
            continue
        changes.row("section_papers", {"section_id": section, "paper_id": paper,
                                       "position": position}, None)
        if section not in placed:
            placed.add(section)
            changes.row("section_papers", None, {"section_id": section, "paper_id": keep,
                                                 "position": position})

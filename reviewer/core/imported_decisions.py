"""Decisions that come with a dump (ASReview's labels, Rayyan's votes, a reviewer CSV), stored
when the user asks for them (``reviewer import --decisions``).

They are applied through ``Review.decide`` inside the import's own change, so one undo
takes back the papers and the decisions together. A decision the review already holds is
the user's word and stays: a file that disagrees is reported, not obeyed. An exclude comes
with its reason where the file gives one (Rayyan's ``RAYYAN-EXCLUSION-REASONS``, the
``reason`` column of reviewer's CSV); a paper already excluded without a reason takes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import Decision, Paper
from .store import Review, chunks

# When records of one paper disagree (duplicates in the file), the most inclusive wins,
# as a manual merge keeps the most inclusive decision.
_RANK = {Decision.INCLUDE: 3, Decision.MAYBE: 2, Decision.EXCLUDE: 1, Decision.UNDECIDED: 0}

Labelled = list[tuple[str, int, Decision, str]]
"""(file, line, decision, exclusion reason) of each record that carries a decision."""


@dataclass(slots=True)
class DecisionsApplied:
    decided: int = 0  # papers whose decision the file set
    agreed: int = 0  # papers that already had the file's decision
    kept: list[tuple[int, Decision, Decision]] = field(default_factory=list)
    """(paper id, the review's decision, the file's) where the review's was kept."""

    @property
    def summary(self) -> str:
        text = f"{self.decided} decision{'' if self.decided == 1 else 's'} imported"
        if self.agreed:
            text += f", {self.agreed} already so"
        if self.kept:
            text += (f"; {len(self.kept)} paper{' keeps' if len(self.kept) == 1 else 's keep'}"
                     " the decision it had (the file differs)")
        return text


def labelled(papers: Sequence[Paper]) -> Labelled:
    """The records' decisions by where each was read, taken before the import merges
    records (a merge keeps the sources of both, not their decisions)."""
    return [(p.sources[0].file, p.sources[0].line, p.decision,
             p.reason if p.decision is Decision.EXCLUDE else "") for p in papers
            if p.decision is not Decision.UNDECIDED and p.sources]


def apply_decisions(review: Review, records: Labelled) -> DecisionsApplied:
    """Give the papers the records became (found by their sources) the records' decisions.
    Call inside the import's change, after its papers are stored."""
    from .reasons import reasons_of

    outcome = DecisionsApplied()
    wanted: dict[int, Decision] = {}
    why: dict[int, str] = {}  # the first reason a paper's excluding records give
    conn = review.conn
    for file in dict.fromkeys(r[0] for r in records):
        at_line = dict(conn.execute(
            "SELECT s.line, s.paper_id FROM sources s JOIN papers p ON p.id = s.paper_id "
            "WHERE s.file = ? AND p.removed = 0", (file,)))
        for _, line, decision, reason in (r for r in records if r[0] == file):
            pid = at_line.get(line)
            if pid is None:
                continue
            if _RANK[decision] > _RANK[wanted.get(pid, Decision.UNDECIDED)]:
                wanted[pid] = decision
            if reason and decision is Decision.EXCLUDE:
                why.setdefault(pid, reason)
    current: dict[int, Decision] = {}
    ids = list(wanted)
    for part in chunks(ids):
        marks = ",".join("?" * len(part))
        current.update((pid, Decision(d)) for pid, d in conn.execute(
            f"SELECT id, decision FROM papers WHERE id IN ({marks})", part))
    had_reason = reasons_of(conn, [pid for pid, d in wanted.items() if d is Decision.EXCLUDE])
    by_decision: dict[tuple[Decision, str], list[int]] = {}
    for pid, decision in wanted.items():
        have = current[pid]
        reason = why.get(pid, "") if decision is Decision.EXCLUDE else ""
        if have is decision:
            outcome.agreed += 1
            if reason and pid not in had_reason:
                review.decide([pid], decision, reason)
        elif have is Decision.UNDECIDED:
            by_decision.setdefault((decision, reason), []).append(pid)
        else:
            outcome.kept.append((pid, have, decision))
    for (decision, reason), pids in by_decision.items():
        outcome.decided += review.decide(pids, decision, reason or None)
    return outcome

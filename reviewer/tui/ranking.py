"""The orders the screening assistant gives the paper list, worked out in a worker's
thread (tui/relevance.py runs them): the learned order (``Learner``), papers like one
paper, and ``Ranking``, which the list state sorts by. Plain Python and numpy, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.model import Decision

if TYPE_CHECKING:
    from ..core.relevance.scoring import Corpus


class ArrayScores:
    """Paper id -> score, read from the classifier's array of scores (no dict of
    100,000 floats built after each decision)."""

    def __init__(self, values: Any, row_of: dict[int, int]) -> None:
        self.values = values
        self.row_of = row_of

    def get(self, paper_id: int, default: float | None = None) -> float | None:
        row = self.row_of.get(paper_id)
        return default if row is None else float(self.values[row])

    def __bool__(self) -> bool:
        return True


# Rows mapped per slice when a ranking is prepared in its thread: one C call over 100,000
# rows holds the GIL for tens of milliseconds, a slice of 5,000 a few.
SLICE = 5_000


@dataclass(slots=True)
class Ranking:
    """An order of the papers given from outside the rows: ``ids`` first to last, each
    with a score shown in the list. ``rest``: papers not ranked follow in import order
    (the learned order: papers imported since the fit); otherwise they are left out
    (more like this: papers sharing no word).

    ``prepare`` (in the worker's thread) maps the ids to the screen's rows once, so that
    the event loop takes the new order without a pass over 100,000 rows (70 ms for the
    mapping, 86 for the positions, on the shared machine)."""

    ids: list[int]
    scores: Any  # .get(paper id): a dict or ArrayScores
    rest: bool = True
    signed: bool = True  # a classifier's margin (+/-), or a cosine (0 to 1)
    _position: dict[int, int] | None = None
    _rows: list | None = None
    _by_id: dict | None = None

    @property
    def position(self) -> dict[int, int]:
        if self._position is None:
            self._position = {pid: i for i, pid in enumerate(self.ids)}
        return self._position

    def prepare(self, by_id: dict, rows: list) -> Ranking:
        """Map the ids to the rows of ``by_id`` (all of them: ``rows``)."""
        ordered: list = []
        ids = self.ids
        for start in range(0, len(ids), SLICE):
            ordered += filter(None, map(by_id.get, ids[start:start + SLICE]))
        position = {r.id: i for i, r in enumerate(ordered)}
        if self.rest and len(ordered) < len(rows):
            for r in rows:
                if r.id not in position:
                    position[r.id] = len(ordered)
                    ordered.append(r)
        self._rows, self._by_id, self._position = ordered, by_id, position
        return self

    def view_position(self, paper_id: int, by_id: dict) -> int | None:
        """Where ``paper_id`` is in the order prepared for ``by_id`` (all papers, no
        filter); None when not prepared for those rows."""
        return self.position.get(paper_id) if self._by_id is by_id else None

    def order(self, rows: list, every: bool, by_id: dict) -> list:
        """``rows`` in this order; ``every``: they are all the papers (no search), so the
        ids map straight to rows (or the prepared order is the answer)."""
        if every and self._rows is not None and self._by_id is by_id:
            return self._rows
        position = self.position
        if every:
            ordered = list(filter(None, map(by_id.get, self.ids)))
        else:
            ordered = [r for r in rows if r.id in position]
            ordered.sort(key=lambda r: position[r.id])
        if self.rest and len(ordered) < len(rows):
            ordered += [r for r in rows if r.id not in position]
        return ordered

    def show(self, paper_id: int) -> str:
        """The score as the list shows it: five cells."""
        score = self.scores.get(paper_id)
        if score is None:
            return "     "
        score = max(-9.99, min(9.99, score))
        return f"{score:+.2f}" if self.signed else f"{score:5.2f}"


class Learner:
    """The corpus's labels and undecided flags as arrays, updated from the rows that
    changed; ``rank`` gives the learned order. Used by one thread at a time."""

    def __init__(self, corpus: Corpus) -> None:
        import numpy as np

        from ..core.relevance.model import UNLABELLED

        self.corpus = corpus
        self.ids = np.asarray(corpus.ids)
        self.labels = np.full(len(corpus.ids), UNLABELLED, dtype=np.int8)
        self.undecided = np.ones(len(corpus.ids), dtype=bool)

    def update(self, rows: Iterable[Any]) -> None:
        """Take the decisions and stars of list rows (what the screen holds)."""
        from ..core.relevance.model import label_of

        row_of = self.corpus.row_of
        for s in rows:
            row = row_of.get(s.id)
            if row is not None:
                self.labels[row] = label_of(s.decision, s.starred)
                self.undecided[row] = s.decision is Decision.UNDECIDED

    def rank(self) -> Ranking | str:
        """Undecided papers first, each group most likely relevant first (ties: the
        lowest id, as core's top_undecided); or the model's message when it has not
        seen both kinds of paper."""
        import numpy as np

        from ..core.relevance.model import Ranker
        from ..core.relevance.scoring import Learned

        ranker = Ranker(self.corpus.features)
        ranker.labels[:] = self.labels
        if not ranker.ready:
            return Learned(None, *ranker.counts()).message
        scores = ranker.scores()
        order = np.lexsort((self.ids, -scores, ~self.undecided))  # numpy: without the GIL
        return Ranking(self.ids[order].tolist(), ArrayScores(scores, self.corpus.row_of))


def learned_order(learner: Learner, changed: Iterable[Any], by_id: dict,
                  rows: list) -> Ranking | str:
    """Update the learner from the ``changed`` rows, rank, and map the order to the
    screen's rows (``by_id``, ``rows``). In a thread."""
    learner.update(changed)
    ranking = learner.rank()
    return ranking if isinstance(ranking, str) else ranking.prepare(by_id, rows)


def like_order(corpus: Corpus, paper_id: int, by_id: dict, rows: list) -> Ranking:
    from ..core.relevance.related import most_similar

    hits = most_similar(corpus.features, corpus.row_of[paper_id])
    scores = {corpus.ids[row]: sim for row, sim in hits}
    scores[paper_id] = 1.0
    return Ranking([paper_id, *(corpus.ids[row] for row, _ in hits)], scores, rest=False,
                   signed=False).prepare(by_id, rows)


class DecisionLog:
    """The review's decision log (core: Review.decision_log), kept up to date in memory:
    a decision seen on a row is appended. What undo and redo do comes out the same for
    the screening order (stopping.screening_order counts a paper from its first
    decision, and a return to undecided takes it out), so only a reload reads the
    review again."""

    def __init__(self, log: list[tuple[int, str]], rows: Iterable[Any]) -> None:
        self.log = log
        self.known = {s.id: s.decision for s in rows if s.decision is not Decision.UNDECIDED}

    def saw(self, rows: Iterable[Any]) -> bool:
        """Note the rows' decisions; True when one changed."""
        changed = False
        for s in rows:
            if self.known.get(s.id, Decision.UNDECIDED) is not s.decision:
                self.log.append((s.id, s.decision.value))
                if s.decision is Decision.UNDECIDED:
                    self.known.pop(s.id, None)
                else:
                    self.known[s.id] = s.decision
                changed = True
        return changed

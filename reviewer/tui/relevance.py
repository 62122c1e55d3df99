"""The screening assistant in the TUI: the learned order, more like this, the suggested
section and the stopping figures, worked out off the event loop.

The screen owns one ``Screening``; it tells it what changed (``changed``), and the list
takes its order from ``state.ranking`` (a ``Ranking``: ids in order and their scores)
while the learned order or "more like this" is on.

Where the work runs, and why (core/relevance/scoring.py):

* the TF-IDF fit holds the GIL for a minute at 100,000 papers: it runs in a child
  process (core/relevance/fitting.py), which keeps the matrix in the data dir's cache;
  a thread waits for it and loads the file;
* a re-rank (relabel from the rows in memory, refit the classifier, score every paper,
  order them) is numpy and liblinear, which leave the GIL to the keys: a thread, one at
  a time; decisions made meanwhile ask for one more when it ends;
* the stopping figures are Python over every row (0.14 s at 100,000 papers): a thread
  beyond FIGURES_AT_ONCE papers, from the decision log kept in memory (reading it from
  the review after each key cost 12-24 ms at 3,000 decisions).

Results come back with ``call_from_thread``; nothing here waits for a worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.errors import ReviewerError
from ..core.model import Decision
from ..core.sorting import LEARNED

if TYPE_CHECKING:
    from ..core.relevance.scoring import Corpus, StoppingFigures
    from .screens.main import MainScreen

# The sort menu's entry (core/sorting.py keeps LEARNED out of SORTS: its scores come from
# the model, not from the rows).
SORT_OPTION = (LEARNED, "relevance (learned)")
# Up to this many papers the stopping figures are worked out at once (about 1.4 us a
# paper: 7 ms), beyond in a thread.
FIGURES_AT_ONCE = 5_000


@dataclass(slots=True)
class Ranking:
    """An order of the papers given from outside the rows: ``ids`` first to last, each
    with a score shown in the list. ``rest``: papers not ranked follow in import order
    (the learned order: papers imported since the fit); otherwise they are left out
    (more like this: papers sharing no word)."""

    ids: list[int]
    scores: dict[int, float]
    rest: bool = True
    signed: bool = True  # a classifier's margin (+/-), or a cosine (0 to 1)
    position: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.position:
            self.position = {pid: i for i, pid in enumerate(self.ids)}

    def order(self, rows: list, every: bool, by_id: dict) -> list:
        """``rows`` in this order; ``every``: they are all the papers (no search), so the
        ids map straight to rows."""
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


def learned_order(corpus: Corpus, rows: Sequence[Any]) -> Ranking | str:
    """The learned Ranking of ``rows`` (undecided papers first, each group most likely
    relevant first), or the model's message when it is not ready. Runs in a thread."""
    import numpy as np

    from ..core.relevance.scoring import learn, relabel

    relabel(corpus, rows)
    learned = learn(corpus)
    if learned.scores is None:
        return learned.message
    scores = np.fromiter(learned.scores.values(), dtype=np.float64, count=len(corpus.ids))
    undecided = np.zeros(len(corpus.ids), dtype=bool)
    row_of = corpus.row_of
    for s in rows:
        if s.decision is Decision.UNDECIDED and s.id in row_of:
            undecided[row_of[s.id]] = True
    ids = np.asarray(corpus.ids)
    # numpy sorts without the GIL; ties: the lowest id first (as top_undecided)
    order = np.lexsort((ids, -scores, ~undecided))
    return Ranking(ids[order].tolist(), learned.scores)


def like_order(corpus: Corpus, paper_id: int) -> Ranking:
    from ..core.relevance.related import most_similar

    hits = most_similar(corpus.features, corpus.row_of[paper_id])
    scores = {corpus.ids[row]: sim for row, sim in hits}
    scores[paper_id] = 1.0
    return Ranking([paper_id, *(corpus.ids[row] for row, _ in hits)], scores, rest=False,
                   signed=False)


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


class Screening:
    """The screen's screening assistant: state, workers and what the status line says."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.state = screen.state
        self.corpus: Corpus | None = None
        self.fitting = False
        self.learned: Ranking | None = None
        self.like: Ranking | None = None
        self.like_title = ""
        self._before_like: Ranking | None = None
        self._pending_like: int | None = None
        self.waiting = ""  # why the learned order is not there yet
        self.stopping: StoppingFigures | None = None
        self._log: DecisionLog | None = None
        self._labels = {s.id: (s.decision, s.starred) for s in self.state.rows}
        self._ranking = self._again = self._figuring = self._figure_again = False
        self._advanced_to: int | None = None
        self.closed = False

    # -- what the screen calls ---------------------------------------------------------

    @property
    def learned_on(self) -> bool:
        return self.state.sort == LEARNED and self.like is None

    def started(self) -> None:
        """After the first paint: the stopping figures, and the features when the review
        is under way (decisions or sections): the assistant will be wanted."""
        self._refigure()
        if (self._log is not None and self._log.known) or any(
                s.paper_ids for s in self.screen.review.sections()):
            self._fit()

    def sorted_by(self, order: str) -> None:
        """The user chose a sort (after ``state.set_sort``)."""
        self._leave_like()
        if order != LEARNED:
            self.state.ranking = None
            return
        if self.learned is None:  # the list keeps its order until the model has one
            self.state.ranking = Ranking([r.id for r in self.state.view], {})
        else:
            self.state.ranking = self.learned
        self._rerank()

    def changed(self, ids: Iterable[int] | None) -> None:
        """After any change the screen shows (None: anything may have changed)."""
        by_id = self.state.by_id
        if ids is None:
            self._log = None  # read again
            self._labels = {s.id: (s.decision, s.starred) for s in self.state.rows}
            relabel = True
            if self.corpus is not None and any(i not in self.corpus.row_of for i in by_id):
                self.corpus = None  # papers came that the features do not know
                if self.learned_on or self.like is not None:
                    self._fit()
        else:
            rows = [by_id[i] for i in ids if i in by_id]
            labels = {s.id: (s.decision, s.starred) for s in rows}
            relabel = any(self._labels.get(i) != value for i, value in labels.items())
            self._labels.update(labels)
            if self._log is not None:
                self._log.saw(rows)
        if relabel:
            self._refigure()
            if self.learned_on:
                self._rerank()

    def next_after_decision(self, start: int) -> int | None:
        """Where the cursor goes after a decision: the next undecided paper, or with the
        learned order the top undecided one (the ranking refreshing meanwhile moves the
        cursor on to its new top, unless the user moved first)."""
        if not self.learned_on:
            return self.state.next_undecided(start)
        # Until the first ranking the list keeps its order: the next one down.
        position = self.state.next_undecided(-1 if self.learned is not None else start)
        if position is not None:
            self._advanced_to = self.state.view[position].id
        return position

    def more_like(self, paper_id: int | None) -> None:
        if paper_id is None:
            return
        if self.corpus is None:
            self._pending_like = paper_id
            self._fit()
            self.screen.notify("Learning the papers' words first (once per review)…",
                               timeout=3)
            return
        if paper_id not in self.corpus.row_of:
            self._pending_like = paper_id
            self.corpus = None
            self._fit()
            return
        corpus = self.corpus
        self._run(lambda: like_order(corpus, paper_id), self._liked)

    def leave(self) -> bool:
        """Escape: back from "more like this"; False when it was not on."""
        if self.like is None:
            return False
        self._leave_like()
        self.screen.refilter()
        return True

    def suggest_section(self, ids: list[int]) -> str:
        """The section the first paper most likely belongs to, among those it is not in
        (core: suggest_sections, Rocchio); "" when there is none to say, or the
        features are not there yet (their fit then starts)."""
        if not ids:
            return ""
        if self.corpus is None:
            self._fit()
            return ""
        if ids[0] not in self.corpus.row_of:
            return ""
        from ..core.relevance.scoring import suggest_sections

        ranked = suggest_sections(self.screen.review, ids[0], self.corpus)
        return ranked[0][0] if ranked and ranked[0][1] > 0 else ""

    def status(self) -> str:
        """The screening assistant's part of the status line."""
        parts = []
        if self.like is not None:
            parts.append(f"like: {self.like_title}")
        elif self.fitting and (self.learned_on or self._pending_like is not None):
            parts.append("learning…")
        elif self.learned_on and self.waiting:
            parts.append("learned order: needs an include and an exclude")
        figures = self.stopping
        if figures is not None and figures.screened:
            parts.append(f"{figures.since_last_include} since the last include")
            if figures.unseen_relevant is not None:
                parts.append(f"~{figures.unseen_relevant:.0f} relevant left")
        return "  ·  ".join(parts)

    def close(self) -> None:
        """The screen goes: a fit still running is killed, results are dropped."""
        self.closed = True

    # -- workers -----------------------------------------------------------------------

    def _run(self, work, done) -> None:
        """``work()`` in a thread; ``done(result)`` back on the event loop, or a notice
        when it raised ReviewerError (a bug: one line, never a traceback)."""
        app = self.screen.app

        def thread() -> None:
            try:
                result, error = work(), None
            except ReviewerError as exc:
                result, error = None, str(exc)
            except Exception as exc:  # noqa: BLE001 - the app goes on without it
                result, error = None, f"the screening assistant failed ({type(exc).__name__}: {exc})"
            if self.closed:
                return
            try:
                app.call_from_thread(self._back, done, result, error)
            except RuntimeError:  # the app is closing
                pass

        self.screen.run_worker(thread, thread=True, group="screening", exit_on_error=False)

    def _back(self, done, result, error) -> None:
        if self.closed:
            return
        if error is not None:
            self.screen.notify(error, severity="error", timeout=8)
        done(result, error)

    def _fit(self) -> None:
        if self.fitting or self.corpus is not None:
            return
        from ..core.relevance.fitting import fit_in_process

        self.fitting = True
        self.screen.update_status()
        path = self.screen.review.path
        self._run(lambda: fit_in_process(path, lambda: self.closed), self._fitted)

    def _fitted(self, corpus: Corpus | None, error: str | None) -> None:
        self.fitting = False
        self.corpus = corpus
        if corpus is None:
            self._pending_like = None
            self.screen.update_status()
            return
        if self._pending_like is not None:
            paper, self._pending_like = self._pending_like, None
            self.more_like(paper)
        if self.learned_on:
            self._rerank()
        self.screen.update_status()

    def _rerank(self) -> None:
        if self.corpus is None:
            self._fit()
            return
        if self._ranking:
            self._again = True
            return
        self._ranking = True
        corpus, rows = self.corpus, self.state.rows
        self._run(lambda: learned_order(corpus, rows), self._reranked)

    def _reranked(self, result: Ranking | str | None, error: str | None) -> None:
        self._ranking = False
        if self._again:
            self._again = False
            self._rerank()
        if result is None:
            return
        if isinstance(result, str):  # not ready: say so once, keep the order
            if self.learned_on and result != self.waiting:
                self.screen.notify(f"{result[0].upper()}{result[1:]}; the list keeps its "
                                   "order", timeout=5)
            self.waiting = result
            self.screen.update_status()
            return
        self.waiting = ""
        self.learned = result
        if not self.learned_on:
            return
        papers = self.screen.papers
        current = papers.current_id
        follow = self._advanced_to is not None and current == self._advanced_to
        self._advanced_to = None
        self.state.ranking = result
        self.state.recompute()
        if follow:
            top = self.state.next_undecided(-1)
            papers.refresh_view()
            if top is not None:
                papers.move_to(top)
        else:
            papers.refresh_view(current)
        self.screen.update_status()

    def _liked(self, ranking: Ranking | None, error: str | None) -> None:
        if ranking is None:
            return
        anchor = ranking.ids[0]
        if self.like is None:
            self._before_like = self.state.ranking
        self.like = ranking
        row = self.state.by_id.get(anchor)
        self.like_title = (row.title[:40] + "…") if row and len(row.title) > 40 else \
            (row.title if row else str(anchor))
        self.state.ranking = ranking
        self.screen.refilter(anchor)
        self.screen.papers.move_to(0)

    def _leave_like(self) -> None:
        if self.like is None:
            return
        self.like = None
        self.state.ranking = self._before_like
        if self.state.sort == LEARNED and self.learned is not None:
            self.state.ranking = self.learned
        self._before_like = None

    def _refigure(self) -> None:
        if self._figuring:
            self._figure_again = True
            return
        if self._log is None:
            self._log = DecisionLog(self.screen.review.decision_log(), self.state.rows)
        from ..core.relevance.scoring import figures_of

        rows, log = self.state.rows, list(self._log.log)
        if len(rows) <= FIGURES_AT_ONCE:
            self._figured(figures_of(rows, log), None)
            return
        self._figuring = True
        self._run(lambda: figures_of(rows, log), self._figured)

    def _figured(self, figures: StoppingFigures | None, error: str | None) -> None:
        self._figuring = False
        if figures is not None:
            self.stopping = figures
            self.screen.update_status()
        if self._figure_again:
            self._figure_again = False
            self._refigure()

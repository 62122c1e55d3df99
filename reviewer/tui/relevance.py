"""The screening assistant in the TUI: the learned order, more like this, the suggested
section and the stopping figures, worked out off the event loop.

The screen owns one ``Screening``; it tells it what changed (``changed``), and the list
takes its order from ``state.ranking`` (a ``Ranking``: ids in order and their scores)
while the learned order or "more like this" is on.

Where the work runs, and why (core/relevance/scoring.py):

* the TF-IDF fit holds the GIL for a minute at 100,000 papers: it runs in a child
  process (core/relevance/fitting.py), which keeps the matrix in the data dir's cache;
  a thread waits for it and loads the file;
* a re-rank (refit the classifier, score every paper, order them) is numpy and
  liblinear, which leave the GIL to the keys: a thread, one at a time; decisions made
  meanwhile ask for one more when it ends. Its labels are arrays updated from the rows
  that changed (``Learner``): a pass of Python over 100,000 rows in the thread, as
  core's relabel and learn make, took the GIL from the keys (decide 285 ms median);
* the stopping figures cost what the decisions number (the decided rows and the decision
  log, kept in memory: reading the log from the review after each key cost 12-24 ms at
  3,000 decisions): worked out at once.

Results come back with ``call_from_thread``; nothing here waits for a worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..core.errors import ReviewerError
from ..core.sorting import LEARNED
from .ranking import DecisionLog, Learner, Ranking, learned_order, like_order

if TYPE_CHECKING:
    from ..core.relevance.scoring import Corpus, StoppingFigures
    from .screens.main import MainScreen

# The sort menu's entry (core/sorting.py keeps LEARNED out of SORTS: its scores come from
# the model, not from the rows).
SORT_OPTION = (LEARNED, "relevance (learned)")


class Screening:
    """The screen's screening assistant: state, workers and what the status line says."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.state = screen.state
        self.corpus: Corpus | None = None
        self.learner: Learner | None = None
        self._dirty: set[int] | None = None  # rows changed since the last rank; None: all
        self.fitting = False
        self.learned: Ranking | None = None
        self.like: Ranking | None = None
        self.like_title = ""
        self._before_like: Ranking | None = None
        self._pending_like: int | None = None
        self.waiting = ""  # why the learned order is not there yet
        self.stopping: StoppingFigures | None = None
        self._log: DecisionLog | None = None
        self._ranking = self._again = False
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
            self._dirty = None
            if self.corpus is not None and any(i not in self.corpus.row_of for i in by_id):
                self.corpus = self.learner = None  # papers the features do not know
                if self.learned_on or self.like is not None:
                    self._fit()
        else:
            ids = [i for i in ids if i in by_id]
            if self._dirty is not None:
                self._dirty.update(ids)
            if self._log is not None:
                self._log.saw([by_id[i] for i in ids])
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
            self.corpus = self.learner = None
            self._fit()
            return
        corpus, by_id, rows = self.corpus, self.state.by_id, self.state.rows
        self._run(lambda: like_order(corpus, paper_id, by_id, rows), self._liked)

    def leave(self) -> bool:
        """Escape: back from "more like this"; False when it was not on."""
        if self.like is None:
            return False
        current = self.screen.papers.current_id
        self._leave_like()
        self._show(self.state.ranking, current)
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
            parts.append(f"like: {self.like_title} (escape: back)")
        elif self.fitting and (self.learned_on or self._pending_like is not None):
            parts.append("learning…")
        elif self.learned_on and self.waiting:
            parts.append("needs an include + an exclude")
        figures = self.stopping
        if figures is not None and figures.screened:
            parts.append(f"{figures.since_last_include} since include")
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
        self.learner = None if corpus is None else Learner(corpus)
        self._dirty = None
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
        if self.learner is None:
            self._fit()
            return
        if self._ranking:
            self._again = True
            return
        self._ranking = True
        learner, by_id, rows = self.learner, self.state.by_id, self.state.rows
        changed = rows if self._dirty is None else [by_id[i] for i in self._dirty if i in by_id]
        self._dirty = set()
        self._run(lambda: learned_order(learner, changed, by_id, rows), self._reranked)

    def _reranked(self, result: Ranking | str | None, error: str | None) -> None:
        self._ranking = False
        if error is not None:
            self._dirty = None  # the rows it took may not have reached the arrays
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
        current = self.screen.papers.current_id
        follow = self._advanced_to is not None and current == self._advanced_to
        self._advanced_to = None
        self._show(result, None if follow else current)
        if follow:
            top = self.state.next_undecided(-1)
            if top is not None:
                self.screen.papers.move_to(top)

    def _show(self, ranking: Ranking | None, keep: int | None) -> None:
        """Order the list by ``ranking``, the cursor on ``keep`` if still shown."""
        papers = self.screen.papers
        self.state.ranking = ranking
        self.state.recompute()
        papers.refresh_view()
        target = None
        if keep is not None:
            if ranking is not None and not self.state.query and not self.state.filters.filters:
                target = ranking.view_position(keep, self.state.by_id)  # no pass of 100,000
            if target is None:
                target = self.state.position_of(keep)
        if target is not None:
            papers.move_to(target)
        self.screen.update_status()
        self.screen.show_detail_soon()

    def _liked(self, ranking: Ranking | None, error: str | None) -> None:
        if ranking is None:
            return
        anchor = ranking.ids[0]
        if self.like is None:
            self._before_like = self.state.ranking
        self.like = ranking
        row = self.state.by_id.get(anchor)
        self.like_title = (row.title[:24] + "…") if row and len(row.title) > 24 else \
            (row.title if row else str(anchor))
        self._show(ranking, anchor)

    def _leave_like(self) -> None:
        if self.like is None:
            return
        self.like = None
        self.state.ranking = self._before_like
        if self.state.sort == LEARNED and self.learned is not None:
            self.state.ranking = self.learned
        self._before_like = None

    def _refigure(self) -> None:
        from ..core.relevance.scoring import figures_of

        if self._log is None:
            self._log = DecisionLog(self.screen.review.decision_log(), self.state.rows)
        by_id = self.state.by_id
        decided = [by_id[i] for i in self._log.known if i in by_id]
        self.stopping = figures_of(decided, self._log.log, self.state.counts()["undecided"])

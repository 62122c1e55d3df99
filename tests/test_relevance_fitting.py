"""The TF-IDF fit in a child process (what the TUI uses), and the decision log the TUI
keeps in memory for the stopping figures."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reviewer.core.errors import ReviewerError
from reviewer.core.importer import store_papers
from reviewer.core.model import Decision, Paper, Source
from reviewer.core.relevance.features import paper_text, tfidf_matrix
from reviewer.core.relevance.fitting import FitCancelled, fit_in_process, load_corpus
from reviewer.core.relevance.scoring import cache_dir
from reviewer.core.relevance.stopping import screening_order
from reviewer.core.store import Review
from reviewer.tui.ranking import DecisionLog

TITLES = ["Segmenting liver tumours in computed tomography",
          "Chain of thought prompting for arithmetic reasoning",
          "Organ contours from CT scans with voxel masks",
          "Instruction tuning language models for dialogue"]


@pytest.fixture
def filled(review: Review) -> Review:
    store_papers(review, [Paper(title=t, abstract=f"An abstract about {t.lower()}.",
                                sources=[Source("/dumps/a.txt", n + 1, "lines")])
                          for n, t in enumerate(TITLES)], ["/dumps/a.txt"])
    review.tag([1], ["ct"])
    return review


def test_the_child_fits_what_the_review_holds(filled: Review):
    corpus = fit_in_process(filled.path)
    papers = filled.papers()
    assert corpus.ids == [p.id for p in papers]
    expected = tfidf_matrix([paper_text(p.title, p.abstract, p.tags, p.keywords)
                             for p in papers])
    assert corpus.features.shape == expected.shape
    assert abs(corpus.features - expected).max() < 1e-6
    assert set(corpus.labels) == {-1}  # the caller relabels from its rows
    # The matrix stays in the cache: a second fit finds it and writes nothing.
    kept = {p: p.stat().st_mtime_ns for p in cache_dir().glob("tfidf-*.npz")}
    assert len(kept) == 1
    again = fit_in_process(filled.path)
    assert abs(again.features - corpus.features).max() == 0
    assert {p: p.stat().st_mtime_ns for p in cache_dir().glob("tfidf-*.npz")} == kept


def test_a_broken_review_is_one_line(tmp_path: Path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ReviewerError) as caught:
        fit_in_process(bad)
    assert "\n" not in str(caught.value)


def test_a_matrix_that_does_not_match_is_refused(filled: Review):
    corpus = fit_in_process(filled.path)
    [path] = cache_dir().glob("tfidf-*.npz")
    with pytest.raises(ReviewerError, match="does not match"):
        load_corpus(corpus.ids[:-1], path)


def test_a_cancelled_fit_kills_its_child(filled: Review):
    stop = threading.Event()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            fit_in_process(filled.path, stop.is_set)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.05)  # the child is starting (importing scikit-learn takes longer)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], FitCancelled)


def test_the_log_kept_in_memory_gives_the_review_s_screening_order(filled: Review):
    """Decisions, a change of mind, undo and redo: the in-memory log (appending each
    decision seen on a row) orders the screened papers as the review's own log does."""
    log = DecisionLog(filled.decision_log(), filled.summaries())

    def step(action, ids: list[int] | None = None) -> None:
        entry = action()  # a decision's ids go to the screen in the order given
        ids = ids or getattr(entry, "paper_ids", None) or [1, 2, 3, 4]
        rows = {s.id: s for s in filled.summaries(ids)}
        log.saw([rows[i] for i in ids])
        decided = [s.id for s in filled.summaries() if s.decision is not Decision.UNDECIDED]
        assert screening_order(log.log, decided) == screening_order(filled.decision_log(),
                                                                    decided)

    step(lambda: filled.decide([3], Decision.EXCLUDE), [3])
    step(lambda: filled.decide([1], Decision.INCLUDE), [1])
    step(lambda: filled.decide([3], Decision.MAYBE), [3])
    step(lambda: filled.decide([2], Decision.EXCLUDE), [2])
    step(filled.undo)
    step(filled.undo)
    step(filled.redo)
    step(lambda: filled.decide([1], Decision.UNDECIDED), [1])
    step(lambda: filled.decide([4, 1], Decision.INCLUDE), [4, 1])
    step(filled.undo)
    assert log.saw(filled.summaries()) is False  # nothing new

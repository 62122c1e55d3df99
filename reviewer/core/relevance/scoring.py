"""The screening assistant on an open review: learned scores, similar papers, the
likeliest section, and the stopping figures. What the CLI and the TUI call.

A long-lived caller (the TUI) builds the ``Corpus`` once (``corpus_of``: the fit, or the
cached matrix), then after each decision calls ``relabel`` with the rows it holds and
``learn`` in a worker thread (no review access there: SQLite connections stay in their
thread), and moves the cursor to ``top_undecided``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import Decision
from ..locations import data_dir
from .features import cached_tfidf_matrix, paper_text
from .model import RELEVANT, UNLABELLED, Ranker, label_of

if TYPE_CHECKING:
    from ..store import Review


@dataclass(slots=True)
class Corpus:
    """Every paper of a review as a TF-IDF row, with its label. Fitted once; a new
    label changes only ``labels`` (``relabel``), a new or edited paper needs a new
    Corpus."""

    ids: list[int]
    features: Any
    labels: list[int]
    row_of: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.row_of = {pid: i for i, pid in enumerate(self.ids)}


def corpus_of(review: Review) -> Corpus:
    papers = review.papers(sources=False)
    texts = [paper_text(p.title, p.abstract, p.tags, p.keywords) for p in papers]
    return Corpus([p.id for p in papers], cached_tfidf_matrix(texts, cache_dir()),
                  [label_of(p.decision, p.starred) for p in papers])


def cache_dir():
    """Where fitted TF-IDF matrices are kept (beside the reviews, in the data dir)."""
    return data_dir() / "tfidf-cache"


def relabel(corpus: Corpus, rows: Iterable[Any]) -> None:
    """Take the current decisions and stars of list rows (``Summary`` or ``Paper``: what
    the TUI holds in memory, so a worker thread re-ranks without touching the review)."""
    for s in rows:
        row = corpus.row_of.get(s.id)
        if row is not None:
            corpus.labels[row] = label_of(s.decision, s.starred)


def top_undecided(scores: dict[int, float], rows: Iterable[Any]) -> int | None:
    """The undecided paper the learned order puts first (ties: the lowest id), for the
    cursor's advance after a decision; None when none is left."""
    best = None
    for s in rows:
        if s.decision is Decision.UNDECIDED:
            key = (-scores.get(s.id, float("-inf")), s.id)
            if best is None or key < best[0]:
                best = (key, s.id)
    return None if best is None else best[1]


@dataclass(slots=True)
class Learned:
    scores: dict[int, float] | None  # paper id -> score; None: the model is not ready
    relevant: int
    irrelevant: int

    @property
    def message(self) -> str:
        if self.scores is not None:
            return (f"learned from {self.relevant} relevant and {self.irrelevant} "
                    "irrelevant papers")
        return (f"the learned order needs one relevant paper (include or star) and one "
                f"excluded paper; so far {self.relevant} and {self.irrelevant}")


def learn(corpus: Corpus) -> Learned:
    """Score every paper of the corpus from its labels (None before both classes)."""
    ranker = Ranker(corpus.features)
    for row, label in enumerate(corpus.labels):
        if label != UNLABELLED:
            ranker.label(row, label)
    relevant, irrelevant = ranker.counts()
    if not ranker.ready:
        return Learned(None, relevant, irrelevant)
    scores = ranker.scores()
    return Learned({pid: float(scores[i]) for i, pid in enumerate(corpus.ids)},
                   relevant, irrelevant)


def like(review: Review, paper_id: int, corpus: Corpus | None = None) -> dict[int, float]:
    """Paper id -> cosine similarity to ``paper_id``, for the papers sharing a word with it."""
    from .related import most_similar

    corpus = corpus or corpus_of(review)
    hits = most_similar(corpus.features, corpus.row_of[paper_id])
    return {corpus.ids[row]: sim for row, sim in hits}


def suggest_sections(review: Review, paper_id: int,
                     corpus: Corpus | None = None) -> list[tuple[str, float]]:
    """The review's sections the paper is not in yet, likeliest first."""
    from .related import section_affinity

    corpus = corpus or corpus_of(review)
    sections = review.sections()
    rows = {s.title: [corpus.row_of[p] for p in s.paper_ids if p in corpus.row_of]
            for s in sections if paper_id not in s.paper_ids}
    return section_affinity(corpus.features, corpus.row_of[paper_id], rows)


@dataclass(slots=True)
class StoppingFigures:
    screened: int
    since_last_include: int
    unseen_relevant: float | None  # None before the first relevant paper


def stopping_figures(review: Review) -> StoppingFigures:
    """How many decided papers since the last include, and the relevant papers expected
    among the undecided (stopping.unseen_relevant)."""
    return figures_of(review.summaries(), review.decision_log())


def figures_of(rows: Iterable[Any], log: Iterable[tuple[int, str]],
               undecided: int | None = None) -> StoppingFigures:
    """``stopping_figures`` from list rows and the decision log a caller holds (the TUI
    keeps both in memory). With ``undecided`` (how many papers are), ``rows`` need hold
    only the decided papers: the figures then cost what the decisions number, not the
    papers."""
    from .stopping import screening_order, since_last_include, unseen_relevant

    rows = list(rows)
    decided = [s.id for s in rows if s.decision is not Decision.UNDECIDED]
    relevant = {s.id for s in rows if label_of(s.decision, s.starred) == RELEVANT}
    order = screening_order(log, decided)
    if undecided is None:
        undecided = len(rows) - len(decided)
    estimate = unseen_relevant([p in relevant for p in order], undecided)
    return StoppingFigures(len(order), since_last_include(order, relevant),
                           None if estimate is None else estimate.remaining)

"""What a decision tells the model, and the ranker that learns from it.

Labels: include says relevant, exclude says not relevant, whatever the star; a star
says relevant for a paper left undecided or maybe (an excluded paper can be starred as a
bookmark without being in the review's scope: the screening decision wins). Maybe is no
evidence either way: it is the user saying "I cannot tell yet", and training on it as
either class would teach the model the user's doubt. Maybe papers are still scored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import Decision

RELEVANT = 1
IRRELEVANT = 0
UNLABELLED = -1


def label_of(decision: Decision, starred: bool) -> int:
    """RELEVANT, IRRELEVANT or UNLABELLED for a paper's decision and star."""
    if decision is Decision.INCLUDE:
        return RELEVANT
    if decision is Decision.EXCLUDE:
        return IRRELEVANT
    return RELEVANT if starred else UNLABELLED


# Cormack and Grossman's AutoTAR (the baseline of the TREC Total Recall track) adds 100
# papers drawn at random from the unlabelled ones to every training set, as irrelevant:
# relevant papers are rare, so a random paper is almost surely irrelevant, and it keeps
# the first models (one include, one exclude) from taking every word of the one
# exclusion as evidence of relevance elsewhere. At most a tenth of the unlabelled papers,
# so that in a small review (or at the end of one) the presumption stays a safe bet.
PRESUMED_IRRELEVANT = 100


def default_classifier() -> Any:
    """ASReview's model (TF-IDF into a linear SVM, classes balanced, refitted on every
    label). Class balancing matters most: a review holds a few relevant papers among
    many, and unweighted the classifier learns to call everything irrelevant. C = 0.1
    (sklearn's default is 1): with a hundred thousand word features and a few hundred
    labels the model needs strong regularisation, and the solver converges in a third
    of the iterations; on Kitchenham_2010 both gave the same WSS@95."""
    from sklearn.svm import LinearSVC

    return LinearSVC(C=0.1, class_weight="balanced")


class NotReady(Exception):
    """The model has not seen both a relevant and an irrelevant paper yet."""


class Ranker:
    """Scores rows of a feature matrix by how relevant the labelled rows say they are.

    The features are fitted once for a corpus; a label changes only the classifier,
    which is refitted on the labelled rows and PRESUMED_IRRELEVANT random unlabelled
    ones (a few hundred rows, where scoring every row is one sparse product).
    """

    def __init__(self, features: Any,
                 classifier: Callable[[], Any] = default_classifier) -> None:
        import numpy as np

        self.features = features
        self.labels = np.full(features.shape[0], UNLABELLED, dtype=np.int8)
        self._classifier = classifier

    def __len__(self) -> int:
        return self.features.shape[0]

    def label(self, row: int, label: int) -> None:
        self.labels[row] = label

    def counts(self) -> tuple[int, int]:
        """(relevant, irrelevant) labels so far."""
        return (int((self.labels == RELEVANT).sum()), int((self.labels == IRRELEVANT).sum()))

    @property
    def ready(self) -> bool:
        relevant, irrelevant = self.counts()
        return relevant > 0 and irrelevant > 0

    def scores(self) -> Any:
        """The classifier's score of every row (higher: more likely relevant); raises
        NotReady before one relevant and one irrelevant label."""
        import numpy as np

        labelled = np.flatnonzero(self.labels != UNLABELLED)
        y = self.labels[labelled]
        if not (y == RELEVANT).any() or not (y == IRRELEVANT).any():
            raise NotReady("the model needs one relevant (include or star) and one "
                           "irrelevant (exclude) paper first")
        unlabelled = np.flatnonzero(self.labels == UNLABELLED)
        if len(unlabelled):
            # Seeded by the number of labels: the same labels give the same order.
            count = min(PRESUMED_IRRELEVANT, len(unlabelled) // 10)
            presumed = np.random.default_rng(len(labelled)).choice(
                unlabelled, count, replace=False)
            labelled = np.concatenate([labelled, presumed])
            y = np.concatenate([y, np.full(len(presumed), IRRELEVANT, dtype=y.dtype)])
        model = self._classifier()
        model.fit(self.features[labelled], y)
        # The linear score by hand, in the features' precision: decision_function would
        # first copy a 100,000-paper matrix to float64.
        weights = model.coef_.ravel().astype(self.features.dtype)
        return self.features @ weights + model.intercept_[0]

    def best(self, scores: Any, candidates: Any) -> int:
        """The candidate row (boolean mask) with the highest score; a tie goes to the
        lowest row."""
        import numpy as np

        masked = np.where(candidates, scores, -np.inf)
        return int(np.argmax(masked))

"""What the model reads of a paper, and the TF-IDF matrix of a corpus."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

# ASReview's TF-IDF: words and word pairs, sublinear term frequency (a word said ten times
# is not ten times the evidence), unit-length rows, and no stop-word list: idf already
# discounts common words, and removing them would pair words that were never adjacent
# ("review of software" is not "review software"). On both labelled reviews a stop list
# cost a fifth of the work saved (README, Screening assistant).
VECTORIZER_OPTIONS: dict[str, Any] = {"ngram_range": (1, 2), "sublinear_tf": True}


def paper_text(title: str, abstract: str = "", tags: Iterable[str] = (),
               keywords: Iterable[str] = ()) -> str:
    """One document per paper. Tags and keywords become words too: a tag the user gives
    relevant papers is evidence like a word of their abstracts."""
    parts = [title, abstract, *tags, *keywords]
    return "\n".join(p for p in parts if p)


def tfidf_matrix(texts: Sequence[str]) -> Any:
    """The rows' TF-IDF vectors (a float32 CSR matrix, each row of unit length)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(dtype=np.float32, **VECTORIZER_OPTIONS)
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no words at all (empty corpus, or titles of stop words only)
        from scipy.sparse import csr_matrix
        return csr_matrix((len(texts), 1), dtype=np.float32)

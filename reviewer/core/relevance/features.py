"""What the model reads of a paper, and the TF-IDF matrix of a corpus."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
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
        matrix = vectorizer.fit_transform(texts).tocsr()
        # The vectorizer leaves each row's columns unordered; liblinear needs them in
        # order, and sorting the training rows on every fit was a third of an update.
        matrix.sort_indices()
        return matrix
    except ValueError:  # no words at all (empty corpus, or titles of stop words only)
        from scipy.sparse import csr_matrix
        return csr_matrix((len(texts), 1), dtype=np.float32)


CACHE_KEPT = 4  # matrices kept: a few reviews, or one review across a few edits


def cache_path(texts: Sequence[str], folder: Path) -> Path:
    """Where ``cached_tfidf_matrix`` keeps the matrix of ``texts``: a hash of the texts,
    the options and scikit-learn's version."""
    import hashlib

    import sklearn

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sorted(VECTORIZER_OPTIONS.items())} {sklearn.__version__}".encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return folder / f"tfidf-{digest.hexdigest()}.npz"


def cached_tfidf_matrix(texts: Sequence[str], folder: Path) -> Any:
    """``tfidf_matrix(texts)``, kept in ``folder`` under a hash of the texts and the
    options: fitting 100,000 abstracts takes a minute, loading the matrix a second.
    Any change of a text (a new paper, a tag) is a new key; the oldest files go."""
    import tempfile

    from scipy.sparse import load_npz, save_npz

    path = cache_path(texts, folder)
    try:
        matrix = load_npz(path).tocsr()
        if matrix.shape[0] == len(texts):
            os.utime(path)  # recently used: pruned last
            matrix.sort_indices()  # written sorted: only checked
            return matrix
    except (OSError, ValueError, KeyError, EOFError):
        pass  # missing or unreadable: fit again and write it anew
    matrix = tfidf_matrix(texts)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".npz.tmp")
        with os.fdopen(fd, "wb") as handle:
            save_npz(handle, matrix, compressed=False)
        os.replace(tmp, path)
        kept = sorted(folder.glob("tfidf-*.npz"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-CACHE_KEPT]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs the next fit
    return matrix

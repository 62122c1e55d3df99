"""The TF-IDF fit in a fresh process, for a caller that must stay responsive (the TUI).

Fitting 100,000 abstracts holds the GIL for about a minute: in a thread of the TUI it
would freeze the keys. A fresh interpreter reads the review itself, fits (or finds the
matrix already in the cache, ``scoring.cache_dir``) and writes the matrix to the cache;
the caller then only loads the file (numpy's reads leave the GIL to the keys). The
child is started with subprocess (an exec, safe from a thread; see import_process.py)
and answers with one pickle on stdout: the paper ids in row order and the matrix's
path, or an error line.
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import ReviewerError
from .model import UNLABELLED
from .scoring import Corpus, cache_dir

_CHILD = "from reviewer.core.relevance.fitting import _child; _child()"


class FitCancelled(Exception):
    pass


def fit_in_process(review_path: str | Path,
                   cancelled: Callable[[], bool] = lambda: False) -> Corpus:
    """The review's Corpus, fitted in a child process (every label UNLABELLED: the
    caller relabels from the rows it holds). FitCancelled once ``cancelled()`` says so
    (the child is killed); ReviewerError when the child fails."""
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(review_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        while not select.select([child.stdout], [], [], 0.05)[0]:
            if cancelled():
                child.kill()
                raise FitCancelled
        try:
            kind, payload = pickle.load(child.stdout)
        except (EOFError, pickle.UnpicklingError):
            child.wait()
            raise ReviewerError(f"learning the papers' words stopped (exit status "
                                f"{child.returncode})") from None
        if kind == "error":
            raise ReviewerError(payload)
        ids, path = payload
        return load_corpus(ids, Path(path))
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()


def load_corpus(ids: list[int], path: Path) -> Corpus:
    from scipy.sparse import load_npz

    try:
        features = load_npz(path).tocsr()
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise ReviewerError(f"{path}: cannot read the fitted matrix ({exc})") from None
    if features.shape[0] != len(ids):
        raise ReviewerError(f"{path}: the fitted matrix does not match the review")
    features.sort_indices()  # written sorted: only checked
    return Corpus(ids, features, [UNLABELLED] * len(ids))


def _child() -> None:
    from ..store import Review
    from .features import cache_path, cached_tfidf_matrix, paper_text

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, not into the answer
    try:
        os.nice(10)  # a background job: the user's keys (and other work) come first
    except OSError:
        pass

    def send(message: tuple) -> None:
        out.write(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
        out.flush()

    try:
        with Review.open(sys.argv[1], read_only=True) as review:
            papers = review.papers(sources=False)
        texts = [paper_text(p.title, p.abstract, p.tags, p.keywords) for p in papers]
        folder = cache_dir()
        path = cache_path(texts, folder)
        if not path.exists():
            cached_tfidf_matrix(texts, folder)
        if not path.exists():
            send(("error", f"{folder}: cannot keep the fitted matrix there"))
        else:
            send(("corpus", ([p.id for p in papers], str(path))))
    except ReviewerError as exc:
        send(("error", str(exc)))
    except Exception as exc:  # a bug: still one line for the user
        send(("error", f"internal error while learning the papers' words "
                       f"({type(exc).__name__}: {exc})"))
    finally:
        out.close()

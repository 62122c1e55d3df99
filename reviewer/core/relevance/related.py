"""Papers like a given one, and the section a paper most likely belongs to.

Both compare TF-IDF rows by cosine (the rows are of unit length, so a dot product): the
papers most like one paper are the nearest rows; a section is represented by the
centroid of its papers' rows (Rocchio's classifier, the textbook way to file a document
under existing folders).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def most_similar(features: Any, row: int, limit: int | None = None) -> list[tuple[int, float]]:
    """(row, cosine) of the rows most like ``row``, most alike first, ``row`` left out;
    rows sharing no word with it are left out too."""
    import numpy as np

    sims = (features @ features[row].T).toarray().ravel()
    sims[row] = 0.0
    candidates = np.flatnonzero(sims > 0)
    # Stable sort on the negated similarity: ties keep row order.
    ranked = candidates[np.argsort(-sims[candidates], kind="stable")]
    if limit is not None:
        ranked = ranked[:limit]
    return [(int(r), float(sims[r])) for r in ranked]


def section_affinity(features: Any, row: int, sections: Mapping[str, Sequence[int]],
                     ) -> list[tuple[str, float]]:
    """(section, cosine of ``row`` to the centroid of the section's rows), best first.
    Sections with no rows but ``row`` itself are left out; ties keep the given order."""
    import numpy as np

    vector = features[row]
    scored = []
    for title, rows in sections.items():
        members = [r for r in rows if r != row]
        if not members:
            continue
        centroid = np.asarray(features[members].mean(axis=0)).ravel()
        norm = float(np.linalg.norm(centroid))
        score = float((vector @ centroid)[0]) / norm if norm else 0.0
        scored.append((title, score))
    return sorted(scored, key=lambda item: -item[1])

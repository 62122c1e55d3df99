"""Live search over titles, abstracts, tags and notes, forgiving typos in titles.

Each word of the query must occur in the paper: as a substring of the title (best), of
the tags, note or abstract, or, for words of four letters or more, as a fuzzy match in
the title (rapidfuzz ``partial_ratio``), so "segmnetation" still finds segmentation
papers. Typing extends a query, and an extended query can only match a subset of what
the shorter one matched, so each keystroke searches the previous hits only.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

FUZZY_MIN = 4
FUZZY_CUTOFF = 80.0
TITLE_HIT = 3.0
BODY_HIT = 1.0


def terms_of(query: str) -> list[str]:
    return query.casefold().split()


class SearchIndex:
    """Searchable text of every paper; ``update`` keeps it current after an edit."""

    def __init__(self, docs: Iterable[tuple[int, str, str]]):
        """``docs``: (paper id, title, body) where body joins tags, note and abstract."""
        self.ids: list[int] = []
        self.titles: list[str] = []
        self.bodies: list[str] = []
        self._position: dict[int, int] = {}
        for pid, title, body in docs:
            self._position[pid] = len(self.ids)
            self.ids.append(pid)
            self.titles.append(title.casefold())
            self.bodies.append(body.casefold())
        self._last_terms: list[str] = []
        self._last_hits: list[int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def update(self, pid: int, title: str, body: str) -> None:
        index = self._position.get(pid)
        if index is None:
            self._position[pid] = len(self.ids)
            self.ids.append(pid)
            self.titles.append(title.casefold())
            self.bodies.append(body.casefold())
        else:
            self.titles[index] = title.casefold()
            self.bodies[index] = body.casefold()
        self._last_hits = None

    def _narrows(self, terms: list[str]) -> bool:
        """Whether ``terms`` can only match a subset of what the last query matched."""
        last = self._last_terms
        if self._last_hits is None or not last or len(terms) < len(last):
            return False
        if terms[: len(last) - 1] != last[:-1]:
            return False
        return last[-1] in terms[len(last) - 1]

    def search(self, query: str) -> dict[int, float]:
        """Paper id -> relevance for every paper matching every word of ``query``."""
        terms = terms_of(query)
        if not terms:
            self._last_terms, self._last_hits = [], None
            return {}
        candidates = self._last_hits if self._narrows(terms) else None
        if candidates is None:
            candidates = list(range(len(self.ids)))
        scores = dict.fromkeys(candidates, 0.0)
        for term in terms:
            scores = self._match_term(term, scores)
            if not scores:
                break
        self._last_terms, self._last_hits = terms, list(scores)
        return {self.ids[i]: s for i, s in scores.items()}

    def _match_term(self, term: str, scores: dict[int, float]) -> dict[int, float]:
        titles, bodies = self.titles, self.bodies
        out: dict[int, float] = {}
        missing: list[int] = []
        for i, score in scores.items():
            if term in titles[i]:
                out[i] = score + TITLE_HIT
            elif term in bodies[i]:
                out[i] = score + BODY_HIT
            else:
                missing.append(i)
        if len(term) >= FUZZY_MIN and missing:
            choices = {i: titles[i] for i in missing}
            for _, similarity, i in process.extract(
                    term, choices, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF,
                    limit=None):
                out[i] = scores[i] + TITLE_HIT * similarity / 100.0 * 0.9
        return out


def body_text(tags: Iterable[str], note: str, abstract: str) -> str:
    """The searchable text of a paper besides its title."""
    return " ".join((" ".join(tags), note, abstract))

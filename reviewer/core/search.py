"""Live search over titles, abstracts, tags and notes, forgiving typos in titles.

Each word of the query must occur in the paper: as a substring of the title (best), of
the tags, note or abstract, or, for words of five letters or more, one typo away from
the start of a title word, so "segmnetation" still finds segmentation papers.

Speed: the abstracts of 100,000 papers are over 100 MB of text, more than a keystroke can
scan. A query word has no spaces, so it occurs in a text exactly when it occurs in one of
the text's whitespace-separated tokens: the index keeps each distinct token once, with the
papers that hold it, and a keystroke scans that vocabulary (only the tokens of the shorter
word just typed, when there is one) instead of the abstracts. A word so common that most
papers hold it is checked paper by paper instead, where it turns up near the start. The
hits of the last query's leading words are kept, so typing a second word searches only
the first word's hits. Results are the same as a fresh search's, keystroke by keystroke.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process

FUZZY_MIN = 5          # shorter words allow no typo at this cutoff anyway
FUZZY_CUTOFF = 80.0
TITLE_HIT = 3.0
BODY_HIT = 1.0
# Adding a posting to a set costs about a tenth of checking one paper's text: past this
# many postings per paper to check, checking the papers one by one is cheaper.
SCAN_RATIO = 10
_RECENT_TERMS = 64
_WORD = re.compile(r"\w+")


def terms_of(query: str) -> list[str]:
    return query.casefold().replace("\0", " ").split()


class SearchIndex:
    """Searchable text of every paper; ``update`` keeps it current after an edit."""

    def __init__(self, docs: Iterable[tuple[int, str, str]] = ()):
        """``docs``: (paper id, title, body) where body joins tags, note and abstract."""
        self.ids: list[int] = []
        self.titles: list[str] = []
        self._position: dict[int, int] = {}
        self._tokens: defaultdict[str, array] = defaultdict(lambda: array("i"))
        self._words: defaultdict[str, array] = defaultdict(lambda: array("i"))
        self._word_list: list[str] = []
        # Doc i's body is _blob[_offsets[i] : _offsets[i + 1] - 1], in UTF-8: a UTF-8
        # needle found there is the same match as in the text.
        self._blob = bytearray()
        self._offsets = [0]
        self._built = 0  # docs in the token lists and the blob
        self._edited: dict[int, str] = {}  # doc -> body, for docs changed since added
        self._token_hits: dict[str, list[str]] = {}  # recent term -> tokens holding it
        self._hits: dict[tuple[str, ...], dict[int, float]] = {}  # last query's leading words
        self.add(docs)

    def add(self, docs: Iterable[tuple[int, str, str]]) -> None:
        """Index more papers (the TUI feeds them in slices so the screen stays live)."""
        tokens, words, blob, offsets = self._tokens, self._words, self._blob, self._offsets
        for pid, title, body in docs:
            if pid in self._position:
                self.update(pid, title, body)
                continue
            i = len(self.ids)
            self._position[pid] = i
            self.ids.append(pid)
            title = title.casefold()
            self.titles.append(title)
            for word in set(_WORD.findall(title)):
                words[word].append(i)
            body = body.casefold().replace("\0", " ")
            for token in set(body.split()):
                tokens[token].append(i)
            blob += body.encode()
            blob += b"\0"
            offsets.append(len(blob))
            self._built = len(self.ids)
        self._word_list = list(words)
        self._token_hits.clear()
        self._hits.clear()

    def __len__(self) -> int:
        return len(self.ids)

    def update(self, pid: int, title: str, body: str) -> None:
        """A paper's new text (an edited note or tags), or a new paper."""
        index = self._position.get(pid)
        if index is None:
            index = self._position[pid] = len(self.ids)
            self.ids.append(pid)
            self.titles.append(title.casefold())
        else:
            self.titles[index] = title.casefold()
        self._edited[index] = body.casefold()
        self._hits.clear()

    def search(self, query: str) -> dict[int, float]:
        """Paper id -> relevance for every paper matching every word of ``query``."""
        terms = terms_of(query)
        if not terms:
            return {}
        scores: dict[int, float] | None = None
        for k, term in enumerate(terms):
            key = tuple(terms[: k + 1])
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = self._match_term(term, scores)
            scores = hits
            if not scores:
                break
        self._hits = {key: hits for key, hits in self._hits.items()
                      if key == tuple(terms[: len(key)])}
        return dict(zip(map(self.ids.__getitem__, scores), scores.values()))

    # -- one word ------------------------------------------------------------------------

    def _match_term(self, term: str, scores: dict[int, float] | None) -> dict[int, float]:
        """Doc -> score for the docs (of ``scores``, or all) that hold ``term``.

        Written as comprehensions and set operations, which run in C: at 100,000 papers a
        Python statement per paper costs tens of milliseconds.
        """
        titles, edited = self.titles, self._edited
        pool: Iterable[int] = range(len(titles)) if scores is None else scores
        pool_size = len(titles) if scores is None else len(scores)
        if scores is None:
            in_title = [i for i, title in enumerate(titles) if term in title]
        else:
            in_title = [i for i in scores if term in titles[i]]
        found = set(in_title)

        in_body: list[int] = []
        if len(found) < pool_size:
            docs = self._body_docs(term, pool_size - len(found))
            if docs is None:  # a common word: look in each paper's text
                needle, find, offsets, built = term.encode(), self._blob.find, \
                    self._offsets, self._built
                in_body = [i for i in pool if i not in found and (
                    term in edited[i] if i in edited else
                    i < built and find(needle, offsets[i], offsets[i + 1] - 1) >= 0)]
            else:
                docs.difference_update(found, edited)
                if scores is not None:
                    docs.intersection_update(scores)
                in_body = list(docs)
                in_body += [i for i in edited if i not in found and
                            (scores is None or i in scores) and term in edited[i]]
            found.update(in_body)

        near: dict[int, float] = {}
        if len(term) >= FUZZY_MIN and len(found) < pool_size:
            near = {i: similarity for i, similarity in self._fuzzy_docs(term).items()
                    if i not in found and i not in edited and (scores is None or i in scores)}
            for i in edited:
                if i not in found and (scores is None or i in scores):
                    similarity = fuzzy_title(term, titles[i])
                    if similarity:
                        near[i] = similarity

        if scores is None:
            out = dict.fromkeys(in_title, TITLE_HIT)
            out.update(dict.fromkeys(in_body, BODY_HIT))
            scores = _Zeros()
        else:
            out = {i: scores[i] + TITLE_HIT for i in in_title}
            out.update({i: scores[i] + BODY_HIT for i in in_body})
        for i, similarity in near.items():
            out[i] = scores[i] + TITLE_HIT * similarity / 100.0 * 0.9
        return out

    def _matching_tokens(self, term: str) -> list[str]:
        """The body tokens holding ``term``, narrowed from a recent term inside it."""
        found = self._token_hits.get(term)
        if found is not None:
            return found
        base: Iterable[str] = self._tokens
        shorter = [t for t in self._token_hits if t in term]
        if shorter:
            base = self._token_hits[max(shorter, key=len)]
        found = [token for token in base if term in token]
        if len(self._token_hits) >= _RECENT_TERMS:
            del self._token_hits[next(iter(self._token_hits))]
        self._token_hits[term] = found
        return found

    def _body_docs(self, term: str, to_check: int) -> set[int] | None:
        """The built docs whose body holds ``term``, or None if checking each is cheaper."""
        tokens = self._matching_tokens(term)
        postings = [self._tokens[t] for t in tokens]
        if sum(map(len, postings)) > SCAN_RATIO * to_check:
            return None
        docs: set[int] = set()
        for p in postings:
            docs.update(p)
        return docs

    def _fuzzy_docs(self, term: str) -> dict[int, float]:
        """Built doc -> best similarity of ``term`` to the start of one of its title words."""
        n = len(term)
        starts = [w[:n] for w in self._word_list]
        best: dict[int, float] = {}
        for _, similarity, k in process.extract(term, starts, scorer=fuzz.ratio,
                                                score_cutoff=FUZZY_CUTOFF, limit=None):
            for i in self._words[self._word_list[k]]:
                if similarity > best.get(i, 0.0):
                    best[i] = similarity
        return best


class _Zeros(dict):
    """The scores before the first word: nothing yet."""

    def __missing__(self, key: int) -> float:
        return 0.0


def fuzzy_title(term: str, title: str) -> float:
    """Best similarity of ``term`` to the start of a word of ``title`` (0 below the cutoff)."""
    n = len(term)
    best = max((fuzz.ratio(term, w[:n]) for w in _WORD.findall(title)), default=0.0)
    return best if best >= FUZZY_CUTOFF else 0.0


def body_text(tags: Iterable[str], note: str, abstract: str) -> str:
    """The searchable text of a paper besides its title."""
    return " ".join((" ".join(tags), note, abstract))


def search_once(docs: Iterable[tuple[int, str, str]], query: str) -> dict[int, float]:
    """``SearchIndex(docs).search(query)`` for a single query, without building the index.

    The command line searches once per process: checking each text directly is several
    times cheaper than indexing every token for keystrokes that never come."""
    terms = terms_of(query)
    if not terms:
        return {}
    out: dict[int, float] = {}
    for pid, title, body in docs:
        title, body = title.casefold(), body.casefold().replace("\0", " ")
        score = 0.0
        for term in terms:
            if term in title:
                score += TITLE_HIT
            elif term in body:
                score += BODY_HIT
            elif len(term) >= FUZZY_MIN and (similarity := fuzzy_title(term, title)):
                score += TITLE_HIT * similarity / 100.0 * 0.9
            else:
                break
        else:
            out[pid] = score
    return out

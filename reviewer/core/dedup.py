"""Find the paper a freshly parsed record duplicates, if any.

Match order: arXiv id, then DOI, then the normalised title, then a fuzzy title match.
Two records with the same (or a near) title are still different papers when both know
their authors and share no surname, or when both know the year and the years are more
than one apart (Zotero's rule), or when both carry different arXiv ids or DOIs.

The fuzzy threshold comes from the seeds in ../shared/seeds: among their 315 distinct
papers the closest two distinct titles ("VM-UNet: Vision Mamba UNet for Medical Image
Segmentation" and "MSVM-UNet: Multi-Scale Vision Mamba UNet ...") score 88.9 with
``fuzz.ratio`` on normalised titles, while one changed letter, a dropped article or
changed punctuation in a 40+ character title scores 95 or more. 93 sits between the two.
Titles shorter than ``FUZZY_MIN_LENGTH`` are matched exactly only: one letter is a big
change in "SAM 2" and a small one in a sentence. A fuzzy match also needs the same numbers
in both titles ("Part 1" and "Part 2", "YOLOv5" and "YOLOv7" are different papers).

The work per record is bounded, so that dedup takes time linear in the records however
alike their titles: a title is compared with the titles sharing one of its blocking keys
*and* its numbers, at most ``BLOCK_CAP`` of each key (10,000 titles "A Survey of ...: Part
k" each have buckets of their own), and with at most ``BLOCK_CAP`` earlier records of the
very same title (200 different papers called "Editorial").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, islice

from . import bibraw
from .model import Paper
from .names import surnames
from .text import normalize_title

FUZZY_THRESHOLD = 93.0
# rapidfuzz's batch scorers compare the cutoff in low precision (1 - 14/200 comes out
# below 0.93): without this slack a score of exactly 93 would not match. Two ratios of
# titles under 3,000 characters differ by more than the slack, so nothing below 93 gets in.
_CUTOFF = FUZZY_THRESHOLD - 1e-5
FUZZY_MIN_LENGTH = 24
# Popular blocking keys ("a survey", "large language") stop discriminating; capping them
# keeps each lookup cheap, and the other keys of a title still find its duplicates. The
# same cap bounds the records of one title that a lookup checks.
BLOCK_CAP = 128
_NUMBERS = re.compile(r"\d+")


@dataclass(slots=True)
class Fingerprint:
    """What duplicate detection needs to know about a paper."""

    key: int  # the store's paper id (or a provisional number during an import)
    title_norm: str
    arxiv_id: str
    doi: str
    surnames: frozenset[str]
    year: int | None  # None when unknown or only inferred
    keys: tuple[str, ...] | None = None  # blocking keys, computed once
    # (file, citation key) of a record read from a .bib: two entries of one file under two
    # keys are two papers to the file's author (biblatex's test files hold many such).
    origin: tuple[str, str] | None = None

    def block_keys(self) -> tuple[str, ...]:
        if self.keys is None:
            self.keys = block_keys(self.title_norm)
        return self.keys

    @classmethod
    def of(cls, key: int, paper: Paper) -> Fingerprint:
        # Positional: a quarter faster than keywords, for every paper of an import.
        extra = paper.extra
        origin = (paper.sources[0].file, extra[bibraw.KEY]) \
            if extra and bibraw.KEY in extra and paper.sources else None
        return cls(key, normalize_title(paper.title), paper.arxiv_id.lower(), paper.doi.lower(),
                   surnames(paper.authors), None if paper.year_inferred else paper.year, None,
                   origin)


def compatible(a: Fingerprint, b: Fingerprint) -> bool:
    """False when the two records are known to be different papers despite their titles."""
    if a.origin and b.origin and a.origin[0] == b.origin[0] and a.origin[1] != b.origin[1]:
        return False
    if a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id:
        return False
    if a.doi and b.doi and a.doi != b.doi:
        return False
    if a.surnames and b.surnames and not (a.surnames & b.surnames):
        return False
    if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
        return False
    return True


def block_keys(title_norm: str) -> tuple[str, ...]:
    """Keys of the buckets a title goes in: its first three words, its last three, its
    three longest, and its first and last 16 characters, each with the title's numbers.

    A small change (a typo, a dropped word) alters some of them and leaves another that
    leads to the original: word keys survive a change at either end, character keys one
    in the middle. Keys this long keep buckets small even where many titles share their
    first words ("A survey of..."). A title of one or two (long) words has only the
    character keys. Titles with other numbers never match, so they never share a bucket.
    """
    words = title_norm.split()
    # "#" is no word character: a key with numbers cannot equal one without.
    numbers = "".join("#" + n for n in _NUMBERS.findall(title_norm))
    if len(words) < 3:
        return ("<" + title_norm[:16] + numbers, ">" + title_norm[-16:] + numbers)
    longest = sorted(words, key=len, reverse=True)[:3]  # stable: the first of equals
    longest.sort()
    return ("f" + " ".join(words[:3]) + numbers, "l" + " ".join(words[-3:]) + numbers,
            "m" + " ".join(longest) + numbers, "<" + title_norm[:16] + numbers,
            ">" + title_norm[-16:] + numbers)


class DuplicateIndex:
    """An in-memory index of fingerprints, built from the review before an import."""

    def __init__(self) -> None:
        self._by_arxiv: dict[str, Fingerprint] = {}
        self._by_doi: dict[str, Fingerprint] = {}
        self._by_title: dict[str, list[Fingerprint]] = {}
        # blocking key -> normalised titles, in the order they were added. Only the first
        # fingerprint of a title goes in blocks, so a title leads back to its fingerprint
        # through _by_title[title][0]: blocks hold nothing else, less memory to walk per
        # lookup than parallel lists of fingerprints and titles.
        self._blocks: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_title.values())

    def add(self, fp: Fingerprint) -> None:
        if fp.arxiv_id:
            self._by_arxiv.setdefault(fp.arxiv_id, fp)
        if fp.doi:
            self._by_doi.setdefault(fp.doi, fp)
        title = fp.title_norm
        same = self._by_title.get(title)
        if same is not None:
            same.append(fp)
            return
        self._by_title[title] = [fp]
        if len(title) >= FUZZY_MIN_LENGTH:
            blocks = self._blocks
            for k in fp.block_keys():
                block = blocks.get(k)
                if block is None:
                    blocks[k] = [title]
                elif len(block) < BLOCK_CAP:
                    block.append(title)

    def update(self, old: Fingerprint, new: Fingerprint) -> None:
        """Update a paper's fingerprint after a merge taught us more about it."""
        old.arxiv_id, old.doi = new.arxiv_id, new.doi
        old.surnames, old.year = new.surnames, new.year
        if new.title_norm != old.title_norm:
            # A richer title replaced the old one: both spellings now find the paper. The
            # blocks keep the old spelling, which still leads to ``old`` (see __init__).
            old.title_norm = new.title_norm
            self._by_title.setdefault(new.title_norm, []).append(old)
        if old.arxiv_id:
            self._by_arxiv.setdefault(old.arxiv_id, old)
        if old.doi:
            self._by_doi.setdefault(old.doi, old)

    def find(self, fp: Fingerprint) -> Fingerprint | None:
        if fp.arxiv_id:
            hit = self._by_arxiv.get(fp.arxiv_id)
            if hit is not None:
                return hit
        if fp.doi:
            hit = self._by_doi.get(fp.doi)
            if hit is not None and compatible(hit, fp):
                return hit
        for hit in islice(self._by_title.get(fp.title_norm, ()), BLOCK_CAP):
            if compatible(hit, fp):
                return hit
        if len(fp.title_norm) < FUZZY_MIN_LENGTH:
            return None
        return self._find_fuzzy(fp)

    def _find_fuzzy(self, fp: Fingerprint) -> Fingerprint | None:
        # The titles of all the blocks, block after block, scored in one rapidfuzz call (a
        # C loop; a call costs as much as scoring a few titles). A title in two blocks is
        # scored twice: harmless, and cheaper than removing it.
        found = [b for b in map(self._blocks.get, fp.block_keys()) if b is not None]
        if not found:
            return None
        titles = found[0] if len(found) == 1 else list(chain.from_iterable(found))
        query = fp.title_norm
        # Imported here: an import planned by the child (planning.py) never scores titles
        # in the parent, which then does not load rapidfuzz (10 ms of its start-up).
        from rapidfuzz import fuzz, process

        # Sorted by score, then by position: the block order, then the order of addition.
        scored = process.extract(query, titles, scorer=fuzz.ratio, processor=None,
                                 score_cutoff=_CUTOFF, limit=None)
        for title, _, _ in scored:
            cand = self._by_title[title][0]
            # "Part 1" and "Part 2", "YOLOv5" and "YOLOv7": one character apart, two papers.
            # A bucket holds titles with the query's numbers; a paper whose title a merge
            # changed is found by its old title, and needs its numbers checked.
            if (cand.title_norm == title or _NUMBERS.findall(cand.title_norm)
                    == _NUMBERS.findall(query)) and compatible(cand, fp):
                return cand
        return None

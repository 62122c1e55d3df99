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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .model import Paper
from .names import surnames
from .text import normalize_title

FUZZY_THRESHOLD = 93.0
FUZZY_MIN_LENGTH = 24
# Popular blocking keys ("a survey", "large language") stop discriminating; capping them
# keeps each lookup cheap, and the other two keys of a title still find its duplicates.
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

    def block_keys(self) -> tuple[str, ...]:
        if self.keys is None:
            self.keys = block_keys(self.title_norm)
        return self.keys

    @classmethod
    def of(cls, key: int, paper: Paper) -> Fingerprint:
        return cls(
            key=key,
            title_norm=normalize_title(paper.title),
            arxiv_id=paper.arxiv_id.lower(),
            doi=paper.doi.lower(),
            surnames=surnames(paper.authors),
            year=None if paper.year_inferred else paper.year,
        )


def compatible(a: Fingerprint, b: Fingerprint) -> bool:
    """False when the two records are known to be different papers despite their titles."""
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
    three longest, and its first and last 16 characters.

    A small change (a typo, a dropped word) alters some of them and leaves another that
    leads to the original: word keys survive a change at either end, character keys one
    in the middle. Keys this long keep buckets small even where many titles share their
    first words ("A survey of...").
    """
    words = title_norm.split()
    if len(words) < 3:
        return ()
    longest = sorted(sorted(words, key=len, reverse=True)[:3])
    return ("f" + " ".join(words[:3]), "l" + " ".join(words[-3:]), "m" + " ".join(longest),
            "<" + title_norm[:16], ">" + title_norm[-16:])


class DuplicateIndex:
    """An in-memory index of fingerprints, built from the review before an import."""

    def __init__(self) -> None:
        self._by_arxiv: dict[str, Fingerprint] = {}
        self._by_doi: dict[str, Fingerprint] = {}
        self._by_title: dict[str, list[Fingerprint]] = {}
        # blocking key -> (fingerprints, their normalised titles), parallel lists
        self._blocks: dict[str, tuple[list[Fingerprint], list[str]]] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_title.values())

    def add(self, fp: Fingerprint) -> None:
        if fp.arxiv_id:
            self._by_arxiv.setdefault(fp.arxiv_id, fp)
        if fp.doi:
            self._by_doi.setdefault(fp.doi, fp)
        same = self._by_title.setdefault(fp.title_norm, [])
        same.append(fp)
        if len(same) == 1 and len(fp.title_norm) >= FUZZY_MIN_LENGTH:
            blocks = self._blocks
            for k in fp.block_keys():
                block = blocks.get(k)
                if block is None:
                    blocks[k] = ([fp], [fp.title_norm])
                elif len(block[0]) < BLOCK_CAP:
                    block[0].append(fp)
                    block[1].append(fp.title_norm)

    def update(self, old: Fingerprint, new: Fingerprint) -> None:
        """Update a paper's fingerprint after a merge taught us more about it."""
        old.arxiv_id, old.doi = new.arxiv_id, new.doi
        old.surnames, old.year = new.surnames, new.year
        if new.title_norm != old.title_norm:
            # A richer title replaced the old one: both spellings now find the paper.
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
        for hit in self._by_title.get(fp.title_norm, ()):
            if compatible(hit, fp):
                return hit
        if len(fp.title_norm) < FUZZY_MIN_LENGTH:
            return None
        # Score each block in one rapidfuzz call (C loop): blocks of popular words hold
        # up to BLOCK_CAP titles. Most titles have no near twin: extractOne says so fast.
        scored: list[tuple[float, Fingerprint]] = []
        query = fp.title_norm
        for k in fp.block_keys():
            block = self._blocks.get(k)
            if block is None:
                continue
            fps, titles = block
            best = process.extractOne(query, titles, scorer=fuzz.ratio,
                                      score_cutoff=FUZZY_THRESHOLD)
            if best is None:
                continue
            for _, score, index in process.extract(query, titles, scorer=fuzz.ratio,
                                                   score_cutoff=FUZZY_THRESHOLD, limit=None):
                scored.append((score, fps[index]))
        if not scored:
            return None
        scored.sort(key=lambda pair: -pair[0])
        numbers = _NUMBERS.findall(query)
        for _, cand in scored:
            # "Part 1" and "Part 2", "YOLOv5" and "YOLOv7": one character apart, two papers.
            if _NUMBERS.findall(cand.title_norm) == numbers and compatible(cand, fp):
                return cand
        return None

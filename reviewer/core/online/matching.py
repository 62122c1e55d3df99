"""Whether a record found by title is the paper: the core decides, never the service.

A title hit is applied only when all of these hold:

* the normalised titles (dedup's normalisation) are equal, or score at least dedup's
  ``FUZZY_THRESHOLD`` (93) with rapidfuzz ``fuzz.ratio``, carry the same numbers
  ("YOLOv5" is not "YOLOv7"), and differ in no significant word beyond a misspelling
  (a word scoring under ``WORD_TYPO`` against every word of the other title): one
  changed word scores 93 to 96 in a title of 80 characters, as much as a typo does,
  so the score alone cannot tell them apart;
* the years are within one, when the paper's year is stated (not inferred);
* the author count is equal, when the paper knows it (names, or "14 authors");
* they share a surname, when both have names.

Titles under dedup's ``FUZZY_MIN_LENGTH`` must be equal. A hit that fails any of these
but whose title scores at least ``NEAR`` is a near miss, listed as uncertain for the user
to accept or reject; below ``NEAR`` it is another paper and is dropped. ``NEAR`` comes
from the seeds: each of their 315 distinct titles scored against its closest other title
gives a median of 58, 69 at the 90th percentile, 78 at the 99th and 88.9 at most (the
VM-UNet pair): a hit under 80 is what an unrelated paper on the same topic scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..citekeys import SKIP_WORDS
from ..dedup import FUZZY_MIN_LENGTH, FUZZY_THRESHOLD
from ..model import Paper
from ..names import surnames
from ..text import normalize_title
from .records import Record

NEAR = 80.0
WORD_TYPO = 80.0  # "modelling"/"modeling" 94, "colour"/"color" 91, "chest"/"brain" 20
_NUMBERS = re.compile(r"\d+")


@dataclass(slots=True)
class Verdict:
    score: float  # title similarity, 0 to 100
    problems: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def near(self) -> bool:
        """Not accepted, but close enough to show the user."""
        return bool(self.problems) and self.score >= NEAR


def title_problems(mine: str, theirs: str) -> tuple[float, list[str]]:
    """(score, problems) of two titles, normalised as dedup does."""
    a, b = normalize_title(mine), normalize_title(theirs)
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return 100.0, []
    score = fuzz.ratio(a, b)
    problems = []
    if min(len(a), len(b)) < FUZZY_MIN_LENGTH:
        problems.append("short titles that differ")
    elif score < FUZZY_THRESHOLD:
        problems.append(f"titles differ (similarity {score:.0f})")
    if _NUMBERS.findall(a) != _NUMBERS.findall(b):
        problems.append("numbers in the titles differ")
    words = _changed_words(a.split(), b.split())
    if words:
        problems.append(f"different words: {words}")
    return score, problems


def _changed_words(a: list[str], b: list[str]) -> str:
    only_a = [w for w in dict.fromkeys(a) if w not in b and w not in SKIP_WORDS]
    only_b = [w for w in dict.fromkeys(b) if w not in a and w not in SKIP_WORDS]
    unmatched_a = [w for w in only_a
                   if not any(fuzz.ratio(w, v) >= WORD_TYPO for v in only_b)]
    unmatched_b = [w for w in only_b
                   if not any(fuzz.ratio(w, v) >= WORD_TYPO for v in only_a)]
    if not unmatched_a and not unmatched_b:
        return ""
    return f"{' '.join(unmatched_a) or '-'} / {' '.join(unmatched_b) or '-'}"


def check(paper: Paper, record: Record) -> Verdict:
    """Whether ``record``, found by ``paper``'s title, is that paper."""
    score, problems = title_problems(paper.title, record.title)
    if (paper.year is not None and not paper.year_inferred and record.year is not None
            and abs(paper.year - record.year) > 1):
        problems.append(f"years differ ({paper.year} / {record.year})")
    known = paper.authors_known
    if known and record.authors and len(record.authors) != known:
        problems.append(f"{known} authors / {len(record.authors)}")
    if paper.authors and record.authors and not (surnames(paper.authors)
                                                 & surnames(record.authors)):
        problems.append("no author in common")
    if paper.arxiv_id and record.arxiv_id and paper.arxiv_id != record.arxiv_id:
        problems.append(f"another arXiv id ({record.arxiv_id})")
    return Verdict(score, problems)


def best(paper: Paper, found: list[Record]) -> tuple[Record | None, list[tuple[Record,
                                                                           Verdict]]]:
    """The accepted record among a search's hits (the first one that passes), and the
    near misses."""
    near = []
    for record in found:
        verdict = check(paper, record)
        if verdict.accepted:
            return record, []
        if verdict.near:
            near.append((record, verdict))
    return None, near

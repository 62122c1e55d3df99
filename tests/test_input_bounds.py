"""Hostile inputs take time linear in their size: detection, parsing and dedup.

Each shape here once took time growing with the square of the input (or worse); the
tests time n and 4n in the same run (tests/scaling.py), so they fail on a quadratic
without timing against a fixed threshold.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core.dedup import DuplicateIndex
from reviewer.core.model import Paper
from reviewer.core.parsers import ParseContext, detect_format, parser, sample_of
from reviewer.core.parsers import lines as lines_parser
from reviewer.core.parsers import markdown as markdown_parser
from reviewer.core.planning import plan_import
from reviewer.core.text import ARXIV_ID, normalize_arxiv_id

from .scaling import assert_linear

TITLE = "A Survey of Deep Learning Methods for Medical Image Analysis"


def _detect(fmt: str):
    return lambda text: parser(fmt).detect(sample_of(text))


def _parse(fmt: str):
    return lambda text: parser(fmt).parse(text, ParseContext("/x", 2026))


def _repeat(head: str, piece: str):
    return lambda n: head + piece * (n // len(piece))


# (what runs, the input of size n): the slowest step of each shape as it was, with its
# time for about 25 KB then.
SHAPES = {
    # ^\s* under re.M ran from every line start over every blank line after it: 1.5 s.
    "bibtex detect, blank lines": (_detect("bibtex"), _repeat("", "\n")),
    # A year pattern opening with [\s,.(\[]+ tried every position of a run: 8 s.
    "lines parse, separators before nothing": (_parse("lines"), _repeat(TITLE, " ,")),
    "lines detect, brackets": (_detect("lines"), _repeat("", "[")),
    # arXiv's old-style archive as [a-z-]+: every dash of a run a start: 10 s.
    "lines detect, dashes": (_detect("lines"), _repeat("AUTH{1", "-")),
    # [^\]]+ in the link pattern, from every "[" to the line end: 0.35 s for 16 KB.
    "markdown detect, open brackets": (_detect("markdown"), _repeat("# A\n", "- [")),
    "markdown detect, images": (_detect("markdown"), _repeat("# A\n- ", "![")),
    # The csv Sniffer on a header line of quotes and stars (the fuzzer's): 2.7 s.
    "csv parse, a header of quotes": (_parse("csv"), _repeat("", '**b* "~')),
    # The 100 KB of brackets: 40 s.
    "format detection, brackets": (lambda text: _try_detect(text),
                                   lambda n: "[" * (n // 2) + "]" * (n // 2)),
}


def _try_detect(text: str) -> None:
    try:
        detect_format(text)
    except Exception:  # unrecognised: only the time matters here
        pass


@pytest.mark.parametrize("shape", SHAPES)
def test_hostile_text_takes_linear_time(shape: str):
    run, make = SHAPES[shape]
    assert_linear(run, make, 4000)


# -- the rewritten patterns find what the old ones found ------------------------------------

# The patterns as written before they were made linear: a year set apart by a comma, dot,
# semicolon or bracket is the paper's (after a blank alone it is the title's: "The BraTS
# Challenge 2021"), and so is the year of a citation, "LLaVA-Med (Li et al. 2023)".
_OLD_YEAR = re.compile(r"(?:\s*[,.;]\s*|\s*[(\[]\s*)((?:19[5-9]|20[0-4])\d)[)\].,;]*\s*$")
_OLD_CITED = re.compile(r"\s*\((?:[^()]*?\bet al\.?|[A-Z][\w'-]+(?:\s+(?:and|&)\s+"
                        r"[A-Z][\w'-]+)?),?\s+((?:19[5-9]|20[0-4])\d)[a-z]?\)[.,;]?\s*$")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([" ", ",", ".", "(", "[", ")", "]", ";", "\t", "\u00a0", "a",
                                 "T", "1", "9", "2", "0", "4", "5", "7", "2021", "1999",
                                 "Li", " et al.", " and "]),
                max_size=25).map("".join))
def test_a_trailing_year_is_found_as_the_old_pattern_found_it(line):
    match = _OLD_CITED.search(line) or _OLD_YEAR.search(line)
    year, title = lines_parser.trailing_year(line)
    if not match:
        assert (year, title) == (None, line)
        return
    assert year == int(match.group(1))
    # The title is what stood before, less the separators the old pattern took (it took
    # one; a run of them, "Title,, 2021", is dropped whole now).
    assert title == line[: match.start()].rstrip(" \t\u00a0,.;([")


_OLD_MD_LINK = re.compile(r"\[[^\]\n]+\]\((?:https?://|#)[^)\s]+\)")


@pytest.mark.parametrize("line", [
    "- [Segment Anything](https://arxiv.org/abs/2304.02643)",
    "- **SAM** [[paper]](https://arxiv.org/abs/2304.02643) [[code]](https://github.com/x/y)",
    "- [Contents](#contents)", "- [a[b](http://x.org)", "* Title. [pdf](http://x.org/a.pdf)",
    "- [[CVPR 2023] Title](https://x.org)", "- [Title] (https://x.org)", "- [](http://x)",
    "- [Title](ftp://x.org)", "- plain text", "- [Title](https://x.org/a b)",
])
def test_the_link_pattern_finds_what_it_found(line):
    assert bool(markdown_parser._MD_LINK.search(line)) == bool(_OLD_MD_LINK.search(line))


@pytest.mark.parametrize(("text", "ident"), [
    ("cond-mat/0102536", "cond-mat/0102536"), ("hep-th/9901001v2", "hep-th/9901001"),
    ("arXiv:math.AG/0601001", "math.AG/0601001"), ("see chao-dyn/9301001.", "chao-dyn/9301001"),
    ("q-bio/0401001", "q-bio/0401001"), ("2401.01234v3", "2401.01234"),
    ("x-cond-mat/0102536", "x-cond-mat/0102536"), ("-/0102536", ""), ("a" * 30 + "/0102536", ""),
])
def test_old_style_arxiv_ids_are_still_found(text, ident):
    assert normalize_arxiv_id(text) == ident


def test_an_archive_name_is_a_short_word():
    assert ARXIV_ID.search("cs/0112017 " + "-" * 5000 + "/0102536").group(1) == "cs/0112017"


# -- dedup -----------------------------------------------------------------------------------

def _plan(papers: list[Paper]) -> None:
    plan_import(DuplicateIndex(), papers)


def test_numbered_near_identical_titles_are_not_scored_against_each_other(monkeypatch):
    """"A Survey ...: Part k" share every word key: each lookup scored the 640 titles of
    its full buckets, then turned them down one by one for their numbers (1.3 ms a record).
    Titles with other numbers now sit in other buckets."""
    from rapidfuzz import process  # what dedup scores titles with

    scored = []
    extract = process.extract

    def counting(query, choices, **kwargs):
        scored.append(len(choices))
        return extract(query, choices, **kwargs)

    monkeypatch.setattr(process, "extract", counting)
    plan = plan_import(DuplicateIndex(), [Paper(f"{TITLE}: Part {k}") for k in range(1000)])
    assert len(plan.new) == 1000
    assert sum(scored) == 0


def test_dedup_of_numbered_near_identical_titles_takes_linear_time():
    assert_linear(_plan, lambda n: [Paper(f"{TITLE}: Part {k}") for k in range(n)], 500)


def test_dedup_of_titles_differing_in_a_number_anywhere_takes_linear_time():
    assert_linear(_plan, lambda n: [Paper(f"{k} {TITLE}") for k in range(n)], 500)


def test_dedup_of_one_title_by_many_authors_takes_linear_time():
    """200 different papers called "Editorial": each lookup checked every earlier one."""
    assert_linear(_plan, lambda n: [Paper(TITLE, authors=[f"Ada Author{k}"])
                                    for k in range(n)], 500)


def test_dedup_of_near_identical_titles_by_many_authors_takes_linear_time():
    """Fuzzy twins that Zotero's rule keeps apart: every bucket full of them."""
    rng = random.Random(3)

    def papers(n: int) -> list[Paper]:
        return [Paper(f"{TITLE} {''.join(rng.sample('abcdefgh', 3))}",
                      authors=[f"Ada Author{k}"]) for k in range(n)]

    assert_linear(_plan, papers, 300)

"""Every parser hands out clean one-line text (no escapes, controls, newlines or doubled
blanks), whatever it reads. The exporters rely on it and do not clean the text again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core import bibraw
from reviewer.core.errors import InputError
from reviewer.core.model import Paper
from reviewer.core.parsers import FORMATS, ParseContext, parse_text
from reviewer.core.text import clean_text

from .conftest import FIXTURES, ROOT

TEXT_FIELDS = ("title", "abstract", "organization", "venue", "primary_class", "comments",
               "arxiv_id", "doi")
DUMPS = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".txt", ".md", ".bib", ".csv", ".ris"))
DUMPS += sorted((ROOT / "sample_lists").iterdir())


def unclean(paper: Paper) -> list[tuple[str, str]]:
    values = [(name, getattr(paper, name)) for name in TEXT_FIELDS]
    values += [("author", name) for name in paper.authors]
    values += [(f"extra {key}", value) for key, value in paper.extra.items()
               if not key.startswith("bib:")]
    # An imported entry's fields as written (bibraw) are BibTeX, kept with their layout:
    # but no control character reaches the export through them.
    raw = [(f"bib {name}", value) for name, value in bibraw.raw_fields(paper).items()
           if _CONTROL.search(value)]
    return raw + [(name, value) for name, value in values if value != clean_text(value)]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def parsed(text: str, fmt: str | None = None) -> list[Paper]:
    try:
        return parse_text(text, ParseContext("/x/dump", 2025), fmt)[1].papers
    except InputError:
        return []


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.name)
def test_fixtures_parse_to_clean_text(dump: Path):
    text = dump.read_text(encoding="utf-8", errors="replace")
    papers = parsed(text)
    assert all(not unclean(p) for p in papers), [unclean(p) for p in papers if unclean(p)]


HOSTILE = ("\x1b[31mRed\x1b[0m title", "Tab\there", "Two  spaces", "NUL\x00byte", " edge ",
           "line\nbreak", "C1\x85char", "nbsp\u00a0\u00a0twice", "\x7fdel",
           "Esc\x1bname, Ada")  # a "Last, First" name with a control character in it
LAYOUTS = {
    "hf": "{t}\n\n{t} is the abstract of {t}.\n\n• 3 authors\n·\nOct 9, 2025\n",
    "arxiv": "[1] arXiv:2401.01234\nTitle: {t}\nAuthors: A {t}, B Two\nSubjects: cs.CV\n"
             "Abstract: {t} as an abstract.\n",
    "bibtex": "@article{{k,\n  title = {{{t}}},\n  author = {{{t} and Doe, Jane}},\n"
              "  journal = {{{t}}},\n  abstract = {{{t}}},\n  year = 2024\n}}\n",
    "ris": "TY  - JOUR\nTI  - {t}\nAU  - {t}\nAU  - Doe, Jane\nA2  - {t}\nT2  - {t}\n"
           "AB  - {t}\nN1  - {t}\nN1  - {t}\nKW  - {t}\nSP  - {t}\nPB  - {t}\nPY  - 2024\n"
           "ER  - \n",
    "csv": 'title,authors,journal,abstract,notes,keywords,pages\n'
           '"{t}","{t}; Doe, Jane","{t}","{t}","{t}","{t}","{t}"\n',
    "markdown": "- [{t}](https://arxiv.org/abs/2401.01234) {t}\n",
    "lines": "{t}\n",
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_comes_out_clean(fmt: str, hostile: str):
    papers = parsed(LAYOUTS[fmt].format(t=hostile), fmt)
    assert papers or fmt == "lines"  # a title list may rightly drop a one-word line
    assert all(not unclean(p) for p in papers), [unclean(p) for p in papers]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(list(FORMATS)), words=st.lists(st.text(min_size=1), min_size=1,
                                                          max_size=4))
def test_any_text_in_any_layout_comes_out_clean(fmt: str, words: list[str]):
    papers = parsed(LAYOUTS[fmt].format(t=" ".join(words)), fmt)
    assert all(not unclean(p) for p in papers), [unclean(p) for p in papers]

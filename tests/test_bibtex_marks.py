"""The faster mark pattern swapped into bibtexparser's splitter must find the same marks.

The specification is bibtexparser's own pattern (``bibtex_marks.ORIGINAL``, checked
against the installed bibtexparser): on any text, from any start position, both give the
same matches, and a parse with either gives the same blocks.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core.parsers import bibtex_marks
from reviewer.core.decoding import read_dump

from .conftest import FIXTURES
from .fixtures.bibtex.make_big import big_bib

PAIRS = [(re.compile(bibtex_marks.ORIGINAL[name]), re.compile(bibtex_marks.FAST[name]))
         for name in bibtex_marks.ORIGINAL]


def marks(pattern: re.Pattern, text: str, start: int = 0) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text, start)]


def assert_same_marks(text: str, start: int = 0) -> None:
    for original, fast in PAIRS:
        assert marks(fast, text, start) == marks(original, text, start)


def test_the_installed_bibtexparser_uses_the_patterns_rewritten():
    """Fails when bibtexparser changes its marks: the swap then no longer happens (and the
    fast pattern should be written anew for the new ones)."""
    from bibtexparser import splitter

    for name, original in bibtex_marks.ORIGINAL.items():
        assert getattr(splitter, name).pattern in (original, bibtex_marks.FAST[name]), name


def test_install_swaps_both_patterns_and_is_idempotent(monkeypatch: pytest.MonkeyPatch):
    from bibtexparser import splitter

    for name, original in bibtex_marks.ORIGINAL.items():
        monkeypatch.setattr(splitter, name, re.compile(original))
    assert bibtex_marks.install()
    assert bibtex_marks.install()
    assert splitter._MARK_PATTERN.pattern == bibtex_marks.FAST["_MARK_PATTERN"]
    assert splitter._PAREN_BLOCK_MARK_PATTERN.pattern == \
        bibtex_marks.FAST["_PAREN_BLOCK_MARK_PATTERN"]


def test_a_pattern_bibtexparser_changed_is_left_alone(monkeypatch: pytest.MonkeyPatch):
    from bibtexparser import splitter

    changed = re.compile(r"(?<!\\)[\{\}\",=\n;]|@[\w]*(?=[{(])")
    monkeypatch.setattr(splitter, "_MARK_PATTERN", changed)
    assert not bibtex_marks.install()
    assert splitter._MARK_PATTERN is changed


@pytest.mark.parametrize("text", [
    "", "@", "@{", "\\@article{x,", "@ article{", "@article \t (k, a = b)", "@article x{",
    "a\\{b\\}c\\\"d\\,e\\=f\\\ng", "\\\\{", "{@}", "@@misc{", "@\n{", "\\", "@éé{",
    "title = {a, b} # \"c\",\n  @misc{next,", "x)y\\)z", "@@", "@a@b(", "\n@comment{x}",
])
def test_hand_picked_corners(text: str):
    for start in range(len(text) + 1):
        assert_same_marks(text, start)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet='@{}(),"=\\\n \taZ_é1#%', max_size=60), st.integers(0, 60))
def test_any_text_from_any_position(text: str, start: int):
    assert_same_marks(text, min(start, len(text)))


def corpus_files() -> list[Path]:
    from .conftest import CORPUS

    own = sorted((FIXTURES / "bibtex").glob("*.bib"))
    shared = sorted((CORPUS / "biber-tdata").glob("*")) if CORPUS.is_dir() else []
    return own + [p for p in shared if p.is_file()]


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_corpus_file_splits_into_the_same_blocks(path: Path, monkeypatch):
    import bibtexparser
    from bibtexparser import splitter

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    text = read_dump(path).text
    assert_same_marks(text)

    def blocks() -> list[tuple]:
        library = bibtexparser.parse_string(text, parse_stack=[])
        return [(type(b).__name__, b.start_line, b.raw) for b in library.blocks]

    for name, original in bibtex_marks.ORIGINAL.items():
        monkeypatch.setattr(splitter, name, re.compile(original))
    with_original = blocks()
    assert bibtex_marks.install()
    assert blocks() == with_original


def test_a_big_generated_file_has_the_same_marks():
    assert_same_marks(big_bib(300))

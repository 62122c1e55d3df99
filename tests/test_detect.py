"""Format detection stops at the first format that scores SURE: no detector may score
higher, or that shortcut would pick a different format than scoring them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core.parsers import FORMATS, SURE, parser, sample_of

from .conftest import FIXTURES, ROOT

DUMPS = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".txt", ".md", ".bib", ".csv", ".ris"))
DUMPS += sorted((ROOT / "sample_lists").iterdir())


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.name)
def test_no_detector_scores_above_sure_on_the_fixtures(dump: Path):
    sample = sample_of(dump.read_text(encoding="utf-8", errors="replace"))
    scores = {name: parser(name).detect(sample) for name in FORMATS}
    assert max(scores.values()) <= SURE, scores


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "@article{k,", "  title = {A},", "}", "[1] arXiv:2401.01234", "Title: X", "Authors: A B",
    "• 3 authors", "·", "Oct 9, 2025", "Daily Papers", "- [T](https://arxiv.org/abs/2401.01234)",
    "# Heading", "A plain title of a paper", "", "x" * 250]), max_size=30))
def test_no_detector_scores_above_sure_on_mixtures(lines: list[str]):
    sample = "\n".join(lines)
    assert all(parser(name).detect(sample) <= SURE for name in FORMATS)

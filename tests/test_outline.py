"""Sections from tags, and coverage at a glance."""

from __future__ import annotations

import json

import pytest

from reviewer.cli import main
from reviewer.core.errors import UsageError
from reviewer.core.importer import store_papers
from reviewer.core.model import Paper, Source
from reviewer.core.outline import coverage, sections_from_tags


@pytest.fixture
def tagged(review):
    store_papers(review, [Paper(f"Paper number {n} about things", sources=[Source("/a", n, "lines")])
                          for n in range(1, 7)], ["/a"])
    review.tag([1, 2, 3], ["seg"])
    review.tag([3, 4], ["vlm"])
    review.tag([5], ["misc"])
    return review


def test_sections_from_all_tags_in_one_undo_step(tagged):
    history = len(tagged.history())
    titles = sections_from_tags(tagged)
    assert titles == ["seg", "vlm", "misc"]  # most used first
    assert [(s.title, s.paper_ids) for s in tagged.sections()] == [
        ("seg", [1, 2, 3]), ("vlm", [3, 4]), ("misc", [5])]
    assert len(tagged.history()) == history + 1
    tagged.undo()
    assert tagged.sections() == []


def test_sections_from_chosen_tags_fill_existing_ones(tagged):
    tagged.add_section("vlm")
    tagged.assign("vlm", [6])
    sections_from_tags(tagged, ["vlm"])
    assert [(s.title, s.paper_ids) for s in tagged.sections()] == [("vlm", [6, 3, 4])]
    with pytest.raises(UsageError, match="no paper has the tag 'nope'"):
        sections_from_tags(tagged, ["nope"])


def test_coverage(tagged):
    tagged.decide([1, 5, 6], "include")
    tagged.star([4, 6])
    sections_from_tags(tagged, ["seg"])
    tagged.add_section("Empty")
    cov = coverage(tagged)
    assert cov.per_section == [("seg", 3), ("Empty", 0)]
    assert cov.thin_sections == ["Empty"]
    assert cov.unplaced_included == [5, 6]
    assert cov.unplaced_starred == [4, 6]


def test_cli(tagged, capsys):
    path = str(tagged.path)
    assert main(["--review", path, "section", "from-tags", "seg", "vlm"]) == 0
    assert capsys.readouterr().out == "1. seg (3 papers)\n2. vlm (2 papers)\n"
    tagged.decide([6], "include")
    assert main(["--review", path, "section", "coverage", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {"sections": [{"title": "seg", "papers": 3}, {"title": "vlm", "papers": 2}],
                    "included_in_no_section": [6], "starred_in_no_section": [],
                    "thin_sections": ["vlm"]}
    assert main(["--review", path, "section", "coverage"]) == 0
    out = capsys.readouterr().out
    assert "    2  vlm  (fewer than 3)" in out and "Included papers in no section: #6" in out

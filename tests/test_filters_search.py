"""Filters that combine, sort orders, and the incremental fuzzy search."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core import filters as F
from reviewer.core.model import Decision, Paper
from reviewer.core.search import SearchIndex, body_text, search_once
from reviewer.core.sorting import sort_rows


def make(pid, title, **kw) -> Paper:
    p = Paper(title, **kw)
    p.id = pid
    return p


PAPERS = [
    make(1, "Segmentation with Mamba", year=2024, starred=True, decision=Decision.INCLUDE,
         tags=["seg"], sections=["Methods"], links=["https://github.com/a/b"], upvotes=5),
    make(2, "A Survey of Report Generation", year=2021, decision=Decision.MAYBE, tags=["survey"],
         note="read *this*", abstract="Radiology reports are long."),
    make(3, "Vision-Language Pretraining", year=None, decision=Decision.EXCLUDE,
         tags=["seg", "vlp"], links=["https://proj.github.io"], upvotes=40),
    make(4, "Benchmarks for Segmentation Models", year=2019, starred=True),
]


def ids(rows):
    return [p.id for p in rows]


def test_each_filter():
    assert ids(F.apply([F.Starred()], PAPERS)) == [1, 4]
    assert ids(F.apply([F.WithDecision(Decision.MAYBE)], PAPERS)) == [2]
    assert ids(F.apply([F.WithTag("seg")], PAPERS)) == [1, 3]
    assert ids(F.apply([F.InSection("Methods")], PAPERS)) == [1]
    assert ids(F.apply([F.InSection(None)], PAPERS)) == [2, 3, 4]
    assert ids(F.apply([F.HasNote()], PAPERS)) == [2]
    assert ids(F.apply([F.HasCode()], PAPERS)) == [1]  # a github.io page is not code
    assert ids(F.apply([F.YearRange(2020, None)], PAPERS)) == [1, 2]
    assert ids(F.apply([F.YearRange(None, 2021)], PAPERS)) == [2, 4]


def test_filters_combine():
    assert ids(F.apply([F.Starred(), F.WithTag("seg")], PAPERS)) == [1]
    combo = F.AllOf().with_(F.WithDecision(Decision.MAYBE)).with_(F.WithDecision(Decision.INCLUDE))
    assert ids(F.apply([combo], PAPERS)) == [1]  # a second decision replaces the first
    combo = combo.with_(F.WithTag("seg")).with_(F.WithTag("vlp"))
    assert combo.label == "include + tag:seg + tag:vlp"
    assert ids(F.apply([combo], PAPERS)) == []
    assert ids(F.apply([combo.without(F.WithTag("vlp"))], PAPERS)) == [1]


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2020-2024", 2020, 2024), ("2020-", 2020, None), ("-2019", None, 2019), ("2023", 2023, 2023)])
def test_year_range_parse(text, start, end):
    assert F.YearRange.parse(text) == F.YearRange(start, end)


@pytest.mark.parametrize("bad", ["", "-", "20x0", "a-b"])
def test_year_range_parse_refuses_junk(bad):
    with pytest.raises(ValueError):
        F.YearRange.parse(bad)


def test_sorts():
    assert ids(sort_rows(PAPERS, "imported")) == [1, 2, 3, 4]
    assert ids(sort_rows(PAPERS, "title")) == [2, 4, 1, 3]
    assert ids(sort_rows(PAPERS, "year")) == [1, 2, 4, 3]  # unknown year last
    assert ids(sort_rows(PAPERS, "upvotes")) == [3, 1, 2, 4]
    assert ids(sort_rows(PAPERS, "relevance", {4: 2.0, 2: 5.0})) == [2, 4, 1, 3]


def index() -> SearchIndex:
    return SearchIndex((p.id, p.title, body_text(p.tags, p.note, p.abstract)) for p in PAPERS)


def test_search_matches_titles_abstracts_tags_and_notes():
    s = index()
    assert set(s.search("segmentation")) == {1, 4}
    assert set(s.search("radiology")) == {2}      # abstract
    assert set(s.search("vlp")) == {3}            # tag
    assert set(s.search("this")) == {2}           # note
    assert set(s.search("segmentation mamba")) == {1}
    assert s.search("") == {}


def test_search_forgives_typos_in_titles():
    assert set(index().search("segmnetation")) == {1, 4}


def test_title_hits_rank_above_body_hits():
    papers = [make(1, "Unrelated", abstract="mentions reports once"),
              make(2, "Reports and more reports")]
    s = SearchIndex((p.id, p.title, p.abstract) for p in papers)
    scores = s.search("reports")
    assert scores[2] > scores[1]


def test_incremental_search_gives_the_same_answers_as_a_fresh_one():
    s = index()
    for query in ["s", "se", "seg", "segm", "segme", "segmen", "segment", "segment m",
                  "segment ma", "segment mam"]:
        assert s.search(query) == index().search(query), query
    s.update(2, "Segment everything now", "")
    assert set(s.search("segment")) == set(SearchIndex(
        [(1, PAPERS[0].title, ""), (2, "Segment everything now", ""), (3, PAPERS[2].title, ""),
         (4, PAPERS[3].title, "")]).search("segment"))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="abcde fgsmntio", max_size=30),
                          st.text(alphabet="abcde fgsmntio\0", max_size=60)), max_size=25),
       st.text(alphabet="abcde fgsmntio", max_size=14))
def test_one_shot_search_agrees_with_the_index(docs, query):
    numbered = [(i + 1, title, body) for i, (title, body) in enumerate(docs)]
    assert search_once(numbered, query) == pytest.approx(SearchIndex(numbered).search(query))

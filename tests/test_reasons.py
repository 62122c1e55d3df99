"""Exclusion reasons in the core: stored with an exclude, cleared by other decisions, one
undo step with the decision (also across a restart), counted for PRISMA, filtered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reviewer.core import filters as F
from reviewer.core import schema
from reviewer.core.errors import UsageError
from reviewer.core.importer import store_papers
from reviewer.core.manual_merge import merge_papers
from reviewer.core.model import Decision, Paper, Source
from reviewer.core.reasons import rayyan_note, rayyan_reasons
from reviewer.core.store import Review

from .old_schema import old_review

TITLES = ["Alpha: Segmenting Everything", "Beta: Reports with Retrieval",
          "Gamma: Foundation Models in Pathology", "Delta: Visual Question Answering"]


@pytest.fixture
def filled(review: Review) -> Review:
    store_papers(review, [Paper(title=t, sources=[Source("/dumps/a.txt", i + 1, "lines")])
                          for i, t in enumerate(TITLES)], ["/dumps/a.txt"])
    return review


def reasons(review: Review) -> dict[int, str]:
    """The reasons as the file holds them."""
    return dict(review.conn.execute("SELECT paper_id, reason FROM decision_reasons"))


def test_exclude_with_a_reason_stores_it_and_the_paper_carries_it(filled: Review):
    assert filled.decide([1, 2], Decision.EXCLUDE, "wrong  population ") == 2
    assert reasons(filled) == {1: "wrong population", 2: "wrong population"}
    assert filled.get(1).reason == "wrong population"
    assert filled.get(1).to_json()["reason"] == "wrong population"
    assert filled.get(3).reason == "" and filled.get(3).to_json()["reason"] == ""
    assert {s.id: s.reason for s in filled.summaries()} == {
        1: "wrong population", 2: "wrong population", 3: "", 4: ""}
    assert [p.reason for p in filled.papers(sources=False)][:2] == ["wrong population"] * 2


def test_other_decisions_clear_the_reason_in_the_same_undo_step(filled: Review):
    filled.decide([1], "exclude", "not a trial")
    for decision in (Decision.INCLUDE, Decision.MAYBE, Decision.UNDECIDED):
        filled.decide([1], Decision.EXCLUDE, "not a trial")
        filled.decide([1], decision)
        assert reasons(filled) == {} and filled.get(1).decision is decision
        entry = filled.undo()  # one step brings back both the exclude and its reason
        assert entry is not None and entry.paper_ids == {1}
        assert filled.get(1).decision is Decision.EXCLUDE
        assert reasons(filled) == {1: "not a trial"}


def test_re_excluding_without_a_reason_keeps_it_and_empty_clears_it(filled: Review):
    filled.decide([1], "exclude", "wrong outcome")
    assert filled.decide([1, 2], "exclude") == 1  # #2 newly excluded, #1 keeps its reason
    assert reasons(filled) == {1: "wrong outcome"}
    assert filled.decide([1], "exclude", "wrong design") == 1  # a new reason replaces it
    assert reasons(filled) == {1: "wrong design"}
    assert filled.decide([1], "exclude", "") == 1
    assert reasons(filled) == {}
    assert filled.decide([1], "exclude", "") == 0


def test_a_reason_with_another_decision_is_refused_and_changes_nothing(filled: Review):
    with pytest.raises(UsageError, match="reason goes with exclude"):
        filled.decide([1], Decision.INCLUDE, "wrong population")
    assert filled.get(1).decision is Decision.UNDECIDED and reasons(filled) == {}
    assert len(filled.history()) == 1  # the import alone


def test_a_reason_typed_in_another_case_takes_the_spelling_in_use(filled: Review):
    filled.decide([1], "exclude", "Wrong population")
    filled.decide([2], "exclude", "wrong POPULATION")
    assert reasons(filled) == {1: "Wrong population", 2: "Wrong population"}


def test_reason_list_is_the_excluded_papers_reasons_most_used_first(filled: Review):
    assert filled.exclusion_reasons() == {}
    filled.decide([1], "exclude", "not a trial")
    filled.decide([2, 3], "exclude", "wrong population")
    filled.decide([4], "exclude")
    assert list(filled.exclusion_reasons().items()) == [("wrong population", 2),
                                                       ("not a trial", 1)]
    filled.decide([1], "include")  # its reason leaves the list with it
    assert filled.exclusion_reasons() == {"wrong population": 2}


def test_undo_and_redo_of_reasons_across_a_restart(tmp_path: Path):
    path = tmp_path / "r.sqlite"
    with Review.open(path) as review:
        store_papers(review, [Paper(title=t) for t in TITLES], [])
        review.decide([1], "exclude", "wrong population")
        review.decide([1], "exclude", "not a trial")
    with Review.open(path) as review:
        assert review.get(1).reason == "not a trial"
        review.undo()
    with Review.open(path) as review:
        assert review.get(1).reason == "wrong population"
        review.undo()
    with Review.open(path) as review:
        assert review.get(1).reason == "" and review.get(1).decision is Decision.UNDECIDED
        review.redo()
        review.redo()
    with Review.open(path) as review:
        assert review.get(1).reason == "not a trial"
        assert review.get(1).decision is Decision.EXCLUDE


def test_a_forgotten_redo_of_an_import_takes_its_papers_reasons_along(review: Review):
    store_papers(review, [Paper(title="Kept")], [])
    with review.change("import with decisions"):
        store_papers(review, [Paper(title="Gone one"), Paper(title="Gone two")], [])
        review.decide([2, 3], "exclude", "off topic")
    review.undo()
    review.star([1])  # a new change forgets the undone import and its papers
    assert reasons(review) == {}
    assert review.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_reason_filter_matches_case_blind_and_none_means_excluded_without_one(
        filled: Review):
    filled.decide([1], "exclude", "wrong population")
    filled.decide([2], "exclude")
    rows = filled.summaries()
    assert [r.id for r in F.apply([F.WithReason("Wrong Population")], rows)] == [1]
    assert [r.id for r in F.apply([F.WithReason(None)], rows)] == [2]
    assert F.WithReason("x").label == "reason:x" and F.WithReason(None).label == "no reason"
    # One reason at a time: a second replaces the first.
    both = F.AllOf().with_(F.WithReason("a")).with_(F.WithReason("b"))
    assert both.filters == (F.WithReason("b"),)


def test_manual_merge_takes_the_exclude_and_its_reason(filled: Review):
    filled.decide([2], "exclude", "duplicate publication")
    filled.decide([4], "exclude", "not a trial")
    filled.decide([3], "exclude", "wrong population")
    merge_papers(filled, 1, [2, 4])
    kept = filled.get(1)
    assert (kept.decision, kept.reason) == (Decision.EXCLUDE, "duplicate publication")
    # The papers merged away leave the counts with their reasons.
    assert reasons(filled) == {1: "duplicate publication", 3: "wrong population"}
    assert filled.exclusion_reasons() == {"duplicate publication": 1, "wrong population": 1}
    filled.undo()
    assert filled.get(1).reason == "" and reasons(filled) == {
        2: "duplicate publication", 3: "wrong population", 4: "not a trial"}
    merge_papers(filled, 3, [4])  # a kept paper with a reason keeps its own
    assert reasons(filled) == {2: "duplicate publication", 3: "wrong population"}


def test_an_older_review_gains_the_table_and_keeps_its_papers(tmp_path: Path):
    path = tmp_path / "old.sqlite"
    before = schema.MIGRATIONS.index(schema._V8)
    old_review(path, before, ["One", "Two"])
    with Review.open(path) as review:
        assert schema.current_version(review.conn) == schema.VERSION
        assert review.count() == 2
        review.decide([2], "exclude", "off topic")
        assert review.get(2).reason == "off topic"
    tables = {r[0] for r in sqlite3.connect(path).execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "decision_reasons" in tables


def test_rayyan_reasons_read_and_written():
    notes = ('RAYYAN-INCLUSION: {"Ana"=>"Excluded"} | RAYYAN-LABELS: RCT | '
             'RAYYAN-EXCLUSION-REASONS: wrong population,foreign language | USER-NOTES: {}')
    assert rayyan_reasons(notes) == "wrong population, foreign language"
    assert rayyan_reasons('RAYYAN-EXCLUSION-REASONS: wrong outcome') == "wrong outcome"
    assert rayyan_reasons('RAYYAN-INCLUSION: {"Ana"=>"Excluded"}') == ""
    assert rayyan_reasons(rayyan_note("wrong population, foreign language")) == \
        "wrong population, foreign language"
    assert rayyan_note("") == ""


def test_a_repair_keeps_reasons_of_excluded_papers_in_the_review_only(filled: Review):
    from reviewer.core.integrity import _drop_dangling

    filled.decide([1, 2], "exclude", "off topic")
    # As a rebuilt file could hold them: a reason of an included paper, of a paper gone.
    filled.conn.execute("UPDATE papers SET decision = 'include' WHERE id = 2")
    filled.conn.execute("INSERT INTO decision_reasons VALUES (3, 'stray')")
    filled.conn.execute("UPDATE papers SET removed = 1 WHERE id = 3")
    _drop_dangling(filled.conn)
    assert reasons(filled) == {1: "off topic"}
    assert filled.exclusion_reasons() == {"off topic": 1}

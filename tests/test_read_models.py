"""What the TUI reads through Review instead of a connection: the review's version (has
another process changed it?) and the search texts, in slices."""

from __future__ import annotations

from reviewer.core.importer import import_files
from reviewer.core.store import Review

from .conftest import ROOT

SAMPLE = ROOT / "sample_lists"


def test_the_version_moves_with_changes_elsewhere_not_with_frozen_keys(tmp_path):
    path = tmp_path / "r.sqlite"
    with Review.open(path) as review:
        import_files(review, [next(SAMPLE.iterdir())])
    with Review.open(path) as mine, Review.open(path) as other:
        seen = mine.version()
        assert mine.version(seen) is seen  # nothing committed since: history not read
        other.freeze_citekeys([1])  # an export elsewhere: nothing the screen shows
        frozen = mine.version(seen)
        assert frozen.data != seen.data and frozen.history == seen.history
        other.star([1])
        starred = mine.version(frozen)
        assert starred.history != frozen.history
        other.undo()
        assert mine.version(starred).history != starred.history


def test_search_texts_in_slices_are_the_whole(tmp_path):
    with Review.open(tmp_path / "r.sqlite") as review:
        import_files(review, sorted(SAMPLE.iterdir()))
        review.tag([2, 3], ["zebra", "apple"])
        review.set_note(3, "a note")
        whole = review.search_texts()
        slices, last = [], 0
        while texts := review.search_texts(after=last, limit=7):
            slices += texts
            last = texts[-1][0]
        assert slices == whole and len(whole) == review.count()
        body = dict((pid, text) for pid, _, text in whole)[3]
        assert "apple" in body and "zebra" in body and "a note" in body

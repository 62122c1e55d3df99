"""The review's schema: migrations read the same for ever, and the model's fields are the
columns of papers (a field declared in the model without its migration fails here)."""

from __future__ import annotations

import hashlib
from dataclasses import fields

import pytest

from reviewer.core import schema
from reviewer.core.improve import edit_values
from reviewer.core.model import METADATA_FIELDS, USER_COLUMNS, Paper
from reviewer.core.store import PAPER_COLUMNS, Review

from .old_schema import old_review

# The statements of each migration as first released (1-5: as reviewer built them from
# its column lists before they were written out; the text was checked equal then). A
# review migrated once never runs its migration again: changing one would make reviews
# made before and after differ without any of them knowing.
PINNED = ["b523a2c4026bf4be", "92afdfd15e06e3cc", "7937864c7e09bb05", "ee855b566971d1c6",
          "466b4a7cbb246283", "7e00d9e49e4140cb", "f43890eef2b83100", "7d6d87562f07be46"]


def test_migrations_applied_once_never_change():
    texts = ["\n".join(schema._statements(m)) for m in schema.MIGRATIONS]
    digests = [hashlib.sha256(t.encode()).hexdigest()[:16] for t in texts]
    assert digests[:len(PINNED)] == PINNED, "a released migration changed: add a new one"
    assert len(digests) == len(PINNED), "a new migration: pin its digest here"


def test_every_stored_field_of_the_model_is_a_column(review):
    columns = {row[1] for row in review.conn.execute("PRAGMA table_info(papers)")}
    assert set(PAPER_COLUMNS) <= columns
    stored = [f.name for f in fields(Paper) if f.metadata.get("kind")]
    assert set(stored) == set(METADATA_FIELDS) | set(USER_COLUMNS) <= columns


def test_a_field_added_to_the_model_is_stored_read_edited_and_listed(review, tmp_path):
    """journal_ref came as a line in the model and one migration: every path has it."""
    (tmp_path / "t.txt").write_text("Attention Is All You Need\n", encoding="utf-8")
    from reviewer.core.importer import import_files

    import_files(review, [tmp_path / "t.txt"])
    review.edit(1, edit_values({"journal_ref": "NeurIPS 2017"}))
    paper = review.get(1)
    assert paper.journal_ref == "NeurIPS 2017"
    assert paper.to_json()["journal_ref"] == "NeurIPS 2017"
    review.undo()
    assert review.get(1).journal_ref == ""


@pytest.mark.parametrize("version", range(1, len(schema.MIGRATIONS)))
def test_a_review_of_any_older_schema_opens_with_its_papers(tmp_path, version):
    path = tmp_path / f"v{version}.sqlite"
    old_review(path, version, ["Segment Anything", "Attention Is All You Need"])
    with Review.open(path) as review:
        assert schema.current_version(review.conn) == schema.VERSION
        assert [p.title for p in review.papers()] == ["Segment Anything",
                                                      "Attention Is All You Need"]
        assert review.provenance([1, 2]) == {}


def test_every_metadata_field_is_stored_and_read_back_as_it_was(review):
    """The import's row and the row reader are both derived from the model: a paper with
    every field set comes back field for field (abstract, lists, flags, extra...)."""
    from reviewer.core.importer import store_papers
    from reviewer.core.model import Source

    values = {}
    for f in fields(Paper):
        if f.metadata.get("kind") != "metadata":
            continue
        default = f.default if f.default_factory is not list else []
        if f.default_factory is dict:
            values[f.name] = {"volume": "7", "pages": "1--2"}
        elif f.default_factory is list:
            values[f.name] = ["Doe, Jane", "Roe, Rick"]
        elif isinstance(default, bool):
            values[f.name] = True
        elif f.name in ("year", "month", "day", "author_count", "upvotes"):
            values[f.name] = {"year": 2021, "month": 3, "day": 4}.get(f.name, 2)
        else:
            values[f.name] = f"{f.name} value"
    paper = Paper(**values, sources=[Source("/a.txt", 1, "lines")])
    store_papers(review, [paper], ["/a.txt"])
    back = review.papers()[0]
    # repr: 1 would pass for True
    assert {name: repr(getattr(back, name)) for name in values} == \
        {name: repr(value) for name, value in values.items()}

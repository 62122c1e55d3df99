"""The review store: edits, sections, history, undo and redo (also across restarts)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reviewer.core.errors import NotFound, ReviewError, UsageError
from reviewer.core.importer import store_papers
from reviewer.core.model import Decision, Paper, Source
from reviewer.core.store import Review


def paper(title: str, line: int = 1, **fields) -> Paper:
    return Paper(title=title, sources=[Source("/dumps/a.txt", line, "lines")], **fields)


TITLES = ["Alpha: Segmenting Everything", "Beta: Reports with Retrieval",
          "Gamma: Foundation Models in Pathology", "Delta: Visual Question Answering"]


@pytest.fixture
def filled(review: Review) -> Review:
    store_papers(review, [paper(t, i + 1) for i, t in enumerate(TITLES)], ["/dumps/a.txt"])
    return review


def state(review: Review) -> dict:
    """Everything the user can change, read straight from the database."""
    c = review.conn
    return {
        "papers": c.execute("SELECT id, starred, decision, note, citekey FROM papers "
                            "WHERE removed = 0 ORDER BY id").fetchall(),
        "tags": c.execute("SELECT paper_id, tag FROM tags ORDER BY 1, 2").fetchall(),
        "sections": c.execute("SELECT title, position, description FROM sections "
                              "ORDER BY position").fetchall(),
        "members": c.execute("SELECT s.title, sp.paper_id, sp.position FROM section_papers sp "
                             "JOIN sections s ON s.id = sp.section_id ORDER BY 1, 3").fetchall(),
    }


def test_new_review_file_has_wal_schema_version_and_application_id(tmp_path):
    path = tmp_path / "sub" / "r.sqlite"
    Review.open(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] >= 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x52657677


def test_new_review_has_large_pages_and_old_reviews_keep_theirs(tmp_path):
    new = tmp_path / "new.sqlite"
    Review.open(new).close()
    assert sqlite3.connect(new).execute("PRAGMA page_size").fetchone()[0] == 16384
    # A review made before the page size changed: SQLite's default 4 KB pages.
    old = tmp_path / "old.sqlite"
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    with Review.open(old) as review:
        store_papers(review, [paper(t, i + 1) for i, t in enumerate(TITLES)], ["/dumps/a.txt"])
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == len(TITLES)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_star_decide_note_are_stored_at_once(filled: Review):
    assert filled.star([1, 2]) == 2
    assert filled.star([2]) == 0  # already starred: nothing changes, nothing recorded
    assert filled.decide([1], Decision.INCLUDE) == 1
    assert filled.decide([3], "x") == 1
    assert filled.set_note(4, "- read **twice**") is True
    rows = filled.conn.execute("SELECT id, starred, decision, note FROM papers ORDER BY id").fetchall()
    assert rows == [(1, 1, "include", ""), (2, 1, "undecided", ""), (3, 0, "exclude", ""),
                    (4, 0, "undecided", "- read **twice**")]
    assert [e.label for e in filled.history()][:4] == [
        "note on #4", "exclude #3", "include #1", "star 2 papers"]


def test_tags_add_remove_and_counts(filled: Review):
    assert filled.tag([1, 2], ["seg", "ct", "seg"]) == 4
    assert filled.tag([1], ["seg"]) == 0
    assert filled.untag([2], ["ct", "absent"]) == 1
    assert filled.tags() == [("seg", 2), ("ct", 1)]
    assert filled.get(1).tags == ["ct", "seg"]
    with pytest.raises(UsageError):
        filled.tag([1], ["   "])


def test_edit_of_unknown_paper_changes_nothing(filled: Review):
    before = state(filled)
    with pytest.raises(NotFound):
        filled.star([1, 99])
    assert state(filled) == before
    with pytest.raises(NotFound):
        filled.resolve("nosuchkey2020")


def test_resolve_by_id_or_citekey(filled: Review):
    key = filled.get(3).citekey
    assert filled.resolve(key) == 3
    assert filled.resolve("#3") == 3


def test_sections_order_and_membership(filled: Review):
    filled.add_section("Methods")
    filled.add_section("Intro", position=1)
    filled.add_section("Data", description="  datasets  ")
    assert [(s.title, s.position) for s in filled.sections()] == [
        ("Intro", 1), ("Methods", 2), ("Data", 3)]
    assert filled.section("data").description == "datasets"
    assert filled.assign("Methods", [3, 1, 2]) == 3
    assert filled.assign("Methods", [1]) == 0
    filled.move_in_section("Methods", 2, 1)
    assert filled.section("Methods").paper_ids == [2, 3, 1]
    filled.unassign("Methods", [3])
    assert filled.section("Methods").paper_ids == [2, 1]
    filled.move_section("Data", 1)
    filled.rename_section("Intro", "Introduction")
    assert [s.title for s in filled.sections()] == ["Data", "Introduction", "Methods"]
    filled.assign("Data", [1])
    assert filled.get(1).sections == ["Data", "Methods"]
    filled.remove_section("Methods")
    assert [(s.title, s.position) for s in filled.sections()] == [("Data", 1), ("Introduction", 2)]
    assert filled.count() == 4  # papers are not deleted with their section
    with pytest.raises(UsageError):
        filled.add_section("Data")
    with pytest.raises(UsageError):
        filled.rename_section("Data", "Introduction")
    with pytest.raises(NotFound):
        filled.assign("Nowhere", [1])
    assert filled.assign("Nowhere", [1], create=True) == 1


def test_undo_everything_then_redo_everything(filled: Review):
    states = [state(filled)]
    for edit in EDITS:
        edit(filled)
        states.append(state(filled))
    assert len(filled.history(100)) == len(EDITS) + 1  # plus the import
    for expected in reversed(states[:-1]):
        assert filled.undo() is not None
        assert state(filled) == expected
    for expected in states[1:]:
        assert filled.redo() is not None
        assert state(filled) == expected
    assert filled.redo() is None


EDITS = [
    lambda r: r.star([1, 3]),
    lambda r: r.decide([2], Decision.MAYBE),
    lambda r: r.tag([1, 4], ["ct"]),
    lambda r: r.set_note(2, "note"),
    lambda r: r.add_section("A"),
    lambda r: r.add_section("B"),
    lambda r: r.assign("A", [4, 2]),
    lambda r: r.move_in_section("A", 2, 1),
    lambda r: r.move_section("B", 1),
    lambda r: r.rename_section("A", "A2"),
    lambda r: r.describe_section("B", "bee"),
    lambda r: r.unassign("A2", [4]),
    lambda r: r.untag([4], ["ct"]),
    lambda r: r.set_citekey(3, "handKey2024"),
    lambda r: r.remove_section("A2"),
]


def test_undo_works_across_restarts(tmp_path: Path):
    path = tmp_path / "r.sqlite"
    with Review.open(path) as r:
        store_papers(r, [paper(t, i + 1) for i, t in enumerate(TITLES)], ["/dumps/a.txt"])
        before = state(r)
        for edit in EDITS:
            edit(r)
        after = state(r)
    with Review.open(path) as r:
        assert state(r) == after
    for _ in EDITS:  # one undo per session
        with Review.open(path) as r:
            assert r.undo() is not None
    with Review.open(path) as r:
        assert state(r) == before
        done = [e.label for e in r.history(100) if not e.undone]
        assert len(done) == 1 and done[0].startswith("import")


def test_a_new_change_forgets_the_redo_stack(filled: Review):
    filled.star([1])
    filled.star([2])
    filled.undo()
    filled.decide([3], "include")
    assert filled.redo() is None
    assert [s for s in filled.summaries() if s.starred] == [filled.summaries([1])[0]]


def test_undo_import_hides_its_papers_and_redo_brings_them_back(review: Review):
    store_papers(review, [paper("One paper title here")], ["/dumps/a.txt"])
    again = Paper(title="One paper title here", sources=[Source("/dumps/b.txt", 7, "lines")])
    store_papers(review, [paper("Another paper title", 2), again], ["/dumps/b.txt"])
    assert review.count() == 2
    entry = review.undo()
    assert entry.label.startswith("import b.txt: 1 new, 1 merged")
    assert entry.paper_ids is None
    assert review.count() == 1
    assert [s.file for s in review.get(1).sources] == ["/dumps/a.txt"]
    with pytest.raises(NotFound):
        review.resolve(2)
    review.redo()
    assert review.count() == 2
    assert [s.file for s in review.get(1).sources] == ["/dumps/a.txt", "/dumps/b.txt"]


def test_new_change_after_undone_import_purges_its_papers(review: Review):
    store_papers(review, [paper("Kept paper title")], ["/dumps/a.txt"])
    store_papers(review, [paper("Dropped paper title", 2)], ["/dumps/b.txt"])
    review.tag([2], ["x"])
    review.undo()
    review.undo()
    review.star([1])
    assert review.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 1
    assert review.conn.execute("SELECT count(*) FROM tags").fetchone()[0] == 0
    assert review.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_import_after_an_undone_import_purges_its_papers_and_their_rows(review: Review):
    # An import runs without foreign key checks; the purge must not rely on cascades.
    store_papers(review, [paper("Kept paper title")], ["/dumps/a.txt"])
    store_papers(review, [paper("Dropped paper title", 2), paper("Kept paper title", 5)],
                 ["/dumps/b.txt"])
    review.tag([2], ["x"])
    review.assign("Methods", [2], create=True)
    for _ in range(3):  # the assignment, the section it created, the tag
        review.undo()
    assert review.undo().label.startswith("import b.txt")
    store_papers(review, [paper("Third paper title", 3)], ["/dumps/c.txt"])
    c = review.conn
    assert [t for (t,) in c.execute("SELECT title FROM papers ORDER BY id")] == [
        "Kept paper title", "Third paper title"]
    assert c.execute("SELECT paper_id, line FROM sources ORDER BY id").fetchall() == [
        (1, 1), (3, 3)]
    assert c.execute("SELECT count(*) FROM tags").fetchone()[0] == 0
    assert c.execute("SELECT count(*) FROM section_papers").fetchone()[0] == 0
    assert c.execute("PRAGMA foreign_key_check").fetchall() == []
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_undo_reports_touched_papers(filled: Review):
    filled.tag([2, 3], ["x"])
    filled.star([4])
    assert filled.undo().paper_ids == {4}
    assert filled.undo().paper_ids == {2, 3}


def test_nested_changes_are_one_undo_step(filled: Review):
    with filled.change("set up sections"):
        filled.add_section("A")
        filled.add_section("B")
        filled.assign("A", [1, 2])
    assert filled.history(1)[0].label == "set up sections"
    filled.undo()
    assert filled.sections() == []


def test_failed_compound_change_leaves_nothing(filled: Review):
    before = state(filled)
    with pytest.raises(NotFound):
        with filled.change("half"):
            filled.add_section("A")
            filled.assign("A", [1, 404])
    assert state(filled) == before
    assert filled.history(1)[0].label.startswith("import")


def test_citekey_by_hand_is_validated_unique_and_recorded(filled: Review):
    other = filled.get(2).citekey
    with pytest.raises(UsageError):
        filled.set_citekey(1, other)
    for bad in ("", "has space", "1starts", "brace{", "ünï"):
        with pytest.raises(UsageError):
            filled.set_citekey(1, bad)
    old = filled.get(1).citekey
    filled.set_citekey(1, "myKey2024")
    assert filled.get(1).citekey == "myKey2024"
    assert filled.frozen_citekeys([1, 2]) == {1}
    filled.undo()
    assert filled.get(1).citekey == old
    assert filled.frozen_citekeys([1, 2]) == set()
    filled.freeze_citekeys([1])  # exported while the hand-set key waited to be redone
    filled.redo()
    assert filled.get(1).citekey == "myKey2024"
    assert filled.frozen_citekeys([1, 2]) == {1}


def test_stats_count_what_the_user_did(filled: Review):
    filled.star([1])
    filled.decide([1, 2], "include")
    filled.decide([3], "exclude")
    filled.tag([4], ["x", "y"])
    filled.set_note(4, "n")
    filled.add_section("S")
    stats = filled.stats()
    assert stats == {"papers": 4, "undecided": 1, "include": 2, "maybe": 0, "exclude": 1,
                     "starred": 1, "with_note": 1, "tagged": 1, "tags": 2, "sections": 1,
                     "files": 1}


def test_a_text_file_is_not_opened_as_a_review(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n" * 50)
    before = path.read_bytes()
    with pytest.raises(ReviewError, match="not a reviewer review"):
        Review.open(path)
    assert path.read_bytes() == before


def test_another_programs_database_is_left_untouched(tmp_path: Path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ReviewError, match="another program"):
        Review.open(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "other.db-wal").exists()


def test_papers_without_sources_keep_everything_else(filled: Review):
    filled.tag([1], ["seg"])
    filled.assign("Methods", [1], create=True)
    full, light = filled.papers(), filled.papers(sources=False)
    assert [p.sources for p in full] != [[] for _ in full]
    assert [p.sources for p in light] == [[] for _ in light]
    for p in full:
        p.sources = []
    assert light == full
    assert light[0].tags == ["seg"] and light[0].sections == ["Methods"]

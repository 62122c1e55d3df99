"""Kept BibTeX entries: an export from them is the file a fresh render gives, whatever
changed since the last export; and the selection's SQL picks what its filters pick."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.cli import main
from reviewer.core import model, schema
from reviewer.core.export import bibfile
from reviewer.core.export.bibtex import to_bibtex
from reviewer.core.export.selection import Selection
from reviewer.core.importer import import_files
from reviewer.core.model import Decision
from reviewer.core.store import Review

from .export_review import build

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).parent.parent / "sample_lists"


@pytest.fixture
def fixed(tmp_path):
    review = build(tmp_path / "fixed.sqlite")
    yield review
    review.close()


def fresh(review: Review, selection: Selection = Selection(everything=True)) -> str:
    """The file rendered from scratch, without the kept entries."""
    return to_bibtex(selection.papers(review))


def write(review: Review, selection: Selection = Selection(everything=True),
          name: str = "refs.bib") -> bibfile.BibFile:
    return bibfile.write_bibtex(review, selection, review.path.parent / name)


def export(review: Review, selection: Selection = Selection(everything=True),
           name: str = "refs.bib") -> str:
    """What an export to ``name`` writes (the file itself, read back)."""
    bib = write(review, selection, name)
    text = (review.path.parent / name).read_text(encoding="utf-8")
    assert text == bib.data.decode()
    return text


def kept(review: Review) -> int:
    return review.conn.execute("SELECT count(*) FROM bib_entries").fetchone()[0]


def test_first_export_renders_and_records_every_entry_and_equals_a_fresh_render(fixed):
    assert kept(fixed) == 0
    assert export(fixed) == fresh(fixed)
    assert kept(fixed) == fixed.count()


def test_an_export_of_one_paper_or_none_is_laid_out_as_a_fresh_render(fixed):
    fixed.star([1])
    assert export(fixed, Selection(starred=True)) == fresh(fixed, Selection(starred=True))
    nothing = Selection(tags=("no such tag",))
    assert export(fixed, nothing) == fresh(fixed, nothing)


def test_the_next_export_renders_nothing_unchanged(fixed, monkeypatch):
    # Without this the other tests could pass with kept entries that are never read.
    first = export(fixed)
    with fixed.transaction():  # starring changes no entry
        fixed.conn.execute("UPDATE papers SET starred = 1 WHERE id IN (1, 3)")
    starred = fresh(fixed, Selection(starred=True))
    monkeypatch.setattr(bibfile.bibtex, "entry", lambda paper: pytest.fail("rendered"))
    assert export(fixed) == first
    assert export(fixed, name="other.bib") == first  # from the last file written
    assert export(fixed, Selection(starred=True)) == starred


def test_an_entry_edited_by_hand_in_the_file_is_rendered_again(fixed, monkeypatch):
    first = export(fixed)
    out = fixed.path.parent / "refs.bib"
    target = fixed.papers()[0]
    start = first.index(f"{{{target.citekey},")
    edited = first[:start] + first[start:].replace("title", "TITLE", 1)
    out.write_text(edited, encoding="utf-8")
    rendered = []
    real = bibfile.bibtex.entry
    monkeypatch.setattr(bibfile.bibtex, "entry", lambda p: rendered.append(p.id) or real(p))
    assert export(fixed) == first
    assert rendered == [target.id]


@pytest.mark.parametrize("edit", ["header", "between entries", "appended"])
def test_a_file_edited_outside_its_entries_is_written_again(fixed, edit):
    first = export(fixed)
    out = fixed.path.parent / "refs.bib"
    if edit == "header":
        changed = first.replace("Exported", "EXPORTED", 1)
    elif edit == "between entries":
        blank = first.index("}\n\n@") + 2
        changed = first[:blank] + "%" + first[blank + 1:]
    else:
        changed = first + "@misc{mine, title = {Mine}}\n"
    out.write_text(changed, encoding="utf-8")
    bib = write(fixed)
    assert bib.rendered == 0 and bib.written
    assert out.read_text(encoding="utf-8") == first


def test_a_lost_or_shortened_file_gives_the_same_export(fixed):
    first = export(fixed)
    out = fixed.path.parent / "refs.bib"
    out.write_bytes(out.read_bytes()[:len(first) // 2])
    assert export(fixed) == first
    out.unlink()
    assert export(fixed, name="elsewhere.bib") == first
    assert write(fixed, name="elsewhere.bib").rendered == 0


def test_entries_made_by_other_code_are_not_reused(fixed):
    export(fixed)
    fixed.conn.execute("UPDATE meta SET value = 'an older reviewer' WHERE key = ?",
                       (bibfile.RENDERER_KEY,))
    bib = write(fixed)
    assert bib.rendered == fixed.count()
    assert bib.data.decode() == fresh(fixed)


def test_only_the_last_export_files_are_remembered(fixed):
    for n in range(bibfile.FILES_KEPT + 2):
        export(fixed, Selection(starred=True) if n % 2 else Selection(everything=True),
               name=f"refs-{n}.bib")
    paths = {Path(os.fsdecode(row[0])).name
             for row in fixed.conn.execute("SELECT path FROM bib_files")}
    assert paths == {f"refs-{n}.bib" for n in range(2, bibfile.FILES_KEPT + 2)}
    files = fixed.conn.execute("SELECT count(DISTINCT file_id) FROM bib_entries").fetchone()[0]
    assert files <= bibfile.FILES_KEPT


def test_the_renderer_changes_with_the_exporter_source(monkeypatch, tmp_path):
    before = bibfile.renderer()
    copy = tmp_path / "bibtex.py"
    copy.write_bytes(Path(bibfile.bibtex.__file__).read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(bibfile.bibtex, "__file__", str(copy))
    assert bibfile.renderer() != before


def _changed(column: str, old, paper_id: int):
    """A different, valid value for a papers column."""
    if column in ("authors", "links", "keywords"):
        return json.dumps(["Changed, Name"] if old == "[]" else [])
    if column == "extra":
        return json.dumps({"volume": "99", "pages": "1--2"})
    if column == "decision":
        return "exclude" if old != "exclude" else "include"
    if column == "citekey":
        return f"changed{paper_id}Key"
    if column in ("id", "batch"):
        return None  # keys: changed by no one
    if isinstance(old, int) or old is None:
        return 11 if old != 11 else 5
    return old + " changed" if old else "Changed value"


def test_every_column_change_reaches_the_next_export(fixed):
    """If the exporter reads a column the schema's trigger does not watch, the export after
    a change of that column serves the old entry, and this fails naming the column."""
    columns = [row[1] for row in fixed.conn.execute("PRAGMA table_info(papers)")]
    target = next(p for p in fixed.papers() if p.arxiv_id and p.authors and p.abstract)
    stale = []
    for column in columns:
        old = fixed.conn.execute(f"SELECT {column} FROM papers WHERE id = ?",
                                 (target.id,)).fetchone()[0]
        new = _changed(column, old, target.id)
        if new is None or column == "removed":
            continue
        export(fixed)
        fixed.conn.execute(f"UPDATE papers SET {column} = ? WHERE id = ?", (new, target.id))
        if export(fixed) != fresh(fixed):
            stale.append(column)
    assert stale == []
    assert set(model.BIB_FIELDS) <= set(columns)


def test_tags_notes_undo_and_keys_reach_the_next_export(fixed):
    target = fixed.papers()[0].id
    steps = [
        lambda: fixed.tag([target], ["fresh-tag"]),
        lambda: fixed.untag([target], ["fresh-tag"]),
        lambda: fixed.set_note(target, "A *new* note & 50% more"),
        lambda: fixed.undo(),
        lambda: fixed.redo(),
        lambda: fixed.set_citekey(target, "renamedKey2025"),
        lambda: fixed.undo(),
    ]
    for step in steps:
        export(fixed)
        step()
        assert export(fixed) == fresh(fixed)


def test_a_merging_import_reaches_the_next_export(tmp_path):
    review = Review.open(tmp_path / "r.sqlite")
    plain = tmp_path / "titles.txt"
    plain.write_text("Attention Is All You Need\n", encoding="utf-8")
    import_files(review, [plain], year=2025)
    before = export(review)
    import_files(review, [SAMPLES / "classics.bib"], year=2025)  # its record is richer
    after = export(review)
    assert after == fresh(review)
    merged = next(p for p in review.papers() if p.title == "Attention Is All You Need")
    assert merged.authors and "Vaswani" not in before and "Vaswani" in after
    review.close()


def test_an_undone_import_leaves_the_export_and_a_redo_brings_it_back(fixed):
    full = export(fixed)
    path = fixed.path.parent / "more.txt"
    path.write_text("A Paper Nobody Has Seen Before\n", encoding="utf-8")
    import_files(fixed, [path], year=2025)
    assert "A Paper Nobody Has Seen Before" in export(fixed)
    fixed.undo()
    assert export(fixed) == full == fresh(fixed)
    fixed.redo()
    assert export(fixed) == fresh(fixed)


def test_an_export_that_cannot_write_keeps_and_freezes_nothing(fixed, tmp_path, monkeypatch):
    from reviewer.core.errors import WriteError

    from .test_export_files import disk_full

    out = tmp_path / "refs.bib"
    disk_full(monkeypatch)
    # The keys of the .bib entries are the user's, frozen since their import (issue 17).
    imported = fixed.frozen_citekeys(p.id for p in fixed.papers())
    assert imported == {p.id for p in fixed.papers() if "bib:@key" in p.extra} != set()
    with pytest.raises(WriteError, match="No space left"):
        bibfile.write_bibtex(fixed, Selection(everything=True), out)
    assert not out.exists() and not list(tmp_path.glob(".refs.bib*"))  # no debris
    assert kept(fixed) == 0
    assert fixed.frozen_citekeys(p.id for p in fixed.papers()) == imported


def test_an_unchanged_export_leaves_the_file_and_its_time_alone(fixed, tmp_path, capsys):
    out = tmp_path / "refs.bib"
    args = ["--review", str(fixed.path), "export", "bibtex", "--all", str(out)]
    assert main(args) == 0
    os.utime(out, (1_000_000, 1_000_000))
    capsys.readouterr()
    assert main(args) == 0
    assert out.stat().st_mtime == 1_000_000
    assert "left untouched" in capsys.readouterr().out
    fixed.tag([fixed.papers()[0].id], ["changed"])
    assert main(args) == 0
    assert out.stat().st_mtime != 1_000_000
    assert out.read_text(encoding="utf-8") == fresh(fixed)


def test_a_review_made_before_kept_entries_is_migrated(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT)")
    for statement in schema._statements(schema.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1, '2026-11-01')")
    conn.close()
    with Review.open(path) as review:
        import_files(review, [FIXTURES / "bibtex" / "tricky.bib"], year=2025)
        assert export(review) == fresh(review)
        assert schema.current_version(review.conn) == schema.VERSION >= 2


def test_a_review_with_entries_kept_inside_is_migrated(tmp_path):
    import sqlite3

    from .old_schema import old_review

    path = tmp_path / "v3.sqlite"
    old_review(path, 3, ["Segment Anything", "Attention Is All You Need"])
    conn = sqlite3.connect(path, isolation_level=None)  # the v3 table held the entries
    conn.execute("INSERT INTO bib_entries VALUES (1, CAST('@misc{old,}' AS BLOB))")
    conn.close()
    with Review.open(path) as review:
        assert schema.current_version(review.conn) == schema.VERSION
        assert export(review) == fresh(review) and "@misc{old" not in export(review)
        review.tag([1], ["new-tag"])  # the triggers are back, on the new table
        assert "new-tag" in export(review) and export(review) == fresh(review)


# -- the selection's SQL --------------------------------------------------------------

TAGS = ["a", "b", "B", "c d"]
SECTIONS = ["One", "Two"]


@st.composite
def triage(draw):
    n = 12
    return [dict(starred=draw(st.booleans()), decision=draw(st.sampled_from(list(Decision))),
                 tags=draw(st.sets(st.sampled_from(TAGS))),
                 sections=draw(st.sets(st.sampled_from(SECTIONS)))) for _ in range(n)]


SELECTIONS = st.builds(
    Selection, decision=st.none() | st.sampled_from(list(Decision)), starred=st.booleans(),
    tags=st.lists(st.sampled_from(TAGS), max_size=2).map(tuple),
    section=st.none() | st.sampled_from(SECTIONS + ["one"]), everything=st.booleans())


@pytest.fixture(scope="module")
def twelve(tmp_path_factory):
    folder = tmp_path_factory.mktemp("twelve")
    titles = folder / "titles.txt"
    titles.write_text("".join(f"Paper number {word} about things\n" for word in
                              "one two three four five six seven eight nine ten eleven "
                              "twelve".split()), encoding="utf-8")
    review = Review.open(folder / "r.sqlite")
    import_files(review, [titles], year=2025)
    for title in SECTIONS:
        review.add_section(title)
    yield review
    review.close()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=triage(), selections=st.lists(SELECTIONS, min_size=1, max_size=4))
def test_the_selection_sql_picks_what_the_filters_pick(twelve, state, selections):
    review = twelve
    ids = [p.id for p in review.papers()]
    with review.transaction() as conn:
        conn.execute("DELETE FROM tags")
        conn.execute("DELETE FROM section_papers")
        sections = {s.title: s.id for s in review.sections()}
        for pid, paper in zip(ids, state):
            conn.execute("UPDATE papers SET starred = ?, decision = ? WHERE id = ?",
                         (int(paper["starred"]), str(paper["decision"]), pid))
            conn.executemany("INSERT INTO tags VALUES (?, ?)", [(pid, t) for t in paper["tags"]])
            conn.executemany("INSERT INTO section_papers VALUES (?, ?, ?)",
                             [(sections[s], pid, pid) for s in paper["sections"]])
    for selection in selections:
        where, params = selection.where(review)
        by_sql = [r[0] for r in review.conn.execute(
            f"SELECT p.id FROM papers p WHERE {where} ORDER BY p.id", params)]
        assert by_sql == sorted(p.id for p in selection.papers(review)), selection


def test_an_edit_made_during_an_export_is_not_lost_to_a_stale_entry(fixed, monkeypatch):
    """Another process tags a paper while an export renders it. The export holds the
    write lock from its first read, so the tag lands after the entry is kept, and drops
    it; an export that read first and locked later would keep the untagged entry."""
    import threading

    target = fixed.papers()[0].id
    rendering, tagged = threading.Event(), threading.Event()
    real_entry = bibfile.bibtex.entry

    def slow_entry(paper):
        if paper.id == target and not rendering.is_set():
            rendering.set()
            tagged.wait(timeout=0.5)  # the tag cannot land meanwhile: it waits for us
        return real_entry(paper)

    monkeypatch.setattr(bibfile.bibtex, "entry", slow_entry)

    def tag_from_elsewhere():
        rendering.wait(timeout=10)
        with Review.open(fixed.path) as other:
            other.tag([target], ["tagged-meanwhile"])
        tagged.set()

    other = threading.Thread(target=tag_from_elsewhere)
    other.start()
    export(fixed)
    other.join(timeout=20)
    assert tagged.is_set()
    monkeypatch.setattr(bibfile.bibtex, "entry", real_entry)
    text = export(fixed)
    assert "tagged-meanwhile" in text and text == fresh(fixed)


def test_papers_read_for_rendering_render_as_the_full_papers(fixed):
    """bib_papers reads only model.BIB_FIELDS and the tags: the entries must not tell."""
    from reviewer.core.export import bibtex

    full = {p.id: bibtex.entry(p) for p in fixed.papers()}
    assert {p.id: bibtex.entry(p) for p in fixed.bib_papers()} == full
    some = sorted(full)[::3]
    assert [bibtex.entry(p) for p in fixed.bib_papers(some)] == [full[i] for i in some]

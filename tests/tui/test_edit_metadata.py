"""Correcting a paper's metadata by hand in the TUI: the d form and the D entry in
$EDITOR, each one undoable step whose values are the user's; bad input refused where it
was typed, and typed text never lost."""

from __future__ import annotations

import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from reviewer.core.store import Review
from reviewer.tui.screens.main import MainScreen
from reviewer.tui.screens.metadata import MetadataForm
from reviewer.tui.screens.prompts import ChoiceScreen

from .conftest import SIZE, stored

TITLE = "Alpha-Net: Segmenting Everything in CT Volumes"  # paper #1 of the fixture


def state(review_path: Path) -> tuple:
    """What an edit could change: papers, provenance, frozen keys, the steps to undo."""
    with Review.open(review_path) as review:
        papers = [p.to_json() for p in review.papers()]
        rows = [review.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("provenance", "frozen_citekeys")]
        steps = [entry.label for entry in review.history(100) if not entry.undone]
    return papers, rows, steps


def steps(review_path: Path) -> list[str]:
    return state(review_path)[2]


def origins(review_path: Path, paper_id: int = 1) -> dict[str, str]:
    with Review.open(review_path) as review:
        return review.provenance([paper_id]).get(paper_id, {})


@pytest.fixture
def editor_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """$EDITOR as a script that makes ``replacements`` in the file it is given, and logs
    each text it was handed (to check what a re-opened editor shows)."""
    log = tmp_path / "editor-log"
    log.mkdir()

    def install(*replacements: tuple[str, str], name: str = "editor") -> Path:
        script = tmp_path / name
        script.write_text(
            f"#!{sys.executable}\nimport sys, pathlib\n"
            "path = pathlib.Path(sys.argv[1])\ntext = path.read_text(encoding='utf-8')\n"
            f"log = pathlib.Path({str(log)!r})\n"
            "(log / str(len(list(log.iterdir())))).write_text(text, encoding='utf-8')\n"
            f"for old, new in {list(replacements)!r}:\n"
            "    text = text.replace(old, new)\n"
            "path.write_text(text, encoding='utf-8')\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("EDITOR", str(script))
        monkeypatch.delenv("VISUAL", raising=False)
        return log
    return install


# -- the form ----------------------------------------------------------------------------

async def test_the_form_stores_title_and_authors_as_one_step_that_u_undoes(
        make_app, review_path):
    before = state(review_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, MetadataForm)
        # The title field has the focus, its text selected: typing replaces it.
        await pilot.press(*"Alpha-Net: Segmenting CT", "tab", *"Doe, Jane; Roe, Rick",
                          "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        paper = stored(review_path)[1]
        assert paper.title == "Alpha-Net: Segmenting CT"
        assert paper.authors == ["Doe, Jane", "Roe, Rick"] and paper.author_count == 2
        assert paper.year == 2024  # untouched
        # Not yet exported: the key follows the new metadata.
        assert paper.citekey == "doeAlphaNetSegmentingCT2024"
        assert origins(review_path) == {"title": "user", "authors": "user",
                                        "author_count": "user"}
        assert "Edited title, authors" in app.said[-1]
        assert steps(review_path) == ["edit #1: title, authors", *before[2]]
        await pilot.press("u")
        await pilot.pause()
        assert state(review_path) == before


async def test_the_form_sets_the_type_and_other_fields_and_drops_a_removed_one(
        make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", "tab", "tab", "tab", "tab")  # to the type
        await pilot.press("enter", *"inpro", "enter")  # open the list, find, choose
        await pilot.press("tab", "tab", "tab", "tab")  # to the other fields
        await pilot.press(*"volume = 12", "enter", *"pages = 1--10", "ctrl+s")
        await pilot.pause()
        paper = stored(review_path)[1]
        assert paper.entry_type == "inproceedings"
        assert paper.extra == {"volume": "12", "pages": "1--10"}
        await pilot.press("d", "shift+tab")  # from the title back to the other fields
        await pilot.press("ctrl+a", "home", "shift+down", "delete", "ctrl+s")  # volume goes
        await pilot.pause()
        assert stored(review_path)[1].extra == {"pages": "1--10"}


async def test_an_invalid_year_is_shown_under_it_and_nothing_is_written(
        make_app, review_path):
    before = state(review_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", *"A New Title", "tab", "tab", *"20x4", "tab", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MetadataForm)  # stays, with what was typed
        error = app.screen.query_one("#m-year-error")
        assert "year must be a number, not '20x4'" in str(error.render())
        assert error.display
        assert app.focused.id == "m-year"  # the wrong field takes the focus
        assert state(review_path) == before
        await pilot.press("ctrl+u", *"1999", "ctrl+s")  # corrected: both fields stored
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    paper = stored(review_path)[1]
    assert (paper.title, paper.year) == ("A New Title", 1999)


async def test_escape_leaves_the_form_without_writing(make_app, review_path):
    before = state(review_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", *"Something else entirely", "tab", *"Doe, Jane", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert state(review_path) == before


async def test_saving_an_untouched_form_writes_nothing(make_app, review_path):
    before = state(review_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.said[-1] == "Unchanged"
    assert state(review_path) == before


async def test_a_frozen_key_stays_when_the_form_changes_the_title(make_app, review_path):
    with Review.open(review_path) as review:
        key = review.get(1).citekey
        review.freeze_citekeys([1])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", *"Alpha-Net Revisited", "ctrl+s")
        await pilot.pause()
    paper = stored(review_path)[1]
    assert paper.title == "Alpha-Net Revisited" and paper.citekey == key


async def test_the_form_keeps_what_was_typed_when_the_review_is_busy(
        make_app, review_path, monkeypatch):
    from reviewer.tui import app as app_module

    monkeypatch.setattr(app_module, "BUSY_WAIT", 0.2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", *"Typed with care")
        writer = sqlite3.connect(review_path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, MetadataForm)
            assert "busy" in str(app.screen.query_one("#m-error").render())
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert stored(review_path)[1].title == "Typed with care"


# -- the entry in $EDITOR ----------------------------------------------------------------

async def test_the_entry_edited_in_the_editor_is_stored_as_one_step_that_u_undoes(
        make_app, review_path, editor_script):
    before = state(review_path)
    editor_script(("year     = {2024}", "author   = {Doe, Jane and Roe, Rick},\n"
                                        "  year     = {2023}"),
                  ("{CT} Volumes", "{CT} Scans"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await pilot.pause()
        paper = stored(review_path)[1]
        assert paper.title == "Alpha-Net: Segmenting Everything in CT Scans"
        assert paper.authors == ["Doe, Jane", "Roe, Rick"] and paper.year == 2023
        # Not exported: the key follows the new metadata.
        assert paper.citekey == "doeAlphaNetSegmentingEverything2023"
        assert set(origins(review_path)) == {"title", "authors", "author_count", "year"}
        assert set(origins(review_path).values()) == {"user"}
        assert "Edited" in app.said[-1]
        assert len(steps(review_path)) == len(before[2]) + 1
        await pilot.press("u")
        await pilot.pause()
        assert state(review_path) == before


async def test_a_frozen_key_stays_and_a_new_one_for_it_is_refused(
        make_app, review_path, editor_script):
    with Review.open(review_path) as review:
        key = review.get(1).citekey
        review.freeze_citekeys([1])
    editor_script(("{CT} Volumes", "{CT} Scans"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await pilot.pause()
        assert stored(review_path)[1].citekey == key
        assert stored(review_path)[1].title.endswith("CT Scans")
        before = state(review_path)
        editor_script((f"{{{key},", "{alpha2024,"))
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        question = str(app.screen.query_one("Label").render())
        # The key's line: six comment lines and a blank one before it.
        assert f"line 8: the citation key {key} has left the app" in question
        await pilot.press("down", "down", "enter")  # drop the changes
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert state(review_path) == before


async def test_a_broken_entry_is_refused_and_reopened_with_the_text_kept(
        make_app, review_path, editor_script, monkeypatch):
    before = state(review_path)
    log = editor_script(("{2024}", "{20x4}"), ("{CT} Volumes", "{CT} Scans"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        question = str(app.screen.query_one("Label").render())
        assert "'20x4' is not a year" in question and "line 10" in question
        assert state(review_path) == before
        editor_script(("{20x4}", "{2023}"), name="fixing-editor")
        await pilot.press("enter")  # edit it again
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    handed = [(log / str(i)).read_text(encoding="utf-8") for i in range(2)]
    assert "{2024}" in handed[0] and "{20x4}" in handed[1] and "CT} Scans" in handed[1]
    paper = stored(review_path)[1]
    assert paper.year == 2023 and paper.title.endswith("CT Scans")


async def test_a_broken_entry_put_aside_is_kept_in_a_file(
        make_app, review_path, editor_script, tmp_path):
    before = state(review_path)
    editor_script(("{2024},", "{2024}"))  # a comma lost at a line's end
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await pilot.pause()
        assert "a comma is missing" in str(app.screen.query_one("Label").render())
        await pilot.press("escape")  # not "drop": the text is kept
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    (kept,) = (tmp_path / "data" / "reviewer" / "unsaved-notes").iterdir()
    assert kept.suffix == ".bib" and "year     = {2024}\n" in kept.read_text(encoding="utf-8")
    assert str(kept) in app.said[-1]
    assert state(review_path) == before


async def test_an_entry_the_busy_review_refused_is_kept_in_a_file(
        make_app, review_path, editor_script, tmp_path, monkeypatch):
    from reviewer.tui import app as app_module

    monkeypatch.setattr(app_module, "BUSY_WAIT", 0.2)
    editor_script(("{CT} Volumes", "{CT} Scans"))
    before = state(review_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        writer = sqlite3.connect(review_path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("D")
            await pilot.pause()
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert app.is_running and "busy" in app.said[-1]
    (kept,) = (tmp_path / "data" / "reviewer" / "unsaved-notes").iterdir()
    assert "{CT} Scans" in kept.read_text(encoding="utf-8")
    assert state(review_path) == before


async def test_an_entry_saved_unchanged_writes_nothing(make_app, review_path, editor_script):
    before = state(review_path)
    editor_script()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await pilot.pause()
        assert app.said[-1] == "Unchanged"
    assert state(review_path) == before


async def test_the_type_and_fields_of_an_imported_bib_entry_edited_in_the_editor_are_exported(
        tmp_path, editor_script):
    import bibtexparser

    from reviewer.core.export.bibtex import to_bibtex
    from reviewer.core.importer import import_files
    from reviewer.tui.app import ReviewerApp

    source = tmp_path / "in.bib"
    source.write_text("@article{moor2023gmai,\n  title = {Foundation Models for Medical {AI}},\n"
                      "  author = {Moor, Michael}, journal = {Nature}, volume = {616},\n"
                      "  number = {7956}, pages = {259--265}, year = {2023}\n}\n",
                      encoding="utf-8")
    path = tmp_path / "bib.sqlite"
    with Review.open(path) as review:
        import_files(review, [source])
    editor_script(("@article{", "@inproceedings{"), ("{259--265}", "{1--2}"),
                  ("{616}", "{}"))
    app = ReviewerApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    with Review.open(path) as review:
        text = to_bibtex(review.papers())
    (entry,) = bibtexparser.parse_string(text).entries
    values = {f.key.lower(): f.value for f in entry.fields}
    assert entry.entry_type.lower() == "inproceedings"
    assert values["pages"] == "1--2" and "volume" not in values
    assert values["booktitle"] == "Nature" and values["number"] == "7956"
    assert "{Foundation Models for Medical {AI}}" in text  # untouched: as written

"""The list follows changes another process makes to the review while the app is open."""

from __future__ import annotations

import asyncio

from reviewer.core.export.bibfile import write_bibtex
from reviewer.core.export.selection import Selection
from reviewer.core.importer import import_files
from reviewer.core.store import Review
from reviewer.tui.screens.main import MainScreen
from reviewer.tui.screens.outline import OutlineScreen
from reviewer.tui.watch import POLL

from .conftest import SIZE


async def until(condition, pilot, seconds: float = 10 * POLL) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition() and loop.time() < deadline:
        await pilot.pause(0.1)
    return condition()


async def test_edits_and_imports_made_elsewhere_show_without_a_restart(make_app, review_path,
                                                                       tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        count = len(screen.state.rows)
        more = tmp_path / "more.txt"
        more.write_text("A Paper Another Terminal Imported\n", encoding="utf-8")
        with Review.open(review_path) as other:  # `reviewer star 1`, `reviewer import ...`
            other.star([1])
            other.tag([2], ["from-a-script"])
            import_files(other, [more], year=2024)
        assert await until(lambda: len(screen.state.rows) == count + 1, pilot)
        assert screen.state.by_id[1].starred
        assert screen.state.by_id[2].tags == ["from-a-script"]
        with Review.open(review_path) as other:
            other.undo()  # the import, undone elsewhere
        assert await until(lambda: len(screen.state.rows) == count, pilot)


async def test_an_export_elsewhere_reloads_nothing(make_app, review_path, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        rows = screen.state.rows
        with Review.open(review_path) as other:  # it freezes keys: a commit, no history
            write_bibtex(other, Selection(everything=True), tmp_path / "refs.bib")
        screen.check_external()
        await pilot.pause()
        assert screen.state.rows is rows
        with Review.open(review_path) as other:
            other.star([3])
        screen.check_external()
        await pilot.pause()
        assert screen.state.rows is not rows and screen.state.by_id[3].starred


async def test_the_outline_follows_sections_edited_elsewhere(make_app, review_path):
    from textual.widgets import OptionList

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        outline = app.screen
        assert isinstance(outline, OutlineScreen)

        def shown() -> list[str]:
            options = outline.query_one(OptionList)
            return [str(options.get_option_at_index(i).prompt)
                    for i in range(options.option_count)]

        with Review.open(review_path) as other:  # `reviewer section add Methods` ...
            other.add_section("Methods")
            other.assign("Methods", [1])
        assert await until(lambda: any("Methods" in line and "1 paper" in line
                                       for line in shown()), pilot)


def test_a_review_that_cannot_be_read_for_a_moment_is_looked_at_again(tmp_path):
    import sqlite3

    from reviewer.tui.watch import ReviewWatch

    class Flaky:
        """A connection whose reads fail while ``busy`` is set."""
        def __init__(self, conn):
            self.conn, self.busy = conn, False

        def execute(self, sql, *args):
            if self.busy:
                raise sqlite3.OperationalError("database is locked")
            return self.conn.execute(sql, *args)

    path = tmp_path / "r.sqlite"
    with Review.open(path):
        pass
    with Review.open(path) as mine, Review.open(path) as other:
        flaky = Flaky(mine.conn)
        mine.conn = flaky
        try:
            watch = ReviewWatch(mine)
            other.add_section("Methods")
            flaky.busy = True
            assert watch.changed_elsewhere() is False
            flaky.busy = False
            assert watch.changed_elsewhere() is True
            assert watch.changed_elsewhere() is False
        finally:
            mine.conn = flaky.conn


async def test_a_key_while_another_process_writes_says_busy_and_the_app_goes_on(
        make_app, review_path, monkeypatch):
    import sqlite3

    from reviewer.tui import app as app_module

    monkeypatch.setattr(app_module, "BUSY_WAIT", 0.2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        writer = sqlite3.connect(review_path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # a big import elsewhere, holding the lock
        try:
            await pilot.press("s")
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, MainScreen)
            assert "busy" in app.said[-1]
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        with Review.open(review_path) as review:
            assert not review.get(1).starred
        await pilot.press("s")
        await pilot.pause()
        with Review.open(review_path) as review:
            assert review.get(1).starred


async def test_a_note_the_busy_review_refused_stays_in_the_editor_until_saved(
        make_app, review_path, monkeypatch):
    import sqlite3

    from reviewer.tui import app as app_module
    from reviewer.tui.screens.note import NoteEditor

    monkeypatch.setattr(app_module, "BUSY_WAIT", 0.2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"kept safe")
        writer = sqlite3.connect(review_path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, NoteEditor)  # not closed over a lost note
            assert "busy" in app.said[-1]
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    with Review.open(review_path) as review:
        assert review.get(1).note == "kept safe"


async def test_taking_papers_out_of_a_section_that_is_not_there_is_one_message(
        make_app, review_path):
    with Review.open(review_path) as review:
        review.assign("Methods", [1], create=True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A", "ctrl+u", *"No such section", "enter")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert "No such section" in app.said[-1]
        await pilot.press("j")  # the list still takes keys
        await pilot.pause()
        assert app.screen.papers.cursor == 1


async def test_a_note_from_the_editor_the_busy_review_refused_is_kept_in_a_file(
        make_app, review_path, tmp_path, monkeypatch, fake_editor):
    import sqlite3

    from reviewer.tui import app as app_module

    monkeypatch.setattr(app_module, "BUSY_WAIT", 0.2)
    fake_editor("an hour of reading notes\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        writer = sqlite3.connect(review_path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("N")
            await pilot.pause()
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert app.is_running and "busy" in app.said[-1]
    (kept,) = (tmp_path / "data" / "reviewer" / "unsaved-notes").iterdir()
    assert kept.read_text(encoding="utf-8") == "an hour of reading notes\n"
    assert str(kept) in app.said[-1]
    with Review.open(review_path) as review:
        assert review.get(1).note == ""

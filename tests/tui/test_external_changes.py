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
        watch = ReviewWatch(flaky)
        other.add_section("Methods")
        flaky.busy = True
        assert watch.changed_elsewhere() is False
        flaky.busy = False
        assert watch.changed_elsewhere() is True
        assert watch.changed_elsewhere() is False

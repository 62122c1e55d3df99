"""A review file damaged under the running app (issue 16, item 3): one message naming the
file and the repair command instead of the crash handler, nothing more written to the
file, and exit status 2; at launch, the CLI's one line."""

from __future__ import annotations

import asyncio
import contextlib
import io
import sqlite3
from functools import partialmethod
from pathlib import Path

import pytest
from textual.app import App
from textual.worker import WorkerFailed

from reviewer.cli import main
from reviewer.core.errors import DamagedReview, ReviewerError
from reviewer.core.store import Review
from reviewer.tui.app import ReviewerApp
from reviewer.tui.damage import DamagedScreen, as_damage
from reviewer.tui.screens.main import MainScreen
from reviewer.tui.watch import POLL

from ..test_damage import _pages, _review, zero_page
from .conftest import SIZE


def _state(path: Path) -> tuple[bytes, bytes]:
    """The review's bytes on disk, its WAL's included: what a write would change."""
    wal = Path(f"{path}-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


async def _until(condition, pilot, seconds: float = 10 * POLL) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition() and loop.time() < deadline:
        await pilot.pause(0.1)
    return condition()


def _said_once(app: ReviewerApp, path: Path) -> None:
    assert isinstance(app.screen, DamagedScreen)
    assert sum(isinstance(s, DamagedScreen) for s in app.screen_stack) == 1
    text = " ".join(str(label.render()) for label in app.screen.query("Label"))
    assert str(path) in text and f"reviewer -r {path} check --repair" in text
    assert "Quit" in text


def _no_crash(path: Path) -> None:
    assert not (path.parent / "data" / "reviewer" / "crash.log").exists()


async def test_damage_met_by_the_watch_is_said_once_and_nothing_more_is_written(tmp_path):
    path = _review(tmp_path)
    size, leaves, _root = _pages(path, "papers")
    app = ReviewerApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        zero_page(path, leaves[len(leaves) // 2], size)
        with Review.open(path) as other:  # `reviewer star 2` in another terminal
            other.star([2])
        # The list reloads after the other process's change and meets the damage.
        assert await _until(lambda: isinstance(app.screen, DamagedScreen), pilot)
        _said_once(app, path)
        before = _state(path)
        await pilot.press("s", "x", "u", "t")  # held by the message: nothing changes
        await pilot.pause(2 * POLL)  # and the watch, looking again, says it no more
        _said_once(app, path)
        assert _state(path) == before
        await pilot.press("q")
    assert app.return_code == 2
    assert app.damage is not None and "check --repair" in str(app.damage)
    # The line left in the terminal after a session must not read as its work lost.
    assert "nothing was changed" not in str(app.damage)
    assert "changes made in the app until then are stored" in str(app.damage)
    _no_crash(tmp_path)


async def test_damage_met_by_the_watch_in_the_history_is_said(tmp_path):
    path = _review(tmp_path)
    size, leaves, _root = _pages(path, "history")
    app = ReviewerApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        zero_page(path, leaves[-1], size)
        with Review.open(path) as other:  # an export elsewhere: a commit, no history
            other.freeze_citekeys([3])
        # The watch reads the history to tell a change from frozen keys, and meets the
        # damage: not a moment's busy review to look past.
        assert await _until(lambda: isinstance(app.screen, DamagedScreen), pilot)
        _said_once(app, path)
        await pilot.press("q")
    assert app.return_code == 2
    _no_crash(tmp_path)


async def test_damage_met_by_the_detail_pane_is_said_and_a_write_is_refused(tmp_path):
    path = _review(tmp_path)
    size, leaves, _root = _pages(path, "sources")
    assert len(leaves) > 1
    zero_page(path, leaves[-1], size)  # the last papers' sources: the list still loads
    app = ReviewerApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("G")  # the last paper: the pane reads its sources
        assert await _until(lambda: isinstance(app.screen, DamagedScreen), pilot)
        _said_once(app, path)
        before = _state(path)
        with pytest.raises(ReviewerError):  # the connection is query-only
            app.review.star([1], True)
        assert _state(path) == before
        await pilot.press("enter")
    assert app.return_code == 2
    _no_crash(tmp_path)


async def test_damage_at_launch_ends_the_app_at_once(tmp_path):
    path = _review(tmp_path)
    size, leaves, _root = _pages(path, "papers")
    zero_page(path, leaves[len(leaves) // 2], size)
    before = _state(path)
    app = ReviewerApp(path)
    with contextlib.suppress(Exception):  # the pilot's wait for a screen that never came
        async with app.run_test(size=SIZE):
            pass
    assert app.return_code == 2
    assert not any(isinstance(s, DamagedScreen) for s in app.screen_stack)
    assert isinstance(app.damage, DamagedReview) and str(path) in str(app.damage)
    assert _state(path) == before
    _no_crash(tmp_path)


def test_the_tui_launch_on_a_damaged_review_prints_the_cli_line(tmp_path, monkeypatch):
    path = _review(tmp_path)
    size, leaves, _root = _pages(path, "papers")
    zero_page(path, leaves[len(leaves) // 2], size)
    before = _state(path)
    monkeypatch.setattr(ReviewerApp, "run", partialmethod(App.run, headless=True,
                                                          size=SIZE))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["-r", str(path)])
    assert code == 2
    assert err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue()
    line = err.getvalue()
    assert line.startswith(f"reviewer: {path}: the review file is damaged")
    assert f"reviewer -r {path} check --repair" in line and "internal error" not in line
    assert _state(path) == before
    _no_crash(tmp_path)


def test_only_damage_counts_as_damage(tmp_path):
    path = tmp_path / "r.sqlite"
    malformed = sqlite3.DatabaseError("database disk image is malformed")
    malformed.sqlite_errorname = "SQLITE_CORRUPT"
    malformed.sqlite_errorcode = 11
    found = as_damage(WorkerFailed(malformed), path)  # out of the search index's worker
    assert isinstance(found, DamagedReview) and str(path) in str(found)
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorname = "SQLITE_BUSY"
    assert as_damage(locked, path) is None
    assert as_damage(ValueError("a bug"), path) is None


async def test_an_import_into_a_damaged_review_is_refused_with_the_message(tmp_path):
    from textual.widgets import Input

    from ..conftest import FIXTURES

    path = _review(tmp_path)
    size, leaves, _root = _pages(path, "sources")
    zero_page(path, leaves[-1], size)  # read by no screen yet: the import's check finds it
    app = ReviewerApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        before = _state(path)
        await pilot.press("I")
        app.screen.query_one(Input).value = str(FIXTURES / "hf" / "rich.txt")
        await pilot.press("enter")
        assert await _until(lambda: isinstance(app.screen, DamagedScreen), pilot)
        _said_once(app, path)
        assert _state(path) == before
        await pilot.press("q")
    assert app.return_code == 2
    _no_crash(tmp_path)


async def test_damage_met_by_an_exports_own_connection_is_said(tmp_path):
    path = _review(tmp_path)
    size, leaves, _root = _pages(path, "papers")
    app = ReviewerApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")  # its preview reads through the app's connection
        await pilot.pause()
        screen = app.screen
        screen.query_one("#export-md").value = str(tmp_path / "s.md")
        screen.query_one("#export-bib").value = str(tmp_path / "s.bib")
        await pilot.pause()
        zero_page(path, leaves[len(leaves) // 2], size)
        before = _state(path)
        await pilot.press("ctrl+s")  # the export's thread reads the file afresh
        assert await _until(lambda: isinstance(app.screen, DamagedScreen), pilot)
        _said_once(app, path)
        assert _state(path) == before
        await pilot.press("q")
    assert app.return_code == 2
    assert not (tmp_path / "s.md").exists() and not (tmp_path / "s.bib").exists()
    _no_crash(tmp_path)


async def test_an_undo_into_a_damaged_review_is_refused_with_the_message(tmp_path):
    path = _review(tmp_path)
    size, leaves, _root = _pages(path, "sources")
    zero_page(path, leaves[-1], size)  # read by no screen: undo's own check finds it
    app = ReviewerApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = _state(path)
        await pilot.press("u")  # a key's action: the refusal, not the crash handler
        assert await _until(lambda: isinstance(app.screen, DamagedScreen), pilot)
        _said_once(app, path)
        assert _state(path) == before
        await pilot.press("q")
    assert app.return_code == 2
    _no_crash(tmp_path)

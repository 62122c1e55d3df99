"""A backup that cannot be written is said in the app when it happens, not printed after
the app ends (issue 16, item 3); the change is made all the same."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input

from reviewer.core import backup
from reviewer.tui.app import ReviewerApp

from ..conftest import FIXTURES
from .conftest import SIZE, stored


@pytest.fixture(autouse=True)
def _fresh_problems():
    backup.problems.clear()
    yield
    backup.problems.clear()
    backup.tell = None


@pytest.fixture
def blocked(isolated_dirs):
    """A file where the backups folder should be: every backup fails."""
    folder = isolated_dirs / "data" / "reviewer" / "backups"
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    return folder


def _warnings(app: ReviewerApp) -> list[str]:
    return [m for m in app.said if "could not back up" in m]


async def _until(condition, pilot, seconds: float = 10.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition() and loop.time() < deadline:
        await pilot.pause(0.05)
    return condition()


async def test_the_days_first_key_says_its_backup_failed_at_once(make_app, review_path,
                                                                  blocked):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert _warnings(app) == []
        await pilot.press("s")  # the day's first change: its backup fails
        assert await _until(lambda: _warnings(app), pilot)
        assert str(blocked) in _warnings(app)[0]
        await pilot.press("j", "s")  # one warning a day, as one backup a day
        await pilot.pause()
        assert len(_warnings(app)) == 1
    assert {1, 2} <= {i for i, p in stored(review_path).items() if p.starred}
    assert backup.problems == []  # said in the app: nothing left to print after it


async def test_an_imports_backup_failure_is_said_from_its_worker(make_app, review_path,
                                                                  blocked):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        count = len(stored(review_path))
        await pilot.press("I")
        app.screen.query_one(Input).value = str(FIXTURES / "hf" / "rich.txt")
        await pilot.press("enter")
        assert await _until(lambda: _warnings(app), pilot)
        assert await _until(lambda: any(m.startswith("Imported") for m in app.said), pilot)
    assert len(stored(review_path)) > count
    assert backup.problems == []


async def test_the_launchs_backup_warning_shows_in_the_app(make_app):
    # tui_launch takes the day's backup before the app starts; its warning waits here.
    backup.problems.append("/data/backups/r-1: could not back up the review (No space "
                           "left on device); the change was made without a backup")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(_warnings(app)) == 1 and "No space left" in _warnings(app)[0]
    assert backup.problems == []

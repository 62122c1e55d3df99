"""The search index loads in slices after the first paint, out of the way of keys."""

from __future__ import annotations

import time

from reviewer.tui import search_loading

from .conftest import SIZE
from .test_triage import main_screen


async def test_the_index_waits_while_keys_come(make_app, monkeypatch):
    monkeypatch.setattr(search_loading, "INDEX_SLICE", 0.0)  # a slice per paper
    monkeypatch.setattr(search_loading, "INDEX_ROWS", 1)
    monkeypatch.setattr(search_loading, "KEY_WAY", 3600.0)  # as if keys kept coming
    app = make_app()
    app.last_key_at = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)  # without keys, eight papers take milliseconds
        screen = main_screen(app)
        assert screen.state.index is None
        # Meanwhile a search looks in the titles: only paper 4's holds "benchmark".
        await pilot.press("slash", *"benchmark")
        assert [r.id for r in screen.state.view] == [4]
        # Keys stop: the index loads, and the search finds what it holds.
        monkeypatch.setattr(search_loading, "KEY_WAY", 0.03)
        await pilot.pause(0.3)
        assert screen.state.index is not None and len(screen.state.index) == 8
        assert len(screen.state.view) == 8  # every abstract holds it


async def test_the_index_loads_once_keys_stop(make_app, monkeypatch):
    monkeypatch.setattr(search_loading, "INDEX_SLICE", 0.0)
    monkeypatch.setattr(search_loading, "INDEX_ROWS", 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "k")
        await pilot.pause(0.3)
        assert len(main_screen(app).state.index) == 8

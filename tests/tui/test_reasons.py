"""The x key asks why: a reason with completion from those used so far, enter alone to
skip, escape to cancel; the reason shows in the list and the detail pane, the filters
find it, undo takes it back with the exclude, and the cursor advances as for i and m."""

from __future__ import annotations

from textual import events

from reviewer.core.model import Decision
from reviewer.tui.screens.main import MainScreen
from reviewer.tui.screens.reasons import ReasonPrompt
from reviewer.tui.widgets.detail import DetailPane
from reviewer.tui.widgets.paper_list import PaperList

from .conftest import SIZE, stored


def cursor_id(app) -> int:
    return app.screen.query_one(PaperList).current_id


def excluded(review_path) -> dict[int, str]:
    return {i: p.reason for i, p in stored(review_path).items()
            if p.decision is Decision.EXCLUDE}


async def test_x_with_a_reason_stores_it_shows_it_and_advances(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, ReasonPrompt)
        await pilot.press(*"wrong population", "enter")
        assert excluded(review_path) == {1: "wrong population"}
        assert isinstance(app.screen, MainScreen) and cursor_id(app) == 2  # advanced
        list_widget = app.screen.query_one(PaperList)
        row = "".join(s.text for s in list_widget.render_line(0))
        assert "✗ wrong population" in row
        await pilot.press("k")
        await pilot.pause(0.2)
        shown = _text(app, app.screen.query_one(DetailPane).query_one("#detail-head").content)
        assert "Reason" in shown and "wrong population" in shown
        await pilot.press("u")  # one undo: the exclude and its reason
        assert stored(review_path)[1].decision is Decision.UNDECIDED
        assert excluded(review_path) == {}


def _text(app, renderable) -> str:
    with app.console.capture() as capture:
        app.console.print(renderable)
    return capture.get()


async def test_x_completes_from_the_reasons_used_so_far(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x", *"not a trial", "enter")  # #1, on to #2
        await pilot.press("x", *"wrong population", "enter")  # #2, on to #3
        await pilot.press("x", *"wro")
        await pilot.pause()
        await pilot.press("right", "enter")  # accept the completion
        assert excluded(review_path) == {1: "not a trial", 2: "wrong population",
                                         3: "wrong population"}
        await pilot.press("x", *"NOT A", "right", "enter")  # case blind, spelled as used
        assert excluded(review_path)[4] == "not a trial"


async def test_x_then_enter_skips_the_reason_and_escape_cancels(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x", "escape")  # cancelled: nothing decided, the cursor stays
        assert excluded(review_path) == {} and cursor_id(app) == 1
        await pilot.press("x", "enter")
        assert excluded(review_path) == {1: ""} and cursor_id(app) == 2
        # Excluding again: the prompt holds the paper's reason, enter keeps it...
        await pilot.press("x", *"off topic", "enter", "k")  # #2, then back to it
        assert cursor_id(app) == 2
        await pilot.press("x")
        assert app.screen.query_one("#prompt-input").value == "off topic"
        await pilot.press("enter")
        assert excluded(review_path)[2] == "off topic"
        await pilot.press("g", "x")
        assert app.screen.query_one("#prompt-input").value == ""  # #1 has none
        await pilot.press("escape")
        # ...and erasing it takes it away.
        await pilot.press("j", "x", "ctrl+u", "enter")
        assert excluded(review_path) == {1: "", 2: ""}


async def test_x_and_enter_typed_at_once_exclude_at_once(make_app, review_path):
    """Queued together, as a quick typist or a busy terminal sends them: x and enter
    exclude without a reason and advance; a second pair queued behind them excludes the
    next paper (it used to reach the closing prompt's field and be lost) and never
    closes the paper list."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        for key, char in [("x", "x"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        assert excluded(review_path) == {1: ""}
        assert isinstance(app.screen, MainScreen) and cursor_id(app) == 2
        for key, char in [("x", "x"), ("enter", "\r"), ("x", "x"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        assert isinstance(app.screen, MainScreen)
        assert excluded(review_path) == {1: "", 2: "", 3: ""}  # no key lost, no stray "x"
        assert cursor_id(app) == 4
        for _ in range(3):
            for key, char in [("x", "x"), ("enter", "\r")]:
                app.post_message(events.Key(key, char))
        await pilot.pause(0.5)
        assert set(excluded(review_path)) == {1, 2, 3, 4, 5, 6} and cursor_id(app) == 7
        await pilot.press("j", "s")  # the list still answers
        assert stored(review_path)[cursor_id(app)].starred


async def test_marked_papers_share_one_reason_and_keep_their_own(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x", *"old reason", "enter")  # #1
        await pilot.press("g", "space", "space", "space")  # marks #1, #2, #3
        await pilot.press("x", "enter")  # different reasons: empty keeps each its own
        assert excluded(review_path) == {1: "old reason", 2: "", 3: ""}
        await pilot.press("x", *"duplicate", "enter")
        assert excluded(review_path) == {1: "duplicate", 2: "duplicate", 3: "duplicate"}


async def test_filter_by_reason(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x", *"not a trial", "enter")  # #1
        await pilot.press("x", *"wrong population", "enter")  # #2
        await pilot.press("x", "enter")  # #3, no reason
        screen = app.screen
        await pilot.press("f")
        await pilot.pause()
        select = app.screen.query_one("#f-reason")
        select.value = "wrong population"
        await pilot.press("ctrl+s")
        assert [r.id for r in screen.state.view] == [2]
        assert screen.state.filters.label == "reason:wrong population"
        await pilot.press("f")
        await pilot.pause()
        from reviewer.tui.screens.filters import NO_REASON
        app.screen.query_one("#f-reason").value = NO_REASON
        await pilot.press("ctrl+s")
        assert [r.id for r in screen.state.view] == [3]
        assert screen.state.filters.label == "no reason"

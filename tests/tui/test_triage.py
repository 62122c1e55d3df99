"""Driving the paper list with real keys and checking what the review stored."""

from __future__ import annotations

import os

from reviewer.core.model import Decision
from reviewer.core.store import Review
from reviewer.tui.screens.main import MainScreen
from reviewer.tui.widgets.paper_list import PaperList

from .conftest import SIZE, stored


def main_screen(app) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


def cursor_id(app) -> int:
    return app.screen.query_one(PaperList).current_id


async def test_star_and_decisions_with_advance(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert cursor_id(app) == 1
        await pilot.press("s")
        assert stored(review_path)[1].starred
        await pilot.press("s")
        assert not stored(review_path)[1].starred
        await pilot.press("i")  # include #1, then on to the next undecided: #2
        assert cursor_id(app) == 2
        await pilot.press("m", "x", "enter")  # x asks why; enter alone skips the reason
        papers = stored(review_path)
        assert [papers[i].decision for i in (1, 2, 3)] == [
            Decision.INCLUDE, Decision.MAYBE, Decision.EXCLUDE]
        assert cursor_id(app) == 4
        await pilot.press("k", "0")  # back to #3 and undecide it
        assert stored(review_path)[3].decision == Decision.UNDECIDED
        await pilot.press("g")
        assert cursor_id(app) == 1
        await pilot.press("i")  # #1 already included: advance skips decided #2 to #3
        assert cursor_id(app) == 3


async def test_advance_can_be_turned_off(make_app, review_path, isolated_dirs):
    config = isolated_dirs / "config" / "reviewer" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[behaviour]\nadvance_after_decision = false\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        assert cursor_id(app) == 1
    assert stored(review_path)[1].decision == Decision.INCLUDE


async def test_moving(make_app):
    app = make_app()
    async with app.run_test(size=(120, 8)) as pilot:
        await pilot.press("j", "j", "down")
        assert cursor_id(app) == 4
        await pilot.press("up", "k")
        assert cursor_id(app) == 2
        await pilot.press("G")
        assert cursor_id(app) == 8
        await pilot.press("home")
        assert cursor_id(app) == 1
        await pilot.press("pagedown")
        assert cursor_id(app) > 2
        await pilot.press("pageup")
        assert cursor_id(app) == 1
        await pilot.press("enter")
        assert app.focused.id == "detail"
        await pilot.press("escape")
        assert app.focused.id == "papers"


async def test_marked_papers_take_bulk_actions(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space")  # marks #1 and #2, cursor on #3
        assert main_screen(app).state.marked == {1, 2}
        await pilot.press("s", "x", "enter")
        await pilot.press("t", *"bulk, other", "enter")
        await pilot.press("a", *"Methods", "enter")
        papers = stored(review_path)
        for pid in (1, 2):
            assert papers[pid].starred and papers[pid].decision == Decision.EXCLUDE
            assert papers[pid].tags == ["bulk", "other"]
            assert papers[pid].sections == ["Methods"]
        assert not papers[3].starred and papers[3].tags == []
        await pilot.press("escape")  # clears the marks
        assert main_screen(app).state.marked == set()


async def test_tags_with_completion_and_removal(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", *"segmentation", "enter")
        await pilot.press("j", "t", *"seg")
        await pilot.pause()
        await pilot.press("right", "enter")  # accept the completion
        assert stored(review_path)[2].tags == ["segmentation"]
        await pilot.press("T", *"segmentation", "enter")
        assert stored(review_path)[2].tags == []
        await pilot.press("t", "escape")  # cancelled: nothing changes
        assert stored(review_path)[2].tags == []


async def test_note_in_the_app_is_one_undo_step(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"first", "enter", "-", " ", *"point")
        await pilot.pause(1.3)  # an autosave while typing
        assert stored(review_path)[1].note == "first\n- point"
        await pilot.press(*" more", "escape")
        assert stored(review_path)[1].note == "first\n- point more"
        await pilot.press("u")
        assert stored(review_path)[1].note == ""


async def test_note_in_external_editor(make_app, review_path, fake_editor):
    fake_editor("written by the editor\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await pilot.pause()
    assert stored(review_path)[1].note == "written by the editor\n"


async def test_search_live_then_clear(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)  # the search index loads in the background
        await pilot.press("slash", *"segm")
        state = main_screen(app).state
        assert {r.id for r in state.view} == {1, 8}
        await pilot.press("enter")
        assert app.focused.id == "papers" and state.query == "segm"
        await pilot.press("slash", "backspace", "backspace", "backspace", "backspace",
                          *"dermatolgy")  # a typo, still found
        assert [r.id for r in state.view] == [5]
        await pilot.press("escape")
        assert state.query == "" and len(state.view) == 8


async def test_keys_typed_fast_after_slash_land_in_the_search(make_app, review_path):
    """All queued at once, as a quick typist or a terminal sends them: none is lost to
    the list (where "s" would star and "e" would open the export screen)."""
    from textual import events

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        for key, char in [("slash", "/"), *((c, c) for c in "segm")]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        state = main_screen(app).state
        assert state.query == "segm" and {r.id for r in state.view} == {1, 8}
        assert not any(p.starred for p in stored(review_path).values())
        assert app.screen is main_screen(app)


async def test_filters_combine(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "j", "j", "s", "i")  # star #1 and #3, include #3
        await pilot.press("f", "space", "ctrl+s")  # starred only
        state = main_screen(app).state
        assert [r.id for r in state.view] == [1, 3]
        # Add: decision include (second field), keeping starred.
        await pilot.press("f", "tab", "enter", "down", "down", "enter", "ctrl+s")
        assert [r.id for r in state.view] == [3]
        assert state.filters.label == "starred + include"
        await pilot.press("f", "ctrl+x")  # clears the fields, stays open (issue 17)...
        decisions = {i: p.decision for i, p in stored(review_path).items()}
        await pilot.press("0")  # ...so a stray key never reaches the list
        assert {i: p.decision for i, p in stored(review_path).items()} == decisions
        assert [r.id for r in state.view] == [3]  # not applied yet
        await pilot.press("ctrl+s")
        assert len(state.view) == 8


async def test_the_filter_keys_stay_in_sight_on_an_80x24_terminal(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        hint = app.screen.query_one(".hint")
        dialog = hint.parent.region
        assert "escape cancels" in str(hint.render())
        assert hint.region.height and dialog.contains_region(hint.region)


async def test_year_and_code_filters(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", *["tab"] * 5, "space")  # has a code link
        await pilot.press("tab", *"2022", "tab", *"2024", "enter")
        state = main_screen(app).state
        assert [r.id for r in state.view] == [1, 4]


async def test_sorts(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "down", "enter")  # title
        state = main_screen(app).state
        titles = [r.title for r in state.view]
        assert titles == sorted(titles, key=str.casefold)
        await pilot.press("o", "down", "enter")  # year, newest first
        years = [r.year for r in state.view]
        assert years == sorted(years, reverse=True)


async def test_undo_redo_and_undo_after_restart(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "t", *"x", "enter")
        await pilot.press("u")
        assert stored(review_path)[1].tags == []
        await pilot.press("ctrl+r")
        assert stored(review_path)[1].tags == ["x"]
    app = make_app()  # a new session undoes the last one's changes
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u", "u")
        paper = stored(review_path)[1]
        assert paper.tags == [] and not paper.starred
        assert not main_screen(app).state.by_id[1].starred


async def test_open_link_and_copy_key(make_app, review_path, monkeypatch):
    app = make_app()
    opened, copied = [], []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "y")
    paper = stored(review_path)[1]
    assert opened == ["https://github.com/example/alpha-net"]
    assert copied == [paper.citekey]
    with Review.open(review_path) as r:
        assert r.frozen_citekeys([1, 2]) == {1}


async def test_hostile_title_is_drawn_literally(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "k")
        papers = app.screen.query_one(PaperList)
        line = papers.render_line(6).text
        assert "[bold red]Styled[/] title with [link=https://evil]markup" in line
        await pilot.pause(0.2)
        svg = app.export_screenshot()  # the whole screen as drawn, detail pane included
        assert svg.count("Styled[/]") >= 2 and "markup[/link]" in svg  # list and detail


async def test_command_palette_runs_commands(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Star")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
    assert stored(review_path)[1].starred


async def test_help_screen_lists_every_binding_with_its_remapped_key(make_app, isolated_dirs):
    from rich.console import Console

    from reviewer.tui.declarations import MAIN
    from reviewer.tui.screens.help import HelpScreen, help_table

    config = isolated_dirs / "config" / "reviewer" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[keys]\nstar = "w"\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, record=True, file=open(os.devnull, "w"))
        console.print(help_table(app, app.screen.commands, app.screen.keymap))
        lines = console.export_text().splitlines()
        for command in MAIN:
            assert any(command.id in line for line in lines), command.id
        star = next(line for line in lines if line.rstrip().endswith(" star"))
        assert star.split()[0] == "w"
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_merging_marked_duplicates_into_the_paper_under_the_cursor(make_app, review_path):
    from textual.widgets import Label

    from reviewer.tui.screens.prompts import ChoiceScreen

    with Review.open(review_path) as review:
        with review.transaction() as conn:  # markup in the title the question quotes
            conn.execute("UPDATE papers SET title = '[b]Bold[/b] claims [' WHERE id = 1")
        review.tag([2], ["dup"])
        review.tag([3], ["also"])
        total = review.count()
        title = review.get(1).title
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("M")  # nothing marked: it says how, and merges nothing
        assert not isinstance(app.screen, ChoiceScreen)
        await pilot.press("j", "space", "space", "k", "k", "k")  # marks #2 and #3, back on #1
        assert cursor_id(app) == 1
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        question = str(app.screen.query(Label).first().render())
        assert question.startswith(f"Merge 2 marked papers into \u201c{title}\u201d? ")
        await pilot.press("escape")  # cancelled
        assert len(stored(review_path)) == total
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("enter")  # the first choice: merge
        await pilot.pause()
        papers = stored(review_path)
        assert len(papers) == total - 2 and 2 not in papers and 3 not in papers
        assert sorted(papers[1].tags) == ["also", "dup"]
        screen = main_screen(app)
        assert len(screen.state.rows) == total - 2 and screen.state.marked == set()
        await pilot.press("u")
        await pilot.pause()
        assert len(stored(review_path)) == total and len(screen.state.rows) == total


async def test_a_prompt_quotes_tags_and_titles_literally(make_app, review_path):
    from textual.widgets import Label

    with Review.open(review_path) as review:
        review.tag([1], ["[b]bold[/b]", "[red"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("T")
        await pilot.pause()
        question = str(app.screen.query(Label).first().render())
        assert question.endswith(": [b]bold[/b], [red")


async def test_tags_typed_in_one_burst_are_all_applied(make_app, review_path):
    """t, a tag, enter, then j and another t ... queued together: each prompt answers as
    its enter is read, so the keys behind it reach the list (a prompt still closing read
    them as text, and the second tag was lost)."""
    from textual import events

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        keys = ["t", *"alpha", "enter", "j", "t", *"beta", "enter", "j", "t", *"gamma",
                "enter"]
        for key in keys:
            app.post_message(events.Key(key, "\r" if key == "enter" else key))
        await pilot.pause(0.5)
        assert isinstance(app.screen, MainScreen)
        papers = stored(review_path)
        assert (papers[1].tags, papers[2].tags, papers[3].tags) == (
            ["alpha"], ["beta"], ["gamma"])

"""The screening assistant in the TUI: the learned order, its refresh in the background,
auto-advance along it, the stopping figures, more like this and the suggested section.

The review holds two topics that share no content word (tumour segmentation in CT, and
language models' reasoning), interleaved in import order: a model that learned from one
include of the first and one exclude of the second must put the first topic first.
"""

from __future__ import annotations

import asyncio
import csv
import threading
from pathlib import Path

import pytest

from reviewer.core.importer import import_files
from reviewer.core.model import Decision
from reviewer.core.store import Review
from reviewer.tui import relevance
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.main import MainScreen
from reviewer.tui.screens.prompts import PromptScreen
from reviewer.tui.widgets.paper_list import PaperList
from reviewer.tui.widgets.status import StatusLine

from .conftest import SIZE, stored

SEG = ["tumour", "segmentation", "computed", "tomography", "liver", "lesion", "voxel",
       "contour", "organ", "scan", "radiologist", "mask"]
LLM = ["language", "model", "reasoning", "prompt", "token", "chain", "thought",
       "benchmark", "instruction", "answer", "arithmetic", "dialogue"]
PAPERS = 24  # ids 1..24: odd ids segmentation, even ids language models


def _text(words: list[str], n: int, count: int) -> str:
    return " ".join(words[(n * 5 + k * 7) % len(words)] for k in range(count))


@pytest.fixture
def topics_path(tmp_path: Path) -> Path:
    source = tmp_path / "topics.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "title", "abstract"])
        for n in range(PAPERS):
            words = SEG if n % 2 == 0 else LLM
            writer.writerow([n + 1, f"{_text(words, n, 5).capitalize()} {n + 1}",
                             _text(words, n + 3, 40) + "."])
    path = tmp_path / "topics.sqlite"
    with Review.open(path) as review:
        import_files(review, [source])
        assert review.count() == PAPERS
    return path


def is_seg(paper_id: int) -> bool:
    return paper_id % 2 == 1


def main_screen(app) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


def cursor_id(app) -> int:
    return app.screen.query_one(PaperList).current_id


def status_text(app) -> str:
    return str(main_screen(app).query_one(StatusLine).render())


async def settled(pilot, seconds: float = 120) -> None:
    """Until the assistant's workers are done (a fit is a child process: seconds)."""
    screening = main_screen(pilot.app).screening
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while screening.fitting or screening._ranking:
        assert loop.time() < end, "the screening assistant never finished"
        await pilot.pause(0.05)
    await pilot.pause()


async def choose_learned(pilot) -> None:
    await pilot.press("o", "end", "enter")  # the last entry of the sort menu
    assert main_screen(pilot.app).state.sort == "learned"


async def test_learned_order_waits_for_both_kinds_of_decision(topics_path):
    app = ReviewerApp(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot.press("o", "down", "down", "enter")  # by year: an order to keep
        before = [r.id for r in screen.state.view]
        await choose_learned(pilot)
        assert "learning…" in status_text(app)
        await settled(pilot)
        # No decision yet: it says so, and the list keeps the order it had.
        assert [r.id for r in screen.state.view] == before
        assert "needs an include + an exclude" in status_text(app)
        messages = [n.message for n in app._notifications]
        assert any("one relevant paper (include or star) and one excluded paper" in m
                   for m in messages)
        # An include alone is not enough either.
        await pilot.press("g", "i")
        await settled(pilot)
        assert [r.id for r in screen.state.view] == before
        assert "needs an include + an exclude" in status_text(app)


async def test_learned_order_after_an_include_and_an_exclude(topics_path):
    app = ReviewerApp(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await choose_learned(pilot)
        await settled(pilot)
        assert cursor_id(app) == 1
        await pilot.press("i", "x", "enter")  # #1 (segmentation) in, #2 (language models) out;
        # x asks why, enter alone gives no reason
        await settled(pilot)
        view = [r.id for r in screen.state.view]
        undecided = [i for i in view if i not in (1, 2)]
        # Undecided papers first, the segmentation ones ahead of the others.
        assert view[:len(undecided)] == undecided
        assert all(is_seg(i) for i in undecided[:11]) and not any(
            is_seg(i) for i in undecided[11:])
        # The cursor went on to the top of the new order.
        assert cursor_id(app) == view[0]
        assert "needs" not in status_text(app)
        # The score is on each line (the classifier's margin, signed).
        line = "".join(s.text for s in screen.papers.render_line(0))
        assert f"{screen.state.ranking.scores.get(view[0]):+.2f}" in line


async def test_auto_advance_follows_the_learned_order(topics_path):
    with Review.open(topics_path) as review:
        review.decide([1], Decision.INCLUDE)
        review.decide([2], Decision.EXCLUDE)
    app = ReviewerApp(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await settled(pilot)  # decisions in the review: the features are fitted at once
        await choose_learned(pilot)
        await settled(pilot)
        await pilot.press("G", "k")  # down the list, away from the top
        decided = []
        for _ in range(4):
            paper = cursor_id(app)
            decided.append(paper)
            await pilot.press(*("i",) if is_seg(paper) else ("x", "enter"))
            await settled(pilot)
            # Each decision moves on to the top undecided paper of the refreshed order.
            view = screen.state.view
            assert cursor_id(app) == view[0].id
            assert view[0].decision is Decision.UNDECIDED
            assert is_seg(view[0].id)
        papers = stored(topics_path)
        assert all(papers[i].decision is not Decision.UNDECIDED for i in decided)


async def test_keys_are_applied_while_the_ranking_refreshes(topics_path, monkeypatch):
    """A re-rank held in its thread: the keys pressed meanwhile take effect at once."""
    release = threading.Event()
    started = threading.Event()
    real = relevance.learned_order

    def held(*args):
        started.set()
        assert release.wait(60)
        return real(*args)

    with Review.open(topics_path) as review:
        review.decide([1], Decision.INCLUDE)
        review.decide([2], Decision.EXCLUDE)
    app = ReviewerApp(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await settled(pilot)
        await choose_learned(pilot)
        await settled(pilot)
        order = [r.id for r in screen.state.view]
        monkeypatch.setattr(relevance, "learned_order", held)
        top = cursor_id(app)
        await pilot.press("g", "i")  # a decision: the re-rank starts, and is held
        for _ in range(200):
            if started.is_set():
                break
            await pilot.pause(0.01)
        assert started.is_set() and screen.screening._ranking
        # The list keeps its order; the keys are applied at once.
        assert [r.id for r in screen.state.view] == order
        here = cursor_id(app)
        await pilot.press("j")
        assert cursor_id(app) == order[order.index(here) + 1]
        await pilot.press("x", "enter")
        assert stored(topics_path)[order[order.index(here) + 1]].decision is Decision.EXCLUDE
        assert stored(topics_path)[top].decision is Decision.INCLUDE
        assert screen.screening._ranking  # still held
        release.set()
        await settled(pilot)
        # Then the order refreshes (once more for the decision made meanwhile).
        view = screen.state.view
        assert view[0].decision is Decision.UNDECIDED
        assert [r.id for r in view] != order


async def test_stopping_figures_follow_the_decisions(topics_path):
    app = ReviewerApp(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert "since include" not in status_text(app)  # nothing screened yet
        await pilot.press("i")
        await settled(pilot)
        assert "0 since include" in status_text(app)
        for _ in range(3):
            await pilot.press("x", "enter")
            await pilot.pause()
        await settled(pilot)
        assert "3 since include" in status_text(app)
        assert "relevant left" not in status_text(app)  # four screened: too few to tell
        for _ in range(5):
            await pilot.press("x", "enter")
            await pilot.pause()
        await pilot.press("i")
        await settled(pilot)
        assert "0 since include" in status_text(app)
        assert "relevant left" in status_text(app)  # ten screened
        await pilot.press("u")  # the include taken back: eight since the first one
        await settled(pilot)
        assert "8 since include" in status_text(app)


async def test_more_like_this_and_back(topics_path):
    app = ReviewerApp(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot.press("j", "j")  # #3, segmentation
        await pilot.press("L")
        await settled(pilot)
        view = [r.id for r in screen.state.view]
        assert view[0] == 3 and cursor_id(app) == 3
        # The papers sharing its words, most alike first: the other topic shares none.
        assert sorted(view) == [i for i in range(1, PAPERS + 1) if is_seg(i)]
        assert "like: " in status_text(app)
        line = "".join(s.text for s in screen.papers.render_line(0))
        assert " 1.00 " in line
        await pilot.press("escape")
        assert [r.id for r in screen.state.view] == list(range(1, PAPERS + 1))
        assert "like: " not in status_text(app)
        assert cursor_id(app) == 3


async def test_the_section_prompt_suggests_the_likeliest_section(topics_path):
    with Review.open(topics_path) as review:
        review.assign("Language models", [2, 4], create=True)
        review.assign("Segmentation", [1, 3], create=True)
    app = ReviewerApp(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)  # sections in the review: the features are fitted at once
        await pilot.press("G", "k")  # #23, segmentation, in no section
        assert cursor_id(app) == 23
        await pilot.press("a")
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one("#prompt-input").value == "Segmentation"
        await pilot.press("enter")
        assert stored(topics_path)[23].sections == ["Segmentation"]
        await pilot.press("j", "a")  # #24, language models
        assert app.screen.query_one("#prompt-input").value == "Language models"
        await pilot.press("s", "u", "r", "v", "e", "y", "enter")  # typing replaces it
        assert stored(topics_path)[24].sections == ["survey"]

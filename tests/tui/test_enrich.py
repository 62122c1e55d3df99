"""E: enrich in a worker while the keys still answer, E again cancels; U: the near misses
accepted and rejected by key. Against a loopback server playing the four services."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviewer.core.store import Review
from reviewer.tui.screens.uncertain import UncertainScreen

from ..online.fake_services import FakePaper, FakeServer, Services
from .conftest import SIZE, stored


@pytest.fixture
def services(review_path: Path) -> Services:
    world = Services()
    with Review.open(review_path) as review:
        for paper in review.papers():
            world.add(FakePaper(f"2405.{10000 + paper.id}", paper.title,
                                [f"Ann{k} Writer{paper.id}x{k}"
                                 for k in range(paper.authors_known or 3)],
                                published=f"{paper.year or 2024}-05-01T10:00:00Z"))
    return world


def serve(services: Services, hf_interval: float):
    server = FakeServer(services)
    config = Path(os.environ["REVIEWER_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    text = server.config().replace(f'url = "{server.url}/hf"\ninterval = 0',
                        f'url = "{server.url}/hf"\ninterval = {hf_interval}')
    config.write_text(text, encoding="utf-8")
    return server


def history(review_path: Path) -> list[str]:
    with Review.open(review_path) as review:
        return [h.label for h in review.history()]


async def wait_for_enrich(app, pilot) -> None:
    """Until the run has ended and said so (a cancelled worker is done at once, its thread
    a moment later, at its next look at the cancel)."""
    await app.screen.workers.wait_for_complete()
    for _ in range(100):
        if not app.screen.query("EnrichBar"):
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def test_enrich_runs_in_a_worker_and_the_keys_still_answer(make_app, review_path,
                                                                 services):
    before = stored(review_path)
    with serve(services, hf_interval=0.3):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            main = app.screen
            await pilot.press("E")
            await pilot.press("enter")  # "Go online"
            await pilot.pause(0.2)
            assert any(w.group == "enrich" and w.is_running for w in main.workers)
            await pilot.press("j", "s")  # star the second paper while it runs
            assert stored(review_path)[2].starred
            assert any(w.group == "enrich" and w.is_running for w in main.workers)
            await wait_for_enrich(app, pilot)
    after = stored(review_path)
    for pid, paper in after.items():
        assert paper.arxiv_id == f"2405.{10000 + pid}"
        assert len(paper.authors) == (before[pid].authors_known or 3)
    assert history(review_path)[0].startswith("enrich")


async def test_enrich_is_cancelled_by_pressing_e_again(make_app, review_path, services):
    before = stored(review_path)
    with serve(services, hf_interval=0.5):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("E", "enter")
            await pilot.pause(0.3)
            await pilot.press("E")
            await wait_for_enrich(app, pilot)
            assert not app.screen.query("EnrichBar")
    assert stored(review_path) == before
    assert not any(label.startswith("enrich") for label in history(review_path))
    assert len(services.log) < len(before)  # it stopped asking


async def test_not_now_sends_nothing(make_app, review_path, services):
    with serve(services, hf_interval=0):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("E", "down", "enter")  # "Not now"
            await pilot.pause()
    assert services.log == []


async def test_near_misses_are_accepted_and_rejected_by_key(make_app, review_path,
                                                            services):
    # Two papers the services know only under another title: near misses.
    papers = stored(review_path)
    first, second = sorted(papers)[:2]
    for pid, word in ((first, "Lungs"), (second, "Kidneys")):
        record = services.papers.pop(f"2405.{10000 + pid}")
        title = papers[pid].title.rsplit(" ", 1)[0] + " " + word
        services.decoys.append(FakePaper(f"2406.{10000 + pid}", title, record.authors))
    with serve(services, hf_interval=0):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("E", "enter")
            await wait_for_enrich(app, pilot)
            assert stored(review_path)[first].arxiv_id == ""
            await pilot.press("U")
            assert isinstance(app.screen, UncertainScreen)
            await pilot.press("a")  # accept the first near miss
            assert stored(review_path)[first].arxiv_id == f"2406.{10000 + first}"
            await pilot.press("r")  # reject the next one
            await pilot.press("escape")
            assert not isinstance(app.screen, UncertainScreen)
            assert stored(review_path)[second].arxiv_id == ""
            await pilot.press("U")
            assert "No near miss" in str(app.screen.query_one("OptionList")
                                         .get_option_at_index(0).prompt)

"""TUI speed, headless and in process: first paint and key-to-repaint latency.

A key's time runs from the press to the end of the first screen update after it (the
compositor's refresh, timed by wrapping it). The detail pane follows the cursor once it
rests (a short timer), in a later update. The search index is built after the first
paint, in short slices on the event loop: cursor moves are timed during that build too,
the other keys once it is ready.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

from . import synth
from .report import Report

SIZE = (140, 45)
ROUNDS = 25
CHARACTERS = {"slash": "/", "space": " ", "escape": None, "pagedown": None}


async def _measure(report: Report, path: Path, label: str) -> None:
    from textual.screen import Screen

    from reviewer.tui.screens.main import MainScreen

    # Every repaint of a screen (the list, and the prompt x paints over it), timed by
    # wrapping the compositor's refresh (private, but the benchmark is not shipped).
    # pilot.pause() waits for the CPU to go idle, which it does not while the search index
    # builds: it cannot time a paint.
    paints: list[float] = []
    refresh = Screen._compositor_refresh

    def timed_refresh(self, *args, **kwargs):
        result = refresh(self, *args, **kwargs)
        paints.append(time.perf_counter())
        return result

    Screen._compositor_refresh = timed_refresh
    try:
        await _drive(report, path, label, paints)
    finally:
        Screen._compositor_refresh = refresh


async def _drive(report: Report, path: Path, label: str, paints: list[float]) -> None:
    from textual import events

    from reviewer.tui.app import ReviewerApp
    from reviewer.tui.screens.main import DETAIL_DELAY, MainScreen

    app = ReviewerApp(path, remember_theme=False)
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        while not paints:
            await asyncio.sleep(0.001)
        first_paint = paints[0] - start
        screen = app.screen
        assert isinstance(screen, MainScreen)
        report.section(f"TUI, {label}: {len(screen.state.rows):,} papers, headless "
                       f"{SIZE[0]}x{SIZE[1]}")
        report.row("launch to the first painted list", first_paint, "s",
                   target="under 1.5 s")

        ready_at: list[float] = []
        if screen.state.index is not None:
            ready_at.append(time.perf_counter())
        else:
            index_ready = screen._index_ready

            def timed_ready(index):
                ready_at.append(time.perf_counter())
                index_ready(index)

            screen._index_ready = timed_ready

        async def timed(key: str, rest: float = 0.15) -> float:
            """Seconds from posting ``key`` (as the terminal driver does) to the next paint.

            Not pilot.press(): it waits for the CPU to go idle after each key."""
            await asyncio.sleep(rest)  # let the previous key's detail refresh happen
            seen = len(paints)
            begin = time.perf_counter()
            app.post_message(events.Key(key, CHARACTERS.get(key, key if len(key) == 1
                                                             else None)))
            while len(paints) == seen:
                if time.perf_counter() - begin > 5:
                    raise RuntimeError(f"no repaint after {key!r}")
                await asyncio.sleep(0.0005)
            return paints[seen] - begin

        def show(name: str, samples: list[float], target: str) -> None:
            median, worst = statistics.median(samples), max(samples)
            report.row(name, median, "s", note=f"median; worst {worst * 1000:.0f} ms",
                       target=target)

        # Past the detail pane's delay: a rest shorter than it let the previous key's
        # detail refresh pass for this key's paint.
        rest = DETAIL_DELAY + 0.04
        during: list[float] = []
        while not ready_at and len(during) < 200:
            during.append(await timed("j" if len(during) % 20 < 10 else "k", rest=rest))
        if during:
            show(f"move the cursor while the search index builds ({len(during)} keys)",
                 during, "under 50 ms")
        while not ready_at:
            await pilot.pause(0.05)
        report.row("search index ready (background, after the first paint)",
                   ready_at[0] - start, "s", note="since launch")

        show("move the cursor (j)", [await timed("j") for _ in range(ROUNDS)], "under 50 ms")
        show("PageDown", [await timed("pagedown") for _ in range(ROUNDS)], "under 50 ms")
        show("star (s)", [await timed("s") for _ in range(ROUNDS)], "under 50 ms")
        await timed("G")
        show("decide and advance (i)", [await timed("i") for _ in range(ROUNDS)],
             "under 50 ms")
        # x asks why first: the prompt's paint, then enter alone (no reason) deciding,
        # advancing and painting the list, the fast path of an exclude.
        asked, skipped = [], []
        for _ in range(ROUNDS):
            asked.append(await timed("x"))
            skipped.append(await timed("enter"))
        show("exclude: x opens the reason prompt", asked, "under 50 ms")
        show("exclude: enter (no reason) decides and advances", skipped, "under 50 ms")

        keystrokes: list[float] = []
        for word in ("segme", "retri", "visio", "trans", "model"):
            await timed("slash")
            for letter in word:
                keystrokes.append(await timed(letter))
            await timed("escape")
        report.row("search, each keystroke of five-letter words", statistics.median(keystrokes),
                   "s", note=f"median; worst {max(keystrokes) * 1000:.0f} ms",
                   target="worst under 150 ms")


def run(report: Report, folder: Path, big_review: Path | None, quick: bool = False) -> None:
    small = synth.make_review(folder / "tui-1000.sqlite", 1000)
    asyncio.run(_measure(report, small, "1,000 papers"))
    if big_review is not None and big_review.exists():
        # The import benchmark's review, topped up past 100,000 papers (its repeats merged).
        synth.top_up(big_review, 10_000 if quick else 100_000, seed=1)
        asyncio.run(_measure(report, big_review, "the benchmark's big review"))


if __name__ == "__main__":
    # python -m tests.bench.tui_bench [BIG_REVIEW.sqlite]: alone, reusing a big review.
    import sys
    import tempfile

    where = Path(tempfile.mkdtemp(prefix="reviewer-tui-bench-"))
    big = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        synth.make_review(where / "tui-100k.sqlite", 100_000)
    run(Report(), where, big)

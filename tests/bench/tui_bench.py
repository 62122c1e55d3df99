"""TUI speed, headless and in process: first paint and key-to-repaint latency.

A key's time runs from the press to the end of the first screen update after it (the
compositor's refresh, timed by wrapping it). The detail pane follows the cursor once it
rests (a short timer), in a later update that is timed on its own.
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


async def _measure(report: Report, path: Path, label: str) -> None:
    from reviewer.tui.app import ReviewerApp
    from reviewer.tui.screens.main import MainScreen

    app = ReviewerApp(path, remember_theme=False)
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, MainScreen):
            await pilot.pause(0.005)
        await pilot.pause()
        first_paint = time.perf_counter() - start
        screen = app.screen
        report.section(f"TUI, {label}: {len(screen.state.rows):,} papers, headless "
                       f"{SIZE[0]}x{SIZE[1]}")
        report.row("launch to the first painted list", first_paint, "s",
                   target="under 1.5 s")

        paints: list[float] = []
        refresh = screen._compositor_refresh  # private, but the benchmark is not shipped

        def timed_refresh(*args, **kwargs):
            result = refresh(*args, **kwargs)
            paints.append(time.perf_counter())
            return result

        screen._compositor_refresh = timed_refresh

        async def timed(*keys: str) -> float:
            await pilot.pause(0.15)  # let the previous key's detail refresh happen
            seen = len(paints)
            begin = time.perf_counter()
            await pilot.press(*keys)
            await pilot.pause()
            if len(paints) == seen:
                return 0.0  # nothing to repaint
            return paints[seen] - begin

        def show(name: str, samples: list[float], target: str) -> None:
            median, worst = statistics.median(samples), max(samples)
            report.row(name, median, "s", note=f"median; worst {worst * 1000:.0f} ms",
                       target=target)

        show("move the cursor (j)", [await timed("j") for _ in range(ROUNDS)], "under 50 ms")
        show("PageDown", [await timed("pagedown") for _ in range(ROUNDS)], "under 50 ms")
        show("star (s)", [await timed("s") for _ in range(ROUNDS)], "under 50 ms")
        await timed("G")
        show("decide and advance (i, then x, ...)",
             [await timed("i" if n % 2 else "x") for n in range(ROUNDS)], "under 50 ms")

        waited = time.perf_counter()
        while screen.state.index is None:
            await pilot.pause(0.05)
        report.row("search index ready (background, after first paint)",
                   time.perf_counter() - start, "s",
                   note=f"waited {time.perf_counter() - waited:.2f} s here")
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
        asyncio.run(_measure(report, big_review, "the benchmark's big review"))


if __name__ == "__main__":
    import tempfile

    where = Path(tempfile.mkdtemp(prefix="reviewer-tui-bench-"))
    run(Report(), where, synth.make_review(where / "tui-100k.sqlite", 100_000))

"""TUI speed, headless and in process: first paint and key-to-repaint latency.

A key's time runs from the press to the end of the first screen update after it (the
compositor's refresh, timed by wrapping it). The detail pane follows the cursor once it
rests (a short timer), in a later update. The search index is built after the first
paint, in short slices on the event loop: cursor moves are timed during that build too,
the other keys once it is ready. Then keys while the learned order re-ranks a review of
100,000 papers after each decision (its features fitted and cached first).
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


# -- keys while the learned order re-ranks ------------------------------------------------

LABELLED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "screening"
RERANK_ROUNDS = 15
LABELS = 300  # decisions in the review before the app opens: a tenth of them includes


def screening_review(path: Path, n: int) -> Path | None:
    """A review of ``n`` papers whose titles and abstracts are sentences of the labelled
    reviews (as screening_bench's scale runs: a vocabulary like a real corpus's, where
    the synthetic dumps have thirty words), with LABELS decisions."""
    import csv
    import random
    import re

    from reviewer.core.importer import import_files
    from reviewer.core.model import Decision
    from reviewer.core.relevance.simulation import read_labelled
    from reviewer.core.store import Review

    if path.exists():
        return path
    files = sorted(LABELLED.glob("*.csv"))
    if not files:
        return None
    texts = [t for f in files for t in read_labelled(f).texts]
    sentences = [s for t in texts for s in re.split(r"(?<=\.)\s+", t) if len(s) > 20]
    titles = [t.split("\n")[0].split() for t in texts]
    rng = random.Random(0)
    source = path.with_suffix(".csv")
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "title", "abstract"])
        for i in range(n):
            words = rng.choice(titles) + rng.choice(titles)
            # the number keeps titles of the same words apart (dedup's rule)
            title = " ".join(rng.sample(words, min(8, len(words)))) + f" {i + 1}"
            writer.writerow([i + 1, title, " ".join(rng.choices(sentences, k=8))])
    with Review.open(path) as review:
        import_files(review, [source])
        for k, paper in enumerate(rng.sample(range(1, review.count() + 1), LABELS)):
            review.decide([paper], Decision.INCLUDE if k % 10 == 0 else Decision.EXCLUDE)
    source.unlink()
    return path


async def _rerank_measure(report: Report, path: Path) -> None:
    from reviewer.tui import relevance
    from reviewer.tui.screens.main import MainScreen

    paints: list[float] = []
    refresh = MainScreen._compositor_refresh

    def timed_refresh(self, *args, **kwargs):
        result = refresh(self, *args, **kwargs)
        paints.append(time.perf_counter())
        return result

    ranks: list[float] = []
    learned_order = relevance.learned_order

    def timed_order(*args):
        begin = time.perf_counter()
        result = learned_order(*args)
        ranks.append(time.perf_counter() - begin)
        return result

    MainScreen._compositor_refresh = timed_refresh
    relevance.learned_order = timed_order
    try:
        await _rerank_drive(report, path, paints, ranks)
    finally:
        MainScreen._compositor_refresh = refresh
        relevance.learned_order = learned_order


async def _rerank_drive(report: Report, path: Path, paints: list[float],
                        ranks: list[float]) -> None:
    from textual import events

    from reviewer.tui.app import ReviewerApp
    from reviewer.tui.screens.main import MainScreen

    app = ReviewerApp(path, remember_theme=False)
    async with app.run_test(size=SIZE) as pilot:
        while not paints:
            await asyncio.sleep(0.001)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screening = screen.screening
        decided = sum(1 for r in screen.state.rows if r.decision.value != "undecided")
        report.section(f"TUI, keys while the learned order re-ranks: "
                       f"{len(screen.state.rows):,} papers, {decided:,} decided (the fit "
                       "cached)")
        began = time.perf_counter()
        while screening.corpus is None:  # started at once: the review holds decisions
            await asyncio.sleep(0.05)
        report.row("features ready (child process reads the cache; thread loads it)",
                   time.perf_counter() - began, "s", note="since the first paint")
        while screen.state.index is None:  # the search index's own build is timed above
            await asyncio.sleep(0.05)

        async def press(key: str, character: str | None = None) -> float:
            seen = len(paints)
            begin = time.perf_counter()
            app.post_message(events.Key(key, key if character is None else character))
            while len(paints) == seen:
                if time.perf_counter() - begin > 5:
                    raise RuntimeError(f"no repaint after {key!r}")
                await asyncio.sleep(0.0005)
            return paints[seen] - begin

        async def idle() -> None:
            while screening._ranking:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)

        await pilot.press("o", "end", "enter")  # the sort menu's last entry: learned
        await idle()
        # The baseline, measured in the same run: moves with no re-rank running.
        quiet: list[float] = []
        for n in range(20):
            await asyncio.sleep(0.1)
            quiet.append(await press("j" if n % 4 < 2 else "k"))
        ranks.clear()
        decisions: list[float] = []
        during: list[float] = []
        for n in range(RERANK_ROUNDS):
            await asyncio.sleep(0.1)
            if n % 3:  # x asks why; enter alone excludes with no reason, and advances
                await press("x")
                await asyncio.sleep(0.05)  # the prompt takes the focus
                decisions.append(await press("enter", "\r"))
            else:
                decisions.append(await press("i"))
            while screening._ranking:  # the re-rank this decision started
                await asyncio.sleep(0.03)
                if screening._ranking:
                    during.append(await press("j" if len(during) % 4 < 2 else "k"))
            await idle()

        def show(name: str, samples: list[float], target: str = "") -> None:
            if samples:
                report.row(name, statistics.median(samples), "s",
                           note=f"median; worst {max(samples) * 1000:.0f} ms", target=target)

        show(f"move (j / k) with no re-rank running ({len(quiet)} keys: the baseline)",
             quiet)
        show(f"decide (i / x; the re-rank starts) ({len(decisions)} keys)", decisions,
             "under 50 ms")
        show(f"move (j / k) while the re-rank runs ({len(during)} keys)", during,
             "under 50 ms")
        show(f"re-rank in its thread ({len(ranks)}: relabel, refit, score, order)", ranks)


def run(report: Report, folder: Path, big_review: Path | None, quick: bool = False) -> None:
    small = synth.make_review(folder / "tui-1000.sqlite", 1000)
    asyncio.run(_measure(report, small, "1,000 papers"))
    if big_review is not None and big_review.exists():
        # The import benchmark's review, topped up past 100,000 papers (its repeats merged).
        synth.top_up(big_review, 10_000 if quick else 100_000, seed=1)
        asyncio.run(_measure(report, big_review, "the benchmark's big review"))
    rerank(report, folder, 10_000 if quick else 100_000)


def rerank(report: Report, folder: Path, n: int, path: Path | None = None) -> None:
    path = path or screening_review(folder / f"screening-{n}.sqlite", n)
    if path is None:
        print("  ../shared/corpus/screening missing: the re-rank figures are skipped")
        return
    from reviewer.core.relevance.fitting import fit_in_process

    begin = time.perf_counter()
    fit_in_process(path)  # fits and caches the features (a minute at 100,000), or reads them
    report.section("Screening features for the re-rank figures")
    report.row("TF-IDF fit in its child process (or the cache read back)",
               time.perf_counter() - begin, "s")
    asyncio.run(_rerank_measure(report, path))


if __name__ == "__main__":
    # python -m tests.bench.tui_bench [BIG_REVIEW.sqlite]: alone, reusing a big review.
    # python -m tests.bench.tui_bench rerank [SCREENING_REVIEW.sqlite]: the re-rank alone.
    import sys
    import tempfile

    where = Path(tempfile.mkdtemp(prefix="reviewer-tui-bench-"))
    if sys.argv[1:2] == ["rerank"]:
        rerank(Report(), where, 100_000, Path(sys.argv[2]) if len(sys.argv) > 2 else None)
        sys.exit()
    big = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        synth.make_review(where / "tui-100k.sqlite", 100_000)
    run(Report(), where, big)

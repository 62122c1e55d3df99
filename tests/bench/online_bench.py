"""`reviewer enrich` over the seeds against a local server playing the four services, with
each service's real pace (the config's defaults: Hugging Face 0.6 s, arXiv 3 s, Semantic
Scholar 1 s, Crossref 0.1 s between requests).

The pace is simulated by computing the schedule, not by sleeping: the clients run on a
``SimulatedClock`` that adds each wait to the time instead of waiting it, so the wall
time printed is the real time of the run plus the waits a real run would make. The
server runs in a child process, so the CPU time measured is reviewer's own (planning,
matching, parsing, the HTTP client), not the server's. Prints, asserts nothing.
Run alone with ``python -m tests.bench.online_bench``.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import time
from pathlib import Path

from .report import Report

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"


def _serve(services, queue) -> None:  # in the child
    from ..online.fake_services import FakeServer

    server = FakeServer(services)
    queue.put(server.url)
    server.httpd.serve_forever()


def run(report: Report, folder: Path) -> None:
    from reviewer.core.importer import import_files
    from reviewer.core.online.apply import apply_enrichment
    from reviewer.core.online.cache import LookupCache
    from reviewer.core.online.client import SimulatedClock
    from reviewer.core.online.plan import needs, plan_enrichment
    from reviewer.core.online.services import close_sources, open_sources
    from reviewer.core.online.settings import OnlineSettings, ServiceSettings
    from reviewer.core.store import Review

    from ..online.world import build

    report.section("reviewer enrich: the seeds against a local server, real pace simulated")
    if not SEEDS.is_dir():
        print("  ../shared/seeds not found: skipped")
        return
    path = folder / "online-seeds.sqlite"
    path.unlink(missing_ok=True)
    with Review.open(path) as review:
        import_files(review, sorted(SEEDS.glob("*.txt")), year=2025)
        papers = [p for p in review.papers() if needs(p)]
        world = build(review.papers())
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_serve, args=(world.services, queue), daemon=True)
    child.start()
    try:
        url = queue.get(timeout=30)
        cache_file = folder / "online-cache.sqlite"
        cache_file.unlink(missing_ok=True)
        for attempt in ("first run", "second run (from the cache)"):
            settings = OnlineSettings()
            for name, service in settings.services.items():
                settings.services[name] = ServiceSettings(f"{url}/{name}", service.interval)
            clock = SimulatedClock()
            cache = LookupCache(cache_file)
            sources = open_sources(settings, cache=cache, clock=clock)
            with Review.open(path) as review:
                todo = [p for p in review.papers() if needs(p)]
                cpu, real = time.process_time(), time.perf_counter()
                plan = plan_enrichment(todo, sources)
                applied = apply_enrichment(review, plan)
                cpu, real = time.process_time() - cpu, time.perf_counter() - real
            close_sources(sources)
            requests = sum(s.client.requests for s in sources.values())
            report.row(f"{attempt}: papers looked up / filled", f"{len(todo)} / "
                       f"{len(applied.changed)}", "", f"{len(papers)} needed something "
                       "at the start")
            for name, source in sources.items():
                client = source.client
                report.row(f"  {client.label}: requests, time waiting for its pace",
                           f"{client.requests}, {client.waited:.1f} s", "",
                           f"interval {client.interval:g} s"
                           + (f", {source.cache_hits} lookups from the cache"
                              if source.cache_hits else ""))
            report.row(f"{attempt}: requests", requests, "")
            report.row(f"{attempt}: wall time with the real pace", real + clock.waited, "s",
                       f"{real:.2f} s of it without the waits",
                       "set by the pace" if attempt == "first run" else "")
            report.row(f"{attempt}: CPU time of reviewer's own part", cpu, "s",
                       "planning, matching, parsing, HTTP client, applying")
            arxiv = sources.get("arxiv")
            if attempt == "first run" and arxiv is not None:
                report.row("arXiv part: requests x 3 s", arxiv.client.requests * 3.0, "s",
                           "id batches of 100, title searches 10 a request", "under 60 s")
    finally:
        child.terminate()
        child.join(5)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="reviewer-online-bench-"))
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    try:
        run(Report(), folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

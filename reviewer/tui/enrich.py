"""``E`` on the paper list: fill the papers from online services in a worker thread.

The list stays usable meanwhile (the worker has its own connection to the review and
writes only at the end, in one change); a bar above the status line shows where the run
is; ``E`` again cancels it, and a cancelled run changes nothing. The answers are cached as
for the CLI, so a run cancelled and started again asks only what it had not asked.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar
from textual.worker import WorkerState, get_current_worker

from ..core.errors import ReviewerError
from ..core.store import Review
from .screens.prompts import ChoiceScreen

if TYPE_CHECKING:
    from .screens.main import MainScreen

GROUP = "enrich"


class EnrichBar(Horizontal):
    """Where a run is: which source, how far; shown while it runs."""

    DEFAULT_CSS = """
    EnrichBar { dock: bottom; height: 1; background: $panel; }
    EnrichBar Label { width: auto; padding: 0 1; }
    EnrichBar ProgressBar { width: 40; }
    """

    def compose(self) -> ComposeResult:
        yield Label("Enrich: starting…", id="enrich-label", markup=False)
        yield ProgressBar(total=None, show_eta=False, id="enrich-progress")
        yield Label("E cancels", classes="hint")

    def show(self, what: str, done: int, total: int) -> None:
        self.query_one("#enrich-label", Label).update(f"Enrich: {what}")
        self.query_one(ProgressBar).update(total=total if total > 1 else None,
                                           progress=done)


def running(screen: MainScreen) -> bool:
    return any(w.group == GROUP and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
               for w in screen.workers)


def start_or_cancel(screen: MainScreen) -> None:
    if running(screen):
        screen.workers.cancel_group(screen, GROUP)
        screen.notify("Cancelling the online lookups…", timeout=3)
        return
    from ..core.online.plan import needs

    ids = sorted(screen.state.marked) or None
    count = sum(1 for p in screen.review.papers(ids, sources=False) if needs(p))
    if not count:
        screen.notify("Nothing to fill: these papers have names, ids, a year and a venue.")
        return
    services = screen.app.settings.online.services
    hosts = ", ".join(dict.fromkeys(s.url.split("://", 1)[-1].split("/", 1)[0]
                                    for s in services.values()))
    which = "marked" if ids else "the review's"
    question = (f"Send the titles and ids of {count} of {which} papers to {hosts}? Nothing "
                "else leaves the machine; the run is one undo step.")

    def chosen(choice: str | None) -> None:
        if choice == "go":
            bar = EnrichBar()
            screen.mount(bar)
            screen.run_worker(partial(_run, screen, bar, ids), thread=True, exclusive=True,
                              group=GROUP, name="enrich")

    screen.app.push_screen(ChoiceScreen(question, [("go", "Go online"),
                                                   ("no", "Not now")]), chosen)


def _run(screen: MainScreen, bar: EnrichBar, ids: list[int] | None) -> None:
    """In the worker thread."""
    from ..core.online.apply import apply_enrichment, hand_set
    from ..core.online.plan import needs, plan_enrichment
    from ..core.online.services import close_sources, open_sources

    worker = get_current_worker()
    app = screen.app

    def progress(what: str, done: int, total: int) -> None:
        if not worker.is_cancelled:
            app.call_from_thread(bar.show, what, done, total)

    try:
        with Review.open(screen.review.path) as review:
            papers = [p for p in review.papers(ids, sources=False) if needs(p)]
            sources = open_sources(app.settings.online,
                                   cancelled=lambda: worker.is_cancelled)
            try:
                plan = plan_enrichment(papers, sources, progress=progress,
                                       protected=hand_set(review, [p.id for p in papers]))
            finally:
                close_sources(sources)
            if plan.cancelled or worker.is_cancelled:
                app.call_from_thread(_finish, screen, bar, None, None)
                return
            applied = apply_enrichment(review, plan)
    except ReviewerError as exc:
        app.call_from_thread(_finish, screen, bar, None, str(exc))
        return
    app.call_from_thread(_finish, screen, bar, (plan, applied), None)


def _finish(screen: MainScreen, bar: EnrichBar, result, error: str | None) -> None:
    bar.remove()
    if error:
        screen.notify(error, severity="error", timeout=10)
        return
    if result is None:
        screen.notify("Enrich cancelled: nothing changed.", severity="warning", timeout=5)
        return
    plan, applied = result
    for report in plan.sources:
        if report.down:
            screen.notify(report.down, severity="warning", timeout=8)
    near = applied.uncertain_added
    screen.notify(f"Filled {len(applied.changed)} of {plan.looked_at} papers"
                  + (f"; {near} near miss{'es' if near != 1 else ''} to review (U)"
                     if near else "") + ". u undoes the run.", timeout=8)
    screen.changed(None)

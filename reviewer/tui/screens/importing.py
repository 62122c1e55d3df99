"""Importing dumps when the app opens, with a progress bar (big dumps take seconds)."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.content import Content
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar
from textual.worker import get_current_worker

from ...core.errors import DamagedReview, ReviewerError
from ...core import importer
from ...core.importer import ImportReport, import_files
from ...core.paths import MAX_INPUT_BYTES, show
from ...core.store import Review
from ..damage import report_damage
from ..widgets.footer import Footer

PHASES = {"parse": "Reading", "dedup": "Merging duplicates", "store": "Storing"}
# Dumps this many times the planning child's threshold are imported in a process of
# their own: starting it (0.1-0.15 s) costs more than the child saves on a 16 MB dump
# (0.63 against 0.70 s, a thread running beside, as in the app), less on bigger ones
# (the child saves 0.9 s of 4.2 on 162 MB): from 32 MB on.
PROCESS_FACTOR = 4


class Cancelled(Exception):
    pass


class ImportScreen(ModalScreen[ImportReport | str | None]):
    """Dismisses with the report, an error message, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel import", id="import_cancel")]

    def __init__(self, review_path, files: list[str], fmt: str | None, year: int | None,
                 max_bytes: int = MAX_INPUT_BYTES):
        super().__init__()
        self.review_path = review_path
        self.files = files
        self.fmt = fmt
        self.year = year
        self.max_bytes = max_bytes

    def compose(self) -> ComposeResult:
        with Vertical():
            count = len(self.files)
            yield Label(f"Importing {count} file{'s' if count != 1 else ''}…", id="import-label")
            yield ProgressBar(total=None, id="import-progress")
            yield Label("escape cancels: the review stays as it was", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.run_import()

    def _progress(self, phase: str, done: int, total: int) -> None:
        if get_current_worker().is_cancelled:
            raise Cancelled  # rolls back the import's transaction
        self.app.call_from_thread(self._show, phase, done, total)

    def _progress_from_process(self, phase: str, done: int, total: int) -> None:
        self.app.call_from_thread(self._show, phase, done, total)

    def _show(self, phase: str, done: int, total: int) -> None:
        if not self.is_attached or not self.query("#import-label"):
            return  # the app is closing under a running import: nothing left to show
        label = PHASES.get(phase, phase)
        if phase == "parse" and done < len(self.files):
            label += f" {show(Path(self.files[done]).name)}"
        try:
            text, bar = self.query_one("#import-label", Label), self.query_one(ProgressBar)
        except NoMatches:  # the app is closing while the import runs: nothing to show
            return
        text.update(Content(f"{label}…"))
        # Reading counts files: a single big one would sit at 0% for seconds, so the bar
        # pulses instead.
        unmeasured = phase == "parse" and total <= 1
        bar.update(total=None if unmeasured else total or None, progress=done)

    @work(thread=True, exclusive=True, group="import")
    def run_import(self) -> None:
        from ...core.import_process import ImportCancelled, import_in_process

        worker = get_current_worker()
        try:
            if _bytes(self.files) >= PROCESS_FACTOR * importer.PLANNING_CHILD_BYTES:
                # In a process of its own: there the planning child can fork, as the
                # CLI's does (a fifth of a big import), and the app stays free for keys.
                report = import_in_process(self.review_path, self.files, self.fmt,
                                           self.year, self._progress_from_process,
                                           lambda: worker.is_cancelled, self.max_bytes)
            else:
                with Review.open(self.review_path) as review:
                    report = import_files(review, self.files, self.fmt, self.year,
                                          self._progress, self.max_bytes)
        except (Cancelled, ImportCancelled):
            self.app.call_from_thread(self.dismiss, None)
            return
        except ReviewerError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self.dismiss, report)

    def _refused(self, exc: ReviewerError) -> None:
        self.dismiss(str(exc))
        if isinstance(exc, DamagedReview):  # checked before the import wrote anything
            report_damage(self.app, exc)  # (the paths prompt is not offered again then)

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "import")


def _bytes(files: list[str]) -> int:
    try:
        return sum(Path(f).stat().st_size for f in files)
    except OSError:
        return 0  # the import names the file


def outcome(result: ImportReport | str | None) -> tuple[str, str, float]:
    """What to tell the user about an import: (message, severity, seconds shown)."""
    if isinstance(result, ImportReport):
        labelled = sum(f.labelled for f in result.files) if result.decisions is None else 0
        unread = (f"; {labelled} decisions in the files left out (`reviewer import "
                  "--decisions` takes them)") if labelled else ""
        return f"Imported: {result.summary}{unread}", "information", 6
    if isinstance(result, str):
        return result, "error", 10
    return "Import cancelled; the review is as it was.", "warning", 5

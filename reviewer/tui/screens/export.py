"""The e screen: export BibTeX and the Markdown skeleton (with its PRISMA flow diagram),
with a live preview of it, and the screening as a spreadsheet if asked."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Markdown, Select

from ...core.errors import ReviewerError
from ...core.export.markdown import skeleton
from ...core.export.prisma import beside
from ...core.export.selection import Selection
from ...core.model import Decision
from ...core.paths import check_export_targets, show
from ...core.store import Review
from ..refusals import refused
from ..widgets.footer import Footer

SELECTIONS = {
    "default": ("included or starred papers", Selection()),
    "include": ("included papers", Selection(decision=Decision.INCLUDE)),
    "starred": ("starred papers", Selection(starred=True)),
    "all": ("all papers", Selection(everything=True)),
}


class ExportScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "export", "Export", id="export_write"),
        Binding("escape", "close", "Back", id="export_close"),
    ]

    def __init__(self, review: Review) -> None:
        super().__init__()
        self.review = review

    def compose(self) -> ComposeResult:
        folder = Path.cwd()
        with Horizontal(id="export-panes"):
            with Vertical(id="export-form"):
                with VerticalScroll(id="export-fields"):  # scrolls on a short terminal
                    yield Label("Papers")
                    yield Select([(label, key) for key, (label, _) in SELECTIONS.items()],
                                 value="default", allow_blank=False, id="export-selection")
                    yield Label("Markdown skeleton")
                    yield Input(str(folder / "survey.md"), id="export-md")
                    yield Label("BibTeX")
                    yield Input(str(folder / "survey.bib"), id="export-bib")
                    yield Label("Spreadsheet (CSV), if wanted")
                    yield Input("", placeholder=str(folder / "screening.csv"), id="export-csv")
                yield Label("ctrl+s writes the files · escape goes back. Keys of exported "
                            "papers never change afterwards.", classes="hint")
            with VerticalScroll(id="preview"):
                yield Markdown(id="export-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_preview()

    @property
    def selection(self) -> Selection:
        key = self.query_one("#export-selection", Select).value
        return SELECTIONS[str(key)][1]

    @on(Select.Changed, "#export-selection")
    def refresh_preview(self) -> None:
        papers = self.selection.papers(self.review)
        text = skeleton(self.review, papers, "survey.bib", scope=self.selection.describe(),
                        prisma_path="survey-prisma.svg")
        # Textual's Markdown widget does not read YAML front matter: preview the body.
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        self.query_one("#export-preview", Markdown).update(body)

    def action_export(self) -> None:
        md = Path(self.query_one("#export-md", Input).value).expanduser()
        bib = Path(self.query_one("#export-bib", Input).value).expanduser()
        sheet = self.query_one("#export-csv", Input).value.strip()
        csv = Path(sheet).expanduser() if sheet else None
        svg = beside(md)
        try:  # by name and inode only: this process holds the review open
            check_export_targets(self.review.path, md, bib, svg, *([csv] if csv else []))
        except ReviewerError as exc:
            self.notify(str(exc), severity="error")
            return
        self.write(md, bib, csv, self.selection)

    @work(thread=True, exclusive=True, group="export")
    def write(self, md: Path, bib: Path, csv: Path | None, selection: Selection) -> None:
        from ...core.export.survey import write_survey

        svg = beside(md)
        review = Review.open(self.review.path)  # this thread's own connection
        try:
            # The skeleton cites exactly the .bib's papers; a kill leaves all old or all new.
            survey = write_survey(review, selection, md, bib, csv=csv, svg=svg)
        except ReviewerError as exc:  # busy, a full disk: nothing was written or frozen
            self.app.call_from_thread(refused, self.app, exc)  # damage: its own message
            return
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"Cannot write: {exc.strerror or exc}",
                                      severity="error")
            return
        finally:
            review.close()
        names = [show(md), show(bib), show(svg.name)] + ([show(csv)] if csv else [])
        files = f"{', '.join(names[:-1])} and {names[-1]}"
        count = len(survey.papers)
        self.app.call_from_thread(self.notify, f"Wrote {count} paper{'s' * (count != 1)} to "
                                  f"{files}. Render: pandoc {show(md.name)} --citeproc "
                                  "-o survey.html", timeout=6)

    def action_close(self) -> None:
        self.dismiss(None)

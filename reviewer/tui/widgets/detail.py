"""The detail pane: the current paper in full, with its note rendered as Markdown."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from ...cli.render import authors_text, date_text
from ...core.latex import typeset
from ...core.model import Paper
from ...core.paths import show
from ...core.text import clean_block


class DetailPane(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane #detail-head { margin-bottom: 1; }
    DetailPane #detail-note-title { color: $accent; text-style: bold; margin-top: 1; }
    DetailPane Markdown { padding: 0; margin: 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="detail-head")
        yield Static(id="detail-abstract")
        yield Static("Note", id="detail-note-title")
        yield Markdown(id="detail-note")

    def show(self, paper: Paper | None, empty_review: bool = False) -> None:
        head = self.query_one("#detail-head", Static)
        abstract = self.query_one("#detail-abstract", Static)
        note_title = self.query_one("#detail-note-title", Static)
        note = self.query_one("#detail-note", Markdown)
        if paper is None:
            head.update(Text(
                "This review has no papers yet. Press I to import dumps (Hugging Face or "
                "arXiv pages, BibTeX, lists of titles)." if empty_review else
                "No paper here. Press / to search or f to filter.", style="italic"))
            abstract.update("")
            note_title.display = note.display = False
            return
        head.update(paper_header(paper))
        body = Text(paper.abstract or "No abstract in the dumps.",
                    style="" if paper.abstract else "italic")
        if paper.abstract_truncated:
            body.append("\n(the dump cut this abstract short)", style="italic")
        abstract.update(body)
        has_note = bool(paper.note.strip())
        note_title.display = note.display = has_note
        if has_note:
            note.update(clean_block(paper.note))
        self.scroll_home(animate=False)


def paper_header(paper: Paper) -> Group:
    """Title and metadata as plain text (dump text never becomes markup)."""
    title = Text(typeset(paper.title), style="bold")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    lines: list[tuple[str, str]] = [
        ("Authors", authors_text(paper)),
        ("From", paper.organization),
        ("Date", date_text(paper)),
        ("Venue", paper.venue),
        ("Upvotes", "" if paper.upvotes is None else str(paper.upvotes)),
        ("Decision", f"{paper.decision}{'  ★ starred' if paper.starred else ''}"),
        ("Reason", paper.reason),
        ("Tags", ", ".join(paper.tags)),
        ("Sections", ", ".join(paper.sections)),
        ("Key", paper.citekey),
        ("arXiv", f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else ""),
        ("DOI", f"https://doi.org/{paper.doi}" if paper.doi else ""),
        ("URL", paper.url),
    ]
    lines += [("Link", link) for link in paper.links]
    lines += [("Source", f"{show(Path(s.file).name)}:{s.line} ({s.format})") for s in paper.sources]
    for label, value in lines:
        if value:
            grid.add_row(label, Text(value))
    return Group(title, Text(""), grid)

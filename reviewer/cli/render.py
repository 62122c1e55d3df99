"""Plain-text views of papers for the terminal: one line per paper, or the full record."""

from __future__ import annotations

import shutil
import sys
import textwrap

from ..core.latex import typeset
from ..core.model import Decision, Paper
from ..core.names import display_name
from ..core.paths import show
from ..core.text import clean_block, clean_text, shorten

DECISION_MARK = {Decision.UNDECIDED: "·", Decision.INCLUDE: "I", Decision.MAYBE: "M",
                 Decision.EXCLUDE: "X"}


def width() -> int | None:
    """Terminal width when printing to a terminal; None (no cutting) in a pipe."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def paper_line(paper: Paper, cols: int | None, score: float | None = None) -> str:
    """One list row; ``score`` (learned relevance or similarity) shows after the id."""
    star = "*" if paper.starred else " "
    year = str(paper.year) if paper.year else "    "
    tags = f"  [{', '.join(paper.tags)}]" if paper.tags else ""
    if paper.reason:
        tags += f"  ({clean_text(paper.reason)})"
    shown = "" if score is None else f" {score:+6.2f}"
    head = f"{paper.id:>5}{shown} {star}{DECISION_MARK[paper.decision]} {year}  "
    title = clean_text(typeset(paper.title))
    if cols:
        room = max(cols - len(head) - len(tags), 20)
        title = shorten(title, room)
    return f"{head}{title}{tags}"


def date_text(paper: Paper) -> str:
    if paper.year is None:
        return ""
    text = str(paper.year)
    if paper.month:
        text += f"-{paper.month:02d}"
        if paper.day:
            text += f"-{paper.day:02d}"
    return text + (" (year inferred)" if paper.year_inferred else "")


def authors_text(paper: Paper) -> str:
    if paper.authors:
        # "Radford, Alec, Kim, Jong Wook" reads as four people: names in reading order.
        shown = ", ".join(map(display_name, paper.authors[:12]))
        more = len(paper.authors) - 12
        return shown + (f" and {more} more" if more > 0 else "")
    if paper.author_count:
        return f"{paper.author_count} authors (names unknown)"
    return ""


def paper_details(paper: Paper, cols: int | None) -> str:
    wrap = max((cols or 100) - 4, 40)
    star = "  starred" if paper.starred else ""
    lines = [f"#{paper.id}  {paper.citekey}  {paper.decision}{star}", ""]
    fields = [
        ("Title", clean_text(typeset(paper.title))),
        ("Authors", authors_text(paper)),
        ("Organization", paper.organization),
        ("Date", date_text(paper)),
        ("Venue", paper.venue),
        ("Upvotes", str(paper.upvotes) if paper.upvotes is not None else ""),
        ("arXiv", paper.arxiv_id),
        ("DOI", paper.doi),
        ("URL", paper.url),
        ("Reason", paper.reason),
        ("Tags", ", ".join(paper.tags)),
        ("Sections", ", ".join(paper.sections)),
    ]
    for label, value in fields:
        if value:
            lines.append(f"{label + ':':<14}{value}")
    for link in paper.links:
        lines.append(f"{'Link:':<14}{link}")
    for source in paper.sources:
        lines.append(f"{'Source:':<14}{show(source.file)}:{source.line} ({source.format})")
    if paper.abstract:
        cut = "  (cut short in the dump)" if paper.abstract_truncated else ""
        lines += ["", f"Abstract:{cut}"]
        lines += textwrap.wrap(clean_text(paper.abstract), wrap, initial_indent="  ",
                               subsequent_indent="  ")
    if paper.note.strip():
        lines += ["", "Note:"]
        lines += ["  " + line for line in clean_block(paper.note).splitlines()]
    return "\n".join(lines)

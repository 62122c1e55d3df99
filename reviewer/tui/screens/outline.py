"""The S screen: the survey's sections in order, each with its papers in order.

Create, rename, describe and delete sections, move sections and papers up and down; a
side panel shows coverage at a glance. Every edit is one stored, undoable change.
"""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.errors import ReviewerError
from ...core.outline import THIN_SECTION, coverage
from ...core.store import Review
from ..commands import OUTLINE, bindings
from ..watch import POLL, ReviewWatch
from ..widgets.footer import Footer
from .help import HelpScreen
from .prompts import PromptScreen


class OutlineScreen(Screen[None]):
    BINDINGS = bindings(OUTLINE)

    def __init__(self, review: Review) -> None:
        super().__init__()
        self.review = review
        self.titles: dict[int, str] = {}
        self.watch = ReviewWatch(review)

    def compose(self) -> ComposeResult:
        yield Static("Outline of the survey", id="outline-title")
        with Horizontal(id="outline-panes"):
            yield OptionList(id="outline")
            with VerticalScroll(id="coverage"):
                yield Static(id="coverage-text")
        yield Footer()

    def on_mount(self) -> None:
        self.rebuild()
        self.query_one(OptionList).focus()
        self.set_interval(POLL, self.check_external)

    def check_external(self) -> None:
        if self.watch.changed_elsewhere():
            self.rebuild()

    # -- drawing -------------------------------------------------------------------------

    def rebuild(self, keep: str | None = None) -> None:
        outline = self.query_one(OptionList)
        keep = keep or self.current_id()
        self.watch.seen()
        sections = self.review.sections()
        ids = {pid for s in sections for pid in s.paper_ids}
        papers = {p.id: p for p in self.review.papers(sorted(ids))} if ids else {}
        options: list[Option] = []
        for s in sections:
            head = Text(f"{s.position}. ", style="bold")
            head.append(s.title, style="bold")
            head.append(f"   {len(s.paper_ids)} paper{'s' if len(s.paper_ids) != 1 else ''}",
                        style="dim")
            if s.description:
                head.append(f"\n   {s.description}", style="italic")
            options.append(Option(head, id=f"s:{s.id}"))
            for pid in s.paper_ids:
                paper = papers[pid]
                title = Text(paper.title)
                title.append(f"  {paper.year or ''}", style="dim")
                lead = "     ★ " if paper.starred else "       "
                options.append(Option(_hanging(lead, title), id=f"p:{s.id}:{pid}"))
        if not options:
            options.append(Option(Text("No sections yet: press c to create one, or put papers "
                                       "in sections with a on the paper list.",
                                       style="italic"), id="empty", disabled=True))
        self.titles = {s.id: s.title for s in sections}
        outline.clear_options()
        outline.add_options(options)
        ids_in_order = [o.id for o in options]
        if keep in ids_in_order:
            outline.highlighted = ids_in_order.index(keep)
        elif options and not options[0].disabled:
            outline.highlighted = 0
        self.query_one("#coverage-text", Static).update(self.coverage_text())

    def coverage_text(self) -> Text:
        cov = coverage(self.review)
        warn = Style(color=self.app.theme_variables.get("error"), bold=True)
        text = Text()
        text.append("Coverage\n\n", style="bold")
        for title, count in cov.per_section:
            style = warn if title in cov.thin_sections else Style()
            text.append(f"{count:>4}  ", style=style)
            text.append(f"{title}\n", style=style)
        if cov.thin_sections:
            thin = len(cov.thin_sections)
            text.append(f"\n{thin} section{'s' if thin != 1 else ''} with fewer than "
                        f"{THIN_SECTION} papers\n", style=warn)
        text.append(f"\nIncluded but in no section: {len(cov.unplaced_included)}\n")
        text.append(f"Starred but in no section: {len(cov.unplaced_starred)}\n")
        if cov.unplaced_included or cov.unplaced_starred:
            text.append("\nOn the paper list, filter on section '(in no section)' and press a "
                        "to place them.", style="dim")
        return text

    def current_id(self) -> str | None:
        outline = self.query_one(OptionList)
        if outline.highlighted is None or not outline.option_count:
            return None
        return outline.get_option_at_index(outline.highlighted).id

    def _current(self) -> tuple[str, int, int | None] | None:
        current = self.current_id()
        if not current or current == "empty":
            return None
        parts = current.split(":")
        return parts[0], int(parts[1]), int(parts[2]) if len(parts) > 2 else None

    def _edit(self, fn, *args, keep: str | None = None) -> None:
        try:
            fn(*args)
        except ReviewerError as exc:
            self.notify(str(exc), severity="error")
            return
        self.rebuild(keep)

    # -- actions -------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        outline = self.query_one(OptionList)
        if delta > 0:
            outline.action_cursor_down()
        else:
            outline.action_cursor_up()

    def action_move(self, delta: int) -> None:
        current = self._current()
        if current is None:
            return
        kind, section_id, paper_id = current
        title = self.titles[section_id]
        section = self.review.section(title)
        if kind == "s":
            self._edit(self.review.move_section, title, section.position + delta,
                       keep=f"s:{section_id}")
        else:
            position = section.paper_ids.index(paper_id) + 1
            self._edit(self.review.move_in_section, title, paper_id, position + delta,
                       keep=f"p:{section_id}:{paper_id}")

    def action_new_section(self) -> None:
        current = self._current()
        position = None
        if current is not None:
            position = self.review.section(self.titles[current[1]]).position + 1

        def done(title: str) -> None:
            if title.strip():
                self._edit(self.review.add_section, title, "", position)
                self.rebuild(f"s:{self.review.section(title.strip()).id}"
                             if self._has(title) else None)

        self.app.push_screen(PromptScreen("New section title", done))

    def _has(self, title: str) -> bool:
        return any(t.casefold() == " ".join(title.split()).casefold()
                   for t in (s.title for s in self.review.sections()))

    def action_rename(self) -> None:
        current = self._current()
        if current is None:
            return
        title = self.titles[current[1]]

        def done(new: str) -> None:
            if new.strip() and new.strip() != title:
                self._edit(self.review.rename_section, title, new, keep=f"s:{current[1]}")

        self.app.push_screen(PromptScreen(f"Rename section {title!r}", done, value=title))

    def action_describe(self) -> None:
        current = self._current()
        if current is None:
            return
        section = self.review.section(self.titles[current[1]])

        def done(text: str) -> None:
            self._edit(self.review.describe_section, section.title, text,
                       keep=f"s:{section.id}")

        self.app.push_screen(PromptScreen(f"Describe section {section.title!r}", done,
                                          value=section.description))

    def action_delete(self) -> None:
        current = self._current()
        if current is None:
            return
        kind, section_id, paper_id = current
        title = self.titles[section_id]
        if kind == "s":
            self._edit(self.review.remove_section, title)
            self.notify(f"Section {title!r} deleted (its papers stay; u undoes)", timeout=3)
        else:
            self._edit(self.review.unassign, title, [paper_id], keep=f"s:{section_id}")

    def action_undo(self) -> None:
        entry = self.review.undo()
        self.notify(f"Undid: {entry.label}" if entry else "Nothing to undo", timeout=2.5)
        self.rebuild()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen("reviewer: the outline", OUTLINE,
                                        self.app.settings.keys))


def _hanging(lead: str, text: Text) -> Table:
    """``lead`` then ``text``, its wrapped lines under its first rather than under lead."""
    grid = Table.grid()
    grid.add_column(width=len(lead), no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(lead, text)
    return grid

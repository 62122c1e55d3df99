"""``U``: the near misses of enrich, one line each, accepted (``a``) or rejected (``r``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...core.errors import ReviewerError
from ...core.online import uncertain
from ...core.store import Review
from ...core.text import shorten
from ..widgets.footer import Footer


class UncertainScreen(ModalScreen[bool]):
    """Dismisses with whether anything was accepted or rejected."""

    BINDINGS = [
        Binding("a", "decide(True)", "Accept", id="uncertain_accept",
                tooltip="Fill the paper from this record (one undo step)."),
        Binding("r", "decide(False)", "Reject", id="uncertain_reject",
                tooltip="Not this paper: it is not listed again."),
        Binding("escape,q,U", "close", "Back", id="uncertain_close"),
    ]

    def __init__(self, review: Review):
        super().__init__()
        self.review = review
        self.decided = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Near misses of enrich: a record found by title that may be the "
                        "paper. a accepts, r rejects.", markup=False)
            yield OptionList(id="uncertain-list")
        yield Footer()

    def on_mount(self) -> None:
        self.fill()
        self.query_one(OptionList).focus()

    def fill(self) -> None:
        entries = uncertain.entries(self.review)
        titles = {p.id: p.title for p in self.review.papers(
            [e.candidate.paper_id for e in entries], sources=False)}
        options = self.query_one(OptionList)
        keep = options.highlighted or 0
        options.clear_options()
        for e in entries:
            c = e.candidate
            text = (f"{e.number}. #{c.paper_id} {shorten(titles.get(c.paper_id, '?'), 60)}\n"
                    f"   {c.source} {c.record.ident}: {shorten(c.record.title, 60)} "
                    f"({len(c.record.authors)} authors, {c.record.year or 'no year'})\n"
                    f"   {'; '.join(c.problems)}")
            options.add_option(Option(text, id=str(e.number)))
        if not entries:
            options.add_option(Option("No near miss to review.", id="none", disabled=True))
        elif options.option_count:
            options.highlighted = min(keep, options.option_count - 1)

    def action_decide(self, accept: bool) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        ident = options.get_option_at_index(options.highlighted).id
        if not ident or not ident.isdigit():
            return
        try:
            if accept:
                entry, applied = uncertain.accept(self.review, int(ident))
                fields = applied.changed.get(entry.candidate.paper_id, [])
                self.notify(f"#{entry.candidate.paper_id} got {', '.join(fields)}",
                            timeout=4)
            else:
                uncertain.reject(self.review, int(ident))
        except ReviewerError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        self.decided = True
        self.fill()

    def action_close(self) -> None:
        self.dismiss(self.decided)

"""The main screen: the paper list, the detail pane, search, status line and footer.

The screen owns the state (a ``ListState`` over the store's rows); widgets only draw it
and report the cursor. Every action goes through the core's ``Review``, which stores it
at once; the screen then refreshes just the rows the change touched.
"""

from __future__ import annotations

import gc
import shlex
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from ...core.errors import ReviewerError
from ...core.manual_merge import merge_papers
from ...core.model import Decision
from ...core.paths import MAX_INPUT_BYTES, check_inputs
from ...core.search import SearchIndex, body_text
from ...core.sorting import SORTS
from ...core.store import Review
from .. import watch
from ..commands import MAIN, bindings
from ..editor import edit_text, keep_unsaved
from ..refusals import refusals
from ..relevance import SORT_OPTION, Screening
from ..search_loading import build_index
from ..state import ListState
from ..watch import ReviewWatch
from ..widgets.detail import DetailPane
from ..widgets.footer import Footer
from ..widgets.paper_list import PaperList
from ..widgets.status import StatusLine
from .filters import FilterScreen
from .help import HelpScreen
from .note import NoteEditor
from .prompts import ChoiceScreen, PromptScreen, SuggestPath, split_items
from .reasons import ask_reason

DETAIL_DELAY = 0.06  # seconds: the pane follows the cursor once it rests


class SearchBar(Input):
    BINDINGS = [Binding("escape", "leave(True)", "Clear search", id="search_clear"),
                Binding("down,tab", "leave(False)", "Back to the list", id="search_keep")]

    def action_leave(self, clear: bool) -> None:
        self.screen.finish_search(clear)


class MainScreen(Screen):
    BINDINGS = bindings(MAIN)

    def __init__(self, review: Review, advance: bool = True) -> None:
        super().__init__()
        self.review = review
        self.advance = advance
        self.state = ListState(review.summaries())
        self._detail_timer: Timer | None = None
        self._building: SearchIndex | None = None  # the search index while it loads
        self.watch = ReviewWatch(review)
        self.screening = Screening(self)  # the learned order, more like this (relevance.py)

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield PaperList(self.state, id="papers")
            yield DetailPane(id="detail")
        yield SearchBar(placeholder="search titles, abstracts, tags, notes", id="search")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def papers(self) -> PaperList:
        return self.query_one(PaperList)

    def on_mount(self) -> None:
        self.papers.focus()
        self.update_status()
        self.show_detail_now()
        self.set_interval(watch.POLL, self.check_external)
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        settle()
        self.load_search_index()
        self.screening.started()

    def on_unmount(self) -> None:
        self.screening.close()

    @work(exclusive=True, group="search-index")
    async def load_search_index(self) -> None:
        """Index titles, abstracts, notes and tags for search, after the first paint, in
        slices between keystrokes (search_loading.py)."""
        index = self._building = SearchIndex()
        await build_index(self.review, index, lambda: getattr(self.app, "last_key_at", 0.0))
        self._building = None
        self._index_ready(index)

    def _index_ready(self, index: SearchIndex) -> None:
        self.state.index = index
        settle()
        if self.state.query:
            self.refilter()

    # -- helpers -----------------------------------------------------------------------

    def targets(self) -> list[int]:
        """The marked papers, or else the one under the cursor."""
        if self.state.marked:
            return [r.id for r in self.state.view if r.id in self.state.marked] or \
                sorted(self.state.marked)
        current = self.papers.current_id
        return [] if current is None else [current]

    def update_status(self) -> None:
        self.query_one(StatusLine).show(self.state, self.review.name,
                                        self.screening.status())

    def on_paper_list_cursor_moved(self, message: PaperList.CursorMoved) -> None:
        self.show_detail_soon()

    def show_detail_soon(self) -> None:
        """Refresh the detail pane once the cursor rests: holding j stays fluid."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self.show_detail_now)

    def show_detail_now(self) -> None:
        current = self.papers.current_id
        self.query_one(DetailPane).show(self.review.get(current) if current is not None
                                        else None, empty_review=not self.state.rows)

    def refilter(self, keep_id: int | None = None) -> None:
        """Recompute the view (filters, search, sort) and keep the cursor sensible."""
        keep = keep_id if keep_id is not None else self.papers.current_id
        self.state.recompute()
        self.papers.refresh_view(keep)
        self.update_status()
        self.show_detail_soon()

    def check_external(self) -> None:
        if self.watch.changed_elsewhere():
            self.changed(None)

    def changed(self, ids: list[int] | set[int] | None, text_changed: bool = False) -> None:
        """Refresh after an edit of ``ids`` (None: anything may have changed)."""
        self.watch.seen()  # before reading: a commit from elsewhere meanwhile shows next
        if ids is None:
            keep = self.papers.current_id
            self.state.reload(self.review.summaries())
            self.papers.refresh_view(keep)
            self.load_search_index()
        else:
            self.state.replace(self.review.summaries(ids))
            index = self.state.index or self._building
            if text_changed and index is not None:
                for paper in self.review.papers(ids):
                    index.update(paper.id, paper.title,
                                 body_text(paper.tags, paper.note, paper.abstract))
            if self.state.filters.filters or (self.state.sort_chosen and
                                              self.state.ranking is None):  # relevance.py
                self.state.recompute()
                self.papers.refresh_view(self.papers.current_id)
            self.papers.refresh()
        self.screening.changed(ids)
        self.update_status()
        self.show_detail_soon()

    def say(self, message: str) -> None:
        self.notify(message, timeout=2.5)

    # -- moving ------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self.papers.move_to(self.papers.cursor + delta)

    def action_first(self) -> None:
        self.papers.move_to(0)

    def action_last(self) -> None:
        self.papers.move_to(len(self.state.view) - 1)

    def action_page(self, direction: int) -> None:
        self.papers.move_to(self.papers.cursor + direction * self.papers.page_height)

    def action_focus_detail(self) -> None:
        self.query_one(DetailPane).focus()

    # -- triage ------------------------------------------------------------------------

    def action_star(self) -> None:
        ids = self.targets()
        if not ids:
            return
        value = not all(self.state.by_id[i].starred for i in ids)
        self.review.star(ids, value)
        self.changed(ids)
        if len(ids) > 1:
            self.say(f"{'Starred' if value else 'Unstarred'} {len(ids)} papers")

    def action_decide(self, decision: str) -> None:
        ids = self.targets()
        if not ids:
            return
        chosen = Decision(decision)
        if chosen is Decision.EXCLUDE:  # why, first (screens/reasons.py); then as the others
            reasons = {self.state.by_id[i].reason for i in ids}
            ask_reason(self.app, self.review, ids, reasons.pop() if len(reasons) == 1 else None,
                       lambda reason: self.decide(ids, chosen, reason))
            return
        self.decide(ids, chosen)

    def decide(self, ids: list[int], chosen: Decision, reason: str | None = None) -> None:
        """Store a decision (an exclude's reason with it), then move on: the one way every
        decision takes, the ``x`` prompt's included."""
        bulk = len(ids) > 1
        self.review.decide(ids, chosen, reason)
        position = self.papers.cursor
        self.changed(ids)
        if bulk:
            self.say(f"{chosen.value.capitalize()}: {len(ids)} papers")
        elif self.advance and chosen != Decision.UNDECIDED and self.state.view:
            # Screening tools move on to the next paper still to decide.
            start = position if self.papers.current_id == ids[0] else position - 1
            following = self.screening.next_after_decision(start)
            if following is not None:
                self.papers.move_to(following)

    def action_mark(self) -> None:
        current = self.papers.current_id
        if current is None:
            return
        self.state.marked.symmetric_difference_update({current})
        self.papers.refresh()
        self.update_status()
        self.papers.move_to(self.papers.cursor + 1)

    def action_clear(self) -> None:
        if self.focused is self.query_one(DetailPane):
            self.papers.focus()
        elif self.state.query:
            self.finish_search(clear=True)
        elif self.screening.leave():  # back from "more like this"
            pass
        elif self.state.marked:
            self.state.marked.clear()
            self.papers.refresh()
            self.update_status()
        elif self.state.filters.filters:
            self.state.filters = type(self.state.filters)()
            self.refilter()
            self.say("Filters cleared")

    def ask_then_apply(self, ids: list[int], question: str, choices: list[str],
                       apply, *, items: bool = True, value: str = "") -> None:
        """Ask for tags (``items``: comma separated) or one section name, then apply the
        answer to the papers ``ids``, the marked ones or the one under the cursor, with
        ``apply(ids, answer)``; what the core refuses is said, and the app goes on."""
        def done(text: str) -> None:
            answer = split_items(text) if items else text.strip()
            if answer:
                with refusals(self.app):
                    apply(ids, answer)

        self.app.push_screen(PromptScreen(question, done, value=value, choices=choices,
                                          separator="," if items else None))

    def action_tag(self) -> None:
        ids = self.targets()
        if not ids:
            return

        def tag(ids: list[int], tags: list[str]) -> None:
            self.review.tag(ids, tags)
            self.changed(ids, text_changed=True)

        self.ask_then_apply(ids, f"Add tags to {_count(ids)} (comma separated)",
                            [t for t, _ in self.review.tags()], tag)

    def action_untag(self) -> None:
        ids = self.targets()
        present = sorted({t for i in ids for t in self.state.by_id[i].tags})
        if not present:
            self.say("No tags to remove")
            return

        def untag(ids: list[int], tags: list[str]) -> None:
            absent = [tag for tag in tags if tag not in present]
            if absent:
                self.say(f"No selected paper has the tag{'s' if len(absent) > 1 else ''} "
                         f"{', '.join(absent)}")
            tags = [tag for tag in tags if tag in present]
            if tags:
                self.review.untag(ids, tags)
                self.changed(ids, text_changed=True)

        self.ask_then_apply(ids, f"Remove tags from {_count(ids)}: {', '.join(present)}",
                            present, untag)

    def action_note(self) -> None:
        current = self.papers.current_id
        if current is None:
            return
        paper = self.review.get(current)
        self.app.push_screen(NoteEditor(self.review, current, paper.title, paper.note),
                             lambda _: self.changed([current], text_changed=True))

    def action_note_external(self) -> None:
        current = self.papers.current_id
        if current is None:
            return
        paper = self.review.get(current)
        # Ending with a line break, text an editor or a script appends starts a line.
        written = paper.note if not paper.note or paper.note.endswith("\n") else \
            paper.note + "\n"
        text = edit_text(self.app, written, f"{paper.citekey or current}.md")
        if text is None or text == written or text == paper.note:
            return
        try:
            self.review.set_note(current, text)
        except ReviewerError as exc:  # busy: the text must not go with the temp file
            kept = keep_unsaved(paper.citekey or str(current), text)
            self.notify(f"{exc}. The note is kept in {kept}", severity="error", timeout=12)
            return
        self.changed([current], text_changed=True)
        self.say("Note saved")

    def action_edit_metadata(self) -> None:
        from .metadata import MetadataForm

        current = self.papers.current_id
        if current is not None:
            self.app.push_screen(MetadataForm(self.review, current),
                                 lambda said: said and self._edited(current, said))

    def action_edit_bibtex(self) -> None:
        from ..entry_editor import edit_entry

        current = self.papers.current_id
        if current is not None:
            edit_entry(self.app, self.review, current, lambda said: self._edited(current, said))

    def _edited(self, paper_id: int, said: str) -> None:
        self.changed([paper_id], text_changed=True)
        self.say(said)

    # -- finding -----------------------------------------------------------------------

    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        bar.add_class("-active")
        bar.value = self.state.query
        # Focus now, not after a refresh (what focus() does): the keys typed right after
        # "/" are already queued and must land in the bar, not on the list.
        self.set_focus(bar)

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.state.set_query(event.value)
        self.papers.refresh_view()
        self.papers.move_to(0)
        self.update_status()

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.finish_search(clear=False)

    def finish_search(self, clear: bool) -> None:
        bar = self.query_one(SearchBar)
        if clear:
            keep = self.papers.current_id
            bar.value = ""
            self.state.set_query("")
            self.papers.refresh_view(keep)
            self.update_status()
        if not self.state.query:
            bar.remove_class("-active")
        self.set_focus(self.papers)  # now: the next queued key is for the list

    def action_filter(self) -> None:
        tags = [t for t, _ in self.review.tags()]
        sections = [s.title for s in self.review.sections()]

        def done(result) -> None:
            if result is not None:
                self.state.filters = result
                self.refilter()

        self.app.push_screen(FilterScreen(self.state.filters, tags, sections,
                                          list(self.review.exclusion_reasons())), done)

    def action_sort(self) -> None:
        def done(order: str | None) -> None:
            if order:
                self.state.set_sort(order)
                self.screening.sorted_by(order)
                self.refilter()

        options = [(key, label) for key, label in SORTS.items()] + [SORT_OPTION]
        self.app.push_screen(ChoiceScreen("Sort by", options, self.state.sort), done)

    # -- survey ------------------------------------------------------------------------

    def action_assign(self) -> None:
        ids = self.targets()
        if not ids:
            return
        titles = [s.title for s in self.review.sections()]
        suggested = self.screening.suggest_section(ids)  # pre-filled, selected

        def assign(ids: list[int], title: str) -> None:
            created = title.casefold() not in {t.casefold() for t in titles}
            self.review.assign(title, ids, create=True)
            self.changed(ids)
            self.say(f"{'New section ' if created else ''}{title}: {_count(ids)} added")

        self.ask_then_apply(ids, f"Put {_count(ids)} in section (new name creates it)",
                            titles, assign, items=False, value=suggested)

    def action_unassign(self) -> None:
        ids = self.targets()
        present = sorted({s for i in ids for s in self.state.by_id[i].sections})
        if not present:
            self.say("Not in any section")
            return

        def unassign(ids: list[int], title: str) -> None:
            self.review.unassign(title, ids)  # refused: a name that is no section, say
            self.changed(ids)

        self.ask_then_apply(ids, f"Take {_count(ids)} out of: {', '.join(present)}", present,
                            unassign, items=False,
                            value=present[0] if len(present) == 1 else "")

    def action_like(self) -> None:
        self.screening.more_like(self.papers.current_id)

    def action_outline(self) -> None:
        from .outline import OutlineScreen

        self.app.push_screen(OutlineScreen(self.review), lambda _: self.changed(None))

    def action_export(self) -> None:
        from .export import ExportScreen

        self.app.push_screen(ExportScreen(self.review), lambda _: self.changed(None))

    # -- other -------------------------------------------------------------------------

    def action_import_files(self, typed: str = "") -> None:
        """Ask for the dumps to import; a failed attempt asks again with the paths as
        typed, never losing them."""
        from .importing import ImportScreen
        from .prompts import last_word

        def chosen(value: str) -> None:
            if not value.strip():
                return
            try:  # a quote the completion opened and the user left open: closed here
                files = [str(Path(word).expanduser())
                         for word in shlex.split(value + last_word(value)[1])]
            except ValueError as exc:
                self.notify(f"Cannot read those paths: {exc}", severity="error")
                self.action_import_files(value)
                return
            limit = getattr(self.app, "settings", None)
            limit = limit.max_import_bytes if limit else MAX_INPUT_BYTES
            try:  # stat only: a FIFO or a device is never opened
                check_inputs(files, limit, self.review.path)
            except ReviewerError as exc:
                self.notify(str(exc), severity="error")
                self.action_import_files(value)
                return
            self.app.push_screen(ImportScreen(self.review.path, files, None, None, limit),
                                 lambda result: self._imported(result, value))

        # Later, from the app: the import screen's result must reach this screen, not
        # the prompt's field, gone by then, that read the enter.
        self.app.push_screen(PromptScreen(
            "Import dumps: one or more paths, separated by blanks",
            lambda value: self.app.call_later(chosen, value),
            suggester=SuggestPath(), placeholder="~/Downloads/papers.txt", value=typed))

    def _imported(self, result, typed: str = "") -> None:
        from .importing import outcome

        message, severity, seconds = outcome(result)
        self.notify(message, severity=severity, timeout=seconds)
        if severity == "error" and typed and getattr(self.app, "damage", None) is None:
            self.action_import_files(typed)  # the paths stay, to be corrected
        if severity == "information":
            self.check_external()  # its own connection committed: unless the watch has
            # reloaded the list already (a 100,000-paper reload is half a second)

    def action_enrich(self) -> None:
        from ..enrich import start_or_cancel

        start_or_cancel(self)

    def action_uncertain(self) -> None:
        from .uncertain import UncertainScreen

        self.app.push_screen(UncertainScreen(self.review),
                             lambda decided: self.changed(None) if decided else None)

    def action_merge(self) -> None:
        keep = self.papers.current_id
        others = [i for i in self.targets() if i != keep] if self.state.marked else []
        if keep is None:
            return
        if not others:
            self.say("Mark the duplicates with space, then press M on the paper to keep")
            return
        title = self.state.by_id[keep].title
        merged = (f"\u201c{self.state.by_id[others[0]].title}\u201d" if len(others) == 1
                  else f"{len(others)} marked papers")

        def done(choice: str | None) -> None:
            if choice != "merge":
                return
            report = None
            with refusals(self.app):
                report = merge_papers(self.review, keep, others)
            if report is None:
                return
            self.state.marked.clear()
            self.changed(None)
            message = f"Merged {len(others)} {'paper' if len(others) == 1 else 'papers'} " \
                      "into this one (u undoes)"
            if report.exported_keys:
                message += (f"; exported as {', '.join(report.exported_keys)}: cite "
                            f"{report.kept.citekey} now")
            self.say(message)

        self.app.push_screen(ChoiceScreen(
            f"Merge {merged} into \u201c{title}\u201d? It keeps this one's title and key, "
            "and takes the others' metadata, sources, tags, sections and notes.",
            [("merge", "Merge"), ("cancel", "Cancel")]), done)

    def action_undo(self) -> None:
        self._step(self.review.undo(), "Undid", "Nothing to undo")

    def action_redo(self) -> None:
        self._step(self.review.redo(), "Redid", "Nothing to redo")

    def _step(self, entry, verb: str, nothing: str) -> None:
        if entry is None:
            self.say(nothing)
            return
        self.changed(entry.paper_ids if entry.paper_ids is not None else None,
                     text_changed=True)
        self.say(f"{verb}: {entry.label}")

    def action_open_link(self) -> None:
        current = self.papers.current_id
        if current is None:
            return
        url = self.review.get(current).best_link
        if not url:
            self.say("This paper has no link")
            return
        self.app.open_url(url)
        self.say(f"Opening {url}")

    def action_copy_key(self) -> None:
        current = self.papers.current_id
        if current is None:
            return
        key = self.review.get(current).citekey
        if self.app.settings.copy_key == "pandoc":
            key = f"@{key}"
        self.app.copy_to_clipboard(key)
        self.review.freeze_citekeys([current])
        self.say(f"Copied {key}")

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen("reviewer: the paper list", MAIN,
                                        self.app.settings.keys))


def settle() -> None:
    """Exempt what is loaded so far from garbage collection passes.

    The rows and the search index are millions of long-lived objects at 100,000 papers;
    a full collection walking them all stalls a keystroke for a tenth of a second. None
    of them form reference cycles, so reference counting still frees them when replaced.
    """
    gc.freeze()


def _count(ids: list[int]) -> str:
    return "this paper" if len(ids) == 1 else f"{len(ids)} papers"

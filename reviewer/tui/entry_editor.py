"""The D key: a paper's metadata as a BibTeX entry in the user's $VISUAL or $EDITOR (the
app suspended meanwhile), read back and checked by the core (core/entry_edit.py).

Typed text is never lost: an entry that cannot be taken is reported with its line and
the user chooses to edit it again (the text as they left it), to keep it in a file, or
to drop it; a text the review cannot take now (busy with another process's write) is
kept in a file, as a note would be.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from ..core.entry_edit import apply_entry, entry_text, read_entry
from ..core.errors import ReviewerError, UsageError
from ..core.model import Paper
from ..core.store import Review
from .editor import edit_text, keep_unsaved
from .screens.metadata import summary
from .screens.prompts import ChoiceScreen


def edit_entry(app: App, review: Review, paper_id: int, done: Callable[[str], None]) -> None:
    """Hand the paper's entry to the editor; ``done`` hears what was stored, if anything."""
    EntryEditing(app, review, review.get(paper_id), done).edit()


class EntryEditing:
    """One editing of an entry: the entry as written, and the text the user typed."""

    def __init__(self, app: App, review: Review, paper: Paper,
                 done: Callable[[str], None]) -> None:
        self.app, self.review, self.paper, self.done = app, review, paper, done
        self.frozen = bool(review.frozen_citekeys([paper.id]))
        self.original = entry_text(paper, key_frozen=self.frozen)

    @property
    def name(self) -> str:
        return self.paper.citekey or str(self.paper.id)

    def edit(self, text: str | None = None) -> None:
        text = self.original if text is None else text
        edited = edit_text(self.app, text, f"{self.name}.bib")
        if edited is None:  # the editor could not run (the user was told)
            if text != self.original:
                self.keep(text, "The editor did not run")
            return
        if edited == self.original:
            self.app.notify("Unchanged", timeout=2.5)
            return
        try:
            change = read_entry(self.original, edited, self.paper.citekey, self.frozen)
            if not change:
                self.app.notify("Unchanged", timeout=2.5)
                return
            stored = apply_entry(self.review, self.paper.id, change)
        except UsageError as error:  # the entry's fault: the user can fix it
            self.ask(edited, str(error))
            return
        except ReviewerError as error:  # busy: the text must not go with the temp file
            self.keep(edited, str(error))
            return
        self.done(summary(self.paper.id, stored))

    def ask(self, text: str, problem: str) -> None:
        def chosen(choice: str | None) -> None:
            if choice == "again":
                self.edit(text)
            elif choice == "drop":
                self.app.notify("Your changes to the entry were dropped", timeout=4)
            else:  # kept, or escape: never lose what was typed
                self.keep(text, "Not saved")

        self.app.push_screen(ChoiceScreen(
            f"The entry was not saved: {problem}.",
            [("again", "Edit it again (your text is kept)"),
             ("keep", "Keep your text in a file"),
             ("drop", "Drop your changes")]), chosen)

    def keep(self, text: str, why: str) -> None:
        kept = keep_unsaved(self.name, text, suffix=".bib")
        self.app.notify(f"{why}. Your entry is kept in {kept}", severity="error",
                        timeout=12)

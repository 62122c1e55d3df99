"""The in-app note editor. Nothing to save: the note is stored as you pause typing and
when you leave, as one undoable change per editing session."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Label, TextArea

from ...core.store import Review
from ..refusals import refusals
from ..widgets.footer import Footer

AUTOSAVE_AFTER = 1.0  # seconds without a keystroke


class NoteEditor(ModalScreen[str | None]):
    # priority: the TextArea would otherwise take escape for itself.
    BINDINGS = [Binding("escape", "close", "Done", id="note_close", priority=True),
                Binding("ctrl+s", "save", "Save now", id="note_save", show=False)]

    def __init__(self, review: Review, paper_id: int, title: str, note: str) -> None:
        super().__init__()
        self.review = review
        self.paper_id = paper_id
        self.paper_title = title
        self.note = note
        self.entry: int | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Note on: {self.paper_title}", style="bold"), markup=False)
            yield TextArea(self.note, id="note-text", soft_wrap=True, tab_behavior="indent")
            yield Label("Markdown. Saved as you type; escape closes.", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_AFTER, self.action_save)

    def action_save(self) -> bool:
        """Store the text as it stands; False when the review refused it (busy with
        another process's write): the text stays here, to be saved at the next try."""
        text = self.query_one(TextArea).text
        with refusals(self.app):
            self.entry = self.review.save_note_draft(self.paper_id, text, self.entry)
            return True
        return False

    def action_close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self.action_save():
            self.dismiss(self.query_one(TextArea).text)

"""The d screen: a paper's metadata in a form, to correct by hand.

The form checks what was typed as ``reviewer edit`` checks its options (core
``edit_values``, field by field, so each error shows under its field) and stores only the
fields the user changed, as one undoable change whose values no import or online service
overwrites later. Nothing is written until ctrl+s (or enter in a field); escape leaves
without writing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, TextArea

from ...core.entry_edit import extra_fields
from ...core.errors import ReviewerError, UsageError
from ...core.export.bibtex import KNOWN_TYPES
from ...core.improve import ALIASES, Improvement, edit_values
from ...core.model import Paper
from ...core.store import Review
from ..widgets.footer import Footer

# (input id, label, the `reviewer edit` option it stands for, placeholder)
FIELDS = (
    ("title", "Title", "title", ""),
    ("authors", "Authors", "authors", "Last, First; Last, First"),
    ("year", "Year", "year", "e.g. 2024"),
    ("venue", "Venue", "venue", "journal or conference"),
    ("arxiv", "arXiv id", "arxiv", "e.g. 2401.01234"),
    ("doi", "DOI", "doi", "e.g. 10.1145/3458723"),
    ("url", "URL", "url", "https://..."),
)
_OWN = {option for _, _, option, _ in FIELDS} | {"type", "entry_type", "arxiv_id",
                                                  *ALIASES}


def shown(paper: Paper) -> dict[str, str]:
    """What each input shows of the paper, as `reviewer edit` would take it back."""
    return {"title": paper.title, "authors": "; ".join(paper.authors),
            "year": str(paper.year or ""), "venue": paper.venue, "arxiv": paper.arxiv_id,
            "doi": paper.doi, "url": paper.url}


def extra_lines(paper: Paper) -> str:
    """The extra BibTeX fields, one ``name = value`` a line (not the app's own records,
    whose names are no field names)."""
    return "\n".join(f"{name} = {value}" for name, value in extra_fields(paper).items())


def summary(paper_id: int, done: Improvement) -> str:
    """One line on what a hand edit changed."""
    changed = [name for name in done.fields.get(paper_id, [])
               if name not in ("author_count", "year_inferred")]
    names = ", ".join(name.replace("_", " ") for name in changed)
    message = f"Edited {names}" if names else "Edited"
    if paper_id in done.keys:
        message += f"; citation key now {done.keys[paper_id][1]}"
    return message + " (u undoes)"


class MetadataForm(ModalScreen[str | None]):
    """Dismisses with a line saying what was stored, or None when nothing was."""

    CSS_PATH = "metadata.tcss"
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="metadata_save"),
                Binding("escape", "cancel", "Cancel", id="metadata_cancel")]

    def __init__(self, review: Review, paper_id: int) -> None:
        super().__init__()
        self.review = review
        self.paper = review.get(paper_id)
        self.before = shown(self.paper)
        self.before_extra = extra_lines(self.paper)

    def compose(self) -> ComposeResult:
        paper = self.paper
        with VerticalScroll(id="metadata-form", can_focus=False):
            yield Label(Text(f"#{paper.id} · {paper.citekey}", style="bold"), markup=False,
                        id="metadata-heading")
            for field_id, label, _, placeholder in FIELDS:
                with Horizontal(classes="metadata-row"):
                    yield Label(label, classes="metadata-label")
                    yield Input(self.before[field_id], placeholder=placeholder,
                                id=f"m-{field_id}", compact=True)
                yield Label("", id=f"m-{field_id}-error", classes="metadata-error")
                if field_id == "venue":
                    with Horizontal(classes="metadata-row"):
                        yield Label("Type", classes="metadata-label")
                        yield Select(self._types(), value=paper.entry_type or Select.NULL,
                                     prompt="(none)", id="m-type", compact=True)
                    yield Label("", id="m-type-error", classes="metadata-error")
            with Horizontal(classes="metadata-row metadata-extra"):
                yield Label("Other fields", classes="metadata-label")
                yield TextArea(self.before_extra, id="m-extra", compact=True,
                               soft_wrap=True, placeholder="e.g. pages = 1--10")
            yield Label("", id="m-extra-error", classes="metadata-error")
            yield Label("", id="m-error", classes="metadata-error")
            yield Label("Other fields: one name = value a line (volume, pages, publisher"
                        "...); a line taken out removes the field. Only what "
                        "you change is stored, and it stays yours: no import or online "
                        "service overwrites it.", classes="hint")
            yield Label("tab/shift+tab move · enter or ctrl+s saves · escape cancels",
                        classes="hint")
        yield Footer()

    def _types(self) -> list[tuple[str, str]]:
        kinds = sorted(KNOWN_TYPES | ({self.paper.entry_type} - {""}))
        return [(kind, kind) for kind in kinds]

    def on_mount(self) -> None:
        self.query_one("#m-title", Input).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The label of the field being typed in stands out (compact fields show focus
        # only faintly).
        for row in self.query(".metadata-row"):
            row.set_class(event.widget.parent is row, "-current")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._say(f"{event.input.id}-error", "")

    # -- reading the form --------------------------------------------------------------

    def _say(self, label_id: str, message: str) -> None:
        label = self.query_one(f"#{label_id}", Label)
        label.update(message)
        label.set_class(bool(message), "-shown")
        if message:
            label.scroll_visible()

    def changes(self) -> dict[str, Any] | None:
        """Typed values of the fields the user changed, or None when one is wrong (each
        error is shown under its field, and the first wrong field takes the focus)."""
        values: dict[str, Any] = {}
        wrong: list[str] = []
        for field_id, _, option, _ in FIELDS:
            text = self.query_one(f"#m-{field_id}", Input).value
            if text.strip() == self.before[field_id].strip():
                continue
            try:
                values.update(edit_values({option: text}))
            except UsageError as error:
                self._say(f"m-{field_id}-error", str(error))
                wrong.append(f"#m-{field_id}")
        kind = self.query_one("#m-type", Select).value
        kind = "" if kind in (Select.NULL, None) else str(kind)
        if kind != self.paper.entry_type:
            values.update(edit_values({"type": kind}))
        try:
            values.update(self._extra_changes())
        except UsageError as error:
            self._say("m-extra-error", str(error))
            wrong.append("#m-extra")
        else:
            self._say("m-extra-error", "")
        if wrong:
            self.query_one(wrong[0]).focus()
            return None
        return values

    def _extra_changes(self) -> dict[str, Any]:
        before = _fields(self.before_extra)
        after = _fields(self.query_one("#m-extra", TextArea).text)
        values: dict[str, Any] = {}
        for name, (line, text) in after.items():
            if before.get(name, (0, None))[1] == text:
                continue
            if name not in before and name != "type" and ALIASES.get(name, name) in _OWN:
                raise UsageError(f"line {line}: {name} has its own field above")
            # A field the paper has is an extra field, whatever its name ("type" of a
            # report is not the entry type).
            name = f"extra.{name}" if name in before or name == "type" else name
            try:
                values.update(edit_values({name: text}))
            except UsageError as error:
                raise UsageError(f"line {line}: {error}") from None
        for name in before.keys() - after.keys():
            values[f"extra.{name}"] = ""
        return values

    # -- actions -----------------------------------------------------------------------

    def action_save(self) -> None:
        self._say("m-error", "")
        values = self.changes()
        if values is None:
            return
        if not values:
            self.notify("Unchanged", timeout=2.5)
            self.dismiss(None)
            return
        try:
            done = self.review.edit(self.paper.id, values)
        except ReviewerError as error:  # busy, say: the form stays, with what was typed
            self._say("m-error", str(error))
            return
        self.dismiss(summary(self.paper.id, done))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _fields(text: str) -> dict[str, tuple[int, str]]:
    """``name = value`` lines -> {name: (line, value)}; a line without "=" is refused."""
    out: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            raise UsageError(f"line {number}: write name = value")
        out[name] = (number, value.strip())
    return out

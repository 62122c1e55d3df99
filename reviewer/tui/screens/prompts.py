"""Small modal prompts: a line of input with completion, a choice from a list, a message."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ..widgets.footer import Footer


class SuggestLastItem(Suggester):
    """Completes the last comma-separated item from known values (tags, sections)."""

    def __init__(self, choices: list[str], separator: str | None = ","):
        super().__init__(use_cache=False, case_sensitive=False)
        self.choices = choices
        self.separator = separator

    async def get_suggestion(self, value: str) -> str | None:
        head, sep, last = value.rpartition(self.separator) if self.separator else ("", "", value)
        stem = last.lstrip()
        if not stem:
            return None
        lead = last[: len(last) - len(stem)]
        for choice in self.choices:
            if choice.casefold().startswith(stem.casefold()) and choice != stem:
                return f"{head}{sep}{lead}{choice}"
        return None


class SuggestPath(Suggester):
    """Completes the last word of the value as a file-system path, shell style: blanks
    and quotes in what it adds are escaped (``My\\ Documents/``), so that the line still
    splits into the paths meant; a word opened with a quote is completed inside it."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        start, quote = last_word(value)
        raw = value[start:]
        if not raw:
            return None
        try:
            last = shlex.split(raw + quote)[0] if raw.strip() else ""
        except (ValueError, IndexError):
            return None
        folder, slash, stem = last.rpartition("/")
        try:
            names = sorted(entry.name + ("/" if entry.is_dir() else "")
                           for entry in os.scandir(Path(folder + slash or ".").expanduser())
                           if entry.name.startswith(stem)
                           and (stem.startswith(".") or not entry.name.startswith(".")))
        except OSError:
            return None
        if not names or names[0] == stem:
            return None
        rest = names[0][len(stem):]
        if quote == "'":
            rest = rest.replace("'", "'\\''")
        elif quote == '"':
            rest = re.sub(r'(["\\$`])', r"\\\1", rest)
        else:
            rest = _SHELL_SPECIAL.sub(r"\\\1", rest)
        return value + rest


# What shlex.split would read as more than a character of the path, outside quotes.
_SHELL_SPECIAL = re.compile(r"""([\s'"\\])""")


def last_word(value: str) -> tuple[int, str]:
    """Where the last shell word of ``value`` starts, and the quote it leaves open."""
    start, quote, escaped = 0, "", False
    for index, char in enumerate(value):
        if escaped:
            escaped = False
        elif quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                escaped = True
        elif char == "\\":
            escaped = True
        elif char in "'\"":
            quote = char
        elif char.isspace():
            start = index + 1
    return start, quote


class _AnswerInput(Input):
    """enter answers the prompt as this field reads it, not through the app's bindings
    later; keys already queued behind it (``t`` a tag enter ``j`` ``t``...) are handed
    back to the app, in their order, for the screen below."""

    answered = False

    async def _on_key(self, event: events.Key) -> None:
        if self.answered:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()

    async def action_submit(self) -> None:
        self.answered = True
        screen = self.screen
        if isinstance(screen, PromptScreen):
            screen.answer(self.value)


class PromptScreen(ModalScreen[None]):
    """Ask for one line, then call ``then`` with it; nothing when cancelled.

    Answered as enter is read: the prompt closes and ``then`` runs (the papers tagged or
    excluded, the cursor moved on) before the app reads the next key. Keys queued behind
    enter (``x`` enter ``x`` enter, from a quick typist or a busy app) then reach the
    screen below, not a prompt still closing that read them as text: the second
    exclusion was lost that way. ``then`` is called here, not as push_screen's callback,
    which Textual runs later, after keys already queued."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt_cancel")]

    def __init__(self, question: str, then: Callable[[str], None], *, value: str = "",
                 choices: list[str] | None = None, separator: str | None = ",",
                 hint: str = "", placeholder: str = "",
                 suggester: Suggester | None = None) -> None:
        super().__init__()
        self.then = then
        self.suggester = suggester
        self.question = question
        self.value = value
        self.choices = choices or []
        self.separator = separator
        self.hint = hint
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)  # it may hold titles, tags
            suggester = self.suggester or (
                SuggestLastItem(self.choices, self.separator) if self.choices else None)
            yield _AnswerInput(self.value, placeholder=self.placeholder, suggester=suggester,
                               id="prompt-input")
            hint = self.hint or ("→ accepts the suggestion · enter confirms · escape cancels"
                                 if self.choices or self.suggester
                                 else "enter confirms · escape cancels")
            yield Label(hint, classes="hint")
        yield Footer()

    def answer(self, text: str) -> None:
        if not self.is_current:  # answered already
            return
        self.dismiss()
        self.then(text)

    def action_cancel(self) -> None:
        self.dismiss()


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of a few options; dismisses with its id, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice_cancel")]

    def __init__(self, question: str, options: list[tuple[str, str]], current: str | None = None):
        super().__init__()
        self.question = question
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)  # it may hold titles, tags
            yield OptionList(*[Option(label, id=key) for key, label in self.options])
        yield Footer()

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        keys = [key for key, _ in self.options]
        if self.current in keys:
            option_list.highlighted = keys.index(self.current)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def split_items(text: str) -> list[str]:
    """'seg, ct ,, vlm' -> ['seg', 'ct', 'vlm']."""
    return [item.strip() for item in text.split(",") if item.strip()]

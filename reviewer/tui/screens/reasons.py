"""The ``x`` prompt: why the papers are excluded, with completion from the reasons used so
far (most used first), enter on an empty line to exclude without one, escape to cancel.

What the answer means follows the core's rules (core/reasons.py): a reason typed sets it;
the prompt starts with the reason the papers share, so enter keeps it and erasing it
takes it away; when the papers have different reasons, enter on the empty line keeps each
its own.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.markup import escape
from textual.widgets import Input

from ...core.store import Review
from ..refusals import refusals
from .prompts import PromptScreen

# How many of the reasons used so far the prompt names (the rest complete as typed).
SHOWN = 5


class _ReasonInput(Input):
    """enter answers the prompt at once, as the key is read (not a message later)."""

    async def action_submit(self) -> None:
        screen = self.screen
        if isinstance(screen, ReasonPrompt):
            screen.answer(self.value)


class ReasonPrompt(PromptScreen):
    """Answered as enter is read: the prompt closes and the papers are excluded (and
    the cursor moves on) before the app reads the next key. Keys queued together (``x``
    enter ``x`` enter, from a quick typist or a busy app) then find the paper list and
    the next paper, not a prompt still closing, which read the second ``x`` as text and
    lost the second exclusion."""

    input_class = _ReasonInput

    def __init__(self, question: str, then: Callable[[str], None], **kwargs) -> None:
        super().__init__(question, **kwargs)
        self.then = then

    def answer(self, text: str) -> None:
        if not self.is_current:  # answered already
            return
        self.dismiss(None)
        self.then(text)


def ask_reason(app, review: Review, ids: list[int], shared: str | None,
               then: Callable[[str | None], None]) -> None:
    """Ask why ``ids`` are excluded, then call ``then`` with the reason to store (None:
    keep each paper's own); nothing when cancelled. ``shared`` is the reason the papers
    have in common ("" for none), None when they differ."""
    used = list(review.exclusion_reasons())
    what = "this paper" if len(ids) == 1 else f"{len(ids)} papers"
    hint = "→ accepts the suggestion · " if used else ""
    hint += "enter excludes (empty: without a reason) · escape cancels"
    if used:
        more = f", … ({len(used) - SHOWN} more)" if len(used) > SHOWN else ""
        hint = f"Used: {escape(', '.join(used[:SHOWN]))}{more}\n{hint}"  # Label: markup

    def done(text: str) -> None:
        text = text.strip()
        with refusals(app):  # the review busy: said, and nothing changed
            then(text if text or shared is not None else None)

    app.push_screen(ReasonPrompt(f"Exclude {what}: why? (a short reason, or none)", done,
                                 value=shared or "", choices=used, separator=None, hint=hint,
                                 placeholder="e.g. wrong population"))

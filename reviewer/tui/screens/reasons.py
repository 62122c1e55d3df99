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

from ...core.store import Review
from ..refusals import refusals
from .prompts import PromptScreen

# How many of the reasons used so far the prompt names (the rest complete as typed).
SHOWN = 5


class ReasonPrompt(PromptScreen):
    """The exclusion prompt (a PromptScreen: answered as its enter is read)."""


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

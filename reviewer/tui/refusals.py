"""What the core refuses, said in one line while the app goes on.

A change the core refuses (the review busy with another process's write, a section name
taken) raises a ReviewerError after rolling the change back whole. Out of an action, a
dialog's callback or a timer, that exception would stop the screen's message loop and
end the app; caught here, it becomes a notification.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.app import App

from ..core.errors import ReviewerError


@contextmanager
def refusals(app: App) -> Iterator[None]:
    try:
        yield
    except ReviewerError as error:
        app.notify(str(error), severity="error", timeout=8)

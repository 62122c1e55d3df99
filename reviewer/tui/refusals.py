"""What the core refuses, said in one line while the app goes on.

A change the core refuses (the review busy with another process's write, a section name
taken) raises a ReviewerError after rolling the change back whole. Out of an action, a
dialog's callback or a timer, that exception would stop the screen's message loop and
end the app; caught here, it becomes a notification. A review file found damaged gets
its own message instead (damage.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.app import App

from ..core.errors import DatabaseError, ReviewerError


@contextmanager
def refusals(app: App) -> Iterator[None]:
    try:
        yield
    except (ReviewerError, DatabaseError) as error:
        refused(app, error)


def refused(app: App, error: ReviewerError | DatabaseError) -> None:
    """Say ``error``: a damaged review file in its own message (damage.py), anything
    else the core refuses in a notification. SQLite errors other than damage are bugs,
    for the crash handler."""
    from .damage import report_damage

    if report_damage(app, error):
        return
    if not isinstance(error, ReviewerError):
        raise error
    app.notify(str(error), severity="error", timeout=8)

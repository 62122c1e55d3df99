"""Backup warnings (a full disk, a data dir the user cannot write) shown as they happen.

The core's backup module collects them for the CLI, which prints them at exit; in the
app that would be after the user quits, long after the change they concern. A backup is
taken by the app's own thread (the day's first key) or by a worker's (an import, an
export), so the notification is handed to the event loop, which may be either's.
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual.app import App

from ..core import backup

SECONDS = 12  # long enough to read a path and a cause


def listen(app: App) -> None:
    """From now on, show each warning in ``app``; first those of the launch (taken before
    the app started, in tui_launch)."""
    loop = asyncio.get_running_loop()

    def tell(message: str) -> None:
        loop.call_soon_threadsafe(partial(app.notify, message, title="No backup",
                                          severity="warning", timeout=SECONDS))

    backup.tell = tell
    while backup.problems:
        tell(backup.problems.pop(0))


def stop() -> None:
    backup.tell = None

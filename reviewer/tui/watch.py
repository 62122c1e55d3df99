"""Noticing what other processes change in the review while a screen shows it (a script
running `reviewer tag`, an import in another terminal, a second window)."""

from __future__ import annotations

import sqlite3

# Seconds between two looks.
POLL = 1.0
# What every change made through the app or the CLI leaves behind: a history entry, or an
# undo or redo of one. Freezing keys at an export leaves none, and shows nothing new.
_HISTORY = ("SELECT (SELECT max(id) FROM history), "
            "(SELECT count(*) FROM history WHERE undone = 1)")


class ReviewWatch:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.seen()

    def seen(self) -> None:
        """What the screen shows now is the review as it stands."""
        self._version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        self._history = self.conn.execute(_HISTORY).fetchone()

    def changed_elsewhere(self) -> bool:
        """PRAGMA data_version reads nothing and moves only for other connections'
        commits; the history then tells a change the screen shows from frozen keys."""
        history = self._history
        try:
            if self.conn.execute("PRAGMA data_version").fetchone()[0] == self._version:
                return False
            self.seen()
        except sqlite3.OperationalError:  # busy for a moment: look again next time
            return False  # (damage, a DatabaseError, is said: tui/damage.py)
        return self._history != history

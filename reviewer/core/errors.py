"""Errors the user can act on. Each renders as one line; the CLI exits with status 2."""

from __future__ import annotations

import sqlite3

# What SQLite raises when a review file is damaged or gone under a command: callers
# outside the core catch it by this name (store.database_error words it).
DatabaseError = sqlite3.Error


class ReviewerError(Exception):
    """Base of every error that is the input's or the environment's fault, not a bug."""

    exit_status = 2


class InputError(ReviewerError):
    """A dump cannot be read or parsed at all. The message names the file (and line)."""

    def __init__(self, file: str, message: str, line: int | None = None):
        self.file = file
        self.line = line
        self.reason = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


class ReviewError(ReviewerError):
    """The review file is missing, corrupt, foreign or busy."""


class DamagedReview(ReviewError):
    """SQLite found the review file damaged (``reviewer check --repair`` rebuilds it)."""

    def __init__(self, message: str, path: object = None, reason: str = ""):
        self.path = path
        self.reason = reason
        super().__init__(message)


class NotFound(ReviewerError):
    """A paper id, citation key or section that the review does not hold."""


class UsageError(ReviewerError):
    """A request that makes no sense for the current review (bad decision name...)."""


class WriteError(ReviewerError):
    """A file cannot be written (a full disk, a read-only directory); the old file stays."""

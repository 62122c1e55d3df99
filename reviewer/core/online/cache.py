"""Every lookup's answer, kept in the user cache dir (``$REVIEWER_CACHE_DIR`` moves it).

Lookups, not HTTP responses, are kept: an arXiv answer for 100 ids becomes 100 entries,
so that a later run asks for exactly the ids it has not seen, whatever batches it makes.
"Not found" is kept too (a second run asks nothing for papers already resolved, found or
not); failures (timeouts, refusals, malformed answers) are not. One SQLite file: atomic
writes, and two processes may share it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

MISSING = object()  # not in the cache (None is a cached "not found")
_SCHEMA = ("CREATE TABLE IF NOT EXISTS lookups (service TEXT NOT NULL, key TEXT NOT NULL, "
           "value TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (service, key)) WITHOUT ROWID")


class LookupCache:
    def __init__(self, path: Path | None, ask_again: bool = False):
        """``path`` None keeps nothing (a cache that is always empty). ``ask_again``
        ignores the kept "not found" answers (a paper the services learnt about since)."""
        self.path = path
        self.ask_again = ask_again
        self.conn: sqlite3.Connection | None = None
        self.problem = ""
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(path, timeout=10, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            # A cache is a convenience: without it the run asks the services again.
            self.problem = f"{path}: cannot use the cache ({exc}); going on without it"
            self.conn = None

    def get(self, service: str, key: str) -> Any:
        if self.conn is None:
            return MISSING
        try:
            row = self.conn.execute("SELECT value FROM lookups WHERE service = ? AND key = ?",
                                    (service, key)).fetchone()
        except sqlite3.Error:
            return MISSING
        if row is None:
            return MISSING
        try:
            value = json.loads(row[0])
        except ValueError:
            return MISSING
        if self.ask_again and not value:
            return MISSING
        return value

    def put(self, service: str, key: str, value: Any) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute("INSERT OR REPLACE INTO lookups VALUES (?, ?, ?, ?)",
                              (service, key, json.dumps(value, ensure_ascii=False),
                               time.time()))
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

"""Reviews as an older reviewer left them, made with SQL alone: today's code writing into
an old schema would need columns that schema lacks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reviewer.core import schema


def old_review(path: Path, version: int, titles: list[str]) -> None:
    """A review at schema ``version`` holding one paper per title (id 1, 2, ...), each
    with a source line in ``/a.txt`` and the key ``KeyN``."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT)")
    for number, script in enumerate(schema.MIGRATIONS[:version], start=1):
        for statement in schema._statements(script):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version VALUES (?, '2026-11-01')", (number,))
    for pid, title in enumerate(titles, start=1):
        conn.execute("INSERT INTO papers (id, title, title_norm, citekey, batch) "
                     "VALUES (?, ?, ?, ?, 0)", (pid, title, " ".join(title.lower().split()),
                                                f"Key{pid}"))
        conn.execute("INSERT INTO sources (paper_id, file, line, format, batch) "
                     "VALUES (?, '/a.txt', ?, 'lines', 0)", (pid, pid))
    conn.close()

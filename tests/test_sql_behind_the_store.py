"""All SQL is the core's: the TUI and the CLI talk to Review (and its read models), never
to a connection, so that a change of schema or of locking stays in one place."""

from __future__ import annotations

import re
from pathlib import Path

import reviewer

PACKAGE = Path(reviewer.__file__).parent
# What running SQL from outside the store looks like.
SQL = re.compile(r"\bsqlite3\b|\.conn\b|\.execute(many|script)?\(|\bPRAGMA\b|\bSELECT\b")


def test_no_module_outside_the_core_runs_sql():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "core":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_the_check_finds_sql_where_there_is_some():
    assert SQL.search("rows = self.review.conn.execute('SELECT 1')")
    assert SQL.search("import sqlite3")
    assert not SQL.search("self.review.search_texts(after=last, limit=100)")

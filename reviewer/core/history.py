"""Recorded changes: how an edit is written to the review, and how undo and redo replay it.

Every change is a list of operations stored as JSON in the ``history`` table:

* ``{"k": "set", "id": 7, "f": {"starred": [0, 1]}}`` changes paper fields (old, new);
* ``{"k": "row", "t": "tags", "b": null, "a": {...}}`` inserts, updates or deletes one row
  of tags, sections, section_papers, sources, frozen_citekeys, provenance, decision_reasons
  or meta (before, after);
* ``{"k": "batch", "n": 3}`` brings the papers an import added into the review.

Redo applies the operations in order; undo applies their inverses in reverse order. The
edit itself goes through the same ``Changes.record``, so what undo replays is exactly
what the edit did.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .model import JSON_FIELDS
from .names import surnames
from .text import normalize_title

ROW_KEYS: dict[str, tuple[str, ...]] = {
    "tags": ("paper_id", "tag"),
    "sections": ("id",),
    "section_papers": ("section_id", "paper_id"),
    "sources": ("id",),
    "frozen_citekeys": ("paper_id",),
    "provenance": ("paper_id", "field"),
    "meta": ("key",),  # online.uncertain.N rows (core/online/uncertain.py)
    "decision_reasons": ("paper_id",),  # core/reasons.py
}
# Tables that are written outside history too (an export freezes keys): a redo may find
# the row it inserts there already.
_ALSO_WRITTEN_ELSEWHERE = frozenset({"frozen_citekeys"})


# json.dumps with these options, without its per-call argument handling (an import
# encodes two or three lists per paper).
_JSON = json.JSONEncoder(ensure_ascii=False).encode


def encode(field: str, value: Any) -> Any:
    if field in JSON_FIELDS:
        if not value:  # most papers have no links, keywords or extra fields
            return "{}" if isinstance(value, dict) else "[]"
        return _JSON(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _set_fields(conn: sqlite3.Connection, paper_id: int, values: dict[str, Any]) -> None:
    if "citekey_frozen" in values:  # an entry made before schema v3 (schema.py)
        values = dict(values)
        if values.pop("citekey_frozen"):
            conn.execute("INSERT OR IGNORE INTO frozen_citekeys VALUES (?)", (paper_id,))
        else:
            conn.execute("DELETE FROM frozen_citekeys WHERE paper_id = ?", (paper_id,))
        if not values:
            return
    columns = {name: encode(name, value) for name, value in values.items()}
    if "title" in values:
        columns["title_norm"] = normalize_title(values["title"])
    if "authors" in values:
        columns["surnames"] = " ".join(sorted(surnames(values["authors"])))
    assignments = ", ".join(f"{name} = ?" for name in columns)
    conn.execute(f"UPDATE papers SET {assignments} WHERE id = ?", (*columns.values(), paper_id))


def _write_row(conn: sqlite3.Connection, table: str, before: dict | None,
               after: dict | None) -> None:
    keys = ROW_KEYS[table]
    if after is None:
        assert before is not None
        where = " AND ".join(f"{k} = ?" for k in keys)
        conn.execute(f"DELETE FROM {table} WHERE {where}", tuple(before[k] for k in keys))
    elif before is None:
        names = ", ".join(after)
        marks = ", ".join("?" for _ in after)
        verb = "INSERT OR IGNORE" if table in _ALSO_WRITTEN_ELSEWHERE else "INSERT"
        conn.execute(f"{verb} INTO {table} ({names}) VALUES ({marks})", tuple(after.values()))
    else:
        where = " AND ".join(f"{k} = ?" for k in keys)
        assignments = ", ".join(f"{k} = ?" for k in after)
        conn.execute(f"UPDATE {table} SET {assignments} WHERE {where}",
                     (*after.values(), *(before[k] for k in keys)))


def _set_batch(conn: sqlite3.Connection, batch: int, present: bool) -> None:
    conn.execute("UPDATE papers SET removed = ? WHERE batch = ?", (0 if present else 1, batch))


def replay(conn: sqlite3.Connection, ops: list[dict], forward: bool) -> None:
    for op in ops if forward else reversed(ops):
        kind = op["k"]
        if kind == "set":
            index = 1 if forward else 0
            _set_fields(conn, op["id"], {f: pair[index] for f, pair in op["f"].items()})
        elif kind == "row":
            before, after = (op["b"], op["a"]) if forward else (op["a"], op["b"])
            _write_row(conn, op["t"], before, after)
        elif kind == "batch":
            _set_batch(conn, op["n"], forward)
        else:
            raise ValueError(f"unknown history operation {kind!r}")


class Changes:
    """Collects the operations of one change while applying them."""

    def __init__(self, conn: sqlite3.Connection, label: str):
        self.conn = conn
        self.label = label  # what undo will say it undid; may be refined before commit
        self.ops: list[dict] = []

    def record(self, op: dict) -> None:
        replay(self.conn, [op], forward=True)
        self.ops.append(op)

    def set(self, paper_id: int, old: dict[str, Any], new: dict[str, Any]) -> bool:
        """Change the fields of ``new`` that differ from ``old``; False when none do."""
        pairs = {f: [old[f], new[f]] for f in new if old[f] != new[f]}
        if pairs:
            self.record({"k": "set", "id": paper_id, "f": pairs})
        return bool(pairs)

    def row(self, table: str, before: dict | None, after: dict | None) -> None:
        if before != after:
            self.record({"k": "row", "t": table, "b": before, "a": after})

    def batch(self, batch: int) -> None:
        self.record({"k": "batch", "n": batch})

    def note_applied(self, op: dict) -> None:
        """Record an operation whose effect the caller already wrote (bulk imports)."""
        self.ops.append(op)

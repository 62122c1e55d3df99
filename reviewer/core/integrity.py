"""Damage inside a review file: finding it, and rebuilding a review from what can be read.

A full check reads every page, so it is not run at every open (``reviewer list`` must stay
quick): any SQLite "malformed" error met on the way becomes one line saying what to do
(store.database_error), and writes that are big or rare (an import, undo and redo, the
day's first write, a migration) run ``PRAGMA quick_check`` first and refuse to write into a
damaged file.

``repair`` never writes into the damaged file: it copies what SQLite can still read into a
new review, table by table and row by row (skipping what cannot be read), and takes the
papers it lost from the newest good backup; the damaged file is moved aside, whole.
(The sqlite3 shell's ``.recover`` reads pages directly, but needs the sqlite_dbpage
table, which Debian's SQLite 3.40 lacks: it failed with "SQL logic error" here.)
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import ReviewError

# How many of the integrity check's messages a report shows.
SHOWN = 5


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's quick check (pages, records and b-tree structure; not index contents):
    the problems, or [] for a sound file."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(20)")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def refuse_if_damaged(conn: sqlite3.Connection, path: Path) -> None:
    from .store import damaged

    problems = quick_check(conn)
    if problems:
        raise damaged(path, _first(problems))


def check_before_writing(review) -> None:
    refuse_if_damaged(review.conn, review.path)


def integrity_check(path: Path) -> list[str]:
    """The full check (indexes too), read-only; [] when the review is sound."""
    try:
        conn = _open_read_only(path)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(100)")]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


@dataclass(slots=True)
class Repair:
    source: str  # "rows" (read from the damaged file) or the backup's path
    papers: int
    history: int
    skipped: dict[str, int] = field(default_factory=dict)  # table -> rows or groups lost
    backup: Path | None = None  # the backup that filled in what the damage lost
    filled: int = 0  # papers taken from it
    damaged_copy: Path | None = None


def repair(path: Path) -> Repair:
    """Put a rebuilt review in place of the damaged one at ``path``; the damaged file (and
    its -wal) is renamed to NAME.damaged-DATE.sqlite beside it, its bytes untouched.

    What can be read of the damaged file is the newest state of the user's work; the
    papers it lost (on unreadable pages) are taken, with their tags, sections and
    sources, from the newest good backup. With nothing readable, the backup is all."""
    from .backup import backups_of

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    rebuilt = path.with_name(f".{path.name}.repair-{stamp}")
    good = next((b for b in backups_of(path) if not integrity_check(b)), None)
    result: Repair | None = None
    try:
        result = _recover_rows(path, rebuilt)
    except sqlite3.DatabaseError:
        _remove(rebuilt)  # nothing readable at all: the backups are all there is
    if result is not None and good is not None:
        result.backup = good
        result.filled = _fill_from(rebuilt, good)
        if result.filled:
            result.papers = _score(rebuilt, "rows").papers
    elif good is not None:
        _copy_backup(good, rebuilt)
        result = _score(rebuilt, str(good))
        result.backup = good
    if result is None:
        raise ReviewError(f"{path}: nothing could be read from the damaged review and it has "
                          "no good backup; the file is left as it was")
    problems = integrity_check(rebuilt)
    if problems:
        _remove(rebuilt)
        raise ReviewError(f"{path}: the rebuilt review failed its check ({_first(problems)}); "
                          "the damaged file is left as it was")
    aside = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    for extra in ("-wal", "-shm"):  # the damaged file's WAL belongs with it
        side = Path(f"{path}{extra}")
        if side.exists():
            os.replace(side, f"{aside}{extra}")
    os.replace(path, aside)
    os.replace(rebuilt, path)
    result.damaged_copy = aside
    return result


def _open_read_only(path: Path) -> sqlite3.Connection:
    from .store import BUSY_TIMEOUT

    mode = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, isolation_level=None,
                           timeout=BUSY_TIMEOUT)


def _recover_rows(path: Path, rebuilt: Path) -> Repair:
    from .store import Review

    source = _open_read_only(path)
    try:
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        Review.open(rebuilt).close()  # the current schema, empty
        target = sqlite3.connect(rebuilt, isolation_level=None)
        try:
            target.execute("PRAGMA foreign_keys = OFF")
            target.execute("BEGIN")
            skipped = {}
            tables = [r[0] for r in target.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'schema_version'")]
            for table in tables:
                lost = _copy_table(source, target, table)
                if lost:
                    skipped[table] = lost
            _drop_dangling(target)
            target.execute("COMMIT")
        finally:
            target.close()
    finally:
        source.close()
    result = _score(rebuilt, "rows")
    result.skipped = skipped
    return result


def _copy_table(source: sqlite3.Connection, target: sqlite3.Connection, table: str) -> int:
    """Copy what can be read of ``table``; the number of rows (or key groups) lost."""
    wanted = [r[1] for r in target.execute(f"PRAGMA table_info({table})")]
    try:
        have = {r[1] for r in source.execute(f"PRAGMA table_info({table})")}
    except sqlite3.DatabaseError:
        return 1
    columns = [c for c in wanted if c in have]
    if not columns:
        return 0
    names = ", ".join(columns)
    insert = (f"INSERT OR REPLACE INTO {table} ({names}) "
              f"VALUES ({', '.join('?' * len(columns))})")
    try:  # the quick way, when the whole table reads
        target.executemany(insert, source.execute(f"SELECT {names} FROM {table}").fetchall())
        return 0
    except sqlite3.DatabaseError:
        pass
    # Row by row (a rowid table) or key group by key group (WITHOUT ROWID): a seek that
    # lands on an unreadable page fails, and the walk probes further on for the next
    # readable key, then back for the first one after the damage.
    without_rowid = not _has_rowid(source, table)
    key = columns[0] if without_rowid else "rowid"
    lost = 0
    last = -(2 ** 63)
    while True:
        found = _next_key(source, table, key, last)
        if found is None:
            found = _past_damage(source, table, key, last)
            lost += 1
            if found is None:
                return lost
        if found == "end":
            return lost
        try:
            rows = source.execute(f"SELECT {names} FROM {table} WHERE {key} = ?",
                                  (found,)).fetchall()
            target.executemany(insert, rows)
        except sqlite3.DatabaseError:
            lost += 1
        last = found


def _past_damage(source: sqlite3.Connection, table: str, key: str, last: int):
    """The first readable key after an unreadable stretch that starts past ``last``:
    probe forward in doubling steps, then halve back to the stretch's end."""
    bad, step = last, 1
    while step < 2 ** 63:
        probe = last + step
        if probe >= 2 ** 63:
            return None
        found = _next_key(source, table, key, probe)
        if found is not None:
            good = probe
            while good - bad > 1:
                middle = (good + bad) // 2
                if _next_key(source, table, key, middle) is None:
                    bad = middle
                else:
                    good = middle
            return _next_key(source, table, key, good)
        bad = probe
        step *= 2
    return None


def _next_key(source: sqlite3.Connection, table: str, key: str, after: int):
    """The first key after ``after``; "end" past the last; None where unreadable."""
    try:
        row = source.execute(f"SELECT {key} FROM {table} WHERE {key} > ? ORDER BY {key} "
                             "LIMIT 1", (after,)).fetchone()
    except sqlite3.DatabaseError:
        return None
    if row is None:
        return "end"
    return row[0] if isinstance(row[0], int) else None


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    return not (sql and "WITHOUT ROWID" in sql[0].upper())


def _drop_dangling(conn: sqlite3.Connection) -> None:
    """Rows whose paper or section was lost go; a paper whose import record was lost gets
    a blank one (the paper is the user's work, the batch row only bookkeeping)."""
    conn.execute("INSERT OR IGNORE INTO batches (id, at, files, new, merged) "
                 "SELECT DISTINCT batch, '', '[]', 0, 0 FROM papers "
                 "WHERE batch NOT IN (SELECT id FROM batches)")
    for table, column, parent in (("tags", "paper_id", "papers"),
                                  ("section_papers", "paper_id", "papers"),
                                  ("section_papers", "section_id", "sections"),
                                  ("sources", "paper_id", "papers"),
                                  ("frozen_citekeys", "paper_id", "papers"),
                                  ("bib_entries", "paper_id", "papers")):
        try:
            conn.execute(f"DELETE FROM {table} WHERE {column} NOT IN (SELECT id FROM {parent})")
        except sqlite3.OperationalError:  # a table this schema does not have
            pass
    try:  # a reason only for an excluded paper in the review (core/reasons.py counts so)
        conn.execute("DELETE FROM decision_reasons WHERE paper_id NOT IN "
                     "(SELECT id FROM papers WHERE removed = 0 AND decision = 'exclude')")
    except sqlite3.OperationalError:  # a schema before the reasons
        pass
    left = conn.execute("PRAGMA foreign_key_check").fetchall()
    for table, rowid, _parent, _fk in left:
        if rowid is not None:
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))


def _score(path: Path, source: str) -> Repair:
    conn = _open_read_only(path)
    try:
        papers = conn.execute("SELECT count(*) FROM papers WHERE removed = 0").fetchone()[0]
        history = conn.execute("SELECT count(*) FROM history").fetchone()[0]
    finally:
        conn.close()
    return Repair(source, papers, history)


def _fill_from(rebuilt: Path, backup: Path) -> int:
    """Add the papers ``rebuilt`` lacks from ``backup``, with what hangs on them; how many.
    Only those papers' rows come over: a tag removed since the backup stays removed."""
    # uri=True: ATTACH then reads the backup's name as a URI, read-only.
    conn = sqlite3.connect(rebuilt.resolve().as_uri(), uri=True, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS old", (f"{backup.resolve().as_uri()}?mode=ro",))
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN")
        before = {r[0] for r in conn.execute("SELECT id FROM main.papers")}
        common = _common_columns(conn, "papers")
        conn.execute(f"INSERT OR IGNORE INTO main.papers ({common}) SELECT {common} "
                     "FROM old.papers WHERE id NOT IN (SELECT id FROM main.papers)")
        added = [r[0] for r in conn.execute("SELECT id FROM main.papers")
                 if r[0] not in before]
        conn.execute("CREATE TEMP TABLE added (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO added VALUES (?)", [(i,) for i in added])
        conn.execute("INSERT OR IGNORE INTO main.batches SELECT * FROM old.batches "
                     "WHERE id IN (SELECT batch FROM main.papers WHERE id IN added)")
        conn.execute("INSERT OR IGNORE INTO main.sections SELECT * FROM old.sections "
                     "WHERE id IN (SELECT section_id FROM old.section_papers "
                     "WHERE paper_id IN added)")
        for table in ("tags", "sources", "section_papers", "frozen_citekeys",
                      "decision_reasons"):
            try:
                columns = _common_columns(conn, table)
                conn.execute(f"INSERT OR IGNORE INTO main.{table} ({columns}) SELECT "
                             f"{columns} FROM old.{table} WHERE paper_id IN added")
            except sqlite3.OperationalError:  # a table the backup's schema lacks
                pass
        _drop_dangling(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return len(added)


def _common_columns(conn: sqlite3.Connection, table: str) -> str:
    mine = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]
    theirs = {r[1] for r in conn.execute(f"PRAGMA old.table_info({table})")}
    if not theirs:
        raise sqlite3.OperationalError(f"no table {table}")
    return ", ".join(c for c in mine if c in theirs)


def _copy_backup(backup: Path, target: Path) -> None:
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = WAL")
    finally:
        copy.close()
        source.close()


def _remove(path: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


def _first(problems: list[str]) -> str:
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"

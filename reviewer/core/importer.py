"""Import dumps into a review: read and parse every file first, then dedup and store them
in one transaction, so a bad file or a killed process leaves the review as it was.

For big dumps a forked child dedups the records while they are parsed (planning.py);
the parent uses its decisions only if the review has not changed in the meantime.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from pathlib import Path

from . import schema
from .citekeys import base_key, unique_key
from .decoding import read_dump
from .dedup import DuplicateIndex, Fingerprint
from .errors import InputError, ReviewerError
from .forking import can_fork
from .gc_pause import gc_paused
from .history import Changes
from .improve import Offer, improve, origin_of
from .model import DEFAULTS, JSON_FIELDS, METADATA_FIELDS, Paper
from .parsers import FORMATS, ParseContext, Skipped, parse_text
from .planning import Decisions, Plan, PlanningChild, plan_import
from .store import Review, chunks

Progress = Callable[[str, int, int], None]
"""progress(phase, done, total): phases are "parse", "dedup" and "store"."""


@dataclass(slots=True)
class FileReport:
    file: str  # as the user gave it
    path: str  # absolute, as recorded in the papers' sources
    format: str
    found: int
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return FORMATS.get(self.format, self.format)


@dataclass(slots=True)
class ImportReport:
    files: list[FileReport]
    new: int = 0
    merged: int = 0

    @property
    def summary(self) -> str:
        return f"{self.new} new, {self.merged} already present (merged)"


def recorded_path(path: Path) -> str:
    """The path as the review records it: text, even for a file name that is not UTF-8
    (its odd bytes become U+FFFD; SQLite would refuse the surrogates Python reads them
    as)."""
    return os.fsencode(path).decode("utf-8", "replace")


def read_files(files: Sequence[str | Path], fmt: str | None = None, year: int | None = None,
               progress: Progress | None = None,
               stream: Callable[[list[Paper]], None] | None = None
               ) -> tuple[list[FileReport], list[Paper]]:
    """Parse every file; raise InputError naming the first bad one before storing anything.

    ``stream`` gets the papers in order, batch after batch, as parsers finish them."""
    today = date.today()
    # Given a year, the user has said which one year-less dates are in.
    now = None if year else (today.month, today.day)
    year = year or today.year
    reports: list[FileReport] = []
    papers: list[Paper] = []
    for number, file in enumerate(files):
        if progress:
            progress("parse", number, len(files))
        name = str(file)
        decoded = read_dump(file)
        path = recorded_path(Path(file).resolve())
        sent = 0

        def on_papers(so_far: list[Paper]) -> None:
            nonlocal sent
            stream(so_far[sent:])
            sent = len(so_far)

        try:
            used, result = parse_text(decoded.text,
                                      ParseContext(path, year, on_papers if stream else None, now),
                                      fmt)
        except InputError as exc:  # name the file as the user gave it
            raise InputError(name, exc.reason, exc.line) from None
        except ReviewerError:
            raise
        except Exception as exc:  # a parser bug must still read as a bad-input message
            label = FORMATS.get(fmt or "", "any known format")
            raise InputError(name, f"cannot be read as {label} ({type(exc).__name__}: "
                                   f"{exc})") from exc
        warnings = decoded.warnings + result.warnings
        del decoded  # the text of a big dump is no longer needed
        if not result.papers:
            first = result.skipped[0] if result.skipped else None
            why = f"; line {first.line}: {first.reason}" if first else ""
            raise InputError(name, f"no papers found in this {FORMATS[used]}{why}",
                             first.line if first else None)
        if stream:
            on_papers(result.papers)
        reports.append(FileReport(name, path, used, len(result.papers), result.skipped,
                                  warnings))
        papers.extend(result.papers)
    if progress:
        progress("parse", len(files), len(files))
    return reports, papers


def import_files(review: Review, files: Sequence[str | Path], fmt: str | None = None,
                 year: int | None = None, progress: Progress | None = None) -> ImportReport:
    with gc_paused():
        child, version = _planning_child(review, files)
        try:
            reports, papers = read_files(files, fmt, year, progress,
                                         child.send if child else None)
            if child:
                child.end()
                _stems_while_waiting(papers, child)
            decisions = child.finish() if child else None
        except BaseException:  # a bad file, or ctrl-c
            if child:
                child.abandon()
            raise
        report = ImportReport(reports)
        report.new, report.merged = store_papers(
            review, papers, [r.path for r in reports], progress,
            (decisions, version) if decisions else None)
    return report


# Dumps this big are deduplicated by a child process while they are parsed (planning.py);
# for smaller ones the fork and the streaming cost more than dedup itself.
PLANNING_CHILD_BYTES = 16 << 20


def _planning_child(review: Review, files: Sequence[str | Path]
                    ) -> tuple[PlanningChild | None, tuple]:
    try:
        size = sum(Path(f).stat().st_size for f in files)
    except OSError:
        return None, ()  # read_files names the file
    if size < PLANNING_CHILD_BYTES or not can_fork() or review.conn.in_transaction:
        return None, ()
    version = _review_state(review.conn)
    try:
        return PlanningChild(lambda: _index_of_file(review.path)), version
    except OSError:
        return None, ()


def _index_of_file(path: Path) -> DuplicateIndex:
    """load_index on a connection of the planning child's own (a connection must not
    cross a fork)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return load_index(conn)
    finally:
        conn.close()


def _stems_while_waiting(papers: Sequence[Paper], child: PlanningChild) -> None:
    """While the child plans the last records: the citation-key stems, a tenth of storing
    new papers (planning forgets those of papers a merge changes, and _insert_new makes
    those not reached)."""
    for start in range(0, len(papers), 4096):
        if child.ready():
            return
        for paper in papers[start:start + 4096]:
            paper.citekey = base_key(paper)


def _review_state(conn: sqlite3.Connection) -> tuple:
    """Changes with every change to the review (each one is in its history, and undo and
    redo flip ``undone``). Not PRAGMA data_version: switching journals changes it too."""
    return conn.execute("SELECT (SELECT max(id) FROM history), (SELECT count(*) FROM history "
                        "WHERE undone = 1), (SELECT max(id) FROM papers)").fetchone()


# -- storing -----------------------------------------------------------------------------

# A new paper's row: its metadata (model.METADATA_FIELDS), then what the store derives.
_INSERT_COLUMNS = ("id", *METADATA_FIELDS, "title_norm", "surnames", "citekey", "batch")
_INSERT = (f"INSERT INTO papers ({', '.join(_INSERT_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})")
_metadata = attrgetter(*METADATA_FIELDS)
# history.encode, inlined: three lists per paper, most of them empty.
_JSON_AT = tuple((i, "{}" if isinstance(DEFAULTS[name], dict) else "[]")
                 for i, name in enumerate(METADATA_FIELDS) if name in JSON_FIELDS)
_JSON = json.JSONEncoder(ensure_ascii=False).encode  # as history.encode writes them


_FINGERPRINT_COLUMNS = "id, title_norm, arxiv_id, doi, surnames, year, year_inferred"


def load_index(conn: sqlite3.Connection) -> DuplicateIndex:
    index = DuplicateIndex()
    live = set()
    for pid, title_norm, arxiv_id, doi, names, year, inferred in conn.execute(
            f"SELECT {_FINGERPRINT_COLUMNS} FROM papers WHERE removed = 0 ORDER BY id"):
        live.add(pid)
        index.add(Fingerprint(pid, title_norm, arxiv_id.lower(), doi.lower(),
                              frozenset(names.split()), None if inferred else year))
    # A paper merged by hand into another still matches its own records, on behalf of
    # the paper it went into: importing its dump again adds nothing.
    merged = conn.execute(f"SELECT {_FINGERPRINT_COLUMNS}, merged_into FROM papers "
                          "WHERE merged_into IS NOT NULL ORDER BY id").fetchall()
    into = {row[0]: row[-1] for row in merged}
    for pid, title_norm, arxiv_id, doi, names, year, inferred, target in merged:
        seen = {pid}
        while target in into and target not in seen:  # merged on, later
            seen.add(target)
            target = into[target]
        if target in live:
            index.add(Fingerprint(target, title_norm, arxiv_id.lower(), doi.lower(),
                                  frozenset(names.split()), None if inferred else year))
    return index


def store_papers(review: Review, papers: Sequence[Paper], files: Sequence[str],
                 progress: Progress | None = None,
                 planned: tuple[Decisions, tuple] | None = None) -> tuple[int, int]:
    """Dedup and store parsed papers as one undoable change; returns (new, merged).

    ``planned``: a planning child's decisions, made against the index of the review in
    the state given (``_review_state``); used if no one has changed the review since.
    """
    names = ", ".join(Path(f).name for f in files)
    # Unchecked: every reference the import writes is to a row it has just written.
    with _bulk_storage(review.conn, len(papers)), \
            review.change(f"import {names}", checked=False) as changes:
        conn = changes.conn
        if planned is not None and planned[1] == _review_state(conn):
            if progress:
                progress("dedup", 0, len(papers))
            plan = planned[0].replay(papers)
            if progress:
                progress("dedup", len(papers), len(papers))
        else:  # no child, or someone changed the review meanwhile: plan afresh
            plan = plan_import(load_index(conn), papers, progress)
        batch = conn.execute(
            "INSERT INTO batches (at, files, new, merged) VALUES (?, ?, ?, ?)",
            (schema.now(), json.dumps(list(files)), len(plan.new), plan.merged)).lastrowid
        taken = {key for (key,) in conn.execute("SELECT citekey FROM papers")}
        _insert_new(conn, plan, batch, taken, progress)
        if plan.new:
            changes.note_applied({"k": "batch", "n": batch})
        _merge_existing(review, changes, plan.into_existing, batch, taken)
        changes.label = f"import {names}: {len(plan.new)} new, {plan.merged} merged"
    return len(plan.new), plan.merged


# Imports of this many papers are stored as bulk loads (see _bulk_storage).
BULK_PAPERS = 5000
# SQLite's page cache for a big import, in KiB: SQLite's default 2 MB spills pages into
# the journal all through the transaction. 64 MB took storing 100,000 papers from 1.76 to
# 1.60 s (SQLite alone, side by side); more gained nothing.
BULK_CACHE_KIB = 65536


@contextmanager
def _bulk_storage(conn: sqlite3.Connection, count: int) -> Iterator[None]:
    """A big page cache and, when no one else has the review open, a rollback journal.

    SQLite's own advice: WAL "does not work well for very large transactions", where a
    rollback journal is faster; pages the import adds past the end of the file are not
    journaled at all, and no checkpoint copies them again afterwards. Side by side,
    SQLite alone stored 100,000 papers in 1.6-1.9 s instead of 2.2-2.4 s, and closing
    after 5,000 no longer spends 50-90 ms on a checkpoint. A killed import leaves a hot
    journal that the next open rolls back, as WAL would. Switching needs the review to
    itself: with a TUI open on it the import stays in WAL.
    """
    if count < BULK_PAPERS or conn.in_transaction:
        yield
        return
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    journal = _journal_mode(conn, "DELETE")
    if journal == "delete":
        conn.execute("PRAGMA synchronous = FULL")  # what a rollback journal needs
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")
        if journal == "delete":
            conn.execute("PRAGMA synchronous = NORMAL")
            _journal_mode(conn, "WAL")


def _journal_mode(conn: sqlite3.Connection, mode: str) -> str:
    try:
        return conn.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0].lower()
    except sqlite3.OperationalError:  # busy: someone else has the review open
        return ""


def _insert_new(conn: sqlite3.Connection, plan: Plan, batch: int, taken: set[str],
                progress: Progress | None) -> None:
    papers = plan.new
    if progress:
        progress("store", 0, len(papers))
    first_id = (conn.execute("SELECT max(id) FROM papers").fetchone()[0] or 0) + 1
    rows, sources = [], []
    add_row, add_source, add_key = rows.append, sources.append, taken.add
    json_at, encode_json, metadata = _JSON_AT, _JSON, _metadata
    for offset, (p, fp) in enumerate(zip(papers, plan.fingerprints)):
        pid = first_id + offset
        p.id = pid
        if p.authors and p.author_count is None:
            p.author_count = len(p.authors)
        # A stem computed ahead (see import_files), else the paper's own.
        key = p.citekey or base_key(p)
        if key in taken:
            key = unique_key(key, taken)
        p.citekey = key
        add_key(key)
        values = list(metadata(p))
        for i, empty in json_at:
            values[i] = encode_json(values[i]) if values[i] else empty
        add_row((pid, *values, fp.title_norm,
                 " ".join(sorted(fp.surnames)) if fp.surnames else "", key, batch))
        for s in p.sources:
            add_source((pid, s.file, s.line, s.format, batch))
        if len(rows) == 5000:
            conn.executemany(_INSERT, rows)
            rows.clear()
            if progress:
                progress("store", offset + 1, len(papers))
    if rows:
        conn.executemany(_INSERT, rows)
    conn.executemany("INSERT OR IGNORE INTO sources (paper_id, file, line, format, batch) "
                     "VALUES (?, ?, ?, ?, ?)", sources)
    if progress:
        progress("store", len(papers), len(papers))


def _merge_existing(review: Review, changes: Changes, into: dict[int, list[Paper]],
                    batch: int, taken: set[str]) -> None:
    """The records that duplicate stored papers: their sources join the papers, their
    richer metadata goes through improve (which leaves what the user set alone)."""
    if not into:
        return
    conn = changes.conn
    known_sources: set[tuple[int, str, int]] = set()
    next_source = (conn.execute("SELECT max(id) FROM sources").fetchone()[0] or 0) + 1
    ids = list(into)
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        known_sources.update(conn.execute(
            f"SELECT paper_id, file, line FROM sources WHERE paper_id IN ({marks})", chunk))
    offers: dict[int, list[Offer]] = {}
    for pid in ids:
        for incoming in into[pid]:
            for s in incoming.sources:
                if (pid, s.file, s.line) in known_sources:
                    continue
                known_sources.add((pid, s.file, s.line))
                changes.row("sources", None, {"id": next_source, "paper_id": pid,
                                              "file": s.file, "line": s.line,
                                              "format": s.format, "batch": batch})
                next_source += 1
        offers[pid] = [Offer(incoming, origin_of(incoming)) for incoming in into[pid]]
    improve(review, offers, changes.label, taken=taken)

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
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from pathlib import Path

from . import bibraw, schema
from .citekeys import TakenKeys, base_key, unique_key
from .decoding import read_dump
from .dedup import DuplicateIndex, Fingerprint
from .errors import InputError, ReviewerError
from .forking import can_fork
from .gc_pause import gc_paused
from .history import Changes
from .improve import Offer, improve, origin_of
from .imported_decisions import DecisionsApplied, apply_decisions, labelled
from .model import DEFAULTS, JSON_FIELDS, METADATA_FIELDS, Paper
from .parsers import FORMATS, ParseContext, Skipped, parse_text
from .paths import MAX_INPUT_BYTES, check_inputs, show
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
    labelled: int = 0  # records that came with a decision (ASReview's labels, Rayyan's)

    @property
    def label(self) -> str:
        return FORMATS.get(self.format, self.format)


@dataclass(slots=True)
class ImportReport:
    files: list[FileReport]
    new: int = 0
    merged: int = 0
    decisions: DecisionsApplied | None = None  # when asked to import them

    @property
    def summary(self) -> str:
        text = f"{self.new} new, {self.merged} already present (merged)"
        return f"{text}; {self.decisions.summary}" if self.decisions else text


def recorded_path(path: Path) -> str:
    """The path as the review records it: text, even for a file name that is not UTF-8
    (its odd bytes become U+FFFD; SQLite would refuse the surrogates Python reads them
    as)."""
    return os.fsencode(path).decode("utf-8", "replace")


def read_files(files: Sequence[str | Path], fmt: str | None = None, year: int | None = None,
               progress: Progress | None = None,
               stream: Callable[[list[Paper]], None] | None = None,
               max_bytes: int = MAX_INPUT_BYTES) -> tuple[list[FileReport], list[Paper]]:
    """Parse every file; raise InputError naming the first bad one before storing anything.

    ``stream`` gets the papers in order, batch after batch, as parsers finish them."""
    check_inputs(files, max_bytes)  # a FIFO or a huge file last must not wait for the rest
    today = date.today()
    # Given a year, the user has said which one year-less dates are in.
    now = None if year else (today.month, today.day)
    year = year or today.year
    reports: list[FileReport] = []
    papers: list[Paper] = []
    for number, file in enumerate(files):
        if progress:
            progress("parse", number, len(files))
        name = show(file)
        decoded = read_dump(file, max_bytes)
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
                                  warnings, len(labelled(result.papers))))
        papers.extend(result.papers)
    if progress:
        progress("parse", len(files), len(files))
    return reports, papers


def import_files(review: Review, files: Sequence[str | Path], fmt: str | None = None,
                 year: int | None = None, progress: Progress | None = None,
                 max_bytes: int = MAX_INPUT_BYTES, with_decisions: bool = False) -> ImportReport:
    """``with_decisions``: also store the decisions the files carry, in the same undo step."""
    check_inputs(files, max_bytes, review.path)
    with gc_paused():
        child, version = _planning_child(review, files)
        try:
            reports, papers = read_files(files, fmt, year, progress,
                                         child.send if child else None, max_bytes)
            if child:
                child.end()
                _stems_while_waiting(papers, child)
            decisions = child.finish() if child else None
        except BaseException:  # a bad file, or ctrl-c
            if child:
                child.abandon()
            raise
        report = ImportReport(reports)
        records = labelled(papers) if with_decisions else []
        notes: list[tuple[str, str]] = []
        # With decisions, one change: one undo takes back the papers and their decisions.
        with review.change("import") if records else nullcontext() as changes:
            report.new, report.merged = store_papers(
                review, papers, [r.path for r in reports], progress,
                (decisions, version) if decisions else None, notes)
            if records:
                report.decisions = apply_decisions(review, records)
                changes.label += f"; {report.decisions.decided} decisions"
        by_path = {r.path: r for r in reports}
        for path, message in notes:
            if path in by_path:
                by_path[path].warnings.append(message)
    return report


# Dumps this big are deduplicated by a child process while they are parsed (planning.py);
# for smaller ones the fork and the streaming cost more than dedup itself. Measured
# (alternating, best of 7): a 4.8 MB Hugging Face dump 286 ms alone, 297 ms with the
# child; 9.7 MB: 464 against 451 ms; the benchmark's 10 MB .bib: 1.13 against 0.97 s.
PLANNING_CHILD_BYTES = 8 << 20


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
    # A .bib entry keeps its own key (_insert_new): no stem to make.
    papers = [p for p in papers if not (p.extra and bibraw.KEY in p.extra)]
    for start in range(0, len(papers), 4096):
        if child.ready():
            return
        for paper in papers[start:start + 4096]:
            paper.citekey = base_key(paper)


def _review_state(conn: sqlite3.Connection) -> tuple:
    """Changes with every change to the review (each one is in its history, and undo and
    redo flip ``undone``). Not PRAGMA data_version: every commit elsewhere moves it, an
    export's frozen keys too, which leave no history."""
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
                 planned: tuple[Decisions, tuple] | None = None,
                 notes: list[tuple[str, str]] | None = None) -> tuple[int, int]:
    """Dedup and store parsed papers as one undoable change; returns (new, merged).

    ``planned``: a planning child's decisions, made against the index of the review in
    the state given (``_review_state``); used if no one has changed the review since.
    ``notes`` gets (file, message) for what the user should hear of (an imported
    citation key that another paper holds).
    """
    notes = [] if notes is None else notes
    names = ", ".join(Path(f).name for f in files)
    if not review.conn.in_transaction:
        from .backup import before_import
        before_import(review)  # checks the review first: never import into a damaged one
    papers, known = _without_own_entries(review.conn, papers)
    if known:
        planned = None  # planned with the records left out
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
        # Keys that differ only in case clash (citekeys.TakenKeys holds them in lower case).
        taken = TakenKeys(key for (key,) in conn.execute("SELECT citekey FROM papers"))
        _insert_new(conn, plan, batch, taken, progress, notes)
        if plan.new:
            changes.note_applied({"k": "batch", "n": batch})
        _merge_existing(review, changes, plan.into_existing, batch, taken)
        changes.label = f"import {names}: {len(plan.new)} new, {plan.merged + known} merged"
    return len(plan.new), plan.merged + known


def _without_own_entries(conn: sqlite3.Connection, papers: Sequence[Paper]
                         ) -> tuple[Sequence[Paper], int]:
    """The records to import, without the entries of a file this review exported that
    are its papers still (the entry's key is the paper's): importing one's own export
    changes nothing and adds no source to the PRISMA counts."""
    if not any(p.extra and bibraw.FROM_EXPORT in p.extra for p in papers):
        return papers, 0
    live = {key.lower() for (key,) in conn.execute(
        "SELECT citekey FROM papers WHERE removed = 0 AND merged_into IS NULL")}
    kept = [p for p in papers if not (p.extra and bibraw.FROM_EXPORT in p.extra
                                      and bibraw.imported_key(p).lower() in live)]
    return kept, len(papers) - len(kept)


# Imports of this many papers get a bigger page cache (see _bulk_storage).
BULK_PAPERS = 5000
# SQLite's page cache for a big import, in KiB: SQLite's default 2 MB spills pages into
# the journal all through the transaction. 64 MB took storing 100,000 papers from 1.76 to
# 1.60 s (SQLite alone, side by side); more gained nothing.
BULK_CACHE_KIB = 65536


@contextmanager
def _bulk_storage(conn: sqlite3.Connection, count: int) -> Iterator[None]:
    """A big page cache for a big import.

    The import stays in WAL. Switching to a rollback journal for it (faster by a quarter
    of storing, SQLite alone) deleted the -wal and -shm files under any other connection
    that had lost its locks, and while it ran every other process, readers too, was
    refused at once (issue 16).
    """
    if count < BULK_PAPERS or conn.in_transaction:
        yield
        return
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")


def _insert_new(conn: sqlite3.Connection, plan: Plan, batch: int, taken: TakenKeys,
                progress: Progress | None, notes: list[tuple[str, str]]) -> None:
    papers = plan.new
    if progress:
        progress("store", 0, len(papers))
    first_id = (conn.execute("SELECT max(id) FROM papers").fetchone()[0] or 0) + 1
    rows, sources, frozen = [], [], []
    add_row, add_source, add_key = rows.append, sources.append, taken.add
    json_at, encode_json, metadata = _JSON_AT, _JSON, _metadata
    for offset, (p, fp) in enumerate(zip(papers, plan.fingerprints)):
        pid = first_id + offset
        p.id = pid
        authors = p.authors
        if authors and p.author_count is None:
            p.author_count = len(authors)
        extra = p.extra
        if extra and bibraw.KEY in extra:
            # The user's own key, as their documents cite it: kept and frozen.
            key = extra[bibraw.KEY]
            frozen.append((pid,))
            if key.lower() in taken:
                given, key = key, unique_key(key, taken)
                where = p.sources[0] if p.sources else None
                notes.append((where.file if where else "", (
                    f"{where.file}:{where.line}: " if where else "") + (
                    f"citation key {given!r} belongs to another paper already; "
                    f"imported as {key!r}")))
        else:
            # A stem computed ahead (see import_files), else the paper's own.
            key = p.citekey or base_key(p)
            if key.lower() in taken:
                key = unique_key(key, taken)
        p.citekey = key
        add_key(key.lower())
        if extra and "bib:ids" in extra:  # biblatex's aliases cite the entry as well
            taken.update(alias.strip().lower() for alias in
                         extra["bib:ids"].strip("{}").split(",") if alias.strip())
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
    if frozen:
        conn.executemany("INSERT OR IGNORE INTO frozen_citekeys VALUES (?)", frozen)
    if progress:
        progress("store", len(papers), len(papers))


def _merge_existing(review: Review, changes: Changes, into: dict[int, list[Paper]],
                    batch: int, taken: TakenKeys) -> None:
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
    own: dict[int, str] = {}
    if any(bibraw.FROM_EXPORT in p.extra for records in into.values() for p in records):
        for chunk in chunks(ids):
            own.update(conn.execute(f"SELECT id, citekey FROM papers WHERE id IN "
                                    f"({','.join('?' * len(chunk))})", chunk))
    for pid in ids:
        incoming_records = [
            incoming for incoming in into[pid]
            # This paper's own entry, from a file reviewer exported: re-importing it
            # changes nothing and is no new source (the PRISMA counts stay).
            if not (bibraw.FROM_EXPORT in incoming.extra
                    and bibraw.imported_key(incoming).lower() == own.get(pid, "").lower())]
        for incoming in incoming_records:
            for s in incoming.sources:
                if (pid, s.file, s.line) in known_sources:
                    continue
                known_sources.add((pid, s.file, s.line))
                changes.row("sources", None, {"id": next_source, "paper_id": pid,
                                              "file": s.file, "line": s.line,
                                              "format": s.format, "batch": batch})
                next_source += 1
        if incoming_records:
            offers[pid] = [Offer(incoming, origin_of(incoming)) for incoming in incoming_records]
    improve(review, offers, changes.label, taken=taken)

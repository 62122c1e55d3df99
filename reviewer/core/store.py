"""The review: one SQLite file holding the papers, the user's triage and the history.

Every change is one ``BEGIN IMMEDIATE`` transaction that also writes its history row, so
a killed process loses at most the change in flight and undo works across restarts.
The file runs in WAL mode; a second process that wants to write waits for the lock (up to
``BUSY_TIMEOUT`` seconds) and then reports that the review is busy.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from . import schema
from .errors import DamagedReview, NotFound, ReviewError, UsageError
from .gc_pause import gc_paused
from .history import Changes, replay
from .model import (BIB_FIELDS, CODE_HOSTS, JSON_FIELDS, METADATA_FIELDS, USER_COLUMNS,
                    Decision, Paper, Source)

BUSY_TIMEOUT = 10.0
# A review is mostly abstracts, 1 to 2 KB a paper: 4 KB pages (SQLite's default) hold two
# rows and waste much of the rest, 16 KB pages hold ten. Storing a 100,000-paper import
# took 1.6-1.7 s instead of 1.9-2.4 s, and the file is 7% smaller.
PAGE_SIZE = 16384
# What a commit promises against a power cut (a killed process loses nothing either way).
# In WAL mode NORMAL never corrupts the review but can lose the last commits; FULL makes
# each commit durable before it returns, for one fsync of the WAL: 2 to 5 ms a change in
# process, nothing measurable on a CLI `tag` (208 ms median either way, 7 runs each).
SYNCHRONOUS = "FULL"

PAPER_COLUMNS = ("id", *METADATA_FIELDS, *USER_COLUMNS)
SELECT_PAPERS = f"SELECT {', '.join(PAPER_COLUMNS)} FROM papers"
# model.is_code_link, as SQL over the JSON list of links (cheaper than decoding 100k lists).
_HAS_CODE_SQL = "(" + " OR ".join(
    f"instr(links, '://{host}') > 0 OR instr(links, '.{host}') > 0" for host in CODE_HOSTS) + ")"


@dataclass(slots=True)
class Section:
    id: int
    title: str
    position: int
    description: str = ""
    paper_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class HistoryEntry:
    id: int
    at: str
    label: str
    undone: bool
    # The papers an undo or redo touched; None when it may have touched any (an import),
    # so a view knows whether to refresh a few rows or reload.
    paper_ids: set[int] | None = None


@dataclass(frozen=True, slots=True)
class Version:
    """What a review was at some moment, for telling whether another process changed it."""

    # PRAGMA data_version: reads nothing, and moves with other connections' commits.
    data: int
    # The last history entry and how many are undone: moves with every change made
    # through reviewer, not with keys frozen by an export (which show nothing new).
    history: tuple


@dataclass(slots=True)
class Summary:
    """The few fields the paper list shows, cheap to load for 100,000 papers."""

    id: int
    title: str
    year: int | None
    starred: bool
    decision: Decision
    upvotes: int | None
    has_note: bool
    has_code: bool
    tags: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    reason: str = ""  # why it was excluded (core/reasons.py)




_DECISIONS = {d.value: d for d in Decision}
_loads = json.JSONDecoder().decode


def row_reader(columns: tuple[str, ...]) -> Callable[[tuple], Paper]:
    """A function making a Paper of a row of ``columns`` (any of Paper's stored fields;
    the others keep their defaults). Written out from the model once, as one unpacking
    and one call: listing or exporting 100,000 papers calls it 100,000 times, and the
    many empty JSON lists skip the decoder."""
    lines = [f"    ({', '.join(f'c{i}' for i in range(len(columns)))},) = row"]
    at = {name: i for i, name in enumerate(columns)}
    args = []  # by position: a call by keyword took twice as long
    for f in fields(Paper):
        i = at.get(f.name)
        if i is None:  # not read: the field's default
            value = ("[]" if f.default_factory is list else "{}" if f.default_factory is dict
                     else "undecided" if f.name == "decision" else repr(f.default))
        elif f.name in JSON_FIELDS:
            empty = "{}" if f.default_factory is dict else "[]"
            value = f"{empty} if c{i} == '{empty}' else loads(c{i})"
        elif isinstance(f.default, bool):
            value = f"bool(c{i})"
        elif f.name == "decision":
            value = f"decisions[c{i}]"
        else:
            value = f"c{i}"
        args.append(value)
    source = "def read(row):\n" + "\n".join(lines) + f"\n    return Paper({', '.join(args)})\n"
    namespace = {"Paper": Paper, "loads": _loads, "decisions": _DECISIONS,
                 "undecided": Decision.UNDECIDED}
    exec(compile(source, f"<row_reader {' '.join(columns)}>", "exec"), namespace)
    return namespace["read"]


paper_from_row = row_reader(PAPER_COLUMNS)
# An entry read from a .bib is written from its kept fields (core/bibraw.py), its author
# field among them: its decoded names are not read (a sixth of reading 5,000 such papers;
# the key as JSON writes it, which a value holding it would escape).
SELECT_BIB_PAPERS = "SELECT id, " + ", ".join(
    "CASE WHEN instr(extra, '\"bib:@type\":') THEN '[]' ELSE authors END"
    if name == "authors" else name for name in BIB_FIELDS) + " FROM papers"
bib_paper_from_row = row_reader(("id", *BIB_FIELDS))


# What Review._attach reads for a list of papers, and how each row lands on its paper.
_ATTACH = (
    ("SELECT paper_id, tag FROM tags {} ORDER BY paper_id, tag",
     lambda p, r: p.tags.append(r[1])),
    ("SELECT sp.paper_id, s.title FROM section_papers sp JOIN sections s "
     "ON s.id = sp.section_id {} ORDER BY s.position",
     lambda p, r: p.sections.append(r[1])),
    ("SELECT paper_id, reason FROM decision_reasons {}",
     lambda p, r: setattr(p, "reason", r[1])),
    ("SELECT paper_id, file, line, format FROM sources {} ORDER BY id",
     lambda p, r: p.sources.append(Source(r[1], r[2], r[3]))),
)


class Review:
    """An open review file. Use ``Review.open(path)``; close it (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        _opened[:] = [path]
        self.read_only = False
        self._active: Changes | None = None
        # The day (YYYYMMDD) this connection last saw to the day's backup (backup.py).
        self.backed_up = ""
        self._checked = False

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Review:
        """Open (or create) the review at ``path``.

        ``read_only`` is for commands that only read: they then work on a review file or
        folder the user cannot write to. Where the user can write, the review is opened
        as usual, so that closing it folds its WAL back and removes it (a read-only
        connection cannot, and would leave a -wal and a -shm beside the review).
        """
        path = Path(path).expanduser()
        exists = _check_is_review(path)
        read_only = read_only and exists and not (
            os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
        if read_only:
            conn = _connect(path, _read_only_uri(path))
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ReviewError(f"{path.parent}: cannot create the review's folder "
                                  f"({exc.strerror or exc})") from None
            conn = _connect(path, None)
        try:
            _set_up(conn, path, read_only)
        except _NeedsWriting:
            conn.close()
            return cls.open(path)
        except sqlite3.Error as exc:
            conn.close()
            raise database_error(exc, path) from None
        except BaseException:
            conn.close()
            raise
        review = cls(conn, path)
        review.read_only = read_only
        return review

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Review:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        return self.path.stem

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a change waits for another process's write to end before it says the
        review is busy (BUSY_TIMEOUT by default; a TUI key waits less)."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def version(self, since: Version | None = None) -> Version:
        """The review's version now. Given the version seen last, reads the history only
        when another connection has committed since (polled every second by a screen);
        when the review cannot be read for a moment (busy), returns ``since``."""
        try:
            data = self.conn.execute("PRAGMA data_version").fetchone()[0]
            if since is not None and data == since.data:
                return since
            history = self.conn.execute(
                "SELECT (SELECT max(id) FROM history), "
                "(SELECT count(*) FROM history WHERE undone = 1)").fetchone()
        except sqlite3.OperationalError:  # busy; damage (a DatabaseError) is said, not hidden
            if since is None:
                raise
            return since
        return Version(data, tuple(history))

    def stop_writing(self) -> None:
        """From now on SQLite itself refuses any write on this connection (a review found
        damaged: nothing more goes into it)."""
        try:
            self.conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error:
            pass  # the file cannot take even that: nothing can be written anyway

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def transaction(self, checked: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction; waits for other writers, then says the review is busy.

        Nested use joins the enclosing transaction. ``checked=False`` skips SQLite's
        foreign key checks, for an import's rows whose references the import has just
        made itself (checking them was a tenth of storing 100,000 papers); the pragma
        only changes outside a transaction, so a nested use stays checked.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        if not checked:
            self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            from .backup import daily
            daily(self)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise database_error(exc, self.path) from None
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):  # damaged, full, read-only: one line
                    raise database_error(exc, self.path) from None
                raise
        finally:
            if not checked:
                self.conn.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def change(self, label: str, checked: bool = True) -> Iterator[Changes]:
        """A user change: applied, recorded for undo, committed at once.

        Changes made inside another change join it, so a compound action (create
        sections from tags, say) is one transaction and one undo step.
        """
        if self._active is not None:
            yield self._active
            return
        with self.transaction(checked) as conn:
            changes = Changes(conn, label)
            self._active = changes
            try:
                yield changes
            finally:
                self._active = None
            if changes.ops:
                self._drop_redo(conn)
                conn.execute("INSERT INTO history (at, label, ops) VALUES (?, ?, ?)",
                             (schema.now(), changes.label,
                              json.dumps(changes.ops, ensure_ascii=False)))

    def _drop_redo(self, conn: sqlite3.Connection) -> None:
        """A new change forgets the undone ones, and the papers only they had added."""
        for (ops,) in conn.execute("SELECT ops FROM history WHERE undone = 1").fetchall():
            for op in json.loads(ops):
                if op["k"] == "batch":
                    # By hand rather than by ON DELETE CASCADE: an import runs unchecked.
                    gone = "SELECT id FROM papers WHERE batch = ? AND removed = 1"
                    for table in ("tags", "section_papers", "sources", "provenance",
                                  "decision_reasons"):
                        conn.execute(f"DELETE FROM {table} WHERE paper_id IN ({gone})",
                                     (op["n"],))
                    conn.execute("DELETE FROM papers WHERE batch = ? AND removed = 1", (op["n"],))
        conn.execute("DELETE FROM history WHERE undone = 1")

    # -- reading -----------------------------------------------------------------------

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM papers WHERE removed = 0").fetchone()[0]

    def resolve(self, ref: int | str) -> int:
        """A paper id from an id or a citation key (what the CLI's ID arguments accept)."""
        text = str(ref).strip().lstrip("#")
        if text.isdigit():
            row = self.conn.execute("SELECT id FROM papers WHERE id = ? AND removed = 0",
                                    (int(text),)).fetchone()
        else:
            row = self.conn.execute("SELECT id FROM papers WHERE citekey = ? AND removed = 0",
                                    (text,)).fetchone()
        if row is None:
            gone = self.conn.execute(
                f"SELECT merged_into FROM papers WHERE {'id' if text.isdigit() else 'citekey'}"
                " = ? AND merged_into IS NOT NULL", (int(text) if text.isdigit() else text,)
            ).fetchone()
            if gone is not None:
                raise NotFound(f"paper {ref!r} was merged into paper {gone[0]}")
            raise NotFound(f"no paper {ref!r} in review {self.name!r}")
        return row[0]

    def get(self, ref: int | str) -> Paper:
        return self.papers([self.resolve(ref)])[0]

    def papers(self, ids: Iterable[int] | None = None, *, sources: bool = True) -> list[Paper]:
        """Full papers (with tags, sections and sources) in id order, or in ``ids`` order.
        ``sources=False`` leaves ``Paper.sources`` empty, for callers that never show them
        (an export of thousands of papers spends a twentieth of its time reading them)."""
        with gc_paused():
            return self._papers(ids, sources)

    def bib_papers(self, ids: Iterable[int] | None = None) -> list[Paper]:
        """Papers holding only what a BibTeX entry is made from (model.BIB_FIELDS and
        the tags), the rest left at its default: for rendering entries at once. Reading
        the other columns was a tenth of a first export."""
        with gc_paused():
            return self._papers(ids, False, SELECT_BIB_PAPERS, bib_paper_from_row)

    def stored_papers(self, ids: Iterable[int]) -> list[Paper]:
        """The papers ``ids`` as their rows hold them (metadata, key, the user's columns),
        without tags, sections or sources: what improving them reads."""
        out: list[Paper] = []
        with gc_paused():
            for chunk in chunks(list(ids)):
                marks = ",".join("?" * len(chunk))
                out.extend(map(paper_from_row, self.conn.execute(
                    f"{SELECT_PAPERS} WHERE removed = 0 AND id IN ({marks})", chunk)))
        return out

    def provenance(self, ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """Where the fields of papers ``ids`` came from, those set since their import
        (core/improve.py): {paper id: {field: origin}}."""
        out: dict[int, dict[str, str]] = {}
        for chunk in chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for pid, name, origin in self.conn.execute(
                    f"SELECT paper_id, field, origin FROM provenance WHERE paper_id IN ({marks})",
                    chunk):
                out.setdefault(pid, {})[name] = origin
        return out

    def _papers(self, ids: Iterable[int] | None, sources: bool, select: str = SELECT_PAPERS,
                make: Callable[[tuple], Paper] = paper_from_row) -> list[Paper]:
        if ids is None:
            rows = self.conn.execute(f"{select} WHERE removed = 0 ORDER BY id").fetchall()
            papers = [make(r) for r in rows]
        else:
            wanted = list(ids)
            by_id: dict[int, Paper] = {}
            for chunk in chunks(wanted):
                marks = ",".join("?" * len(chunk))
                for r in self.conn.execute(
                        f"{select} WHERE removed = 0 AND id IN ({marks})", chunk):
                    by_id[r[0]] = make(r)
            papers = [by_id[i] for i in wanted if i in by_id]
        self._attach(papers, everything=ids is None, sources=sources)
        return papers

    def _attach(self, papers: list[Paper], everything: bool, sources: bool = True) -> None:
        """Tags, sections, reasons and sources: read for all papers in one pass, or by
        id."""
        if not papers:
            return
        by_id = {p.id: p for p in papers}
        for query, attach in _ATTACH[:None if sources else -1]:
            column = "sp.paper_id" if "sp." in query else "paper_id"
            if everything:
                rows: Iterable = self.conn.execute(query.format(""))
            else:
                rows = []
                for chunk in chunks(list(by_id)):
                    marks = ",".join("?" * len(chunk))
                    rows.extend(self.conn.execute(
                        query.format(f"WHERE {column} IN ({marks})"), chunk))
            for r in rows:
                paper = by_id.get(r[0])
                if paper is not None:
                    attach(paper, r)

    def search_texts(self, after: int = 0, limit: int = -1) -> list[tuple[int, str, str]]:
        """(id, title, tags + note + abstract) of the papers in id order, for the search
        index: all of them, or ``limit`` papers from the first id past ``after`` (a screen
        indexes in slices between keystrokes)."""
        from .search import body_text

        rows = self.conn.execute(
            "SELECT id, title, note, abstract FROM papers WHERE removed = 0 AND id > ? "
            "ORDER BY id LIMIT ?", (after, limit)).fetchall()
        if not rows:
            return []
        tags: dict[int, list[str]] = {}
        for pid, tag in self.conn.execute(
                "SELECT paper_id, tag FROM tags WHERE paper_id > ? AND paper_id <= ? "
                "ORDER BY tag", (after, rows[-1][0])):
            tags.setdefault(pid, []).append(tag)
        return [(pid, title, body_text(tags.get(pid, ()), note, abstract))
                for pid, title, note, abstract in rows]

    def summaries(self, ids: Iterable[int] | None = None) -> list[Summary]:
        """List-row fields of every paper in import order, or of the papers ``ids``."""
        with gc_paused():
            if ids is None:
                return self._summaries(None)
            out: list[Summary] = []
            for chunk in chunks(list(ids)):
                out.extend(self._summaries(chunk))
            return out

    def _summaries(self, ids: list[int] | None) -> list[Summary]:
        def only(column: str) -> str:
            return "" if ids is None else f"AND {column} IN ({','.join('?' * len(ids))})"

        params = ids or []
        tags: dict[int, list[str]] = {}
        for pid, tag in self.conn.execute(
                f"SELECT paper_id, tag FROM tags WHERE 1 {only('paper_id')} ORDER BY tag",
                params):
            tags.setdefault(pid, []).append(tag)
        sections: dict[int, list[str]] = {}
        for pid, title in self.conn.execute(
                "SELECT sp.paper_id, s.title FROM section_papers sp JOIN sections s "
                f"ON s.id = sp.section_id WHERE 1 {only('sp.paper_id')} ORDER BY s.position",
                params):
            sections.setdefault(pid, []).append(title)
        reasons = dict(self.conn.execute(
            f"SELECT paper_id, reason FROM decision_reasons WHERE 1 {only('paper_id')}", params))
        rows = self.conn.execute(
            f"SELECT id, title, year, starred, decision, upvotes, trim(note) != '', "
            f"{_HAS_CODE_SQL} FROM papers WHERE removed = 0 {only('id')} ORDER BY id", params)
        decisions = {d.value: d for d in Decision}
        return [Summary(pid, title, year, bool(star), decisions[dec], up, bool(note),
                        bool(code), tags.get(pid, []), sections.get(pid, []),
                        reasons.get(pid, ""))
                for pid, title, year, star, dec, up, note, code in rows]

    def decision_log(self) -> list[tuple[int, str]]:
        """(paper id, decision set) of every decision still in effect, oldest first (an
        undone change is left out): the screening order, for the stopping figures."""
        log = []
        for (ops,) in self.conn.execute(
                "SELECT ops FROM history WHERE undone = 0 AND instr(ops, '\"decision\"') > 0 "
                "ORDER BY id"):
            for op in json.loads(ops):
                if op["k"] == "set" and "decision" in op["f"]:
                    log.append((op["id"], op["f"]["decision"][1]))
        return log

    def tags(self) -> list[tuple[str, int]]:
        """Every tag in use, with how many papers carry it, most used first."""
        return self.conn.execute(
            "SELECT tag, count(*) FROM tags t JOIN papers p ON p.id = t.paper_id "
            "WHERE p.removed = 0 GROUP BY tag ORDER BY count(*) DESC, tag").fetchall()

    def exclusion_reasons(self) -> dict[str, int]:
        """{reason: excluded papers}, most used first: the reasons used so far (the
        list ``x`` completes from) and the PRISMA counts (core/reasons.py)."""
        from .reasons import counts

        return counts(self.conn)

    def sections(self) -> list[Section]:
        sections = [Section(*row) for row in self.conn.execute(
            "SELECT id, title, position, description FROM sections ORDER BY position")]
        by_id = {s.id: s for s in sections}
        for sid, pid in self.conn.execute(
                "SELECT section_id, paper_id FROM section_papers sp JOIN papers p "
                "ON p.id = sp.paper_id WHERE p.removed = 0 ORDER BY section_id, sp.position"):
            by_id[sid].paper_ids.append(pid)
        return sections

    def section(self, title: str) -> Section:
        for s in self.sections():
            if s.title == title:
                return s
        matches = [s for s in self.sections() if s.title.casefold() == title.strip().casefold()]
        if len(matches) == 1:
            return matches[0]
        raise NotFound(f"no section {title!r} in review {self.name!r}")

    def stats(self) -> dict[str, Any]:
        row = self.conn.execute(
            "SELECT count(*), "
            "coalesce(sum(decision = 'undecided'), 0), coalesce(sum(decision = 'include'), 0), "
            "coalesce(sum(decision = 'maybe'), 0), coalesce(sum(decision = 'exclude'), 0), "
            "coalesce(sum(starred), 0), coalesce(sum(note != ''), 0) "
            "FROM papers WHERE removed = 0").fetchone()
        total, undecided, include, maybe, exclude, starred, notes = row
        tagged = self.conn.execute(
            "SELECT count(DISTINCT paper_id) FROM tags t JOIN papers p ON p.id = t.paper_id "
            "WHERE p.removed = 0").fetchone()[0]
        files = self.conn.execute(
            "SELECT count(DISTINCT file) FROM sources s JOIN papers p ON p.id = s.paper_id "
            "WHERE p.removed = 0").fetchone()[0]
        return {
            "papers": total, "undecided": undecided, "include": include, "maybe": maybe,
            "exclude": exclude, "starred": starred, "with_note": notes, "tagged": tagged,
            "tags": len(self.tags()), "sections": len(self.sections()), "files": files,
        }

    def source_counts(self) -> list[tuple[str, str, int]]:
        """(file, format, records) of every imported file that still holds papers, in the
        order they were first imported: the PRISMA diagram's records per source."""
        return [tuple(row) for row in self.conn.execute(
            "SELECT s.file, s.format, count(*) FROM sources s JOIN papers p ON p.id = s.paper_id "
            "WHERE p.removed = 0 GROUP BY s.file, s.format ORDER BY min(s.id)")]

    def history(self, limit: int = 50) -> list[HistoryEntry]:
        return [HistoryEntry(i, at, label, bool(undone)) for i, at, label, undone in
                self.conn.execute("SELECT id, at, label, undone FROM history "
                                  "ORDER BY id DESC LIMIT ?", (limit,))]

    def meta_items(self, prefix: str) -> list[tuple[str, str]]:
        """(key, value) rows of the ``meta`` table whose key starts with ``prefix``. Rows
        under a prefix of their own are changed through ``Changes.row("meta", ...)``, so
        undo takes them back (the near misses of reviewer enrich live there)."""
        return self.conn.execute("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ? "
                                 "ORDER BY key", (len(prefix), prefix)).fetchall()

    def citekeys(self) -> set[str]:
        """Every key in the file, those of papers merged away or taken back included."""
        return {key for (key,) in self.conn.execute("SELECT citekey FROM papers")}

    # -- editing papers ----------------------------------------------------------------

    def _fields(self, ids: list[int], names: tuple[str, ...]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT id, {', '.join(names)} FROM papers "
                    f"WHERE removed = 0 AND id IN ({marks})", chunk):
                out[row[0]] = dict(zip(names, row[1:]))
        missing = [i for i in ids if i not in out]
        if missing:
            raise NotFound(f"no paper {missing[0]} in review {self.name!r}")
        return out

    def _set_many(self, ids: Iterable[int], label: str, **values: Any) -> int:
        """Set the same fields on several papers; returns how many actually changed."""
        ids = list(dict.fromkeys(ids))
        with self.change(label) as changes:
            current = self._fields(ids, tuple(values))
            return sum(changes.set(pid, current[pid], values) for pid in ids)

    def star(self, ids: Iterable[int], starred: bool = True) -> int:
        ids = list(ids)
        verb = "star" if starred else "unstar"
        return self._set_many(ids, f"{verb} {_papers_label(ids)}", starred=starred)

    def decide(self, ids: Iterable[int], decision: Decision | str,
               reason: str | None = None) -> int:
        """Set a decision; returns how many papers changed (decision or reason). An
        exclude can carry a ``reason``: None keeps the one an excluded paper has, ""
        takes it away; any other decision takes it away (core/reasons.py)."""
        from .reasons import check, record

        decision = Decision.parse(decision) if isinstance(decision, str) else decision
        reason = check(decision, reason)
        ids = list(dict.fromkeys(ids))
        label = f"{decision.value} {_papers_label(ids)}" + (f" ({reason})" if reason else "")
        with self.change(label) as changes:
            current = self._fields(ids, ("decision",))
            changed = {pid for pid in ids
                       if changes.set(pid, current[pid], {"decision": decision.value})}
            return len(changed | record(changes, ids, decision, reason))

    def set_note(self, paper_id: int, note: str) -> bool:
        return bool(self._set_many([paper_id], f"note on #{paper_id}", note=note))

    def save_note_draft(self, paper_id: int, note: str, entry: int | None) -> int | None:
        """Store a note being edited. Saves during one editing session (same ``entry``,
        still the latest change) update one history entry, so undo takes back the whole
        edit, not each pause in typing. Returns the entry to pass next time."""
        with self.transaction() as conn:
            latest = conn.execute("SELECT id, ops, undone FROM history "
                                  "ORDER BY id DESC LIMIT 1").fetchone()
            if entry is not None and latest and latest[0] == entry and not latest[2]:
                ops = json.loads(latest[1])
                if len(ops) == 1 and ops[0]["k"] == "set" and ops[0]["id"] == paper_id \
                        and set(ops[0]["f"]) == {"note"}:
                    ops[0]["f"]["note"][1] = note
                    conn.execute("UPDATE papers SET note = ? WHERE id = ?", (note, paper_id))
                    conn.execute("UPDATE history SET ops = ? WHERE id = ?",
                                 (json.dumps(ops, ensure_ascii=False), entry))
                    return entry
            if not self.set_note(paper_id, note):
                return entry
            return conn.execute("SELECT max(id) FROM history").fetchone()[0]

    def edit(self, paper_id: int, values: dict[str, Any] | None = None, **more: Any):
        """Set metadata of a paper by hand (typed values: core/improve.py edit_values reads
        them from text). One undoable change; an import or a service never overwrites
        them; the key is derived again unless it has left the app."""
        from .improve import edit_paper

        return edit_paper(self, paper_id, {**(values or {}), **more})

    def set_citekey(self, paper_id: int, key: str) -> bool:
        """Set a key by hand (the change is recorded); a hand-set key never changes again."""
        key = key.strip()
        from .citekeys import check_key  # unicodedata and all: only when a key is set

        problem = check_key(key)
        if problem:
            raise UsageError(f"{key!r}: {problem}")
        with self.change(f"citation key of #{paper_id} -> {key}") as changes:
            # bibtex and pybtex take keys that differ only in case for one.
            clash = self.conn.execute(
                "SELECT id FROM papers WHERE lower(citekey) = lower(?) AND id != ?",
                (key, paper_id)).fetchone()
            if clash:
                raise UsageError(f"citation key {key!r} already belongs to paper #{clash[0]}")
            current = self._fields([paper_id], ("citekey",))[paper_id]
            changes.set(paper_id, current, {"citekey": key})
            if not self.frozen_citekeys([paper_id]):
                changes.row("frozen_citekeys", None, {"paper_id": paper_id})
        return current["citekey"] != key

    def frozen_citekeys(self, ids: Iterable[int]) -> set[int]:
        """Those of ``ids`` whose key has left the app."""
        frozen: set[int] = set()
        for chunk in chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            frozen.update(r[0] for r in self.conn.execute(
                f"SELECT paper_id FROM frozen_citekeys WHERE paper_id IN ({marks})", chunk))
        return frozen

    def freeze_citekeys(self, ids: Iterable[int]) -> None:
        """Mark keys as having left the app (exported, copied): never regenerate them."""
        with self.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO frozen_citekeys VALUES (?)",
                             [(i,) for i in ids])

    def tag(self, ids: Iterable[int], tags: Iterable[str]) -> int:
        """Add tags to papers; returns how many (paper, tag) pairs were new."""
        ids, tags = list(dict.fromkeys(ids)), _clean_tags(tags)
        with self.change(f"tag {_papers_label(ids)} {', '.join(tags)}") as changes:
            self._fields(ids, ("id",))
            have = self._tag_pairs(ids)
            for pid in ids:
                for tag in tags:
                    if (pid, tag) not in have:
                        changes.row("tags", None, {"paper_id": pid, "tag": tag})
            return len(changes.ops)

    def untag(self, ids: Iterable[int], tags: Iterable[str]) -> int:
        ids, tags = list(dict.fromkeys(ids)), _clean_tags(tags)
        with self.change(f"untag {_papers_label(ids)} {', '.join(tags)}") as changes:
            self._fields(ids, ("id",))
            have = self._tag_pairs(ids)
            for pid in ids:
                for tag in tags:
                    if (pid, tag) in have:
                        changes.row("tags", {"paper_id": pid, "tag": tag}, None)
            return len(changes.ops)

    def _tag_pairs(self, ids: list[int]) -> set[tuple[int, str]]:
        pairs: set[tuple[int, str]] = set()
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            pairs.update(self.conn.execute(
                f"SELECT paper_id, tag FROM tags WHERE paper_id IN ({marks})", chunk))
        return pairs

    # -- sections ----------------------------------------------------------------------

    def _section_row(self, title: str) -> dict[str, Any]:
        s = self.section(title)
        return {"id": s.id, "title": s.title, "position": s.position,
                "description": s.description}

    def add_section(self, title: str, description: str = "",
                    position: int | None = None) -> Section:
        """Create a section, at the end or at 1-based ``position``."""
        title = _clean_section_title(title)
        with self.change(f"add section {title!r}") as changes:
            if self.conn.execute("SELECT 1 FROM sections WHERE title = ?", (title,)).fetchone():
                raise UsageError(f"section {title!r} already exists")
            rows = self._section_rows()
            new_id = (self.conn.execute("SELECT max(id) FROM sections").fetchone()[0] or 0) + 1
            index = len(rows) if position is None else max(0, min(position - 1, len(rows)))
            rows.insert(index, {"id": new_id, "title": title, "position": -1,
                                "description": description.strip()})
            self._renumber(changes, rows, new_id)
        return self.section(title)

    def _section_rows(self) -> list[dict[str, Any]]:
        return [dict(zip(("id", "title", "position", "description"), r)) for r in
                self.conn.execute("SELECT id, title, position, description FROM sections "
                                  "ORDER BY position")]

    def _renumber(self, changes: Changes, rows: list[dict], new_id: int | None = None) -> None:
        for position, row in enumerate(rows, 1):
            if row["id"] == new_id:
                changes.row("sections", None, {**row, "position": position})
            elif row["position"] != position:
                changes.row("sections", dict(row), {**row, "position": position})

    def rename_section(self, title: str, new_title: str) -> None:
        new_title = _clean_section_title(new_title)
        with self.change(f"rename section {title!r} to {new_title!r}") as changes:
            row = self._section_row(title)
            clash = self.conn.execute("SELECT id FROM sections WHERE title = ?",
                                      (new_title,)).fetchone()
            if clash and clash[0] != row["id"]:
                raise UsageError(f"section {new_title!r} already exists")
            changes.row("sections", row, {**row, "title": new_title})

    def describe_section(self, title: str, description: str) -> None:
        with self.change(f"describe section {title!r}") as changes:
            row = self._section_row(title)
            changes.row("sections", row, {**row, "description": description.strip()})

    def remove_section(self, title: str) -> None:
        """Delete a section; its papers stay in the review."""
        with self.change(f"remove section {title!r}") as changes:
            row = self._section_row(title)
            for pid, position in self.conn.execute(
                    "SELECT paper_id, position FROM section_papers WHERE section_id = ? "
                    "ORDER BY position", (row["id"],)).fetchall():
                changes.row("section_papers", {"section_id": row["id"], "paper_id": pid,
                                               "position": position}, None)
            changes.row("sections", row, None)
            self._renumber(changes, self._section_rows())

    def move_section(self, title: str, position: int) -> None:
        """Move a section to 1-based ``position`` (clamped to the ends)."""
        with self.change(f"move section {title!r} to {position}") as changes:
            row = self._section_row(title)
            rows = [r for r in self._section_rows() if r["id"] != row["id"]]
            rows.insert(max(0, min(position - 1, len(rows))), row)
            self._renumber(changes, rows)

    def assign(self, title: str, ids: Iterable[int], create: bool = False) -> int:
        """Add papers to the end of a section (creating it when asked); returns how many."""
        ids = list(dict.fromkeys(ids))
        if create and not self._has_section(title):
            self.add_section(title)
        with self.change(f"assign {_papers_label(ids)} to {title!r}") as changes:
            row = self._section_row(title)
            self._fields(ids, ("id",))
            present = {pid for (pid,) in self.conn.execute(
                "SELECT paper_id FROM section_papers WHERE section_id = ?", (row["id"],))}
            last = self.conn.execute("SELECT coalesce(max(position), 0) FROM section_papers "
                                     "WHERE section_id = ?", (row["id"],)).fetchone()[0]
            for pid in ids:
                if pid not in present:
                    last += 1
                    changes.row("section_papers", None,
                                {"section_id": row["id"], "paper_id": pid, "position": last})
            return len(changes.ops)

    def _has_section(self, title: str) -> bool:
        try:
            self.section(title)
        except NotFound:
            return False
        return True

    def unassign(self, title: str, ids: Iterable[int]) -> int:
        ids = list(dict.fromkeys(ids))
        with self.change(f"remove {_papers_label(ids)} from {title!r}") as changes:
            row = self._section_row(title)
            members = self._members(row["id"])
            keep = [m for m in members if m["paper_id"] not in ids]
            for m in members:
                if m["paper_id"] in ids:
                    changes.row("section_papers", m, None)
            removed = len(changes.ops)
            self._renumber_members(changes, keep)
            return removed

    def _members(self, section_id: int) -> list[dict[str, Any]]:
        return [{"section_id": section_id, "paper_id": pid, "position": pos} for pid, pos in
                self.conn.execute("SELECT paper_id, position FROM section_papers "
                                  "WHERE section_id = ? ORDER BY position", (section_id,))]

    def _renumber_members(self, changes: Changes, members: list[dict]) -> None:
        for position, m in enumerate(members, 1):
            if m["position"] != position:
                changes.row("section_papers", dict(m), {**m, "position": position})

    def move_in_section(self, title: str, paper_id: int, position: int) -> None:
        """Move a paper to 1-based ``position`` within a section (clamped to the ends)."""
        with self.change(f"move #{paper_id} in {title!r} to {position}") as changes:
            row = self._section_row(title)
            members = self._members(row["id"])
            mine = [m for m in members if m["paper_id"] == paper_id]
            if not mine:
                raise NotFound(f"paper #{paper_id} is not in section {row['title']!r}")
            rest = [m for m in members if m["paper_id"] != paper_id]
            rest.insert(max(0, min(position - 1, len(rest))), mine[0])
            self._renumber_members(changes, rest)

    # -- undo and redo -----------------------------------------------------------------

    def undo(self) -> HistoryEntry | None:
        """Undo the latest change still done; None when there is nothing to undo."""
        return self._step("SELECT id, at, label, ops FROM history WHERE undone = 0 "
                          "ORDER BY id DESC LIMIT 1", forward=False)

    def redo(self) -> HistoryEntry | None:
        return self._step("SELECT id, at, label, ops FROM history WHERE undone = 1 "
                          "ORDER BY id LIMIT 1", forward=True)

    def _step(self, query: str, forward: bool) -> HistoryEntry | None:
        # Undo may rewrite any number of rows: never into a damaged file. Checked once a
        # connection (a quick check reads the whole file: 80 ms at 20,000 papers).
        if not self._checked:
            from .integrity import check_before_writing
            check_before_writing(self)
            self._checked = True
        with self.transaction() as conn:
            row = conn.execute(query).fetchone()
            if row is None:
                return None
            entry_id, at, label, ops = row
            ops = json.loads(ops)
            replay(conn, ops, forward=forward)
            conn.execute("UPDATE history SET undone = ? WHERE id = ?",
                         (0 if forward else 1, entry_id))
        return HistoryEntry(entry_id, at, label, not forward, touched_papers(ops))


def touched_papers(ops: list[dict]) -> set[int] | None:
    """The papers a list of history operations changes (None: possibly all)."""
    ids: set[int] = set()
    for op in ops:
        if op["k"] == "set":
            if "removed" in op["f"]:
                return None  # a paper merged by hand leaves the list, or comes back
            ids.add(op["id"])
        elif op["k"] == "row":
            row = op["a"] or op["b"]
            if "paper_id" in row:
                ids.add(row["paper_id"])
            elif op["t"] == "sections":
                return None  # a section renamed or removed shows on all its papers
        else:
            return None
    return ids


def _connect(path: Path, uri: str | None) -> sqlite3.Connection:
    # connect's timeout is SQLite's busy timeout, in place before any statement (the
    # pragmas below included) can meet another process's lock.
    try:
        return sqlite3.connect(uri or path, timeout=BUSY_TIMEOUT, isolation_level=None,
                               check_same_thread=False, uri=uri is not None)
    except sqlite3.Error as exc:
        raise ReviewError(f"{path}: cannot open review ({exc})") from None


def _read_only_uri(path: Path) -> str:
    """A read-only open. With no ``-wal`` beside the review and a folder no one can write
    to, no one can be writing it (a writer needs a ``-wal``) and SQLite could not make the
    ``-shm`` it wants: the file is then opened as immutable."""
    mode = "mode=ro"
    if not Path(f"{path}-wal").exists() and not os.access(path.parent, os.W_OK):
        mode += "&immutable=1"
    return f"{path.resolve().as_uri()}?{mode}"


def _set_up(conn: sqlite3.Connection, path: Path, read_only: bool) -> None:
    if not read_only:
        # Reading the mode first: asking for WAL when the review is already in it would
        # still need a lock, and fail at once while another process imports.
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
                # Only a new file takes a page size (WAL fixes it at the first write).
                conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    conn.execute("PRAGMA foreign_keys = ON")
    version = schema.current_version(conn)
    if version > schema.VERSION:
        raise ReviewError(f"{path}: this review was written by a newer reviewer "
                          f"(schema {version}, this one knows {schema.VERSION})")
    if version < schema.VERSION:
        if read_only:
            raise _NeedsWriting
        if version > 0:
            from .backup import before_migration
            before_migration(conn, path)
        schema.migrate(conn)


class _NeedsWriting(Exception):
    """A review opened to be read needs a migration first."""


def _check_is_review(path: Path) -> bool:
    """Refuse files that are not reviews before SQLite writes anything into them; whether
    the review has any content yet.

    The file is read through SQLite only: a process that has the review open loses all
    its locks on it when it closes any descriptor of the file, so the TUI's import and
    export (which open the review again) must never open() it themselves.
    """
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return False  # Review.open makes the folder, or says why it cannot
    except OSError as exc:
        raise ReviewError(f"{path}: cannot read review ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ReviewError(f"{path}: is a directory, not a review file")
    if not stat.S_ISREG(st.st_mode):
        raise ReviewError(f"{path}: not a regular file, not a review; left untouched")
    if st.st_size == 0:
        return False  # an empty file: SQLite treats it as a new database
    # Without a WAL file beside it, open it as immutable: a read-only open of a file
    # whose header says WAL would still create -wal and -shm files next to somebody
    # else's database.
    mode = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True,
                               timeout=BUSY_TIMEOUT)
        try:
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise ReviewError(f"{path}: not a reviewer review (not an SQLite database); "
                              "left untouched") from None
        if isinstance(exc, sqlite3.OperationalError):
            raise _busy_or(exc, path) from None
        raise damaged(path, exc) from None
    if application_id != schema.APPLICATION_ID and tables:
        raise ReviewError(f"{path}: an SQLite database of another program, not a reviewer "
                          "review; left untouched")
    if st.st_size % page_size:
        # SQLite writes whole pages: a file cut short (a copy that did not finish, a full
        # disk) is caught here for the price of a stat, before it meets the missing page.
        raise damaged(path, f"{st.st_size} bytes, not a whole number of {page_size}-byte "
                            "pages: cut short")
    return True


# The review this process opened last, for naming the file in an SQLite error met
# outside the store (the CLI's last guard).
_opened: list[Path] = []


def last_opened() -> Path:
    return _opened[-1] if _opened else Path("the review")


def damaged(path: Path, exc: BaseException | str | None = None,
            done: str = "nothing was changed") -> DamagedReview:
    """What a user reads when SQLite finds the review's file damaged."""
    import shlex

    why = f" ({exc})" if exc else ""
    return DamagedReview(f"{path}: the review file is damaged{why}; {done}. Run "
                         f"`reviewer -r {shlex.quote(str(path))} check --repair` to rebuild it "
                         "from what can be read and from its backups", path, str(exc or ""))


def database_error(exc: sqlite3.Error, path: Path) -> ReviewError:
    """One line for an SQLite error met while using the review at ``path``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return damaged(path, exc)
    if isinstance(exc, sqlite3.OperationalError):
        return _busy_or(exc, path)
    return ReviewError(f"{path}: {exc}")


def _busy_or(exc: sqlite3.OperationalError, path: Path) -> ReviewError:
    text = str(exc)
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return ReviewError(f"{path}: the review is busy (another reviewer process is writing "
                           "to it); try again in a moment")
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return ReviewError(f"{path}: cannot change the review: the file or its folder is "
                           "read-only; nothing was changed")
    if name.startswith("SQLITE_FULL"):
        return ReviewError(f"{path}: the disk is full; nothing was changed (free some space "
                           "and try again)")
    if name.startswith("SQLITE_CANTOPEN"):
        return ReviewError(f"{path}: cannot open the review (no permission, or its folder "
                           "is read-only)")
    if name.startswith("SQLITE_CORRUPT"):
        return damaged(path, exc)
    return ReviewError(f"{path}: {text}")


def chunks(items: list, size: int = 900) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _papers_label(ids: list[int]) -> str:
    if len(ids) == 1:
        return f"#{ids[0]}"
    return f"{len(ids)} papers"


def _clean_tags(tags: Iterable[str]) -> list[str]:
    out = []
    for tag in tags:
        tag = " ".join(tag.split())
        if not tag:
            raise UsageError("a tag cannot be empty")
        if tag not in out:
            out.append(tag)
    if not out:
        raise UsageError("no tag given")
    return out


def _clean_section_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise UsageError("a section needs a title")
    return title

"""The .bib file of a selection, from the entries of the files exported before.

Rendering an entry is most of an export's work and its paper rarely changes between two
exports, so an export reuses the entries of the last file it wrote, where they still are:
the ``bib_entries`` table says where each paper's entry sits in which exported file, and
its CRC-32 whether the file still holds it there (a hand edit, a file moved or rewritten
by another tool: the entry is rendered again). The schema's triggers drop a paper's rows
as soon as a column its entry is made from, or a tag, changes; all rows go when the code
that renders entries may have changed (``renderer``). The entries live in the exported
files and not in the review: keeping them there cost a first export a third of its time.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ... import __version__
from .. import model, store
from ..gc_pause import gc_paused
from ..paths import check_export_targets, is_review_file
from ..store import Review
from . import bibtex
from .files import write_atomically
from .selection import Selection

RENDERER_KEY = "bib_entries_renderer"
# Export files whose entries are remembered: the few a survey writes (all references,
# one per chapter), not every file a script ever wrote.
FILES_KEPT = 8


def renderer() -> str:
    """The version and a checksum of the code an entry comes from: an upgrade, or an
    edit of that code in a working copy, never serves an entry made the old way."""
    checksum = 0
    for module in (bibtex, model, store):
        try:
            checksum = zlib.crc32(Path(module.__file__).read_bytes(), checksum)
        except (OSError, TypeError):  # no source to read: keep nothing across runs
            return f"{__version__} unchecked {id(module)}"
    return f"{__version__} {checksum:08x}"


@dataclass(slots=True)
class BibFile:
    pieces: list[bytes | memoryview]  # the .bib file, UTF-8, in the pieces it is written in
    ids: list[int]  # the papers in it, in citation key order
    unfrozen: list[int]  # those whose key has not left the app before
    # (paper id, offset, size, CRC-32) of each entry in the file
    places: list[tuple[int, int, int, int]] = field(default_factory=list)
    rendered: int = 0  # entries rendered, not found in an earlier export
    source: int | None = None  # the export file (bib_files.id) the others were found in
    # The file at ``out`` holds it already: every entry where the file's rows say, the
    # bytes between them as an export writes them (found without reading it twice).
    in_place: bool = False
    written: bool = False  # False when the file on disk held it already

    @property
    def data(self) -> bytes:
        return b"".join(self.pieces)


def bib_file(review: Review, selection: Selection, out: str | Path | None = None) -> BibFile:
    """The .bib file of the selected papers, reusing the entries of the file last written
    to ``out`` or else of the last export. Call it inside ``review.transaction()``, so
    that no other process changes a paper between its reading and the export's record.
    """
    conn = review.conn
    assert conn.in_transaction, "bib_file reads what write_bibtex records: use a transaction"
    current = renderer()
    kept = conn.execute("SELECT value FROM meta WHERE key = ?", (RENDERER_KEY,)).fetchone()
    if kept is None or kept[0] != current:
        conn.execute("DELETE FROM bib_entries")
        conn.execute("DELETE FROM bib_files")
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (RENDERER_KEY, current))
    source = _source(review, out)
    if source and is_review_file(os.fsdecode(source[1]), review.path):
        source = None  # never open the review's own files (that drops SQLite's locks)
    where, params = selection.bib_where(review)  # with the crossref/xdata targets
    with gc_paused():
        rows = conn.execute(f"SELECT p.id, p.citekey, f.paper_id IS NOT NULL, b.start, "
                            f"b.size, b.crc FROM papers p "
                            f"LEFT JOIN bib_entries b ON b.paper_id = p.id AND b.file_id = ? "
                            f"LEFT JOIN frozen_citekeys f ON f.paper_id = p.id "
                            f"WHERE {where} ORDER BY p.id",
                            [source[0] if source else -1, *params]).fetchall()
        old, whole = _read(source[1], rows) if source else (memoryview(b""), False)
        found = _found(old, rows)
        made = _render(review, [row[0] for row in rows if row[0] not in found], len(rows))
        rows.sort(key=lambda row: row[1].lower())  # bibtex.sort_key, inlined for 5,000 rows
        # bibtex.join's layout: the header, then the entries one blank line apart.
        header = bibtex.HEADER.encode()
        pieces: list[bytes | memoryview] = [header]
        places = []
        offset = len(header)
        in_place = whole and out is not None and source[1] == _key(out) and not made
        for row in rows:
            pid = row[0]
            piece, crc, start = found.get(pid) or made[pid]
            pieces += (piece, b"\n")
            places.append((pid, offset, len(piece), crc))
            in_place = in_place and start == offset  # a slice of the file, where it was
            offset += len(piece) + 1
        if rows:
            pieces.pop()  # no blank line after the last entry
            offset -= 1
        in_place = (in_place and len(old) == offset and old[:len(header)] == header
                    and all(old[start + size] == 10 for _, start, size, _ in places[:-1]))
    return BibFile(pieces, [row[0] for row in rows], [row[0] for row in rows if not row[2]],
                   places, len(made), source[0] if source else None, in_place)


# An entry as it goes in the file: its bytes, their CRC-32, and where it was found in the
# earlier file (-1 for an entry just rendered).
Entry = tuple[bytes | memoryview, int, int]


def _found(old: memoryview, rows: list[tuple]) -> dict[int, Entry]:
    """The entries the earlier file still holds where the rows say, by paper id."""
    crc32 = zlib.crc32
    found: dict[int, Entry] = {}
    for pid, _citekey, _frozen, start, size, crc in rows:
        if start is not None:
            piece = old[start:start + size]
            if len(piece) == size and crc32(piece) == crc:
                found[pid] = (piece, crc, start)
    return found


def _render(review: Review, missing: list[int], selected: int) -> dict[int, Entry]:
    if not missing:
        return {}
    # Reading every paper at once beats reading most of them by id.
    papers = (review.bib_papers() if len(missing) > selected // 2
              else review.bib_papers(missing))
    wanted, made = set(missing), {}
    for paper in papers:
        if paper.id in wanted:
            text = bibtex.entry(paper).encode()
            made[paper.id] = (text, zlib.crc32(text), -1)
    return made


def _source(review: Review, out: str | Path | None) -> tuple[int, bytes] | None:
    """The export file to take entries from: ``out`` when an export wrote it, else the
    last file written."""
    conn = review.conn
    if out is not None:
        row = conn.execute("SELECT id, path FROM bib_files WHERE path = ?",
                           (_key(out),)).fetchone()
        if row:
            return row
    return conn.execute("SELECT id, path FROM bib_files ORDER BY used DESC LIMIT 1").fetchone()


def _key(out: str | Path) -> bytes:
    # Bytes, as the OS names the file: a name that is not UTF-8 still opens again.
    return os.fsencode(Path(out).expanduser().resolve())


def _read(path: bytes, rows: list[tuple]) -> tuple[memoryview, bool]:
    """The part of ``path`` the rows point into (nothing when it cannot be read), and
    whether that is the whole file."""
    end = max((row[3] + row[4] for row in rows if row[3] is not None), default=0)
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            return memoryview(fh.read(end + 1)), size <= end  # (+1: past the last entry)
    except OSError:  # gone, moved, unreadable: its entries are rendered again
        return memoryview(b""), False


def write_bibtex(review: Review, selection: Selection, out: str | Path) -> BibFile:
    """Write the selection's .bib to ``out`` (unless it holds it already).

    One transaction: the written keys are frozen (they have left the app) and the places
    of the entries recorded only once the file is in place; a failed write keeps nothing.
    """
    check_export_targets(review.path, out)
    # Unchecked: the frozen keys and entry rows name papers read in this transaction.
    with review.transaction(checked=False):
        bib = bib_file(review, selection, out)
        bib.written = not bib.in_place and write_atomically(out, bib.pieces)
        record(review, bib, out)
    return bib


def record(review: Review, bib: BibFile, out: str | Path) -> None:
    """Remember where the entries of ``bib``, now in ``out``, are, and freeze its keys.
    In the transaction ``bib`` was made in, once the file is in place."""
    with review.transaction(checked=False) as conn:
        path = _key(out)
        conn.execute("INSERT INTO bib_files (path, used) VALUES (?, "
                     "(SELECT coalesce(max(used), 0) + 1 FROM bib_files)) "
                     "ON CONFLICT (path) DO UPDATE SET used = excluded.used", (path,))
        file_id = conn.execute("SELECT id FROM bib_files WHERE path = ?", (path,)).fetchone()[0]
        if bib.written or bib.rendered or bib.source != file_id:
            # (Else the file is as it was, entries where its rows say.)
            conn.execute("DELETE FROM bib_entries WHERE file_id = ?", (file_id,))
            conn.executemany(f"INSERT INTO bib_entries VALUES (?, {file_id}, ?, ?, ?)",
                             sorted(bib.places))  # in key order: appends to the B-tree
        stale = [row[0] for row in conn.execute(
            "SELECT id FROM bib_files ORDER BY used DESC LIMIT -1 OFFSET ?", (FILES_KEPT,))]
        for old in stale:
            conn.execute("DELETE FROM bib_entries WHERE file_id = ?", (old,))
            conn.execute("DELETE FROM bib_files WHERE id = ?", (old,))
        review.freeze_citekeys(bib.unfrozen)

"""The .bib file of a selection, from entries kept in the review.

Rendering an entry is most of an export's work and its paper rarely changes between two
exports, so each rendered entry is kept in the ``bib_entries`` table; the schema's
triggers drop it as soon as a column it was made from, or a tag, changes. Kept entries
are dropped too when the code that renders them may have changed (``renderer``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from ... import __version__
from .. import model, store
from ..bulk import gc_paused
from ..store import Review
from . import bibtex
from .files import write_atomically
from .selection import Selection

RENDERER_KEY = "bib_entries_renderer"


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
    pieces: list[bytes]  # the .bib file, UTF-8, in the pieces it is written in
    ids: list[int]  # the papers in it, in citation key order
    unfrozen: list[int]  # those whose key has not left the app before
    written: bool = False  # False when the file on disk held it already

    @property
    def data(self) -> bytes:
        return b"".join(self.pieces)


def bib_file(review: Review, selection: Selection) -> BibFile:
    """The .bib file of the selected papers. Entries not kept yet are rendered and kept:
    call it inside ``review.transaction()``, so that no other process changes a paper
    between its reading and its keeping.
    """
    conn = review.conn
    assert conn.in_transaction, "bib_file keeps entries: run it in a transaction"
    current = renderer()
    kept = conn.execute("SELECT value FROM meta WHERE key = ?", (RENDERER_KEY,)).fetchone()
    if kept is None or kept[0] != current:
        conn.execute("DELETE FROM bib_entries")
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (RENDERER_KEY, current))
    where, params = selection.where(review)
    with gc_paused():
        # Entries are kept as UTF-8 blobs: read, joined and written as bytes, an export
        # decodes and encodes nothing it has not just rendered.
        rows = conn.execute(f"SELECT p.id, p.citekey, f.paper_id IS NOT NULL, b.entry "
                            f"FROM papers p LEFT JOIN bib_entries b ON b.paper_id = p.id "
                            f"LEFT JOIN frozen_citekeys f ON f.paper_id = p.id "
                            f"WHERE {where} ORDER BY p.id", params).fetchall()
        missing = [row[0] for row in rows if row[3] is None]
        made: dict[int, bytes] = {}
        if missing:
            # Reading every paper at once beats reading most of them by id.
            papers = (review.papers(sources=False) if len(missing) > len(rows) // 2
                      else review.papers(missing, sources=False))
            wanted = set(missing)
            made = {p.id: bibtex.entry(p).encode() for p in papers if p.id in wanted}
            conn.executemany("INSERT OR REPLACE INTO bib_entries VALUES (?, ?)", made.items())
        rows.sort(key=lambda row: row[1].lower())  # bibtex.sort_key, inlined for 5,000 rows
        # bibtex.join's layout: the header, then the entries one blank line apart.
        pieces = [bibtex.HEADER.encode()]
        for row in rows:
            pieces += (made[row[0]] if row[3] is None else row[3], b"\n")
        if rows:
            pieces.pop()  # no blank line after the last entry
    return BibFile(pieces, [row[0] for row in rows], [row[0] for row in rows if not row[2]])


def write_bibtex(review: Review, selection: Selection, out: str | Path) -> BibFile:
    """Write the selection's .bib to ``out`` (unless it holds it already).

    One transaction: the written keys are frozen (they have left the app) only once the
    file is in place, and a failed write keeps nothing.
    """
    with review.transaction():
        bib = bib_file(review, selection)
        bib.written = write_atomically(out, bib.pieces)
        review.freeze_citekeys(bib.unfrozen)
    return bib

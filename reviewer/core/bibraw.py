"""The fields of an imported .bib entry, kept as written, so that the export gives them back.

Reference managers that users trust (Zotero with Better BibTeX, JabRef) carry what they do
not understand: biblatex fields (``location``, ``subtitle``, ``xdata``...), the entry type,
the user's braces and macros. Re-encoding the decoded text can only lose some of it
(``The \\TeX book``, ``chest {X}-ray``, ``\\d{H}``), so an imported entry keeps its raw
values in ``Paper.extra`` under reserved keys, and the export writes them back verbatim.

* ``bib:@type`` and ``bib:@key``: the entry type and citation key as imported;
* ``bib:<field>``: a field's value as BibTeX text (``{...}``, or a bare macro or number);
* ``bib:@sig``: a checksum of each metadata group as the entry was read. A group whose
  value has changed since (a merge brought a longer title, the user set authors) is
  written from the paper again, replacing its raw fields; the others stay as they came.
  The entry type and the other fields (``pages``, ``volume``...) follow the paper's
  ``entry_type`` and decoded extra fields when a change sets them (export/bibtex.py
  ``settle_imported``): what the user edits is what the export writes.

The decoded values on the paper itself are for display, search and dedup.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

from .model import Paper

PREFIX = "bib:"
TYPE = "bib:@type"
KEY = "bib:@key"
SIG = "bib:@sig"
# Papers read from a file that reviewer wrote: re-importing it into the review it came
# from must change nothing (no new provenance, no raw fields on a paper that had none).
FROM_EXPORT = "bib:@export"

# Metadata groups: how to read the group off a paper, the raw fields that hold it (they
# are dropped when the group has changed), and the fields the export writes for it.
GROUPS: dict[str, tuple[Callable[[Paper], object], tuple[str, ...], tuple[str, ...]]] = {
    "title": (lambda p: p.title, ("title",), ("title",)),
    "author": (lambda p: p.authors, ("author",), ("author",)),
    # Year and month: what the export writes of a date (and what it reads of a paper).
    "date": (lambda p: (p.year, p.month), ("year", "month", "day", "date"), ("year", "month")),
    "venue": (lambda p: p.venue, ("journal", "journaltitle", "booktitle"),
              ("journal", "booktitle", "howpublished")),
    "doi": (lambda p: p.doi, ("doi",), ("doi",)),
    "arxiv": (lambda p: p.arxiv_id,
              ("eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass"),
              ("eprint", "archiveprefix", "primaryclass")),
    "url": (lambda p: p.url, ("url",), ("url",)),
    "abstract": (lambda p: p.abstract, ("abstract",), ("abstract",)),
}


# Raw fields a metadata group holds, and those the export writes from the user's tags and
# note: an extra field of the same name (``extra.title``) never replaces them.
_NOT_EXTRA = frozenset({name for _, holds, _ in GROUPS.values() for name in holds}
                       | {"keywords", "annote"})
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]*")  # the app's own records in extra are no names


def is_extra_field(key: str) -> bool:
    """Whether ``key`` of ``Paper.extra`` is a BibTeX field whose raw value follows it."""
    return key not in _NOT_EXTRA and _FIELD_NAME.fullmatch(key) is not None


def _checksum(value: object) -> str:
    if not value or value == (None, None):  # most groups of most papers: no work
        return "-"
    return f"{zlib.crc32(repr(value).encode('utf-8', 'surrogatepass')):08x}"


def signature(paper: Paper) -> str:
    return " ".join(f"{name}:{_checksum(read(paper))}" for name, (read, _, _) in GROUPS.items())


def changed_groups(paper: Paper, sig: str) -> list[str]:
    """The groups whose value differs from the one recorded in ``sig``."""
    recorded = dict(part.split(":", 1) for part in sig.split() if ":" in part)
    return [name for name, (read, _, _) in GROUPS.items()
            if recorded.get(name) != _checksum(read(paper))]


def keep(paper: Paper, entry_type: str, key: str, raw: dict[str, str],
         from_export: bool = False) -> None:
    """Record the entry as read on ``paper`` (after its metadata is filled)."""
    extra = {TYPE: entry_type, KEY: key}
    extra.update((PREFIX + name, value) for name, value in raw.items())
    extra[SIG] = signature(paper)
    if from_export:
        extra[FROM_EXPORT] = "1"
    paper.extra.update(extra)


def has_raw(extra: dict[str, str]) -> bool:
    return TYPE in extra


def raw_fields(extra: dict[str, str]) -> dict[str, str]:
    """The entry's fields as written, in their order (without the reserved ``@`` keys)."""
    return {k[len(PREFIX):]: v for k, v in extra.items()
            if k.startswith(PREFIX) and not k.startswith("bib:@")}


def imported_key(paper: Paper) -> str:
    return paper.extra.get(KEY, "")


def without_raw(extra: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in extra.items() if not k.startswith(PREFIX)}

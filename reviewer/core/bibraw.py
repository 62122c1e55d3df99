"""The fields of an imported .bib entry, kept as written, so that the export gives them back.

Reference managers that users trust (Zotero with Better BibTeX, JabRef) carry what they do
not understand: biblatex fields (``location``, ``subtitle``, ``xdata``...), the entry type,
the user's braces and macros. Re-encoding the decoded text can only lose some of it
(``The \\TeX book``, ``chest {X}-ray``, ``\\d{H}``), so an imported entry keeps its raw
values in ``Paper.extra`` under reserved keys, and the export writes them back verbatim.

* ``bib:@type`` and ``bib:@key``: the entry type and citation key as imported;
* ``bib:<field>``: a field's value as BibTeX text (``{...}``, or a bare macro or number);

Every change to a paper settles its kept fields at once (export/bibtex.py
``settle_imported``, called by core/improve.py and merge.py): a metadata group whose value
the change set (a merge brought a longer title, the user set authors) is written from the
paper again, replacing its raw fields; the others stay as they came. The entry type and
the other fields (``pages``, ``volume``...) follow the paper's ``entry_type`` and decoded
extra fields when a change sets them: what the user edits is what the export writes. So
the kept fields always are the entry, and the export writes them without looking at the
paper's decoded values (reviews from before 2026-12-06 also hold a ``bib:@sig``, group
checksums that checked this at every export; nothing reads it now).

The decoded values on the paper itself are for display, search and dedup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from .model import Paper

PREFIX = "bib:"
_N = len(PREFIX)
TYPE = "bib:@type"
KEY = "bib:@key"
# A kept title or abstract that is the paper's own value in braces, as most abstracts
# are, is kept as this mark: its text is in the review once, not twice (the copy was
# a twelfth of importing a .bib with abstracts, and more of its first export). No kept
# value holds a control character (parsers/bibtex.py removes them).
AS_PAPER = "\x00"
_AS_PAPER_FIELDS = frozenset({"title", "abstract"})  # the raw field is the paper's field
# Papers read from a file that reviewer wrote: re-importing it into the review it came
# from must change nothing (no new provenance, no raw fields on a paper that had none).
FROM_EXPORT = "bib:@export"

# Metadata groups: the paper's fields that hold the group, the raw fields that hold it
# (they are dropped when the group has changed), and the fields the export writes for it.
GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "title": (("title",), ("title",), ("title",)),
    "author": (("authors",), ("author",), ("author",)),
    # Year and month: what the export writes of a date (and what it reads of a paper).
    "date": (("year", "month"), ("year", "month", "day", "date"), ("year", "month")),
    "venue": (("venue",), ("journal", "journaltitle", "booktitle"),
              ("journal", "booktitle", "howpublished")),
    "doi": (("doi",), ("doi",), ("doi",)),
    "arxiv": (("arxiv_id",),
              ("eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass"),
              ("eprint", "archiveprefix", "primaryclass")),
    "url": (("url",), ("url",), ("url",)),
    "abstract": (("abstract",), ("abstract",), ("abstract",)),
}


# Raw fields a metadata group holds, and those the export writes from the user's tags and
# note: an extra field of the same name (``extra.title``) never replaces them.
_NOT_EXTRA = frozenset({name for _, holds, _ in GROUPS.values() for name in holds}
                       | {"keywords", "annote"})
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]*")  # the app's own records in extra are no names


def is_extra_field(key: str) -> bool:
    """Whether ``key`` of ``Paper.extra`` is a BibTeX field whose raw value follows it."""
    return key not in _NOT_EXTRA and _FIELD_NAME.fullmatch(key) is not None


def changed_groups(paper: Paper, was: Mapping[str, object]) -> list[str]:
    """The groups a change set: ``was`` holds the values of the fields it changed, as
    they were before it."""
    return [name for name, (held, _, _) in GROUPS.items()
            if any(f in was and was[f] != getattr(paper, f) for f in held)]


def _braced(value: str, text: str) -> bool:
    """Whether ``value`` is "{" + text + "}" (compared in place: abstracts are long)."""
    return (len(value) == len(text) + 2 and value[0] == "{" and value[-1] == "}"
            and value.startswith(text, 1))


def group_values(paper: Paper) -> dict[str, object]:
    """The values of ``paper``'s fields that hold metadata groups."""
    return {name: getattr(paper, name) for held, _, _ in GROUPS.values() for name in held}


def keep(paper: Paper, entry_type: str, key: str, raw: dict[str, str],
         from_export: bool = False) -> None:
    """Record the entry as read on ``paper``."""
    extra = {TYPE: entry_type, KEY: key}
    for name, value in raw.items():
        if name in _AS_PAPER_FIELDS and _braced(value, getattr(paper, name)):
            value = AS_PAPER
        extra[PREFIX + name] = value
    if from_export:
        extra[FROM_EXPORT] = "1"
    paper.extra.update(extra)


def has_raw(extra: dict[str, str]) -> bool:
    return TYPE in extra


def raw_items(paper: Paper) -> Iterator[tuple[str, str]]:
    """The entry's fields as written, in their order (without the reserved ``@`` keys)."""
    for key, value in paper.extra.items():
        if key.startswith(PREFIX) and key[_N] != "@":
            name = key[_N:]
            yield name, "{" + getattr(paper, name) + "}" if value == AS_PAPER else value


def raw_fields(paper: Paper) -> dict[str, str]:
    return dict(raw_items(paper))


def as_written(paper: Paper) -> dict[str, str]:
    """``paper.extra`` with the kept fields as written (no AS_PAPER marks)."""
    extra = paper.extra
    if AS_PAPER not in extra.values():
        return extra.copy()
    raw = raw_fields(paper)
    return {k: raw[k[_N:]] if v == AS_PAPER else v for k, v in extra.items()}


def imported_key(paper: Paper) -> str:
    return paper.extra.get(KEY, "")


def without_raw(extra: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in extra.items() if not k.startswith(PREFIX)}

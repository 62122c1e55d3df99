"""A paper's metadata as one BibTeX entry to correct by hand (the format users of
reference managers know best), and the entry read back.

The edited text is read with the BibTeX parser the imports use, then compared with the
entry as it was written, read the same way: only the fields the user changed are
offered, so what merely goes through BibTeX and back (braces around an acronym, an
escaped ``&``) changes nothing and takes nothing from later imports. The changed fields
are checked as ``reviewer edit`` checks its options (``edit_values``), and what the
parser would quietly drop or misread (a year that is no year, a comma missing at a line's
end, a second entry, a new key for a paper whose key has left the app) is refused with
its line, so the user can fix it in the text they typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .citekeys import check_key
from .errors import UsageError
from .export.bibtex import MONTHS, escape, escape_title
from .improve import Improvement, edit_values
from .model import Paper
from .parsers.base import ParseContext
from .parsers.bibtex import EXTRA_FIELDS, parse
from .store import Review
from .text import normalize_arxiv_id, normalize_doi

_NAME = re.compile(r"[a-z][a-z0-9_-]*")  # an extra field the user can see and edit
_FIELD_LINE = re.compile(r"^[ \t]*([A-Za-z][\w-]*)[ \t]*=", re.M)


class EntryError(UsageError):
    """The edited entry cannot be taken as it stands; ``line`` (1-based) says where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(slots=True)
class EntryEdit:
    """What the user changed: typed values for ``Review.edit`` and a new citation key."""

    values: dict[str, Any] = field(default_factory=dict)
    key: str = ""  # a key the user wrote in place of the paper's ("": unchanged)
    key_line: int = 0

    def __bool__(self) -> bool:
        return bool(self.values or self.key)


def entry_text(paper: Paper, key_frozen: bool = False) -> str:
    """The paper's metadata as one BibTeX entry, with a few comment lines that say how
    it is read back."""
    lines = [f"% Paper #{paper.id}: correct the entry, save and quit the editor.",
             "% Only the fields you change are stored, as yours: no import or online",
             "% service overwrites them later. Authors: Last, First and Last, First.",
             "% An empty file changes nothing."]
    if key_frozen:
        lines.append("% The citation key has left the app (exported or copied): it stays.")
    else:
        lines.append("% The citation key follows the new metadata, unless you change it.")
    hidden = [name for name in extra_fields(paper) if name not in EXTRA_FIELDS]
    if hidden:
        lines.append(f"% Not shown here (edit them in the form): {', '.join(hidden)}.")
    if not paper.authors and paper.author_count:
        lines.append(f"% The source gave {paper.author_count} authors but not their names.")
    kind = paper.entry_type or "misc"
    out = ["\n".join(lines), "", f"@{kind}{{{paper.citekey},"]
    values = _written(paper, kind)
    width = max((len(name) for name, _ in values), default=0)
    out += [f"  {name.ljust(width)} = {value}," for name, value in values]
    if values:
        out[-1] = out[-1][:-1]
    out.append("}")
    return "\n".join(out) + "\n"


def _written(paper: Paper, kind: str) -> list[tuple[str, str]]:
    values: list[tuple[str, str]] = []

    def add(name: str, value: str, bare: bool = False) -> None:
        if value:
            values.append((name, value if bare else "{" + value + "}"))

    add("author", escape(" and ".join(paper.authors)))
    add("title", escape_title(paper.title))
    add("journal" if kind == "article" else "booktitle", escape(paper.venue))
    add("year", str(paper.year or ""))
    add("month", MONTHS[paper.month - 1] if paper.month else "", bare=True)
    add("day", str(paper.day or ""))
    add("doi", _verbatim(paper.doi))
    if paper.arxiv_id:
        add("eprint", _verbatim(paper.arxiv_id))
        add("archiveprefix", "arXiv")
        add("primaryclass", _verbatim(paper.primary_class))
    add("url", _verbatim(paper.url))
    add("keywords", escape(", ".join(paper.keywords)))
    for name in EXTRA_FIELDS:
        add(name, escape(paper.extra.get(name, "")))
    add("abstract", escape(paper.abstract))
    return values


def _verbatim(value: str) -> str:
    return value.replace("{", "%7B").replace("}", "%7D")


def extra_fields(paper: Paper) -> dict[str, str]:
    """The paper's extra BibTeX fields a user sees and edits (``volume``, ``pages``...),
    without the app's own records kept beside them (whose names are no field names)."""
    return {name: value for name, value in paper.extra.items() if _NAME.fullmatch(name)}


def read_entry(original: str, edited: str, key: str, key_frozen: bool) -> EntryEdit:
    """What the user changed between ``original`` (``entry_text``) and ``edited``;
    ``key``: the paper's citation key. Raises EntryError (with the line) for what cannot
    be taken."""
    if not _without_comments(edited).strip():
        return EntryEdit()
    before = _read(original)
    after = _read(edited)
    edit = EntryEdit()
    if after.key != key:
        if key_frozen:
            raise EntryError(f"the citation key {key} has left the app (exported or "
                             f"copied) and never changes; put it back in place of "
                             f"{after.key or 'nothing'}", after.line)
        problem = check_key(after.key)
        if problem:
            raise EntryError(f"{after.key!r}: {problem}", after.line)
        edit.key, edit.key_line = after.key, after.line
    for name, value in after.raw.items():
        if before.raw.get(name) == value:
            continue
        if name not in _READ and name not in before.raw:
            raise EntryError(f"reviewer does not read {name!r} back from BibTeX: set it "
                             f"with the form or reviewer edit --field", after.lines[name])
        _check_read(name, value, after)
    was = _as_text(before.paper)
    for name, text in _as_text(after.paper).items():
        if was.get(name, "") == text:
            continue
        try:
            edit.values.update(edit_values({name: text}))
        except UsageError as error:
            raise EntryError(str(error), _line_of(name, after)) from None
    return edit


@dataclass(slots=True)
class _Entry:
    paper: Paper
    key: str
    line: int  # of the "@type{key," line
    lines: dict[str, int]  # field name (lower case) -> line
    raw: dict[str, str]  # field name -> value as written, enclosing braces off


# Where a paper field is written in the entry, when its name there differs.
_WRITTEN_AS = {"authors": ("author",), "entry_type": ("@",), "arxiv_id": ("eprint", "url"),
               "primary_class": ("primaryclass",),
               "venue": ("journal", "booktitle", "journaltitle")}
# The fields the parser reads (the others it drops).
_READ = frozenset({"author", "title", "journal", "journaltitle", "booktitle", "year",
                   "month", "day", "date", "doi", "eprint", "archiveprefix", "eprinttype",
                   "primaryclass", "url", "keywords", "abstract", "crossref", *EXTRA_FIELDS})


def _line_of(name: str, entry: _Entry) -> int:
    for written in _WRITTEN_AS.get(name, (name.removeprefix("extra."),)):
        if written in entry.lines:
            return entry.lines[written]
    return entry.line


def _read(text: str) -> _Entry:
    import bibtexparser

    # Comment lines go (their lines stay, for the line numbers): inside an entry,
    # bibtexparser would take one for a part of the next field.
    text = _without_comments(text)
    result = parse(text, ParseContext("entry.bib", 2000))
    if result.skipped:
        first = result.skipped[0]
        raise EntryError(first.reason, first.line)
    library = bibtexparser.parse_string(text, parse_stack=[])
    entries = library.entries
    if not entries:
        raise EntryError("no BibTeX entry found: it starts with @misc{key, (or another type)")
    if len(entries) > 1:
        raise EntryError("one entry only: the paper's", (entries[1].start_line or 0) + 1)
    if len(result.papers) != 1:  # an @string or @comment only, say
        raise EntryError("no BibTeX entry found: it starts with @misc{key, (or another type)")
    entry = entries[0]
    line = (entry.start_line or 0) + 1
    lines: dict[str, int] = {"@": line}
    raw: dict[str, str] = {}
    for item in entry.fields:
        name = item.key.lower()
        lines[name] = (item.start_line or 0) + 1
        value = item.value if isinstance(item.value, str) else ""
        stray = _FIELD_LINE.search(value)
        if stray:  # bibtexparser reads on into the next line's field
            where = lines[name] + value.count("\n", 0, stray.start())
            raise EntryError(f"a comma is missing at the end of the line before "
                             f"{stray.group(1)!r}", where)
        raw[name] = value.strip()[1:-1] if value.strip()[:1] in "{\"" else value.strip()
    if not raw.get("title", "").strip(" {}"):
        raise EntryError("the entry needs a title", lines.get("title", line))
    return _Entry(result.papers[0], entry.key, line, lines, raw)


_COMMENT_LINE = re.compile(r"^[ \t]*%[^\n]*", re.M)


def _without_comments(text: str) -> str:
    """The text without its comment lines (left empty, so that line numbers stay)."""
    return _COMMENT_LINE.sub("", text)


def _as_text(paper: Paper) -> dict[str, str]:
    """The paper's editable fields as ``reviewer edit`` takes them (text)."""
    values = {
        "title": paper.title, "authors": "; ".join(paper.authors),
        "year": str(paper.year or ""), "month": str(paper.month or ""),
        "day": str(paper.day or ""), "venue": paper.venue, "entry_type": paper.entry_type,
        "arxiv_id": paper.arxiv_id, "doi": paper.doi, "url": paper.url,
        "primary_class": paper.primary_class, "keywords": ", ".join(paper.keywords),
        "abstract": paper.abstract,
    }
    for name in EXTRA_FIELDS:
        values[f"extra.{name}"] = paper.extra.get(name, "")
    return values


def _check_read(name: str, text: str, entry: _Entry) -> None:
    """Refuse a value the parser would leave out (and so clear the field): a year that
    is no year, a DOI or arXiv id that is none."""
    text = text.strip()
    if not text:
        return
    paper = entry.paper
    problem = {"year": lambda: paper.year is None and "a year",
               "month": lambda: paper.month is None and "a month (1-12 or jan-dec)",
               "doi": lambda: not normalize_doi(text) and "a DOI",
               "eprint": lambda: not normalize_arxiv_id(text) and "an arXiv id"}.get(name)
    if problem is not None and problem():
        raise EntryError(f"{text!r} is not {problem()}", entry.lines[name])


def apply_entry(review: Review, paper_id: int, edit: EntryEdit) -> Improvement:
    """Store what the user changed: the fields with origin 'user' and the new key (set by
    hand, so it never changes again), as one undoable change."""
    names = [name.split(".")[-1] for name in edit.values] + (["key"] if edit.key else [])
    with review.change(f"edit #{paper_id}: {', '.join(dict.fromkeys(names))}"):
        done = review.edit(paper_id, edit.values) if edit.values else Improvement()
        if edit.key:
            old = review.get(paper_id).citekey
            try:
                changed = review.set_citekey(paper_id, edit.key)
            except UsageError as error:  # another paper's key
                raise EntryError(str(error), edit.key_line) from None
            if changed:
                done.keys[paper_id] = (done.keys.get(paper_id, (old,))[0], edit.key)
    return done


__all__ = ["EntryEdit", "EntryError", "apply_entry", "entry_text", "extra_fields",
           "read_entry"]

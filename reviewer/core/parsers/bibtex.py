"""BibTeX files, read with bibtexparser 2.x.

bibtexparser splits the file, resolves ``@string`` macros and removes the outer braces;
its name splitting keeps particles and "Jr" parts; its LaTeX decoder (pylatexenc) turns
``M{\\"u}ller`` into Müller. Decoding is the slow part, so only values that hold a
backslash go through it; values that merely protect capitals with braces lose the braces.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from .. import bibraw
from ..latex import MAX_DEPTH, decode_latex, strip_braces, too_deep
from ..model import Paper, Source
from ..paths import show
from ..text import (CONTROL, arxiv_id_from_doi, arxiv_id_from_url, clean_text,
                    extract_links, has_controls, normalize_arxiv_id, normalize_doi)
from .base import STREAM_BATCH, ParseContext, ParseResult

NAME = "bibtex"
LABEL = "BibTeX file"

# Blanks before "@" are taken within the line: from each line start, \s* ran over every
# blank line after it (25,000 empty lines took 1.5 s).
_ENTRY_START = re.compile(r"^[^\S\n]*@\s*[A-Za-z]+\s*[{(]", re.M)
_NOT_ENTRIES = frozenset({"string", "comment", "preamble"})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2[0-2]\d\d)(?!\d)")
# Fields carried to the export as they are (after decoding), besides the ones Paper models.
EXTRA_FIELDS = ("volume", "number", "pages", "publisher", "editor", "series", "address",
                "edition", "organization", "institution", "school", "howpublished", "isbn",
                "issn", "chapter", "type", "note")
# Fields the paper shows as text: decoded from LaTeX.
_TEXT_FIELDS = ("title", "journal", "journaltitle", "booktitle", "abstract", "keywords",
                *EXTRA_FIELDS)
_TEXT_SET = frozenset(_TEXT_FIELDS)


def detect(sample: str) -> float:
    entries = [m.group(0) for m in _ENTRY_START.finditer(sample)]
    real = [e for e in entries if re.sub(r"[\s@{(]", "", e).lower() not in _NOT_ENTRIES]
    if not real:
        return 0.0
    has_fields = re.search(r"^[^\S\n]*[A-Za-z][\w-]*\s*=\s*[{\"\d\w]", sample, re.M) is not None
    return 0.95 if has_fields else 0.6


# The first line of every .bib reviewer writes (export/bibtex.py HEADER).
EXPORT_HEADER = "% Exported by reviewer."


def parse(text: str, ctx: ParseContext) -> ParseResult:
    own = text.lstrip("\ufeff").startswith(EXPORT_HEADER)
    return _parse_part(text, ctx, own=own).finish()


@dataclass(slots=True)
class _Part:
    result: ParseResult
    notes: list[tuple[int, str]]  # warnings and their lines, to give them in file order

    def finish(self) -> ParseResult:
        self.result.skipped.sort(key=lambda skipped: skipped.line)
        self.notes.sort(key=lambda note: note[0])
        self.result.warnings = [message for _, message in self.notes]
        return self.result


def _parse_part(text: str, ctx: ParseContext, own: bool = False) -> _Part:
    """Read the blocks of ``text``; ``own``: the file is one reviewer exported."""
    from bibtexparser.model import DuplicateBlockKeyBlock

    result = ParseResult()
    notes: list[tuple[int, str]] = []  # warnings by line, so they read in file order
    library, repeated = _library(text)

    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):  # an @string defined twice
            notes.append((line, f"{show(ctx.file)}:{line}: @string {block.key!r} defined again; "
                                "the first definition is used"))
            continue
        error = block.error
        message = getattr(error, "abort_reason", None) or str(error).strip()
        reason = " ".join(message.split()) if message else type(error).__name__
        result.skip(line, f"unreadable BibTeX block ({reason})")

    macros = {k.lower(): _unenclosed(s.value)[0] for k, s in library.strings_dict.items()}
    controls = has_controls(text)  # one scan, not one per field
    entries = library.entries
    read = [_fields(entry, macros, controls) for entry in entries]
    # An entry's own fields, by its key and by biblatex's key aliases (``ids``).
    by_key = {e.key: fields for e, (fields, _) in zip(entries, read) if e.key not in repeated}
    for fields, _ in read:
        for alias in fields.get("ids", "").split(","):
            if alias.strip():
                by_key.setdefault(alias.strip(), fields)
    lines = [(entry.start_line or 0) + 1 for entry in entries]
    for entry, line, (fields, raw) in zip(entries, lines, read):
        if entry.key in repeated:
            entry.key = repeated[entry.key]
            notes.append((line, f"{show(ctx.file)}:{line}: duplicate entry key {entry.key!r}"))
        if "crossref" in fields:
            fields = _inherited(fields, by_key)
        if not clean_text(strip_braces(fields.get("title", ""))):
            # Reference managers keep such entries (name lists, cross-referenced parts):
            # so do we, under a title that says what is missing.
            # The placeholder is for the screen only: the export writes the entry's own
            # fields (bibraw), so no "Untitled" reaches a bibliography.
            fields["title"] = f"Untitled ({entry.key})"
            if entry.entry_type.lower() not in _CONTAINERS:
                notes.append((line, f"{show(ctx.file)}:{line}: entry {entry.key!r} has no "
                                    f"title; shown as {fields['title']!r}"))
        try:
            paper = _paper(entry.entry_type.lower(), fields)
            bibraw.keep(paper, entry.entry_type.lower(), entry.key, raw, own)
        except Exception as exc:  # one odd entry must not cost the rest of the file
            result.skip(line, f"entry {entry.key!r} could not be read ({exc})")
            continue
        paper.sources = [Source(ctx.file, line, NAME)]
        deep = [k for k, v in fields.items() if (k in _TEXT_SET or k == "author") and too_deep(v)]
        if deep:
            notes.append((line, f"{show(ctx.file)}:{line}: entry {entry.key!r}: LaTeX nested deeper "
                                f"than {MAX_DEPTH} braces left as written in {', '.join(deep)}"))
        result.papers.append(paper)
        if ctx.on_papers and len(result.papers) % STREAM_BATCH == 0:
            ctx.on_papers(result.papers)
    return _Part(result, notes)


# Entries that hold fields for others (biblatex's @xdata, @set): no title expected.
_CONTAINERS = frozenset({"xdata", "set"})


def _fields(entry, macros: dict[str, str], controls: bool = True
            ) -> tuple[dict[str, str], dict[str, str]]:
    """The entry's fields, macros and concatenations resolved, and the same fields as
    BibTeX text to write back (bibraw): braced, or bare where the file left them bare
    and unresolved (``month = jan``, a macro the file does not define)."""
    fields: dict[str, str] = {}
    raw: dict[str, str] = {}
    for f in entry.fields:
        written = f.value
        if not isinstance(written, str):
            continue
        name = f.key.lower()
        value, enclosing = _unenclosed(written)
        # As bibtexparser's RemoveEnclosingMiddleware marks it: a macro or concatenation.
        bare = enclosing == "no-enclosing" and not value.isdigit()
        if "%" in name:  # a comment line before the field: bibtexparser reads it as part
            name = _COMMENT_LINE.sub("", name).strip()  # of the field's name
        if bare and "%" in value:  # a comment after the value
            value, bare = _without_comment(value)
        resolved = _concatenate(value, macros)
        fields[name] = resolved
        bare = bare and resolved == value
        if bare:
            kept = value
        elif enclosing == "{" and resolved is value:
            kept = written.strip()  # "{" + value + "}", as the file has it: no copy
        else:
            kept = "{" + resolved + "}"
        # Control characters (an ANSI colour, a NUL) never reach the export; tabs and
        # line breaks are layout.
        raw[name] = CONTROL.sub("", kept) if controls else kept
    return fields, raw


# A comment after a field (``title = {X}, % why``), as biber reads it; bibtexparser would
# read a comma in it as the end of a field. The line itself stays (line numbers).
_FIELD_COMMENT = re.compile(r"([}\"],?)[ \t]+%[^\n]*$", re.M)
# A line that is a comment, as biber reads it: ``%@book{old,`` is no entry.
_LINE_COMMENT = re.compile(r"^[ \t]*%[^\n]*", re.M)
_COMMENT_LINE = re.compile(r"%[^\n]*(?:\n|$)")
_TRAILING_COMMENT = re.compile(r"(.*?[}\"])[ \t]*%[^\n]*", re.S)


def _without_comment(value: str) -> tuple[str, bool]:
    """``{x}  % comment`` -> (``x``, False): the value without the comment; bare
    (True) when what is left is not enclosed either."""
    match = _TRAILING_COMMENT.fullmatch(value)
    if not match:
        return value, True
    inner, enclosing = _unenclosed(match.group(1))
    return (inner, False) if enclosing != "no-enclosing" else (value, True)


def _unenclosed(value: str) -> tuple[str, str]:
    """(value, enclosing): bibtexparser's RemoveEnclosingMiddleware on one value, where
    _fields reads it (the middleware's pass over the library was a tenth of reading a
    big file): the outer braces or quotes off, and which they were ("no-enclosing")."""
    from bibtexparser.middlewares import RemoveEnclosingMiddleware

    return RemoveEnclosingMiddleware._strip_enclosing(value)


def _library(text: str):
    """bibtexparser's default parse, and the entries that repeat a key, by a stand-in key.
    Values keep their enclosing braces or quotes (_unenclosed takes them off).

    The same key twice in one file is a slip of the file's author, not a reason to lose a
    paper: the repeat is imported (dedup merges it if it really is the same paper). It
    takes a stand-in key through the parse stack, which skips blocks it sees as failed.
    The walk over every field that resolves ``@string`` macros is skipped when the text
    defines none (a tenth of reading a big file).
    """
    import bibtexparser
    from bibtexparser.library import Library
    from bibtexparser.middlewares import ResolveStringReferencesMiddleware
    from bibtexparser.model import DuplicateBlockKeyBlock, Entry

    from . import bibtex_marks

    bibtex_marks.install()
    _quiet(logging.getLogger("bibtexparser"))
    if "%" in text:
        text = _FIELD_COMMENT.sub(r"\1", _LINE_COMMENT.sub("", text))
    library = bibtexparser.parse_string(text, parse_stack=[])
    repeated: dict[str, str] = {}
    if any(isinstance(block, DuplicateBlockKeyBlock) for block in library.failed_blocks):
        blocks = []
        for block in library.blocks:
            if isinstance(block, DuplicateBlockKeyBlock) and \
                    isinstance(block.ignore_error_block, Entry):
                block = block.ignore_error_block
                stand_in = f"{block.key}\x00{len(repeated)}"  # no key holds a NUL
                repeated[stand_in], block.key = block.key, stand_in
            blocks.append(block)
        library = Library(blocks)
    if library.strings:
        library = ResolveStringReferencesMiddleware(True).transform(library)
    return library, repeated


_CONCAT_PART = re.compile(r'\s*(\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}|"[^"]*"|[^\s#"{}]+)\s*(#|$)')


def _concatenate(value: str, macros: dict[str, str]) -> str:
    """Resolve BibTeX's ``#`` concatenation (``neurips # " 30"``), which bibtexparser
    leaves as written; bibtexparser has already resolved values that are a lone macro."""
    if "#" not in value or not re.match(r'\s*[\w"{]', value):
        return value
    parts, position = [], 0
    while position < len(value):
        match = _CONCAT_PART.match(value, position)
        if match is None or match.end() == position:
            return value  # not a concatenation after all (a '#' inside plain text)
        token = match.group(1)
        if token[0] in '{"':
            parts.append(token[1:-1])
        elif token.isdigit():
            parts.append(token)
        elif token.lower() in macros:
            parts.append(macros[token.lower()])
        elif token.lower()[:3] in _MONTHS and len(token) == 3:
            parts.append(token)
        else:
            return value
        position = match.end()
        if match.group(2) == "":
            break
    return "".join(parts)


def _quiet(logger: logging.Logger) -> None:
    # bibtexparser logs every broken block as a warning; we report them ourselves.
    logger.setLevel(logging.CRITICAL)


def _inherited(fields: dict[str, str], by_key: dict[str, dict[str, str]]) -> dict[str, str]:
    """The fields and those missing filled from the crossref'd parent's own, as BibTeX and
    biber do (a new dict: the parent's fields are another child's parent's own)."""
    parent = by_key.get(fields.get("crossref", "").strip())
    if parent is None:
        return fields
    out = dict(fields)
    for key, value in parent.items():
        if key in ("id", "crossref"):
            continue
        out.setdefault("booktitle" if key == "title" else key, value)
    return out


# BibTeX's name separator: "and" with blanks on both sides (any case).
_AND = re.compile(r"[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")


def split_names(raw: str) -> list[str]:
    """bibtexparser's ``split_multiple_persons_names``, whose character loop was a fifth
    of reading a .bib: a regular split gives the same names when no brace or backslash
    can hide an "and" (a property test holds the two equal)."""
    if "{" in raw or "\\" in raw:
        from bibtexparser.middlewares.names import split_multiple_persons_names
        return split_multiple_persons_names(raw)
    raw = raw.strip(" \r\n\t")
    return _AND.split(raw) if raw else []


def _names(raw: str) -> list[str]:
    if _PLAIN_LIST.fullmatch(raw):
        # What _names_one_by_one makes of such a list, in one match: a third of the time
        # spent on names.
        return raw.split(" and ")
    return _names_one_by_one(raw)


def _names_one_by_one(raw: str) -> list[str]:
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    names = []
    for person in split_names(raw):
        person = person.strip()
        if not person:
            continue
        if person.lower() == "others":
            names.append("others")
            continue
        if person.count(",") > 2 and "{" not in person:
            # More parts than "von Last, Jr, First": BibTeX would guess; carried as written.
            names.append(clean_text(decode_latex(person)))
            continue
        simple = _simple_name(person)
        if simple:
            names.append(simple)
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=False)
        except Exception:
            names.append(clean_text(decode_latex(person)))
            continue
        last = " ".join(parts.von + parts.last)
        pieces = [last] + ([" ".join(parts.jr)] if parts.jr else []) + (
            [" ".join(parts.first)] if parts.first else [])
        name = clean_text(decode_latex(", ".join(pieces))) if parts.first or parts.jr else \
            clean_text(decode_latex(last))
        if name:
            names.append(name)
    return names


# A name part that needs no BibTeX name parsing: capitalised words, no braces, commas,
# backslashes or control characters (so no particle, Jr part or LaTeX). Capitals: ASCII and
# the Latin ones of Latin-1 and Latin Extended-A/B (Élodie, Łukasz, Ørsted), upper case
# for BibTeX's name parser as for Python; other scripts take the general parser.
_CAPITALS = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
_PLAIN_WORD = (r"(?!(?i:and)(?=[ ,]|$))[" + _CAPITALS  # "AND" separates
               + r"][^\s,{}\\\x00-\x1f\x7f-\x9f]*")
_PLAIN_PART = f"{_PLAIN_WORD}(?: {_PLAIN_WORD})*"
_PLAIN_NAME = re.compile(f"^{_PLAIN_PART}$")
# A whole author list of such "Last, First" names, as most .bib files write it.
_PLAIN_LIST = re.compile(f"{_PLAIN_PART}, {_PLAIN_PART}(?: and {_PLAIN_PART}, {_PLAIN_PART})*")


def _simple_name(person: str) -> str:
    """'Smith, Ada' needs no BibTeX name parsing: no braces, no particle, no Jr part.

    Most names in real files look like this, and skipping the general parser for them
    halves the time spent on names; everything else goes through bibtexparser.
    """
    last, comma, first = person.partition(",")
    if not comma or "," in first:
        return ""
    last, first = last.strip(), first.strip()
    if _PLAIN_NAME.match(last) and (not first or _PLAIN_NAME.match(first)):
        return f"{last}, {first}" if first else last
    return ""


def _month(value: str) -> int | None:
    value = value.strip().lower().rstrip(".")
    if value.isdigit():
        number = int(value)
        return number if 1 <= number <= 12 else None
    return _MONTHS.index(value[:3]) + 1 if value[:3] in _MONTHS else None


def _date(fields: dict[str, str]) -> tuple[int | None, int | None, int | None]:
    """Year, month and day from year/month/day or from a biblatex date (2020-05-01)."""
    year = month = day = None
    date = fields.get("date", "")
    match = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", date)
    if match:
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
    found = _YEAR.search(fields.get("year", ""))
    if found:
        year = int(found.group(1))
    if fields.get("month"):
        month = _month(fields["month"]) or month
    if fields.get("day", "").strip().isdigit():
        day = int(fields["day"].strip())
    if month is not None and not 1 <= month <= 12:
        month = None
    if day is not None and (month is None or not 1 <= day <= 31):
        day = None
    return year, month, day


def _arxiv_id(fields: dict[str, str], doi: str) -> str:
    eprint = fields.get("eprint", "")
    kind = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    if eprint and kind in ("arxiv", ""):
        found = normalize_arxiv_id(eprint)
        if found:
            return found
    for candidate in (arxiv_id_from_doi(doi), arxiv_id_from_url(fields.get("url", ""))):
        if candidate:
            return candidate
    for key in ("journal", "journaltitle", "note", "howpublished"):
        text = fields.get(key, "")
        if "arxiv" in text.lower():
            found = normalize_arxiv_id(text)
            if found:
                return found
    return ""


def _paper(entry_type: str, fields: dict[str, str]) -> Paper:
    text = {k: clean_text(decode_latex(v)) for k, v in fields.items() if v and k in _TEXT_SET}
    doi = normalize_doi(fields.get("doi", ""))
    arxiv_id = _arxiv_id(fields, doi)
    if doi.startswith("10.48550/"):
        doi = ""  # the arXiv DOI is derived from the id; keep the field for publisher DOIs
    year, month, day = _date(fields)
    authors = _names(fields["author"]) if fields.get("author") else []
    keywords = [k.strip() for k in re.split(r"[;,]", text.get("keywords", "")) if k.strip()]
    abstract = text.get("abstract", "")
    url = fields.get("url", "").strip()
    primary = clean_text(fields.get("primaryclass", ""))
    return Paper(
        # LaTeX that decodes to nothing (\relax) still leaves the paper a title.
        title=text.get("title") or clean_text(strip_braces(fields["title"])) or "Untitled",
        abstract=abstract,
        authors=authors,
        # "and others" leaves the real number unknown.
        author_count=None if "others" in authors else (len(authors) or None),
        year=year, month=month, day=day,
        arxiv_id=arxiv_id,
        doi=doi,
        url=url,
        links=extract_links(abstract),
        venue=text.get("journal") or text.get("journaltitle") or text.get("booktitle", ""),
        entry_type=entry_type,
        keywords=keywords,
        primary_class=primary,
        extra={k: text[k] for k in EXTRA_FIELDS if text.get(k)},
    )

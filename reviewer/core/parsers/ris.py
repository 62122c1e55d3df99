"""RIS files (PubMed through a reference manager, Scopus, Web of Science, Zotero, EndNote,
Rayyan, Mendeley), read with rispy.

rispy reads a file as one stream: a record missing its ``ER`` line swallows the next one,
and it knows no line numbers. So the text is cut into records here, at each ``TY  -``
line, and rispy reads them one by one; a record that cannot be read is reported with its
line and the others are imported.

Tags follow the RIS specification as those databases use it: TI/T1 (title), AU/A1
(authors; A2 editors, or the authors when no AU is given), PY/Y1/DA (date), T2/JF/JO/JA
(journal or proceedings; a book's T2 is its series), AB/N2 (abstract), DO, UR, KW,
VL/IS/SP/EP/PB/SN/CY/ET (kept for the BibTeX export). N1 notes are the record's comments,
never the user's note; a decision Rayyan wrote in them is read, and imported only when
asked (``reviewer import --decisions``).
"""

from __future__ import annotations

import re

from ..model import Decision, Paper, Source, is_code_link
from ..reasons import rayyan_reasons
from ..text import clean_text, extract_links
from . import fields as F
from .base import ParseContext, ParseResult

NAME = "ris"
LABEL = "RIS file"

_START = "TY  -"
_END = "ER  -"
_TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  -", re.M)

# TY -> BibTeX entry type (the export keeps it); types not listed are misc.
ENTRY_TYPES = {
    "JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article",
    "NEWS": "article", "INPR": "article", "ABST": "article",
    "CONF": "inproceedings", "CPAPER": "inproceedings",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "CHAP": "incollection", "ECHAP": "incollection",
    "THES": "phdthesis", "RPRT": "techreport", "UNPB": "unpublished",
}
_BOOKS = frozenset({"BOOK", "EBOOK", "EDBOOK"})


def detect(sample: str) -> float:
    starts = sample.count("\nTY  -") + sample.startswith(_START)
    if not starts:
        return 0.0
    # Tag lines besides TY: a real record has a title, authors, ER...
    tags = len(_TAG_LINE.findall(sample))
    return 0.95 if tags >= 2 * starts else 0.5


def parse(text: str, ctx: ParseContext) -> ParseResult:
    from rispy import RisParser

    reader = RisParser()
    result = ParseResult()
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith(_START)]
    if not starts:
        result.skip(1, "no RIS record in the file (none starts with 'TY  - ')")
        return result
    _outside(lines, 0, starts[0], result)
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(lines)
        end = next((i for i in range(start + 1, stop) if lines[i].startswith(_END)), None)
        body = lines[start:end + 1] if end is not None else [*lines[start:stop], _END]
        if end is None:
            result.warnings.append(f"{ctx.file}:{start + 1}: record has no ER line; read "
                                   "up to the next TY")
        else:
            _outside(lines, end + 1, stop, result)
        try:
            records = reader.parse_lines(iter(body))
            paper = _paper(records[0]) if records else None
        except Exception as exc:  # one odd record must not cost the rest of the file
            result.skip(start + 1, f"unreadable RIS record ({type(exc).__name__}: {exc})")
            continue
        if paper is None:
            result.skip(start + 1, "RIS record without a title (TI, T1 or ST)")
            continue
        paper.sources = [Source(ctx.file, start + 1, NAME)]
        result.papers.append(paper)
    return result


def _outside(lines: list[str], start: int, stop: int, result: ParseResult) -> None:
    """Report text between records (rispy would pass over it without a word)."""
    filled = [i for i in range(start, stop) if lines[i].strip()]
    if filled:
        first, last = filled[0] + 1, filled[-1] + 1
        where = f"lines {first}-{last}" if last > first else f"line {first}"
        result.skip(first, f"text outside any RIS record ({where}), not read")


def _text(record: dict, *names: str) -> str:
    """The first of the named fields the record has, as clean text."""
    for name in names:
        value = record.get(name)
        if isinstance(value, list):
            value = " ".join(v for v in value if isinstance(v, str))
        if isinstance(value, str):
            value = clean_text(value)
            if value:
                return value
    return ""


def _list(record: dict, name: str) -> list[str]:
    value = record.get(name) or []
    values = [value] if isinstance(value, str) else value
    return [clean_text(v) for v in values if isinstance(v, str) and clean_text(v)]


def _unknown(record: dict, tag: str) -> str:
    values = (record.get("unknown_tag") or {}).get(tag) or []
    return clean_text(" ".join(v for v in values if isinstance(v, str)))


def _paper(record: dict) -> Paper | None:
    kind = _text(record, "type_of_reference").upper()
    title = _text(record, "title", "primary_title") or (
        _unknown(record, "BT") if kind in _BOOKS else "") or _text(
        record, "short_title", "translated_title")
    if not title:
        return None
    authors = list(dict.fromkeys(
        F.person(n) for n in _list(record, "authors") + _list(record, "first_authors")))
    editors = [F.person(n) for n in _list(record, "secondary_authors")]
    if not authors:
        authors, editors = editors, []
    authors = [a for a in authors if a]

    year = month = day = None
    for name in ("year", "publication_year", "date"):
        y, m, d = F.date_of(_text(record, name))
        year = year or y
        if month is None and m is not None:
            month, day = m, d
    notes = [clean_text(n) for n in _list(record, "notes")]
    comments = " | ".join(n for n in notes if n)  # one line, as every parser's text

    urls = [u for u in _list(record, "urls") if "://" in u]
    doi_text = _text(record, "doi") or _unknown(record, "DI")
    if not doi_text and "10." in _text(record, "type_of_work"):  # older PubMed RIS: M3
        doi_text = _text(record, "type_of_work")
    doi, arxiv_id = F.identifiers(doi_text, urls)
    venue = "" if kind in _BOOKS else _text(
        record, "secondary_title", "alternate_title3", "journal_name") or \
        _unknown(record, "BT") or _text(record, "alternate_title2", "alternate_title1")
    arxiv_id = arxiv_id or F.arxiv_in_text(venue) or F.arxiv_in_text(comments)
    urls = F.without_arxiv_page(urls, arxiv_id)
    abstract = _text(record, "abstract", "notes_abstract")
    keywords = list(dict.fromkeys(
        part.strip() for k in _list(record, "keywords") for part in k.split(";") if part.strip()))
    # A code repository is one of the paper's links, not its page.
    url = next((u for u in urls if "doi.org/" not in u and not is_code_link(u)), "")
    links = list(dict.fromkeys([u for u in urls if u != url] + extract_links(abstract)))

    extra = {
        "volume": _text(record, "volume"),
        "number": _text(record, "number"),
        "pages": F.pages(_text(record, "start_page"), _text(record, "end_page")),
        "edition": _text(record, "edition"),
        "address": _text(record, "place_published"),
        "editor": " and ".join(editors),
        "series": _text(record, "secondary_title", "tertiary_title") if kind in _BOOKS
        else _text(record, "tertiary_title"),
    }
    publisher = _text(record, "publisher")
    extra[{"THES": "school", "RPRT": "institution"}.get(kind, "publisher")] = publisher
    serial = _text(record, "issn")  # SN: ISSN, ISBN, or a report's number
    if serial:
        extra["number" if kind == "RPRT" else F.serial_kind(serial)] = serial
    database = _text(record, "name_of_database").lower()
    accession = _text(record, "accession_number")
    if accession.isdigit() and ("pubmed" in database or "medline" in database):
        extra["pmid"] = accession
    paper = Paper(
        title=title,
        abstract=abstract,
        authors=authors,
        author_count=len(authors) or None,
        year=year, month=month, day=day,
        arxiv_id=arxiv_id,
        doi=doi,
        url=url,
        links=links,
        venue=venue,
        entry_type=ENTRY_TYPES.get(kind, "misc"),
        keywords=keywords,
        comments=comments,
        extra={k: v for k, v in extra.items() if v},
    )
    paper.decision = F.rayyan_decision(comments) if "RAYYAN-INCLUSION" in comments \
        else Decision.UNDECIDED
    if paper.decision is Decision.EXCLUDE:
        paper.reason = rayyan_reasons(comments)
    return paper

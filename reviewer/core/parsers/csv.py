"""CSV files of screening tools: ASReview's datasets and exports, Rayyan's export, Scopus's
and Zotero's CSV, and reviewer's own ``export csv``.

A file is recognised by its header: a title column plus at least one other column these
tools write. Column names are matched as ASReview matches them (case and blanks ignored,
several names for one field). The dialect (comma, semicolon or tab) is sniffed from the
header line with the csv module. A row the file's own structure cannot hold (more cells
than the header, no title) is skipped and reported with its line.

Decisions in the file (ASReview's ``label_included`` 1/0, the ``decision`` column of
reviewer's export, Rayyan's ``RAYYAN-INCLUSION`` in the notes) are read into each paper's
``decision``, an exclude's reason (the ``reason`` column of reviewer's export, Rayyan's
``RAYYAN-EXCLUSION-REASONS``) into its ``reason``; the importer stores them only when
asked (``import --decisions``).
"""

from __future__ import annotations

import csv
import io
import re

from ..model import Decision, Paper, Source, is_code_link
from ..reasons import rayyan_reasons
from ..text import clean_text, extract_links, normalize_arxiv_id
from . import fields as F
from .base import ParseContext, ParseResult

NAME = "csv"
LABEL = "CSV of a screening tool"

# Field -> the column names that hold it, first found wins (ASReview's names first).
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "primary_title", "article title", "document title"),
    "abstract": ("abstract", "abstract note", "notes_abstract"),
    "authors": ("authors", "author", "author names", "first_authors"),
    "year": ("year", "publication year", "publication_year"),
    "month": ("month",),
    "day": ("day",),
    "venue": ("journal", "venue", "source title", "publication title", "secondary_title",
              "journal_name"),
    "doi": ("doi",),
    "url": ("url", "link", "urls"),
    "keywords": ("keywords", "author keywords", "manual tags"),
    "arxiv_id": ("arxiv_id", "eprint"),
    "record_id": ("record_id", "key"),
    "volume": ("volume",),
    "number": ("issue", "number"),
    "pages": ("pages",),
    "page_start": ("page start", "start_page"),
    "page_end": ("page end", "end_page"),
    "publisher": ("publisher",),
    "issn": ("issn",),
    "isbn": ("isbn",),
    "pmid": ("pubmed_id", "pmid", "pubmed id"),
    "pmcid": ("pmc_id", "pmcid"),
    "notes": ("notes",),
    "reason": ("reason", "exclusion reason", "exclusion_reason"),  # reviewer's export
    "type": ("document type", "item type", "type_of_reference"),
    # ASReview's names for the label column, then the column reviewer's export writes.
    "label": ("label_included", "included", "final_included", "label", "included_label",
              "included_final", "included_flag", "include", "decision"),
}
_KNOWN = {name: field for field, names in COLUMNS.items() for name in names}

# Scopus "Document Type", Zotero "Item Type" -> BibTeX entry type.
_TYPES = {
    "article": "article", "review": "article", "journalarticle": "article",
    "conference paper": "inproceedings", "conferencepaper": "inproceedings",
    "book chapter": "incollection", "booksection": "incollection", "book": "book",
    "thesis": "phdthesis", "report": "techreport",
}


def _name(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').lower().split())


def _header_line(sample: str) -> str:
    for line in sample.split("\n", 20)[:20]:
        if line.strip():
            return line
    return ""


def _fields(header: str, delimiter: str) -> set[str]:
    """The known fields the header names, split at ``delimiter``."""
    try:
        cells = next(csv.reader([header], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return set()
    return {_KNOWN[n] for n in map(_name, cells) if n in _KNOWN}


# Longer than any screening tool's header line (Rayyan's, 19 columns: 160 characters).
MAX_HEADER = 4000


def _delimiter(header: str) -> str:
    """The delimiter that splits the header into the most known columns, the csv
    Sniffer's guess first. (Only its delimiter: from a header line it cannot tell whether
    quotes are doubled inside cells, and these tools all double them, as Excel does.)"""
    delimiters = [",", ";", "\t"]
    # The Sniffer's patterns take time growing with the square of a line holding quotes
    # (100 KB: 11 s); a header longer than a header can be is split by the count alone.
    if len(header) <= MAX_HEADER:
        try:
            delimiters.insert(0, csv.Sniffer().sniff(header, delimiters=",;\t").delimiter)
        except csv.Error:
            pass
    return max(delimiters, key=lambda d: len(_fields(header, d)))


def detect(sample: str) -> float:
    header = _header_line(sample)
    if len(header) > MAX_HEADER or not any(d in header for d in ",;\t"):
        return 0.0
    found = _fields(header, _delimiter(header))
    if "title" not in found:
        return 0.0
    return 0.95 if len(found) >= 2 else 0.2


def parse(text: str, ctx: ParseContext) -> ParseResult:
    result = ParseResult()
    delimiter = _delimiter(_header_line(text[: 1 << 16]))
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    columns: dict[str, int] | None = None
    width = 0
    line = 0  # the line the next row starts on, less one
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:  # a cell over the csv module's limit, a NUL...
            result.skip(line + 1, f"unreadable CSV row ({exc})")
            line = reader.line_num
            continue
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns = {}
            for index, cell in enumerate(row):
                field = _KNOWN.get(_name(cell))
                if field and field not in columns:
                    columns[field] = index
            width = len(row)
            if "title" not in columns:
                result.skip(start, "the header names no title column")
                return result
            continue
        if len(row) > width:
            result.skip(start, f"{len(row)} cells where the header has {width} (a stray "
                               "delimiter or quote?)")
            continue
        if line - start > 200:
            result.skip(start, f"one row spans lines {start}-{line} (an unclosed quote?)")
            continue
        paper = _paper({field: row[i] if i < len(row) else "" for field, i in columns.items()})
        if paper is None:
            result.skip(start, "row without a title")
            continue
        paper.sources = [Source(ctx.file, start, NAME)]
        result.papers.append(paper)
    return result


def _int(text: str) -> int | None:
    text = text.strip()
    if text.endswith(".0"):  # pandas writes integer columns with blanks as floats
        text = text[:-2]
    return int(text) if text.isdigit() else None


def _paper(cells: dict[str, str]) -> Paper | None:
    get = cells.get
    title = clean_text(get("title", ""))
    if not title:
        return None
    year = month = day = None
    if get("year"):
        year, month, day = F.date_of(get("year", ""))
    month = F.month_of(get("month", "")) or month
    day = _int(get("day", "")) or day
    if month is None or day is not None and not 1 <= day <= 31:
        day = None
    urls = [u.strip() for u in re.split(r"[;\s]+", get("url", "")) if "://" in u]
    doi, arxiv_id = F.identifiers(get("doi", ""), urls)
    arxiv_id = normalize_arxiv_id(get("arxiv_id", "")) or arxiv_id
    urls = F.without_arxiv_page(urls, arxiv_id)
    abstract = clean_text(get("abstract", ""))
    notes = clean_text(get("notes", ""))
    url = next((u for u in urls if "doi.org/" not in u and not is_code_link(u)), "")
    kind = _TYPES.get(clean_text(get("type", "")).lower(), "")
    extra = {
        "volume": clean_text(get("volume", "")),
        "number": clean_text(get("number", "")),
        "pages": F.pages(get("pages") or get("page_start", ""), get("page_end", "")),
        "publisher": clean_text(get("publisher", "")),
        "issn": clean_text(get("issn", "")),
        "isbn": clean_text(get("isbn", "")),
        "pmid": clean_text(get("pmid", "")),
        "pmcid": clean_text(get("pmcid", "")),
        "record_id": clean_text(get("record_id", "")),
    }
    authors = F.split_people(get("authors", ""))
    paper = Paper(
        title=title,
        abstract=abstract,
        authors=authors,
        author_count=len(authors) or None,
        year=year, month=month, day=day,
        arxiv_id=arxiv_id,
        doi=doi,
        url=url,
        links=list(dict.fromkeys([u for u in urls if u != url] + extract_links(abstract))),
        venue=clean_text(get("venue", "")),
        entry_type=kind,
        keywords=F.split_keywords(get("keywords", "")),
        comments=notes,
        extra={k: v for k, v in extra.items() if v},
    )
    label = F.label_decision(get("label", "")) if "label" in cells else None
    if label is None or label is Decision.UNDECIDED and "RAYYAN-INCLUSION" in notes:
        label = F.rayyan_decision(notes)
    paper.decision = label
    if label is Decision.EXCLUDE:
        paper.reason = clean_text(get("reason", "")) or rayyan_reasons(notes)
    return paper

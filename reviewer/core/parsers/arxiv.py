"""arXiv listings copied from a browser, and the plain-text daily e-mail.

Listing pages (``/list/cs.CV/new``, ``/list/cs.CV/recent``) copy as::

    [1] arXiv:2411.13543 [pdf, html, other]
    Title: BALROG: Benchmarking Agentic LLM and VLM Reasoning On Games
    Davide Paglieri, Bartłomiej Cupiał, ...          (older pages: "Authors: ...")
    Comments: Preprint
    Subjects: Artificial Intelligence (cs.AI); Machine Learning (cs.LG)
    The abstract, on /new pages only...

The daily e-mail ("cs daily Subj-class mailing") holds blocks between dashed lines::

    \\\\
    arXiv:2411.13566
    Date: Mon, 11 Nov 2024 10:35:41 GMT   (9474kb,D)

    Title: Integrated Water Resource Management in the Segura Hydrographic Basin:
      An Artificial Intelligence Approach
    Authors: Urtzi Otamendi, Mikel Maiza, ...
    Categories: cs.AI
    \\\\
      The abstract ...
    \\\\ ( https://arxiv.org/abs/2411.13566 ,  9474kb)

Both are read by one line-oriented state machine. The year and month come from the id
(YYMM: the first version's date), the day from the e-mail's submission date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..latex import decode_latex
from ..model import Paper, Source
from ..text import clean_text, extract_links, normalize_doi
from .base import ParseContext, ParseResult

NAME = "arxiv"
LABEL = "arXiv listing or daily e-mail"

_ID = r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_LISTING_START = re.compile(rf"^\[\d+\]\s+arXiv:{_ID}\b")
_EMAIL_START = re.compile(rf"^arXiv:{_ID}(?:\s+\(\*cross-listing\*\))?\s*$")
_LABEL = re.compile(r"^(Title|Authors?|Comments|Journal-ref|Subjects|Categories|DOI|Date|"
                    r"Report-no|ACM-class|MSC-class|License|Proxy|Submitted|Abstract):\s?(.*)$")
_EMAIL_TRAILER = re.compile(r"^\\\\ \( https?://arxiv\.org/abs/")
_SEPARATOR = re.compile(r"^(-{10,}|%{2}[-%]{10,}|%%%-+.*)$")
_HEADING = re.compile(
    r"^(New submissions|Cross[- ]lists|Cross submissions|Replacement submissions|Replacements"
    r"|Authors and titles for|Showing new listings for|Total of \d+ entries"
    r"|\[\s*showing|\S.* \(showing \d+ of \d+ entries\s*\))", re.IGNORECASE)
_PAGE_DATE = re.compile(r"(\d{1,2}) (January|February|March|April|May|June|July|August|"
                        r"September|October|November|December|Jan|Feb|Mar|Apr|May|Jun|Jul|"
                        r"Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{4})")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_CATEGORY = re.compile(r"\(([a-z-]+(?:\.[A-Za-z-]+)?)\)")


def detect(sample: str) -> float:
    lines = sample.split("\n")
    starts = sum(1 for line in lines if _LISTING_START.match(line.strip())
                 or _EMAIL_START.match(line.strip()))
    titles = sum(1 for line in lines if line.startswith("Title:"))
    if starts and titles:
        return 0.95
    return 0.4 if starts >= 2 else 0.0


@dataclass(slots=True)
class _Entry:
    line: int
    arxiv_id: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    unlabeled: list[str] = field(default_factory=list)  # listing: authors, then abstract
    abstract: list[str] = field(default_factory=list)   # e-mail: between the \\ lines
    replaced: bool = False


def parse(text: str, ctx: ParseContext) -> ParseResult:
    result = ParseResult()
    entries: list[_Entry] = []
    entry: _Entry | None = None
    last_label: str | None = None
    in_abstract = False  # e-mail: inside the \\ ... \\ block

    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        stripped = line.strip()
        start = _LISTING_START.match(stripped) or _EMAIL_START.match(stripped)
        if start:
            entry = _Entry(number, start.group(1))
            entries.append(entry)
            last_label, in_abstract = None, False
            continue
        if entry is None:
            continue
        if not stripped:
            last_label = None
            continue
        if stripped == "\\\\":
            # The e-mail opens the abstract with \\ once the fields are done.
            in_abstract = bool(entry.fields) and not in_abstract
            continue
        if _EMAIL_TRAILER.match(stripped) or _SEPARATOR.match(stripped):
            entry, in_abstract, last_label = (None, False, None)
            continue
        if _HEADING.match(stripped):
            entry, last_label = None, None
            continue
        if in_abstract:
            entry.abstract.append(stripped)
            continue
        if stripped.startswith("replaced with revised version"):
            entry.replaced = True
            entry.fields.setdefault("Date", []).append(stripped)
            continue
        label = _LABEL.match(stripped)
        if label and not line.startswith((" ", "\t")):
            last_label = label.group(1)
            entry.fields.setdefault(last_label, []).append(label.group(2))
            continue
        if last_label and line.startswith((" ", "\t")):
            entry.fields[last_label].append(stripped)  # an e-mail field wrapped over lines
            continue
        last_label = None
        entry.unlabeled.append(stripped)

    for item in entries:
        paper = _paper(item, ctx)
        if paper is None:
            result.skip(item.line, f"arXiv:{item.arxiv_id} has no title")
        else:
            result.papers.append(paper)
    return result


def _date_in(text: str) -> tuple[int, int, int] | None:
    match = _PAGE_DATE.search(text)
    if not match:
        return None
    return int(match.group(3)), _MONTHS.index(match.group(2)[:3].lower()) + 1, int(match.group(1))


def _joined(parts: list[str]) -> str:
    return clean_text(" ".join(parts))


def _authors(text: str) -> list[str]:
    text = re.sub(r"\s*\(\d+(?:,\s*\d+)*\)", "", text)  # e-mail affiliation markers "(1)"
    names = re.split(r",\s*(?:and\s+)?|\s+and\s+", text)
    return [clean_text(decode_latex(n)) for n in names if n.strip()]


def _id_date(arxiv_id: str) -> tuple[int, int]:
    digits = arxiv_id.split("/")[-1][:4] if "/" in arxiv_id else arxiv_id[:4]
    yy, mm = int(digits[:2]), int(digits[2:4])
    return (1900 + yy if yy >= 91 else 2000 + yy), mm


def _paper(item: _Entry, ctx: ParseContext) -> Paper | None:
    title = clean_text(decode_latex(_joined(item.fields.get("Title", []))))
    if not title:
        return None
    authors_text = _joined(item.fields.get("Authors", []) or item.fields.get("Author", []))
    unlabeled = list(item.unlabeled)
    if not authors_text and unlabeled:
        authors_text = unlabeled.pop(0)  # newer listings print the names without a label
    abstract = _joined(item.abstract or unlabeled or item.fields.get("Abstract", []))
    subjects = _joined(item.fields.get("Subjects", []))
    categories = (_CATEGORY.findall(subjects) if subjects
                  else _joined(item.fields.get("Categories", [])).split())
    year, month = _id_date(item.arxiv_id)
    # The e-mail's Date is the submission date; a listing page's date is only the day
    # it was announced, and a replacement's date is the new version's.
    day = None
    for date in (_date_in(d) for d in item.fields.get("Date", [])):
        if date and date[:2] == (year, month) and not item.replaced:
            day = date[2]
            break
    doi = normalize_doi(_joined(item.fields.get("DOI", [])))
    comments = _joined(item.fields.get("Comments", []))
    authors = _authors(authors_text) if authors_text else []
    return Paper(
        title=title,
        abstract=abstract,
        authors=authors,
        author_count=len(authors) or None,
        year=year, month=month, day=day,
        arxiv_id=item.arxiv_id,
        doi=doi,
        links=extract_links(f"{abstract} {comments}"),
        venue=_joined(item.fields.get("Journal-ref", [])),
        keywords=categories,
        primary_class=categories[0] if categories else "",
        comments=comments,
        sources=[Source(ctx.file, item.line, NAME)],
    )

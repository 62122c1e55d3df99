"""arXiv listings copied from a browser, and the plain-text daily e-mail.

Listing pages (``/list/cs.CV/new``, ``/list/cs.CV/recent``) copy as::

    Showing new listings for Friday, 22 November 2024
    New submissions (showing 57 of 57 entries)
    [1] arXiv:2411.13543 [pdf, html, other]
    Title: BALROG: Benchmarking Agentic LLM and VLM Reasoning On Games
    Davide Paglieri, Bartłomiej Cupiał, ...          (before 2024: "Authors: ...")
    Comments: Preprint
    Subjects: Artificial Intelligence (cs.AI); Machine Learning (cs.LG)
    The abstract, on /new pages only...
    Cross submissions (showing 9 of 9 entries)       (before 2024: "Cross-lists for ...")
    [58] arXiv:2411.09003 (cross-list from cs.CL) [pdf, html, other]
    Replacement submissions (showing 30 of 30 entries)
    [67] arXiv:2310.00004 (replaced) [pdf, html, other]

Some copy tools put every piece on its own line ("[1]", "arXiv:...", "Title:", the title);
that reads the same. The daily e-mail ("cs daily Subj-class mailing") holds blocks between
dashed lines::

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

Both are read by one line-oriented state machine. Year and month come from the id (its
YYMM is the month of the first version); the day from the e-mail's submission date, or
from the listing's date (the day the paper was announced) when that falls in the id's
month. A replacement's date is the new version's, so replacements get no day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..latex import MAX_DEPTH, decode_latex, too_deep
from ..model import Paper, Source
from ..text import clean_text, extract_links, normalize_doi
from .base import ParseContext, ParseResult

NAME = "arxiv"
LABEL = "arXiv listing or daily e-mail"

_ID = r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?![\w.])"
_LISTING_START = re.compile(rf"^\[\d+\]\s*arXiv:{_ID}(.*)$")
_BARE_START = re.compile(rf"^arXiv:{_ID}(.*)$")
_PAPER_START = re.compile(rf"^Paper(\s*\(\*cross-listing\*\))?:\s*{_ID}\s*$")  # e-mails before 2007
_INDEX = re.compile(r"^\[\d+\]$")
# What may follow an id on its line, or stand on lines of its own before the title.
_MARKERS = re.compile(r"^(?:\s*(?:\(\*cross-listing\*\)|\(cross-list from [^()]{1,40}\)"
                      r"|\(replaced\)|\[[^\[\]]{0,60}\]))*\s*$")
_LABEL = re.compile(r"^(Title|Authors?|Comments|Journal-ref|Subjects|Categories|DOI|Date|"
                    r"Report-no|ACM-class|MSC-class|License|Proxy|Abstract):(.*)$")
_REPLACED = re.compile(r"^(?:replaced with revised version|(?:figures|part) added)",
                       re.IGNORECASE)
_EMAIL_TRAILER = re.compile(r"^\\\\ \( https?://arxiv\.org/abs/")
# The e-mail's rules: dashes between entries, then %-%- before the cross-lists, %%--%%--
# before the replacements and %%%---%%%--- at the end. A replacement also says so in its
# own block, which is what the parser goes by.
_RULE = re.compile(r"^(?:-{10,}|%-%-%-.*|%%--%%--.*|%%%---.*)$")
_SECTION = re.compile(
    r"^(New submissions|Cross submissions|Cross-lists|Replacement submissions|Replacements)"
    r"(?:\s+for\s+(.{1,80})|\s*\(showing [^()]{1,60}\))?$")
_CHROME = re.compile(
    r"^(?:Showing new listings for .{1,60}|Authors and titles for .{1,80}"
    r"|Total of \d+ entries.{0,200}|\[\s*total of \d+ entries.{0,200}"
    r"|Showing up to \d+ entries per page.{0,80}|\[\s*showing up to \d+ entries.{0,80}"
    r"|See recent articles|See today's new changes|No updates for this time period\.?"
    r"|No updates today\.?)$", re.IGNORECASE)
_MONTH_NAMES = (r"(January|February|March|April|May|June|July|August|September|October|"
                r"November|December|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)")
# "Fri, 22 Nov 2024" and "Friday, 22 November 2024"; e-mail headers write "22 Nov 24".
_DATE = re.compile(rf"\b(\d{{1,2}}) {_MONTH_NAMES} (\d{{4}}|\d{{2}})\b")
_DATE_LINE = re.compile(rf"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+\d{{1,2}}\s+"
                        rf"{_MONTH_NAMES}\s+\d{{2,4}}(?:\s*\(showing [^()]{{1,60}}\))?$")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_CATEGORY = re.compile(r"\(([a-z-]+(?:\.[A-Za-z-]+)?)\)")
_AFFILIATION = re.compile(r"\([^()]*\)")
# Listings cut long author lists: "A, B, C et al. (96 additional authors not shown)",
# followed by a line that only shows without JavaScript.
_NOT_SHOWN = re.compile(r"\bet al\.?\s*\((\d+) additional authors? not shown\)\s*$")
_NO_SCRIPT = "You must enable JavaScript to view entire author list."
_NO_AUTHORS = "(author list is unavailable)"
_SUFFIX = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def detect(sample: str) -> float:
    starts = titles = 0
    for line in sample.split("\n"):
        stripped = line.strip()
        if stripped.startswith("Title:"):
            titles += 1
        elif _is_start(stripped):
            starts += 1
    if starts and titles:
        return 0.95
    return 0.4 if starts >= 2 else 0.0


def _is_start(stripped: str) -> bool:
    if not stripped.startswith(("[", "arXiv:", "Paper")):
        return False
    match = _LISTING_START.match(stripped) or _BARE_START.match(stripped)
    if match:
        return bool(_MARKERS.match(match.group(2)))
    return bool(_PAPER_START.match(stripped))


@dataclass(slots=True)
class _Entry:
    line: int
    arxiv_id: str
    email: bool  # an e-mail block: wrapped fields are indented, the abstract sits in \\ lines
    replaced: bool = False
    listed_on: tuple[int, int, int] | None = None  # the listing's date
    fields: dict[str, list[str]] = field(default_factory=dict)
    unlabeled: list[str] = field(default_factory=list)  # listing: authors, then abstract
    abstract: list[str] = field(default_factory=list)   # e-mail: between the \\ lines


@dataclass(slots=True)
class _Page:
    """What the page says around the entries: its date and the section being read."""

    date: tuple[int, int, int] | None = None
    replacements: bool = False


def parse(text: str, ctx: ParseContext) -> ParseResult:
    result = ParseResult()
    entries: list[_Entry] = []
    entry: _Entry | None = None
    page = _Page()
    last_label: str | None = None  # e-mail: the field an indented line continues
    pending: str | None = None     # a label printed alone, its value on the next line
    in_abstract = False            # e-mail: inside the \\ ... \\ block
    index_line = 0                 # the line of a "[N]" just above, standing alone

    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            last_label = None
            continue
        started = _start(stripped, index_line or number, bool(index_line), page)
        index_line = number if _INDEX.match(stripped) else 0
        if started:
            entry = started
            entries.append(entry)
            last_label = pending = None
            in_abstract = False
            continue
        if index_line or _RULE.match(stripped) or _EMAIL_TRAILER.match(stripped):
            entry, in_abstract = None, False
            continue
        if entry is not None and stripped == "\\\\":
            # The e-mail opens the abstract with \\ once the fields are done.
            in_abstract = entry.email and bool(entry.fields) and not in_abstract
            continue
        if entry is not None and in_abstract:
            entry.abstract.append(stripped)
            continue
        if _page_line(stripped, page):
            entry = None
            continue
        if entry is None or stripped == _NO_SCRIPT:
            continue
        if entry.email and _REPLACED.match(stripped):
            entry.replaced = True
            continue
        if not entry.fields and _MARKERS.match(stripped):
            entry.replaced = entry.replaced or "(replaced)" in stripped
            continue
        label = _LABEL.match(stripped)
        if label and not (entry.email and line[:1].isspace()):
            name, value = label.group(1), label.group(2).strip()
            if value:
                entry.fields.setdefault(name, []).append(value)
                last_label, pending = name, None
            else:
                pending = name
            continue
        if pending:
            entry.fields.setdefault(pending, []).append(stripped)
            last_label, pending = (pending if entry.email else None), None
            continue
        if entry.email and last_label and line[:1].isspace():
            entry.fields[last_label].append(stripped)  # an e-mail field wrapped over lines
            continue
        last_label = None
        if "Title" in entry.fields:
            # The first line after the title holds the authors, even when it says none.
            entry.unlabeled.append("" if stripped == _NO_AUTHORS else stripped)

    for item in entries:
        paper = _paper(item, ctx)
        if paper is None:
            result.skip(item.line, f"arXiv:{item.arxiv_id} has no title")
            continue
        result.papers.append(paper)
        authors = item.fields.get("Authors") or item.fields.get("Author") or item.unlabeled[:1]
        deep = [name for name, parts in (("title", item.fields.get("Title", [])),
                                         ("authors", authors)) if too_deep(" ".join(parts))]
        if deep:
            result.warnings.append(f"{ctx.file}:{item.line}: arXiv:{item.arxiv_id}: LaTeX nested "
                                   f"deeper than {MAX_DEPTH} braces left as written in "
                                   f"{' and '.join(deep)}")
    return result


def _start(stripped: str, number: int, after_index: bool, page: _Page) -> _Entry | None:
    """The entry that begins on this line (or on the "[N]" line above), if one does."""
    if not stripped.startswith(("[", "arXiv:", "Paper")):
        return None
    match = _LISTING_START.match(stripped)
    if match and _MARKERS.match(match.group(2)):
        return _listing_entry(number, match.group(1), match.group(2), page)
    match = _BARE_START.match(stripped)
    if match and _MARKERS.match(match.group(2)):
        rest = match.group(2)
        if after_index or ("[" in rest and "*cross-listing*" not in rest):
            return _listing_entry(number, match.group(1), rest, page)
        return _Entry(number, match.group(1), email=True)
    match = _PAPER_START.match(stripped)
    if match:
        return _Entry(number, match.group(2), email=True)
    return None


def _listing_entry(number: int, arxiv_id: str, rest: str, page: _Page) -> _Entry:
    replaced = page.replacements or "(replaced)" in rest
    return _Entry(number, arxiv_id, email=False, replaced=replaced, listed_on=page.date)


def _page_line(stripped: str, page: _Page) -> bool:
    """Whether the line is page furniture (headings, paging, dates); notes what it says."""
    section = _SECTION.match(stripped)
    if section:
        page.replacements = section.group(1).startswith("Replacement")
        if section.group(2):
            page.date = _date_in(section.group(2)) or page.date
        return True
    if _DATE_LINE.match(stripped):
        page.date = _date_in(stripped)
        page.replacements = False
        return True
    if _CHROME.match(stripped):
        if stripped.lower().startswith("showing new listings"):
            page.date = _date_in(stripped) or page.date
        return True
    return False


def _date_in(text: str) -> tuple[int, int, int] | None:
    match = _DATE.search(text)
    if not match:
        return None
    year = int(match.group(3))
    if year < 100:
        year += 1900 if year >= 91 else 2000
    return year, _MONTHS.index(match.group(2)[:3].lower()) + 1, int(match.group(1))


def _joined(parts: list[str]) -> str:
    return clean_text(" ".join(parts))


def _authors(text: str) -> tuple[list[str], int]:
    """The names, and how many more authors the listing left out."""
    hidden = 0
    cut = _NOT_SHOWN.search(text)
    if cut:
        hidden, text = int(cut.group(1)), text[: cut.start()]
    # E-mails may add affiliations: "A (1), B (2) ((1) MIT, (2) ETH)" or "A (MIT)".
    for _ in range(3):
        text = _AFFILIATION.sub(" ", text)
    text = text.replace("(", " ").replace(")", " ")
    names: list[str] = []
    for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", text):
        name = clean_text(_tex(part))
        if name.lower() in _SUFFIX and names:
            names[-1] += f", {name}"  # "John Smith, Jr." is one author
        elif name:
            names.append(name)
    return names, hidden


def _tex(text: str) -> str:
    """Accents and macros decoded; braces kept unless LaTeX is there to read them."""
    return decode_latex(text) if "\\" in text or "$" in text else text


def _id_date(arxiv_id: str) -> tuple[int, int]:
    digits = arxiv_id.split("/")[-1][:4] if "/" in arxiv_id else arxiv_id[:4]
    yy, mm = int(digits[:2]), int(digits[2:4])
    return (1900 + yy if yy >= 91 else 2000 + yy), mm


def _paper(item: _Entry, ctx: ParseContext) -> Paper | None:
    title = clean_text(_tex(_joined(item.fields.get("Title", []))))
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
    day = None
    if not item.replaced:
        dates = [_date_in(d) for d in item.fields.get("Date", [])] if item.email else [
            item.listed_on]
        # A date outside the id's month belongs to something else (a late announcement).
        day = next((d[2] for d in dates if d and d[:2] == (year, month)), None)
    journal_ref = _joined(item.fields.get("Journal-ref", []))
    doi = normalize_doi(_joined(item.fields.get("DOI", []))) or normalize_doi(journal_ref)
    comments = _joined(item.fields.get("Comments", []))
    authors, hidden = _authors(authors_text) if authors_text else ([], 0)
    return Paper(
        title=title,
        abstract=abstract,
        authors=authors,
        author_count=(len(authors) + hidden) or None,
        year=year, month=month, day=day,
        arxiv_id=item.arxiv_id,
        doi=doi,
        links=extract_links(f"{abstract} {comments}"),
        venue=journal_ref,
        keywords=categories,
        primary_class=categories[0] if categories else "",
        comments=comments,
        sources=[Source(ctx.file, item.line, NAME)],
    )

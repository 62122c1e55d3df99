"""Markdown lists of papers, as in "awesome" lists, read with markdown-it-py.

Each list item (or table row) that names a paper becomes one: its title is the first
link's text, the bold text it starts with, or the text before its first link; the links
give the url, the arXiv id or DOI and code repositories. Headings above an item (and
bullet labels above a nested item) are the list's own categories: they become keywords.
Tables of contents (links to in-page anchors), badges and sections such as
"Contributing" hold no papers and are reported as skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Paper, Source, is_code_link
from ..text import arxiv_id_from_url, clean_text, normalize_doi
from .base import ParseContext, ParseResult

NAME = "markdown"
LABEL = "Markdown list"

# Link texts that name a kind of link, not the paper.
GENERIC = frozenset({"paper", "pdf", "arxiv", "link", "code", "project", "page", "here", "html",
                     "website", "github", "demo", "dataset", "data", "project page", "slides",
                     "video", "blog", "model", "models", "huggingface", "abs", "doi", "url"})
NON_PAPER_SECTIONS = re.compile(r"^(table of )?contents$|^contribut|^licen[cs]e|^citation|"
                                r"^acknowledg|^star history|^contact", re.IGNORECASE)
MAX_TITLE = 400
_YEAR = re.compile(r"(?<![\d/.])(19[5-9]\d|20[0-4]\d)(?![\d/])")
_CUT = re.compile(r"\s+[-–—|]\s+|\s*[\[(]\s*$")
# Where a title written as plain text may end: "Title. CVPR 2023.", "Title (CVPR 2022)",
# "Title, ICLR 2021"; it ends there only when a year follows soon after.
_TAIL = re.compile(r"\.\s+|\s*[(\[]|,\s+")
_QUOTED = re.compile(r"^[\"“‘]([^\"“”‘’]{4,})[\"”’]")
# A list item's line is a title plus a few links. Far longer lines are prose or junk, and
# markdown-it's emphasis pass can take a minute on a 10 MB line of "**b* ": such lines are
# blanked (keeping every line number) and reported instead.
MAX_LINE = 20_000
_TITLE_SCAN = 2000  # a title is at most MAX_TITLE long: look no further for where it ends

_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+\S")
_MD_LINK = re.compile(r"\[[^\]\n]+\]\((?:https?://|#)[^)\s]+\)")
_HEADING = re.compile(r"^#{1,6}\s+\S")


def detect(sample: str) -> float:
    lines = sample.split("\n")
    bullets = [line for line in lines if _BULLET.match(line)]
    linked = sum(1 for line in bullets if _MD_LINK.search(line))
    bold = sum(1 for line in bullets if "**" in line)
    headings = sum(1 for line in lines if _HEADING.match(line))
    if linked >= 2 or (bullets and (linked or bold) and headings):
        return 0.85
    if headings and bullets:
        return 0.5
    return 0.0


@dataclass(slots=True)
class _Item:
    line: int
    title: str = ""
    text: str = ""
    links: list[str] = field(default_factory=list)
    anchors: int = 0


def _inline_item(token, line: int) -> _Item:
    """Title, plain text and links of one list item's (or table row's) inline content."""
    item = _Item(line)
    outside: list[list[str]] = [[]]  # plain text between links, one segment per gap
    first_link_text: list[str] | None = None
    lead_bold: list[str] | None = None
    links_seen = 0
    seen_content = in_link = in_strong = False
    link_text: list[str] = []
    text: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind == "link_open":
            href = child.attrs.get("href", "")
            if href.startswith("#"):
                item.anchors += 1
            elif href.startswith(("http://", "https://")):
                item.links.append(href)
            in_link, link_text = True, []
            continue
        if kind == "link_close":
            in_link = False
            if links_seen == 0 and not "".join(outside[0]).strip(" -*•[("):
                first_link_text = link_text  # the item starts with this link
            links_seen += 1
            outside.append([])
            continue
        if kind in ("strong_open", "strong_close", "em_open", "em_close"):
            in_strong = kind.endswith("_open")
            if in_strong and not seen_content:
                lead_bold = []
            continue
        if kind in ("text", "code_inline"):
            value = child.content
        elif kind in ("softbreak", "hardbreak"):
            value = " "
        else:
            continue  # images (badges), html
        text.append(value)
        seen_content = seen_content or bool(value.strip())
        if in_link:
            link_text.append(value)
        else:
            outside[-1].append(value)
        if in_strong and lead_bold is not None and not links_seen:
            lead_bold.append(value)

    item.text = "".join(text)
    candidates = []
    if first_link_text is not None:
        candidates.append("".join(first_link_text))
    if lead_bold:
        candidates.append("".join(lead_bold))
    for segment in outside:
        plain = _plain_title("".join(segment).strip(" -–—*•[]()"))
        if plain.strip():
            candidates.append(plain)
            break
    for candidate in candidates:
        title = clean_text(candidate).strip(" .,:;\"'*_[](){}")
        if title and title.lower() not in GENERIC:
            item.title = title
            break
    return item


def _plain_title(text: str) -> str:
    """The title at the start of an item's plain text, without the venue and year after it."""
    quoted = _QUOTED.match(text)
    if quoted:
        return quoted.group(1)
    head = _CUT.split(text[:_TITLE_SCAN], maxsplit=1)[0]
    if len(head) < len(text[:_TITLE_SCAN]):
        text = head
    for match in _TAIL.finditer(text, 0, _TITLE_SCAN):
        rest = text[match.end(): match.end() + 60]
        if match.group().startswith(",") and len(text) - match.end() > 50:
            continue  # commas inside titles are common: only a short tail is a venue
        if match.start() and _YEAR.search(rest):
            return text[: match.start()]
    return text


def parse(text: str, ctx: ParseContext) -> ParseResult:
    from markdown_it import MarkdownIt

    result = ParseResult()
    if len(text) > MAX_LINE:
        text = _blank_long_lines(text, result)
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    headings: dict[int, str] = {}
    labels: list[str | None] = []  # per open list item: its label if it is a category
    pending_heading: int | None = None
    item_line: int | None = None
    in_row = False
    row_line = 0
    row_inlines: list = []

    def section() -> list[str]:
        return [headings[level] for level in sorted(headings) if level > 1]

    def emit(item: _Item) -> None:
        path = section()
        if any(NON_PAPER_SECTIONS.search(h) for h in path):
            result.skip(item.line, f"in the '{path[-1]}' section, not a paper")
            return
        if not item.title or not re.search(r"[^\W\d_]{2}", item.title):
            if item.anchors and not item.links:
                result.skip(item.line, "table-of-contents entry")
            elif item.text.strip() or item.links:
                result.skip(item.line, "no paper title in this item")
            return
        if len(item.title) > MAX_TITLE:
            result.skip(item.line, f"longer than {MAX_TITLE} characters for a title")
            return
        keywords = path + [label for label in labels if label]
        result.papers.append(_paper(item, keywords, ctx))

    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            pending_heading = int(token.tag[1])
        elif kind == "inline" and pending_heading is not None:
            level = pending_heading
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = clean_text(token.content.replace("#", " ")).strip()
            pending_heading = None
        elif kind == "list_item_open":
            labels.append(None)
            item_line = (token.map[0] + 1) if token.map else 0
        elif kind == "list_item_close":
            labels.pop()
            item_line = None  # an empty item ("-" alone): the next paragraph is not its text
        elif kind == "inline" and item_line is not None:
            item = _inline_item(token, item_line)
            nested = index + 2 < len(tokens) and tokens[index + 2].type in (
                "bullet_list_open", "ordered_list_open")
            if nested and labels and not item.links and not item.anchors and item.title:
                labels[-1] = item.title  # a bullet that only labels the papers under it
            else:
                emit(item)
            item_line = None
        elif kind == "tr_open":
            in_row, row_inlines = True, []
            row_line = (token.map[0] + 1) if token.map else 0
        elif kind == "inline" and in_row:
            row_inlines.append(token)
        elif kind == "tr_close":
            in_row = False
            if tokens[index - 1].type == "th_close" or not row_inlines:
                continue  # the header row
            cells = [_inline_item(t, row_line) for t in row_inlines]
            row = next((c for c in cells if c.title), cells[0])
            row.links = [link for c in cells for link in c.links]
            row.text = " ".join(c.text for c in cells)
            emit(row)
    return result


def _blank_long_lines(text: str, result: ParseResult) -> str:
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            result.skip(number, f"a line of {len(line):,} characters, too long for a list item")
            lines[number - 1] = ""
    return "\n".join(lines)


def _paper(item: _Item, keywords: list[str], ctx: ParseContext) -> Paper:
    arxiv_id = doi = url = ""
    others: list[str] = []
    for link in item.links:
        found = arxiv_id_from_url(link)
        if found and not arxiv_id:
            arxiv_id = found
            continue
        if "doi.org/" in link and not doi:
            doi = normalize_doi(link)
            continue
        if not url and not is_code_link(link):
            url = link
            continue
        if link not in others:
            others.append(link)
    year = None
    found_year = _YEAR.search(re.sub(r"https?://\S+", " ", item.text))
    if found_year:
        year = int(found_year.group(1))
    elif arxiv_id and "/" not in arxiv_id:
        year = 2000 + int(arxiv_id[:2])
    return Paper(
        title=item.title,
        year=year,
        arxiv_id=arxiv_id,
        doi=doi,
        url=url,
        links=others,
        keywords=list(dict.fromkeys(keywords)),
        sources=[Source(ctx.file, item.line, NAME)],
    )

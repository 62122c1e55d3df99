"""Hugging Face Daily Papers pages, as a browser copies them.

Three layouts occur (see ../shared/seeds):

* rich: blocks separated by blank lines: title, abstract, then a meta block made of
  "• N authors" or an organisation line ("Fudan-University Fudan University"), "·" and a
  date ("Oct 9, 2025", "Jan 31", "Mar 30 4" where the trailing 4 is the upvote count);
  some papers have no meta block;
* plain: title and abstract blocks only;
* compact: one line for the title, one for the abstract, no blank lines, and the page
  chrome glued to the first title ("SubscribeA Comprehensive Dataset...").

The parser reads "units" (a block of lines, or a single line in the compact layout) and
walks them with a small state machine: title, abstract, meta. That walk is the
specification. On blank-line pages a fast path first matches whole "clean" rich records
(one-line title and abstract, one meta line, "·", a date) with one regex and builds their
papers directly, giving the walk only what lies between them: on a large page nearly
every record is clean, and the walk costs about twice as much per paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Paper, Source
from ..text import clean_text, ends_truncated, extract_links
from .base import STREAM_BATCH, ParseContext, ParseResult

NAME = "hf"
LABEL = "Hugging Face Daily Papers page"

CHROME = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "byAK and the research community",
    "Daily Papers",
    "Subscribe",
    "new",
)
_CHROME_SET = frozenset(CHROME)
# Longer lines are never chrome: testing them against the set would hash every abstract.
_CHROME_MAX = max(map(len, CHROME))
_GLUED = re.compile("^(?:" + "|".join(re.escape(c) for c in CHROME[:-1]) + r")(?=[A-Z0-9\"'(\[])")

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DATE = re.compile(
    r"^(?P<mon>[A-Za-z]{3})[a-z]*\.? (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?(?: +(?P<up>\d+))?$")
_AUTHORS = re.compile(r"^[•*·-]?\s*(?P<n>\d[\d,]*)\s+authors?$")
_DOT = re.compile(r"^[·•]$")

# A title longer than this is an abstract paragraph, not a title.
TITLE_MAX = 400
# A unit shorter than this after a title is more likely the next title than an abstract.
ABSTRACT_MIN = 200


def detect(sample: str) -> float:
    lines = [line.strip() for line in sample.split("\n")]
    content = [line for line in lines if line]
    if not content:
        return 0.0
    chrome = sum(1 for line in content[:40] if line in _CHROME_SET or _GLUED.match(line))
    meta = sum(1 for line in content if _AUTHORS.match(line) or _DOT.match(line))
    if chrome >= 2 or meta >= 2:
        return 0.9
    # Without chrome: titles alternating with long abstracts and nothing else.
    long_lines = sum(1 for line in content if len(line) >= ABSTRACT_MIN)
    if len(content) >= 2 and long_lines and abs(len(content) - 2 * long_lines) <= 2:
        return 0.6
    return 0.0


@dataclass(slots=True)
class _Unit:
    line: int
    text: str
    kind: str  # "text", "authors", "dot", "date"


_GLUE_STARTS = tuple({c[0] for c in CHROME[:-1]})
_DATE_MAX = len("September 30, 2025 1234")


def _kind(text: str) -> str:
    # Cheap tests first: on a 100,000-paper page nearly every line is plain text.
    if text == "·" or text == "•":
        return "dot"
    if text.endswith(("authors", "author")) and _AUTHORS.match(text):
        return "authors"
    if len(text) <= _DATE_MAX and text[:3].lower() in _MONTHS and _DATE.match(text):
        return "date"
    return "text"


def _is_blocky(lines: list[str]) -> bool:
    """Blank-line layouts separate (almost) every unit; the compact one separates none.
    The layout is the same all through a page, so its head decides."""
    head = lines[:4000]
    nonblank = sum(1 for line in head if line.strip())
    blanks_between = sum(1 for a, b in zip(head, head[1:]) if a.strip() and not b.strip())
    return blanks_between * 3 >= nonblank


def _head_lines(text: str, count: int) -> list[str]:
    """``text.split("\n", count)[:count]`` without copying the rest of a large page."""
    size = 1 << 18
    while True:
        lines = text[:size].split("\n", count)
        if len(lines) > count or size >= len(text):
            return lines[:count]
        size *= 4


_BLANK_RUN = re.compile(r"(\n(?:[ \t\f\v]*\n)+)")


def _units(text: str, blocky: bool, first_line: int = 1) -> list[_Unit]:
    """Split the page (or a part of it starting a block) into units, dropping chrome;
    blocks in the blank-line layouts."""
    if not blocky:
        units: list[_Unit] = []
        block: list[tuple[int, str]] = []
        for number, raw in enumerate(text.split("\n"), first_line):
            s = _content(raw)
            if s:
                block.append((number, s))
                _flush(block, units)
        return units
    # Blank-line layouts: split on blank-line runs in C, then look inside the pieces;
    # most pieces are a single line (a title, an abstract).
    units = []
    number = first_line
    pieces = _BLANK_RUN.split(text)
    for index in range(0, len(pieces), 2):
        piece = pieces[index]
        if "\n" not in piece:
            s = _content(piece)
            if s:
                units.append(_Unit(number, s, _kind(s)))
        else:
            number_after = number + piece.count("\n")
            block = []
            for offset, raw in enumerate(piece.split("\n")):
                s = _content(raw)
                if s:
                    block.append((number + offset, s))
            if block:
                _flush(block, units)
            number = number_after
        if index + 1 < len(pieces):
            number += pieces[index + 1].count("\n")
    return units


def _content(raw: str) -> str:
    """A line without its blanks, its page chrome, or chrome glued to its start."""
    s = raw.strip()
    if len(s) <= _CHROME_MAX and s in _CHROME_SET:
        return ""
    if s.startswith(_GLUE_STARTS) and _GLUED.match(s):
        return _GLUED.sub("", s, count=1)
    return s


def _flush(block: list[tuple[int, str]], units: list[_Unit]) -> None:
    """Inside a block, meta lines stand alone; consecutive text lines are one unit
    (a title or an abstract broken across lines by the copy)."""
    if len(block) == 1:
        number, s = block[0]
        units.append(_Unit(number, s, _kind(s)))
        block.clear()
        return
    text_run: list[tuple[int, str]] = []
    for number, s in block:
        kind = _kind(s)
        if kind == "text":
            text_run.append((number, s))
            continue
        if text_run:
            units.extend(_split_run(text_run))
            text_run = []
        units.append(_Unit(number, s, kind))
    if text_run:
        units.extend(_split_run(text_run))
    block.clear()


def _split_run(run: list[tuple[int, str]]) -> list[_Unit]:
    """A run of text lines in one block: a broken title, a broken abstract, or both."""
    units: list[_Unit] = []
    for number, s in run:
        if units and _continues(units[-1].text, s):
            units[-1].text += " " + s
        else:
            units.append(_Unit(number, s, "text"))
    return units


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` carries on ``previous`` within one block."""
    if len(previous) >= ABSTRACT_MIN:
        # An abstract goes on until the block ends.
        return True
    # Title then abstract: the abstract line is long; a title continuation is short.
    return len(line) < ABSTRACT_MIN


def _date(text: str, ctx: ParseContext) -> tuple[int | None, int, int, bool, int | None]:
    m = _DATE.match(text)
    assert m is not None
    month = _MONTHS[m["mon"].lower()]
    day = int(m["day"])
    upvotes = int(m["up"]) if m["up"] else None
    if m["year"]:
        return int(m["year"]), month, day, False, upvotes
    return ctx.year_of(month, day), month, day, True, upvotes


def parse(text: str, ctx: ParseContext, *, fast: bool = True) -> ParseResult:
    """The papers on the page. ``fast=False`` walks every unit (the specification; the
    tests compare both paths)."""
    result = ParseResult()
    blocky = _is_blocky(_head_lines(text, 4000))
    if fast and blocky:
        _parse_fast(text, ctx, result)
    else:
        _walk(_units(text, blocky), ctx, result, seen_paper=False)
    return result


def _walk(units: list[_Unit], ctx: ParseContext, result: ParseResult, seen_paper: bool) -> None:
    """The state machine over the units of the page, or of a stretch between fast records.

    ``seen_paper`` tells whether a paper came before the units (a date before the first
    paper is the page's own). The paper pending at the end is finished: what follows a
    stretch is a fast record's title, which would finish it anyway.
    """
    paper: Paper | None = None
    state = "title"  # what the next text unit is expected to be

    def finish() -> None:
        nonlocal paper
        if paper is not None:
            result.papers.append(paper)
        paper = None

    for index, unit in enumerate(units):
        following = units[index + 1] if index + 1 < len(units) else None
        if unit.kind == "text":
            value = clean_text(unit.text)
            if not value:
                continue
            if state == "abstract" and paper is not None:
                is_abstract = len(value) >= ABSTRACT_MIN or (
                    following is not None and following.kind != "text")
                if is_abstract:
                    _set_abstract(paper, value)
                    state = "meta"
                    continue
                # A short line after a title: that paper had no abstract.
                finish()
            elif state == "meta" and paper is not None:
                if following is not None and following.kind == "dot" and len(value) < TITLE_MAX:
                    paper.organization = _organization(value)
                    continue
                if len(value) > TITLE_MAX and not paper_has_meta(paper):
                    # A second abstract paragraph split off by a blank line.
                    _set_abstract(paper, paper.abstract + " " + value)
                    continue
                finish()
            elif paper is not None:
                finish()
            if len(value) > TITLE_MAX:
                result.skip(unit.line, "long text without a title before it")
                state = "title"
                continue
            paper = Paper(title=value, sources=[Source(ctx.file, unit.line, NAME)])
            seen_paper = True
            state = "abstract"
        elif unit.kind == "authors":
            if paper is None:
                result.skip(unit.line, f"author count {unit.text!r} outside any paper")
                continue
            paper.author_count = int(_AUTHORS.match(unit.text)["n"].replace(",", ""))
            state = "meta"
        elif unit.kind == "dot":
            continue
        elif unit.kind == "date":
            if paper is None:
                if seen_paper:
                    result.skip(unit.line, f"date {unit.text!r} outside any paper")
                # Otherwise it is the page's own date above the first paper.
                continue
            paper.year, paper.month, paper.day, paper.year_inferred, paper.upvotes = _date(
                unit.text, ctx)
            finish()
            state = "title"
    finish()


def paper_has_meta(paper: Paper) -> bool:
    return paper.author_count is not None or bool(paper.organization) or paper.month is not None


def _set_abstract(paper: Paper, abstract: str) -> None:
    paper.abstract = abstract
    paper.abstract_truncated = ends_truncated(abstract)
    paper.links = _links(abstract)


def _links(abstract: str) -> list[str]:
    """extract_links(abstract), at a fraction of the cost on long abstracts.

    Every web link holds "://" with no blank before it in the link. Most abstracts have no
    colon at all (a one-character search runs at memchr speed, ten times the search for
    "://"), and the others need looking at only from the blank before the first "://".
    """
    if ":" not in abstract:
        return []
    first = abstract.find("://")
    if first < 0:
        return []
    return extract_links(abstract[abstract.rfind(" ", 0, first) + 1:])


def _organization(line: str) -> str:
    """'Fudan-University Fudan University' -> 'Fudan University' (slug, then display name)."""
    slug, _, name = line.partition(" ")
    return name.strip() or slug


# -- the fast path -------------------------------------------------------------------------
#
# A clean rich record, starting a block and followed by a blank-line run (or the end):
# title, blank line, abstract, blank line, "• N authors" or an organisation line, "·" and
# a date. The regex only finds the shape; _fast_paper checks each line the way the walk
# would read it and turns down whatever the walk might read differently.
_RECORD = re.compile(r"""
    (?P<title>[^\n]+)\n\n
    (?P<abstract>[^\n]+)\n\n
    (?:[ \t]*(?:•\ )?(?P<authors>[0-9]+)\ authors?|(?P<org>[^\n]+))\n
    ·\n
    (?P<mon>[A-Z][a-z]{2})\ (?P<day>[0-9]{1,2})(?:,\ (?P<year>[0-9]{4}))?(?:\ (?P<up>[0-9]{1,9}))?
    (?P<sep>\n(?:[ \t\f\v]*\n)+|\n?\Z)
""", re.VERBOSE)
# Newlines in a record before its separator: title, blank, abstract, blank, meta, "·".
_RECORD_NEWLINES = 6


def _parse_fast(text: str, ctx: ParseContext, result: ParseResult) -> None:
    """Fast records as they come; the walk for each stretch between them.

    Stretches start and end on block boundaries, where the walk holds no state but
    whether it has seen a paper, so walking them apart gives what walking the page would.
    """
    pos = gap = 0  # where the next block starts; where the text not parsed yet starts
    line = gap_line = 1  # their line numbers
    seen_paper = False
    while pos < len(text):
        match = _RECORD.match(text, pos)
        paper = _fast_paper(match, ctx, line) if match else None
        if paper is None:  # the walk's business: try again at the next block
            run = _BLANK_RUN.search(text, pos)
            if run is None:
                break
            line += text.count("\n", pos, run.end())
            pos = run.end()
            continue
        if gap < pos:
            _walk(_units(text[gap:pos], True, gap_line), ctx, result, seen_paper)
        result.papers.append(paper)
        if ctx.on_papers and len(result.papers) % STREAM_BATCH == 0:
            ctx.on_papers(result.papers)
        seen_paper = True
        line += _RECORD_NEWLINES + text.count("\n", match.start("sep"), match.end())
        pos = gap = match.end()
        gap_line = line
    if gap < len(text):
        _walk(_units(text[gap:], True, gap_line), ctx, result, seen_paper)


def _fast_paper(match: re.Match[str], ctx: ParseContext, line: int) -> Paper | None:
    """The paper the walk would make of a matched record, or None if it might differ."""
    raw_title, raw_abstract, authors, org, mon, day, year, upvotes, _ = match.groups()
    title = _plain_text(raw_title)
    # A title of ABSTRACT_MIN or more could be read as the abstract of a paper pending
    # before it; an abstract shorter than that as the next title.
    if not title or len(title) >= ABSTRACT_MIN:
        return None
    abstract = _plain_text(raw_abstract)
    month = _MONTHS.get(mon.lower())
    if len(abstract) < ABSTRACT_MIN or month is None:
        return None
    organization = ""
    if authors is None:
        value = _plain_text(org)
        if not value or len(value) >= TITLE_MAX:
            return None
        organization = _organization(value)
    paper = Paper(
        title=title,
        author_count=int(authors) if authors is not None else None,
        organization=organization,
        year=int(year) if year else ctx.year_of(month, int(day)),
        month=month,
        day=int(day),
        year_inferred=not year,
        upvotes=int(upvotes) if upvotes else None,
        sources=[Source(ctx.file, line, NAME)],
    )
    _set_abstract(paper, abstract)
    return paper


def _plain_text(raw: str) -> str:
    """The line's clean text if the walk would take it whole as a text unit, else ""."""
    if _content(raw) != raw or _kind(raw) != "text":
        return ""
    return clean_text(raw)

"""The Markdown survey skeleton: pandoc Markdown with citations that ``--citeproc`` resolves.

Text from dumps is escaped so that no title can open a link, an emphasis, a table cell,
raw HTML, a math span or a false citation (``@key``). The user's notes are Markdown and
are kept as Markdown, quoted under their paper's bullet.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..model import Paper
from ..store import Review
from ..text import clean_block, clean_text
from .prisma import PrismaCounts, prisma_counts

# Characters that mean something in pandoc's Markdown (or CommonMark) inside a line.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|@~^$&#!])")
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_]+$")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", clean_text(text))


def cite(key: str) -> str:
    """A pandoc citation; braces protect keys with punctuation (pandoc 2.x reads both)."""
    return f"[@{key}]" if _PLAIN_KEY.match(key) else f"[@{{{key}}}]"


def _link(url: str, label: str) -> str:
    safe = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")
    return f"[{label}]({safe.replace('>', '%3E')})"


def _quote(note: str, indent: str) -> list[str]:
    lines = clean_block(note).strip("\n").split("\n")
    return [f"{indent}> {line}".rstrip() for line in lines]


@dataclass(slots=True, frozen=True)
class Source:
    """A dump the review read: its file, format label, first import date and records."""

    file: str
    label: str
    date: str
    records: int


def sources(review: Review) -> list[Source]:
    from ..parsers import FORMATS

    rows = review.conn.execute(
        "SELECT s.file, s.format, min(b.at), count(*) FROM sources s "
        "JOIN papers p ON p.id = s.paper_id LEFT JOIN batches b ON b.id = s.batch "
        "WHERE p.removed = 0 GROUP BY s.file, s.format ORDER BY min(b.at), s.file").fetchall()
    return [Source(Path(file).name, FORMATS.get(fmt, fmt), (at or "")[:10], n)
            for file, fmt, at, n in rows]


# "@name" in the user's Markdown: a citation to pandoc, which fails (or warns) on a key
# the bibliography lacks. Only keys the .bib holds stay citations.
_AT_KEY = re.compile(r"(?<![\\\w])@(\{[^{}\n]*\}|\w[\w:.#$%&+?<>~/-]*)")
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")


def keep_citations(text: str, keys: set[str]) -> str:
    """``text`` with every ``@name`` that is no key of ``keys`` escaped with a
    backslash;
    code spans are left alone."""
    def one(match: re.Match) -> str:
        key = match.group(1).strip("{}").rstrip(".,;:?!")
        return match.group(0) if key in keys else "\\" + match.group(0)

    out, position = [], 0
    for code in _CODE_SPAN.finditer(text):
        out.append(_AT_KEY.sub(one, text[position:code.start()]))
        out.append(code.group(0))
        position = code.end()
    out.append(_AT_KEY.sub(one, text[position:]))
    return "".join(out)


def _paper_bullet(paper: Paper, keys: set[str]) -> list[str]:
    parts = [f"- {cite(paper.citekey)} *{md_escape(paper.title)}*"]
    if paper.year:
        parts.append(f" ({paper.year})")
    parts.append(".")
    if paper.code_links:
        parts.append(f" Code: {_link(paper.code_links[0], 'code')}.")
    if paper.tags:
        parts.append(" Tags: " + ", ".join(md_escape(t) for t in paper.tags) + ".")
    lines = ["".join(parts)]
    if paper.note.strip():
        lines.append("")
        lines += _quote(keep_citations(paper.note, keys), "  ")
        lines.append("")  # so the next bullet cannot read as part of the quote
    return lines


def _table(papers: list[Paper]) -> list[str]:
    rows = ["| Paper | Year | Key facts | Code |", "|:------|-----:|:----------|:-----|"]
    for p in papers:
        facts = ", ".join(md_escape(t) for t in p.tags) or "–"
        code = _link(p.code_links[0], "code") if p.code_links else "–"
        rows.append(f"| {cite(p.citekey)} | {p.year or '–'} | {facts} | {code} |")
    return rows


def skeleton(review: Review, papers: list[Paper], bib_path: str | None,
             title: str | None = None, scope: str = "", prisma_path: str | None = None,
             flow: PrismaCounts | None = None) -> str:
    """The Markdown text of the survey skeleton over ``papers``; ``prisma_path`` links the
    flow diagram drawn from ``flow`` (the review's own counts if None)."""
    chosen = {p.id: p for p in papers}
    keys = {p.citekey for p in papers}
    doc_title = title or f"Survey draft: {review.name}"
    front = ["---", f"title: {json.dumps(doc_title, ensure_ascii=False)}",
             "abstract: " + json.dumps(
                 "*To write: the question this survey answers, how the papers were found "
                 "and chosen, and what they show.*")]
    if bib_path:
        front.append(f"bibliography: {json.dumps(bib_path, ensure_ascii=False)}")
    # Sections are numbered once, by pandoc (its LaTeX output; -N for the others).
    front += ["link-citations: true", "numbersections: true", "---", ""]

    c = flow or prisma_counts(review)
    years = sorted(p.year for p in papers if p.year)
    span = ("" if not years else f", published in {years[0]}" if years[0] == years[-1]
            else f", published from {years[0]} to {years[-1]}")
    lists = "list" if c.files == 1 else "lists"
    out = front + [
        "# Introduction", "",
        "*To write: why this survey, for whom, and what it leaves out.*", "",
        f"This survey covers {len(papers)} {'paper' if len(papers) == 1 else 'papers'} "
        f"({md_escape(scope)}){span}, chosen from "
        f"{c.papers} distinct papers gathered from {c.files} {lists}.", "",
        "# Methods", "",
        f"Records were gathered from {c.files} {lists}:", "",
    ]
    for source in sources(review):
        dated = f", imported {source.date}" if source.date else ""
        out.append(f"- {md_escape(source.file)} ({md_escape(source.label)}{dated}): "
                   f"{source.records} {'record' if source.records == 1 else 'records'}")
    out += [
        "", "*To write: the inclusion and exclusion criteria the papers were screened "
        "against.*", "",
        "| Stage | Papers |", "|:------|-------:|",
        f"| Records found in {c.files} {lists} | {c.records} |",
        f"| Duplicates merged | {c.duplicates} |",
        f"| Distinct papers | {c.papers} |",
        f"| Papers screened | {c.screened} |",
        f"| Excluded | {c.excluded} |",
        *[f"| Excluded: {md_escape(reason)} | {n} |" for reason, n in c.reasons],
        *([f"| Excluded: no reason recorded | {c.without_reason} |"]
          if c.reasons and c.without_reason else []),
        f"| Maybe | {c.maybe} |",
        f"| Not yet decided | {c.undecided} |",
        f"| Included | {c.included} |",
        f"| Cited in this draft | {len(papers)} |", "",
    ]
    if prisma_path:
        out += ["!" + _link(prisma_path, "Flow of records through the review (PRISMA 2020)"),
                ""]

    placed: set[int] = set()
    for section in review.sections():
        members = [chosen[i] for i in section.paper_ids if i in chosen]
        placed.update(p.id for p in members)
        out += [f"# {md_escape(section.title)}", ""]
        if section.description:  # the user's Markdown, as notes are
            out += [keep_citations(clean_block(section.description).strip("\n"), keys), ""]
        if not members:
            out += ["*No selected paper in this section yet.*", ""]
            continue
        for paper in members:
            out += _paper_bullet(paper, keys)
        out += ["", f"Table: {md_escape(section.title)} at a glance.", ""]
        out += _table(members) + [""]

    unsorted = [p for p in papers if p.id not in placed]
    if unsorted:
        out += ["# Not yet in a section", "",
                "*Selected papers that no section holds yet.*", ""]
        for paper in unsorted:
            out += _paper_bullet(paper, keys)
        out += [""]

    out += ["# Open problems", "", "*To write.*", "",
            "# Conclusion", "", "*To write.*", "",
            "# References {.unnumbered}", "", "::: {#refs}", ":::", ""]
    # A note ends with a blank line of its own; never leave two in a row.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def relative_bib(markdown_path: str | Path, bib_path: str | Path) -> str:
    """The .bib path as the front matter should give it: relative to the Markdown file."""
    md_dir = Path(markdown_path).resolve().parent
    return Path(os.path.relpath(Path(bib_path).resolve(), md_dir)).as_posix()

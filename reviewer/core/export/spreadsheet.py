"""CSV export: the screening as a spreadsheet (one row a paper), for co-authors who read
it in a spreadsheet app, for PRISMA bookkeeping, or for pandas.

UTF-8, RFC 4180 (comma separated, fields quoted when needed, CRLF line ends), one header
row. Lists (authors, tags, sections) are joined with "; "; ``link`` is the one the app
opens (the arXiv page, else the DOI, the URL, a code link). A cell that a spreadsheet would
run as a formula (starting with = + - @, a tab or a carriage return: OWASP's CSV
injection list) gets a leading apostrophe, so that a hostile title stays text.
"""

from __future__ import annotations

import csv
import io

from ..model import Paper

COLUMNS = ("id", "citekey", "title", "authors", "year", "venue", "arxiv_id", "doi", "link",
           "decision", "reason", "starred", "tags", "sections", "note", "abstract")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def row(paper: Paper) -> list[str]:
    return [_cell(v) for v in (
        paper.id, paper.citekey, paper.title, "; ".join(paper.authors)
        or (f"{paper.author_count} authors" if paper.author_count else ""),
        paper.year, paper.venue, paper.arxiv_id, paper.doi, paper.best_link,
        paper.decision.value, paper.reason, "yes" if paper.starred else "",
        "; ".join(paper.tags),
        "; ".join(paper.sections), paper.note.strip(), paper.abstract)]


def to_csv(papers: list[Paper]) -> str:
    """The CSV text for ``papers``, in their order."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row(p) for p in papers)
    return out.getvalue()

"""A survey export: the Markdown skeleton, the .bib it cites and, if asked, the screening
spreadsheet, written together, so that a kill leaves all of them old or all of them new
(files.write_together)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Paper
from ..paths import check_export_targets
from ..store import Review
from .bibfile import BibFile, bib_file, record
from .files import write_together
from .markdown import relative_bib, skeleton
from .selection import Selection


@dataclass(slots=True)
class Survey:
    papers: list[Paper]
    bib: BibFile
    written: list[bool]  # .bib, skeleton (, spreadsheet): whether each was written


def write_survey(review: Review, selection: Selection, md: str | Path, bib: str | Path,
                 title: str | None = None, csv: str | Path | None = None,
                 svg: str | Path | None = None) -> Survey:
    """Write the skeleton ``md`` citing exactly the papers of ``bib`` (one transaction:
    the keys are frozen once the files are in place), the spreadsheet ``csv`` and the
    PRISMA flow diagram ``svg`` that the skeleton links."""
    from .prisma import diagram_title, prisma_counts, prisma_svg
    from .spreadsheet import to_csv

    extra = [path for path in (csv, svg) if path is not None]
    paths = [md, bib, *extra]
    check_export_targets(review.path, *paths)
    with review.transaction():
        made = bib_file(review, selection, bib)
        papers = selection.papers(review)
        flow = prisma_counts(review)  # one count for the skeleton's table and the diagram
        diagram = relative_bib(md, svg) if svg is not None else None
        files = [(bib, None if made.in_place else made.pieces),
                 (md, skeleton(review, papers, relative_bib(md, bib), title,
                               selection.describe(), diagram, flow))]
        if csv is not None:
            files.append((csv, to_csv(papers)))
        if svg is not None:
            files.append((svg, prisma_svg(flow, diagram_title(review))))
        written = write_together(files)
        made.written = written[0]
        record(review, made, bib)
    return Survey(papers, made, written)

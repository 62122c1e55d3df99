"""``reviewer export bibtex|markdown|csv|ris|prisma OUT``: the selected papers as BibTeX, a
survey skeleton, a spreadsheet or RIS; the review's PRISMA flow diagram."""

from __future__ import annotations

import argparse
from argparse import Namespace
from pathlib import Path

from ..core.errors import UsageError
from ..core.model import Decision
from ..core.paths import check_export_targets, show
from .common import open_review, plural, say


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    export = sub.add_parser("export", parents=[common], help="export BibTeX, a Markdown "
                            "survey skeleton, CSV, RIS or a PRISMA diagram", description="By default the included and the "
                            "starred papers; selection options combine.")
    kinds = export.add_subparsers(dest="kind", metavar="FORMAT", required=True)

    selection = argparse.ArgumentParser(add_help=False)
    group = selection.add_argument_group("selection (default: included or starred papers)")
    group.add_argument("--decision", "-d", type=_decision, metavar="D")
    group.add_argument("--starred", action="store_true")
    group.add_argument("--tag", "-t", action="append", default=[], metavar="T")
    group.add_argument("--section", "-s", metavar="S")
    group.add_argument("--all", action="store_true", dest="everything", help="every paper")

    p = kinds.add_parser("bibtex", parents=[common, selection], help="write a .bib file")
    p.add_argument("out", metavar="OUT.bib")
    p.set_defaults(handler=cmd_bibtex)

    p = kinds.add_parser("csv", parents=[common, selection],
                         help="write the screening as a spreadsheet (one row a paper)",
                         description="One row a paper, in the list's order: key, title, "
                         "authors, year, venue, ids, link, decision, reason, star, tags, sections, "
                         "note, abstract. UTF-8, comma separated.")
    p.add_argument("out", metavar="OUT.csv")
    p.set_defaults(handler=cmd_csv)

    p = kinds.add_parser("ris", parents=[common, selection],
                         help="write a RIS file (EndNote, Zotero, Mendeley, Rayyan)",
                         description="One record a paper, in the list's order; tags as KW, "
                         "the note and the decision with an exclude's reason (as Rayyan writes "
                         "them) as N1.")
    p.add_argument("out", metavar="OUT.ris")
    p.set_defaults(handler=cmd_ris)

    p = kinds.add_parser("prisma", parents=[common],
                         help="write the review's PRISMA 2020 flow diagram as SVG",
                         description="Records per imported file, duplicates merged, "
                         "screened, excluded (with reasons), maybe, included: the whole "
                         "review's flow, whatever a selection would export.")
    p.add_argument("out", metavar="OUT.svg")
    p.set_defaults(handler=cmd_prisma)

    p = kinds.add_parser("markdown", parents=[common, selection],
                         help="write a Markdown survey skeleton for pandoc --citeproc "
                         "(with its .bib and its PRISMA flow diagram beside it)")
    p.add_argument("out", metavar="OUT.md")
    p.add_argument("--bib", metavar="REFS.bib", help="also write the .bib the skeleton cites "
                   "(default: OUT.bib beside OUT.md)")
    p.add_argument("--title", help="document title")
    p.set_defaults(handler=cmd_markdown)


def _decision(text: str) -> Decision:
    try:
        return Decision.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _selection(ns: Namespace):
    from ..core.export.selection import Selection
    return Selection(ns.decision, ns.starred, tuple(ns.tag), ns.section, ns.everything)


def cmd_bibtex(ns: Namespace) -> int:
    from ..core.export.bibfile import write_bibtex

    with open_review(ns) as review:
        selection = _selection(ns)
        bib = write_bibtex(review, selection, ns.out)
        entries = f"{plural(len(bib.ids), 'entry')} ({selection.describe()})"
        if bib.written:
            say(f"wrote {entries} to {show(ns.out)}")
        else:
            say(f"{show(ns.out)} already holds these {entries}: left untouched")
    return 0


def cmd_csv(ns: Namespace) -> int:
    from ..core.export.spreadsheet import to_csv

    return _write_papers(ns, to_csv)


def cmd_ris(ns: Namespace) -> int:
    from ..core.export.ris import to_ris

    return _write_papers(ns, to_ris)


def _write_papers(ns: Namespace, render) -> int:
    """A file of the selected papers (a spreadsheet, RIS) whose citation keys it names."""
    from ..core.export.files import write_atomically

    with open_review(ns) as review:
        selection = _selection(ns)
        check_export_targets(review.path, ns.out)
        with review.transaction():  # its keys freeze only once the file is in place
            papers = selection.papers(review)
            write_atomically(ns.out, render(papers))
            review.freeze_citekeys(p.id for p in papers)
        say(f"wrote {plural(len(papers), 'paper')} ({selection.describe()}) to {show(ns.out)}")
    return 0


def cmd_prisma(ns: Namespace) -> int:
    from ..core.export.files import write_atomically
    from ..core.export.prisma import diagram_title, prisma_counts, prisma_svg

    with open_review(ns) as review:
        check_export_targets(review.path, ns.out)
        flow = prisma_counts(review)
        write_atomically(ns.out, prisma_svg(flow, diagram_title(review)))
        say(f"wrote the PRISMA flow diagram ({plural(flow.records, 'record')}, "
            f"{flow.included} included) to {show(ns.out)}")
    return 0


def cmd_markdown(ns: Namespace) -> int:
    from ..core.export.markdown import relative_bib
    from ..core.export.prisma import beside
    from ..core.export.survey import write_survey

    bib = ns.bib or str(Path(ns.out).with_suffix(".bib"))
    svg = str(beside(ns.out))
    if Path(bib).resolve() == Path(ns.out).resolve():
        raise UsageError("the skeleton and its .bib need different file names")
    if Path(bib).resolve() == Path(svg).resolve():
        raise UsageError(f"{show(bib)}: the skeleton's flow diagram goes there; name the .bib "
                         "otherwise")
    for named, where in ((bib, "its .bib in UTF-8 front matter"), (svg, "its flow diagram")):
        try:
            relative_bib(ns.out, named).encode("utf-8")
        except UnicodeEncodeError:  # the name's odd bytes reach Python as surrogates
            raise UsageError(f"{show(named)}: the skeleton names {where}, and this file name "
                             "is not UTF-8; choose another") from None
    with open_review(ns) as review:
        selection = _selection(ns)
        # One transaction: the skeleton cites exactly the papers of its .bib.
        survey = write_survey(review, selection, ns.out, bib, ns.title, svg=svg)
        say(f"wrote the skeleton citing {plural(len(survey.papers), 'paper')} "
            f"({selection.describe()}) to {show(ns.out)}, its references to {show(bib)} and "
            f"its PRISMA flow diagram to {show(svg)}")
        say(f"render it with: pandoc {show(ns.out)} --citeproc -o survey.html")
    return 0

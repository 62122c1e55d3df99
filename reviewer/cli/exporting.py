"""``reviewer export bibtex|markdown|csv|ris|prisma OUT``: the selected papers as BibTeX, a
survey skeleton, a spreadsheet or RIS; the review's PRISMA flow diagram."""

from __future__ import annotations

import argparse
from argparse import Namespace
from pathlib import Path

from ..core.errors import UsageError
from ..core.model import Decision
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
                         "authors, year, venue, ids, link, decision, star, tags, sections, "
                         "note, abstract. UTF-8, comma separated.")
    p.add_argument("out", metavar="OUT.csv")
    p.set_defaults(handler=cmd_csv)

    p = kinds.add_parser("ris", parents=[common, selection],
                         help="write a RIS file (EndNote, Zotero, Mendeley, Rayyan)",
                         description="One record a paper, in the list's order; tags as KW, "
                         "the note and the decision (as Rayyan writes it) as N1.")
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


def _write_bib(review, selection, out: str):
    from ..core.export.bibfile import write_bibtex

    _check_writable(out)
    return write_bibtex(review, selection, out)


def _check_writable(out: str) -> None:
    folder = Path(out).expanduser().resolve().parent
    if not folder.is_dir():
        raise UsageError(f"{out}: no such directory {str(folder)!r}")
    if Path(out).is_dir():
        raise UsageError(f"{out}: is a directory")


def cmd_bibtex(ns: Namespace) -> int:
    with open_review(ns) as review:
        selection = _selection(ns)
        try:
            bib = _write_bib(review, selection, ns.out)
        except OSError as exc:
            raise UsageError(f"{ns.out}: cannot write ({exc.strerror or exc})") from None
        entries = f"{plural(len(bib.ids), 'entry')} ({selection.describe()})"
        if bib.written:
            say(f"wrote {entries} to {ns.out}")
        else:
            say(f"{ns.out} already holds these {entries}: left untouched")
    return 0


def cmd_csv(ns: Namespace) -> int:
    from ..core.export.files import write_atomically
    from ..core.export.spreadsheet import to_csv

    with open_review(ns) as review:
        selection = _selection(ns)
        _check_writable(ns.out)
        try:
            with review.transaction():  # its keys freeze only once the file is in place
                papers = selection.papers(review)
                write_atomically(ns.out, to_csv(papers))
                review.freeze_citekeys(p.id for p in papers)
        except OSError as exc:
            raise UsageError(f"{ns.out}: cannot write ({exc.strerror or exc})") from None
        say(f"wrote {plural(len(papers), 'paper')} ({selection.describe()}) to {ns.out}")
    return 0


def cmd_ris(ns: Namespace) -> int:
    from ..core.export.files import write_atomically
    from ..core.export.ris import to_ris

    with open_review(ns) as review:
        selection = _selection(ns)
        _check_writable(ns.out)
        try:
            with review.transaction():  # its keys (the ID tags) freeze once the file is in place
                papers = selection.papers(review)
                write_atomically(ns.out, to_ris(papers))
                review.freeze_citekeys(p.id for p in papers)
        except OSError as exc:
            raise UsageError(f"{ns.out}: cannot write ({exc.strerror or exc})") from None
        say(f"wrote {plural(len(papers), 'paper')} ({selection.describe()}) to {ns.out}")
    return 0


def cmd_prisma(ns: Namespace) -> int:
    from ..core.export.files import write_atomically
    from ..core.export.prisma import diagram_title, prisma_counts, prisma_svg

    with open_review(ns) as review:
        _check_writable(ns.out)
        flow = prisma_counts(review)
        try:
            write_atomically(ns.out, prisma_svg(flow, diagram_title(review)))
        except OSError as exc:
            raise UsageError(f"{ns.out}: cannot write ({exc.strerror or exc})") from None
        say(f"wrote the PRISMA flow diagram ({plural(flow.records, 'record')}, "
            f"{flow.included} included) to {ns.out}")
    return 0


def cmd_markdown(ns: Namespace) -> int:
    from ..core.export.files import write_atomically
    from ..core.export.markdown import relative_bib, skeleton
    from ..core.export.prisma import beside, diagram_title, prisma_counts, prisma_svg

    bib = ns.bib or str(Path(ns.out).with_suffix(".bib"))
    svg = str(beside(ns.out))
    if Path(bib).resolve() == Path(ns.out).resolve():
        raise UsageError("the skeleton and its .bib need different file names")
    if Path(bib).resolve() == Path(svg).resolve():
        raise UsageError(f"{bib}: the skeleton's flow diagram goes there; name the .bib "
                         "otherwise")
    for named, where in ((bib, "its .bib in UTF-8 front matter"), (svg, "its flow diagram")):
        try:
            relative_bib(ns.out, named).encode("utf-8")
        except UnicodeEncodeError:  # the name's odd bytes reach Python as surrogates
            raise UsageError(f"{named}: the skeleton names {where}, and this file name "
                             "is not UTF-8; choose another") from None
    with open_review(ns) as review:
        selection = _selection(ns)
        _check_writable(ns.out)
        try:
            # One transaction: the skeleton cites exactly the papers of its .bib.
            with review.transaction():
                _write_bib(review, selection, bib)
                papers = selection.papers(review)
                flow = prisma_counts(review)  # one count for the table and the diagram
                write_atomically(svg, prisma_svg(flow, diagram_title(review)))
                text = skeleton(review, papers, relative_bib(ns.out, bib), ns.title,
                                selection.describe(), relative_bib(ns.out, svg), flow)
                write_atomically(ns.out, text)
        except OSError as exc:
            raise UsageError(f"cannot write the export ({exc.strerror or exc})") from None
        say(f"wrote the skeleton citing {plural(len(papers), 'paper')} "
            f"({selection.describe()}) to {ns.out}, its references to {bib} and its "
            f"PRISMA flow diagram to {svg}")
        say(f"render it with: pandoc {ns.out} --citeproc -o survey.html")
    return 0

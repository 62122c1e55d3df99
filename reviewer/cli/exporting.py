"""``reviewer export bibtex|markdown OUT``: the selected papers as BibTeX or a survey skeleton."""

from __future__ import annotations

import argparse
from argparse import Namespace
from pathlib import Path

from ..core.errors import UsageError
from ..core.model import Decision
from ..core.paths import check_export_targets, show
from .common import open_review, plural, say


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    export = sub.add_parser("export", parents=[common], help="export BibTeX or a Markdown "
                            "survey skeleton", description="By default the included and the "
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

    p = kinds.add_parser("markdown", parents=[common, selection],
                         help="write a Markdown survey skeleton for pandoc --citeproc")
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
    from ..core.export.files import write_atomically
    from ..core.export.spreadsheet import to_csv

    with open_review(ns) as review:
        selection = _selection(ns)
        check_export_targets(review.path, ns.out)
        with review.transaction():  # its keys freeze only once the file is in place
            papers = selection.papers(review)
            write_atomically(ns.out, to_csv(papers))
            review.freeze_citekeys(p.id for p in papers)
        say(f"wrote {plural(len(papers), 'paper')} ({selection.describe()}) to {show(ns.out)}")
    return 0


def cmd_markdown(ns: Namespace) -> int:
    from ..core.export.markdown import relative_bib
    from ..core.export.survey import write_survey

    bib = ns.bib or str(Path(ns.out).with_suffix(".bib"))
    if Path(bib).resolve() == Path(ns.out).resolve():
        raise UsageError("the skeleton and its .bib need different file names")
    try:
        relative_bib(ns.out, bib).encode("utf-8")
    except UnicodeEncodeError:  # the name's odd bytes reach Python as surrogates
        raise UsageError(f"{show(bib)}: the skeleton names its .bib in UTF-8 front matter, "
                         "and this file name is not UTF-8; choose another") from None
    with open_review(ns) as review:
        selection = _selection(ns)
        # One transaction: the skeleton cites exactly the papers of its .bib.
        survey = write_survey(review, selection, ns.out, bib, ns.title)
        say(f"wrote the skeleton citing {plural(len(survey.papers), 'paper')} "
            f"({selection.describe()}) to {show(ns.out)}, and its references to {show(bib)}")
        say(f"render it with: pandoc {show(ns.out)} --citeproc -o survey.html")
    return 0

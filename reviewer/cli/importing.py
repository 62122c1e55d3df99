"""The import command: dumps into the review. A module of its own: an import loads
neither the filters nor the list's layout."""

from __future__ import annotations

import argparse
import sys
from argparse import Namespace

from .common import open_review, plural, say
from .progress import ProgressLine

MAX_SKIPPED_SHOWN = 20


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from ..core.parsers import FORMATS

    p = sub.add_parser("import", parents=[common], help="import dumps into the review",
                       description="Import dumps (format detected from content). Nothing is "
                       "imported if any file cannot be read.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=list(FORMATS), help="force a format")
    p.add_argument("--year", type=int, help="year for dates printed without one "
                   "(default: this year, or last year for a date still to come)")
    p.add_argument("--decisions", action="store_true", help="also import the decisions "
                   "the files carry (ASReview's label_included, Rayyan's inclusion notes, "
                   "an exclude's reason) for papers still undecided; one undo takes them "
                   "back with the import")
    p.set_defaults(handler=cmd_import)


def cmd_import(ns: Namespace) -> int:
    from ..config import load
    from ..core.importer import import_files
    from ..core.paths import check_inputs

    limit = load()[0].max_import_bytes
    check_inputs(ns.files, limit)  # before the review is opened: a FIFO must not wait
    with open_review(ns) as review:
        progress = ProgressLine(sys.stderr, ns.files) if sys.stderr.isatty() else None
        try:
            report = import_files(review, ns.files, ns.format, ns.year, progress, limit,
                                  with_decisions=ns.decisions)
        finally:
            if progress:
                progress.close()
        for f in report.files:
            say(f"{f.file}: {plural(f.found, 'paper')} ({f.label})")
            if f.labelled and not ns.decisions:
                say(f"  {plural(f.labelled, 'record')} came with a decision, not imported "
                    "(--decisions imports them)")
            for warning in f.warnings[:MAX_SKIPPED_SHOWN]:
                say(f"  warning: {warning}")
            if len(f.warnings) > MAX_SKIPPED_SHOWN:
                say(f"  ... and {len(f.warnings) - MAX_SKIPPED_SHOWN} more warnings")
            for skipped in f.skipped[:MAX_SKIPPED_SHOWN]:
                say(f"  skipped {f.file}:{skipped.line}: {skipped.reason}")
            if len(f.skipped) > MAX_SKIPPED_SHOWN:
                say(f"  ... and {len(f.skipped) - MAX_SKIPPED_SHOWN} more skipped")
        say(f"Review {review.name!r}: {report.summary}; {plural(review.count(), 'paper')} "
            "in all.")
        for pid, have, wanted in (report.decisions.kept if report.decisions else [])[
                :MAX_SKIPPED_SHOWN]:
            say(f"  #{pid} stays {have.value} (the file says {wanted.value})")
    return 0

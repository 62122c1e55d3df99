"""Open the TUI (until it exists: import the files and print the review)."""

from __future__ import annotations

import tempfile
from argparse import Namespace
from pathlib import Path

from ..core.importer import import_files
from ..core.store import Review
from ..resources import sample_lists
from .common import open_review, say
from .render import paper_line, width


def launch(ns: Namespace) -> int:
    if ns.demo:
        folder = Path(tempfile.mkdtemp(prefix="reviewer-demo-"))
        review = Review.open(folder / "demo.sqlite")
        files = [str(p) for p in sample_lists()] + list(ns.files)
    else:
        review = open_review(ns)
        files = list(ns.files)
    with review:
        if files:
            report = import_files(review, files, ns.format, ns.year)
            say(f"Review {review.name!r}: {report.summary}")
        cols = width()
        for paper in review.papers():
            say(paper_line(paper, cols))
    return 0

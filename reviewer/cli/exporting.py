"""``reviewer export ...`` (being written: see issue 4)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sub.add_parser("export", parents=[common], help="export BibTeX or a Markdown survey "
                   "skeleton (not written yet)")

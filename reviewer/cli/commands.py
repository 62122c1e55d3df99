"""The argument parsers. Each command group lives in its own module with a ``register``."""

from __future__ import annotations

import argparse
import importlib
from argparse import Namespace

from .. import __version__

# Command name -> module that registers it. Known before any module is imported, so
# that telling ``reviewer FILE`` from ``reviewer COMMAND`` costs nothing.
COMMANDS: dict[str, str] = {
    "import": "importing",
    "list": "reading",
    "show": "reading",
    "stats": "reading",
    "reviews": "reading",
    "history": "reading",
    "star": "editing",
    "unstar": "editing",
    "tag": "editing",
    "untag": "editing",
    "note": "editing",
    "decide": "editing",
    "citekey": "editing",
    "edit": "editing",
    "merge": "editing",
    "undo": "editing",
    "redo": "editing",
    "section": "sections",
    "config": "settings",
    "export": "exporting",
    "check": "checking",
    "enrich": "online",
    "uncertain": "online",
    "simulate": "screening",
    "suggest-section": "screening",
}

EPILOG = """\
Without a command, reviewer opens the review in the terminal UI (importing FILEs first).
IDs are paper numbers (as `list` shows them) or citation keys."""


def review_option(parser: argparse.ArgumentParser, suppress: bool) -> None:
    parser.add_argument(
        "--review", "-r", metavar="R", default=argparse.SUPPRESS if suppress else None,
        help="review name (kept in the user data dir) or path to a review file; "
             "default: 'default'")


def command_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of ``command``'s group (the rest of the
    groups' modules stay unimported: a fifth of a quick command's start-up)."""
    parser = argparse.ArgumentParser(
        prog="reviewer", description="Triage dumps of paper lists into a reading list and "
        "the skeleton of a survey.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    review_option(parser, suppress=False)
    # --review is accepted after the command too: `reviewer list --review survey`.
    common = argparse.ArgumentParser(add_help=False)
    review_option(common, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    modules = [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for module in modules:
        importlib.import_module(f"{__package__}.{module}").register(sub, common)
    return parser


def tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer", usage="reviewer [--review R] [--demo] [FILE ...] | reviewer COMMAND ...",
        description="Open a review in the terminal UI, importing FILEs first. "
                    "Run `reviewer --help` for the commands.")
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    review_option(parser, suppress=False)
    parser.add_argument("--demo", action="store_true",
                        help="open a throwaway review filled from the bundled sample lists")
    parser.add_argument("--format", choices=_formats(), help="format of FILEs (default: detect)")
    parser.add_argument("--year", type=int, help="year for dates given without one "
                        "(default: this year, or last year for a date still to come)")
    parser.add_argument("--theme", help="theme for this session")
    parser.add_argument("files", nargs="*", metavar="FILE", help="dumps to import first")
    return parser


def _formats() -> list[str]:
    from ..core.parsers import FORMATS
    return list(FORMATS)


def open_tui(ns: Namespace) -> int:
    from .tui_launch import launch
    return launch(ns)

"""``reviewer check [--repair]``: SQLite's integrity check of the review, and a rebuild of
a damaged one from what can be read and from its backups."""

from __future__ import annotations

import argparse
import shlex
from argparse import Namespace

from ..core.errors import ReviewError, UsageError
from ..core.locations import review_path
from .common import plural, say


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "check", parents=[common], help="check the review file for damage (and repair it)",
        description="Run SQLite's integrity check on the review. With --repair, a damaged "
        "review is rebuilt from what can still be read, and the papers on unreadable pages "
        "are taken from its newest good backup; the damaged file is kept beside it as "
        "NAME.damaged-DATE.sqlite. Close the app on this review first.")
    p.add_argument("--repair", action="store_true", help="rebuild a damaged review")
    p.set_defaults(handler=cmd_check)


def cmd_check(ns: Namespace) -> int:
    from ..core.backup import backups_of
    from ..core.integrity import SHOWN, integrity_check, repair

    try:
        path = review_path(getattr(ns, "review", None))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not path.is_file():
        raise ReviewError(f"{path}: no such review")
    problems = integrity_check(path)
    backups = len(backups_of(path))
    if not problems:
        say(f"{path}: ok (SQLite's integrity check passed; {plural(backups, 'backup')})")
        return 0
    if not ns.repair:
        for line in problems[:SHOWN]:
            say(f"  {line}")
        found = plural(len(problems), "problem")
        raise ReviewError(f"{path}: the review file is damaged ({found} found; "
                          f"{plural(backups, 'backup')}); run `reviewer -r "
                          f"{shlex.quote(str(path))} check --repair` to rebuild it")
    result = repair(path)
    if result.source == "rows":
        lost = sum(result.skipped.values())
        where = ", ".join(f"{table} {n}" for table, n in sorted(result.skipped.items()))
        skipped = "unreadable row or stretch" if lost == 1 else "unreadable rows or stretches"
        what = (f"rebuilt from the rows that could be read ({lost} {skipped} skipped: "
                f"{where})" if lost else "rebuilt; every row could be read")
        if result.filled:
            what += (f"; {plural(result.filled, 'paper')} the damage lost taken from the "
                     f"backup {result.backup}")
    else:
        what = f"nothing could be read; restored the newest good backup, {result.source}"
    say(f"{path}: {what}: {plural(result.papers, 'paper')}, "
        f"{plural(result.history, 'history entry')}.")
    say(f"The damaged file is kept, unchanged, as {result.damaged_copy}")
    return 0

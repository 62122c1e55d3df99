"""``reviewer [--review R] [--demo] [FILE...]``: open the review in the terminal UI.

Files are checked (readable, not binary, a known format) before the UI starts, so a bad
file fails in the shell with a one-line message and exit status 2, like ``import``.
"""

from __future__ import annotations

import os
import tempfile
from argparse import Namespace
from pathlib import Path

from ..core.errors import UsageError
from ..core.locations import review_path
from ..core.parsers import detect_format
from ..core.decoding import read_dump
from ..core.paths import check_inputs, show
from ..core.store import Review
from ..resources import sample_lists


# Words people try as commands that reviewer spells otherwise.
_SPELLED_OTHERWISE = {"search": "list --search", "find": "list --search", "ls": "list",
                      "add": "import", "info": "show", "include": "decide ID include",
                      "exclude": "decide ID exclude", "open": "reviewer (no command)"}


def launch(ns: Namespace) -> int:
    from ..config import load

    files = list(ns.files)
    limit = load()[0].max_import_bytes
    for file in files:
        if not os.path.lexists(file) and file.replace("-", "").isalpha():
            raise UsageError(_not_a_command(file))
    check_inputs(files, limit)  # every file, before any is read: a FIFO must not wait
    for file in files:
        text = read_dump(file, limit).text
        if ns.format is None:
            detect_format(text, file)
    if ns.demo:
        path = Path(tempfile.mkdtemp(prefix="reviewer-demo-")) / "demo.sqlite"
        files = [str(p) for p in sample_lists()] + files
    else:
        try:
            path = review_path(ns.review)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    with Review.open(path) as review:  # a corrupt or foreign file fails here, in the shell
        from ..core.backup import daily

        daily(review)  # here, not at the first key of the day, which it would stall

    from ..tui.app import ReviewerApp  # Textual is imported only on this path

    app = ReviewerApp(path, files, ns.format, ns.year, theme=ns.theme,
                      remember_theme=ns.theme is None)
    app.run()
    damage = getattr(app, "damage", None)
    if damage is not None:  # the app said so, and the shell gets the CLI's line
        raise damage
    return app.return_code or 0


def _not_a_command(word: str) -> str:
    """`reviewer search x` reads 'search' as a file to import: say what was meant."""
    import difflib

    from .commands import COMMANDS

    hint = _SPELLED_OTHERWISE.get(word.lower())
    if hint is None:
        close = difflib.get_close_matches(word.lower(), COMMANDS, n=1)
        hint = close[0] if close else None
    tip = f"; did you mean '{hint}'?" if hint else ""
    return (f"{show(word)}: no such file, and not a command (commands: {', '.join(COMMANDS)})"
            f"{tip}")

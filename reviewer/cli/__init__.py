"""The command line: ``reviewer [--review R] COMMAND ...``, or the TUI without a command.

Every error a user can cause ends as one line on stderr and exit status 2; no traceback
reaches the user (set ``REVIEWER_DEBUG=1`` to see one for an internal error). Commands
that do not open the TUI never import Textual.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

from ..core.gc_pause import gc_paused
from ..core.errors import DatabaseError, ReviewerError
from . import commands

# Options of the bare ``reviewer`` (TUI) form that take a value.
_VALUE_OPTIONS = {"--review", "-r", "--format", "--year", "--theme"}


def run() -> int:
    """The console script and ``python -m reviewer``: ``main``, and then the process ends."""
    code = main()
    # The collector's passes at exit walk every object still alive, a tenth of a quick
    # command such as `reviewer list`; frozen, they are left to reference counting, which
    # frees them as before. (Not in main: tests call it again and again in one process.)
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # A file name that is not UTF-8 reaches Python as surrogates; printing one must not
    # fail halfway through a command's output.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        try:
            return _run(args)
        finally:
            _warn_backup_problems()
    except ReviewerError as exc:
        _error(str(exc))
        return exc.exit_status
    except DatabaseError as exc:  # met while reading: the file is damaged, or gone
        from ..core.store import database_error, last_opened

        _error(str(database_error(exc, last_opened())))
        return 2
    except KeyboardInterrupt:
        _error("interrupted; the review holds every change made before this point")
        return 130
    except BrokenPipeError:
        # `reviewer list | head`: the reader went away; not an error worth a message.
        _silence_stdout()
        return 0
    except Exception as exc:  # the last guard: no traceback reaches the user
        if os.environ.get("REVIEWER_DEBUG"):
            raise
        _error(f"internal error ({type(exc).__name__}: {exc}); "
               "run with REVIEWER_DEBUG=1 to see where, and please report it")
        return 1


def _run(args: list[str]) -> int:
    index = _command_index(args)
    if index is None:
        parser = commands.tui_parser()
        ns = parser.parse_args(args)
        return commands.open_tui(ns)
    # A command is one bulk job that ends the process: without the cyclic collector
    # rescanning what it builds, a 5,000-paper export takes a tenth less. Its objects
    # hold no cycles worth collecting; the TUI, which lives on, keeps the collector.
    with gc_paused():
        parser = commands.command_parser(args[index])
        ns = parser.parse_args(args)
        return ns.handler(ns)


def _warn_backup_problems() -> None:
    backup = sys.modules.get("reviewer.core.backup")
    for problem in backup.problems if backup else ():
        _error(f"warning: {problem}")
    if backup:
        backup.problems.clear()


def _command_index(args: list[str]) -> int | None:
    """Where the subcommand is in ``args``; None for the bare (TUI) form."""
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == "--":
            return None
        if arg.startswith("-"):
            if arg in ("-h", "--help"):
                return index  # the full help lists the commands
            skip = arg in _VALUE_OPTIONS
            continue
        return index if arg in commands.COMMANDS else None
    return None


def _error(message: str) -> None:
    # One line, whatever the message holds, and nothing a terminal obeys: names are
    # escaped where the message is made (paths.show); this catches any that were not.
    line = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 0x100
                   else f"\\u{ord(c):04x}" for c in " ".join(message.split()))
    print(f"reviewer: {line}", file=sys.stderr)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


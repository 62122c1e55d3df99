"""An import run in a fresh process of its own, for callers that run threads (the TUI).

A process running threads must not fork (forking.can_fork), so an import made from a
thread of the TUI would go without its planning child: a fifth slower than the CLI's for
a big dump. A freshly started interpreter runs no threads and forks as the CLI does; it
also leaves the TUI's own interpreter free to answer keys. Progress and the outcome come
back through a pipe; a cancelled import is killed in its one transaction, which stores
nothing (as a killed CLI import does).
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import ReviewerError
from .importer import ImportReport, Progress, import_files
from .paths import MAX_INPUT_BYTES
from .store import Review

# The child: a fresh interpreter (subprocess execs at once, which is safe from a thread;
# multiprocessing's spawn tripped over its resource tracker under the TUI's tests).
_CHILD = "from reviewer.core.import_process import _child; _child()"


class ImportCancelled(Exception):
    pass


def import_in_process(review_path: str | Path, files: Sequence[str], fmt: str | None,
                      year: int | None, progress: Progress | None = None,
                      cancelled: Callable[[], bool] = lambda: False,
                      max_bytes: int = MAX_INPUT_BYTES) -> ImportReport:
    """import_files in a new process: the report, or the ReviewerError it raised;
    ImportCancelled (the child killed, nothing stored) once ``cancelled()`` says so."""
    child = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        child.stdin.write(pickle.dumps((str(review_path), list(files), fmt, year, max_bytes)))
        child.stdin.close()
        while True:
            if cancelled():
                child.kill()
                raise ImportCancelled
            if not select.select([child.stdout], [], [], 0.05)[0]:
                continue
            try:
                kind, payload = pickle.load(child.stdout)
            except (EOFError, pickle.UnpicklingError):
                child.wait()
                raise ReviewerError(f"the import stopped (exit status {child.returncode})"
                                    ) from None
            if kind == "progress" and progress:
                progress(*payload)
            elif kind == "report":
                return payload
            elif kind == "error":
                raise ReviewerError(payload)
    finally:
        if child.poll() is None and cancelled():
            child.kill()
        child.wait()
        child.stdout.close()


def _child() -> None:
    # The messages go out on what was stdout; anything printed goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    review_path, files, fmt, year, max_bytes = pickle.load(sys.stdin.buffer)

    def send(message: tuple) -> None:
        out.write(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
        out.flush()

    try:
        with Review.open(review_path) as review:
            report = import_files(review, files, fmt, year,
                                  lambda *state: send(("progress", state)), max_bytes)
        send(("report", report))
    except ReviewerError as exc:
        send(("error", str(exc)))
    except Exception as exc:  # a bug: still one line for the user
        send(("error", f"internal error during the import ({type(exc).__name__}: {exc})"))
    finally:
        out.close()

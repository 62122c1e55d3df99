"""Running the two halves of a big parse on two cores.

Parsing a large dump is pure Python and holds the GIL, so a second core only helps from
a second process. ``os.fork`` gives that process the text and every loaded module for
free; the child sends its half of the result back pickled through a pipe. Whatever goes
wrong on that road (no fork on this system, threads running, a child that dies), the
parent simply does the second half itself: the result never depends on the road taken.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Below this much text a fork and a pickle cost more than half a parse saves.
MIN_CHARS = 1 << 20


def can_fork() -> bool:
    # Forking a process that runs other threads can copy a lock some thread holds (the
    # TUI parses in a worker thread): only a single-threaded process forks.
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def in_two(first: Callable[[], T], second: Callable[[], T]) -> tuple[T, T]:
    """``(first(), second())``, with ``second`` running in a child process when possible."""
    if not can_fork():
        return first(), second()
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return first(), second()
    if pid == 0:  # the child: never return into the caller's code
        os.close(read_end)
        status = 1
        try:
            # Pickled whole before writing: pickling into the pipe would wait for the
            # parent to read, which it does only once its own half is done.
            data = pickle.dumps(second(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        except BaseException:  # the parent redoes the work; nothing to report from here
            pass
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        head = first()
    except BaseException:
        _reap(pid, read_end, kill=True)
        raise
    tail = _collect(pid, read_end)
    return head, (second() if tail is _FAILED else tail)


_FAILED = object()


def _collect(pid: int, read_end: int) -> object:
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    except OSError:
        data = b""
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return _FAILED
    try:
        return pickle.loads(data)
    except Exception:
        return _FAILED


def _reap(pid: int, read_end: int, kill: bool) -> None:
    import signal

    os.close(read_end)
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os.waitpid(pid, 0)

"""Work in a forked child process: the one place reviewer forks.

Parsing and dedup are pure Python and hold the GIL, so a second core only helps from a
second process. ``os.fork`` gives that process every loaded module and the parent's data
for free; objects go down a pipe pickled, and the child's answer comes back pickled.
Whatever goes wrong on that road (no fork on this system, threads running, a child that
dies), the caller does the work itself: the result never depends on the road taken.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

# A pipe this big lets the parent run a few batches ahead of the child (Linux caps an
# unprivileged process at 1 MB).
_PIPE_SIZE = 1 << 20


def can_fork() -> bool:
    # Forking a process that runs other threads can copy a lock some thread holds (the
    # TUI imports in a worker thread): only a single-threaded process forks.
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


class Child:
    """A forked process running ``work`` over the objects the parent sends it, in order;
    what ``work`` returns comes back from ``answer()``. Raises OSError when it cannot
    start (the caller then works alone)."""

    def __init__(self, work: Callable[[Iterator[Any]], Any]) -> None:
        to_child, self._to_child = os.pipe()
        self._from_child, from_child = os.pipe()
        try:
            import fcntl
            fcntl.fcntl(self._to_child, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        except (ImportError, AttributeError, OSError):
            pass
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self._to_child)
            os.close(self._from_child)
            _serve(work, to_child, from_child)  # never returns
        os.close(to_child)
        os.close(from_child)
        # The parent never waits for the child: what the pipe cannot take yet waits in
        # the backlog. Blocking writes had the parse of a re-import stand still for the
        # half second the child spends loading the index of a big review.
        os.set_blocking(self._to_child, False)
        self._backlog: deque[memoryview] = deque()
        self._ended = False
        self.failed = False
        self._reaped = False

    def put(self, item: Any) -> None:
        """Send the next object to the child's work."""
        if not self.failed:
            self._backlog.append(memoryview(pickle.dumps(item, pickle.HIGHEST_PROTOCOL)))
            self._flush(wait=False)

    def end(self) -> None:
        """No more objects: the child finishes its work while the parent goes on."""
        self._ended = True
        self._flush(wait=False)

    def _flush(self, wait: bool) -> None:
        """Write the backlog as far as the pipe takes it (all of it if ``wait``); close
        the pipe once the objects have ended and all are written."""
        backlog = self._backlog
        while backlog and not self.failed:
            try:
                written = os.write(self._to_child, backlog[0])
            except BlockingIOError:
                if not wait:
                    return
                select.select([], [self._to_child], [])
                continue
            except OSError:  # the child is gone: answer() says so, the parent works
                self.failed = True
                backlog.clear()
                break
            if written == len(backlog[0]):
                backlog.popleft()
            else:
                backlog[0] = backlog[0][written:]
        if self._ended and self._to_child >= 0:
            os.close(self._to_child)
            self._to_child = -1

    def ready(self) -> bool:
        """Whether the child has answered (or died): answer() would not wait."""
        self._flush(wait=False)
        if self._backlog:
            return False
        try:
            return bool(select.select([self._from_child], [], [], 0)[0])
        except (OSError, ValueError):
            return False

    def answer(self) -> Any:
        """What the child's work returned, or None if it failed."""
        data = b""
        self._ended = True
        self._flush(wait=True)
        fd, self._from_child = self._from_child, -1  # closed below, whatever happens
        try:
            with os.fdopen(fd, "rb") as pipe:
                data = pipe.read()
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        self._reaped = True
        if status != 0 or not data or self.failed:
            return None
        try:
            return pickle.loads(data)
        except Exception:
            return None

    def abandon(self) -> None:
        """Stop the child (the work failed or was interrupted); after answer(), nothing."""
        if self._reaped:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self._backlog.clear()
        if self._to_child >= 0:
            os.close(self._to_child)
            self._to_child = -1
        if self._from_child >= 0:
            os.close(self._from_child)
            self._from_child = -1
        os.waitpid(self.pid, 0)
        self._reaped = True


def _serve(work: Callable[[Iterator[Any]], Any], incoming: int, outgoing: int) -> None:
    status = 1
    try:
        with os.fdopen(incoming, "rb") as pipe:
            answer = work(_received(pipe))
        # Pickled whole before writing: pickling into the pipe would wait for the parent
        # to read, which it does only once its own work is done.
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(outgoing, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # the parent does the work itself
        pass
    finally:
        os._exit(status)


def _received(pipe) -> Iterator[Any]:
    while True:
        try:
            yield pickle.load(pipe)
        except EOFError:
            return

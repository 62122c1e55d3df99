"""Writing export files so that a failure never leaves half a file behind."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: str | Path, content: str | bytes) -> bool:
    """Replace ``path`` with ``content`` (text is written as UTF-8).

    Returns False, leaving the file untouched, when it already holds exactly that: its
    modification time then stays, so latexmk or make rebuild nothing after an export
    that changed nothing.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = Path(path)
    if _holds(path, data):
        return False
    folder = path.parent if str(path.parent) else Path(".")
    # An export is an ordinary document: it keeps the mode of the file it replaces.
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = _create_beside(folder, path.name, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # No fsync: an export is derived from the review and written again at will, as
        # pandoc or bibtool write theirs; the rename alone means a reader never sees half
        # a file. (fsync was an eighth of exporting 5,000 papers.)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def _holds(path: Path, data: bytes) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != len(data):
            return False
        with open(path, "rb") as fh:
            return fh.read() == data
    except OSError:  # unreadable: writing it will say what is wrong
        return False


def _create_beside(folder: Path, name: str, mode: int) -> tuple[int, Path]:
    """A new hidden file next to the target (same file system, so the rename is atomic).
    Not tempfile.mkstemp: importing tempfile costs a quick command more than it does."""
    for attempt in range(100):
        tmp = folder / f".{name}.{os.getpid()}.{attempt}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        os.chmod(tmp, mode)  # os.open's mode passes through the umask
        return fd, tmp
    raise FileExistsError(f"{folder}: cannot create a temporary file for {name}")

"""Writing export files so that a failure never leaves half a file behind."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

# The pieces of a file are written through one buffer this big: a few system calls for a
# .bib of 5,000 entries, and no 10 MB string made only to be written.
_BUFFER = 1 << 20


def write_atomically(path: str | Path, content: str | bytes | Sequence[bytes]) -> bool:
    """Replace ``path`` with ``content``: text (written as UTF-8), bytes, or the file's
    pieces in order (joining a big export's entries cost a tenth of exporting it, most
    of it the memory the joined copy needed).

    Returns False, leaving the file untouched, when it already holds exactly that: its
    modification time then stays, so latexmk or make rebuild nothing after an export
    that changed nothing.
    """
    if isinstance(content, str):
        pieces: Sequence[bytes] = [content.encode("utf-8")]
    elif isinstance(content, bytes):
        pieces = [content]
    else:
        pieces = content
    path = Path(path)
    if _holds(path, pieces):
        return False
    folder = path.parent if str(path.parent) else Path(".")
    # An export is an ordinary document: it keeps the mode of the file it replaces.
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = _create_beside(folder, path.name, mode)
    try:
        with os.fdopen(fd, "wb", buffering=_BUFFER) as fh:
            fh.writelines(pieces)
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


def _holds(path: Path, pieces: Sequence[bytes]) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != sum(map(len, pieces)):
            return False
        with open(path, "rb", buffering=_BUFFER) as fh:
            return all(fh.read(len(piece)) == piece for piece in pieces)
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

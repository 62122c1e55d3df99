"""Writing export files so that a failure never leaves half a file behind."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: str | Path, text: str) -> None:
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    # An export is an ordinary document: it keeps the mode of the file it replaces.
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = _create_beside(folder, path.name, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
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

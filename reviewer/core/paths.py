"""File names as a user reads them, and the checks a file passes before reviewer reads or
writes it.

The checks look at files with ``os.stat`` and resolved names only, never by opening them:
closing any descriptor of the review file drops every POSIX lock the process holds on
it, SQLite's among them, and the process that checks an export target holds a
connection to the review.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError, UsageError

# The files SQLite keeps beside a review: writing over any of them destroys it.
REVIEW_SIDECARS = ("", "-wal", "-shm", "-journal")

# Dumps bigger than this are refused unless config.toml says otherwise ([import]
# max_file_size): a paper list is a few MB; reading gigabytes into memory is a mistake.
MAX_INPUT_BYTES = 2_000_000_000

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def show(path: str | os.PathLike) -> str:
    """A file name as every report prints it: one line, and nothing a terminal obeys.
    Newlines, escape sequences and other control characters are written as Python
    escapes, and so are the bytes of a name that is not UTF-8; a plain name is left as
    it is."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if name.isprintable() and "\\" not in name:
        return name
    out = []
    for char in name:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif "\udc80" <= char <= "\udcff":  # a byte that is not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x80:  # (\x80 and up: the bytes above, never the characters)
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


def kind(mode: int) -> str:
    """What a file that is not a regular file is, for a message."""
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _stat(path: str | os.PathLike) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:  # absent, or a loop of links: writing it will say what is wrong
        return None


# -- export targets -----------------------------------------------------------------------

def export_target(path: str | os.PathLike) -> Path:
    """The file an export to ``path`` writes: the file a symbolic link leads to (the link
    stays a link), which must be a regular file or not exist yet, in a directory that
    exists. Raises UsageError naming ``path`` otherwise."""
    real = Path(os.path.realpath(os.path.expanduser(os.fspath(path))))
    found = _stat(real)
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise UsageError(f"{show(path)}: is {kind(found.st_mode)}, not a regular file; "
                         "an export writes only regular files")
    folder = real.parent
    if not folder.is_dir():
        raise UsageError(f"{show(path)}: no such directory {show(folder)!r}")
    return real


def check_export_targets(review: str | os.PathLike | None,
                         *paths: str | os.PathLike) -> list[Path]:
    """Check every file of one export before anything is written: each a possible
    target (see ``export_target``), none of them the review or a file SQLite keeps beside
    it (by name or by inode, so a hard or symbolic link counts too), and no two of them
    the same file. Returns the files to write, links resolved."""
    protected = _review_files(review) if review is not None else ({}, {})
    targets: list[Path] = []
    for path in paths:
        real = export_target(path)
        what = _review_file(real, protected)
        if what and _absolute(path) == _absolute(review):
            what = "the review itself"  # not its name twice over
        if what:
            raise UsageError(f"{show(path)}: is {what}; an export there would destroy the "
                             "review. Choose another file name")
        for earlier, other in zip(paths, targets):
            if _same(real, other):
                raise UsageError(f"{show(path)} and {show(earlier)} are the same file; "
                                 "each file of an export needs a name of its own")
        targets.append(real)
    return targets


def _absolute(path: str | os.PathLike) -> str:
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


def _review_files(review: str | os.PathLike) -> tuple[dict[str, str], dict[tuple, str]]:
    """The review's files by resolved name and by (device, inode)."""
    names: dict[str, str] = {}
    inodes: dict[tuple, str] = {}
    given = _absolute(review)
    for base in {given, os.path.realpath(given)}:  # SQLite names the WAL after either
        for suffix in REVIEW_SIDECARS:
            what = f"the review {show(given)}" if not suffix else \
                f"the review's {suffix[1:]} file"
            names.setdefault(os.path.realpath(base + suffix), what)
            found = _stat(base + suffix)
            if found is not None:
                inodes.setdefault((found.st_dev, found.st_ino), what)
    return names, inodes


def _review_file(real: Path, protected: tuple[dict[str, str], dict[tuple, str]]) -> str:
    names, inodes = protected
    if str(real) in names:
        return names[str(real)]
    found = _stat(real)
    if found is not None:
        return inodes.get((found.st_dev, found.st_ino), "")
    return ""


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    sa, sb = _stat(a), _stat(b)
    return sa is not None and sb is not None and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def is_review_file(path: str | os.PathLike, review: str | os.PathLike) -> bool:
    """Whether ``path`` is the review or one of its SQLite files (without opening it)."""
    real = Path(os.path.realpath(os.fspath(path)))
    return bool(_review_file(real, _review_files(review)))


# -- inputs -------------------------------------------------------------------------------

def check_input(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES) -> os.stat_result:
    """Refuse, before opening it, a dump that is not a regular file (a FIFO would block
    the read forever, /dev/zero would fill the memory) or is bigger than ``max_bytes``."""
    name = show(path)
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(found.st_mode):
        raise InputError(name, "is a directory, not a paper list")
    if not stat.S_ISREG(found.st_mode):
        raise InputError(name, f"is {kind(found.st_mode)}, not a regular file; "
                               "import reads only regular files")
    if found.st_size > max_bytes:
        raise InputError(name, f"is {size_text(found.st_size)}, over the import limit of "
                               f"{size_text(max_bytes)} (max_file_size in [import] of "
                               "config.toml)")
    return found


def check_inputs(paths: Iterable[str | os.PathLike], max_bytes: int = MAX_INPUT_BYTES,
                 review: str | os.PathLike | None = None) -> None:
    """``check_input`` for each file, and none of them the review or its SQLite files:
    reading one would open and close it in a process that holds the review open."""
    protected = _review_files(review) if review is not None else None
    for path in paths:
        check_input(path, max_bytes)
        if protected and _review_file(Path(os.path.realpath(path)), protected):
            raise InputError(show(path), "is the review itself, not a paper list")


_UNITS = (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3))


def size_text(size: int) -> str:
    for unit, factor in _UNITS:
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def parse_size(text: str | int) -> int:
    """``2 GB``, ``500MB``, ``1.5 GB`` or a number of bytes; ValueError otherwise."""
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int):
        if text <= 0:
            raise ValueError(text)
        return text
    cleaned = text.strip().upper().replace(" ", "")
    for unit, factor in (*_UNITS, ("B", 1)):
        if cleaned.endswith(unit):
            number = float(cleaned[: -len(unit)])
            break
    else:
        number, factor = float(cleaned), 1
    if not number > 0 or number != number or number == float("inf"):
        raise ValueError(text)
    return int(number * factor)

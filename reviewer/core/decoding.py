"""Turn a dump file's bytes into text, or refuse it with a one-line reason.

Users paste from browsers and old editors: BOMs, CRLF, UTF-16 from Windows tools and
Latin-1 files all occur. Binary and empty files are refused before any parser runs.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .paths import MAX_INPUT_BYTES, check_input, show, size_text

_SNIFF = 1 << 16


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def read_dump(path: str | Path, max_bytes: int = MAX_INPUT_BYTES) -> Decoded:
    """Read and decode one dump file, raising InputError with a reason a user understands.
    What is not a regular file, or is bigger than ``max_bytes``, is refused before it is
    opened (a FIFO would block the read for ever, /dev/zero would fill the memory)."""
    name = show(path)
    check_input(path, max_bytes)
    try:
        # Non-blocking: should the file have become a FIFO since the check, the open
        # returns at once, and the check below refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise InputError(name, "is not a regular file; import reads only regular "
                                       "files")
            # At most the limit: a file that grew since the check, or one whose size
            # says 0 but that reads on (/proc), cannot fill the memory either.
            data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise InputError(name, f"is over the import limit of {size_text(max_bytes)} "
                                       "(max_file_size in [import] of config.toml)")
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, not a paper list") from None
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror or exc})") from None
    except MemoryError:
        raise InputError(name, "too big to read into memory") from None
    return decode_bytes(data, name)


def decode_bytes(data: bytes, name: str) -> Decoded:
    # isspace() scans without copying: a 150 MB dump must not be duplicated to test it.
    if not data or data.isspace():
        raise InputError(name, "empty file, no papers in it")

    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise InputError(name, f"broken {encoding} text", line) from None
            return _finish(text, encoding, name, [])

    head = data[:_SNIFF]
    utf16 = _bomless_utf16(head)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise InputError(name, f"broken {utf16} text (no byte order mark)") from None
        return _finish(text, utf16, name, [f"{name}: no byte order mark; read as {utf16}"])
    if b"\x00" in head or _looks_binary(head):
        raise InputError(name, "binary file, not a paper list")

    try:
        return _finish(data.decode("utf-8"), "utf-8", name, [])
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Windows-1252 is what "Latin-1" files usually really are; the five bytes it leaves
        # undefined fall back to Latin-1 so decoding cannot fail.
        text = data.decode("cp1252", errors="strict") if _cp1252_ok(data) else data.decode("latin-1")
        warning = (f"{name}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                   f"read as Windows-1252/Latin-1")
        return _finish(text, "cp1252", name, [warning])


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 saved without a BOM: mostly-ASCII text has a zero in every other byte."""
    if len(head) < 8 or len(head) % 2 and len(head) < _SNIFF:
        return None
    odd, even = head[1::2], head[0::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(head: bytes) -> bool:
    """Many control bytes (other than tab, newline, CR, form feed, escape) mean binary."""
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(head) // 20)


def _finish(text: str, encoding: str, name: str, warnings: list[str]) -> Decoded:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise InputError(name, "empty file, no papers in it")
    return Decoded(text, encoding, warnings)

"""Turn a dump file's bytes into text, or refuse it with a one-line reason.

Users paste from browsers and old editors: BOMs, CRLF, UTF-16 from Windows tools and
Latin-1 files all occur. Binary and empty files are refused before any parser runs.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

_SNIFF = 1 << 16


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def read_dump(path: str | Path) -> Decoded:
    """Read and decode one dump file, raising InputError with a reason a user understands."""
    name = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(name, "is a directory, not a paper list")
        data = p.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror or exc})") from None
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

"""Person names as dumps give them: "Vaswani, Ashish", "Ashish Vaswani", "A. Vaswani"."""

from __future__ import annotations

from .text import normalize_title


def surname_raw(name: str) -> str:
    """The surname as written (case and accents kept)."""
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split()
    return parts[-1] if parts else ""


def surname(name: str) -> str:
    """The surname in the form dedup compares: 'Vaswani, Ashish' -> 'vaswani'."""
    raw = surname_raw(name)
    if raw.isascii() and raw.isalnum():  # most surnames: nothing to drop or fold
        return raw.lower()
    return normalize_title(raw).replace(" ", "")


_NONE: frozenset[str] = frozenset()


def surnames(authors: list[str]) -> frozenset[str]:
    """Distinct normalised surnames, without the 'and others' of BibTeX."""
    if not authors:
        return _NONE
    return frozenset(s for s in (surname(a) for a in authors) if s and s != "others")

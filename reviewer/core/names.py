"""Person names as dumps give them: "Vaswani, Ashish", "Ashish Vaswani", "A. Vaswani"."""

from __future__ import annotations

from functools import lru_cache

from .text import normalize_title


def surname_raw(name: str) -> str:
    """The surname as written (case and accents kept)."""
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split()
    return parts[-1] if parts else ""


@lru_cache(maxsize=1 << 16)  # authors recur from paper to paper: a third of fingerprinting
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


def display_name(name: str) -> str:
    """A name as a reader writes it: "Vaswani, Ashish" -> "Ashish Vaswani",
    "Ford, Jr., Henry" -> "Henry Ford Jr."; other forms are left as they are."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts):
        return f"{parts[2]} {parts[0]} {parts[1]}"
    return name

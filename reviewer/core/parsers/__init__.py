"""One parser per dump format behind one registry, with format detection from content.

Each parser module defines ``NAME``, ``LABEL``, ``detect(sample) -> float`` (0 = surely
not this format, 1 = surely it) and ``parse(text, ctx) -> ParseResult``. Modules are
imported on demand so that, say, listing a review never loads bibtexparser.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import InputError
from .base import ParseContext, ParseResult, Skipped

__all__ = ["FORMATS", "ParseContext", "ParseResult", "Skipped", "detect_format", "parse_text",
           "parser"]

# Most specific first: on equal scores the earlier format wins.
FORMATS: dict[str, str] = {
    "bibtex": "BibTeX file",
    "ris": "RIS file",
    "csv": "CSV of a screening tool",
    "arxiv": "arXiv listing or daily e-mail",
    "hf": "Hugging Face Daily Papers page",
    "markdown": "Markdown list",
    "lines": "plain list of titles",
}

# No detector scores above this: a format that reaches it is the answer.
SURE = 0.95
# Below this score no parser is trusted to make sense of the file.
MIN_SCORE = 0.3
_SAMPLE = 1 << 16


def parser(name: str) -> ModuleType:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r} (choose from {', '.join(FORMATS)})")
    return importlib.import_module(f"{__name__}.{name}")


def sample_of(text: str) -> str:
    """The head of the text that detection looks at, cut at a line end when there is one."""
    if len(text) <= _SAMPLE:
        return text
    cut = text.rfind("\n", 0, _SAMPLE)
    return text[: cut if cut > 0 else _SAMPLE]


def detect_format(text: str, file: str = "<text>") -> str:
    sample = sample_of(text)
    scores: dict[str, float] = {}
    for name in FORMATS:
        scores[name] = parser(name).detect(sample)
        if scores[name] >= SURE:
            break  # nothing later can outscore it (and ties go to the earlier format)
    best = max(scores, key=lambda name: scores[name])
    if scores[best] < MIN_SCORE:
        raise InputError(
            file,
            "unrecognised format: not a Hugging Face or arXiv page, BibTeX, RIS, a "
            "screening CSV, Markdown or a list of titles (force one with --format)",
        )
    return best


def parse_text(text: str, ctx: ParseContext, fmt: str | None = None) -> tuple[str, ParseResult]:
    """Parse ``text`` in format ``fmt`` (detected when None); returns the format used."""
    name = fmt or detect_format(text, ctx.file)
    return name, parser(name).parse(text, ctx)

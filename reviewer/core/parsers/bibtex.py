"""Placeholder: the bibtex parser is being written (see issue 2)."""

from __future__ import annotations

from .base import ParseContext, ParseResult

NAME = "bibtex"
LABEL = "bibtex"


def detect(sample: str) -> float:
    return 0.0


def parse(text: str, ctx: ParseContext) -> ParseResult:
    raise NotImplementedError("bibtex parser not written yet")

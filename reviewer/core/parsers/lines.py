"""Placeholder: the lines parser is being written (see issue 2)."""

from __future__ import annotations

from .base import ParseContext, ParseResult

NAME = "lines"
LABEL = "lines"


def detect(sample: str) -> float:
    return 0.0


def parse(text: str, ctx: ParseContext) -> ParseResult:
    raise NotImplementedError("lines parser not written yet")

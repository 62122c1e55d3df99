"""Placeholder: the markdown parser is being written (see issue 2)."""

from __future__ import annotations

from .base import ParseContext, ParseResult

NAME = "markdown"
LABEL = "markdown"


def detect(sample: str) -> float:
    return 0.0


def parse(text: str, ctx: ParseContext) -> ParseResult:
    raise NotImplementedError("markdown parser not written yet")

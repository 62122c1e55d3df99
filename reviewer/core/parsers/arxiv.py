"""Placeholder: the arxiv parser is being written (see issue 2)."""

from __future__ import annotations

from .base import ParseContext, ParseResult

NAME = "arxiv"
LABEL = "arxiv"


def detect(sample: str) -> float:
    return 0.0


def parse(text: str, ctx: ParseContext) -> ParseResult:
    raise NotImplementedError("arxiv parser not written yet")

"""What the command modules share: opening the review, reading IDs, printing."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from collections.abc import Iterable
from typing import Any

from ..core.errors import UsageError
from ..core.locations import review_path
from ..core.store import Review


def open_review(ns: Namespace, read_only: bool = False) -> Review:
    """``read_only`` for commands that only read: they work on a review the user cannot
    write to (a read-only file or folder)."""
    try:
        path = review_path(getattr(ns, "review", None))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return Review.open(path, read_only=read_only)


def resolve_ids(review: Review, refs: Iterable[str]) -> list[int]:
    return [review.resolve(ref) for ref in refs]


def say(text: str = "") -> None:
    print(text)


def print_json(data: Any) -> None:
    # One write: json.dump would write each of hundreds of thousands of tokens separately.
    text = json.dumps(data, ensure_ascii=False, indent=2 if sys.stdout.isatty() else None)
    sys.stdout.write(text + "\n")


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}s"

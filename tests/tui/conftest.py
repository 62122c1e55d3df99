"""TUI tests: a fixed review, an app factory, and the review's stored state to assert on."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.core.importer import import_files
from reviewer.core.store import Review
from reviewer.tui.app import ReviewerApp

FIXTURE = Path(__file__).parent / "fixtures" / "papers.txt"
SIZE = (120, 36)


@pytest.fixture
def review_path(tmp_path: Path) -> Path:
    path = tmp_path / "tui.sqlite"
    with Review.open(path) as review:
        import_files(review, [FIXTURE], year=2024)
    return path


@pytest.fixture
def make_app(review_path: Path):
    def make(**kwargs) -> ReviewerApp:
        return ReviewerApp(review_path, **kwargs)
    return make


def stored(review_path: Path):
    """The papers as the review file holds them (not as the widgets show them)."""
    with Review.open(review_path) as review:
        return {p.id: p for p in review.papers()}

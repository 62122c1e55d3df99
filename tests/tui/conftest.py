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


@pytest.fixture
def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """$EDITOR as a script that appends ``text`` to the file it is given."""
    import stat
    import sys

    def install(text: str) -> Path:
        editor = tmp_path / "fake-editor"
        editor.write_text(f"#!{sys.executable}\nimport sys\n"
                          f"open(sys.argv[1], 'a').write({text!r})\n")
        editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("EDITOR", str(editor))
        monkeypatch.delenv("VISUAL", raising=False)
        return editor
    return install

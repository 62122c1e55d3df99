"""SVG snapshots of the main screens in the dark and the light theme.

Regenerate after a deliberate UI change with `pytest tests/tui/test_snapshots.py
--snapshot-update`, then look at the SVGs (snapshot_report.html) before committing them.
"""

from __future__ import annotations

import pytest

from reviewer.tui.app import ReviewerApp

SIZE = (120, 36)


@pytest.fixture
def app_for(review_path):
    def make(theme: str) -> ReviewerApp:
        return ReviewerApp(review_path, theme=theme, remember_theme=False)
    return make


@pytest.mark.parametrize("theme", ["reviewer-dark", "reviewer-light"])
def test_main_screen(snap_compare, app_for, theme):
    assert snap_compare(app_for(theme), press=["j", "s", "i", "_"], terminal_size=SIZE)


@pytest.mark.parametrize("theme", ["reviewer-dark", "reviewer-light"])
def test_help_screen(snap_compare, app_for, theme):
    assert snap_compare(app_for(theme), press=["question_mark", "_"], terminal_size=SIZE)


@pytest.mark.parametrize("theme", ["reviewer-dark", "reviewer-light"])
def test_filtered_view(snap_compare, app_for, theme):
    # Star two papers, then keep the starred ones only.
    assert snap_compare(app_for(theme), press=["s", "j", "j", "s", "f", "space", "ctrl+s", "_"],
                        terminal_size=SIZE)


def test_outline_screen(snap_compare, app_for):
    async def arrange(pilot):
        screen = pilot.app.screen
        screen.review.assign("Segmentation", [1, 8], create=True)
        screen.review.add_section("Vision-language models", "Models that read and see.")
        screen.review.assign("Vision-language models", [5], create=True)
        await pilot.press("S")
        await pilot.pause()

    assert snap_compare(app_for("reviewer-dark"), run_before=arrange, terminal_size=SIZE)

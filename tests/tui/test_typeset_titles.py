"""Titles holding LaTeX show as typeset in the paper list and the detail pane (issue 17)."""

from __future__ import annotations

from reviewer.core.importer import import_files
from reviewer.core.store import Review
from reviewer.tui.app import ReviewerApp
from reviewer.tui.widgets.paper_list import PaperList

from .conftest import SIZE


async def test_the_list_shows_titles_as_typeset(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("Biomedical Vision--Language Processing Made Simple\n"
                       "An Effective 2D \\& 3D Segmentation Backbone\n", encoding="utf-8")
    path = tmp_path / "r.sqlite"
    with Review.open(path) as review:
        import_files(review, [listing])
    app = ReviewerApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        papers = app.screen.query_one(PaperList)
        shown = "\n".join(papers.render_line(y).text for y in range(4))
        assert "Vision\u2013Language" in shown and "2D & 3D" in shown
        assert "--" not in shown and "\\&" not in shown

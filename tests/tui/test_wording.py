"""What the app says, as a new user read it in a real terminal (issue 16, tried by hand):
counts in the right number, a path said once."""

from __future__ import annotations

from reviewer.core.store import Review

from .conftest import SIZE


async def test_an_export_of_one_paper_says_one_paper(make_app, review_path, tmp_path):
    with Review.open(review_path) as review:
        review.star([1])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = app.screen
        screen.query_one("#export-md").value = str(tmp_path / "s.md")
        screen.query_one("#export-bib").value = str(tmp_path / "s.bib")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.said[-1].startswith(f"Wrote 1 paper to {tmp_path / 's.md'}")
    assert "This survey covers 1 paper (" in (tmp_path / "s.md").read_text()


async def test_an_export_onto_the_review_names_it_once(make_app, review_path, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = app.screen
        screen.query_one("#export-md").value = str(tmp_path / "s.md")
        screen.query_one("#export-bib").value = str(review_path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.said[-1].startswith(f"{review_path}: is the review itself;")
        assert app.said[-1].count(str(review_path)) == 1

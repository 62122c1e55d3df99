"""Small TUI behaviours of issue 17: untag of a tag no paper has, y in pandoc style, the
$EDITOR file's last line break."""

from __future__ import annotations

from reviewer.core.store import Review

from .conftest import SIZE, stored
from .test_settings import write_config


async def test_untag_with_a_tag_no_selected_paper_has_says_so(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", *"segmentation", "enter")
        await pilot.press("T", *"segmentation, nosuchtag", "enter")
        assert stored(review_path)[1].tags == []
        assert any("No selected paper has the tag nosuchtag" in m for m in app.said)


async def test_y_copies_a_pandoc_citation_when_the_config_asks(make_app, review_path,
                                                             isolated_dirs, monkeypatch):
    write_config(isolated_dirs, '[behaviour]\ncopy_key = "pandoc"\n')
    app = make_app()
    copied = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
    assert copied == ["@" + stored(review_path)[1].citekey]


async def test_the_editor_file_ends_with_a_line_break(make_app, review_path, fake_editor):
    with Review.open(review_path) as review:
        review.set_note(1, "first line")
    fake_editor("appended\n")  # a script that appends, as `echo >>` would
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await pilot.pause()
    assert stored(review_path)[1].note.splitlines() == ["first line", "appended"]

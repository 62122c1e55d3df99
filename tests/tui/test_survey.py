"""Sections from the paper list, the outline screen, the export screen, importing at start."""

from __future__ import annotations

import os

from textual.widgets import OptionList

from reviewer.core.store import Review
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.export import ExportScreen
from reviewer.tui.screens.main import MainScreen
from reviewer.tui.screens.outline import OutlineScreen

from .conftest import FIXTURE, SIZE, stored


def sections(review_path):
    with Review.open(review_path) as review:
        return [(s.title, s.position, s.description, s.paper_ids) for s in review.sections()]


async def test_assign_with_completion_and_unassign(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", *"Segmentation methods", "enter")
        await pilot.press("j", "a", *"seg")
        await pilot.pause()
        await pilot.press("right", "enter")  # completes the existing section
        assert sections(review_path) == [("Segmentation methods", 1, "", [1, 2])]
        await pilot.press("A", "enter")  # the only section is offered
        assert sections(review_path) == [("Segmentation methods", 1, "", [1])]
        assert stored(review_path)[1].sections == ["Segmentation methods"]


async def test_outline_edits_sections_and_orders_papers(make_app, review_path):
    with Review.open(review_path) as review:
        review.assign("Methods", [1, 2, 3], create=True)
        review.assign("Data", [4], create=True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        assert isinstance(app.screen, OutlineScreen)
        # The lines: Methods, #1, #2, #3, Data, #4.
        await pilot.press("down", "J")  # #1 moves below #2
        assert sections(review_path)[0][3] == [2, 1, 3]
        await pilot.press("K")
        assert sections(review_path)[0][3] == [1, 2, 3]
        await pilot.press("home", "J")  # the Methods section moves after Data
        assert [s[0] for s in sections(review_path)] == ["Data", "Methods"]
        await pilot.press("r", "ctrl+u", *"Approaches", "enter")
        await pilot.press("d", *"How it is done", "enter")
        assert sections(review_path)[1][:3] == ("Approaches", 2, "How it is done")
        await pilot.press("c", *"Open questions", "enter")
        assert [s[0] for s in sections(review_path)] == ["Data", "Approaches", "Open questions"]
        await pilot.press("u")  # undo the new section
        assert [s[0] for s in sections(review_path)] == ["Data", "Approaches"]
        await pilot.press("home", "delete")  # delete Data: its paper stays in the review
        assert [s[0] for s in sections(review_path)] == ["Approaches"]
        assert 4 in stored(review_path)
        await pilot.press("down", "delete")  # take #1 out of Approaches
        assert sections(review_path)[0][3] == [2, 3]
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.screen.state.by_id[1].sections == []


async def test_outline_shows_coverage(make_app, review_path):
    with Review.open(review_path) as review:
        review.decide([5, 6], "include")
        review.assign("Thin", [5], create=True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        text = str(app.screen.coverage_text())
        assert "1  Thin" in text and "fewer than 3" in text
        assert "Included but in no section: 1" in text


async def test_a_long_title_in_the_outline_wraps_under_itself(make_app, review_path):
    with Review.open(review_path) as review:
        review.assign("Vision-language models", [5], create=True)
    app = make_app()
    async with app.run_test(size=(70, 24)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        outline = app.screen.query_one(OptionList)
        lines = [outline.render_line(y).text.rstrip() for y in range(outline.size.height)]
        first = next(i for i, line in enumerate(lines) if "Epsilon:" in line)
        indent = lines[first].index("Epsilon:")
        wrapped = lines[first + 1]
        assert wrapped.strip() and len(wrapped) - len(wrapped.lstrip()) == indent


async def test_export_screen_writes_both_files(make_app, review_path, tmp_path):
    with Review.open(review_path) as review:
        review.decide([1, 2], "include")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        screen = app.screen
        screen.query_one("#export-md").value = str(tmp_path / "s.md")
        screen.query_one("#export-bib").value = str(tmp_path / "s.bib")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    text = (tmp_path / "s.md").read_text()
    assert 'bibliography: "s.bib"' in text and text.count("- [@") == 2
    assert (tmp_path / "s.bib").read_text().count("\n@") == 2
    assert not list(tmp_path.glob("*.csv"))  # the spreadsheet only when asked for


async def test_export_screen_writes_the_spreadsheet_when_named(make_app, review_path,
                                                              tmp_path):
    import csv

    with Review.open(review_path) as review:
        review.decide([1, 2], "include")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = app.screen
        screen.query_one("#export-md").value = str(tmp_path / "s.md")
        screen.query_one("#export-bib").value = str(tmp_path / "s.bib")
        screen.query_one("#export-csv").value = str(tmp_path / "s.md")  # taken: refused
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "name of its own" in app.said[-1] and not (tmp_path / "s.bib").exists()
        screen.query_one("#export-csv").value = str(tmp_path / "screening.csv")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "screening.csv" in app.said[-1]
    with open(tmp_path / "screening.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["id"]) for r in rows] == [1, 2]
    assert all(r["decision"] == "include" for r in rows)


async def test_export_screen_refuses_the_review_and_special_files(make_app, review_path,
                                                                 tmp_path):
    """Exporting onto the review (or its WAL, or a link to it) would destroy it; a FIFO
    would be replaced. One message each; the app and the review go on."""
    with Review.open(review_path) as review:
        review.decide([1, 2], "include")
    link = tmp_path / "link.bib"
    link.symlink_to(review_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = app.screen
        for md, bib, csv, said in [(review_path, "s.bib", "", "would destroy the review"),
                                   ("s.md", f"{review_path}-wal", "", "review's wal file"),
                                   ("s.md", link, "", "would destroy the review"),
                                   ("s.md", "s.bib", fifo, "not a regular file")]:
            screen.query_one("#export-md").value = str(tmp_path / md)
            screen.query_one("#export-bib").value = str(tmp_path / bib)
            screen.query_one("#export-csv").value = str(csv)
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert said in app.said[-1]
        assert isinstance(app.screen, ExportScreen)
    assert len(stored(review_path)) > 2  # the review is whole
    assert not (tmp_path / "s.md").exists() and not (tmp_path / "s.bib").exists()


async def test_an_edit_in_the_app_reaches_the_next_export(make_app, review_path, tmp_path):
    """The export reads kept entries: a tag given in the app must drop the tagged one."""
    from reviewer.core.export.bibtex import to_bibtex
    from reviewer.core.export.selection import Selection

    with Review.open(review_path) as review:
        review.decide([1, 2], "include")
    bib = tmp_path / "s.bib"

    async def export(pilot) -> None:
        await pilot.press("e")
        app.screen.query_one("#export-md").value = str(tmp_path / "s.md")
        app.screen.query_one("#export-bib").value = str(bib)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await export(pilot)
        before = bib.read_text()
        await pilot.press("t", *"fresh-tag", "enter")
        await export(pilot)
    with Review.open(review_path) as review:
        expected = to_bibtex(Selection().papers(review))
    assert "fresh-tag" not in before
    assert bib.read_text() == expected and "keywords      = {fresh-tag}" in expected


async def test_importing_files_when_the_app_opens(tmp_path):
    path = tmp_path / "new.sqlite"
    app = ReviewerApp(path, files=[str(FIXTURE)], year=2024)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            await pilot.pause(0.1)
            if isinstance(app.screen, MainScreen):
                break
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.state.rows) == 8
        assert any("8 new" in m for m in app.said)
    assert len(stored(path)) == 8


async def test_a_big_dump_is_imported_in_a_process_of_its_own(tmp_path, monkeypatch):
    """There its planning child can fork, as the CLI's does (not from the app's threads)."""
    from reviewer.core import import_process, importer

    used = []
    real = import_process.import_in_process
    monkeypatch.setattr(importer, "PLANNING_CHILD_BYTES", 0)  # every dump counts as big
    monkeypatch.setattr(import_process, "import_in_process",
                        lambda *args, **kwargs: used.append(args[0]) or real(*args, **kwargs))
    path = tmp_path / "new.sqlite"
    app = ReviewerApp(path, files=[str(FIXTURE)], year=2024)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.1)
            if isinstance(app.screen, MainScreen):
                break
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.state.rows) == 8
        assert any("8 new" in m for m in app.said)
    assert used == [path] and len(stored(path)) == 8


async def test_a_bad_file_at_import_leaves_the_review_as_it_was(tmp_path, review_path):
    bad = tmp_path / "junk.txt"
    bad.write_text("12345 67890\n!!! ###\n")
    app = ReviewerApp(review_path, files=[str(bad)])
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            await pilot.pause(0.1)
            if isinstance(app.screen, MainScreen):
                break
        assert any("unrecognised format" in m for m in app.said)
        assert len(app.screen.state.rows) == 8


async def test_the_import_screen_names_the_file_it_reads_and_pulses_for_one(tmp_path,
                                                                             monkeypatch):
    import shutil
    import threading

    from textual.widgets import Label, ProgressBar

    from reviewer.tui.screens import importing
    from reviewer.tui.screens.importing import ImportScreen

    # The import is held until the checks are done: a fast machine finished it, and
    # dismissed the screen, before the test could look at it.
    release = threading.Event()
    real_import = importing.import_files

    def held_import(*args, **kwargs):
        release.wait(10)
        return real_import(*args, **kwargs)

    monkeypatch.setattr(importing, "import_files", held_import)
    odd = tmp_path / "[bold]dump[red].txt"  # shown as written, not as markup
    shutil.copy(FIXTURE, odd)
    app = ReviewerApp(tmp_path / "new.sqlite", files=[str(odd)], year=2024)
    async with app.run_test(size=SIZE) as pilot:
        screen = None
        for _ in range(20):
            if isinstance(app.screen, ImportScreen):
                screen = app.screen
                break
            await pilot.pause(0.01)
        assert screen is not None
        # No await between a call and the checks: the import's own updates cannot interleave.
        screen._show("parse", 0, 1)
        label = str(screen.query_one("#import-label", Label).render())
        assert label == "Reading [bold]dump[red].txt…"
        assert screen.query_one(ProgressBar).total is None
        screen._show("store", 2, 8)
        assert str(screen.query_one("#import-label", Label).render()) == "Storing…"
        assert screen.query_one(ProgressBar).total == 8
        release.set()
        await _until_main(app, pilot)


async def _until_main(app, pilot) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if isinstance(app.screen, MainScreen) and not app.screen.workers:
            return


async def test_importing_from_the_paper_list_with_path_completion(tmp_path):
    import shutil

    from textual.widgets import Static

    dump = tmp_path / "my papers.txt"  # a blank in the name: quoted in the prompt
    shutil.copy(FIXTURE, dump)
    path = tmp_path / "empty.sqlite"
    app = ReviewerApp(path, year=2024)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        head = str(app.screen.query_one("#detail-head", Static).render())
        assert "no papers yet" in head and "Press I to import" in head
        await pilot.press("I", *f"{tmp_path}/my")
        await pilot.pause(0.2)
        assert app.screen.query_one("#prompt-input").value == f"{tmp_path}/my"
        await pilot.press("right")  # accepts the completion: the blank comes escaped
        assert app.screen.query_one("#prompt-input").value == f"{tmp_path}/my\\ papers.txt"
        await pilot.press("enter")
        await _until_main(app, pilot)
        assert any("8 new" in m for m in app.said)
        assert len(app.screen.state.rows) == 8
        assert app.screen.papers.current_id is not None
    assert len(stored(path)) == 8


async def test_importing_a_missing_file_from_the_paper_list(make_app, review_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("I", *"/no/such/dump.txt", "enter")
        await pilot.pause()
        assert any("/no/such/dump.txt: no such file" in m for m in app.said)
        # Asked again with the path as typed: a failed attempt loses nothing.
        assert app.screen.query_one("#prompt-input").value == "/no/such/dump.txt"
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.state.rows) == 8


async def test_path_completion_offers_folders_and_hides_dot_files(tmp_path):
    from reviewer.tui.screens.prompts import SuggestPath

    (tmp_path / "dumps").mkdir()
    (tmp_path / "dump.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    suggest = SuggestPath().get_suggestion
    assert await suggest(f"{tmp_path}/dumps") == f"{tmp_path}/dumps/"
    assert await suggest(f"a.txt {tmp_path}/dump.") == f"a.txt {tmp_path}/dump.txt"
    assert await suggest(f"{tmp_path}/.h") == f"{tmp_path}/.hidden.txt"
    assert await suggest(f"{tmp_path}/") == f"{tmp_path}/dump.txt"  # not the dot file
    assert await suggest(f"{tmp_path}/nothing") is None
    assert await suggest(f"{tmp_path}/no/such/folder/x") is None
    assert await suggest("") is None


async def test_quitting_during_an_import_is_no_internal_error(tmp_path, monkeypatch):
    import threading

    from reviewer.tui.screens import importing
    from reviewer.tui.screens.importing import ImportScreen

    release = threading.Event()
    real_import = importing.import_files

    def held_import(*args, **kwargs):
        release.wait(10)
        return real_import(*args, **kwargs)

    monkeypatch.setattr(importing, "import_files", held_import)
    app = ReviewerApp(tmp_path / "new.sqlite", files=[str(FIXTURE)], year=2024)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            if isinstance(app.screen, ImportScreen):
                break
            await pilot.pause(0.01)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await screen.query_one("#import-label").remove()  # as the app's teardown does
        screen._show("parse", 0, 1)  # a progress update arriving after it
        release.set()
        await _until_main(app, pilot)
    assert app.return_code in (None, 0)


async def test_importing_a_fifo_or_a_huge_file_from_the_paper_list_is_refused(
        make_app, review_path, tmp_path):
    """A FIFO used to block the import for ever; the app says why in one message and
    goes on, and nothing is imported (not even the good file given with it)."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.bib"
    with open(huge, "wb") as fh:
        fh.truncate(3_000_000_000)  # sparse
    good = tmp_path / "good.txt"
    good.write_text("A Paper Nobody Has Seen Before In This Review\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for bad, said in [(fifo, "is a named pipe (FIFO)"), (huge, "is 3 GB, over the import limit")]:
            await pilot.press("I", *f"{good} {bad}", "enter")
            await pilot.pause()
            assert f"{bad}: {said}" in app.said[-1]
            # The prompt is back with the paths as typed, to be corrected.
            assert app.screen.query_one("#prompt-input").value == f"{good} {bad}"
            await pilot.press("escape")
            await _until_main(app, pilot)
            assert isinstance(app.screen, MainScreen)
            assert len(app.screen.state.rows) == 8
    assert len(stored(review_path)) == 8


async def test_a_quote_left_open_by_the_completion_is_closed(tmp_path):
    import shutil

    dump = tmp_path / "my papers.txt"
    shutil.copy(FIXTURE, dump)
    path = tmp_path / "empty.sqlite"
    app = ReviewerApp(path, year=2024)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("I", *f"'{tmp_path}/my")
        await pilot.pause(0.2)
        await pilot.press("right")  # completed inside the quote
        assert app.screen.query_one("#prompt-input").value == f"'{tmp_path}/my papers.txt"
        await pilot.press("enter")
        await _until_main(app, pilot)
        assert any("8 new" in m for m in app.said)

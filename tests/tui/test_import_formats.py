"""The TUI's import (I) reads RIS and screening CSVs like any dump: detected, imported in one
undoable step, their decisions left out (the command line's --decisions takes them)."""

from __future__ import annotations

from pathlib import Path

from reviewer.core.model import Decision
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.main import MainScreen

from .conftest import SIZE, stored

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


async def _until_main(app, pilot) -> None:
    for _ in range(100):
        await pilot.pause(0.1)
        if isinstance(app.screen, MainScreen) and any("Imported" in m for m in app.said):
            return


async def test_importing_ris_and_a_screening_csv_from_the_paper_list(tmp_path):
    ris = FIXTURES / "ris" / "zotero.ris"
    csv = FIXTURES / "screening" / "asreview.csv"
    path = tmp_path / "empty.sqlite"
    app = ReviewerApp(path, year=2024)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("I", *f"{ris} {csv}", "enter")
        await _until_main(app, pilot)
        message = next(m for m in app.said if "Imported" in m)
        assert "8 new" in message
        assert "4 decisions in the files left out" in message
        assert len(app.screen.state.rows) == 8
        await pilot.press("u")  # one undo takes the whole import back
        await pilot.pause(0.2)
    papers = stored(path)
    assert papers == {}
    app = ReviewerApp(path, year=2024)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
    papers = stored(path)
    formats = {s.format for p in papers.values() for s in p.sources}
    assert formats == {"ris", "csv"} and len(papers) == 8
    assert {p.decision for p in papers.values()} == {Decision.UNDECIDED}

"""The export screen writes the PRISMA flow diagram beside the skeleton, and links it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reviewer.core.export.prisma import prisma_counts
from reviewer.core.store import Review
from reviewer.tui.screens.export import ExportScreen

from .conftest import SIZE


async def test_export_screen_writes_the_diagram_beside_the_skeleton(make_app, review_path,
                                                                    tmp_path):
    with Review.open(review_path) as review:
        review.decide([1, 2], "include")
        review.decide([3], "exclude")
        flow = prisma_counts(review)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-md").value = str(tmp_path / "s.md")
        app.screen.query_one("#export-bib").value = str(tmp_path / "s-prisma.svg")
        await pilot.press("ctrl+s")  # the .bib would overwrite the diagram: refused
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not list(tmp_path.glob("s*"))
        app.screen.query_one("#export-bib").value = str(tmp_path / "s.bib")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    text = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert "](s-prisma.svg)" in text
    svg = ET.parse(tmp_path / "s-prisma.svg").getroot()
    lines = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert f"Records screened (n\u00a0=\u00a0{flow.screened})" in lines
    assert flow.screened == 3 and f"| Papers screened | {flow.screened} |" in text

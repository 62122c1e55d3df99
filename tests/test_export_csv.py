"""CSV export: golden file, read back by the csv module, hostile cells, frozen keys."""

from __future__ import annotations

import csv

import pytest

from reviewer.cli import main
from reviewer.core.export.spreadsheet import COLUMNS, to_csv
from reviewer.core.export.selection import Selection
from reviewer.core.model import Paper

from .export_review import build
from .test_export_bibtex import HOSTILE_TITLES, golden


@pytest.fixture
def fixed(tmp_path):
    review = build(tmp_path / "fixed.sqlite")
    yield review
    review.close()


def read(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_golden_csv(fixed, tmp_path):
    out = tmp_path / "screening.csv"
    assert main(["--review", str(fixed.path), "export", "csv", "--all", str(out)]) == 0
    golden("fixed.csv", out.read_text(encoding="utf-8"))


def test_every_paper_reads_back_as_the_review_holds_it(fixed, tmp_path):
    out = tmp_path / "screening.csv"
    assert main(["--review", str(fixed.path), "export", "csv", "--all", str(out)]) == 0
    assert out.read_bytes().count(b"\r\n") >= fixed.count() + 1  # RFC 4180 line ends
    rows = read(out)
    papers = fixed.papers()
    assert [int(r["id"]) for r in rows] == [p.id for p in papers]
    for row, paper in zip(rows, papers):
        assert list(row) == list(COLUMNS)
        assert row["title"] == paper.title and row["citekey"] == paper.citekey
        assert row["decision"] == paper.decision.value
        assert row["starred"] == ("yes" if paper.starred else "")
        assert row["tags"].split("; ") == paper.tags or not paper.tags and not row["tags"]
        assert row["note"] == paper.note.strip()  # Markdown, newlines and all
        if paper.authors:
            assert row["authors"].split("; ") == paper.authors


def test_the_default_selection_and_frozen_keys(fixed, tmp_path):
    out = tmp_path / "screening.csv"
    assert main(["--review", str(fixed.path), "export", "csv", str(out)]) == 0
    chosen = Selection().papers(fixed)
    assert [int(r["id"]) for r in read(out)] == [p.id for p in chosen]
    # Exported keys freeze; so are the keys the user's .bib brought (issue 17).
    imported = {p.id for p in fixed.papers() if "bib:@key" in p.extra}
    assert fixed.frozen_citekeys(p.id for p in fixed.papers()) == \
        {p.id for p in chosen} | imported


def test_hostile_cells_stay_text(tmp_path):
    titles = HOSTILE_TITLES + ['=HYPERLINK("http://evil","x")', "+1 trick", "-2 trick",
                               "@SUM(1)", 'Quotes " and, commas\nand a newline']
    papers = [Paper(t, citekey=f"k{i}", id=i) for i, t in enumerate(titles, start=1)]
    path = tmp_path / "x.csv"
    path.write_text(to_csv(papers), encoding="utf-8", newline="")
    got = [r["title"] for r in read(path)]
    for title, cell in zip(titles, got):
        if title[0] in "=+-@":
            assert cell == "'" + title
        else:
            assert cell == title


def test_an_unwritable_csv_is_one_line_and_freezes_nothing(fixed, tmp_path, capsys):
    out = tmp_path / "missing" / "x.csv"
    assert main(["--review", str(fixed.path), "export", "csv", "--all", str(out)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    # Only the keys the user's .bib brought are frozen: none that this export made.
    assert fixed.frozen_citekeys(p.id for p in fixed.papers()) == \
        {p.id for p in fixed.papers() if "bib:@key" in p.extra}

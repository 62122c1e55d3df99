"""CSV files of screening tools (ASReview, Rayyan, reviewer's own export): detection from
the header, the columns, the dialect, labels, rows the file's structure cannot hold."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core.model import Decision
from reviewer.core.parsers import ParseContext, detect_format, parse_text
from reviewer.core.parsers import csv as screening_csv
from reviewer.core.parsers.fields import split_people

from .conftest import FIXTURES, ROOT

SCREENING = FIXTURES / "screening"


def parsed(text: str, name: str = "x.csv"):
    used, result = parse_text(text, ParseContext(name, 2024))
    assert used == "csv"
    return result


def test_asreview_layout():
    result = parsed((SCREENING / "asreview.csv").read_text(encoding="utf-8"))
    titles = [p.title for p in result.papers]
    assert titles[0] == "Finding better active learners for faster literature reviews"
    assert titles[4] == "Sleep, memory and the hippocampus: a review"  # quoted comma
    first = result.papers[0]
    assert first.authors == ["Yu, Z.", "Kraft, N. A.", "Menzies, T."]
    assert first.keywords == ["active learning", "literature reviews"]
    assert first.doi == "10.1007/s10664-017-9587-0" and first.year == 2018
    assert first.extra == {"record_id": "1"}
    assert result.papers[4].abstract == ("We review how sleep supports memory consolidation, "
                                         "with a focus on the hippocampus.")
    assert [p.decision for p in result.papers] == [
        Decision.INCLUDE, Decision.INCLUDE, Decision.EXCLUDE, Decision.UNDECIDED,
        Decision.EXCLUDE]
    # The row without a title starts on line 8: record 5's abstract spans two lines.
    assert [(s.line, s.reason) for s in result.skipped] == [(8, "row without a title")]
    assert [p.sources[0].line for p in result.papers] == [2, 3, 4, 5, 6]


def test_rayyan_layout():
    result = parsed((SCREENING / "rayyan.csv").read_text(encoding="utf-8"))
    assert not result.skipped
    app = result.papers[0]
    assert app.title == "Rayyan-a web and mobile app for systematic reviews"
    assert app.authors == ["Ouzzani, M", "Hammady, H", "Fedorowicz, Z", "Elmagarmid, A"]
    assert app.venue == "Systematic Reviews" and (app.year, app.month, app.day) == (2016, 12, 5)
    assert app.extra == {"volume": "5", "number": "1", "pages": "210",
                         "publisher": "BioMed Central", "issn": "2046-4053",
                         "pmid": "27919275", "pmcid": "PMC5139140", "record_id": "rayyan-101"}
    assert app.keywords == ["Automation", "Evidence-based medicine", "Systematic reviews"]
    assert app.comments.startswith('RAYYAN-INCLUSION: {"Ana"=>"Included"')  # not the note
    assert app.note == ""
    assert result.papers[1].extra["pages"] == "206--219"
    assert [p.decision for p in result.papers] == [
        Decision.INCLUDE, Decision.MAYBE, Decision.EXCLUDE, Decision.UNDECIDED]


def test_reviewers_own_csv_export_reads_back_with_its_decisions():
    result = parsed((ROOT / "tests" / "golden" / "fixed.csv").read_text(encoding="utf-8"))
    assert len(result.papers) == 30
    counts = Counter(p.decision for p in result.papers)
    assert counts == {Decision.UNDECIDED: 19, Decision.INCLUDE: 8, Decision.EXCLUDE: 2,
                      Decision.MAYBE: 1}  # as export_review.build decided them
    clip = result.papers[0]
    assert clip.arxiv_id == "2103.00020" and clip.url == ""  # its arXiv page: derived


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_files(delimiter):
    rows = [["Title", "Abstract", "Authors", "Year", "Included"],
            ["Screening with ranking, revisited", "It works; mostly.", "Doe, J.", "2020", "1"]]
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row)
                     for row in rows) + "\n"
    (paper,) = parsed(text).papers
    assert paper.title == "Screening with ranking, revisited"
    assert paper.abstract == "It works; mostly." and paper.decision is Decision.INCLUDE


def test_rows_the_header_cannot_hold_are_skipped_with_their_line():
    text = ("title,abstract,year\n"
            "A good row,fine,2020\n"
            "A row with a stray,comma,too,2021\n"
            "Another good row,fine,2022\n")
    result = parsed(text)
    assert [p.title for p in result.papers] == ["A good row", "Another good row"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (3, "4 cells where the header has 3 (a stray delimiter or quote?)")]


def test_an_unclosed_quote_does_not_swallow_the_file_silently():
    text = "title,abstract\nFirst paper,\"an open quote\n" + "more text\n" * 300
    result = screening_csv.parse(text, ParseContext("x.csv", 2024))
    assert result.papers == []
    assert result.skipped[0].line == 2 and "unclosed quote" in result.skipped[0].reason


@pytest.mark.parametrize("text", [
    "id,year,count,score,label\n1,2020,33,0.5,a\n",  # numbers, no title
    "title\nA list with a title header only\n",  # one column: not a tool's file
    "Segment Anything, in many words\nU-Net: Convolutional Networks\n",
])
def test_what_is_not_a_screening_csv(text):
    assert screening_csv.detect(text) < 0.3


def test_detection_from_the_header():
    assert detect_format("record_id,title,abstract,label_included\n1,T,A,1\n") == "csv"
    assert detect_format('"key","title","authors","journal"\n"1","T","A","J"\n') == "csv"


@pytest.mark.parametrize("cell, names", [
    ("Smith, J.; Doe, A.", ["Smith, J.", "Doe, A."]),
    ("Smith, J. and Doe, A.", ["Smith, J.", "Doe, A."]),
    ("W. Zhang, J. Li and L. Kong", ["W. Zhang", "J. Li", "L. Kong"]),
    ("Smith, J., Doe, A. B.", ["Smith, J.", "Doe, A. B."]),
    ("Smith JA; van der Berg J", ["Smith, J. A.", "van der Berg, J."]),
    ("Ada Lovelace", ["Ada Lovelace"]),
    ("", []),
])
def test_author_cells(cell, names):
    assert split_people(cell) == names


def test_the_real_labelled_reviews(corpus):
    for name, records, included in (("Kitchenham_2010.csv", 1704, 45),
                                     ("Bannach-Brown_2019.csv", 1993, 280)):
        path = corpus / "screening" / name
        text = path.read_text(encoding="utf-8")
        assert detect_format(text) == "csv"
        result = parsed(text, str(path))
        assert not result.skipped and not result.warnings
        assert len(result.papers) == records  # the README's counts
        assert Counter(p.decision for p in result.papers)[Decision.INCLUDE] == included
        assert all(p.extra["record_id"] for p in result.papers)


def test_a_cell_over_the_csv_modules_limit_is_one_skipped_row(tmp_path):
    from reviewer.core.importer import read_files

    path = tmp_path / "big.csv"
    path.write_text("title,abstract\nFirst paper,short\nSecond paper," + "x" * 200_000
                    + "\nThird paper,short\n")
    reports, papers = read_files([path])
    assert [p.title for p in papers] == ["First paper", "Third paper"]
    assert [s.line for s in reports[0].skipped] == [3]
    assert "unreadable CSV row" in reports[0].skipped[0].reason


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "title,abstract,label_included", "title;authors", '"title","notes"', "A title,,1",
    'A "quoted" title,x,0', '"unclosed,x,1', "x,y,z,w,v", "", ",,", "\t", "title",
    'T,"RAYYAN-INCLUSION: {""a""=>""Included""}",', "T,x,yes", "T,x,-1", "\x1b[31m,x,1"]),
    max_size=20))
def test_no_csv_input_raises(lines):
    result = screening_csv.parse("\n".join(lines), ParseContext("x.csv", 2024))
    assert all(p.title for p in result.papers)

"""RIS files of each database, read with rispy: fields, types, dates, malformed records.

The expected values are read off the fixture files by hand (tests/fixtures/ris/README.md
says where each file's tag set comes from)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core.errors import InputError
from reviewer.core.importer import read_files
from reviewer.core.model import Decision
from reviewer.core.parsers import ParseContext, detect_format, parse_text
from reviewer.core.parsers import ris

from .conftest import FIXTURES

RIS = FIXTURES / "ris"


def papers_of(name: str):
    text = (RIS / name).read_text(encoding="utf-8")
    used, result = parse_text(text, ParseContext(str(RIS / name), 2024))
    assert used == "ris"
    return result


def by_title(result, start: str):
    (paper,) = [p for p in result.papers if p.title.startswith(start)]
    return paper


@pytest.mark.parametrize("name", ["pubmed.ris", "scopus.ris", "wos.ris", "zotero.ris",
                                  "endnote.ris", "rayyan.ris", "broken.ris"])
def test_every_database_file_is_detected_as_ris(name):
    assert detect_format((RIS / name).read_text(encoding="utf-8")) == "ris"


def test_pubmed_through_ovid_and_medline_short_names():
    result = papers_of("pubmed.ris")
    assert not result.skipped and not result.warnings
    prisma = by_title(result, "The PRISMA 2020 statement")
    assert prisma.authors[:2] == ["Page, Matthew J", "McKenzie, Joanne E"]
    assert prisma.year == 2021 and prisma.month is None  # Y1 - 2021//
    assert prisma.venue == "BMJ" and prisma.entry_type == "article"
    assert prisma.doi == "10.1136/bmj.n71"  # only in a dx.doi.org UR line
    assert prisma.abstract.startswith("The PRISMA statement, published in 2009, was designed")
    assert "synthesise studies." in prisma.abstract  # continuation lines of N2
    assert prisma.extra == {"volume": "372", "pages": "n71", "address": "England",
                            "issn": "1756-1833", "pmid": "33782057"}
    assert "Humans" in prisma.keywords
    rayyan = by_title(result, "Rayyan-a web")
    assert rayyan.authors == ["Ouzzani, M.", "Hammady, H.", "Fedorowicz, Z.", "Elmagarmid, A."]
    assert (rayyan.year, rayyan.month, rayyan.day) == (2016, 12, 5)
    assert rayyan.url == "https://pubmed.ncbi.nlm.nih.gov/27919275/"
    cohen = by_title(result, "Reducing workload")
    assert cohen.authors == ["Cohen, A. M.", "Hersh, W. R.", "Peterson, K.", "Yen, P. Y."]
    assert (cohen.year, cohen.month) == (2006, 3)  # PY - 2006 Mar-Apr
    assert cohen.extra["pages"] == "206--19"


def test_scopus_journal_and_conference_paper():
    result = papers_of("scopus.ris")
    fastread = by_title(result, "Finding better active learners")
    assert fastread.authors == ["Yu, Z.", "Kraft, N.A.", "Menzies, T."]
    assert fastread.venue == "Empirical Software Engineering"
    assert fastread.extra == {"volume": "23", "number": "6", "pages": "3161--3186",
                              "publisher": "Springer New York LLC", "issn": "13823256"}
    assert fastread.comments == "Cited By: 79; Export Date: 14 March 2024"  # N1: not a note
    assert fastread.note == "" and fastread.keywords[0] == "Active learning"
    abstrackr = by_title(result, "Deploying an interactive")
    assert abstrackr.entry_type == "inproceedings"  # TY - CONF
    assert abstrackr.venue.startswith("IHI'12 - Proceedings of the 2nd ACM SIGHIT")
    assert abstrackr.extra["isbn"] == "9781450307819"  # SN holding an ISBN
    assert abstrackr.doi == "10.1145/2110363.2110464"


def test_web_of_science_dates_and_capitals():
    result = papers_of("wos.ris")
    text_mining = by_title(result, "Using text mining")
    assert text_mining.authors[0] == "O'Mara-Eves, Alison"
    assert (text_mining.year, text_mining.month, text_mining.day) == (2015, 1, 14)  # DA - JAN 14
    assert text_mining.venue == "SYSTEMATIC REVIEWS"
    assert text_mining.doi == "10.1186/2046-4053-4-5"


def test_zotero_conference_paper_preprint_and_article():
    result = papers_of("zotero.ris")
    bert = by_title(result, "BERT")
    assert bert.entry_type == "inproceedings" and (bert.year, bert.month) == (2019, 6)
    assert bert.authors == ["Devlin, Jacob", "Chang, Ming-Wei", "Lee, Kenton",
                            "Toutanova, Kristina"]
    assert bert.extra["editor"] == "Burstein, Jill and Doran, Christy and Solorio, Thamar"
    assert bert.extra["pages"] == "4171--4186"
    assert bert.doi == "10.18653/v1/N19-1423"
    attention = by_title(result, "Attention Is All You Need")
    assert attention.arxiv_id == "1706.03762" and attention.doi == ""
    assert attention.entry_type == "misc" and attention.url == ""  # the arXiv page: derived
    assert (attention.year, attention.month, attention.day) == (2017, 12, 5)
    assert attention.comments == "arXiv:1706.03762 [cs] | <p>Comment: 15 pages, 5 figures</p>"
    asreview = by_title(result, "An open source machine learning")
    assert asreview.authors[0] == "van de Schoot, Rens"
    assert asreview.venue == "Nature Machine Intelligence"


def test_endnote_types_pages_and_editors():
    result = papers_of("endnote.ris")
    slr = by_title(result, "Systematic literature reviews in software engineering")
    assert slr.title.endswith("– A systematic literature review")  # TI over ST
    assert slr.doi == "10.1016/j.infsof.2008.09.009"  # DO given as a doi.org URL
    assert slr.extra["pages"] == "7--15"  # SP - 7-15, EndNote's range in one tag
    report = by_title(result, "Guidelines for performing")
    assert report.entry_type == "techreport"
    assert report.extra == {"address": "Keele, UK", "number": "EBSE-2007-01",
                            "institution": "Keele University and Durham University"}
    chapter = by_title(result, "Searching for and selecting studies")
    assert chapter.entry_type == "incollection"
    assert chapter.authors == ["Lefebvre, Carol", "Glanville, Julie", "Briscoe, Simon"]
    assert chapter.venue == "Cochrane Handbook for Systematic Reviews of Interventions"
    assert chapter.extra["editor"].startswith("Higgins, Julian P. T. and Thomas, James")
    assert chapter.extra["isbn"] == "978-1-119-53662-8" and chapter.extra["edition"] == "2nd"
    thesis = by_title(result, "Fast and Reliable")
    assert thesis.entry_type == "phdthesis"
    assert thesis.extra["school"] == "North Carolina State University"


def test_rayyan_decisions_are_read_and_disagreement_is_maybe():
    result = papers_of("rayyan.ris")
    decisions = {p.title[:20]: p.decision for p in result.papers}
    assert decisions == {"Rayyan-a web and mob": Decision.INCLUDE,
                         "Semi-automated scree": Decision.MAYBE,  # Included and Excluded
                         "Effects of caffeine ": Decision.EXCLUDE,
                         "A bibliometric analy": Decision.UNDECIDED}


def test_a_malformed_file_imports_what_it_can_and_says_what_it_skipped():
    result = papers_of("broken.ris")
    assert [p.title[:25] for p in result.papers] == [
        "Reducing workload in syst", "Semi-automated screening ", "Systematic Reviews in the"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (1, "text outside any RIS record (lines 1-2), not read"),
        (9, "text outside any RIS record (line 9), not read"),
        (11, "RIS record without a title (TI, T1 or ST)"),
    ]
    assert result.warnings == [f"{RIS / 'broken.ris'}:17: record has no ER line; read up to "
                               "the next TY"]
    # The record without ER did not swallow the book after it.
    assert result.papers[1].extra == {}
    assert [s.line for p in result.papers for s in p.sources] == [4, 17, 22]


def test_a_file_of_records_without_titles_is_one_line_error(tmp_path):
    path = tmp_path / "untitled.ris"
    path.write_text("TY  - JOUR\nAU  - Nobody, N.\nPY  - 2011\nER  - \n")
    with pytest.raises(InputError, match=r"no papers found in this RIS file; line 1: RIS "
                                         r"record without a title"):
        read_files([path])


def test_format_ris_can_be_forced_from_the_command_line(tmp_path, capsys):
    from reviewer.cli import main

    dump = tmp_path / "export.txt"
    dump.write_text((RIS / "wos.ris").read_text(encoding="utf-8"))
    review = str(tmp_path / "r.sqlite")
    assert main(["--review", review, "import", "--format", "ris", str(dump)]) == 0
    assert f"{dump}: 2 papers (RIS file)" in capsys.readouterr().out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "TY  - JOUR", "TY  - ", "ER  - ", "ER  -", "TI  - A title", "AU  - Doe, J.", "AU  -",
    "PY  - 20x1", "DA  - 2020/13/45/", "DA  - //", "SP  - 5-", "EP  - -", "KW  - ;;", "UR  - ;",
    "DO  - 10.", "N1  - RAYYAN-INCLUSION: {\"a\"=>", "continued line", "", "T1  - \x1b[31m",
    "XX  - unknown tag", "TY  -JOUR", "  - ", "SN  - 978"]), max_size=25))
def test_no_ris_input_raises(lines):
    result = ris.parse("\n".join(lines), ParseContext("x.ris", 2024))
    assert all(p.title for p in result.papers)


def test_a_report_without_a_number_in_sn_keeps_its_issue():
    text = "TY  - RPRT\nTI  - A report with an issue\nIS  - 7\nER  - \n"
    (paper,) = ris.parse(text, ParseContext("x.ris", 2024)).papers
    assert paper.extra == {"number": "7"}

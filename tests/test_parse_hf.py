"""The Hugging Face Daily Papers parser, on the real seeds and on hand-written fixtures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewer.core.importer import import_files
from reviewer.core.parsers import ParseContext, detect_format, parse_text
from reviewer.core.parsers import hf
from reviewer.core.decoding import read_dump

from .conftest import FIXTURES, ROOT, SEED_COMPACT, SEED_PLAIN, SEED_RICH

HF = FIXTURES / "hf"


def parse(path: Path, year: int = 2026):
    text = read_dump(path).text
    fmt, result = parse_text(text, ParseContext(str(path), year))
    return fmt, result


def by_title(papers, start: str):
    matches = [p for p in papers if p.title.startswith(start)]
    assert len(matches) == 1, f"{start!r}: {len(matches)} matches"
    return matches[0]


# -- the seeds (the counts are the issue's, read off the pages by hand) -------------------

def test_rich_seed_parses_exactly(seeds):
    fmt, result = parse(SEED_RICH)
    assert fmt == "hf"
    assert len(result.papers) == 66
    with_meta = [p for p in result.papers if p.author_count or p.organization]
    assert len(with_meta) == 65
    orgs = {p.organization for p in result.papers if p.organization}
    assert orgs == {"UCSC-VLAA", "Fudan University", "General Medical AI", "DAMO Academy"}
    assert result.skipped == []


def test_rich_seed_counts_match_the_page_markup(seeds):
    """Every "• N authors" line and every "·" line of the page ends up on some paper."""
    text = SEED_RICH.read_text(encoding="utf-8")
    author_lines = re.findall(r"^\s*• (\d+) authors$", text, re.M)
    dot_lines = re.findall(r"^·$", text, re.M)
    _, result = parse(SEED_RICH)
    assert sorted(p.author_count for p in result.papers if p.author_count) == \
        sorted(int(n) for n in author_lines)
    assert sum(1 for p in result.papers if p.month) == len(dot_lines)


def test_rich_seed_spot_checks(seeds):
    _, result = parse(SEED_RICH, year=2026)
    hulu = by_title(result.papers, "Hulu-Med:")
    assert hulu.author_count == 25
    assert (hulu.year, hulu.month, hulu.day, hulu.year_inferred) == (2025, 10, 9, False)
    assert hulu.links == ["https://github.com/ZJUI-AI4H/Hulu-Med"]
    scientist = by_title(result.papers, "Towards a Medical AI Scientist")
    assert scientist.upvotes == 4
    assert (scientist.year, scientist.month, scientist.day) == (2026, 3, 30)
    assert scientist.year_inferred is True
    imaging_x = by_title(result.papers, "Project Imaging-X")
    assert imaging_x.author_count is None and imaging_x.organization == ""
    assert imaging_x.year is None
    lingshu = by_title(result.papers, "Lingshu:")
    assert lingshu.organization == "DAMO Academy"
    assert lingshu.upvotes == 4
    assert lingshu.abstract_truncated is True
    assert lingshu.abstract.endswith("most tasks ...")


def test_rich_seed_first_title_and_page_date_are_not_papers(seeds):
    _, result = parse(SEED_RICH)
    first = result.papers[0]
    assert first.title.startswith("Toward a Vision-Language Foundation Model for Medical Data")
    assert first.sources[0].line == 13
    titles = {p.title for p in result.papers}
    for chrome in ("new", "Subscribe", "Daily Papers", "Apr 13",
                   "Get trending papers in your email inbox!", "byAK and the research community"):
        assert chrome not in titles


def test_links_are_cleaned_of_latex_leftovers(seeds):
    _, result = parse(SEED_RICH)
    medsam = by_title(result.papers, "MCP-MedSAM")
    assert medsam.links == ["https://github.com/dong845/MCP-MedSAM"]
    mulmod = by_title(result.papers, "MulModSeg")
    assert mulmod.links == ["https://github.com/ChengyinLee/MulModSeg_2024"]
    for paper in result.papers:
        for link in paper.links:
            assert not set(link) & set("{}\\ "), link
            assert not link.endswith((".", ",", ")")), link


def test_plain_seed(seeds):
    fmt, result = parse(SEED_PLAIN)
    assert fmt == "hf"
    assert len(result.papers) == 82
    assert result.papers[0].title.startswith("BenchX: A Unified Benchmark Framework")
    assert all(p.abstract for p in result.papers)
    assert all(p.author_count is None and p.year is None for p in result.papers)


def test_compact_seed_with_chrome_glued_to_first_title(seeds):
    fmt, result = parse(SEED_COMPACT)
    assert fmt == "hf"
    assert len(result.papers) == 215
    first = result.papers[0]
    assert first.title == "A Comprehensive Dataset and Automated Pipeline for Nailfold Capillary Analysis"
    assert first.abstract.startswith("Nailfold capillaroscopy is a well-established method")
    assert first.sources[0].line == 3
    # Line numbers: titles sit on odd lines from 3 on, abstracts on the even lines after.
    assert [p.sources[0].line for p in result.papers] == list(range(3, 3 + 2 * 215, 2))


def test_all_seeds_together_give_315_distinct_papers_and_reimport_adds_none(seeds, review):
    files = [SEED_RICH, SEED_PLAIN, SEED_COMPACT]
    first = import_files(review, files, year=2026)
    assert (first.new, first.merged) == (315, 66 + 82 + 215 - 315)
    assert review.count() == 315
    again = import_files(review, files, year=2026)
    assert (again.new, again.merged) == (0, 363)
    assert review.count() == 315
    # A paper seen in two dumps keeps both provenances, the richest fields of each.
    hulu = review.get(review.resolve(_id_of(review, "Hulu-Med:")))
    assert {Path(s.file).name for s in hulu.sources} == {SEED_RICH.name, SEED_COMPACT.name}
    assert hulu.author_count == 25 and hulu.year == 2025


def _id_of(review, start: str) -> int:
    ids = [p.id for p in review.papers() if p.title.startswith(start)]
    assert len(ids) == 1
    return ids[0]


# -- hand-written fixtures ---------------------------------------------------------------

@pytest.mark.parametrize("fast", [True, False])
def test_a_year_less_date_still_to_come_is_last_years(fast):
    text = read_dump(HF / "rich.txt").text

    def years(today):
        result = hf.parse(text, ParseContext("rich.txt", 2026, today=today), fast=fast)
        return [(p.year, p.year_inferred) for p in result.papers
                if p.title.startswith(("Alpha", "Beta", "Delta"))]

    # Alpha says "Oct 9, 2024"; Beta "Mar 30", Delta "Jan 31": on March 1st, Beta's date
    # has not come yet this year.
    assert years((3, 1)) == [(2024, False), (2025, True), (2026, True)]
    assert years((3, 30)) == [(2024, False), (2026, True), (2026, True)]
    assert years((1, 30)) == [(2024, False), (2025, True), (2025, True)]
    # A year the user gave (no ``today``) holds for every year-less date.
    assert years(None) == [(2024, False), (2026, True), (2026, True)]


def test_rich_fixture_every_meta_form():
    _, result = parse(HF / "rich.txt", year=2024)
    titles = [p.title for p in result.papers]
    assert titles == [
        "Alpha-Net: Segmenting Everything in CT Volumes",
        "Beta Reports: Writing Radiology Reports with Retrieval",
        "Gamma Survey: Foundation Models in Pathology",
        "Delta-Bench: A Benchmark for Medical Visual Question Answering Across Ten Modalities",
    ]
    alpha, beta, gamma, delta = result.papers
    assert (alpha.author_count, alpha.year, alpha.month, alpha.day) == (7, 2024, 10, 9)
    assert alpha.links == ["https://github.com/example/alpha-net"]
    assert (beta.organization, beta.upvotes, beta.month, beta.day) == ("Fudan University", 12, 3, 30)
    assert beta.year == 2024 and beta.year_inferred
    assert beta.links == ["https://beta-reports.github.io/"]
    assert gamma.author_count is None and gamma.year is None and not gamma.organization
    assert delta.author_count == 1 and (delta.month, delta.day) == (1, 31)
    assert delta.abstract_truncated
    assert [p.sources[0].line for p in result.papers] == [13, 21, 29, 33]


def test_plain_fixture():
    fmt, result = parse(HF / "plain.txt")
    assert fmt == "hf"
    assert [p.title.split(":")[0] for p in result.papers] == ["Alpha-Net", "Epsilon"]


def test_compact_fixture_strips_glued_subscribe():
    fmt, result = parse(HF / "compact.txt")
    assert fmt == "hf"
    assert [p.title for p in result.papers] == [
        "Zeta-Former: Transformers for Retinal Imaging",
        "Eta: Few-Shot Segmentation of Rare Tumours"]


def test_title_and_abstract_broken_over_lines_are_joined():
    _, result = parse(HF / "broken_lines.txt")
    assert len(result.papers) == 1
    paper = result.papers[0]
    assert paper.title == "Theta-VLM: A Vision-Language Model for Ophthalmology Reports"
    assert "tests together, and writes the report" in paper.abstract
    assert paper.author_count == 4 and paper.year == 2025


def test_stray_meta_lines_are_reported_with_their_line():
    _, result = parse(HF / "stray_meta.txt")
    assert [p.title for p in result.papers] == ["Iota: Counting Cells in Whole-Slide Images"]
    assert [s.line for s in result.skipped] == [5]
    assert "3 authors" in result.skipped[0].reason


def test_hostile_titles_are_kept_literally_without_control_characters():
    text = ("Daily Papers\n\n[bold red]Styled[/] \x1b[31mRed\x1b[0m Title\x07 with 100% & #1 {brace\n\n"
            + "An abstract long enough to be an abstract. " * 8 + "\n\n  • 2 authors\n·\nMay 1, 2024\n")
    result = hf.parse(text, ParseContext("x.txt", 2024))
    assert [p.title for p in result.papers] == ["[bold red]Styled[/] Red Title with 100% & #1 {brace"]


def test_detects_hf_on_every_layout():
    for name in ("rich.txt", "plain.txt", "compact.txt", "broken_lines.txt"):
        assert detect_format(read_dump(HF / name).text) == "hf", name


def test_bundled_sample_parses():
    sample = ROOT / "sample_lists" / "hf-daily-papers-medical-vlm.txt"
    fmt, result = parse(sample, year=2025)
    assert fmt == "hf"
    # The sample holds one "Month Day" date line per paper with a meta block, plus the
    # page date; count its title lines independently: each is followed by a blank line
    # and an abstract of more than 200 characters.
    lines = sample.read_text(encoding="utf-8").split("\n")
    titles = [lines[i] for i in range(len(lines) - 2)
              if lines[i] and not lines[i + 1] and len(lines[i + 2]) > 200]
    assert [p.title for p in result.papers] == titles
    assert result.skipped == []


@pytest.mark.parametrize("text", ["", "\n\n", "·\n", "  • 3 authors\n", "Jan 31\n"])
def test_degenerate_pages_give_no_papers_and_no_error(text):
    result = hf.parse(text, ParseContext("x.txt", 2024))
    assert result.papers == []

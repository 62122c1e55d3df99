"""Markdown ("awesome") lists and plain title lists, and telling them from junk."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.cli import main
from reviewer.core.errors import InputError
from reviewer.core.parsers import ParseContext, detect_format, lines, markdown, parse_text
from reviewer.core.reading import read_dump

from .conftest import FIXTURES, ROOT

LISTS = FIXTURES / "lists"


def parse(path, fmt=None):
    return parse_text(read_dump(path).text, ParseContext(str(path), 2025), fmt)


def test_markdown_items_tables_and_categories():
    fmt, result = parse(LISTS / "awesome.md")
    assert fmt == "markdown"
    got = [(p.sources[0].line, p.title, p.year, p.arxiv_id, p.doi, p.url, p.links, p.keywords)
           for p in result.papers]
    assert got == [
        (12, "Alpha-Net: Segmenting Everything", 2024, "2401.01234", "", "", [],
         ["Models", "Foundation models"]),
        (13, "Beta: Named After Its Link", 2024, "2402.00002", "", "", [],
         ["Models", "Foundation models"]),
        (14, "Gamma: Bold Titles Work Too", 2022, "", "", "https://example.org/gamma.pdf",
         ["https://github.com/x/gamma"], ["Models"]),
        (15, "Delta: Plain Text Before Links", 2021, "", "10.5555/delta", "", [], ["Models"]),
        (22, "Epsilon-Bench: Tables Too", 2023, "2303.00003", "", "",
         ["https://github.com/x/eps"], ["Benchmarks"]),
        (23, "Zeta: Unlinked Row Title", 2020, "", "", "", [], ["Benchmarks"]),
    ]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (7, "in the 'Table of Contents' section, not a paper"),
        (16, "no paper title in this item")]


def test_markdown_sample():
    sample = ROOT / "sample_lists" / "awesome-medical-vlm.md"
    fmt, result = parse(sample)
    assert fmt == "markdown"
    text = sample.read_text(encoding="utf-8")
    # Papers are the list items linking to arXiv, DOI or GitHub outside the Contents.
    expected = sum(1 for line in text.splitlines()
                   if line.lstrip().startswith(("- [", "- **", "1. [", "2. ["))
                   and ("arxiv.org" in line or "doi.org" in line or "github.com" in line))
    assert len(result.papers) == expected == 10
    nnunet = result.papers[1]
    assert nnunet.doi == "10.1038/s41592-020-01008-z"
    assert nnunet.links == ["https://github.com/MIC-DKFZ/nnUNet"]


def test_plain_list():
    fmt, result = parse(LISTS / "plain.txt")
    assert fmt == "lines"
    got = [(p.sources[0].line, p.title, p.year, p.arxiv_id, p.doi) for p in result.papers]
    assert got == [
        (1, "Alpha-Net: Segmenting Everything in CT Volumes", None, "", ""),
        (2, "Beta Reports: Writing Radiology Reports with Retrieval", 2023, "", ""),
        (3, "Gamma Survey: Foundation Models in Pathology", 2024, "2401.01234", ""),
        (4, "Delta-Bench: A Benchmark for Medical VQA", None, "", "10.1234/delta.5"),
        (8, "Zeta: Fine-Tuning for Dermatology", 2023, "2302.00002", ""),
    ]
    assert [s.line for s in result.skipped] == [5, 6]


def test_numbered_list_skips_its_heading():
    fmt, result = parse(ROOT / "sample_lists" / "reading-list.txt")
    assert fmt == "lines"
    assert len(result.papers) == 6
    assert [s.line for s in result.skipped] == [1]
    assert result.papers[0].title == "Attention Is All You Need"


@pytest.mark.parametrize("name", ["code.txt", "data.csv", "log.txt"])
def test_files_that_are_not_lists_are_unrecognised(name, capsys):
    path = LISTS / name
    with pytest.raises(InputError, match="unrecognised format"):
        detect_format(read_dump(path).text, str(path))
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"reviewer: {path}: unrecognised format") and err.count("\n") == 1


def test_forcing_a_format(capsys):
    # A log forced through the plain-list parser: every line is reported, none imported.
    assert main(["import", "--format", "lines", str(LISTS / "log.txt")]) == 2
    assert "no papers found" in capsys.readouterr().err


def test_list_detectors_stay_below_hf_on_the_seeds(seeds):
    for seed in seeds.glob("*.txt"):
        text = read_dump(seed).text
        assert markdown.detect(text) == 0.0
        assert lines.detect(text) < 0.3
        assert detect_format(text) == "hf"


settings_ = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@settings_
@given(st.text(max_size=600))
def test_markdown_never_raises(text):
    result = markdown.parse(text, ParseContext("x.md", 2025))
    for paper in result.papers:
        assert paper.title.strip()
        assert 1 <= paper.sources[0].line <= text.count("\n") + 1


@settings_
@given(st.text(max_size=600))
def test_lines_never_raise(text):
    result = lines.parse(text, ParseContext("x.txt", 2025))
    for paper in result.papers:
        assert paper.title.strip()
        assert 1 <= paper.sources[0].line <= text.count("\n") + 1


def test_a_ten_megabyte_line_is_handled():
    big = "Word " * 2_000_000
    for module, text in ((lines, f"A Real Title Here\n{big}\n"),
                         (markdown, f"- [A Real Title Here](https://x.org)\n- {big}\n")):
        result = module.parse(text, ParseContext("x", 2025))
        assert [p.title for p in result.papers] == ["A Real Title Here"]
        assert [s.line for s in result.skipped] == [2]

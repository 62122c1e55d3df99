"""Markdown ("awesome") lists and plain title lists, and telling them from junk."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.cli import main
from reviewer.core.errors import InputError
from reviewer.core.parsers import ParseContext, detect_format, hf, lines, markdown, parse_text
from reviewer.core.decoding import read_dump

from .conftest import FIXTURES, ROOT

LISTS = FIXTURES / "lists"
MD_SAMPLE = ROOT / "sample_lists" / "awesome-medical-vlm.md"


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
        # "1. Title. Venue 2023. [pdf](...)": the venue is not part of the title.
        (27, "Eta: Numbered With Venue", 2023, "2301.00007", "", "", [], ["Reading list"]),
        (28, "Theta: An Italic Title", 2021, "", "", "https://openreview.net/forum?id=theta",
         [], ["Reading list"]),
        (29, "Iota: A Quoted Title, With a Comma", 2019, "", "10.5555/IOTA.9", "", [],
         ["Reading list"]),
        # Rich markup and LaTeX specials in a title are the author's text: kept literally.
        (30, "Kappa: [bold]Rich[/] markup & 100% #literal", 2024, "2405.00010", "", "", [],
         ["Reading list"]),
        (31, "Lambda", 2022, "", "", "", ["https://gitlab.com/x/lambda"], ["Reading list"]),
    ]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (7, "in the 'Table of Contents' section, not a paper"),
        (16, "no paper title in this item"),
        (35, "in the 'Contributing' section, not a paper")]


def test_markdown_sample():
    fmt, result = parse(MD_SAMPLE)
    assert fmt == "markdown"
    text = MD_SAMPLE.read_text(encoding="utf-8")
    # Papers are the list items linking to arXiv, DOI or GitHub outside the Contents.
    expected = [number for number, line in enumerate(text.splitlines(), 1)
                if line.lstrip().startswith(("- [", "- **", "1. ", "2. "))
                and any(host in line for host in ("arxiv.org", "doi.org", "github.com"))]
    assert [p.sources[0].line for p in result.papers] == expected
    assert len(expected) == 11
    nnunet = result.papers[1]
    assert nnunet.doi == "10.1038/s41592-020-01008-z"
    assert nnunet.links == ["https://github.com/MIC-DKFZ/nnUNet"]
    generalist = next(p for p in result.papers if p.arxiv_id == "2307.14334")
    assert (generalist.title, generalist.year) == ("Towards Generalist Biomedical AI", 2023)
    assert generalist.keywords == ["Generalist models"]
    assert {s.line for s in result.skipped} == {
        number for number, line in enumerate(text.splitlines(), 1)
        if "](#" in line or "CONTRIBUTING" in line}


def test_plain_list():
    fmt, result = parse(LISTS / "plain.txt")
    assert fmt == "lines"
    got = [(p.sources[0].line, p.title, p.year, p.arxiv_id, p.doi) for p in result.papers]
    assert got == [
        (1, "Alpha-Net: Segmenting Everything in CT Volumes", None, "", ""),
        (2, "Beta Reports: Writing Radiology Reports with Retrieval", 2023, "", ""),
        (3, "Gamma Survey: Foundation Models in Pathology", 2024, "2401.01234", ""),
        (4, "Delta-Bench: A Benchmark for Medical VQA", None, "", "10.1234/DELTA.5"),
        (8, "Zeta: Fine-Tuning for Dermatology", 2023, "2302.00002", ""),
    ]
    assert [s.line for s in result.skipped] == [5, 6]


def test_numbered_list_with_trailing_ids():
    fmt, result = parse(LISTS / "plain_numbered.txt")
    assert fmt == "lines"
    got = [(p.sources[0].line, p.title, p.year, p.arxiv_id, p.doi) for p in result.papers]
    assert got == [
        (3, "Attention Is All You Need", None, "", ""),
        (4, "Deep Residual Learning for Image Recognition", 2016, "", ""),
        # A bare new-style id at the end of the line is an arXiv id; its YYMM gives the year.
        (5, "Swin Transformer: Hierarchical Vision Transformer using Shifted Windows", 2021,
         "2103.14030", ""),
        (6, "Segment Anything", 2023, "2304.02643", ""),
        (7, "[bold]Hostile[/] Title & 100% #1 {unbalanced", None, "", ""),
        (8, "BERT: Pre-training of Deep Bidirectional Transformers", None, "",
         "10.18653/v1/N19-1423"),
    ]
    # The heading is not numbered like the rest; "12345" is no title.
    assert [s.line for s in result.skipped] == [1, 9]


def test_numbered_sample_skips_its_heading():
    fmt, result = parse(ROOT / "sample_lists" / "reading-list.txt")
    assert fmt == "lines"
    assert len(result.papers) == 6
    assert [s.line for s in result.skipped] == [1]
    assert result.papers[0].title == "Attention Is All You Need"


@pytest.mark.parametrize("name", ["code.txt", "data.csv", "log.txt", "prose.txt", "junk.txt"])
def test_files_that_are_not_lists_are_unrecognised(name, capsys):
    path = LISTS / name
    assert lines.detect(read_dump(path).text) < 0.3
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
        assert markdown.detect(text) < hf.detect(text)
        assert lines.detect(text) < 0.3 < hf.detect(text)
        assert detect_format(text) == "hf"


@pytest.mark.parametrize("path, own", [
    (LISTS / "awesome.md", markdown), (MD_SAMPLE, markdown),
    (LISTS / "plain.txt", lines), (LISTS / "plain_numbered.txt", lines),
    (ROOT / "sample_lists" / "reading-list.txt", lines)])
def test_hf_does_not_outscore_the_list_detectors(path, own):
    text = read_dump(path).text
    assert own.detect(text) > hf.detect(text)
    assert detect_format(text) == own.NAME


def test_plain_lists_stay_below_markdown_on_markdown():
    for path in (LISTS / "awesome.md", MD_SAMPLE):
        text = read_dump(path).text
        assert lines.detect(text) < markdown.detect(text)


def test_importing_the_markdown_sample_through_the_cli(capsys):
    text = MD_SAMPLE.read_text(encoding="utf-8")
    assert main(["import", str(MD_SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert f"{MD_SAMPLE}: 11 papers (Markdown list)" in out
    # The four skipped lines: three Contents anchors and the Contributing bullet.
    assert out.count("  skipped ") == 4
    assert "11 new, 0 already present (merged)" in out
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    by_id = {p["arxiv_id"]: p for p in listed if p["arxiv_id"]}
    assert by_id["2304.12306"]["title"] == "Segment Anything in Medical Images"
    assert by_id["2304.12306"]["links"] == ["https://github.com/bowang-lab/MedSAM"]
    assert all(p["title"] in text for p in listed)
    assert {tuple(p["sources"][0].values())[1:] for p in listed} >= {(15, "markdown")}


def test_importing_a_plain_list_twice_adds_nothing(capsys):
    path = ROOT / "sample_lists" / "reading-list.txt"
    assert main(["import", str(path)]) == 0
    assert "6 new, 0 already present" in capsys.readouterr().out
    assert main(["import", str(path)]) == 0
    assert "0 new, 6 already present" in capsys.readouterr().out


settings_ = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
MD_PIECES = st.sampled_from([
    "# Heading", "## Contents", "## Contributing", "- [Title](https://arxiv.org/abs/2401.01234)",
    "- **Bold Title** [[code](https://github.com/a/b)]", "1. A Title. CVPR 2023. [pdf](x.pdf)",
    "  - nested", "| a | b |", "|---|---|", "| [T](https://doi.org/10.1/x) | 2020 |",
    "- [![badge](https://img.shields.io/x.svg)](https://x.org)", "- [anchor](#a)", "",
    "- [unbalanced](", "- [bold]x[/] % & # {", "```", "> quote"])


@settings_
@given(st.lists(MD_PIECES | st.text(max_size=30), max_size=40))
def test_markdown_never_raises(pieces):
    # Parsers get text as read_dump hands it over: every line end already "\n".
    text = "\n".join(pieces).replace("\r\n", "\n").replace("\r", "\n")
    result = markdown.parse(text, ParseContext("x.md", 2025))
    for paper in result.papers:
        assert paper.title.strip()
        assert 1 <= paper.sources[0].line <= text.count("\n") + 1


@settings_
@given(st.text(max_size=600))
def test_lines_never_raise(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    result = lines.parse(text, ParseContext("x.txt", 2025))
    for paper in result.papers:
        assert paper.title.strip()
        assert 1 <= paper.sources[0].line <= text.count("\n") + 1


@pytest.mark.parametrize("unit", ["Word ", "Word, (2023) [x] ", "[a](https://x.org/", "**b* "])
def test_a_ten_megabyte_line_is_handled(unit):
    big = unit * (10_000_000 // len(unit))  # one 10 MB line of what the title rules look at
    for module, text in ((lines, f"A Real Title Here\n{big}\n"),
                         (markdown, f"- [A Real Title Here](https://x.org)\n- {big}\n")):
        result = module.parse(text, ParseContext("x", 2025))
        assert result.papers[0].title == "A Real Title Here"
        for paper in result.papers[1:]:  # whatever the giant line yields, it is a title
            assert paper.sources[0].line == 2 and len(paper.title) <= markdown.MAX_TITLE
        assert len(result.papers) + len(result.skipped) == 2


def test_a_giant_markdown_line_is_reported_not_parsed():
    text = "- [A Real Title Here](https://x.org)\n- " + "**b* " * 2_000_000 + "\n- [Next](https://y.org)\n"
    result = markdown.parse(text, ParseContext("x.md", 2025))
    assert [p.title for p in result.papers] == ["A Real Title Here", "Next"]
    assert [p.sources[0].line for p in result.papers] == [1, 3]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (2, "a line of 10,000,002 characters, too long for a list item")]


@pytest.mark.parametrize("text", [
    "-\n\nSome paper title here\n- [A paper](https://arxiv.org/abs/2101.00001)\n",
    "*\n\nA label paragraph\n\n* [A paper](https://arxiv.org/abs/2101.00001)\n",
    "1.\n\nSome paper title here\n- [A paper](https://arxiv.org/abs/2101.00001)\n",
])
def test_an_empty_item_before_a_paragraph_and_a_list_parses(text):
    """An empty bullet left the paragraph after it taken for the item's label, which it
    then wrote past the end of the open items (IndexError)."""
    result = markdown.parse(text, ParseContext("x.md", 2024))
    assert [(p.title, p.arxiv_id) for p in result.papers] == [("A paper", "2101.00001")]


def test_a_year_in_a_title_stays_and_a_cited_year_is_read():
    text = ("The BraTS Challenge 2021\nThe BraTS Challenge 2022\nLLaVA-Med (Li et al. 2023)\n"
            "$\\beta$-VAE: Learning Basic Visual Concepts with a Constrained Variational "
            "Framework\nAttention Is All You Need (2017)\nDeep Residual Learning, 2016\n")
    result = lines.parse(text, ParseContext("x.txt", 2025))
    assert [(p.title, p.year) for p in result.papers] == [
        ("The BraTS Challenge 2021", None), ("The BraTS Challenge 2022", None),
        ("LLaVA-Med", 2023),
        ("$\\beta$-VAE: Learning Basic Visual Concepts with a Constrained Variational "
         "Framework", None),  # math is a title's, not code
        ("Attention Is All You Need", 2017), ("Deep Residual Learning", 2016)]
    assert not result.skipped


def test_two_challenges_a_year_apart_stay_two_papers(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("The BraTS Challenge 2021\nThe BraTS Challenge 2022\n", encoding="utf-8")
    review = tmp_path / "r.sqlite"
    assert main(["--review", str(review), "import", str(listing)]) == 0
    from reviewer.core.store import Review
    with Review.open(review) as opened:
        assert sorted(p.title for p in opened.papers()) == [
            "The BraTS Challenge 2021", "The BraTS Challenge 2022"]


def test_a_markdown_line_past_4000_characters_is_reported_not_parsed():
    """markdown-it spends about 20 µs on each bracket, more on long lines: 100 KB of
    19,000-character lines of "[" took 3 s, of 4,000-character lines 1.9 s. No list item
    is that long (the longest line of an awesome list here: 233 characters)."""
    row = "- [Title of a paper](https://x.org) " + "[![badge](https://b.org/i.svg)](https://c.org) " * 80
    assert 3000 < len(row) <= markdown.MAX_LINE
    text = f"{row}\n- [A Long Paper Name](https://x.org) {'[' * 4000}\n"
    result = markdown.parse(text, ParseContext("x.md", 2025))
    assert [p.title for p in result.papers] == ["Title of a paper"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (2, "a line of 4,037 characters, too long for a list item")]


def test_a_markdown_block_past_4000_characters_is_reported_not_parsed():
    """Short lines make long paragraphs: markdown-it looked from each "[" of one for its
    "]", and 5,000 lines of "![| " (25 KB) took 2.3 s."""
    from .scaling import assert_linear

    text = "- [A Real Title Here](https://x.org)\n\n" + "![| \n" * 5000 + "\n- [Next](https://y.org)\n"
    result = markdown.parse(text, ParseContext("x.md", 2025))
    assert [p.title for p in result.papers] == ["A Real Title Here", "Next"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (3, "a block of 24,998 characters, too long for a list item")]
    assert_linear(lambda t: markdown.parse(t, ParseContext("x.md", 2025)),
                  lambda n: "![| \n" * (n // 5), 20_000)

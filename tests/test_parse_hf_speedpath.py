"""The Hugging Face parser's fast path against its general walk (the specification).

``hf.parse(text, ctx)`` reads clean rich records with one regex and walks the rest;
``hf.parse(text, ctx, fast=False)`` walks everything. They must agree on every page.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core.model import Paper, Source
from reviewer.core.parsers import ParseContext, hf
from reviewer.core.decoding import read_dump
from reviewer.core.text import extract_links

from .bench import synth
from .conftest import FIXTURES, ROOT, SEEDS

CTX = ParseContext("/x/hf.txt", 2024)


@pytest.fixture
def fast_count(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many papers the fast path made (so no test passes by never using it)."""
    made = [0]
    real = hf._fast_paper

    def counting(*args):
        paper = real(*args)
        made[0] += paper is not None
        return paper

    monkeypatch.setattr(hf, "_fast_paper", counting)
    return made


def assert_same(text: str, ctx: ParseContext = CTX) -> hf.ParseResult:
    fast = hf.parse(text, ctx)
    general = hf.parse(text, ctx, fast=False)
    assert [asdict(p) for p in fast.papers] == [asdict(p) for p in general.papers]
    assert fast.skipped == general.skipped
    assert fast.warnings == general.warnings
    return fast


# -- hand-written expectations for records the fast path takes ----------------------------

PAGE = (
    "new\n\nSubscribe\n\nDaily Papers\n\nApr 13\n\n"                                # 1-7
    "Alpha-Net: Segmenting CT\n\n" + "Alpha " * 40 + "https://github.com/a/b.\n\n"  # 9, 11
    "  • 7 authors\n·\nOct 9, 2023\n\n"                                              # 13-15
    "Beta: Reports\n\n" + "Beta " * 50 + "ends ...\n\n"                             # 17, 19
    "Fudan-University Fudan University\n·\nMar 30 12\n\n\n"                          # 21-23
    "Gamma: One Author\n\n" + "Gamma " * 40 + "done.\n\n"                           # 26, 28
    "• 1 author\n·\nJan 31\n"                                                        # 30-32
)


def test_fast_path_gives_the_expected_papers(fast_count):
    result = hf.parse(PAGE, CTX)
    assert fast_count[0] == 3
    alpha, beta, gamma = result.papers
    assert alpha == Paper(
        title="Alpha-Net: Segmenting CT", abstract="Alpha " * 40 + "https://github.com/a/b.",
        author_count=7, year=2023, month=10, day=9, links=["https://github.com/a/b"],
        sources=[Source("/x/hf.txt", 9, "hf")])
    assert beta == Paper(
        title="Beta: Reports", abstract="Beta " * 50 + "ends ...", abstract_truncated=True,
        organization="Fudan University", year=2024, month=3, day=30, year_inferred=True,
        upvotes=12, sources=[Source("/x/hf.txt", 17, "hf")])
    assert (gamma.author_count, gamma.month, gamma.day, gamma.upvotes) == (1, 1, 31, None)
    assert gamma.sources == [Source("/x/hf.txt", 26, "hf")]
    assert result.skipped == [] and result.warnings == []
    assert_same(PAGE)


def test_lines_count_on_across_stretches_the_walk_reads(fast_count):
    """A record the fast path turns down (page chrome glued to its title) goes to the walk
    between two fast ones; the line numbers and the order of the papers stay right."""
    record = "{t}\n\n" + "word " * 50 + "end.\n\n  • 2 authors\n·\nMay 1, 2024"
    text = "\n\n".join(record.format(t=t) for t in ("One\tTab", "SubscribeTwo", "Three")) + "\n"
    result = assert_same(text)
    assert fast_count[0] == 2
    assert [p.title for p in result.papers] == ["One Tab", "Two", "Three"]
    assert [p.sources[0].line for p in result.papers] == [1, 9, 17]


def test_a_stray_date_after_a_fast_record_is_reported(fast_count):
    text = PAGE + "\nJun 2\n"
    result = assert_same(text)
    assert fast_count[0] == 3
    assert [(s.line, s.reason) for s in result.skipped] == [(34, "date 'Jun 2' outside any paper")]


def test_a_long_title_after_a_paper_without_abstract_is_left_to_the_walk(fast_count):
    """After a lone title the walk reads a line of 200 or more as that paper's abstract."""
    long_title = "L" * 250
    text = ("Lonely Title\n\n" + long_title + "\n\n" + "word " * 50 + "end.\n\n"
            "  • 2 authors\n·\nMay 1, 2024\n")
    result = assert_same(text)
    assert fast_count[0] == 0
    assert [(p.title, p.abstract) for p in result.papers][0] == ("Lonely Title", long_title)


# -- the two paths agree ------------------------------------------------------------------

def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


@pytest.mark.parametrize("seed", seed_files() or [None], ids=lambda p: p.name if p else "none")
def test_seeds(seed: Path | None):
    if seed is None:
        pytest.skip("../shared/seeds is not beside the project")
    assert_same(read_dump(seed).text, ParseContext(str(seed), 2026))


def test_rich_seed_is_mostly_fast(seeds, fast_count):
    rich = seeds / "000_b3416f4d67f6818e.txt"
    result = assert_same(read_dump(rich).text, ParseContext(str(rich), 2026))
    assert fast_count[0] >= len(result.papers) // 2


DUMPS = sorted((FIXTURES / "hf").iterdir()) + sorted((ROOT / "sample_lists").iterdir())


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.name)
def test_fixtures_and_sample_lists(dump: Path):
    assert_same(read_dump(dump).text)


def test_synthetic_dump(fast_count):
    text, _ = synth.rich_dump(3000, seed=7)
    result = assert_same(text)
    assert len(result.papers) == 3000
    assert fast_count[0] == 3000


# -- pages built from realistic pieces ----------------------------------------------------
# Mostly clean records, so that the fast path takes most of them, each part now and then
# replaced by an odd one, so that it must turn some down.

def usually(clean: st.SearchStrategy[str], odd: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.integers(0, 6).flatmap(lambda i: odd if i == 0 else clean)


ODD = st.sampled_from(["[bold red]", "[/]", "\x1b[31m", "\x1b[0m", "\x07", "\t", "  ", " ",
                       "\u00a0", "é", "·", "•", "%", "&", "#1", "{", "}", ":", "\r", "\x85"])
WORD = st.sampled_from(["Alpha-Net:", "Segmenting", "CT", "Volumes", "of", "Reports", "with",
                        "Retrieval", "Mar", "30", "authors", "Subscribe", "Daily", "Papers",
                        "new", "A", "(LLM)", "\"quoted\"", "https://github.com/x/y.", "2,757"])
CLEAN_TITLE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
ODD_TITLES = ["Subscribe", "new", "SubscribeA Glued Title", "Daily PapersX", "·", "3 authors",
              "Jan 31", "x" * 199, "x" * 250, "y" * 450, "  Indented  ", "Tab\tand  two",
              "\x1b[31mRed\x1b[0m [bold]Rich[/]", "\x1b[0m", "Accents é\u00a0nbsp", "Line\rfeed"]
TITLE = usually(CLEAN_TITLE, st.one_of(
    st.lists(st.one_of(WORD, ODD), min_size=1, max_size=12).map(" ".join),
    st.lists(st.one_of(WORD, ODD), min_size=1, max_size=6).map("".join),
    st.sampled_from(ODD_TITLES),
))
ODD_ABSTRACTS = ["Short abstract.", "Long " * 45 + "...", "Long " * 90 + "\u2026",
                 "See https://a.io/x and https://github.com/b/c). " * 6,
                 "SubscribeThe glued abstract " * 10, "z" * 200, "3" * 220 + " authors",
                 "  " + "Indented and  doubled " * 10, "Ctrl\x00char " * 20 + "\x1b[2J",
                 "a" * 199 + "\x07"]
ABSTRACT = usually(
    st.tuples(CLEAN_TITLE, st.integers(20, 60)).map(lambda p: (p[0] + " ") * p[1] + "end."),
    st.one_of(
        st.tuples(TITLE, st.integers(1, 60)).map(lambda p: (p[0] + " ") * p[1] + "end."),
        st.sampled_from(ODD_ABSTRACTS),
    ))
ODD_METAS = ["  • 1,234 authors", "* 3 authors", "Subscribe", "SubscribeFoo Bar",
             "\x1b[1mOrg\x1b[0m Org", "\x1b[0m", "   ", "Jan 2", "·", "o" * 400,
             "Fudan  University\t", "  Indented Org", "• ٣ authors", "3 authors "]
META = usually(
    st.sampled_from(["  • 7 authors", "• 1 author", "12 authors", "  • 30 authors",
                     "Fudan-University Fudan University", "UCSC-VLAA"]),
    st.sampled_from(ODD_METAS))
ODD_DOTS = ["•", " · ", "··"]
DOT = usually(st.just("·"), st.sampled_from(ODD_DOTS))
ODD_DATES = ["September 3, 2025", "Sept. 3", "Foo 3", "Dec 1 1234567890", "mar 3", " Jan 5 ",
             "Jan 31, 25", "Jan 31 ", "Jan 3\u0663", "Jan  3", "Jan 3,2024"]
DATE = usually(
    st.sampled_from(["Oct 9, 2025", "Jan 31", "Mar 30 4", "Feb 29, 2024 7", "Dec 1 123456789"]),
    st.sampled_from(ODD_DATES))
ODD_SEPS = ["\n\n\n", "\n \t\n", "\n", "\n\n\n\n", "\n\u00a0\n", "\n\r\n"]
SEP = usually(st.just("\n\n"), st.sampled_from(ODD_SEPS))
CHROME = st.sampled_from(hf.CHROME + ("Apr 13",))


@st.composite
def record(draw) -> list[str]:
    """The pieces of one paper; some parts missing, broken over lines or doubled."""
    pieces = [draw(TITLE)]
    if not draw(st.integers(0, 7)):
        pieces[0] += "\n" + draw(TITLE)  # a title broken by the copy
    if draw(st.integers(0, 9)):
        pieces.append(draw(ABSTRACT))
    if not draw(st.integers(0, 7)):
        pieces.append(draw(ABSTRACT))  # a second paragraph, or a broken line
    if draw(st.integers(0, 5)):
        meta = [draw(META), draw(DOT), draw(DATE)]
        pieces.append("\n".join(meta[draw(st.integers(0, 2)):] if not draw(st.integers(0, 7))
                                else meta))
    return pieces


@st.composite
def page(draw) -> str:
    parts = draw(st.lists(CHROME, max_size=4))
    for pieces in draw(st.lists(record(), max_size=8)):
        if not draw(st.integers(0, 6)):
            parts.append(draw(CHROME))
        parts.extend(pieces)
    text = ""
    for part in parts:
        text += part + draw(SEP)
    return text if draw(st.booleans()) else text.rstrip("\n")


CLEAN_PARTS = {"title": "Plain Title", "abstract": "Plain words " * 25 + "end.",
               "meta": "  • 3 authors", "dot": "·", "date": "Mar 30 4", "sep": "\n\n"}
ODD_PARTS = ([("title", v) for v in ODD_TITLES] + [("abstract", v) for v in ODD_ABSTRACTS]
             + [("meta", v) for v in ODD_METAS] + [("dot", v) for v in ODD_DOTS]
             + [("date", v) for v in ODD_DATES] + [("sep", v) for v in ODD_SEPS])


@pytest.mark.parametrize(("part", "odd"), ODD_PARTS, ids=repr)
def test_one_odd_part_between_clean_records(part: str, odd: str):
    """Each odd variant of each part, in a record between clean ones: the fast path must
    read it as the walk does or leave it to the walk."""
    def record(**parts: str) -> str:
        p = CLEAN_PARTS | parts
        return (f"{p['title']}{p['sep']}{p['abstract']}{p['sep']}"
                f"{p['meta']}\n{p['dot']}\n{p['date']}{p['sep']}")
    for odd_parts in ({part: odd}, {part: odd, "meta": "Fudan-University Fudan University"}):
        text = record() + record(**odd_parts) + record(title="Last Title")
        assert_same(text)
        assert_same("Lonely title\n\n" + text)  # a paper pending before the odd record


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page())
def test_pages_from_realistic_pieces(text: str):
    assert_same(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\n\n", "  ", "\t", "·", "•", "3 authors", "Jan 31",
                                 "Title", "x" * 210, "Subscribe"]), max_size=40).map("".join))
def test_fragments(text: str):
    assert_same(text)


# -- links: both paths share _links, so it is checked against extract_links directly -----

LINK_PIECE = st.sampled_from(["word", " ", "\t", "\u00a0", ":", "://", "https://", "http://",
                              "HTTPS://x.io/a", "https://github.com/a/b", "(https://a.io/x)",
                              "url{https://a.io/y}", "\\href{https://b.io}", ".", ",", "x" * 30,
                              "ftp://f.io/z", "https:/", "a:b"])


@settings(max_examples=300, deadline=None)
@given(st.lists(LINK_PIECE, max_size=30).map("".join))
def test_links_are_extract_links(text: str):
    assert hf._links(text) == extract_links(text)


def test_links_on_the_fixture_abstracts():
    abstracts = [p.abstract for dump in DUMPS for p in hf.parse(read_dump(dump).text, CTX).papers]
    assert sum(1 for a in abstracts if "://" in a) >= 5
    for abstract in abstracts:
        assert hf._links(abstract) == extract_links(abstract)

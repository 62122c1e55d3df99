"""Text clean-up: control characters, identifiers and links as dumps give them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core.text import (arxiv_id_from_doi, clean_text, ends_truncated, extract_links,
                                normalize_arxiv_id, normalize_doi)


def test_clean_text_drops_escapes_and_controls_but_keeps_markup_literally():
    assert clean_text("\x1b[1;31mRed\x1b[0m title\x07\x00 [bold]x[/]\r\n next") == \
        "Red title [bold]x[/] next"
    assert clean_text("\x1b]8;;https://evil\x07link\x1b]8;;\x07") == "link"
    assert clean_text("tabs\tand\u00a0nbsp   runs") == "tabs and nbsp runs"


@given(st.text())
def test_clean_text_never_leaves_control_characters(text):
    cleaned = clean_text(text)
    assert not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in cleaned)
    assert cleaned == cleaned.strip()


@pytest.mark.parametrize(("raw", "ident"), [
    ("arXiv:2401.01234v2", "2401.01234"),
    ("https://arxiv.org/abs/2401.01234", "2401.01234"),
    ("https://arxiv.org/pdf/2310.12345v3.pdf", "2310.12345"),
    ("cs/0112017", "cs/0112017"),
    ("math.AG/0601001v1", "math.AG/0601001"),
    ("arXiv preprint arXiv:1706.03762", "1706.03762"),
    ("no id here 12.34", ""),
])
def test_arxiv_ids(raw: str, ident: str):
    assert normalize_arxiv_id(raw) == ident


def test_dois():
    assert normalize_doi("https://doi.org/10.1038/S41467-024-44824-Z.") == "10.1038/S41467-024-44824-Z"
    assert normalize_doi("doi: 10.48550/arXiv.2304.12306") == "10.48550/arXiv.2304.12306"
    assert arxiv_id_from_doi("10.48550/arxiv.2304.12306") == "2304.12306"
    assert normalize_doi("not a doi") == ""


@pytest.mark.parametrize(("abstract", "links"), [
    # Real leftovers from the Hugging Face seeds.
    ("Code is released on https://github.com/ZJUI-AI4H/Hulu-Med{https://github.com/ZJUI-AI4H/Hulu-Med}.",
     ["https://github.com/ZJUI-AI4H/Hulu-Med"]),
    ("is publicly available at blue{https://github.com/dong845/MCP-MedSAM}.}",
     ["https://github.com/dong845/MCP-MedSAM"]),
    ("available in this {https://github.com/ChengyinLee/MulModSeg_2024{link}}.",
     ["https://github.com/ChengyinLee/MulModSeg_2024"]),
    ("at http://tianrun-chen.github.io/xLSTM-UNet/{http://tianrun-chen.github.io/xLSTM-Unet/}",
     ["http://tianrun-chen.github.io/xLSTM-UNet/"]),
    ("evidence texts (https://doi.org/10.5281/zenodo.13308316).",
     ["https://doi.org/10.5281/zenodo.13308316"]),
    (r"\href{https://github.com/a/b}{code} and https://site.org/x_(y)",
     ["https://github.com/a/b", "https://site.org/x_(y)"]),
    ("Our project page is https://medrega.github.io.", ["https://medrega.github.io"]),
    ("nothing here, http:// and https://x", []),
])
def test_links_from_abstracts(abstract: str, links: list[str]):
    assert extract_links(abstract) == links


def test_truncation_marks():
    assert ends_truncated("cut here ...") and ends_truncated("cut here\u2026  ")
    assert not ends_truncated("a full stop.")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \t\n\r\x00\x07\x1b\x1f\x7f[m;1é\u00a0"), max_size=30))
def test_clean_text_shortcut_agrees_with_the_full_clean_up(text):
    from reviewer.core.text import _clean_slowly

    assert clean_text(text) == _clean_slowly(text)


def test_every_unicode_blank_becomes_one_space():
    # pybtex splits "0\u16800" (Ogham space) into two words, bibtexparser does not:
    # an exported title must not depend on which one reads it.
    assert clean_text("0\u16800") == "0 0"
    assert clean_text("a\u00a0\u2009b\u3000c\u2028d\u205fe") == "a b c d e"


@pytest.mark.parametrize(("stored", "shown"), [
    ("Vaswani, Ashish", "Ashish Vaswani"),
    ("von Neumann, John", "John von Neumann"),
    ("Ford, Jr., Henry", "Henry Ford Jr."),
    ("Ashish Vaswani", "Ashish Vaswani"),  # a listing's names are already in that order
    ("others", "others"),
    ("Huang, ", "Huang, "),  # half a name: left as it is
])
def test_names_are_shown_in_reading_order(stored, shown):
    from reviewer.core.names import display_name

    assert display_name(stored) == shown


def test_paper_details_show_names_in_reading_order():
    from reviewer.cli.render import authors_text
    from reviewer.core.model import Paper

    paper = Paper(title="CLIP", authors=["Radford, Alec", "Kim, Jong Wook"])
    assert authors_text(paper) == "Alec Radford, Jong Wook Kim"


def test_titles_show_as_typeset_and_unknown_macros_are_kept():
    from reviewer.core.latex import decode_latex, typeset

    assert typeset("Biomedical Vision--Language Processing") == \
        "Biomedical Vision\u2013Language Processing"
    assert typeset("xLSTM-UNet can be an Effective 2D \\& 3D Backbone") == \
        "xLSTM-UNet can be an Effective 2D & 3D Backbone"
    assert typeset("$\\beta$-VAE: Learning Basic Visual Concepts") == \
        "\u03b2-VAE: Learning Basic Visual Concepts"
    assert typeset("A plain title") == "A plain title"
    # pylatexenc deleted what it did not know: "The \TeX book" read as "The book".
    assert decode_latex("The \\TeX{} book") == "The TeX book"
    assert decode_latex("A \\mymacro{arg} here") == "A \\mymacro{arg} here"
    assert decode_latex("M{\\\"u}ller \\relax") .strip() == "Müller"


def _reference_trim(url: str) -> str:
    """The trimming rule restated plainly: punctuation, and closing brackets that open
    nowhere in what is left, come off the end one at a time."""
    while url:
        if url[-1] in ".,;:!?*'\"":
            url = url[:-1]
        elif url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        elif url[-1] == "]" and url.count("[") < url.count("]"):
            url = url[:-1]
        else:
            break
    return url


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("()[].,;:!?*'\"a/") + ["x.org"]), max_size=20).map("".join))
def test_trailing_brackets_and_punctuation_come_off_as_the_rule_says(tail):
    from reviewer.core.text import _trim_url

    url = "https://x.org/" + tail
    assert _trim_url(url) == _reference_trim(url)


def test_a_run_of_closing_brackets_after_a_link_takes_linear_time():
    from .scaling import assert_linear

    for run in (")", "]", "()", "."):
        assert_linear(extract_links, lambda n, r=run: "see https://x.org/" + r * n, 4000)


@settings(max_examples=500)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0xFF), st.characters()),
               max_size=30))
def test_has_controls_agrees_with_the_control_pattern(text):
    import re

    from reviewer.core.text import has_controls

    assert has_controls(text) == (re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
                                  is not None)

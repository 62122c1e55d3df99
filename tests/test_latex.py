"""LaTeX decoding for display: accents and macros, in time and space linear in the text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core import latex
from reviewer.core.latex import MAX_DEPTH, decode_latex, too_deep
from reviewer.core.parsers import ParseContext
from reviewer.core.parsers import arxiv as arxiv_parser
from reviewer.core.parsers import bibtex as bibtex_parser

from .scaling import assert_linear

DIAERESIS = "\u0308"


def nested(depth: int) -> str:
    r"""Rh\"{Rh\"{...o}}: the shape that blew up an arXiv mailing (22 levels, 145 s)."""
    return 'Rh\\"{' * depth + "o" + "}" * depth


def test_common_accents_decode_as_before():
    assert decode_latex('M{\\"u}ller') == "Müller"
    assert decode_latex("Jaff{\\'e}") == "Jaffé"
    assert decode_latex('{\\"\\i}') == "ï"
    assert decode_latex("\\~{\\^{e}}") == "ễ"
    assert decode_latex("\\c{c}a \\v{s}") == "ça š"
    assert decode_latex('\\"{ab}') == "ä" + "b" + DIAERESIS  # every letter, as pylatexenc does


def test_a_nested_accent_adds_one_mark_per_level():
    # pylatexenc put the outer accent on the inner accent's mark too: b with three marks.
    assert decode_latex('\\"{a\\"{b}}') == "ä" + "b" + DIAERESIS * 2
    assert decode_latex(nested(2)) == "Rh" + "R" + DIAERESIS + "ḧ" + "ö" + DIAERESIS


def test_nesting_grows_the_text_by_one_mark_per_letter_and_level():
    """Each level doubled the text: 22 levels made 8 million characters (1.6 GB)."""
    for depth in range(1, MAX_DEPTH + 1):
        text = unicodedata.normalize("NFD", decode_latex(nested(depth)))
        letters = [c for c in text if not unicodedata.combining(c)]
        assert "".join(letters) == "Rh" * depth + "o"
        # The two letters of level k sit inside k - 1 accents, the o inside all of them.
        assert text.count(DIAERESIS) == 2 * sum(range(depth)) + depth


def test_text_nested_deeper_than_the_cap_is_left_as_written():
    assert not too_deep(nested(MAX_DEPTH))
    assert too_deep(nested(MAX_DEPTH + 1))
    assert decode_latex(nested(22)) == ('Rh\\"' * 22) + "o"
    # Escaped braces nest nothing; nor do groups one after another.
    assert not too_deep("\\{" * 40 + "\\'e")
    assert decode_latex("\\{" * 40 + "\\'e") == "{" * 40 + "é"
    assert not too_deep("{\\'e}" * 40)


_pieces = st.sampled_from(['\\"', "\\'", "\\c", "\\v", "\\^", "{", "}", "a", "b", "ı", " ",
                           "\\i", "\\sqrt", "[", "]", "$", "\\\\", "\\textbf"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=40).map("".join))
def test_decoded_text_is_at_most_a_few_times_longer_than_the_input(text):
    """A letter gets at most one mark per enclosing accent, and accents nest at most
    MAX_DEPTH deep: the text cannot grow more than that."""
    assert len(decode_latex(text)) <= (MAX_DEPTH + 2) * max(len(text), 1)


def test_hopeless_optional_arguments_give_up_early():
    r"""pylatexenc backtracks out of each optional argument that does not close, twice
    per level: "\sqrt[\sqrt[x]] " 16 times (256 bytes) took 37 s. Given up, such text is
    shown as written, like any text pylatexenc cannot read."""
    read = []

    class Counting(latex._Walker):
        def get_token(self, *args, **kwargs):
            token = super().get_token(*args, **kwargs)
            read.append(token)
            return token

    text = "\\sqrt[\\sqrt[x]] " * 16
    decode_latex("\\a")  # make the walker
    original, latex._Walker = latex._Walker, Counting
    try:
        assert decode_latex(text) == text
    finally:
        latex._Walker = original
    assert len(read) <= latex.TOKENS_PER_CHAR * len(text) + 50


def test_decoding_time_grows_linearly_with_the_text():
    units = [nested(MAX_DEPTH), "\\sqrt[\\sqrt[x]] ", "\\sqrt[" * 4 + "x ", "M{\\\"u}ller "]
    assert_linear(decode_latex, lambda n: "".join(units) * n, 20)


def test_titles_typeset_for_the_screen_take_bounded_work():
    """The list typesets every title it draws: a hostile title must cost what its length
    does, as the decoder's text does (it took 17 s for the text above, in the TUI's
    drawing of one row)."""
    from reviewer.core.latex import typeset

    text = "\\sqrt[\\sqrt[x]] " * 16
    assert typeset(text) == text  # given up: shown as written
    assert typeset(nested(24)) == nested(24)
    units = [nested(MAX_DEPTH), "\\sqrt[\\sqrt[x]] ", "\\sqrt[" * 4 + "x ", "M{\\\"u}ller "]
    assert_linear(typeset.__wrapped__, lambda n: "".join(units) * n, 20)


def test_a_bib_entry_nested_too_deep_is_imported_with_a_warning():
    bib = ("@article{deep,\n  title = {" + nested(24) + "},\n  author = {Smith, Ada},\n"
           "  year = 2020\n}\n@article{fine,\n  title = {" + nested(3) + "},\n  year = 2020\n}\n")
    result = bibtex_parser.parse(bib, ParseContext("/x.bib", 2026))
    assert [p.title for p in result.papers] == [
        'Rh\\"' * 24 + "o", decode_latex(nested(3))]
    assert result.warnings == [f"/x.bib:1: entry 'deep': LaTeX nested deeper than {MAX_DEPTH} "
                               "braces left as written in title"]


def test_an_arxiv_entry_nested_too_deep_is_imported_with_a_warning():
    mailing = ("\\\\\narXiv:2411.13566\nDate: Mon, 11 Nov 2024 10:35:41 GMT   (9474kb,D)\n\n"
               f"Title: Water {nested(22)}\nAuthors: Urtzi Otamendi\nCategories: cs.AI\n\\\\\n"
               "  The abstract.\n\\\\ ( https://arxiv.org/abs/2411.13566 ,  9474kb)\n")
    result = arxiv_parser.parse(mailing, ParseContext("/m.txt", 2026))
    assert [p.title for p in result.papers] == ["Water " + 'Rh\\"' * 22 + "o"]
    assert result.warnings == [f"/m.txt:2: arXiv:2411.13566: LaTeX nested deeper than "
                               f"{MAX_DEPTH} braces left as written in title"]


def test_decoding_builds_no_latex_context_per_value(monkeypatch):
    """pylatexenc's walker builds its table of macros when given none: 0.2 ms for each
    value, over a second for an arXiv entry of 6,000 author names holding a backslash."""
    from pylatexenc import latexwalker

    decode_latex("\\a")
    built = []
    original = latexwalker.get_default_latex_context_db
    monkeypatch.setattr(latexwalker, "get_default_latex_context_db",
                        lambda: built.append(1) or original())
    names = [f"M{{\\\"u}}ller{k}" for k in range(100)]
    assert [decode_latex(n) for n in names] == [f"Müller{k}" for k in range(100)]
    assert built == []

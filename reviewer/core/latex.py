"""LaTeX to Unicode for display ({\\"u} -> ü, \\& -> &), through pylatexenc (the decoder
bibtexparser uses), in time linear in the text.

Decoding is slow, so only text holding a backslash or a dollar goes through it; text that
merely protects capitals with braces just loses the braces.

Two things keep hostile text from taking minutes and gigabytes. pylatexenc accents every
character of an accent's argument, the marks of inner accents included, so each level of
``\\"{x\\"{...}}`` doubled the text (22 levels in a 200-byte title: 8 million characters,
26 s and 1.6 GB): here an accent goes on each letter once, after the marks it already
has. And pylatexenc walks a nested group once per level it is in: text nested deeper
than ``MAX_DEPTH`` braces (real titles and names use two or three) is not decoded at all,
and parsers report it with ``too_deep``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A bare & or % in a .bib value or a listing is the author's own character, not LaTeX's
# alignment tab or comment: keep it.
_BARE_SPECIAL = re.compile(r"(?<!\\)([&%])")
# Deeper than anything in biber's test files, the seeds or real .bib files (three levels:
# {{Title with {\"{o}}}}), far from what costs time.
MAX_DEPTH = 8
# A brace, or a backslash and what it escapes (so \{ and \} nest nothing).
_BRACE = re.compile(r"\\.|[{}]", re.S)
_decoder = None


def strip_braces(value: str) -> str:
    return value.replace("{", "").replace("}", "")


def too_deep(value: str) -> bool:
    """Whether ``value`` nests braces deeper than MAX_DEPTH (and so is not decoded)."""
    if value.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    for match in _BRACE.finditer(value):
        brace = match.group()
        if brace == "{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif brace == "}":
            depth = max(depth - 1, 0)
    return False


def _decode_known_macros(value: str) -> str:
    if "\\" not in value and "$" not in value:
        return strip_braces(value)
    # A call costs pylatexenc about 0.1 ms whatever the text: short values (names,
    # journals) repeat, from entry to entry and in hostile lists of thousands of names.
    return _decode_short(value) if len(value) <= SHORT else _decode(value)


SHORT = 200


@lru_cache(maxsize=4096)
def _decode_short(value: str) -> str:
    return _decode(value)


def _decode(value: str) -> str:
    if too_deep(value):
        return strip_braces(value)
    # pylatexenc does not know the brace macros, the only way BibTeX takes an unbalanced
    # brace (it counts \{ too); it knows \{ and \}.
    value = value.replace("\\textbraceleft{}", "\\{").replace("\\textbraceright{}", "\\}")
    # ...and renders \textasciicircum as a modifier letter, not the ^ LaTeX prints.
    value = value.replace("\\textasciicircum{}", "^")
    try:
        decoder = _get_decoder()
        nodes = _Walker(_BARE_SPECIAL.sub(r"\\\1", value)).get_latex_nodes()[0]
        return decoder.nodelist_to_text(nodes)
    except Exception:  # unreadable LaTeX, or more work than its length deserves
        return strip_braces(value)


# Tokens pylatexenc may read per character of the text, beyond a few for short values.
# Reading a value takes less than one per character (at most 1.5 in biber's test files
# and the seeds); but the tolerant parser backtracks out of optional arguments that do
# not close, doubling the work per level: 16 times "\\sqrt[\\sqrt[x]] " (256 bytes) took
# 37 s. Text that needs more is shown as written, as text pylatexenc cannot read at all.
TOKENS_PER_CHAR = 3
_Walker = None


class _TooMuchWork(Exception):
    pass


def _get_decoder():
    """bibtexparser's decoder (LatexDecodingMiddleware's, keeping math as written), with
    accents that go on each letter once."""
    global _decoder
    if _decoder is None:
        from bibtexparser.middlewares import LatexDecodingMiddleware
        from pylatexenc.latex2text import MacroTextSpec

        decoder = LatexDecodingMiddleware(keep_math_mode=True)._decoder
        try:
            from pylatexenc.latex2text._defaultspecs import unicode_accents_list
        except ImportError:  # a pylatexenc that moved it: its own accents, depth-capped
            unicode_accents_list = ()
        decoder.latex_context.add_context_category(
            "reviewer-accents", prepend=True,
            # pylatexenc passes itself only to a parameter named l2tobj.
            macros=[MacroTextSpec(name, lambda node, l2tobj, mark=mark: _accent(node, l2tobj, mark))
                    for name, mark in unicode_accents_list])
        _decoder = decoder
        _make_walker()
    return _decoder


def _make_walker() -> None:
    """pylatexenc's parser, giving up after TOKENS_PER_CHAR tokens per character."""
    global _Walker
    from pylatexenc.latexwalker import LatexWalker, get_default_latex_context_db

    # Built once: a walker made without one builds its own, 0.2 ms for each value (over
    # a second for an arXiv entry whose 6,000 author names each held a backslash).
    context = get_default_latex_context_db()

    class Walker(LatexWalker):
        def __init__(self, text: str) -> None:
            super().__init__(text, latex_context=context)
            self.budget = TOKENS_PER_CHAR * len(text) + 50

        def get_token(self, *args, **kwargs):
            self.budget -= 1
            if self.budget < 0:
                raise _TooMuchWork
            return super().get_token(*args, **kwargs)

    _Walker = Walker


_DOTLESS = {"\N{LATIN SMALL LETTER DOTLESS I}": "i", "\N{LATIN SMALL LETTER DOTLESS J}": "j"}


def _accent(node, l2t, mark: str) -> str:
    """pylatexenc's accent, put on each letter of the argument after the marks the letter
    already has, instead of on every character (inner accents' marks included)."""
    if node.nodeargs:
        text = l2t.nodelist_to_text([node.nodeargs[0]]).strip()
    else:
        text = " "
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(_DOTLESS.get(char, char))
    return "".join(unicodedata.normalize("NFC", cluster + mark) for cluster in clusters)


# -- macros pylatexenc does not know (issue 17) --------------------------------------
# pylatexenc deletes a macro it does not know: "The \TeX book" read as "The book". The
# TeX logos are written out; any other unknown macro stays as written, with its braced
# arguments. Hidden behind private-use characters while pylatexenc reads the rest.
_LOGOS = {"TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX",
          "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX",
          "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "eTeX": "ε-TeX", "ConTeXt": "ConTeXt",
          "AmS": "AMS", "AMS": "AMS", "MF": "Metafont", "MP": "MetaPost"}
# Macros that set nothing: dropped, as LaTeX drops them.
_SILENT = frozenset({"relax", "protect", "xspace", "nobreak", "ignorespaces", "unskip",
                     "null", "noopsort",
                     # rewritten by decode_latex itself before pylatexenc reads them
                     "textbraceleft", "textbraceright", "textasciicircum"})
_MACRO_CALL = re.compile(r"\\([A-Za-z]+)(\s*)((?:\{[^{}\\]*\})*)")
_HIDDEN_BACKSLASH, _HIDDEN_OPEN, _HIDDEN_CLOSE = "\ue000", "\ue001", "\ue002"
_known_macros = None


def _known(name: str) -> bool:
    global _known_macros
    if _known_macros is None:
        from pylatexenc.latex2text import get_default_latex_context_db
        _known_macros = get_default_latex_context_db()
    return _known_macros.get_macro_spec(name) is not None


def _hide_unknown(value: str) -> str:
    def swap(match: re.Match) -> str:
        name, blank, groups = match.groups()
        if name in _LOGOS:
            return _LOGOS[name] + strip_braces(groups)
        if name in _SILENT or _known(name):
            return match.group(0)
        return (_HIDDEN_BACKSLASH + name + blank
                + groups.replace("{", _HIDDEN_OPEN).replace("}", _HIDDEN_CLOSE))
    return _MACRO_CALL.sub(swap, value)


def _unhide(text: str) -> str:
    if _HIDDEN_BACKSLASH not in text:
        return text
    return text.replace(_HIDDEN_BACKSLASH, "\\").replace(_HIDDEN_OPEN, "{").replace(
        _HIDDEN_CLOSE, "}")


def decode_latex(value: str) -> str:
    """LaTeX to Unicode for display; TeX logos written out and unknown macros kept."""
    if "\\" not in value:
        return _decode_known_macros(value)
    return _unhide(_decode_known_macros(_hide_unknown(value)))


@lru_cache(maxsize=4096)  # the list draws the same rows again and again
def typeset(text: str) -> str:
    """A title as LaTeX would set it, for the screen: ``vision--language`` with its en
    dash, ``2D \\& 3D`` with its ampersand, ``$\\beta$-VAE`` with its beta, a tie as a
    blank. Titles without such marks (nearly all) come back as they are."""
    if "\\" not in text and "$" not in text:
        if "--" not in text and "~" not in text:
            return text
        return text.replace("---", "\u2014").replace("--", "\u2013").replace("~", "\u00a0")
    if too_deep(text):
        return text
    try:  # the decoder's own walker: bounded work, whatever the title holds
        from pylatexenc.latex2text import LatexNodes2Text

        _get_decoder()  # makes _Walker
        walker = _Walker(_hide_unknown(_BARE_SPECIAL.sub(r"\\\1", text)))
        out = LatexNodes2Text(math_mode="text").nodelist_to_text(walker.get_latex_nodes()[0])
    except Exception:  # odd LaTeX, or more work than its length deserves: as written
        return text
    return " ".join(_unhide(out).split()) or text

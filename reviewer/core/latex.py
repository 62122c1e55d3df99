"""LaTeX to Unicode for display ({\\"u} -> ü, \\& -> &), through bibtexparser's decoder.

Decoding (pylatexenc) is slow, so only text holding a backslash or a dollar goes through
it; text that merely protects capitals with braces just loses the braces.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A bare & or % in a .bib value or a listing is the author's own character, not LaTeX's
# alignment tab or comment: keep it.
_BARE_SPECIAL = re.compile(r"(?<!\\)([&%])")
_middleware = None


def strip_braces(value: str) -> str:
    return value.replace("{", "").replace("}", "")


def decode_latex(value: str) -> str:
    global _middleware
    if "\\" not in value and "$" not in value:
        return strip_braces(value)
    # pylatexenc does not know the brace macros, the only way BibTeX takes an unbalanced
    # brace (it counts \{ too); it knows \{ and \}.
    value = value.replace("\\textbraceleft{}", "\\{").replace("\\textbraceright{}", "\\}")
    # ...and renders \textasciicircum as a modifier letter, not the ^ LaTeX prints.
    value = value.replace("\\textasciicircum{}", "^")
    try:
        if _middleware is None:
            from bibtexparser.middlewares import LatexDecodingMiddleware
            _middleware = LatexDecodingMiddleware(keep_math_mode=True)
        # The middleware's per-string step: running the middleware on a library would
        # decode every field of every entry, most of which need nothing.
        decoded, error = _middleware._transform_python_value_string(
            _BARE_SPECIAL.sub(r"\\\1", value))
    except Exception:
        return strip_braces(value)
    return strip_braces(value) if error else decoded


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


_decode_known_macros = decode_latex


def decode_latex(value: str) -> str:  # noqa: F811 - the decoder above, keeping macros
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
    try:
        from pylatexenc.latex2text import LatexNodes2Text

        out = LatexNodes2Text(math_mode="text").latex_to_text(
            _hide_unknown(_BARE_SPECIAL.sub(r"\\\1", text)))
    except Exception:  # odd LaTeX: shown as written
        return text
    return " ".join(_unhide(out).split()) or text

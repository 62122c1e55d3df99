"""LaTeX to Unicode for display ({\\"u} -> ü, \\& -> &), through bibtexparser's decoder.

Decoding (pylatexenc) is slow, so only text holding a backslash or a dollar goes through
it; text that merely protects capitals with braces just loses the braces.
"""

from __future__ import annotations

import re

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

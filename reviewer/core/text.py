"""Text clean-up shared by every parser: control characters, identifiers, links, titles."""

from __future__ import annotations

import re
import unicodedata

# CSI/OSC/other escape sequences as terminals read them; a pasted dump can carry colour codes.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0 and C1 controls other than tab and newline, plus DEL; the zero-width formatting
# characters that make two equal titles look different are handled by normalize_title.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ASCII_CONTROLS = bytes(range(32)) + b"\x7f"
# Every Unicode blank (no-break, thin, ideographic, Ogham...): BibTeX readers disagree
# on which of them separate words, so none survives.
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Drop terminal escapes and control characters and collapse runs of blanks.

    Dumps are shown on a terminal: an escape sequence in a title must not reach it.
    Newlines become spaces, since every field reviewer keeps is a single paragraph.
    """
    if text.isascii() and "  " not in text and (
            len(text.encode("ascii").translate(None, _ASCII_CONTROLS)) == len(text)):
        # The common case, at C speed: deleting the controls from the bytes is a third of
        # the time of str.isprintable, which looks every character up in Unicode tables.
        return text.strip()
    return _clean_slowly(text)


# The same controls as CONTROL, in UTF-8: C0 and DEL as single bytes, C1 after 0xC2.
_C0_BYTES = bytes(range(9)) + bytes(range(11, 32)) + b"\x7f"
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control character other than tab and newline: as
    ``CONTROL.search``, in the time of a copy (a third less than the regular
    expression on a 10 MB file, which looks up every character in a set)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _C0_BYTES)) != len(data):
        return True
    return b"\xc2" in data and _C1_UTF8.search(data) is not None


def _clean_slowly(text: str) -> str:
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    text = CONTROL.sub(" ", text.replace("\r", " ").replace("\n", " "))
    return _SPACES.sub(" ", text).strip()


def clean_block(text: str) -> str:
    """Like clean_text, for multi-paragraph text (notes, comments): keeps newlines."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub(" ", text)


_WORD = re.compile(r"[^\W_]+")
# For ASCII, _WORD's letters and digits are [A-Za-z0-9]: one bytes.translate lowers them and
# blanks the rest, which split() then drops.
_ASCII_WORDS = bytes(c | 0x20 if chr(c).isalpha() else c if chr(c).isdigit() else 0x20
                     for c in range(128)) + b" " * 128


def normalize_title(title: str) -> str:
    """The form two spellings of one title share: no accents, case, punctuation or spacing.

    "Hulu-Med: A Transparent..." and "hulu med a transparent" normalise alike.
    """
    if title.isascii():  # most titles: a quarter of the time of the regex below
        return b" ".join(title.encode("ascii").translate(_ASCII_WORDS).split()).decode("ascii")
    decomposed = unicodedata.normalize("NFKD", title)
    title = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(title.casefold()))


# New-style ids (2401.01234, with optional version) and old-style ones (cs/0112017, math.AG/0601001).
# Archive names start with a letter and are short ("cond-mat", "chao-dyn"): a pattern that
# took any run of letters and dashes tried the rest of a long run of dashes from each of
# its characters (20 KB of them took 10 s).
_OLD_STYLE = r"[a-z][a-z-]{0,15}(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID = re.compile(
    rf"(?<![\w.])(?:arXiv:\s*)?(\d{{4}}\.\d{{4,5}}|{_OLD_STYLE})(v\d+)?(?![\w])",
    re.IGNORECASE,
)
_ARXIV_URL = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html)/(\d{{4}}\.\d{{4,5}}|{_OLD_STYLE})(?:v\d+)?",
    re.IGNORECASE,
)


def normalize_arxiv_id(value: str) -> str:
    """'arXiv:2401.01234v2' -> '2401.01234'; '' when the text holds no arXiv id."""
    value = value.strip()
    match = _ARXIV_URL.search(value) or ARXIV_ID.search(value)
    if not match:
        return ""
    ident = match.group(1)
    # Old-style ids keep the archive name in lower case, the subject class in upper case.
    if "/" in ident:
        archive, number = ident.split("/", 1)
        head, _, subject = archive.partition(".")
        ident = f"{head.lower()}{'.' + subject.upper() if subject else ''}/{number}"
    return ident


def arxiv_id_from_url(url: str) -> str:
    match = _ARXIV_URL.search(url)
    return normalize_arxiv_id(match.group(0)) if match else ""


_DOI = re.compile(r"10\.\d{4,9}/\S+")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)


def normalize_doi(value: str) -> str:
    """'https://doi.org/10.1000/XYZ.' -> '10.1000/XYZ'. DOIs are case-insensitive, but
    the case is the registrant's (10.1056/AIoa2300138) and the user's: kept as written;
    dedup compares them folded."""
    match = _DOI.search(value.strip())
    if not match:
        return ""
    return match.group(0).rstrip(".,;)]}")


def arxiv_id_from_doi(doi: str) -> str:
    """The arXiv id behind a DataCite arXiv DOI (10.48550/arXiv.2401.01234), else ''."""
    match = _ARXIV_DOI.match(doi)
    return normalize_arxiv_id(match.group(1)) if match else ""


# A URL ends at blanks, quotes, angle brackets and at LaTeX's braces and backslashes:
# abstracts on Hugging Face keep leftovers such as "url{url}" and "\href{url}{text}".
_URL = re.compile(r"https?://[^\s{}<>\"'\\|^`]+", re.IGNORECASE)
_TRAILING = ".,;:!?*'\""


def _trim_url(url: str) -> str:
    """The url without trailing punctuation, nor closing brackets that open nowhere in it.

    The counts are kept as characters go: counting again for each one took time growing
    with the square of a run of them ("http://x.org/)))...": 20,000 in 1.2 s)."""
    opening = {")": url.count("("), "]": url.count("[")}
    closing = {")": url.count(")"), "]": url.count("]")}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in closing and opening[last] < closing[last]:
            closing[last] -= 1
            end -= 1
        else:
            break
    return url[:end]


def extract_links(text: str) -> list[str]:
    """Every distinct web link in ``text``, cleaned of LaTeX and punctuation leftovers."""
    links: list[str] = []
    if "://" not in text:
        return links
    seen: set[str] = set()
    for raw in _URL.findall(text):
        url = _trim_url(raw)
        if "://" not in url or len(url.split("://", 1)[1]) < 4:
            continue
        key = url.rstrip("/").lower()
        if key not in seen:
            seen.add(key)
            links.append(url)
    return links


def ends_truncated(text: str) -> bool:
    """True for text cut short with an ellipsis, as listing pages do with long abstracts."""
    tail = text.rstrip()
    return tail.endswith("...") or tail.endswith("\u2026")


def shorten(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters with an ellipsis (for one-line messages)."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "\u2026"

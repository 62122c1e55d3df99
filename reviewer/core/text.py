"""Text clean-up shared by every parser: control characters, identifiers, links, titles."""

from __future__ import annotations

import re
import unicodedata

# CSI/OSC/other escape sequences as terminals read them; a pasted dump can carry colour codes.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0 and C1 controls other than tab and newline, plus DEL; the zero-width formatting
# characters that make two equal titles look different are handled by normalize_title.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
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


def _clean_slowly(text: str) -> str:
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    text = _CONTROL.sub(" ", text.replace("\r", " ").replace("\n", " "))
    return _SPACES.sub(" ", text).strip()


def clean_block(text: str) -> str:
    """Like clean_text, for multi-paragraph text (notes, comments): keeps newlines."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", text)


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
ARXIV_ID = re.compile(
    r"(?<![\w.])(?:arXiv:\s*)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?(?![\w])",
    re.IGNORECASE,
)
_ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
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
    while url:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        elif url[-1] == "]" and url.count("[") < url.count("]"):
            url = url[:-1]
        else:
            break
    return url


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

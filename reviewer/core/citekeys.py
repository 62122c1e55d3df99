"""Citation keys in Better BibTeX's default shape: ``auth.lower + shorttitle(3,3) + year``.

``vaswaniAttentionAllYou2017``: the first author's surname in lower case, the first three
significant title words capitalised, the year. Without an author, the title words and the
year. ASCII letters and digits only (other scripts transliterated), so bibtex, biber and
pandoc all accept the key. A
clash gets a, b, c... The store keeps each key once it is assigned and never regenerates
a key that has left the app (exported, copied or set by hand).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from .model import Paper
from .names import surname_raw

# Better BibTeX's skip words (function words in English, German, French, Italian, Spanish).
SKIP_WORDS = frozenset("""
a ab aboard about above across after against al along amid among an and anti around as at
before behind below beneath beside besides between beyond but by d da das de del dell dello
dei degli della delle dem den der des despite die do down du during ein eine einem einen
einer eines el en et except for from gli i il in inside into is l la las le les like lo los
near nor of off on onto or over past per plus round save since so some sur than the through
to toward towards un una unas under underneath une unlike uno unos until up upon versus via
von while with within without yet zu zum
""".split())

VALID_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_:.\-+/]*$")
# Latin letters NFKD does not decompose.
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                       "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i"})


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def transliterate(text: str) -> str:
    """``text`` in ASCII, readably: Latin letters lose their accents, other scripts are
    transliterated (Иванов -> Ivanov, 深度学习 -> ShenDuXueXi) where folding dropped
    them and left keys such as ``paper2021``. anyascii (ISC) covers every script from
    one table; a table of our own would cover a few."""
    from anyascii import anyascii

    return anyascii(text.translate(_FOLD))


_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
# Words are split at blanks and "/" and lose every other character that is not an ASCII
# letter or digit ("U-Net" -> "UNet"). On ASCII text one bytes.translate does both, a
# fifth of the time of a regex split and a substitution per word.
_SEPARATORS = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f/"  # what r"[\s/]" matches in ASCII
_TO_SPACE = bytes.maketrans(_SEPARATORS.encode("ascii"), b" " * len(_SEPARATORS))
_DROPPED = bytes(c for c in range(256)
                 if not (chr(c).isascii() and chr(c).isalnum()) and chr(c) not in _SEPARATORS)


def title_words(title: str, count: int = 3) -> list[str]:
    """The first ``count`` significant words of the title, in ASCII, capitalised."""
    text = title if title.isascii() else transliterate(title)
    words = []
    for word in text.encode("ascii").translate(_TO_SPACE, _DROPPED).decode("ascii").split():
        if word.lower() in SKIP_WORDS:
            continue
        words.append(word[0].upper() + word[1:])
        if len(words) == count:
            break
    return words


def base_key(paper: Paper) -> str:
    author = ""
    if paper.authors:
        surname = surname_raw(paper.authors[0])
        if not (surname.isascii() and surname.isalnum()):  # most are: nothing to fold
            surname = _NOT_ALNUM.sub("", transliterate(surname))
        author = surname.lower()
    year = str(paper.year) if paper.year else ""
    key = author + "".join(title_words(paper.title)) + year
    if not key or not key[0].isalpha():
        key = "paper" + key
    return key


def suffixes():
    """'', 'a', 'b', ..., 'z', 'aa', 'ab', ..."""
    yield ""
    n = 0
    while True:
        label, k = "", n
        while True:
            label = chr(ord("a") + k % 26) + label
            k = k // 26 - 1
            if k < 0:
                break
        yield label
        n += 1


def unique_key(base: str, taken: Container[str]) -> str:
    """``base``, or with the first suffix that makes it free. ``taken`` holds keys in
    lower case: bibtex and pybtex take ``smithDeep2020`` and ``smithDEEP2020`` for one."""
    for suffix in suffixes():
        if (base + suffix).lower() not in taken:
            return base + suffix
    raise AssertionError("unreachable")


def make_key(paper: Paper, taken: Container[str]) -> str:
    """A key for ``paper`` not in ``taken`` (keys in lower case)."""
    key = base_key(paper)
    return key if key.lower() not in taken else unique_key(key, taken)  # most keys are free


def check_key(key: str) -> str | None:
    """Why ``key`` is not a usable citation key, or None when it is."""
    if not key:
        return "a citation key cannot be empty"
    if not key.isascii():
        return "a citation key must be ASCII"
    if not VALID_KEY.match(key):
        return ("a citation key starts with a letter and holds only letters, digits and "
                "_ : . - + /")
    return None

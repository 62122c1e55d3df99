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
from collections.abc import Container, Iterable, Iterator

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


def suffix(n: int) -> str:
    """The n-th suffix: '', 'a', 'b', ..., 'z', 'aa', 'ab', ... (bijective base 26)."""
    label = ""
    while n > 0:
        n, digit = divmod(n - 1, 26)
        label = chr(ord("a") + digit) + label
    return label


def suffixes():
    """'', 'a', 'b', ..., 'z', 'aa', 'ab', ..."""
    n = 0
    while True:
        yield suffix(n)
        n += 1


def _suffix_number(label: str) -> int:
    """The n of suffix(n) == label."""
    n = 0
    for char in label:
        n = n * 26 + ord(char) - ord("a") + 1
    return n


class TakenKeys:
    """The citation keys in use, remembering for each base key how far its suffixes are
    all taken: the n-th paper with one base key costs one lookup, not n. (10,000 lines
    "A Survey of ...: Part k" share one base key; scanning from "" each time took 46 s.)
    Keys are held in lower case: keys that differ only in case clash."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._keys = {key.lower() for key in keys}
        self._taken_below: dict[str, int] = {}  # base -> n: suffix(0..n-1) all taken

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str) -> None:
        self._keys.add(key.lower())

    def update(self, keys: Iterable[str]) -> None:
        self._keys.update(key.lower() for key in keys)

    def discard(self, key: str) -> None:
        key = key.lower()
        self._keys.discard(key)
        # The key is free again: for any base it is a suffixed form of, the scan restarts
        # there. Suffixes are lower-case letters, so only those can end a base early.
        end = len(key)
        while True:
            base = key[:end]
            known = self._taken_below.get(base)
            if known is not None:
                number = _suffix_number(key[end:])
                if number < known:
                    self._taken_below[base] = number
            if end == 0 or not "a" <= key[end - 1] <= "z":
                break
            end -= 1

    def free_from(self, base: str) -> int:
        return self._taken_below.get(base.lower(), 0)

    def note_taken_below(self, base: str, number: int) -> None:
        self._taken_below[base.lower()] = number


def unique_key(base: str, taken: Container[str]) -> str:
    """``base``, or with the first suffix that makes it free. ``taken`` holds keys in
    lower case: bibtex and pybtex take ``smithDeep2020`` and ``smithDEEP2020`` for one."""
    n = taken.free_from(base) if isinstance(taken, TakenKeys) else 0
    while (base + suffix(n)).lower() in taken:
        n += 1
    if isinstance(taken, TakenKeys):
        taken.note_taken_below(base, n)
    return base + suffix(n)


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

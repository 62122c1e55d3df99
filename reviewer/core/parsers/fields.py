"""Field values as reference managers and screening tools write them, shared by the RIS and
CSV parsers: person names, dates, page ranges, keyword lists, identifiers hidden in links,
and the decisions Rayyan keeps in a record's notes.
"""

from __future__ import annotations

import re

from ..model import Decision
from ..text import (arxiv_id_from_doi, arxiv_id_from_url, clean_text, normalize_arxiv_id,
                    normalize_doi)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2[0-2]\d\d)(?!\d)")
# MEDLINE's short form: "Smith JA", "van der Berg J" (surname words, then initials).
_MEDLINE_NAME = re.compile(r"^(\S.*?)\s+([A-Z]{1,3})$")
_INITIALS = re.compile(r"^(?:[A-Z]\.?\s?-?){1,4}$")


def person(name: str) -> str:
    """One name in the review's form: "Last, First" as given, MEDLINE's "Smith JA" as
    "Smith, J. A."; any other form ("Ada Lovelace", a consortium) is kept as written."""
    name = clean_text(name).strip(" ;")
    if "," in name:
        last, _, first = name.partition(",")
        last, first = last.strip(), first.strip().strip(",").strip()
        return f"{last}, {first}" if first else last
    match = _MEDLINE_NAME.match(name)
    if match and not match.group(1).isupper() and not match.group(1).islower():
        initials = " ".join(f"{c}." for c in match.group(2))
        return f"{match.group(1)}, {initials}"
    return name


def split_people(text: str) -> list[str]:
    """A list of names in one cell: "Smith, J.; Doe, A." (ASReview), "Smith, J. and Doe,
    A." (Rayyan, BibTeX), "W. Zhang, J. Li and L. Kong", "Smith, J., Doe, A."."""
    text = clean_text(text)
    if not text:
        return []
    if ";" in text:
        parts = text.split(";")
    elif re.search(r"\s+and\s+", text):
        parts = re.split(r"\s+and\s+", text)
        if not all(part.count(",") == 1 for part in parts):  # "W. Zhang, J. Li and L. Kong"
            parts = [name for part in parts for name in part.split(",")]
    elif "," in text:
        pieces = [p.strip() for p in text.split(",")]
        # "Smith, J., Doe, A.": surnames and initials alternate.
        if len(pieces) % 2 == 0 and all(_INITIALS.match(p) for p in pieces[1::2]):
            parts = [f"{last}, {first}" for last, first in zip(pieces[::2], pieces[1::2])]
        else:
            parts = pieces
    else:
        parts = [text]
    return [name for name in (person(p) for p in parts) if name]


def month_of(text: str) -> int | None:
    text = text.strip().lower().rstrip(".")
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.index(text[:3]) + 1 if text[:3] in _MONTHS else None


def date_of(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of the dates these files hold: "2021", "2021///", "2021/05/03/",
    "2021-05-03", "2021 May 3", "MAY" (Web of Science gives the month alone in DA)."""
    text = text.strip()
    year = month = day = None
    found = _YEAR.search(text)
    if found:
        year = int(found.group(1))
    numeric = re.match(r"\s*(\d{4})[/-](\d{1,2})?(?:[/-](\d{1,2}))?", text)
    if numeric:
        month = int(numeric.group(2)) if numeric.group(2) else None
        day = int(numeric.group(3)) if numeric.group(3) else None
    else:
        words = re.findall(r"[A-Za-z]+|\d{1,2}(?!\d)", text)
        for i, word in enumerate(words):
            if word.isalpha() and word[:3].lower() in _MONTHS:
                month = month_of(word)
                if i + 1 < len(words) and words[i + 1].isdigit():
                    day = int(words[i + 1])
                break
    if month is not None and not 1 <= month <= 12:
        month = day = None
    if day is not None and (month is None or not 1 <= day <= 31):
        day = None
    return year, month, day


def pages(start: str, end: str) -> str:
    """SP/EP (or a spreadsheet's start and end page) as one BibTeX range, "12--19"."""
    start, end = clean_text(start), clean_text(end)
    if start and "-" in start and not end:
        start, _, end = (p.strip() for p in re.split(r"(-+)", start, 1))
    if start and end and end != start:
        return f"{start}--{end}"
    return start or end


def serial_kind(number: str) -> str:
    """"isbn" or "issn": RIS's SN and spreadsheets' columns hold either."""
    digits = re.sub(r"[^0-9Xx]", "", number)
    return "isbn" if len(digits) in (10, 13) else "issn"


def split_keywords(text: str) -> list[str]:
    """Keywords in one cell: "; " between them where the file uses it, else ","."""
    text = clean_text(text)
    parts = text.split(";") if ";" in text else text.split(",")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def identifiers(doi_text: str, urls: list[str]) -> tuple[str, str]:
    """(doi, arxiv id) from a DOI field and links: an arXiv DOI or abs/pdf link gives
    the arXiv id (the DOI field then stays empty, as the BibTeX parser keeps it)."""
    doi = normalize_doi(doi_text)
    arxiv_id = arxiv_id_from_doi(doi)
    if not doi:
        for url in urls:
            if "doi.org/" in url:
                doi = normalize_doi(url)
                arxiv_id = arxiv_id_from_doi(doi)
                break
    if not arxiv_id:
        for url in urls:
            arxiv_id = arxiv_id_from_url(url)
            if arxiv_id:
                break
    if doi.startswith("10.48550/"):
        doi = ""  # the arXiv DOI is derived from the id
    return doi, arxiv_id


def without_arxiv_page(urls: list[str], arxiv_id: str) -> list[str]:
    """The links but the paper's own arXiv page, which the app derives from its id."""
    if not arxiv_id:
        return urls
    return [u for u in urls if arxiv_id_from_url(u) != arxiv_id]


def arxiv_in_text(text: str) -> str:
    """An arXiv id written in a field such as "arXiv:2401.01234" (notes, a journal name)."""
    return normalize_arxiv_id(text) if "arxiv" in text.lower() else ""


# -- decisions --------------------------------------------------------------------------

# Rayyan keeps each reviewer's decision in the notes it exports:
# RAYYAN-INCLUSION: {"Ana"=>"Included", "Bo"=>"Maybe"} | RAYYAN-LABELS: ...
_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{([^}]*)\}")
_RAYYAN_VOTE = re.compile(r'"([^"]*)"\s*=>\s*"([^"]*)"')
_RAYYAN_WORDS = {"included": Decision.INCLUDE, "excluded": Decision.EXCLUDE,
                 "maybe": Decision.MAYBE, "undecided": Decision.UNDECIDED}
RAYYAN_WORD = {Decision.INCLUDE: "Included", Decision.EXCLUDE: "Excluded",
               Decision.MAYBE: "Maybe"}


def rayyan_decision(notes: str) -> Decision:
    """The decision in Rayyan's notes; reviewers who disagree make it "maybe" (Rayyan
    calls it a conflict: the paper needs another look)."""
    match = _RAYYAN_INCLUSION.search(notes)
    if not match:
        return Decision.UNDECIDED
    votes = {_RAYYAN_WORDS.get(v.strip().lower(), Decision.UNDECIDED)
             for _, v in _RAYYAN_VOTE.findall(match.group(1))}
    votes.discard(Decision.UNDECIDED)
    if not votes:
        return Decision.UNDECIDED
    return votes.pop() if len(votes) == 1 else Decision.MAYBE


def rayyan_note(decision: Decision, who: str = "reviewer") -> str:
    """A decision written as Rayyan writes it in the notes of its exports."""
    word = RAYYAN_WORD.get(decision)
    return f'RAYYAN-INCLUSION: {{"{who}"=>"{word}"}}' if word else ""


_LABEL_WORDS = {"1": Decision.INCLUDE, "0": Decision.EXCLUDE, "yes": Decision.INCLUDE,
                "no": Decision.EXCLUDE, "true": Decision.INCLUDE, "false": Decision.EXCLUDE,
                "1.0": Decision.INCLUDE, "0.0": Decision.EXCLUDE, "y": Decision.INCLUDE,
                "n": Decision.EXCLUDE, "include": Decision.INCLUDE, "included": Decision.INCLUDE,
                "exclude": Decision.EXCLUDE, "excluded": Decision.EXCLUDE,
                "maybe": Decision.MAYBE}


def label_decision(text: str) -> Decision | None:
    """ASReview's label column (1 / 0, empty or -1 for unlabelled), or a decision word
    (the CSV reviewer exports); None for a value that is none of these."""
    text = text.strip().lower()
    if text in ("", "-1", "nan", "undecided", "-1.0"):
        return Decision.UNDECIDED
    return _LABEL_WORDS.get(text)

"""Plain lists: one paper title per line, the format of last resort.

Numbering and bullets are dropped; an arXiv id, DOI, URL, a year set apart at the end
("(2021)", ", 2021") or a citation ("(Li et al. 2023)") written on the line is kept and
removed from the title; a year after a blank is part of the title. Lines that do not read like a title (code, CSV rows,
log lines, numbers) are reported as skipped, and a file made mostly of them is not
recognised as a list at all.
"""

from __future__ import annotations

import re

from ..model import Paper, Source
from ..text import ARXIV_ID, clean_text, normalize_arxiv_id, normalize_doi
from .base import ParseContext, ParseResult

NAME = "lines"
LABEL = "plain list of titles"

MAX_TITLE = 400
_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,4}[.):]|[-*+•·▪‣◦]|\[\s?[xX ]?\s?\])\s+")
_URL = re.compile(r"<?https?://\S+>?")
_DOI = re.compile(r"\b(?:doi:\s*)?10\.\d{4,9}/\S+", re.IGNORECASE)
# A year set apart at the end of the line ("Title, 2021", "Title (2021)", "Title. 2021")
# is the paper's; a year after a blank belongs to the title: "The BraTS Challenge 2021"
# and "... 2022" are two papers.
_YEAR = re.compile(r"(?:\s*[,.;]\s*|\s*[(\[]\s*)((?:19[5-9]|20[0-4])\d)[)\].,;]*\s*$")
# A citation in parentheses: "LLaVA-Med (Li et al. 2023)", "(Smith and Jones, 2020)".
_CITED = re.compile(r"\s*\((?:[^()]*?\bet al\.?|[A-Z][\w'-]+(?:\s+(?:and|&)\s+[A-Z][\w'-]+)?)"
                    r",?\s+((?:19[5-9]|20[0-4])\d)[a-z]?\)[.,;]?\s*$")
# Inline math is a title's ("$\beta$-VAE: ..."), not code.
_MATH = re.compile(r"\$[^$\n]{1,40}\$")
# A new-style id standing last on the line needs no "arXiv" before it: "Swin 2103.14030".
_TRAILING_ID = re.compile(r"\s(\d{2}(?:0[1-9]|1[0-2])\.\d{4,5})(?:v\d+)?[.,;]?\s*$")
_CODE_CHARS = re.compile(r"[{};=<>|\\^~`$]")
# "Thursday. Bring": a sentence ends and another starts. Titles join parts with a colon.
_SENTENCE_BREAK = re.compile(r"[a-z]{3,}[.!?]\s+[A-Z]")


def _strip_refs(line: str) -> tuple[str, str, str, str, int | None]:
    """The line without its identifiers: (title, arxiv id, doi, url, year)."""
    arxiv_id = doi = url = ""
    for match in _URL.finditer(line):
        found = normalize_arxiv_id(match.group(0))
        if found and not arxiv_id:
            arxiv_id = found
        elif "doi.org/" in match.group(0) and not doi:
            doi = normalize_doi(match.group(0))
        elif not url:
            url = match.group(0).strip("<>")
    line = _URL.sub(" ", line)
    if not doi:
        match = _DOI.search(line)
        if match:
            doi = normalize_doi(match.group(0))
            line = line[: match.start()] + line[match.end():]
    match = ARXIV_ID.search(line)
    if match and not arxiv_id and re.search(r"arxiv", line, re.IGNORECASE):
        arxiv_id = normalize_arxiv_id(match.group(0))
        line = line[: match.start()] + line[match.end():]
    if not arxiv_id:
        match = _TRAILING_ID.search(line)
        if match:
            arxiv_id = match.group(1)
            line = line[: match.start()]
    line = re.sub(r"\barXiv(?:\s*preprint)?\s*:?\s*$", "", line, flags=re.IGNORECASE)
    year = None
    match = _CITED.search(line) or _YEAR.search(line)
    if match:
        year = int(match.group(1))
        line = line[: match.start()]
    return line, arxiv_id, doi, url, year


def title_problem(title: str) -> str | None:
    """Why a line is not a paper title, or None when it reads like one."""
    if len(title) > MAX_TITLE:
        return f"longer than {MAX_TITLE} characters"
    words = title.split()
    if len(words) < 2:
        return "a single word"
    letters = sum(c.isalpha() for c in title)
    if letters < 0.6 * len(title.replace(" ", "")):
        return "mostly digits or symbols"
    if len(_CODE_CHARS.findall(_MATH.sub("x", title))) > 2 or \
            title.endswith((";", "{", "}", ":", ",")):
        return "looks like code"
    if title.count(",") >= 4 and len(words) < 3 * title.count(","):
        return "looks like a table row"
    if len(words) >= 8 and _SENTENCE_BREAK.search(title):
        return "reads like sentences, not a title"
    return None


def _read(line: str) -> tuple[str, str, str, str, int | None]:
    """(title, arxiv id, doi, url, year) of one line."""
    rest, arxiv_id, doi, url, year = _strip_refs(line)
    rest = _NUMBERING.sub("", rest, count=1)
    title = clean_text(rest).strip(" \"'*_").rstrip(" .,;:-–—")
    return title, arxiv_id, doi, url, year


def _looks_listed(line: str) -> bool:
    title = _read(line)[0]
    # Wrapped prose (a README, a licence) is made of lines that read like titles one by
    # one, but most of them continue a sentence and so start in lower case; titles do not.
    return title_problem(title) is None and not title[:1].islower()


def detect(sample: str) -> float:
    lines = [line for line in sample.split("\n") if line.strip()]
    if not lines:
        return 0.0
    good = sum(1 for line in lines if _looks_listed(line))
    share = good / len(lines)
    # The fallback: never above the specific formats, and only for lists of titles.
    return 0.45 if share >= 0.7 else 0.1 * share


def parse(text: str, ctx: ParseContext) -> ParseResult:
    result = ParseResult()
    lines = text.split("\n")
    filled = [line for line in lines if line.strip()]
    # In a numbered or bulleted list, a line without a number is a heading or a remark.
    numbered = sum(1 for line in filled if _NUMBERING.match(line)) >= 0.6 * len(filled) > 1
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        if numbered and not _NUMBERING.match(raw):
            result.skip(number, "not numbered like the rest of the list (a heading?)")
            continue
        title, arxiv_id, doi, url, year = _read(raw)
        problem = title_problem(title)
        if problem == "a single word" and _CITED.search(raw):
            problem = None  # "LLaVA-Med (Li et al. 2023)": a name, cited
        if problem:
            result.skip(number, f"not a title ({problem})")
            continue
        if arxiv_id and year is None and "/" not in arxiv_id:
            year = 2000 + int(arxiv_id[:2])
        result.papers.append(Paper(title=title, arxiv_id=arxiv_id, doi=doi, url=url, year=year,
                                   sources=[Source(ctx.file, number, NAME)]))
    return result

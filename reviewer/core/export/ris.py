"""RIS export, for co-authors on EndNote, Zotero, Mendeley or Rayyan: written with rispy's
writer, without its "1." line before each record (not part of RIS; readers skip it at
best), with CRLF line ends as the RIS specification and Zotero's export have them.

Each paper: TY (from the type its BibTeX entry would have), ID (the citation key), AU,
TI, T2 (journal or proceedings; a book's series), A2 (editors), PY and DA, VL IS SP EP
PB CY ET SN, DB and AN (a PubMed id), AB, KW (the paper's keywords, then the user's tags), DO (the arXiv DOI for a
preprint), UR (the page, then the other links), N1 (the user's note, then the decision as
Rayyan writes it in the notes of its own exports: ``RAYYAN-INCLUSION: {"reviewer"=>
"Included"}``, and an exclude's reason after it: `` | RAYYAN-EXCLUSION-REASONS: wrong
population``). Every value is written on one line: a value holding a line break would
let its next line pass for a tag.
"""

from __future__ import annotations

from ..model import Paper
from ..parsers.fields import rayyan_note
from ..reasons import rayyan_note as rayyan_reasons_note
from ..text import clean_text
from .bibtex import entry_type

# BibTeX entry type (as export/bibtex.py would write it) -> RIS TY.
TYPES = {
    "article": "JOUR", "inproceedings": "CPAPER", "conference": "CPAPER",
    "proceedings": "CONF", "book": "BOOK", "incollection": "CHAP", "inbook": "CHAP",
    "phdthesis": "THES", "mastersthesis": "THES", "thesis": "THES", "techreport": "RPRT",
    "report": "RPRT", "unpublished": "UNPB", "online": "ELEC",
}


def _writer():
    from rispy import RisWriter

    class Writer(RisWriter):
        NEWLINE = "\r\n"

        def set_header(self, count: int) -> str:
            return ""

    return Writer()


def record(paper: Paper) -> dict:
    """The rispy record of a paper: keys in rispy's names, in the order they are written."""
    kind = TYPES.get(entry_type(paper), "GEN")
    extra = paper.extra
    out: dict = {"type_of_reference": kind}

    def put(name: str, value) -> None:
        if isinstance(value, list):
            value = [v for v in (clean_text(str(x)) for x in value) if v]
        elif value is not None:
            value = clean_text(str(value))
        if value:
            out[name] = value

    put("id", paper.citekey)
    put("authors", paper.authors)
    put("secondary_authors", [n.strip() for n in extra.get("editor", "").split(" and ")])
    put("title", paper.title)
    series = extra.get("series", "")
    if kind == "BOOK":
        put("secondary_title", series)
    else:
        put("secondary_title", paper.venue)
        put("tertiary_title", series)
    put("year", paper.year)
    if paper.year and paper.month:
        day = f"{paper.day:02d}" if paper.day else ""
        put("date", f"{paper.year}/{paper.month:02d}/{day}/")
    put("volume", extra.get("volume"))
    if kind != "RPRT":
        put("number", extra.get("number"))
    start, _, end = extra.get("pages", "").replace("--", "-").partition("-")
    put("start_page", start)
    put("end_page", end)
    put("publisher", extra.get("publisher") or extra.get("school") or extra.get("institution"))
    put("place_published", extra.get("address"))
    put("edition", extra.get("edition"))
    put("issn", extra.get("number") if kind == "RPRT" else
        extra.get("isbn") or extra.get("issn"))
    if extra.get("pmid"):  # read back as the PubMed id, as PubMed's own records give it
        put("name_of_database", "PubMed")
        put("accession_number", extra["pmid"])
    put("abstract", paper.abstract)
    put("keywords", list(dict.fromkeys(paper.keywords + paper.tags)))
    put("doi", paper.doi or (f"10.48550/arXiv.{paper.arxiv_id}" if paper.arxiv_id else ""))
    url = paper.url or (f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else "")
    put("urls", list(dict.fromkeys(u for u in [url, *paper.links] if u)))
    # One N1 as Rayyan writes its own: the decision, then " | " and the reasons.
    put("notes", [paper.note, " | ".join(filter(None, (rayyan_note(paper.decision),
                                                        rayyan_reasons_note(paper.reason))))])
    return out


def to_ris(papers: list[Paper]) -> str:
    """The RIS text for ``papers``, in their order."""
    if not papers:
        return ""
    return _writer().formats([record(p) for p in papers])

"""Semantic Scholar Graph API: ``POST /paper/batch`` (up to 500 ``ARXIV:``/``DOI:`` ids;
``null`` for an unknown one) and ``/paper/search/match`` for a title (the single best
hit, or 404). Its ``matchScore`` decides nothing: matching.py checks the title.

Venue and publication type of the published version, its DOI, the external ids.
"""

from __future__ import annotations

from typing import Any

from ..text import normalize_arxiv_id, normalize_doi, normalize_title
from .records import Record, date_parts
from .source import Source, records, text

BATCH = 500
FIELDS = ("title,authors,year,venue,publicationVenue,publicationTypes,externalIds,journal,"
          "publicationDate")
_TYPES = {"JournalArticle": "article", "Conference": "inproceedings", "Book": "book",
          "BookSection": "incollection"}
# What Semantic Scholar calls the venue of a paper that is only on arXiv.
PREPRINT_VENUES = frozenset({"arxiv", "arxiv.org", "corr", "biorxiv", "medrxiv",
                             "ssrn", "research square", "preprints"})


class SemanticScholar(Source):
    name = "s2"

    def by_ids(self, ids: list[str]) -> dict[str, Record | None]:
        """Records for ids such as ``ARXIV:2401.01234`` and ``DOI:10.1145/...``."""
        def fetch(chunk: list[str]) -> dict[str, dict | None]:
            data = self._json(self.client.post("/paper/batch", {"fields": FIELDS},
                                               {"ids": chunk}))
            if data is None:
                return {}
            if not isinstance(data, list) or len(data) != len(chunk):
                raise self._malformed("a batch answer that does not match the ids asked")
            found: dict[str, dict | None] = {}
            for key, paper in zip(chunk, data):
                record = parse_paper(paper) if isinstance(paper, dict) else None
                found[key] = record.to_json() if record else None
            return found

        answers = self._many(ids, BATCH, fetch)
        return {i: next(iter(records([answers.get(i)])), None) for i in ids}

    def by_title(self, title: str) -> list[Record]:
        def fetch() -> list[dict]:
            data = self._json(self.client.get("/paper/search/match",
                                              {"query": title, "fields": FIELDS}))
            if data is None:
                return []
            if not isinstance(data, dict) or not isinstance(data.get("data"), list):
                raise self._malformed("a match without data")
            return [r.to_json() for r in map(parse_paper, data["data"])
                    if r is not None]

        return records(self._one("title:" + normalize_title(title), fetch) or [])


def parse_paper(paper: Any) -> Record | None:
    if not isinstance(paper, dict):
        return None
    title = text(paper.get("title"))
    if not title:
        return None
    ids = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    arxiv_id = normalize_arxiv_id(str(ids.get("ArXiv") or ""))
    doi = normalize_doi(str(ids.get("DOI") or ""))
    if doi.startswith("10.48550/"):
        doi = ""
    where = paper.get("publicationVenue") if isinstance(paper.get("publicationVenue"),
                                                        dict) else {}
    journal = paper.get("journal") if isinstance(paper.get("journal"), dict) else {}
    venue = text(where.get("name")) or text(paper.get("venue")) or text(journal.get("name"))
    if venue.lower() in PREPRINT_VENUES:
        venue = ""
    types = [t for t in paper.get("publicationTypes") or [] if isinstance(t, str)]
    kind = next((_TYPES[t] for t in types if t in _TYPES), "")
    if not kind and venue:
        kind = "inproceedings" if where.get("type") == "conference" else "article"
    year, month, day = date_parts(text(paper.get("publicationDate")))
    if year is None and isinstance(paper.get("year"), int):
        year = paper["year"]
    extra = {}
    for name, key in (("volume", "volume"), ("pages", "pages")):
        value = text(journal.get(key))
        if value:
            extra[name] = value.replace(" ", "")
    authors = [text(a.get("name")) for a in paper.get("authors") or [] if isinstance(a, dict)]
    return Record("s2", text(paper.get("paperId")) or doi or arxiv_id, title=title,
                  authors=[a for a in authors if a], year=year, month=month, day=day,
                  arxiv_id=arxiv_id, doi=doi, venue=venue, entry_type=kind if venue else "",
                  published=bool(venue and (doi or kind)), extra=extra if venue else {})

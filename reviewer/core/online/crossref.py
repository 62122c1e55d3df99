"""Crossref REST: ``/works/{doi}`` and ``/works?query.bibliographic=TITLE&rows=5``: the
published version's full record. A ``mailto`` (config ``online.email``) puts us in
Crossref's polite pool. arXiv's own DOIs (10.48550) are DataCite's, not Crossref's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..text import normalize_doi, normalize_title
from .records import Record
from .source import Source, records, text

ROWS = 5
# Crossref types that are a published version, as BibTeX types. "posted-content" is a
# preprint server's record: not a published version.
TYPES = {"journal-article": "article", "proceedings-article": "inproceedings",
         "book-chapter": "incollection", "book": "book", "monograph": "book",
         "edited-book": "book", "reference-entry": "incollection", "report": "techreport",
         "dissertation": "phdthesis"}


class Crossref(Source):
    name = "crossref"

    def __init__(self, client, cache, email: str = ""):
        super().__init__(client, cache)
        self.params = {"mailto": email} if email else {}

    def by_doi(self, doi: str) -> Record | None:
        def fetch() -> dict | None:
            data = self._json(self.client.get(f"/works/{quote(doi, safe='/:;()')}",
                                              self.params or None))
            if data is None:
                return None
            message = data.get("message") if isinstance(data, dict) else None
            if not isinstance(message, dict):
                raise self._malformed("a work without a message")
            record = parse_work(message)
            return record.to_json() if record else None

        found = records([self._one("doi:" + doi.lower(), fetch)])
        return found[0] if found else None

    def by_title(self, title: str) -> list[Record]:
        def fetch() -> list[dict]:
            data = self._json(self.client.get("/works", {"query.bibliographic": title,
                                                         "rows": ROWS, **self.params}))
            if data is None:
                return []
            message = data.get("message") if isinstance(data, dict) else None
            items = message.get("items") if isinstance(message, dict) else None
            if not isinstance(items, list):
                raise self._malformed("a search without items")
            return [r.to_json() for r in map(parse_work, items[:ROWS]) if r is not None]

        return records(self._one("title:" + normalize_title(title), fetch) or [])


def parse_work(work: Any) -> Record | None:
    if not isinstance(work, dict):
        return None
    doi = normalize_doi(text(work.get("DOI")))
    title = text(work.get("title"))
    subtitle = text(work.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    if not doi or not title:
        return None
    authors = []
    for person in work.get("author") or []:
        if not isinstance(person, dict):
            continue
        family, given = text(person.get("family")), text(person.get("given"))
        name = f"{family}, {given}" if family and given else family or text(person.get("name"))
        if name:
            authors.append(name)
    year = month = day = None
    for key in ("published-print", "published-online", "issued", "published"):
        parts = (work.get(key) or {}).get("date-parts") if isinstance(work.get(key),
                                                                       dict) else None
        if parts and isinstance(parts[0], list) and parts[0] and isinstance(parts[0][0], int):
            first = parts[0] + [None, None]
            year, month, day = first[0], first[1], first[2]
            break
    kind = TYPES.get(text(work.get("type")), "")
    extra = {}
    for name, key in (("volume", "volume"), ("number", "issue"), ("pages", "page"),
                      ("publisher", "publisher")):
        value = text(work.get(key))
        if value:
            extra[name] = value
    return Record("crossref", doi, title=title, authors=authors, year=year,
                  month=month if isinstance(month, int) else None,
                  day=day if isinstance(day, int) else None, doi=doi,
                  venue=text(work.get("container-title")), entry_type=kind,
                  published=bool(kind), extra=extra if kind else {})

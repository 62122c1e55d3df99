"""arXiv API: ``/api/query?id_list=...`` (up to 100 ids a request) and
``search_query=ti:"..."`` for a title. Atom XML.

Authors, dates, categories, comments, journal-ref and the publisher's DOI when the
authors gave one. An error answer is a feed whose entry id starts with
``http(s)://arxiv.org/api/errors``. The XML is parsed by the standard library with
defusedxml's main rule kept by hand: a document that declares a DTD or entities is
refused, so nothing external is fetched and no entity expands.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..text import normalize_arxiv_id, normalize_doi, normalize_title
from .records import Record, date_parts
from .source import Source, records

BATCH = 100
SEARCH_LIMIT = 5
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_DTD = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class Arxiv(Source):
    name = "arxiv"

    def by_ids(self, ids: list[str]) -> dict[str, Record | None]:
        def fetch(keys: list[str]) -> dict[str, dict]:
            chunk = [key.removeprefix("id:") for key in keys]
            response = self.client.get("/api/query", {"id_list": ",".join(chunk),
                                                      "max_results": len(chunk)})
            if response is None:
                return {}
            found = {}
            for record in self._feed(response.text):
                found["id:" + record.arxiv_id] = record.to_json()
            return found

        answers = self._many(("id:" + i for i in ids), BATCH, fetch)
        return {i: next(iter(records([answers.get("id:" + i)])), None) for i in ids}

    def by_title(self, title: str) -> list[Record]:
        words = normalize_title(title)

        def fetch() -> list[dict]:
            response = self.client.get("/api/query", {"search_query": f'ti:"{words}"',
                                                      "max_results": SEARCH_LIMIT})
            if response is None:
                return []
            return [r.to_json() for r in self._feed(response.text)]

        return records(self._one("title:" + words, fetch) or [])

    def _feed(self, body: str) -> list[Record]:
        try:
            return parse_feed(body)
        except ValueError as exc:
            raise self._malformed(str(exc)) from None


def parse_feed(body: str) -> list[Record]:
    """The entries of an Atom answer; ValueError for a malformed or error feed."""
    if _DTD.search(body[:4096]):
        raise ValueError("a feed declaring a DTD or entities")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(f"not XML: {exc}") from None
    if root.tag != _ATOM + "feed":
        raise ValueError("not an Atom feed")
    out = []
    for entry in root.iter(_ATOM + "entry"):
        ident = _text(entry, _ATOM + "id")
        if "arxiv.org/api/errors" in ident:
            raise ValueError(f"arXiv says: {_text(entry, _ATOM + 'summary') or ident}")
        arxiv_id = normalize_arxiv_id(ident)
        if not arxiv_id:
            continue
        year, month, day = date_parts(_text(entry, _ATOM + "published"))
        doi = normalize_doi(_text(entry, _ARXIV + "doi").split(" ")[0])
        primary = entry.find(_ARXIV + "primary_category")
        out.append(Record(
            "arxiv", arxiv_id, title=_text(entry, _ATOM + "title"),
            authors=[n for n in (_text(a, _ATOM + "name")
                                 for a in entry.iter(_ATOM + "author")) if n],
            year=year, month=month, day=day, abstract=_text(entry, _ATOM + "summary"),
            arxiv_id=arxiv_id, doi="" if doi.startswith("10.48550/") else doi,
            primary_class=(primary.get("term") or "") if primary is not None else "",
            comments=_text(entry, _ARXIV + "comment"),
            journal_ref=_text(entry, _ARXIV + "journal_ref")))
    return out


def _text(node: ET.Element, tag: str) -> str:
    found = node.find(tag)
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())

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
# Title searches OR'ed into one query: at one request every 3 s, 40 titles asked one by
# one took two minutes; ten a request, 12 s. The hits are shared out among the titles
# by matching.py's score, as a single search's would be.
TITLES_PER_QUERY = 10
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
        return self.by_titles([title])[title]

    def by_titles(self, titles: list[str]) -> dict[str, list[Record]]:
        """The hits of each title's search (best first), ten titles a request."""
        def fetch(keys: list[str]) -> dict[str, list[dict]]:
            words = [key.removeprefix("title:") for key in keys]
            query = " OR ".join(f'ti:"{w}"' for w in words)
            response = self.client.get("/api/query", {
                "search_query": query, "max_results": SEARCH_LIMIT * len(words)})
            if response is None:
                return {}
            return share_hits(words, self._feed(response.text))

        keys = {title: "title:" + normalize_title(title) for title in titles}
        answers = self._many(keys.values(), TITLES_PER_QUERY, fetch)
        return {title: records(answers.get(key) or []) for title, key in keys.items()}

    def _feed(self, body: str) -> list[Record]:
        try:
            return parse_feed(body)
        except ValueError as exc:
            raise self._malformed(str(exc)) from None


def share_hits(words: list[str], found: list[Record]) -> dict[str, list[dict]]:
    """Each searched title's hits, among those of a query OR-ing several: the records
    whose titles come near it, best first."""
    from rapidfuzz import fuzz

    from .matching import NEAR

    out: dict[str, list[dict]] = {}
    for w in words:
        scored = sorted(((fuzz.ratio(w, normalize_title(r.title)), i, r)
                         for i, r in enumerate(found)), key=lambda t: (-t[0], t[1]))
        out["title:" + w] = [r.to_json() for score, _, r in scored
                             if score >= NEAR][:SEARCH_LIMIT]
    return out


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

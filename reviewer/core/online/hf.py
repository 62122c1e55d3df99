"""Hugging Face papers: ``/api/papers/search?q=TITLE`` and ``/api/papers/{arxiv_id}``.

The arXiv id, author names, date and GitHub link of papers copied from Hugging Face pages.
A search answers a list whose items hold a ``paper`` object and a top-level ``title``; a
paper has ``id`` (the arXiv id), ``authors`` (objects with ``name``, sometimes
``hidden``), ``publishedAt``, ``summary`` and may have ``githubRepo``.
"""

from __future__ import annotations

from typing import Any

from ..text import normalize_arxiv_id, normalize_title
from .records import Record, date_parts
from .source import Source, records, text

SEARCH_LIMIT = 5


class HuggingFace(Source):
    name = "hf"

    def by_title(self, title: str) -> list[Record]:
        def fetch() -> list[dict]:
            data = self._json(self.client.get("/api/papers/search",
                                              {"q": title, "limit": SEARCH_LIMIT}))
            if data is None:
                return []
            if not isinstance(data, list):
                raise self._malformed("a search that is not a list")
            found = []
            for item in data[:SEARCH_LIMIT]:
                if not isinstance(item, dict):
                    continue
                paper = item.get("paper") if isinstance(item.get("paper"), dict) else item
                record = parse_paper(paper, text(item.get("title")))
                if record is not None:
                    found.append(record.to_json())
            return found

        return records(self._one("title:" + normalize_title(title), fetch) or [])

    def by_id(self, arxiv_id: str) -> Record | None:
        def fetch() -> dict | None:
            data = self._json(self.client.get(f"/api/papers/{arxiv_id}"))
            if data is None:
                return None
            if not isinstance(data, dict):
                raise self._malformed("a paper that is not an object")
            record = parse_paper(data)
            return record.to_json() if record else None

        found = records([self._one("id:" + arxiv_id, fetch)])
        return found[0] if found else None


def parse_paper(paper: dict[str, Any], title: str = "") -> Record | None:
    arxiv_id = normalize_arxiv_id(text(paper.get("id")))
    title = title or text(paper.get("title"))
    if not arxiv_id or not title:
        return None
    authors = []
    for author in paper.get("authors") or []:
        name = text(author.get("name")) if isinstance(author, dict) else ""
        if name:
            authors.append(name)
    year, month, day = date_parts(text(paper.get("publishedAt")))
    github = text(paper.get("githubRepo"))
    return Record("hf", arxiv_id, title=title, authors=authors, year=year, month=month,
                  day=day, abstract=text(paper.get("summary")), arxiv_id=arxiv_id,
                  links=[github] if github.startswith("http") else [])

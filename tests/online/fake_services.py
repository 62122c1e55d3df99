"""A loopback HTTP server playing Hugging Face, arXiv, Semantic Scholar and Crossref.

One ``http.server`` in a thread on 127.0.0.1 (port 0); each service under its own prefix
(``/hf``, ``/arxiv``, ``/s2``, ``/crossref``), so a config points each at it. It serves
the recorded responses of ../shared/corpus/api and the records a test gives it, logs
every request, and can be told to misbehave (429 with Retry-After, 503, a stall longer
than the client's timeout, malformed JSON) a given number of times on a path.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from rapidfuzz import fuzz

from reviewer.core.text import normalize_title


@dataclass
class FakePaper:
    """One paper as the services know it."""

    arxiv_id: str
    title: str
    authors: list[str]
    published: str = "2024-05-01T12:00:00Z"
    category: str = "cs.CV"
    github: str = ""
    doi: str = ""  # the publisher's DOI of a published version
    venue: str = ""
    kind: str = "journal-article"


@dataclass
class Fault:
    status: int = 0  # 429 or 503; 0 for the others
    retry_after: str = ""
    stall: float = 0.0  # seconds to wait before answering
    malformed: bool = False
    times: int = 1


@dataclass
class Services:
    papers: dict[str, FakePaper] = field(default_factory=dict)  # arXiv id -> paper
    # What a title search finds besides the papers: decoys (another paper's record).
    decoys: list[FakePaper] = field(default_factory=list)
    raw: dict[str, tuple[int, str]] = field(default_factory=dict)  # "path?query" -> answer
    works: dict[str, dict] = field(default_factory=dict)  # DOI -> Crossref message
    faults: dict[str, Fault] = field(default_factory=dict)  # path prefix -> fault
    log: list[str] = field(default_factory=list)
    hidden_from: dict[str, set[str]] = field(default_factory=dict)  # service -> ids

    def add(self, paper: FakePaper) -> None:
        self.papers[paper.arxiv_id] = paper

    def requests(self, prefix: str = "") -> list[str]:
        return [r for r in self.log if r.split(" ", 1)[1].startswith(prefix)]

    # -- searching ---------------------------------------------------------------------

    def _search(self, query: str, service: str, limit: int = 5) -> list[FakePaper]:
        q = normalize_title(query)
        hidden = self.hidden_from.get(service, set())
        pool = [p for p in self.papers.values() if p.arxiv_id not in hidden] + self.decoys
        scored = sorted(((fuzz.ratio(q, normalize_title(p.title)), i, p)
                         for i, p in enumerate(pool)), key=lambda t: (-t[0], t[1]))
        return [p for score, _, p in scored if score >= 75][:limit]

    # -- answers -----------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: bytes
               ) -> tuple[int, str, dict[str, str]]:
        raw_key = path + ("?" + "&".join(f"{k}={v[0]}" for k, v in sorted(query.items()))
                          if query else "")
        if raw_key in self.raw:
            status, text = self.raw[raw_key]
            return status, text, {}
        if path.startswith("/hf/api/papers/search"):
            found = self._search(query.get("q", [""])[0], "hf")
            return 200, json.dumps([{"paper": _hf(p), "title": p.title} for p in found]), {}
        if path.startswith("/hf/api/papers/"):
            paper = self.papers.get(path.rsplit("/", 1)[1])
            if paper is None or paper.arxiv_id in self.hidden_from.get("hf", set()):
                return 404, json.dumps({"error": "not found"}), {}
            return 200, json.dumps(_hf(paper)), {}
        if path == "/arxiv/api/query":
            if "id_list" in query and query["id_list"][0]:
                ids = query["id_list"][0].split(",")
                found = [self.papers[i] for i in ids if i in self.papers
                         and i not in self.hidden_from.get("arxiv", set())]
            else:
                found = []
                for part in query.get("search_query", [""])[0].split(" OR "):
                    words = part.removeprefix("ti:").strip('"')
                    found += [p for p in self._search(words, "arxiv") if p not in found]
            return 200, _feed(found), {"content-type": "application/atom+xml"}
        if path == "/s2/paper/batch":
            ids = json.loads(body or b"{}").get("ids", [])
            return 200, json.dumps([self._s2(i) for i in ids]), {}
        if path == "/s2/paper/search/match":
            found = self._search(query.get("query", [""])[0], "s2", 1)
            if not found:
                return 404, json.dumps({"error": "Title match not found"}), {}
            return 200, json.dumps({"data": [_s2(found[0])]}), {}
        if path.startswith("/crossref/works/"):
            doi = path.removeprefix("/crossref/works/").lower()
            if doi in self.works:
                return 200, json.dumps({"status": "ok", "message": self.works[doi]}), {}
            paper = next((p for p in self.papers.values() if p.doi.lower() == doi), None)
            if paper is None:
                return 404, "Resource not found.", {}
            return 200, json.dumps({"status": "ok", "message": _work(paper)}), {}
        if path == "/crossref/works":
            found = self._search(query.get("query.bibliographic", [""])[0], "crossref")
            items = [_work(p) for p in found if p.doi]
            return 200, json.dumps({"status": "ok", "message": {"items": items}}), {}
        return 404, "no such path", {}

    def _s2(self, ident: str) -> dict | None:
        kind, _, value = ident.partition(":")
        if kind == "ARXIV":
            paper = self.papers.get(value)
        else:
            paper = next((p for p in self.papers.values()
                          if p.doi and p.doi.lower() == value.lower()), None)
        if paper is None or paper.arxiv_id in self.hidden_from.get("s2", set()):
            return None
        return _s2(paper)


def _hf(p: FakePaper) -> dict[str, Any]:
    out = {"id": p.arxiv_id, "title": p.title, "summary": f"Abstract of {p.title}.",
           "publishedAt": p.published, "upvotes": 3,
           "authors": [{"_id": str(i), "name": n, "hidden": False}
                       for i, n in enumerate(p.authors)]}
    if p.github:
        out["githubRepo"] = p.github
    return out


def _s2(p: FakePaper) -> dict[str, Any]:
    ids = {"ArXiv": p.arxiv_id, "DOI": p.doi or f"10.48550/arXiv.{p.arxiv_id}"}
    return {"paperId": f"s2{p.arxiv_id.replace('.', '')}", "title": p.title,
            "externalIds": ids, "venue": p.venue or "arXiv.org",
            "publicationVenue": {"name": p.venue, "type": "journal"} if p.venue else None,
            "publicationTypes": ["JournalArticle"] if p.venue else None,
            "year": int(p.published[:4]), "publicationDate": p.published[:10],
            "journal": {"name": p.venue or "ArXiv", "volume": "7" if p.venue else None},
            "authors": [{"authorId": str(i), "name": n} for i, n in enumerate(p.authors)]}


def _work(p: FakePaper) -> dict[str, Any]:
    return {"DOI": p.doi, "type": p.kind, "title": [p.title],
            "container-title": [p.venue], "publisher": "Fake Press", "volume": "7",
            "page": "1-10", "issued": {"date-parts": [[int(p.published[:4]) + 1, 2]]},
            "author": [{"given": n.split()[0], "family": n.split()[-1]} for n in p.authors]}


def _feed(papers: list[FakePaper]) -> str:
    entries = []
    for p in papers:
        doi = f"\n    <arxiv:doi>{escape(p.doi)}</arxiv:doi>" if p.doi else ""
        authors = "".join(f"\n    <author><name>{escape(n)}</name></author>"
                          for n in p.authors)
        entries.append(f"""
  <entry>
    <id>http://arxiv.org/abs/{p.arxiv_id}v1</id>
    <title>{escape(p.title)}</title>
    <updated>{p.published}</updated>
    <summary>Abstract of {escape(p.title)}.</summary>
    <category term="{p.category}" scheme="http://arxiv.org/schemas/atom"/>
    <published>{p.published}</published>
    <arxiv:comment>10 pages</arxiv:comment>{doi}
    <arxiv:primary_category term="{p.category}"/>{authors}
  </entry>""")
    return ("<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns:opensearch="
            "\"http://a9.com/-/spec/opensearch/1.1/\" xmlns:arxiv=\"http://arxiv.org/schemas/"
            "atom\" xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>https://arxiv.org/api/x</id>"
            f"\n  <opensearch:totalResults>{len(papers)}</opensearch:totalResults>"
            + "".join(entries) + "\n</feed>\n")


class _Handler(BaseHTTPRequestHandler):
    services: Services

    def log_message(self, *args: Any) -> None:
        pass

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        services = self.services
        services.log.append(f"{method} {self.path}")
        for prefix, fault in services.faults.items():
            if parts.path.startswith(prefix) and fault.times > 0:
                fault.times -= 1
                if fault.stall:
                    time.sleep(fault.stall)
                if fault.status:
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                    return self._send(fault.status, '{"message": "slow down"}', headers)
                if fault.malformed:
                    return self._send(200, '[{"paper": {"id": "2401.1', {})
        status, text, headers = services.answer(method, parts.path, query, body)
        self._send(status, text, headers)

    def _send(self, status: int, text: str, headers: dict[str, str]) -> None:
        data = text.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", headers.pop("content-type", "application/json"))
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")


class FakeServer:
    def __init__(self, services: Services):
        handler = type("Handler", (_Handler,), {"services": services})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.services = services
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def config(self, interval: float = 0) -> str:
        """A config.toml pointing every service at this server."""
        lines = ['[online]', 'email = "test@example.org"', 's2_api_key = "k"']
        for name in ("hf", "arxiv", "s2", "crossref"):
            lines += [f"[online.{name}]", f'url = "{self.url}/{name}"',
                      f"interval = {interval}"]
        return "\n".join(lines) + "\n"

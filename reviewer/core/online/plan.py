"""Which source to ask about which paper, and what each paper gets.

Identifiers first (exact), titles second (checked by matching.py):

1. Hugging Face by title, for papers with neither an arXiv id nor a DOI (what a Hugging
   Face page gives): the arXiv id, names, date, GitHub link;
2. arXiv by id, 100 ids a request, for papers with an id (given or just found) that lack
   names, a stated year or a category: names, dates, category, comments, the DOI of the
   published version when the authors gave one;
3. arXiv by title (ten titles a request), for papers still without an id; Hugging Face
   by id, for those whose arXiv lookup failed;
4. Crossref by DOI, for the DOIs found so far: the published version's record;
5. Semantic Scholar by id, 500 a request, for papers with an id and no venue yet (venue,
   type, DOI of the published version), then Crossref for the DOIs it gave;
6. Semantic Scholar and Crossref by title, for papers still without any id.

A field is proposed only where the paper has nothing (names, arXiv id, category,
comments, a cut abstract), has a guess (an inferred year), or, for a published version,
has a preprint's value (no venue, ``misc``, no DOI or arXiv's own): never over a value the
paper has, and never over a field the user set by hand (``protected``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..model import Paper, is_code_link
from ..text import normalize_doi
from .client import Cancelled, LookupFailed, SourceDown
from .matching import best
from .records import Record
from .s2 import PREPRINT_VENUES
from .settings import LABELS
from .source import Source

Progress = Callable[[str, int, int], None]  # (what, done, of)
# Entry types a paper has before anyone knew its published version.
PREPRINT_TYPES = frozenset({"", "misc", "online", "unpublished"})


@dataclass(slots=True)
class FieldValue:
    value: Any
    source: str  # "service:hf", "service:arxiv", "service:s2", "service:crossref"


@dataclass(slots=True)
class Candidate:
    """A near miss: a record that may be the paper, for the user to accept or reject."""

    paper_id: int
    source: str
    record: Record
    problems: list[str]
    score: float

    @property
    def key(self) -> str:
        """One near miss per paper and other paper, whichever sources found it."""
        r = self.record
        other = (f"arxiv:{r.arxiv_id}" if r.arxiv_id else f"doi:{r.doi}" if r.doi
                 else f"{self.source}:{r.ident}")
        return f"{self.paper_id}:{other}"

    def to_json(self) -> dict[str, Any]:
        return {"paper_id": self.paper_id, "source": self.source,
                "record": self.record.to_json(), "problems": self.problems,
                "score": round(self.score, 1)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Candidate:
        return cls(int(data["paper_id"]), str(data["source"]),
                   Record.from_json(data["record"]), list(data.get("problems", [])),
                   float(data.get("score", 0)))


@dataclass(slots=True)
class PaperPlan:
    paper_id: int
    fields: dict[str, FieldValue] = field(default_factory=dict)
    uncertain: list[Candidate] = field(default_factory=list)


@dataclass(slots=True)
class SourceReport:
    name: str
    requests: int = 0  # HTTP requests sent, retries included
    cache_hits: int = 0  # lookups answered from the cache
    retried: int = 0
    found: int = 0  # papers it gave something to
    down: str = ""  # why it was given up this run
    failures: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)


@dataclass(slots=True)
class Plan:
    papers: list[PaperPlan]  # the papers that get a field or have a near miss
    looked_at: int  # papers that needed something
    sources: list[SourceReport]
    cancelled: bool = False

    @property
    def changed(self) -> list[PaperPlan]:
        return [p for p in self.papers if p.fields]

    @property
    def uncertain(self) -> list[Candidate]:
        return [c for p in self.papers for c in p.uncertain]


def needs(paper: Paper) -> bool:
    """Whether the online sources could add something a citation needs."""
    return (not paper.authors or not (paper.arxiv_id or paper.doi) or paper.year is None
            or paper.year_inferred or not paper.venue)


def is_preprint_venue(venue: str) -> bool:
    return not venue or venue.strip().lower() in PREPRINT_VENUES


def improvements(paper: Paper, record: Record, protected: Iterable[str] = (),
                 replace_date: bool = False) -> dict[str, Any]:
    """The fields of ``paper`` that ``record`` fills, with their new values.
    ``replace_date``: the paper's date came from a lesser source this run."""
    out: dict[str, Any] = {}
    if record.authors and not paper.authors:
        out["authors"] = list(record.authors)
        if paper.author_count != len(record.authors):
            out["author_count"] = len(record.authors)
    if record.year is not None:
        if paper.year is None or paper.year_inferred or replace_date:
            out.update(year=record.year, month=record.month, day=record.day,
                       year_inferred=False)
        elif paper.year == record.year and paper.month is None and record.month:
            out.update(month=record.month, day=record.day)
    for name in ("arxiv_id", "primary_class", "comments", "journal_ref"):
        value = getattr(record, name)
        if value and not getattr(paper, name):
            out[name] = value
    if record.abstract and (not paper.abstract or paper.abstract_truncated):
        out.update(abstract=record.abstract, abstract_truncated=False)
    code = [link for link in record.links if is_code_link(link)
            and link.rstrip("/").lower() not in {x.rstrip("/").lower() for x in paper.links}]
    if code:
        out["links"] = [*paper.links, *code]
    if record.published:
        # A preprint later published takes the published version's venue, type and DOI,
        # and keeps its arXiv id (the export's eprint).
        if record.venue and is_preprint_venue(paper.venue):
            out["venue"] = record.venue
        if record.entry_type and paper.entry_type.lower() in PREPRINT_TYPES:
            out["entry_type"] = record.entry_type
        if record.doi and (not paper.doi or paper.doi.startswith("10.48550/")):
            out["doi"] = record.doi
        missing = {k: v for k, v in record.extra.items() if v and k not in paper.extra}
        if missing:
            out["extra"] = {**paper.extra, **missing}
    for name in protected:
        out.pop(name, None)
    return {k: v for k, v in out.items() if getattr(paper, k) != v}


class _Work:
    """One paper during planning: what it has become so far, and where from."""

    __slots__ = ("paper", "now", "fields", "near", "matched", "dois", "protected", "asked",
                 "date_rank")

    def __init__(self, paper: Paper, protected: set[str]):
        self.paper = paper
        self.now = copy.deepcopy(paper)
        self.fields: dict[str, FieldValue] = {}
        self.near: list[Candidate] = []
        self.matched = False  # an exact id, or a title hit that passed the check
        doi = normalize_doi(paper.doi)
        self.dois = [doi] if doi and not doi.startswith("10.48550/") else []
        self.protected = protected
        self.asked: set[str] = set()  # DOIs already asked of Crossref
        # Whose date the paper has: a date the dump stated is never replaced; one found
        # this run gives way to a better source's (Hugging Face's day of listing to
        # arXiv's submission date, both to the published version's year, which is the
        # year a citation of it gives).
        self.date_rank = 0 if paper.year is None or paper.year_inferred else 9

    def take(self, record: Record, exact: bool = True) -> bool:
        self.matched = self.matched or exact
        if record.doi and record.doi not in self.dois:
            self.dois.append(record.doi)
        rank = (4 if record.source == "crossref" else 3) if record.published else (
            2 if record.source == "arxiv" else 1)
        replace = 0 < self.date_rank < rank and record.year is not None
        changes = improvements(self.now, record, self.protected, replace)
        if "year" in changes or (replace and changes.keys() & {"month", "day"}):
            self.date_rank = rank
        for name, value in changes.items():
            setattr(self.now, name, value)
            self.fields[name] = FieldValue(value, f"service:{record.source}")
        return bool(changes)


class Planner:
    def __init__(self, sources: dict[str, Source], progress: Progress | None = None):
        self.sources = sources
        self.progress = progress or (lambda what, done, total: None)
        self.reports = {name: SourceReport(name) for name in sources}

    def run(self, papers: list[Paper], protected: dict[int, set[str]] | None = None
            ) -> Plan:
        protected = protected or {}
        works = [_Work(p, protected.get(p.id, set())) for p in papers if needs(p)]
        cancelled = False
        try:
            self._steps(works)
        except Cancelled:
            cancelled = True
        for name, source in self.sources.items():
            report = self.reports[name]
            report.requests = source.client.requests
            report.retried = source.client.retried
            report.cache_hits = source.cache_hits
            report.failures = [*report.failures, *source.failures]
        out = []
        for w in works:
            near = [] if w.matched else _distinct(w.near)
            if w.fields or near:
                out.append(PaperPlan(w.paper.id, dict(w.fields), near))
        return Plan(out, len(works), list(self.reports.values()), cancelled)

    # -- the steps ---------------------------------------------------------------------

    def _steps(self, works: list[_Work]) -> None:
        self._by_title("hf", [w for w in works if not w.now.arxiv_id and not w.dois])
        self._arxiv_ids(works)
        self._arxiv_titles([w for w in works if not w.now.arxiv_id and not w.dois])
        self._hf_ids([w for w in works if w.now.arxiv_id and not w.now.authors])
        self._crossref_dois(works)
        self._s2_ids(works)
        self._crossref_dois(works)
        for name in ("s2", "crossref"):
            self._by_title(name, [w for w in works if not w.now.arxiv_id and not w.dois
                                  and not w.matched])

    def _usable(self, name: str) -> Source | None:
        source = self.sources.get(name)
        if source is None or self.reports[name].down:
            return None
        return source

    def _ask(self, name: str, ask: Callable[[], Any]) -> Any:
        """A source's answer, or None when it failed (noted in its report)."""
        report = self.reports[name]
        try:
            return ask()
        except SourceDown as exc:
            report.down = str(exc)
        except LookupFailed as exc:
            report.failures.append(str(exc))
        return None

    def _found(self, name: str, work: _Work, record: Record, exact: bool = True) -> None:
        if work.take(record, exact):
            self.reports[name].found += 1

    def _by_title(self, name: str, works: list[_Work]) -> None:
        for done, work in enumerate(works):
            source = self._usable(name)
            if source is None:
                return
            self.progress(f"{LABELS[name]}: titles", done, len(works))
            found = self._ask(name, lambda: source.by_title(work.paper.title))
            if found:
                self._judge(name, work, found)

    def _arxiv_titles(self, works: list[_Work]) -> None:
        source = self._usable("arxiv")
        if source is None or not works:
            return
        self.progress("arXiv: titles", 0, len(works))
        found = self._ask("arxiv", lambda: source.by_titles([w.paper.title for w in works]))
        for work in works:
            self._judge("arxiv", work, (found or {}).get(work.paper.title) or [])

    def _judge(self, name: str, work: _Work, found: list[Record]) -> None:
        record, near = best(work.now, found)
        if record is not None:
            self._found(name, work, record)
        else:
            work.near += [Candidate(work.paper.id, name, r, v.problems, v.score)
                          for r, v in near]

    def _arxiv_ids(self, works: list[_Work]) -> None:
        source = self._usable("arxiv")
        wanted = [w for w in works if w.now.arxiv_id and (
            not w.now.authors or w.now.year is None or w.now.year_inferred
            or not w.now.primary_class)]
        if source is None or not wanted:
            return
        self.progress("arXiv: ids", 0, len(wanted))
        found = self._ask("arxiv", lambda: source.by_ids([w.now.arxiv_id for w in wanted]))
        for work in wanted:
            record = (found or {}).get(work.now.arxiv_id)
            if record is not None:
                self._found("arxiv", work, record)

    def _hf_ids(self, works: list[_Work]) -> None:
        for done, work in enumerate(works):
            source = self._usable("hf")
            if source is None:
                return
            self.progress("Hugging Face: ids", done, len(works))
            record = self._ask("hf", lambda: source.by_id(work.now.arxiv_id))
            if record is not None:
                self._found("hf", work, record)

    def _s2_ids(self, works: list[_Work]) -> None:
        source = self._usable("s2")
        wanted = {}
        for w in works:
            if is_preprint_venue(w.now.venue):
                key = f"ARXIV:{w.now.arxiv_id}" if w.now.arxiv_id else (
                    f"DOI:{w.dois[0]}" if w.dois else "")
                if key:
                    wanted[key] = w
        if source is None or not wanted:
            return
        self.progress("Semantic Scholar: ids", 0, len(wanted))
        found = self._ask("s2", lambda: source.by_ids(list(wanted)))
        for key, work in wanted.items():
            record = (found or {}).get(key)
            if record is not None:
                self._found("s2", work, record)

    def _crossref_dois(self, works: list[_Work]) -> None:
        wanted = [(w, doi) for w in works for doi in w.dois[:1] if doi not in w.asked
                  and (is_preprint_venue(w.now.venue) or w.now.entry_type.lower()
                       in PREPRINT_TYPES or "pages" not in w.now.extra)]
        for done, (work, doi) in enumerate(wanted):
            source = self._usable("crossref")
            if source is None:
                return
            self.progress("Crossref: DOIs", done, len(wanted))
            work.asked.add(doi)
            record = self._ask("crossref", lambda: source.by_doi(doi))
            if record is not None and record.published:
                self._found("crossref", work, record)


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    out = []
    for c in candidates:
        if c.key not in seen:
            seen.add(c.key)
            out.append(c)
    return out


def plan_enrichment(papers: list[Paper], sources: dict[str, Source], *,
                    protected: dict[int, set[str]] | None = None,
                    progress: Progress | None = None) -> Plan:
    """What the sources give ``papers``; asks the services, writes nothing."""
    return Planner(sources, progress).run(papers, protected)

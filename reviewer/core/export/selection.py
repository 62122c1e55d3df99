"""Which papers an export takes: by default the included and the starred ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Decision, Paper
from ..store import Review


@dataclass(frozen=True, slots=True)
class Selection:
    """Empty means the default (included or starred); otherwise the filters combine."""

    decision: Decision | None = None
    starred: bool = False
    tags: tuple[str, ...] = ()
    section: str | None = None
    everything: bool = False

    @property
    def is_default(self) -> bool:
        return not (self.decision or self.starred or self.tags or self.section or self.everything)

    def describe(self) -> str:
        if self.everything:
            return "all papers"
        if self.is_default:
            return "included or starred papers"
        parts = [str(self.decision)] if self.decision else []
        parts += ["starred"] if self.starred else []
        parts += [f"tag {t!r}" for t in self.tags]
        parts += [f"section {self.section!r}"] if self.section else []
        return " + ".join(parts)

    def where(self, review: Review) -> tuple[str, list[Any]]:
        """The selection as SQL over ``papers p`` (with ``removed = 0``): an export from
        kept entries (bibfile.py) then reads no paper it has not to render. The same
        choice as ``papers``, which tests/test_export_cache.py checks on drawn reviews."""
        clauses, params = ["p.removed = 0"], []
        if self.everything:
            pass
        elif self.is_default:
            clauses.append(f"(p.decision = '{Decision.INCLUDE}' OR p.starred = 1)")
        else:
            if self.decision:
                clauses.append("p.decision = ?")
                params.append(str(self.decision))
            if self.starred:
                clauses.append("p.starred = 1")
            for tag in self.tags:
                clauses.append("EXISTS (SELECT 1 FROM tags t WHERE t.paper_id = p.id "
                               "AND t.tag = ?)")
                params.append(tag)
            if self.section:
                clauses.append("EXISTS (SELECT 1 FROM section_papers sp WHERE "
                               "sp.paper_id = p.id AND sp.section_id = ?)")
                params.append(review.section(self.section).id)
        return " AND ".join(clauses), params

    def bib_where(self, review: Review) -> tuple[str, list[Any]]:
        """``where``, plus the entries the chosen ones take fields from (an imported
        entry's ``crossref``, ``xdata``, ``entryset``), which a .bib must hold for biber
        and bibtex to resolve them, as Better BibTeX adds them."""
        where, params = self.where(review)
        if self.everything:
            return where, params
        targets = referenced_entries(review, where, params)
        if not targets:
            return where, params
        marks = ",".join("?" * len(targets))
        return f"(({where}) OR (p.removed = 0 AND p.id IN ({marks})))", [*params, *targets]

    def papers(self, review: Review) -> list[Paper]:
        papers = review.papers(sources=False)  # exports never cite where a paper came from
        if self.everything:
            return papers
        if self.is_default:
            return [p for p in papers if p.decision == Decision.INCLUDE or p.starred]
        from .. import filters as F  # only here: the default and --all need no filters

        chosen: list[F.Filter] = []
        if self.decision:
            chosen.append(F.WithDecision(self.decision))
        if self.starred:
            chosen.append(F.Starred())
        chosen += [F.WithTag(t) for t in self.tags]
        if self.section:
            chosen.append(F.InSection(review.section(self.section).title))
        return F.apply(chosen, papers)


_REFERENCES = ("bib:crossref", "bib:xdata", "bib:entryset")


def referenced_entries(review: Review, where: str, params: list[Any]) -> list[int]:
    """The papers (ids, not chosen by ``where``) whose imported keys the chosen papers
    reference, and those these reference in turn."""
    import json

    conn = review.conn
    likes = " OR ".join(f"p.extra LIKE '%\"{name}\"%'" for name in _REFERENCES)
    rows = conn.execute(f"SELECT p.id, p.extra FROM papers p WHERE ({where}) AND ({likes})",
                        params).fetchall()
    chosen = {pid for pid, _ in rows}
    found: set[int] = set()
    extras = [json.loads(extra) for _, extra in rows]
    while extras:
        keys = {key.strip() for extra in extras for name in _REFERENCES
                for key in extra.get(name, "").strip("{}").split(",") if key.strip()}
        if not keys:
            break
        marks = ",".join("?" * len(keys))
        new = [(pid, extra) for pid, extra in conn.execute(
            f"SELECT id, extra FROM papers WHERE removed = 0 AND citekey IN ({marks})",
            sorted(keys)) if pid not in chosen and pid not in found]
        found.update(pid for pid, _ in new)
        extras = [json.loads(extra) for _, extra in new]
    # Whatever ``where`` chose already is no target to add.
    if found:
        marks = ",".join("?" * len(found))
        already = {pid for (pid,) in conn.execute(
            f"SELECT p.id FROM papers p WHERE ({where}) AND p.id IN ({marks})",
            [*params, *sorted(found)])}
        found -= already
    return sorted(found)

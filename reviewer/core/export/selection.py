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

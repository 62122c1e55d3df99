"""What the paper list shows: all rows, and the view that filters, search and sort make.

Plain Python, no Textual: the screen owns one ``ListView`` and asks it for the row at a
screen line. Rows are the store's cheap ``Summary`` objects, updated in place after an
edit, so a keystroke never reloads 100,000 papers.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.filters import AllOf, Filter
from ..core.model import Decision
from ..core.search import SearchIndex
from ..core.sorting import sort_rows
from ..core.store import Summary


class ListView:
    def __init__(self, rows: list[Summary]):
        self.rows = rows
        self.by_id: dict[int, Summary] = {r.id: r for r in rows}
        self.filters = AllOf()
        self.sort = "imported"
        self.sort_chosen = False
        self.query = ""
        self.relevance: dict[int, float] | None = None
        self.index: SearchIndex | None = None  # loaded in the background after start-up
        self.marked: set[int] = set()
        self.view: list[Summary] = list(rows)
        self._positions: dict[int, int] | None = None

    # -- the view ------------------------------------------------------------------------

    def recompute(self) -> None:
        if self.query and self.index is not None:
            self.relevance = self.index.search(self.query)
            rows: Iterable[Summary] = (self.by_id[i] for i in self.relevance if i in self.by_id)
        elif self.query:  # the full index is still loading: titles only, for now
            q = self.query.casefold()
            rows = (r for r in self.rows if all(t in r.title.casefold() for t in q.split()))
            self.relevance = None
        else:
            rows = self.rows
            self.relevance = None
        if self.filters.filters:
            rows = (r for r in rows if self.filters(r))
        # While searching, results come best first unless the user chose an order.
        order = self.sort if self.sort_chosen or not self.query else "relevance"
        if order == "relevance" and not self.relevance:
            order = "imported"
        if order == "imported":
            rows = rows if rows is self.rows else sorted(rows, key=lambda r: r.id)
        else:
            rows = sort_rows(list(rows), order, self.relevance)
        self.view = list(rows) if rows is self.rows or not isinstance(rows, list) else rows
        self._positions = None

    def position_of(self, paper_id: int) -> int | None:
        if self._positions is None:
            self._positions = {r.id: i for i, r in enumerate(self.view)}
        return self._positions.get(paper_id)

    def set_query(self, query: str) -> None:
        self.query = query.strip()
        self.recompute()

    def set_filters(self, filters: AllOf) -> None:
        self.filters = filters
        self.recompute()

    def add_filter(self, new: Filter) -> None:
        self.set_filters(self.filters.with_(new))

    def set_sort(self, order: str) -> None:
        self.sort = order
        self.sort_chosen = order != "imported"
        self.recompute()

    # -- rows --------------------------------------------------------------------------

    def replace(self, summaries: Iterable[Summary]) -> None:
        """Refresh rows after an edit (in place: the view keeps its order)."""
        for fresh in summaries:
            old = self.by_id.get(fresh.id)
            if old is None:
                continue
            old.title, old.year, old.starred = fresh.title, fresh.year, fresh.starred
            old.decision, old.upvotes = fresh.decision, fresh.upvotes
            old.has_note, old.has_code = fresh.has_note, fresh.has_code
            old.tags, old.sections = fresh.tags, fresh.sections

    def reload(self, rows: list[Summary]) -> None:
        self.rows = rows
        self.by_id = {r.id: r for r in rows}
        self.marked &= set(self.by_id)
        self.recompute()

    def next_undecided(self, start: int) -> int | None:
        """The view position of the first undecided paper after ``start`` (wrapping)."""
        n = len(self.view)
        for step in range(1, n + 1):
            i = (start + step) % n
            if self.view[i].decision == Decision.UNDECIDED:
                return i
        return None

    # -- counts for the status line ----------------------------------------------------

    def counts(self) -> dict[str, int]:
        undecided = included = starred = 0
        for r in self.rows:
            if r.decision == Decision.UNDECIDED:
                undecided += 1
            elif r.decision == Decision.INCLUDE:
                included += 1
            if r.starred:
                starred += 1
        return {"shown": len(self.view), "total": len(self.rows), "undecided": undecided,
                "included": included, "starred": starred, "marked": len(self.marked)}

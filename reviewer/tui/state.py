"""What the paper list shows: all rows, and the view that filters, search and sort make.

Plain Python, no Textual: the screen owns one ``ListState`` and asks it for the row at a
screen line. Rows are the store's cheap ``Summary`` objects, updated in place after an
edit, so a keystroke never reloads 100,000 papers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..core.filters import AllOf, Filter
from ..core.model import Decision
from ..core.search import SearchIndex
from ..core.sorting import sort_rows
from ..core.store import Summary


class ListState:
    def __init__(self, rows: list[Summary]):
        self.rows = rows
        self.by_id: dict[int, Summary] = {r.id: r for r in rows}
        self.filters = AllOf()
        self.sort = "imported"
        self.sort_chosen = False
        self.query = ""
        self.relevance: dict[int, float] | None = None
        self.index: SearchIndex | None = None  # loaded in the background after start-up
        # An order given from outside (tui/relevance.py: the learned order, more like
        # this): it replaces the sort while set.
        self.ranking = None
        self.marked: set[int] = set()
        self.view: list[Summary] = list(rows)
        self._positions: dict[int, int] | None = None
        self._tally = tally(rows)
        self._folded: list[str] | None = None  # casefolded titles, by row position

    # -- the view ------------------------------------------------------------------------

    def recompute(self) -> None:
        by_id = self.by_id
        self.relevance = None
        # While searching, results come best first unless the user chose an order.
        order = self.sort if self.sort_chosen or not self.query else "relevance"
        if self.ranking is not None:
            order = "imported"  # the ranking orders them below
        rows: list[Summary]
        if self.query and self.index is not None:
            relevance = self.relevance = self.index.search(self.query)
            ids = sorted(relevance)  # import order
            if order == "relevance":
                # A stable sort on the score alone keeps import order among equals, and
                # costs a tenth of sorting rows on a (score, id) key at 100,000 hits.
                ids.sort(key=relevance.__getitem__, reverse=True)
            rows = list(filter(None, map(by_id.get, ids)))  # in C: no statement per row
            if order not in ("relevance", "imported"):
                rows = sort_rows(rows, order, relevance)
        else:
            if self.query:  # the full index is still loading: titles only, for now
                rows = self._title_matches(self.query.casefold().split())
            else:
                rows = self.rows
            if order not in ("relevance", "imported"):
                rows = sort_rows(rows, order)
        if self.ranking is not None:
            rows = self.ranking.order(rows, rows is self.rows, by_id)
        if self.filters.filters:
            rows = [r for r in rows if self.filters(r)]
        self.view = rows if rows is not self.rows else list(rows)
        self._positions = None

    def _title_matches(self, words: list[str]) -> list[Summary]:
        """The rows whose title holds every word, in import order.

        Titles are casefolded once and matched by position in comprehensions: a statement
        per row and per keystroke was 0.1 s a key at 100,000 papers."""
        if self._folded is None:
            self._folded = [r.title.casefold() for r in self.rows]
        folded = self._folded
        hits = range(len(folded))
        for word in words:
            hits = [i for i in hits if word in folded[i]]
        return [self.rows[i] for i in hits]

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
            self._tally.subtract(tally([old]))
            self._tally.update(tally([fresh]))
            if fresh.title != old.title:
                self._folded = None
            old.title, old.year, old.starred = fresh.title, fresh.year, fresh.starred
            old.decision, old.upvotes = fresh.decision, fresh.upvotes
            old.has_note, old.has_code = fresh.has_note, fresh.has_code
            old.tags, old.sections = fresh.tags, fresh.sections
            old.reason = fresh.reason

    def reload(self, rows: list[Summary]) -> None:
        self.rows = rows
        self.by_id = {r.id: r for r in rows}
        self._folded = None
        self.marked &= set(self.by_id)
        self._tally = tally(rows)
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
        c = self._tally
        return {"shown": len(self.view), "total": len(self.rows), "undecided": c["undecided"],
                "included": c["include"], "starred": c["starred"], "marked": len(self.marked)}


def tally(rows: Iterable[Summary]) -> Counter:
    """Papers per decision, and starred papers: counted once, then kept up to date."""
    rows = list(rows)
    counts = Counter(r.decision.value for r in rows)
    counts["starred"] = sum(1 for r in rows if r.starred)
    return counts

"""The status line: counts, the active filter, search and sort, and what the screening
assistant says (learning, when to stop)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..state import ListState


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def show(self, state: ListState, review_name: str = "", assistant: str = "") -> None:
        c = state.counts()
        text = Text(no_wrap=True, overflow="ellipsis")
        if review_name:
            text.append(f"{review_name}  ", style="italic")
        text.append(f"{c['shown']}/{c['total']} shown", style="bold")
        text.append(f"  ·  {c['undecided']} undecided  ·  {c['included']} included  ·  "
                    f"{c['starred']} starred")
        if c["marked"]:
            text.append(f"  ·  {c['marked']} marked", style="bold")
        if state.filters.filters:
            text.append(f"  ·  filter: {state.filters.label}")
        if state.query:
            text.append("  ·  search: ")
            text.append(state.query)
        if state.sort_chosen:
            text.append(f"  ·  sort: {state.sort}")
        if assistant:  # the screening assistant (tui/relevance.py): learning, stopping
            text.append(f"  ·  {assistant}")
        self.update(text)

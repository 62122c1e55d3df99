"""The paper list: a Line API widget that renders only the rows on screen.

DataTable, OptionList and ListView measure or mount every row and take seconds at 50,000
papers; this draws the visible lines from the ``ListState``, so its cost does not
grow with the review. Text from dumps is drawn as plain text (never markup).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core.latex import typeset
from ...core.model import Decision
from ..state import ListState

DECISION_GLYPH = {Decision.UNDECIDED: "·", Decision.INCLUDE: "✓", Decision.MAYBE: "?",
                  Decision.EXCLUDE: "✗"}


class PaperList(ScrollView, can_focus=True, inherit_bindings=False):
    # The screen binds the movement keys (remappable by id); the scroll bindings
    # inherited from ScrollView would move the view without the cursor.
    COMPONENT_CLASSES = {
        "paper-list--cursor", "paper-list--mark", "paper-list--star", "paper-list--include",
        "paper-list--maybe", "paper-list--exclude", "paper-list--undecided",
        "paper-list--year", "paper-list--score", "paper-list--tags", "paper-list--sections",
        "paper-list--excluded", "paper-list--reason",
    }
    DEFAULT_CSS = """
    PaperList { background: $surface; }
    PaperList > .paper-list--cursor { background: $block-cursor-blurred-background; }
    PaperList:focus > .paper-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    PaperList > .paper-list--mark { color: $accent; text-style: bold; }
    PaperList > .paper-list--star { color: $warning; }
    PaperList > .paper-list--include { color: $success; text-style: bold; }
    PaperList > .paper-list--maybe { color: $warning; text-style: bold; }
    PaperList > .paper-list--exclude { color: $error; }
    PaperList > .paper-list--undecided { color: $foreground-muted; }
    PaperList > .paper-list--year { color: $foreground-muted; }
    PaperList > .paper-list--score { color: $accent; }
    PaperList > .paper-list--tags { color: $secondary; }
    PaperList > .paper-list--sections { color: $primary; }
    PaperList > .paper-list--excluded { color: $foreground-muted; }
    PaperList > .paper-list--reason { color: $error; text-style: italic; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class CursorMoved(Message):
        def __init__(self, paper_id: int | None) -> None:
            super().__init__()
            self.paper_id = paper_id

    def __init__(self, state: ListState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self._styles: dict[str, Style] | None = None

    # -- geometry --------------------------------------------------------------------------

    def refresh_view(self, keep_id: int | None = None) -> None:
        """After the view changed (filter, search, sort, reload): resize and repaint."""
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.state.view))
        if keep_id is not None:
            position = self.state.position_of(keep_id)
            if position is not None:
                self.cursor = position
                self.refresh()
                return
        self.cursor = min(self.cursor, max(len(self.state.view) - 1, 0))
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.state.view))

    def on_mount(self) -> None:
        self.refresh_view()

    @property
    def current_id(self) -> int | None:
        view = self.state.view
        return view[self.cursor].id if 0 <= self.cursor < len(view) else None

    @property
    def page_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def move_to(self, position: int) -> None:
        if not self.state.view:
            self.cursor = 0
            return
        self.cursor = max(0, min(position, len(self.state.view) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True, immediate=True)
        self.post_message(self.CursorMoved(self.current_id))

    def _refresh_row(self, position: int) -> None:
        y = position - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    # -- drawing ----------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        if self._styles is None:
            self._styles = {c: self.get_component_rich_style(c, partial=True)
                            for c in self.COMPONENT_CLASSES}
        return self._styles[name]

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        position = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        view = self.state.view
        if position >= len(view):
            return Strip([Segment(" " * width, base)], width)
        row = view[position]
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append("●" if row.id in self.state.marked else " ", self._style("paper-list--mark"))
        text.append("★" if row.starred else " ", self._style("paper-list--star"))
        decision = row.decision.value
        text.append(DECISION_GLYPH[row.decision], self._style(f"paper-list--{decision}"))
        text.append(" ")
        text.append(f"{row.year:>4}" if row.year else "    ", self._style("paper-list--year"))
        text.append("  ")
        ranking = self.state.ranking
        if ranking is not None and ranking.scores:  # learned relevance, likeness
            text.append(ranking.show(row.id), self._style("paper-list--score"))
            text.append("  ")
        title_style = self._style("paper-list--excluded") if row.decision == Decision.EXCLUDE \
            else Style()
        extras = Text(no_wrap=True, end="")
        if row.reason:
            extras.append(f"  ✗ {row.reason}", self._style("paper-list--reason"))
        if row.tags:
            extras.append("  " + " ".join(f"#{t}" for t in row.tags),
                          self._style("paper-list--tags"))
        if row.sections:
            extras.append("  " + " ".join(f"§{s}" for s in row.sections),
                          self._style("paper-list--sections"))
        room = width - text.cell_len
        extra_room = min(extras.cell_len, max(room // 3, 0))
        if extra_room < extras.cell_len:
            extras.truncate(extra_room, overflow="ellipsis")
        title = Text(typeset(row.title), style=title_style, no_wrap=True, end="")
        title.truncate(max(room - extras.cell_len, 0), overflow="ellipsis", pad=True)
        text.append_text(title)
        text.append_text(extras)
        text.truncate(width, pad=True)
        style = base
        if position == self.cursor:
            style = base + self._style("paper-list--cursor")
        segments = [Segment(s.text, style + s.style if s.style else style)
                    for s in text.render(self.app.console, end="")]
        strip = Strip(segments, width)
        return strip.crop(scroll_x, scroll_x + width) if scroll_x else strip

"""The f screen: filters that combine (starred, decision, tag, section, note, code, years,
exclusion reason)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Switch

from ...core import filters as F
from ...core.model import Decision
from ..widgets.footer import Footer

NO_SECTION = "\0no-section"
NO_REASON = "\0no-reason"


class FilterScreen(ModalScreen[F.AllOf | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="filter_cancel"),
        Binding("ctrl+s,f10", "apply", "Apply", id="filter_apply"),
        Binding("ctrl+x", "clear", "Clear all", id="filter_clear"),
    ]

    def __init__(self, current: F.AllOf, tags: list[str], sections: list[str],
                 reasons: list[str] | None = None) -> None:
        super().__init__()
        self.current = current
        self.tags = tags
        self.sections = sections
        self.reasons = reasons or []  # exclusion reasons in use, most used first

    def _find(self, kind):
        return next((f for f in self.current.filters if isinstance(f, kind)), None)

    def compose(self) -> ComposeResult:
        decision = self._find(F.WithDecision)
        tag = self._find(F.WithTag)
        section = self._find(F.InSection)
        years = self._find(F.YearRange)
        reason = self._find(F.WithReason)
        with Vertical():
            with Horizontal():
                yield Label("Starred only")
                yield Switch(self._find(F.Starred) is not None, id="f-starred")
            with Horizontal():
                yield Label("Decision")
                yield Select([(d.value, d.value) for d in Decision], id="f-decision",
                             value=decision.decision.value if decision else Select.NULL,
                             prompt="any")
            with Horizontal():
                yield Label("Tag")
                yield Select([(t, t) for t in self.tags], id="f-tag", prompt="any",
                             value=tag.tag if tag and tag.tag in self.tags else Select.NULL)
            with Horizontal():
                yield Label("Section")
                options = [("(in no section)", NO_SECTION)] + [(s, s) for s in self.sections]
                value = Select.NULL
                if section is not None:
                    value = NO_SECTION if section.section is None else section.section
                yield Select(options, id="f-section", prompt="any", value=value)
            with Horizontal():
                yield Label("Has a note")
                yield Switch(self._find(F.HasNote) is not None, id="f-note")
            with Horizontal():
                yield Label("Has a code link")
                yield Switch(self._find(F.HasCode) is not None, id="f-code")
            with Horizontal():
                yield Label("Years")
                yield Input(str(years.start or "") if years else "", placeholder="from",
                            id="f-year-from", type="integer")
                yield Input(str(years.end or "") if years else "", placeholder="to",
                            id="f-year-to", type="integer")
            with Horizontal():  # last: the fields above keep their places in tab order
                yield Label("Excluded for")
                options = [("(no reason recorded)", NO_REASON)] + [(r, r) for r in self.reasons]
                value = Select.NULL
                if reason is not None:
                    value = NO_REASON if reason.reason is None else reason.reason
                    if value != NO_REASON and value not in self.reasons:
                        options.append((value, value))  # a reason no paper has any more
                yield Select(options, id="f-reason", prompt="any reason", value=value)
            yield Label("tab moves · space toggles · enter in a field or ctrl+s applies · "
                        "ctrl+x clears the fields · escape cancels", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#f-starred", Switch).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def collect(self) -> F.AllOf:
        chosen: list[F.Filter] = []
        if self.query_one("#f-starred", Switch).value:
            chosen.append(F.Starred())
        decision = self.query_one("#f-decision", Select).value
        if decision not in (Select.NULL, None):
            chosen.append(F.WithDecision(Decision(decision)))
        tag = self.query_one("#f-tag", Select).value
        if tag not in (Select.NULL, None):
            chosen.append(F.WithTag(tag))
        section = self.query_one("#f-section", Select).value
        if section not in (Select.NULL, None):
            chosen.append(F.InSection(None if section == NO_SECTION else section))
        if self.query_one("#f-note", Switch).value:
            chosen.append(F.HasNote())
        if self.query_one("#f-code", Switch).value:
            chosen.append(F.HasCode())
        start = self.query_one("#f-year-from", Input).value.strip()
        end = self.query_one("#f-year-to", Input).value.strip()
        if start or end:
            chosen.append(F.YearRange(int(start) if start else None, int(end) if end else None))
        reason = self.query_one("#f-reason", Select).value
        if reason not in (Select.NULL, None):
            chosen.append(F.WithReason(None if reason == NO_REASON else reason))
        return F.AllOf(tuple(chosen))

    def action_apply(self) -> None:
        try:
            self.dismiss(self.collect())
        except ValueError:
            self.notify("Years must be whole numbers.", severity="error")

    def action_clear(self) -> None:
        """Clear every field and stay open: the user applies (or cancels) next. Closing
        here sent the keys typed after it to the list (a stray 0 undecided a paper)."""
        for switch in self.query(Switch):
            switch.value = False
        for select in self.query(Select):
            select.clear()
        for field in self.query(Input):
            field.value = ""
        self.query_one("#f-starred", Switch).focus()
        self.notify("Filters cleared: ctrl+s applies, escape cancels", timeout=3)

    def action_cancel(self) -> None:
        self.dismiss(None)

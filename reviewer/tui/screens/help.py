"""The ? screen: every key of the current screen, generated from the command declarations."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..commands import Command
from ..widgets.footer import Footer


def key_text(app, keys: str) -> str:
    shown = []
    for key in keys.split(","):
        display = app.get_key_display(Binding(key.strip(), ""))
        if display not in shown:
            shown.append(display)
    return " ".join(shown)


def help_table(app, commands: tuple[Command, ...], keymap: dict[str, str]) -> Table:
    table = Table(box=None, show_header=False, expand=True, padding=(0, 2, 0, 0))
    table.add_column("key", no_wrap=True, style="bold")
    table.add_column("what")
    table.add_column("id", style="dim", no_wrap=True)
    group = None
    for command in commands:
        if command.group != group:
            group = command.group
            table.add_row(Text(group, style="underline"), "", "")
        table.add_row(key_text(app, keymap.get(command.id, command.keys)), command.help,
                      command.id)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help_close")]

    def __init__(self, title: str, commands: tuple[Command, ...], keymap: dict[str, str]):
        super().__init__()
        self.title_text = title
        self.commands = commands
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(self.title_text, style="bold"))
            yield Static(Text("Every command is also in the command palette (ctrl+p). Remap a key "
                         "in the config file by its id, e.g. [keys] star = \"S\" "
                         "(reviewer config path)."), id="help-intro")
            yield Static(help_table(self.app, self.commands, self.keymap))
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)

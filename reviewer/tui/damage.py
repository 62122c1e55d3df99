"""A review file found damaged while the app runs: one message, then the app ends.

SQLite meets damage (a zeroed page, flipped bits, a file cut short) only when a read
reaches it: as the list loads, as the detail pane reads a paper, as the list reloads
after another process's change, as the search index loads. Out of any of these, the
``DatabaseError`` would reach Textual's crash handler and read as a bug. Here it becomes
one message naming the file and saying what to do, the app's connection turns
query-only so that no key writes into the damaged file, and quitting ends the app with
status 2 and the CLI's one line in the terminal, where the repair command can be copied.

At launch (no list shown yet) the app ends at once with that line, as the CLI does.
Why not a full check at launch instead: it reads every page, as long again as the
launch itself at 100,000 papers (README, Speed).
"""

from __future__ import annotations

import shlex
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label
from textual.worker import WorkerFailed

from ..core.errors import DamagedReview, DatabaseError
from ..core.paths import show
from ..core.store import damaged, database_error, last_opened


def as_damage(error: BaseException, path: Path) -> DamagedReview | None:
    """The damage ``error`` reports (raised by the core, or met by SQLite), or None."""
    if isinstance(error, WorkerFailed):
        error = error.error
    if isinstance(error, DamagedReview):
        return error
    if isinstance(error, DatabaseError):
        said = database_error(error, path)
        if isinstance(said, DamagedReview):
            return said
    return None


def report_damage(app: App, error: BaseException) -> bool:
    """Say that the review is damaged, once, if ``error`` says so; whether it did."""
    path = getattr(app, "review_path", None) or last_opened()
    damage = as_damage(error, path)
    if damage is None:
        return False
    if getattr(app, "damage", None) is not None:
        return True  # said already (the watch looks again every second)
    app.damage = damage
    review = getattr(app, "review", None)
    if review is not None:
        review.stop_writing()
    if any(type(s).__name__ == "MainScreen" for s in app.screen_stack):
        app.push_screen(DamagedScreen(damage, path))
        # The line left in the terminal: after a session, "nothing was changed" would
        # read as the session's work lost.
        app.damage = damaged(damage.path or path, damage.reason, "the changes made in the "
                             "app until then are stored; nothing was written after")
    else:  # at launch: nothing of it shown yet, so nothing to read or quit from
        app.exit(return_code=damage.exit_status)
    return True


class DamagedScreen(ModalScreen[None]):
    """The one message; every key but the quitting ones is held here."""

    BINDINGS = [Binding("q,enter,escape", "leave", "Quit", id="damaged_quit")]

    def __init__(self, damage: DamagedReview, path: Path) -> None:
        super().__init__()
        self.damage = damage
        self.path = Path(damage.path or path)

    def compose(self) -> ComposeResult:
        name = show(self.path)
        command = f"reviewer -r {shlex.quote(name)} check --repair"
        with Vertical():
            yield Label("The review file is damaged", id="damaged-title")
            yield Label(Content(f"{name}\n({self.damage.reason or 'SQLite cannot read it'})"))
            yield Label("Changes made until now are stored; nothing more is written to "
                        "the file. Quit, then run:")
            yield Label(Content(command), id="damaged-command")
            yield Label("It rebuilds the review from what can be read and from its "
                        "backups, and keeps the damaged file beside it.")
            yield Label("q quits", classes="hint")

    def action_leave(self) -> None:
        self.app.exit(return_code=self.damage.exit_status)

"""The Textual application: settings, themes and key remaps, then the main screen."""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from rich.text import Text

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widgets import Input

from .. import config
from ..core.errors import DamagedReview
from ..core.importer import ImportReport
from ..core.locations import data_dir
from ..core.store import Review
from . import backup_warnings
from .commands import MAIN, OUTLINE, Command
from .declarations import keymap_conflicts
from .damage import report_damage
from .refusals import refusals
from .screens.importing import ImportScreen, outcome
from .screens.main import MainScreen
from .themes import load_themes

FALLBACK_THEME = config.DEFAULT_THEME
BUSY_WAIT = 3.0  # seconds a change waits for another process's write to end


class ReviewerApp(App[int]):
    TITLE = "reviewer"
    CSS_PATH = "reviewer.tcss"  # the screens' layout; the widgets carry their own
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, review_path: Path, files: Iterable[str] = (), fmt: str | None = None,
                 year: int | None = None, theme: str | None = None,
                 remember_theme: bool = True) -> None:
        super().__init__()
        self.review_path = Path(review_path)
        self.files = list(files)
        self.fmt = fmt
        self.year = year
        self.theme_override = theme
        self.remember_theme = remember_theme
        self.settings, self.problems = config.load()
        self.review: Review | None = None
        self.said: list[str] = []  # every notification, oldest first (tests read it too)
        self.damage: DamagedReview | None = None  # the review file found damaged (damage.py)

    last_key_at = 0.0  # time.perf_counter() when the last key came: work in slices yields

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_key_at = time.perf_counter()
        await super().on_event(event)

    # -- start-up ------------------------------------------------------------------------

    def on_mount(self) -> None:
        backup_warnings.listen(self)
        themes, theme_problems = load_themes()
        for theme in themes:
            self.register_theme(theme)
        wanted = self.theme_override or self.settings.theme
        if wanted not in self.available_themes:
            if wanted != FALLBACK_THEME:
                self.problems.append(f"theme {wanted!r} not found; using {FALLBACK_THEME!r}")
            wanted = FALLBACK_THEME if FALLBACK_THEME in self.available_themes else "textual-dark"
        self.theme = wanted
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        known = {c.id for c in MAIN + OUTLINE}
        unknown = sorted(set(self.settings.keys) - known)
        for binding_id in unknown:
            self.problems.append(f"config: no binding with id {binding_id!r} to remap")
        self.set_keymap({k: v for k, v in self.settings.keys.items() if k in known})
        self.problems += [f"config: {line}" for line in keymap_conflicts(self.settings.keys)]
        for problem in theme_problems + self.problems:
            self.notify(problem, severity="warning", timeout=8)
        self.review = Review.open(self.review_path)
        # A key must not freeze the screen for the CLI's ten seconds while another process
        # writes: after a few, the key says the review is busy and changes nothing.
        self.review.set_busy_timeout(BUSY_WAIT)
        if self.files:
            self.push_screen(ImportScreen(self.review_path, self.files, self.fmt, self.year,
                                          self.settings.max_import_bytes),
                             self._imported)
        else:
            self.push_screen(MainScreen(self.review, self.settings.advance_after_decision))

    def _imported(self, result: ImportReport | str | None) -> None:
        if self.review is None:  # the app closed while the import ran
            return
        message, severity, seconds = outcome(result)
        self.notify(message, severity=severity, timeout=seconds)
        self.push_screen(MainScreen(self.review, self.settings.advance_after_decision))

    def _theme_changed(self, theme) -> None:
        if self.remember_theme and theme.name != self.settings.theme:
            try:
                config.remember_theme(theme.name)
                self.settings.theme = theme.name
            except OSError as exc:
                self.notify(f"Could not remember the theme: {exc}", severity="warning")

    def notify(self, message: str, **kwargs) -> None:
        self.said.append(message)
        super().notify(message, **kwargs)

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Every key's action: what the core refuses is said, and the app goes on."""
        with refusals(self):
            return await super().run_action(action, default_namespace, namespaces)
        return True

    def _handle_exception(self, error: Exception) -> None:
        """Damage met by a read anywhere (a timer, a worker, a screen) is said, not a crash."""
        if not report_damage(self, error):
            super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """No traceback reaches the user: it goes to a log file, the terminal gets one line.

        (Textual's own handler prints a full traceback; REVIEWER_DEBUG=1 keeps it.)"""
        if os.environ.get("REVIEWER_DEBUG"):
            super()._fatal_error()
            return
        error = self._exception
        log = crash_log(error)
        self.bell()
        self._exit_renderables.append(Text(
            f"reviewer: internal error ({type(error).__name__}: {error}); every change made "
            f"before it is stored. Details in {log}; please report it."))
        self._close_messages_no_wait()

    def on_key(self, event: events.Key) -> None:
        """A key typed right after "/" (or any key opening an input) was queued for the
        list before the input took focus. It comes back here unhandled, where the
        focused input's key bindings would swallow it: type it into the input instead."""
        target = self.focused
        if isinstance(target, Input) and event.is_printable and event.character:
            event.prevent_default()
            event.stop()
            target.insert_text_at_cursor(event.character)

    def on_unmount(self) -> None:
        backup_warnings.stop()
        if self.review is not None:
            self.review.close()
            self.review = None

    # -- the command palette: every command of the current screen ------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands: tuple[Command, ...] = ()
        if isinstance(screen, MainScreen):
            commands = MAIN
        elif type(screen).__name__ == "OutlineScreen":
            commands = OUTLINE
        for command in commands:
            if command.palette and not command.action.startswith("app."):
                yield SystemCommand(command.label, command.help,
                                    lambda a=command.action, s=screen: s.run_action(a))


def crash_log(error: BaseException | None) -> Path:
    path = data_dir() / "crash.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now().isoformat(timespec='seconds')}\n")
            if error is not None:
                fh.write("".join(traceback.format_exception(error)))
    except OSError:
        pass
    return path

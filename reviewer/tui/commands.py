"""Key bindings generated from the command declarations (see declarations.py)."""

from __future__ import annotations

from textual.binding import Binding

from .declarations import MAIN, OUTLINE, Command

__all__ = ["MAIN", "OUTLINE", "Command", "bindings"]


def bindings(commands: tuple[Command, ...]) -> list[Binding]:
    return [Binding(c.keys, c.action, c.label, show=c.footer, id=c.id, tooltip=c.help)
            for c in commands]

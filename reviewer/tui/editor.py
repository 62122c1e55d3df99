"""Handing a text to the user's $VISUAL or $EDITOR, the app suspended meanwhile (posting's
way): notes today, a paper's metadata as a BibTeX entry next."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

from textual.app import App, SuspendNotSupported

from ..core.locations import data_dir


def editor_command(app: App) -> str:
    """The editor the config names, else $VISUAL, else $EDITOR, else vi."""
    return (app.settings.editor or os.environ.get("VISUAL") or os.environ.get("EDITOR")
            or "vi")


def edit_text(app: App, text: str, name: str) -> str | None:
    """``text`` as the user left it in the editor (``name``: the file name it is edited
    under, whose suffix tells the editor the format), or None when the editor could not
    run (the user is told)."""
    editor = editor_command(app)
    with tempfile.TemporaryDirectory(prefix="reviewer-edit-") as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        try:
            command = [*shlex.split(editor), str(path)]
            try:
                with app.suspend():
                    subprocess.run(command, check=False)
            except SuspendNotSupported:  # no terminal to hand over (headless, web)
                subprocess.run(command, check=False, stdin=subprocess.DEVNULL,
                               capture_output=True)
        except (OSError, ValueError) as exc:
            app.notify(f"Could not run the editor {editor!r}: {exc}", severity="error")
            return None
        return path.read_text(encoding="utf-8")


def keep_unsaved(name: str, text: str, suffix: str = ".md") -> Path:
    """A text the review could not take (busy), kept in a file of its own under the data
    dir, so that it does not go with the editor's temporary file."""
    folder = data_dir() / "unsaved-notes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}{suffix}"
    path.write_text(text, encoding="utf-8")
    return path

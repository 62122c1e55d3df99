"""A one-line progress display on stderr, for imports that take seconds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

PHASES = {"parse": "Reading", "dedup": "Merging duplicates", "store": "Storing"}
# Redraw at most this often: a terminal that scrolls by is slower than the import.
INTERVAL = 0.1


class ProgressLine:
    """progress(phase, done, total) for importer.import_files, drawn on one line that
    each update overwrites and ``close`` erases (the summary follows on stdout)."""

    def __init__(self, stream: TextIO, files: list[str]) -> None:
        self.stream = stream
        self.files = files
        self.shown = ""
        self.last = float("-inf")

    def __call__(self, phase: str, done: int, total: int) -> None:
        label = PHASES.get(phase, phase)
        if phase == "parse":
            if done >= len(self.files):
                return
            text = f"{label} {Path(self.files[done]).name}…"
        else:
            text = f"{label}… {done * 100 // total if total else 100}%"
        now = time.monotonic()
        if text == self.shown or (now - self.last < INTERVAL and phase != "parse"):
            return
        self.last = now
        self._draw(text)

    def _draw(self, text: str) -> None:
        # The file name is shown as it is: control characters would move the cursor.
        text = "".join(c if c.isprintable() else "?" for c in text)
        self.stream.write(f"\r\x1b[K{text}")
        self.stream.flush()
        self.shown = text

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = ""

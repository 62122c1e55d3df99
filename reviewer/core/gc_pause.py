"""Pausing the cyclic garbage collector while thousands of objects are made at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk work (an import, loading or
    exporting thousands of papers).

    Such work creates hundreds of thousands of small objects and no reference cycles;
    the collector would rescan them over and over (it halves the parse time of a
    100,000-paper dump and is a fifth of exporting 5,000 papers). Reference counting
    still frees everything as usual. Nested pauses leave the collector to the outermost.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""Building the search index after the first paint, in slices between keystrokes.

In short slices on the event loop: a thread would hold the GIL for seconds at 100,000
papers and starve the screen. Each slice reads the review afresh, so edits made
meanwhile are indexed as they now stand.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from ..core.search import SearchIndex
from ..core.store import Review

# Seconds of search indexing between two looks at the keyboard. A key's way to the screen
# takes several turns of the event loop, each of which can wait for a slice: at 100,000
# papers, 12 ms slices made cursor moves during the build 44-46 ms (median; worst 232-242
# ms), 5 ms slices 37-38 ms (worst 122-166 ms), and the build took no longer; 3 ms slices
# gained nothing more and made the build a second longer.
INDEX_SLICE = 0.005
INDEX_ROWS = 100
# For this long after a key, the index leaves the event loop to the key's way through the
# app, the screen and the list (100,000 papers, alternating runs: key to action 20-37 ms
# -> 8-10 ms, key to painted 58-74 -> 40-45 ms). A key every 0.15 s slows the build by a
# fifth; a held key stops it until let go, a search typed meanwhile included: its results
# come from the titles until the index is ready, and the letters are what the user sees.
KEY_WAY = 0.03


async def build_index(review: Review, index: SearchIndex,
                      last_key_at: Callable[[], float]) -> SearchIndex:
    """Fill ``index`` (the caller keeps it, to update papers edited meanwhile) with every
    paper, yielding to the event loop between slices and for KEY_WAY after a key."""
    last = 0
    began = time.perf_counter()
    while True:
        texts = review.search_texts(after=last, limit=INDEX_ROWS)
        if not texts:
            return index
        last = texts[-1][0]
        index.add(texts)
        if time.perf_counter() - began > INDEX_SLICE:
            await asyncio.sleep(0)
            while (left := KEY_WAY - (time.perf_counter() - last_key_at())) > 0:
                await asyncio.sleep(min(left, 0.05))
            began = time.perf_counter()

"""Noticing what other processes change in the review while a screen shows it (a script
running `reviewer tag`, an import in another terminal, a second window)."""

from __future__ import annotations

from ..core.store import Review

# Seconds between two looks.
POLL = 1.0


class ReviewWatch:
    def __init__(self, review: Review) -> None:
        self.review = review
        self.seen()

    def seen(self) -> None:
        """What the screen shows now is the review as it stands."""
        self._version = self.review.version()

    def changed_elsewhere(self) -> bool:
        """Whether a change the screen shows was made elsewhere since (keys frozen by an
        export show nothing new); a review busy for a moment is looked at next time."""
        before, self._version = self._version, self.review.version(self._version)
        return self._version.history != before.history

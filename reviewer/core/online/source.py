"""What every source shares: its client, the lookup cache, and reading a JSON answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .cache import MISSING, LookupCache
from .client import LookupFailed, ServiceClient
from .records import Record


class Source:
    name = ""

    def __init__(self, client: ServiceClient, cache: LookupCache):
        self.client = client
        self.cache = cache
        self.cache_hits = 0
        self.failures: list[str] = []  # lookups that failed (not cached), one line each

    def close(self) -> None:
        self.client.close()

    # -- cached lookups ----------------------------------------------------------------

    def _one(self, key: str, fetch: Callable[[], Any]) -> Any:
        """A lookup's answer (plain JSON), from the cache or by ``fetch``, then kept."""
        value = self.cache.get(self.name, key)
        if value is not MISSING:
            self.cache_hits += 1
            return value
        value = fetch()
        self.cache.put(self.name, key, value)
        return value

    def _many(self, keys: Iterable[str], size: int,
              fetch: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
        """Answers for many keys: the cached ones, then the rest in batches of ``size``.
        A key the service did not answer is kept as not found (None)."""
        out: dict[str, Any] = {}
        todo: list[str] = []
        for key in dict.fromkeys(keys):
            value = self.cache.get(self.name, key)
            if value is MISSING:
                todo.append(key)
            else:
                self.cache_hits += 1
                out[key] = value
        for start in range(0, len(todo), size):
            chunk = todo[start:start + size]
            try:
                found = fetch(chunk)
            except LookupFailed as exc:  # the other batches may still be answered
                self.failures.append(str(exc))
                continue
            for key in chunk:
                value = found.get(key)
                self.cache.put(self.name, key, value)
                out[key] = value
        return out

    # -- reading answers ---------------------------------------------------------------

    def _json(self, response: Any) -> Any:
        if response is None:
            return None
        try:
            return response.json()
        except ValueError:
            raise LookupFailed(f"{self.client.label}: malformed answer (not JSON) from "
                               f"{response.url}") from None

    def _malformed(self, what: str) -> LookupFailed:
        return LookupFailed(f"{self.client.label}: malformed answer ({what})")


def records(values: Iterable[Any]) -> list[Record]:
    return [Record.from_json(v) for v in values if isinstance(v, dict)]


def text(value: Any) -> str:
    """A string from a JSON value that should be one (services send null, lists...)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list) and value and isinstance(value[0], str):
        return " ".join(value[0].split())
    return ""

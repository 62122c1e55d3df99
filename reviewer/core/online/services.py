"""The sources of a run, built from the settings: one client each, one shared cache."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from .arxiv import Arxiv
from .cache import LookupCache
from .client import TIMEOUT, Clock, ServiceClient, user_agent
from .crossref import Crossref
from .hf import HuggingFace
from .s2 import SemanticScholar
from .settings import SOURCES, OnlineSettings
from .source import Source

CACHE_FILE = "online.sqlite"


def cache_path() -> Path:
    """``$REVIEWER_CACHE_DIR/online.sqlite`` when set (tests use it), else the file in the
    user cache dir (``~/.cache/reviewer/`` on Linux)."""
    override = os.environ.get("REVIEWER_CACHE_DIR")
    if override:
        return Path(override) / CACHE_FILE
    import platformdirs

    return platformdirs.user_cache_path("reviewer", appauthor=False) / CACHE_FILE


def parse_names(text: str) -> list[str]:
    """``"hf,arxiv"`` -> ["hf", "arxiv"]; ValueError naming an unknown source."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SOURCES]
    if unknown or not names:
        raise ValueError(f"unknown source {unknown[0]!r}" if unknown else "no source named")
    return [n for n in SOURCES if n in names]


def open_sources(settings: OnlineSettings, names: Iterable[str] = SOURCES, *,
                 cache: LookupCache | None = None, clock: Clock | None = None,
                 timeout: float = TIMEOUT, ask_again: bool = False,
                 cancelled: Callable[[], bool] | None = None) -> dict[str, Source]:
    cache = cache if cache is not None else LookupCache(cache_path(), ask_again)
    agent = {"User-Agent": user_agent(settings.email)}
    out: dict[str, Source] = {}
    for name in names:
        headers = dict(agent)
        if name == "s2" and settings.s2_api_key:
            headers["x-api-key"] = settings.s2_api_key
        client = ServiceClient(name, settings.services[name], headers=headers, clock=clock,
                               timeout=timeout, cancelled=cancelled)
        kind = {"hf": HuggingFace, "arxiv": Arxiv, "s2": SemanticScholar}.get(name)
        out[name] = kind(client, cache) if kind else Crossref(client, cache, settings.email)
    return out


def close_sources(sources: dict[str, Source]) -> None:
    caches = {id(s.cache): s.cache for s in sources.values()}
    for source in sources.values():
        source.close()
    for cache in caches.values():
        cache.close()

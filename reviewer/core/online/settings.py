"""What the online sources are told: where each service lives, how fast it may be asked,
and who is asking. Plain data, read from config.toml by reviewer/config.py."""

from __future__ import annotations

from dataclasses import dataclass, field

# The order the planner asks them in, and the names --source accepts.
SOURCES = ("hf", "arxiv", "s2", "crossref")
LABELS = {"hf": "Hugging Face", "arxiv": "arXiv", "s2": "Semantic Scholar",
          "crossref": "Crossref"}


@dataclass(slots=True)
class ServiceSettings:
    url: str
    interval: float  # seconds between two requests; 0 for a local server


def _defaults() -> dict[str, ServiceSettings]:
    # Each service's documented pace: arXiv one request every 3 s; Hugging Face about 500
    # requests per 5 minutes for anonymous callers; Semantic Scholar 1 request/s with a
    # key; Crossref's polite pool is generous, a tenth of a second is plenty.
    return {
        "hf": ServiceSettings("https://huggingface.co", 0.6),
        "arxiv": ServiceSettings("https://export.arxiv.org", 3.0),
        "s2": ServiceSettings("https://api.semanticscholar.org/graph/v1", 1.0),
        "crossref": ServiceSettings("https://api.crossref.org", 0.1),
    }


@dataclass(slots=True)
class OnlineSettings:
    email: str = ""  # sent to Crossref as mailto (its polite pool)
    s2_api_key: str = ""
    services: dict[str, ServiceSettings] = field(default_factory=_defaults)

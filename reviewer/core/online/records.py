"""What a service says about a paper, in one plain shape whatever the service."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(slots=True)
class Record:
    source: str  # "hf", "arxiv", "s2", "crossref"
    ident: str  # the service's own id of the record (arXiv id, DOI, S2 paper id)
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    month: int | None = None
    day: int | None = None
    abstract: str = ""
    arxiv_id: str = ""
    doi: str = ""  # the publisher's DOI (never arXiv's own 10.48550 one)
    venue: str = ""
    entry_type: str = ""  # a BibTeX type, for a published version only
    published: bool = False  # a publisher's version (journal, proceedings), not a preprint
    primary_class: str = ""
    comments: str = ""
    journal_ref: str = ""
    links: list[str] = field(default_factory=list)  # code links (GitHub)
    extra: dict[str, str] = field(default_factory=dict)  # volume, number, pages, publisher

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def date_parts(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from '2023-04-05T17:59:46Z', '2023-04-05', '2023-04' or '2023'."""
    parts = text.strip()[:10].split("-")
    out: list[int | None] = []
    for part in parts[:3]:
        out.append(int(part) if part.isdigit() else None)
    while len(out) < 3:
        out.append(None)
    year, month, day = out
    if year is None or not 1000 <= year <= 2999:
        return None, None, None
    if month is not None and not 1 <= month <= 12:
        month, day = None, None
    if day is not None and not 1 <= day <= 31:
        day = None
    return year, month, day

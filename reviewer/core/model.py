"""The paper record shared by parsers, the store, filters and exporters."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum


class Decision(StrEnum):
    """Screening decision, in the vocabulary of Rayyan and ASReview."""

    UNDECIDED = "undecided"
    INCLUDE = "include"
    MAYBE = "maybe"
    EXCLUDE = "exclude"

    @classmethod
    def parse(cls, text: str) -> Decision:
        """Accept the full word, a unique prefix ("inc", "ex") or the TUI key letter."""
        wanted = text.strip().lower()
        aliases = {"i": cls.INCLUDE, "m": cls.MAYBE, "x": cls.EXCLUDE, "0": cls.UNDECIDED,
                   "u": cls.UNDECIDED, "included": cls.INCLUDE, "excluded": cls.EXCLUDE}
        if wanted in aliases:
            return aliases[wanted]
        matches = [d for d in cls if d.value.startswith(wanted)] if wanted else []
        if len(matches) == 1:
            return matches[0]
        choices = ", ".join(d.value for d in cls)
        raise ValueError(f"unknown decision {text!r} (choose from {choices})")


@dataclass(slots=True, frozen=True)
class Source:
    """Where a paper was read from: the file (absolute path), the line and the format."""

    file: str
    line: int
    format: str


@dataclass(slots=True)
class Paper:
    """One paper: bibliographic metadata from the dumps plus the user's own triage state.

    Parsers fill the metadata and leave the user fields at their defaults; the store
    fills ``id``, ``citekey`` and the user fields.
    """

    title: str
    abstract: str = ""
    abstract_truncated: bool = False
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None
    organization: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year_inferred: bool = False
    upvotes: int | None = None
    arxiv_id: str = ""
    doi: str = ""
    url: str = ""
    links: list[str] = field(default_factory=list)
    venue: str = ""
    entry_type: str = ""
    keywords: list[str] = field(default_factory=list)
    primary_class: str = ""
    comments: str = ""
    # Extra BibTeX fields worth carrying to the export (volume, pages, publisher...).
    extra: dict[str, str] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)

    # Set by the store.
    id: int | None = None
    citekey: str = ""
    starred: bool = False
    decision: Decision = Decision.UNDECIDED
    tags: list[str] = field(default_factory=list)
    note: str = ""
    sections: list[str] = field(default_factory=list)
    # Why an excluded paper was excluded ("" for none): not a column of papers but a row
    # of decision_reasons (core/reasons.py), attached by the store as tags are.
    reason: str = ""

    @property
    def authors_known(self) -> int | None:
        """How many authors the paper has, from the names or the bare count."""
        if self.authors:
            return len(self.authors)
        return self.author_count

    @property
    def code_links(self) -> list[str]:
        return [link for link in self.links if is_code_link(link)]

    @property
    def has_code(self) -> bool:
        return any(is_code_link(link) for link in self.links)

    @property
    def has_note(self) -> bool:
        return bool(self.note.strip())

    @property
    def best_link(self) -> str:
        """The link a reader most likely wants: arXiv page, then DOI, url, code."""
        if self.arxiv_id:
            return f"https://arxiv.org/abs/{self.arxiv_id}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.url:
            return self.url
        return self.links[0] if self.links else ""

    def to_json(self) -> dict:
        """The dict printed by ``reviewer list --json`` (a documented contract)."""
        data = {name: getattr(self, name) for name in _PAPER_FIELDS}
        for name in _CONTAINER_FIELDS:  # copies: the dict must not alias the paper
            data[name] = data[name].copy()
        data["decision"] = str(self.decision)
        data["sources"] = [{"file": s.file, "line": s.line, "format": s.format}
                           for s in self.sources]
        return data


_PAPER_FIELDS = tuple(f.name for f in fields(Paper))
_CONTAINER_FIELDS = ("authors", "links", "keywords", "extra", "tags", "sections")


METADATA_FIELDS: tuple[str, ...] = (
    "title", "abstract", "abstract_truncated", "authors", "author_count", "organization",
    "year", "month", "day", "year_inferred", "upvotes", "arxiv_id", "doi", "url", "links",
    "venue", "entry_type", "keywords", "primary_class", "comments", "extra",
)
"""The fields a dump can supply (and a merge can enrich); everything else is the user's."""


CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "codeberg.org")


def is_code_link(url: str) -> bool:
    """A link to a code repository (GitHub, GitLab...), as opposed to a project page."""
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    return any(host == h or host.endswith("." + h) for h in CODE_HOSTS)

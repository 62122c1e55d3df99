"""The paper record shared by parsers, the store, filters and exporters."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from typing import Any


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


# How a field of Paper is declared: everything else (the review's columns, how rows
# become papers, what an export and the planning child read, how a merge treats it) is
# derived from these few words, so that a new field is one line here plus a migration
# adding its column (schema.py).
#   kind   "metadata": read from dumps, improved by merges (core/improve.py), a column
#          of papers; "user": the user's own, a column of papers; absent: not a column
#          (the store attaches it from another table, or sets it: id)
#   bib    an export's BibTeX entry is made from it (export/bibtex.py reads no other)
#   match  deciding a duplicate, or what a merge changes in one, reads it (the planning
#          child gets these alone: core/planning.py)
#   merge  how a richer record improves it (core/merge.py): "fill" when empty (the
#          default), "union" of lists, or "own" for a rule of its own there
def _field(default: Any = MISSING, *, factory: Any = MISSING, kind: str = "metadata",
           bib: bool = False, match: bool = False, merge: str = "fill") -> Any:
    return field(default=default, default_factory=factory, metadata={
        "kind": kind, "bib": bib, "match": match, "merge": merge})


def _user(default: Any = MISSING, *, factory: Any = MISSING, bib: bool = False) -> Any:
    return _field(default, factory=factory, kind="user", bib=bib, merge="")


@dataclass(slots=True)
class Paper:
    """One paper: bibliographic metadata from the dumps plus the user's own triage state.

    Parsers fill the metadata and leave the user fields at their defaults; the store
    fills ``id``, ``citekey`` and the user fields.
    """

    title: str = _field(bib=True, match=True, merge="own")
    abstract: str = _field("", bib=True, merge="own")
    abstract_truncated: bool = _field(False, merge="own")
    authors: list[str] = _field(factory=list, bib=True, match=True, merge="own")
    author_count: int | None = _field(None, bib=True, merge="own")
    organization: str = _field("")
    year: int | None = _field(None, bib=True, match=True, merge="own")
    month: int | None = _field(None, bib=True, match=True, merge="own")
    day: int | None = _field(None, match=True, merge="own")
    year_inferred: bool = _field(False, match=True, merge="own")
    upvotes: int | None = _field(None, merge="own")
    arxiv_id: str = _field("", bib=True, match=True)
    doi: str = _field("", bib=True, match=True)
    url: str = _field("", bib=True)
    links: list[str] = _field(factory=list, merge="union")
    venue: str = _field("", bib=True, match=True)
    entry_type: str = _field("", bib=True)
    keywords: list[str] = _field(factory=list, merge="union")
    primary_class: str = _field("", bib=True)
    comments: str = _field("")
    # arXiv's Journal-ref: where the paper was published, as its authors wrote it.
    journal_ref: str = _field("")
    # Extra BibTeX fields worth carrying to the export (volume, pages, publisher...).
    extra: dict[str, str] = _field(factory=dict, bib=True, merge="own")
    sources: list[Source] = field(default_factory=list)

    # Set by the store.
    id: int | None = None
    citekey: str = _user("", bib=True)
    starred: bool = _user(False)
    decision: Decision = _user(Decision.UNDECIDED)
    tags: list[str] = field(default_factory=list)
    note: str = _user("", bib=True)
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
        if self.extra:
            from .bibraw import as_written
            data["extra"] = as_written(self)
        data["decision"] = str(self.decision)
        data["sources"] = [{"file": s.file, "line": s.line, "format": s.format}
                           for s in self.sources]
        return data


_PAPER_FIELDS = tuple(f.name for f in fields(Paper))
_CONTAINER_FIELDS = tuple(f.name for f in fields(Paper) if f.default_factory in (list, dict))

METADATA_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Paper) if f.metadata.get("kind") == "metadata")
"""The fields a dump can supply (and a merge can enrich); everything else is the user's."""
USER_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in fields(Paper) if f.metadata.get("kind") == "user")
"""The user's own fields stored as columns of papers."""
JSON_FIELDS = frozenset(f.name for f in fields(Paper) if f.name in METADATA_FIELDS + USER_COLUMNS
                        and f.default_factory in (list, dict))
"""Stored as JSON text (a list or an object)."""
BIB_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Paper) if f.metadata.get("bib"))
"""What a BibTeX entry is made from (with the tags)."""
MATCH_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Paper) if f.metadata.get("match"))
"""What deciding a duplicate, and what a merge changes in it, reads."""
FILL_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Paper)
                                     if f.metadata.get("merge") == "fill")
UNION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Paper)
                                      if f.metadata.get("merge") == "union")
DEFAULTS: dict[str, Any] = {f.name: f.default if f.default is not MISSING else f.default_factory()
                            for f in fields(Paper) if f.name != "title"}
"""Each field's empty value (a fresh one for lists and dicts)."""


CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "codeberg.org")


def is_code_link(url: str) -> bool:
    """A link to a code repository (GitHub, GitLab...), as opposed to a project page."""
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    return any(host == h or host.endswith("." + h) for h in CODE_HOSTS)

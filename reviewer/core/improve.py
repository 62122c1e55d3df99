"""The one way a stored paper's metadata changes: an import's merge, a merge by hand, a
hand edit and a value fetched from an online service (core/online/apply.py) all come
through ``improve``.

Each caller offers values for stored papers, saying where they come from (the origin):
``dump:<format>`` or ``bib`` for an import, ``user`` for a hand edit, ``service:<name>``
for a fetched record. A record (a Paper) gives only what is richer than the stored value
(merge.merged_fields); a dict of fields is taken as it is. The change is one step of the
history (joined to the caller's, if it has one open), the paper's citation key is derived
again unless it has left the app (a paper that gains an imported .bib entry takes that
entry's key, frozen, when it is free), an imported entry's raw fields follow its changed
values (core/bibraw.py), and the ``provenance`` table records each new value's
origin, so that what the user typed is never overwritten by anything imported or
fetched later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableSet, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import bibraw
from .citekeys import base_key, unique_key
from .errors import UsageError
from .history import Changes
from .export.bibtex import settle_imported
from .merge import merged_fields
from .model import JSON_FIELDS, METADATA_FIELDS, Paper
from .text import normalize_arxiv_id, normalize_doi
from .store import Review

USER = "user"

# Fields that say one thing together: a hand-set value of one keeps an import or a
# service from changing the others (25 names beside a count of 3, a month of another
# year).
_TOGETHER = (("abstract", "abstract_truncated"), ("authors", "author_count"),
             ("year", "month", "day", "year_inferred"))
_PARTNERS = {name: group for group in _TOGETHER for name in group}


def partners(name: str) -> tuple[str, ...]:
    """``name`` and the fields that say one thing with it (a year and its month)."""
    return _PARTNERS.get(name, (name,))


def origin_of_format(fmt: str) -> str:
    """The origin of a value read from a dump of this format."""
    return "bib" if fmt == "bibtex" else f"dump:{fmt}"


def origin_of(paper: Paper) -> str:
    """Where a record's values come from: its first source (an import's records)."""
    return origin_of_format(paper.sources[0].format) if paper.sources else "dump"


@dataclass(slots=True)
class Offer:
    """Values offered for a stored paper, and where they come from.

    ``values``: a record (a Paper), of which the fields richer than the stored ones are
    taken, as an import's merge takes them; or a dict of fields taken as they are (a hand
    edit, a correction), where ``extra.<key>`` names one extra BibTeX field ("" drops it).
    ``origins`` overrides ``origin`` field by field (a paper merged by hand brings the
    origins its values had)."""

    values: Paper | Mapping[str, Any]
    origin: str
    origins: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Improvement:
    """What ``improve`` changed: the fields of each paper, and the keys it derived again."""

    fields: dict[int, list[str]] = field(default_factory=dict)
    keys: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (old, new)
    # Fields an offer would have changed but the user had set by hand: left as they are.
    held: dict[int, list[str]] = field(default_factory=dict)


def improve(review: Review, offers: Mapping[int, Sequence[Offer]], label: str, *,
            rekey: bool = True, keep: Iterable[str] = (),
            taken: MutableSet[str] | None = None, dry_run: bool = False) -> Improvement:
    """Fold the offers into the stored papers (ids), in order, as one undoable change.

    ``keep``: fields no offer changes (a merge by hand keeps the kept paper's title).
    ``rekey=False`` keeps every key as it is. ``taken``: every key in the review, when
    the caller has them at hand (an import): kept up to date here. ``dry_run``: say what
    would change, change nothing.
    """
    keep = frozenset(keep)
    result = Improvement()
    with review.change(label) as changes:
        ids = list(offers)
        stored = {p.id: p for p in review.stored_papers(ids)}
        missing = [pid for pid in ids if pid not in stored]
        if missing:
            raise UsageError(f"no paper {missing[0]} in review {review.name!r}")
        origins = review.provenance(ids)
        frozen = review.frozen_citekeys(ids) if rekey else set(ids)
        for pid in ids:
            _improve_one(changes, stored[pid], offers[pid], origins.get(pid, {}), keep,
                         pid not in frozen, taken, result, dry_run)
    return result


def _improve_one(changes: Changes, paper: Paper, offers: Sequence[Offer],
                 origins: dict[str, str], keep: frozenset[str], rekey: bool,
                 taken: MutableSet[str] | None, result: Improvement, dry_run: bool) -> None:
    before: dict[str, Any] = {}  # the stored values of the fields the offers changed
    came: dict[str, str] = {}  # field (or extra.<key>) -> origin of its new value
    held: list[str] = []
    for offer in offers:
        by_user = offer.origin == USER
        if isinstance(offer.values, Paper):
            values = merged_fields(paper, offer.values)
        else:
            values = _as_given(paper, offer.values)
        if not values:  # a re-import: nothing richer than what is stored
            continue
        for name in keep:
            values.pop(name, None)
        if not by_user:
            held += _drop_held(paper, values, origins)
        extra_was, type_was = paper.extra, paper.entry_type
        was = {name: _copy(getattr(paper, name)) for name in values}
        for name, value in values.items():
            before.setdefault(name, was[name])
            if name == "extra":
                for key in _changed_keys(paper.extra, value):
                    came[f"extra.{key}"] = offer.origins.get(f"extra.{key}", offer.origin)
            else:
                came[name] = offer.origins.get(name, offer.origin)
            setattr(paper, name, value)
        if bibraw.TYPE in paper.extra:
            # An entry read from a .bib: the groups, type and extra fields whose values
            # changed are written from the paper again, not from the raw fields it came
            # with (any field the user names; only BibTeX's from elsewhere).
            settle_imported(paper, was, extra_was, type_was, any_field=by_user,
                            came_with=offer.values if isinstance(offer.values, Paper) else None)
            if paper.extra != extra_was:
                before.setdefault("extra", _copy(extra_was))
    if held:
        result.held[paper.id] = list(dict.fromkeys(held))
    if not before:
        return
    diff = [name for name in METADATA_FIELDS if name in before and before[name] != getattr(
        paper, name)]
    if not diff:
        return
    old = {name: before[name] for name in diff}
    new = {name: getattr(paper, name) for name in diff}
    # Richer metadata may change the key a paper should have: only while the key has
    # never left the app.
    if rekey:
        pool = taken if taken is not None and not dry_run else _KeysOfReview(changes,
                                                                               paper.id)
        gained = bibraw.imported_key(paper) if "extra" in diff and \
            not bibraw.has_raw(before["extra"]) else ""
        wanted = base_key(paper)
        key = ""
        if gained and gained.lower() not in pool:
            # The user's .bib names this paper: their key, as their documents cite it
            # (and frozen, as an imported entry's key is).
            key = gained
        elif not paper.citekey.startswith(wanted) or not _is_suffix(paper.citekey[len(wanted):]):
            pool.discard(paper.citekey.lower())
            key = unique_key(wanted, pool)
        if key:
            pool.discard(paper.citekey.lower())
            pool.add(key.lower())
            old["citekey"], new["citekey"] = paper.citekey, key
            result.keys[paper.id] = (paper.citekey, key)
            paper.citekey = key
            if key == gained and not dry_run:
                changes.row("frozen_citekeys", None, {"paper_id": paper.id})
    result.fields[paper.id] = diff
    if dry_run:
        return
    changes.set(paper.id, old, new)
    for name in sorted(came):
        field_name = name.split(".", 1)[0]
        if field_name not in diff or name.startswith("extra." + bibraw.PREFIX):
            continue  # an imported entry's raw fields follow its values (core/bibraw.py)
        was = origins.get(name)
        if was != came[name]:
            changes.row("provenance",
                        None if was is None else {"paper_id": paper.id, "field": name,
                                                  "origin": was},
                        {"paper_id": paper.id, "field": name, "origin": came[name]})
            origins[name] = came[name]


def _as_given(paper: Paper, values: Mapping[str, Any]) -> dict[str, Any]:
    """A dict offer as fields to set: ``extra.<key>`` entries folded into ``extra``."""
    out: dict[str, Any] = {}
    extra = None
    for name, value in values.items():
        if name.startswith("extra."):
            if extra is None:
                extra = dict(out.get("extra", paper.extra))
            key = name[len("extra."):]
            if value in ("", None):
                extra.pop(key, None)
                if bibraw.is_extra_field(key):  # an imported field the app did not read
                    extra.pop(bibraw.PREFIX + key, None)
            else:
                extra[key] = value
        elif name in METADATA_FIELDS:
            out[name] = value
        else:
            raise UsageError(f"{name!r} is not a paper field")
    if extra is not None:
        out["extra"] = extra
    return out


def _drop_held(paper: Paper, values: dict[str, Any], origins: dict[str, str]) -> list[str]:
    """Take out of ``values`` what the user set by hand (and the fields that go with it);
    returns the fields left alone."""
    held = []
    for name in list(values):
        if name == "extra":
            mine = {key[len("extra."):] for key, origin in origins.items()
                    if origin == USER and key.startswith("extra.")}
            if mine:
                value = {k: v for k, v in values["extra"].items() if k not in mine}
                value.update({k: v for k, v in paper.extra.items() if k in mine})
                if value == paper.extra:
                    del values["extra"]
                else:
                    values["extra"] = value
                held += [f"extra.{k}" for k in sorted(mine)]
            continue
        if any(origins.get(partner) == USER for partner in _PARTNERS.get(name, (name,))):
            del values[name]
            held.append(name)
    return held


def _changed_keys(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return [k for k in {**old, **new} if old.get(k) != new.get(k)]


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, (list, dict)) else value


def _is_suffix(rest: str) -> bool:
    return rest == "" or (rest.isalpha() and rest.islower())


class _KeysOfReview(MutableSet):
    """The keys of the review's other papers, looked up as needed (a hand edit derives
    one key: no need to read 100,000)."""

    def __init__(self, changes: Changes, paper_id: int) -> None:
        self.conn, self.paper_id = changes.conn, paper_id

    def __contains__(self, key: object) -> bool:
        # Keys in lower case (citekeys.unique_key): bibtex takes keys that differ only
        # in case for one.
        return self.conn.execute(
            "SELECT 1 FROM papers WHERE citekey = ? COLLATE NOCASE AND id != ?",
            (key, self.paper_id)).fetchone() is not None

    def __iter__(self):
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def add(self, key: str) -> None:
        pass

    def discard(self, key: str) -> None:
        pass


# -- hand edits ---------------------------------------------------------------------------

# What `reviewer edit` calls each field (its options), beside the model's own names.
ALIASES = {"type": "entry_type", "arxiv": "arxiv_id", "journal": "venue",
           "booktitle": "venue", "author": "authors"}
_INTEGERS = frozenset({"year", "month", "day", "author_count", "upvotes"})
_FLAGS = frozenset({"abstract_truncated", "year_inferred"})


def edit_values(raw: Mapping[str, str]) -> dict[str, Any]:
    """Typed field values from text (the CLI's options, a form): names checked, numbers
    read, authors split at ";" ("Last, First; Last, First"). A name that is no paper
    field becomes an extra BibTeX field (``volume``, ``pages``...)."""
    values: dict[str, Any] = {}
    for name, text in raw.items():
        name = ALIASES.get(name.strip().lower(), name.strip().lower())
        text = text.strip() if isinstance(text, str) else text
        extra = name.startswith("extra.")  # extra.title: a BibTeX field, not the title
        if extra:
            name = name[len("extra."):]
        if not name or not name.replace("_", "").replace("-", "").isalnum():
            raise UsageError(f"{name!r} is not a field name")
        if extra or name not in METADATA_FIELDS:
            values[f"extra.{name}"] = text
        elif name == "title" and not text:
            raise UsageError("a paper needs a title")
        elif name in ("arxiv_id", "doi") and text:
            normal = (normalize_arxiv_id if name == "arxiv_id" else normalize_doi)(text)
            if not normal:
                what = "an arXiv id" if name == "arxiv_id" else "a DOI"
                raise UsageError(f"{text!r} is not {what}")
            values[name] = normal
        elif name == "entry_type":
            if text and not (text.isascii() and text.isalpha()):
                raise UsageError(f"{text!r} is not a BibTeX entry type (article, misc...)")
            values[name] = text.lower()
        elif name in _INTEGERS:
            values[name] = _integer(name, text)
        elif name in _FLAGS:
            values[name] = str(text).lower() in ("1", "true", "yes")
        elif name == "authors":
            values[name] = [" ".join(a.split()) for a in text.split(";") if a.strip()]
        elif name in ("links", "keywords"):
            values[name] = [w.strip() for w in text.split(",") if w.strip()]
        elif name not in JSON_FIELDS:
            values[name] = text
        else:  # extra as a whole
            raise UsageError("set extra fields one by one: --field NAME=VALUE")
    return values


def _integer(name: str, text: str) -> int | None:
    if text in ("", None):
        return None
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{name} must be a number, not {text!r}") from None
    limits = {"year": (1000, 2999), "month": (1, 12), "day": (1, 31)}.get(name, (0, 10**6))
    if not limits[0] <= value <= limits[1]:
        raise UsageError(f"{name} {value} is out of range")
    return value


def edit_paper(review: Review, paper_id: int, values: Mapping[str, Any],
               origin: str = USER) -> Improvement:
    """Set fields of a paper by hand (typed values, see ``edit_values``): one undoable
    change; the values stay whatever is imported or fetched later."""
    if not values:
        raise UsageError("no field to change")
    values = dict(values)
    names = ", ".join(dict.fromkeys(name.split(".")[-1] for name in values))
    if values.get("authors"):
        values.setdefault("author_count", len(values["authors"]))
    if values.get("year") is not None:
        values.setdefault("year_inferred", False)
    if values.get("abstract"):  # the user's own text: nothing says it is cut short
        values.setdefault("abstract_truncated", False)
    return improve(review, {paper_id: [Offer(values, origin)]}, f"edit #{paper_id}: {names}")


__all__ = ["USER", "Improvement", "Offer", "edit_paper", "edit_values", "improve",
           "origin_of", "origin_of_format", "partners"]

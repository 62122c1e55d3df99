"""Deciding what an import does: which records are new papers, which fold into another.

``plan_import`` is the specification: records in order, each looked up in the duplicate
index, merged into the paper it duplicates or added as new. For a big dump the same
planning runs in a forked child *while the parent parses* (``PlanningChild``): the parent
streams each batch of parsed records as it comes, and gets back one decision per record,
which ``replay`` turns into the plan ``plan_import`` would have made. Dedup then costs
the import nothing but its last batch.

The child needs only what decides a match and what a merge changes in it (title,
names, date, venue, identifiers): merging keeps, field by field, the richer value, so
the fingerprint of a merged paper depends on those fields alone. Abstracts never cross.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from . import bibraw
from .dedup import DuplicateIndex, Fingerprint
from .forking import Child
from .merge import apply_fields, merged_fields
from .model import DEFAULTS, MATCH_FIELDS, METADATA_FIELDS, Paper, Source

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class Plan:
    """What an import will do: papers to add, and records to fold into stored papers."""

    new: list[Paper] = field(default_factory=list)
    fingerprints: list[Fingerprint] = field(default_factory=list)  # of ``new``, in order
    into_existing: dict[int, list[Paper]] = field(default_factory=dict)
    merged: int = 0
    # Per record: 0 for a new paper, else the key of the fingerprint it merged into (a
    # stored paper's id, or -n for the n-th new paper of this import).
    decisions: list[int] = field(default_factory=list)


class Planner:
    """plan_import, one batch of records at a time."""

    def __init__(self, index: DuplicateIndex) -> None:
        self.index = index
        self.plan = Plan()

    def feed(self, papers: Iterable[Paper]) -> None:
        plan, index = self.plan, self.index
        decide = plan.decisions.append
        for paper in papers:
            fp = Fingerprint.of(0, paper)
            hit = index.find(fp)
            if hit is None:
                plan.new.append(paper)
                plan.fingerprints.append(fp)
                fp.key = -len(plan.new)  # provisional keys are negative
                index.add(fp)
                decide(0)
                continue
            plan.merged += 1
            decide(hit.key)
            if hit.key < 0:
                base = plan.new[-hit.key - 1]
                changes = merged_fields(base, paper)
                base.sources.extend(paper.sources)
                if changes:
                    apply_fields(base, changes, paper)
                    base.citekey = ""  # a key stem computed ahead may no longer fit
                    index.update(hit, Fingerprint.of(hit.key, base))
            else:
                plan.into_existing.setdefault(hit.key, []).append(paper)


def plan_import(index: DuplicateIndex, papers: Sequence[Paper],
                progress: Progress | None = None) -> Plan:
    """Dedup ``papers`` against the index and against each other."""
    planner = Planner(index)
    for start in range(0, len(papers), 2000):
        if progress:
            progress("dedup", start, len(papers))
        planner.feed(papers[start:start + 2000])
    if progress:
        progress("dedup", len(papers), len(papers))
    return planner.plan


def replay(papers: Sequence[Paper], decisions: Sequence[int],
           fingerprints: Sequence[Fingerprint]) -> Plan:
    """The plan ``plan_import`` makes of ``papers``, from its decisions and the final
    fingerprints of the new papers: the same merges, in the same order."""
    plan = Plan(fingerprints=list(fingerprints), decisions=list(decisions))
    new = plan.new
    for paper, decision in zip(papers, decisions, strict=True):
        if decision == 0:
            new.append(paper)
            continue
        plan.merged += 1
        if decision < 0:
            base = new[-decision - 1]
            changes = merged_fields(base, paper)
            if changes:
                apply_fields(base, changes, paper)
                base.citekey = ""  # a stem computed ahead may no longer fit
            base.sources.extend(paper.sources)
        else:
            plan.into_existing.setdefault(decision, []).append(paper)
    if len(new) != len(plan.fingerprints):
        raise ValueError("decisions and fingerprints disagree")
    return plan


# What the child sees of a record (it makes a _Record of them): the model's match fields,
# then the record's first file and the reserved keys of an imported .bib entry: two
# entries of one file under two keys are two papers (dedup.Fingerprint.origin).
LIGHT_FIELDS = MATCH_FIELDS
_match_values = attrgetter(*LIGHT_FIELDS)
_ORIGIN_KEYS = (bibraw.TYPE, bibraw.KEY, bibraw.FROM_EXPORT)


def _light(paper: Paper) -> tuple:
    extra = paper.extra
    kept = {k: extra[k] for k in _ORIGIN_KEYS if k in extra} if bibraw.KEY in extra else None
    return (*_match_values(paper), paper.sources[0].file if paper.sources else None, kept)


class _Record:
    """What the child makes of a record: the fields planning reads, the rest empty.

    Building full Papers was a tenth of the child's time. Merges between records only
    ever set the fields listed (the other record holds nothing richer elsewhere), and
    the reserved keys of ``extra`` as a merge of the papers would."""

    __slots__ = (*LIGHT_FIELDS, "author_count", "citekey", "sources", "extra")

    def __init__(self, *values: object) -> None:
        *match, file, kept = values
        for name, value in zip(LIGHT_FIELDS, match):
            setattr(self, name, value)
        self.author_count, self.citekey = None, ""
        # The records' other sources stay with the parent.
        self.sources = [Source(file, 0, "")] if file is not None else []
        self.extra = kept or {}


# Every other metadata field reads as empty (shared, never written: see above).
for _name in METADATA_FIELDS:
    if _name not in _Record.__slots__:
        setattr(_Record, _name, () if isinstance(DEFAULTS[_name], list) else DEFAULTS[_name])


@dataclass(slots=True)
class Decisions:
    """A plan as the child sends it: ``replay`` rebuilds the plan from it."""

    decisions: list[int]
    fingerprints: list[Fingerprint]  # final, of the new papers in order

    def replay(self, papers: Sequence[Paper]) -> Plan:
        return replay(papers, self.decisions, self.fingerprints)


class PlanningChild(Child):
    """A forked process (forking.py) planning the import from records streamed to it."""

    def __init__(self, load_index: Callable[[], DuplicateIndex]) -> None:
        """``load_index`` runs in the child: reading the stored papers' fingerprints
        (a second for 100,000) then overlaps the parse as well."""
        super().__init__(lambda batches: _plan(load_index, batches))

    def send(self, papers: Iterable[Paper]) -> None:
        """Stream the next records, final and in import order."""
        if self.failed:
            return
        batch = [_light(p) for p in papers]
        if batch:
            self.put(batch)

    def finish(self) -> Decisions | None:
        """The child's decisions on everything sent, or None if it failed."""
        answer = self.answer()
        if answer is None:
            return None
        decisions, fingerprints = answer
        return Decisions(decisions, [Fingerprint(-n, *f) for n, f in enumerate(fingerprints, 1)])


def _plan(load_index: Callable[[], DuplicateIndex], batches: Iterable[list[tuple]]) -> tuple:
    """The child's work: plan the records of each batch, as they come."""
    planner = Planner(load_index())
    for batch in batches:
        planner.feed([_Record(*values) for values in batch])
    plan = planner.plan
    return (plan.decisions, [(f.title_norm, f.arxiv_id, f.doi, f.surnames, f.year)
                             for f in plan.fingerprints])


__all__ = ["Decisions", "Plan", "Planner", "PlanningChild", "plan_import", "replay"]

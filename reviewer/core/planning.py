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

import os
import pickle
import select
import signal
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from .dedup import DuplicateIndex, Fingerprint
from .merge import apply_fields, merged_fields
from .model import DEFAULTS, MATCH_FIELDS, METADATA_FIELDS, Paper

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
                    apply_fields(base, changes)
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
                apply_fields(base, changes)
                base.citekey = ""  # a stem computed ahead may no longer fit
            base.sources.extend(paper.sources)
        else:
            plan.into_existing.setdefault(decision, []).append(paper)
    if len(new) != len(plan.fingerprints):
        raise ValueError("decisions and fingerprints disagree")
    return plan


# What the child sees of a record (it makes a _Record of them): the model's match fields.
LIGHT_FIELDS = MATCH_FIELDS
_light = attrgetter(*LIGHT_FIELDS)


class _Record:
    """What the child makes of a record: the fields planning reads, the rest empty.

    Building full Papers was a tenth of the child's time. Merges between records only
    ever set the fields listed (the other record holds nothing richer elsewhere)."""

    __slots__ = (*LIGHT_FIELDS, "author_count", "citekey")

    def __init__(self, *values: object) -> None:
        for name, value in zip(LIGHT_FIELDS, values):
            setattr(self, name, value)
        self.author_count, self.citekey = None, ""

    @property
    def sources(self) -> list:  # a record's sources stay with the parent
        return []


# Every other metadata field reads as empty (shared, never written: see above).
for _name in METADATA_FIELDS:
    if _name not in _Record.__slots__:
        setattr(_Record, _name, () if isinstance(DEFAULTS[_name], list) else DEFAULTS[_name])


# A pipe this big lets the parser run a few batches ahead of the planner (Linux caps an
# unprivileged process at 1 MB).
_PIPE_SIZE = 1 << 20


@dataclass(slots=True)
class Decisions:
    """A plan as the child sends it: ``replay`` rebuilds the plan from it."""

    decisions: list[int]
    fingerprints: list[Fingerprint]  # final, of the new papers in order

    def replay(self, papers: Sequence[Paper]) -> Plan:
        return replay(papers, self.decisions, self.fingerprints)


class PlanningChild:
    """A forked process planning the import from records streamed to it."""

    def __init__(self, load_index: Callable[[], DuplicateIndex]) -> None:
        """``load_index`` runs in the child: reading the stored papers' fingerprints
        (a second for 100,000) then overlaps the parse as well."""
        to_child, self._to_child = os.pipe()
        self._from_child, from_child = os.pipe()
        try:
            import fcntl
            fcntl.fcntl(self._to_child, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        except (ImportError, AttributeError, OSError):
            pass
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self._to_child)
            os.close(self._from_child)
            _serve(load_index, to_child, from_child)  # never returns
        os.close(to_child)
        os.close(from_child)
        # The parser never waits for the child: what the pipe cannot take yet waits in
        # the backlog. Blocking writes had the parse of a re-import stand still for the
        # half second the child spends loading the index of a big review.
        os.set_blocking(self._to_child, False)
        self._backlog: deque[memoryview] = deque()
        self._ended = False
        self.failed = False
        self._reaped = False

    def send(self, papers: Iterable[Paper]) -> None:
        """Stream the next records, final and in import order."""
        if self.failed:
            return
        batch = [_light(p) for p in papers]
        if batch:
            self._backlog.append(memoryview(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)))
            self._flush(wait=False)

    def end(self) -> None:
        """No more records: the child plans the last ones while the parent goes on."""
        self._ended = True
        self._flush(wait=False)

    def _flush(self, wait: bool) -> None:
        """Write the backlog as far as the pipe takes it (all of it if ``wait``); close
        the pipe once the records have ended and all are written."""
        backlog = self._backlog
        while backlog and not self.failed:
            try:
                written = os.write(self._to_child, backlog[0])
            except BlockingIOError:
                if not wait:
                    return
                select.select([], [self._to_child], [])
                continue
            except OSError:  # the child is gone: finish() says so, the parent plans
                self.failed = True
                backlog.clear()
                break
            if written == len(backlog[0]):
                backlog.popleft()
            else:
                backlog[0] = backlog[0][written:]
        if self._ended and self._to_child >= 0:
            os.close(self._to_child)
            self._to_child = -1

    def ready(self) -> bool:
        """Whether the child has answered (or died): finish() would not wait."""
        self._flush(wait=False)
        if self._backlog:
            return False
        try:
            return bool(select.select([self._from_child], [], [], 0)[0])
        except (OSError, ValueError):
            return False

    def finish(self) -> Decisions | None:
        """The child's decisions on everything sent, or None if it failed."""
        data = b""
        self._ended = True
        self._flush(wait=True)
        fd, self._from_child = self._from_child, -1  # closed below, whatever happens
        try:
            with os.fdopen(fd, "rb") as pipe:
                data = pipe.read()
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        self._reaped = True
        if status != 0 or not data or self.failed:
            return None
        try:
            decisions, fingerprints = pickle.loads(data)
        except Exception:
            return None
        return Decisions(decisions, [Fingerprint(-n, *f) for n, f in enumerate(fingerprints, 1)])

    def abandon(self) -> None:
        """Stop the child (the import failed or was interrupted); after finish(), nothing."""
        if self._reaped:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self._backlog.clear()
        if self._to_child >= 0:
            os.close(self._to_child)
            self._to_child = -1
        if self._from_child >= 0:
            os.close(self._from_child)
            self._from_child = -1
        os.waitpid(self.pid, 0)
        self._reaped = True


def _serve(load_index: Callable[[], DuplicateIndex], incoming: int, outgoing: int) -> None:
    status = 1
    try:
        planner = Planner(load_index())
        with os.fdopen(incoming, "rb") as pipe:
            while True:
                try:
                    batch = pickle.load(pipe)
                except EOFError:
                    break
                planner.feed([_Record(*values) for values in batch])
        plan = planner.plan
        answer = (plan.decisions, [(f.title_norm, f.arxiv_id, f.doi, f.surnames, f.year)
                                   for f in plan.fingerprints])
        with os.fdopen(outgoing, "wb") as pipe:
            pipe.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        status = 0
    except BaseException:  # the parent plans the import itself
        pass
    finally:
        os._exit(status)


__all__ = ["Decisions", "Plan", "Planner", "PlanningChild", "plan_import", "replay"]

"""Exclusion reasons: why a paper left the review ("wrong population", "not a trial").

A reason belongs to an exclude, as in Rayyan and PRISMA: a paper has at most one, kept in
the ``decision_reasons`` table (schema.py) and changed in the same recorded change as the
decision, so that one undo takes back both. The rules a user meets:

* deciding exclude with a reason sets it (a reason typed in another case than one already
  in use takes that one's spelling, so that the list does not split in two);
* deciding exclude without one (``reason=None``) keeps the reason an excluded paper has:
  pressing ``x`` again on a paper, or excluding marked papers of which some have one,
  loses nothing; ``reason=""`` takes it away;
* any other decision (include, maybe, undecided) takes the reason away: it no longer says
  anything true of the paper;
* the review's reasons are those of its excluded papers, most used first: the short list
  the user builds while screening, offered for completion.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from .errors import UsageError
from .history import Changes
from .model import Decision
from .text import clean_text

TABLE = "decision_reasons"


def clean(reason: str | None) -> str | None:
    """A reason as stored: one line, blanks collapsed, nothing a terminal obeys; None
    stays None (no reason given)."""
    return None if reason is None else clean_text(reason)


def check(decision: Decision, reason: str | None) -> str | None:
    """The cleaned reason, or a UsageError for a reason given with another decision."""
    reason = clean(reason)
    if reason and decision is not Decision.EXCLUDE:
        raise UsageError(f"a reason goes with exclude, not with {decision.value} "
                         f"(reason {reason!r})")
    return reason


def reasons_of(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, str]:
    """{paper id: reason} of those of ``ids`` that have one."""
    from .store import chunks

    out: dict[int, str] = {}
    for chunk in chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(
            f"SELECT paper_id, reason FROM {TABLE} WHERE paper_id IN ({marks})", chunk))
    return out


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """{reason: excluded papers} over the review, most used first, then by name.

    Read from the table alone, on its index (2 ms for 50,000 reasons; joined with papers
    to leave out the others, 60 ms: every ``x`` reads it). That holds because a row is
    only ever kept for an excluded paper in the review: ``record`` drops a paper's reason
    with its exclude, a merge by hand drops those of the papers it merges away
    (core/manual_merge.py), and the reasons an import brought are undone before it."""
    return dict(conn.execute(
        f"SELECT reason, count(*) FROM {TABLE} GROUP BY reason ORDER BY count(*) DESC, reason"))


def spelled_as_used(conn: sqlite3.Connection, reason: str) -> str:
    """``reason`` as the review already spells it (case aside), else as given."""
    row = conn.execute(f"SELECT reason FROM {TABLE} WHERE reason = ? COLLATE NOCASE "
                       "ORDER BY reason = ? DESC LIMIT 1", (reason, reason)).fetchone()
    return reason if row is None else row[0]


def record(changes: Changes, ids: list[int], decision: Decision,
           reason: str | None) -> set[int]:
    """Bring the reasons of ``ids`` in line with ``decision`` (see the module's rules),
    as operations of ``changes``; the papers whose reason changed."""
    conn = changes.conn
    have = reasons_of(conn, ids)
    if decision is not Decision.EXCLUDE or reason == "":
        wanted: dict[int, str | None] = {pid: None for pid in have}
    elif reason is None:
        return set()
    else:
        reason = spelled_as_used(conn, reason)
        wanted = {pid: reason for pid in ids}
    changed = set()
    for pid, new in wanted.items():
        old = have.get(pid)
        if old == new:
            continue
        changes.row(TABLE, None if old is None else {"paper_id": pid, "reason": old},
                    None if new is None else {"paper_id": pid, "reason": new})
        changed.add(pid)
    return changed


def rayyan_reasons(notes: str) -> str:
    """The exclusion reasons in Rayyan's notes (``RAYYAN-EXCLUSION-REASONS: wrong
    population,foreign language``), as one reason: ", " between Rayyan's, so that a
    record keeps all it had and an export writes them back as they were."""
    start = notes.find("RAYYAN-EXCLUSION-REASONS:")
    if start < 0:
        return ""
    text = notes[start + len("RAYYAN-EXCLUSION-REASONS:"):].split(" | ", 1)[0]
    return ", ".join(part.strip() for part in text.split(",") if part.strip())


def rayyan_note(reason: str) -> str:
    """A reason as Rayyan writes it in the notes of its exports."""
    return f"RAYYAN-EXCLUSION-REASONS: {reason}" if reason else ""

"""ASReview's simulation mode: screen labelled data with the ranker, measure the saving.

The labelled file is ASReview's format (``record_id``, ``title``, ``abstract``,
``label_included``; other columns ignored). From the prior records, the ranker chooses
the next record, only then is its label revealed (``Oracle``), the ranker learns it, and
so on until every record is screened. Nothing depends on the file's row order: records
are taken in ``record_id`` order, then shuffled with the seed, and a tie between scores
goes to the first record of the shuffled order.

Measures, as the active-learning screening literature reports them (Cohen et al. 2006
for WSS; ASReview's "loss", Ferdinands et al. 2023):

* WSS@95: ``(N - n95) / N - 0.05``, n95 the records screened when 95 % of the included
  ones are found;
* recall after screening 10 % of the records (``ceil(N / 10)``);
* loss: the area between the perfect recall curve and this one, over the area between
  the perfect and the worst curve (0 is perfect, 0.5 is random order on average).
"""

from __future__ import annotations

import csv
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from .features import paper_text, tfidf_matrix
from .model import IRRELEVANT, RELEVANT, Ranker, default_classifier

REQUIRED_COLUMNS = ("record_id", "title", "label_included")
_LABELS = {"1": RELEVANT, "0": IRRELEVANT, "1.0": RELEVANT, "0.0": IRRELEVANT}


@dataclass(slots=True)
class Labelled:
    """One labelled review, records in ``record_id`` order."""

    ids: list[str]
    texts: list[str]
    labels: list[int]

    @property
    def included(self) -> int:
        return sum(self.labels)


def read_labelled(path: str | Path) -> Labelled:
    """Read ASReview's labelled CSV; bad input raises InputError naming file and line."""
    name = str(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return _parse(handle, name)
    except OSError as exc:
        raise InputError(name, exc.strerror or str(exc)) from None
    except UnicodeDecodeError:
        raise InputError(name, "not UTF-8 text") from None
    except csv.Error as exc:
        raise InputError(name, f"not a readable CSV file ({exc})") from None


def _parse(handle: Any, name: str) -> Labelled:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long abstracts
    reader = csv.DictReader(handle)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(name, f"no column {', '.join(missing)} (ASReview's labelled format "
                         "needs record_id, title, abstract and label_included)", 1)
    reader.fieldnames = header
    records: dict[str, tuple[str, int]] = {}
    for row in reader:
        line = reader.line_num
        rid = (row.get("record_id") or "").strip()
        if not rid:
            raise InputError(name, "empty record_id", line)
        if rid in records:
            raise InputError(name, f"record_id {rid} appears twice", line)
        label = _LABELS.get((row.get("label_included") or "").strip())
        if label is None:
            raise InputError(name, f"label_included must be 0 or 1, not "
                             f"{row.get('label_included')!r} (a simulation needs every "
                             "record labelled)", line)
        records[rid] = (paper_text(row.get("title") or "", row.get("abstract") or ""), label)
    ids = sorted(records, key=_id_key)
    labelled = Labelled(ids, [records[i][0] for i in ids], [records[i][1] for i in ids])
    if not 0 < labelled.included < len(ids):
        raise InputError(name, "a simulation needs at least one included and one excluded "
                         "record")
    return labelled


def _id_key(rid: str) -> tuple[int, int, str]:
    return (0, int(rid), "") if rid.isdigit() else (1, 0, rid)


@dataclass(slots=True)
class Measures:
    wss95: float
    recall10: float
    loss: float


def measures(found: Sequence[int]) -> Measures:
    """The field's measures of a screening order, given each screened record's label."""
    n = len(found)
    relevant = sum(found)
    if not n or not relevant:
        raise ValueError("measures need at least one relevant record")
    target = math.ceil(0.95 * relevant)
    curve = []
    seen = 0
    for label in found:
        seen += label
        curve.append(seen)
    n95 = next(i for i, c in enumerate(curve, 1) if c >= target)
    recall10 = curve[math.ceil(n / 10) - 1] / relevant
    perfect = [min(i, relevant) for i in range(1, n + 1)]
    worst = [max(0, i - (n - relevant)) for i in range(1, n + 1)]
    best_area = sum(perfect) - sum(worst)
    loss = (sum(perfect) - sum(curve)) / best_area if best_area else 0.0
    return Measures((n - n95) / n - 0.05, recall10, loss)


class Oracle:
    """The labels, revealed one record at a time; remembers what it revealed, in order
    (the screening order), and refuses to reveal a record twice."""

    def __init__(self, labels: Sequence[int]) -> None:
        self._labels = labels
        self.revealed: list[int] = []
        self._seen: set[int] = set()

    def __call__(self, row: int) -> int:
        if row in self._seen:
            raise ValueError(f"record {row} revealed twice")
        self._seen.add(row)
        self.revealed.append(row)
        return self._labels[row]


@dataclass(slots=True)
class Simulation:
    order: list[str]  # record ids in screening order, priors first
    found: list[int]  # their labels
    priors: int
    update_ms: list[float] = field(default_factory=list)
    measures: Measures | None = None
    update_cpu_ms: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.update_ms) if self.update_ms else 0.0

    @property
    def worst_ms(self) -> float:
        return max(self.update_ms, default=0.0)


def choose_priors(data: Labelled, prior_ids: Sequence[str], included: int, excluded: int,
                  seed: int) -> list[int]:
    """Rows of the prior records: the ones named, or N included and N excluded drawn with
    the seed (from records in id order, so the file's row order plays no part)."""
    if prior_ids:
        where = {rid: i for i, rid in enumerate(data.ids)}
        unknown = [p for p in prior_ids if p not in where]
        if unknown:
            raise UsageError(f"no record_id {', '.join(unknown)} in the labelled file")
        return list(dict.fromkeys(where[p] for p in prior_ids))
    rng = random.Random(seed)
    inc = [i for i, label in enumerate(data.labels) if label == RELEVANT]
    exc = [i for i, label in enumerate(data.labels) if label == IRRELEVANT]
    if included > len(inc) or excluded > len(exc) or included < 0 or excluded < 0:
        raise UsageError(f"asked for {included} included and {excluded} excluded priors; the "
                         f"file has {len(inc)} and {len(exc)}")
    return rng.sample(inc, included) + rng.sample(exc, excluded)


def simulate(features: Any, oracle: Callable[[int], int], priors: Sequence[int],
             classifier: Callable[[], Any] = default_classifier,
             cpu_ms: list[float] | None = None) -> tuple[list[int], list[float]]:
    """Screen every row: priors first, then always the ranker's best unscreened row.
    Returns the rows in screening order and each choice's time in ms (fit, score,
    choose; wall-clock, and the process's CPU time in ``cpu_ms`` if given: on a shared
    machine the two differ). Before the ranker has both classes, the next row is the first unscreened
    one (rows are shuffled by the caller)."""
    import numpy as np

    ranker = Ranker(features, classifier)
    unscreened = np.ones(len(ranker), dtype=bool)
    order: list[int] = []
    times: list[float] = []

    def screen(row: int) -> None:
        unscreened[row] = False
        order.append(row)
        ranker.label(row, oracle(row))

    for row in priors:
        screen(row)
    while unscreened.any():
        start, cpu = time.perf_counter(), time.process_time()
        if ranker.ready:
            row = ranker.best(ranker.scores(), unscreened)
            times.append((time.perf_counter() - start) * 1000)
            if cpu_ms is not None:
                cpu_ms.append((time.process_time() - cpu) * 1000)
        else:
            row = int(np.argmax(unscreened))
        screen(row)
    return order, times


def run(data: Labelled, prior_rows: Sequence[int], seed: int,
        classifier: Callable[[], Any] = default_classifier) -> Simulation:
    """Shuffle the records with the seed, fit the features, simulate, measure."""
    shuffled = list(range(len(data.ids)))
    random.Random(seed).shuffle(shuffled)
    position = {row: i for i, row in enumerate(shuffled)}
    features = tfidf_matrix([data.texts[row] for row in shuffled])
    oracle = Oracle([data.labels[row] for row in shuffled])
    cpu: list[float] = []
    order, times = simulate(features, oracle, [position[r] for r in prior_rows], classifier,
                            cpu)
    assert order == oracle.revealed
    rows = [shuffled[i] for i in order]
    found = [data.labels[row] for row in rows]
    return Simulation([data.ids[row] for row in rows], found, len(prior_rows), times,
                      measures(found), cpu)

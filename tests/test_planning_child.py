"""Dedup beside the parse: the plan a child makes from light records is plan_import's."""

from __future__ import annotations

import copy
import os
import random
import shutil
from pathlib import Path

import pytest

from reviewer.core import forking, importer, planning
from reviewer.core.dedup import DuplicateIndex, Fingerprint
from reviewer.core.forking import can_fork
from reviewer.core.importer import import_files
from reviewer.core.model import Paper, Source
from reviewer.core.parsers import ParseContext, parse_text
from reviewer.core.planning import Decisions, Planner, plan_import
from reviewer.core.decoding import read_dump
from reviewer.core.store import Review

from .bench import synth
from .conftest import ROOT

SAMPLES = sorted((ROOT / "sample_lists").iterdir())
needs_fork = pytest.mark.skipif(not can_fork(), reason="no fork on this system")


def parsed(path: Path) -> list[Paper]:
    return parse_text(read_dump(path).text, ParseContext(str(path), 2025))[1].papers


def variants(papers: list[Paper], seed: int) -> list[Paper]:
    """Copies of some papers, each richer or poorer in what merges and matches look at."""
    rng = random.Random(seed)
    out = []
    for number, paper in enumerate(rng.sample(papers, len(papers) // 2)):
        twin = copy.deepcopy(paper)
        twin.sources = [Source("/variants.txt", number + 1, "lines")]
        change = number % 8
        if change == 0:
            twin.authors = ["Smith, Ada", "Doe, Jo"] + twin.authors
        elif change == 1:
            twin.year = (twin.year or 2020) + rng.choice((-1, 1, 3))
            twin.year_inferred = False
        elif change == 2:
            twin.arxiv_id = twin.arxiv_id or f"2401.{number:05d}"
        elif change == 3:
            twin.doi, twin.venue = f"10.1/x{number}", "Journal of Tests"
        elif change == 4:
            twin.title += ": With a Subtitle"
        elif change == 5:
            twin.month, twin.day, twin.year_inferred = 5, 4, False
        elif change == 6:
            twin.title = twin.title.lower()
        else:
            twin.authors = [f"Other, Person{number}"]
        out.append(twin)
    return out


def bib_twins(folder: Path) -> Path:
    """A .bib holding the same title under two keys twice: two papers to the file's
    author (dedup.Fingerprint.origin), one if another file brings it again."""
    entries = "".join(
        f"@article{{{key}, title = {{Sparse Attention Patterns for Long Documents}}, "
        f"author = {{Rossi, Ada}}, year = {{2021}}}}\n" for key in ("rossi21a", "rossi21b"))
    path = folder / "twins.bib"
    path.write_text(entries + "@misc{other, title = {Dense Retrieval at Scale}, year = 2020}\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[Paper]:
    folder = tmp_path_factory.mktemp("dumps")
    papers = [p for path in SAMPLES for p in parsed(path)]
    papers += parsed(bib_twins(folder))
    papers += parsed(synth.write_dump(folder, 3000, seed=4))
    return papers + variants(papers, seed=1)


def stored_index(papers: list[Paper]) -> DuplicateIndex:
    """An index as load_index makes it of a review holding ``papers`` (ids from 1)."""
    index = DuplicateIndex()
    for pid, paper in enumerate(papers, 1):
        index.add(Fingerprint.of(pid, paper))
    return index


def light_plan(index: DuplicateIndex, papers: list[Paper]) -> Decisions:
    """What the child does, without the fork."""
    planner = Planner(index)
    planner.feed([planning._Record(*planning._light(p)) for p in papers])
    plan = planner.plan
    return Decisions(plan.decisions, [Fingerprint(-n, f.title_norm, f.arxiv_id, f.doi,
                                                  f.surnames, f.year)
                                      for n, f in enumerate(plan.fingerprints, 1)])


def summary(plan) -> tuple:
    fingerprints = [(f.title_norm, f.arxiv_id, f.doi, f.surnames, f.year)
                    for f in plan.fingerprints]
    return plan.new, fingerprints, plan.into_existing, plan.merged, plan.decisions


def test_light_records_plan_as_the_papers_do(records):
    stored = records[:40]
    incoming = records[40:]
    expected = plan_import(stored_index(stored), copy.deepcopy(incoming))
    assert expected.merged > 100 and expected.into_existing  # the test has teeth
    decisions = light_plan(stored_index(stored), incoming)
    replayed = decisions.replay(copy.deepcopy(incoming))
    assert summary(replayed) == summary(expected)


def test_replay_refuses_decisions_that_do_not_fit():
    papers = [Paper(title="A paper with a long enough title")]
    with pytest.raises(ValueError):
        Decisions([0], []).replay(papers)


def contents(path: Path) -> list[dict]:
    with Review.open(path) as review:
        return [p.to_json() for p in review.papers()]


def imported(tmp_path: Path, name: str, files: list[Path], child: bool,
             monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / f"{name}.sqlite"
    shutil.copy(tmp_path / "start.sqlite", path)
    monkeypatch.setattr(importer, "PLANNING_CHILD_BYTES", 0 if child else 1 << 60)
    with Review.open(path) as review:
        import_files(review, files, year=2025)
    return path


@pytest.fixture
def dumps(tmp_path: Path) -> list[Path]:
    with Review.open(tmp_path / "start.sqlite") as review:
        import_files(review, [ROOT / "sample_lists" / "classics.bib"], year=2025)
    first = synth.write_dump(tmp_path, 2500, seed=7)
    again = tmp_path / "again.txt"  # the same papers, every title changed a little
    text = first.read_text()
    again.write_text(text.replace("A ", "The ").replace(": ", " - "))
    return [*SAMPLES, bib_twins(tmp_path), first, again]


@needs_fork
def test_an_import_planned_by_the_child_stores_what_plan_import_would(tmp_path, dumps,
                                                                     monkeypatch):
    children = []
    real = planning.PlanningChild.__init__

    def spy(self, index):
        real(self, index)
        children.append(self.pid)

    monkeypatch.setattr(planning.PlanningChild, "__init__", spy)
    alone = imported(tmp_path, "alone", dumps, child=False, monkeypatch=monkeypatch)
    assert children == []
    beside = imported(tmp_path, "beside", dumps, child=True, monkeypatch=monkeypatch)
    assert len(children) == 1
    assert contents(beside) == contents(alone)


@needs_fork
def test_a_review_changed_during_the_parse_is_planned_afresh(tmp_path, dumps, monkeypatch):
    """Another process imports a paper of the dump while it is parsed: the dump's copy
    must merge into it, as it would have had the import waited for the other one."""
    path = tmp_path / "start.sqlite"
    dump = dumps[-2]
    title = parsed(dump)[5].title
    other = tmp_path / "other.txt"
    other.write_text(title + "\n")
    real_read = importer.read_files

    def read_while_another_imports(*args, **kwargs):
        monkeypatch.setattr(importer, "read_files", real_read)  # the other import's own
        with Review.open(path) as meanwhile:
            import_files(meanwhile, [other])
        return real_read(*args, **kwargs)

    monkeypatch.setattr(importer, "read_files", read_while_another_imports)
    monkeypatch.setattr(importer, "PLANNING_CHILD_BYTES", 0)
    with Review.open(path) as review:
        import_files(review, [dump], year=2025)
    same = [p for p in contents(path) if p["title"].lower() == title.lower()]
    assert len(same) == 1 and len(same[0]["sources"]) == 2


@needs_fork
def test_a_child_that_dies_leaves_the_planning_to_the_parent(tmp_path, dumps, monkeypatch):
    monkeypatch.setattr(forking, "_serve", lambda *args: os._exit(3))
    beside = imported(tmp_path, "beside", dumps, child=True, monkeypatch=monkeypatch)
    alone = imported(tmp_path, "alone", dumps, child=False, monkeypatch=monkeypatch)
    assert contents(beside) == contents(alone)


@needs_fork
def test_a_bad_file_after_streamed_ones_imports_nothing(tmp_path, dumps, monkeypatch):
    from reviewer.core.errors import InputError

    bad = tmp_path / "junk.bin"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    monkeypatch.setattr(importer, "PLANNING_CHILD_BYTES", 0)
    path = tmp_path / "start.sqlite"
    before = contents(path)
    with Review.open(path) as review, pytest.raises(InputError, match="junk.bin"):
        import_files(review, [dumps[-2], bad], year=2025)
    assert contents(path) == before
    with pytest.raises(ChildProcessError):  # the child was reaped
        os.waitpid(-1, os.WNOHANG)


def test_a_merge_forgets_the_key_stem_computed_ahead():
    from reviewer.core.citekeys import base_key

    first = Paper(title="Segment Anything in Medical Images", year=2023)
    richer = Paper(title="Segment Anything in Medical Images", year=2023,
                   authors=["Ma, Jun", "Wang, Bo"])
    other = Paper(title="A Completely Different Paper About Retrieval", year=2021)
    papers = [first, richer, other]
    for paper in papers:
        paper.citekey = base_key(paper)
    plan = plan_import(DuplicateIndex(), papers)
    assert plan.new == [first, other]
    assert first.citekey == ""  # its authors changed: the stem "segment..." no longer fits
    assert other.citekey == base_key(other)


@needs_fork
def test_an_interrupted_import_stops_its_child(tmp_path, dumps, monkeypatch):
    monkeypatch.setattr(importer, "PLANNING_CHILD_BYTES", 0)
    path = tmp_path / "start.sqlite"
    before = contents(path)

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "parse" and done == 1:  # the first dump is streamed by then
            raise KeyboardInterrupt

    with Review.open(path) as review, pytest.raises(KeyboardInterrupt):
        import_files(review, [dumps[-2], dumps[-1]], year=2025, progress=progress)
    assert contents(path) == before
    with pytest.raises(ChildProcessError):  # the child was reaped
        os.waitpid(-1, os.WNOHANG)


@needs_fork
def test_the_parser_never_waits_for_a_child_still_loading_its_index(tmp_path, records):
    """Records sent while the child is busy (here: until a file appears) wait in the
    parent's backlog, beyond what the pipe holds; the child then plans them all."""
    import time

    go = tmp_path / "go"

    def slow_index() -> DuplicateIndex:
        deadline = time.monotonic() + 30  # a parser that waited would show as a failure
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return stored_index(records[:40])

    incoming = records[40:]
    # Titles long enough that the records outgrow the pipe (1 MB) several times over.
    heavy = [copy.deepcopy(p) for p in incoming for _ in range(3)]
    for number, paper in enumerate(heavy):
        paper.title = f"{paper.title} {'x' * 400} {number}"
    child = planning.PlanningChild(slow_index)
    try:
        for start in range(0, len(heavy), 500):
            child.send(heavy[start:start + 500])
        child.end()
        assert child._backlog, "every record fit in the pipe: the test has no teeth"
        assert not go.exists() and not child.ready()
        go.touch()
        decisions = child.finish()
    finally:
        child.abandon()
    assert decisions is not None
    expected = light_plan(stored_index(records[:40]), heavy)
    assert decisions.decisions == expected.decisions
    assert summary(decisions.replay(copy.deepcopy(heavy))) == \
        summary(expected.replay(copy.deepcopy(heavy)))


@needs_fork
def test_a_child_that_dies_while_records_wait_fails_cleanly(tmp_path, records):
    child = planning.PlanningChild(lambda: os._exit(3))
    try:
        for _ in range(4):
            child.send(records)
        child.end()
        assert child.finish() is None
    finally:
        child.abandon()

"""Bulk work: the garbage-collector pause always gives the collector back, and a big
import is stored as a bulk load that leaves the review in WAL mode as it found it."""

from __future__ import annotations

import gc

import pytest

from reviewer.core.gc_pause import gc_paused


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_pause_is_undone_even_after_an_error():
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_nested_pauses_leave_the_collector_to_the_outermost():
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off():
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_loading_papers_gives_the_collector_back(review):
    review.papers()
    review.summaries()
    assert gc.isenabled()


def test_a_big_import_gives_back_the_page_cache_and_foreign_key_checks(review):
    from reviewer.core.importer import store_papers
    from reviewer.core.model import Paper, Source

    conn = review.conn
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    papers = [Paper(title=f"Paper number {i} on a topic", year=2020,
                    sources=[Source("/d/a.txt", i + 1, "lines")]) for i in range(6000)]
    # The second import merges every paper: the path that updates stored papers too.
    for _ in range(2):
        store_papers(review, papers, ["/d/a.txt"])
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == before
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert review.count() == 6000


def _papers(count: int) -> list:
    from reviewer.core.model import Paper, Source

    return [Paper(title=f"Paper number {i} on a topic", year=2020,
                  sources=[Source("/d/a.txt", i + 1, "lines")]) for i in range(count)]


def test_a_big_import_stays_in_wal(review):
    """A rollback journal for big imports deleted the -wal of connections that had lost
    their locks, and shut every other process out while it ran (issue 16)."""
    from reviewer.core.importer import BULK_PAPERS, store_papers

    modes = []

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "store":
            modes.append(review.conn.execute("PRAGMA journal_mode").fetchone()[0])

    store_papers(review, _papers(BULK_PAPERS), ["/d/a.txt"], progress)
    assert set(modes) == {"wal"}
    assert review.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert review.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert review.count() == BULK_PAPERS


def test_a_big_import_stays_in_wal_while_another_process_reads(review):
    from reviewer.core.importer import BULK_PAPERS, store_papers
    from reviewer.core.store import Review

    with Review.open(review.path) as reader:
        assert reader.count() == 0
        modes = []

        def progress(phase: str, done: int, total: int) -> None:
            if phase == "store":
                modes.append(review.conn.execute("PRAGMA journal_mode").fetchone()[0])
                assert reader.count() == 0  # readers are never blocked by the import

        store_papers(review, _papers(BULK_PAPERS), ["/d/a.txt"], progress)
        assert set(modes) == {"wal"}
        assert reader.count() == BULK_PAPERS


def test_a_small_import_stays_in_wal(review):
    from reviewer.core.importer import BULK_PAPERS, store_papers

    modes = []

    def progress(phase: str, done: int, total: int) -> None:
        modes.append(review.conn.execute("PRAGMA journal_mode").fetchone()[0])

    store_papers(review, _papers(BULK_PAPERS - 1), ["/d/a.txt"], progress)
    assert set(modes) == {"wal"}

"""The garbage-collector pause around bulk work always gives the collector back."""

from __future__ import annotations

import gc

import pytest

from reviewer.core.bulk import gc_paused


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

"""An import in a fresh process (what the TUI runs for a big dump, so that its planning
child can fork): the same papers as in process, progress, errors and cancelling."""

from __future__ import annotations

import pytest

from reviewer.core.errors import ReviewerError
from reviewer.core.import_process import ImportCancelled, import_in_process
from reviewer.core.importer import import_files
from reviewer.core.store import Review

from .conftest import FIXTURES, ROOT

SAMPLES = sorted(str(p) for p in (ROOT / "sample_lists").iterdir())


def contents(path) -> list[dict]:
    with Review.open(path) as review:
        return [{k: v for k, v in p.to_json().items() if k != "id"} for p in review.papers()]


def test_the_same_papers_as_an_import_in_process_with_progress(tmp_path):
    with Review.open(tmp_path / "here.sqlite") as review:
        here = import_files(review, SAMPLES, year=2025)
    phases = []
    report = import_in_process(tmp_path / "there.sqlite", SAMPLES, None, 2025,
                               lambda phase, done, total: phases.append(phase))
    assert (report.new, report.merged) == (here.new, here.merged)
    assert [r.file for r in report.files] == SAMPLES
    assert contents(tmp_path / "there.sqlite") == contents(tmp_path / "here.sqlite")
    assert {"parse", "dedup", "store"} <= set(phases)


def test_a_bad_file_is_one_message_and_stores_nothing(tmp_path):
    bad = tmp_path / "junk.txt"
    bad.write_text("12345 67890\n!!! ###\n")
    with pytest.raises(ReviewerError, match="junk.txt"):
        import_in_process(tmp_path / "r.sqlite", [SAMPLES[0], str(bad)], None, 2025)
    assert contents(tmp_path / "r.sqlite") == []


def test_a_cancelled_import_stores_nothing(tmp_path):
    with pytest.raises(ImportCancelled):
        import_in_process(tmp_path / "r.sqlite", SAMPLES, None, 2025, cancelled=lambda: True)
    assert contents(tmp_path / "r.sqlite") == []

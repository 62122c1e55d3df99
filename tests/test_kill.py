"""SIGKILL in the middle of an import or of a burst of edits, then look at what is left.

The review must open, pass SQLite's integrity check, hold every edit whose call had
returned, and hold either all of an import or none of it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer.core.store import Review

from .bench import synth
from .conftest import FIXTURES, ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

BURST = """
import sys
from reviewer.core.store import Review
review = Review.open(sys.argv[1])
ids = [p.id for p in review.papers()]
for n in range(100000):
    pid = ids[n % len(ids)]
    review.tag([pid], [f"t{n}"])
    print(n, flush=True)  # the call has returned: the edit is committed
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _check_integrity(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def _seeded_review(path: Path) -> tuple[int, int]:
    """A review with a few papers and one starred: what the kill must not touch."""
    with Review.open(path) as review:
        from reviewer.core.importer import import_files
        import_files(review, [FIXTURES / "hf" / "rich.txt"], year=2024)
        first = review.papers()[0].id
        review.star([first])
        review.set_note(first, "written before the crash")
        return review.count(), first


def test_kill_in_the_middle_of_a_large_import(tmp_path):
    path = tmp_path / "review.sqlite"
    before, first = _seeded_review(path)
    with Review.open(path) as review:
        history_before = len(review.history())
    # Big enough to overflow the import's 64 MB page cache, so that pages reach the
    # review file (or its WAL) while the transaction is still open.
    dump = synth.write_dump(tmp_path, 60_000)
    wal = Path(f"{path}-wal")
    at_start = {f: f.stat().st_size if f.exists() else 0 for f in (path, wal)}

    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewer", "--review", str(path), "import", str(dump)],
        env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Wait until the import is writing (its transaction spills pages into the review file
    # under a rollback journal, or into the WAL), then kill it there: the worst moment.
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if any(f.exists() and f.stat().st_size > size + (1 << 20)
               for f, size in at_start.items()):
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the import ended before it could be killed"

    _check_integrity(path)
    with Review.open(path) as review:
        assert review.count() == before  # nothing of the killed import
        paper = review.get(first)
        assert paper.starred and paper.note == "written before the crash"
        assert len(review.history()) == history_before  # no trace of it in undo either
    # And the same import, run to the end, still works on that review.
    done = subprocess.run(
        [sys.executable, "-m", "reviewer", "--review", str(path), "import", str(dump)],
        env=_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    _check_integrity(path)
    with Review.open(path) as review:
        assert review.count() > before + 50_000


def test_kill_in_the_middle_of_a_burst_of_edits(tmp_path):
    path = tmp_path / "review.sqlite"
    _seeded_review(path)
    proc = subprocess.Popen([sys.executable, "-c", BURST, str(path)], env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    returned: list[int] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        returned.append(int(line))
        if len(returned) == 150:
            break
    proc.send_signal(signal.SIGKILL)  # it is still tagging: lines keep coming
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    _check_integrity(path)
    with Review.open(path) as review:
        tags = {tag for paper in review.papers() for tag in paper.tags}
        assert {f"t{n}" for n in returned} <= tags
        # Each edit is whole: a tag in the review has its history row, so undo sees it.
        newest = max(int(t[1:]) for t in tags)
        assert newest >= returned[-1]
        entry = review.undo()
        assert entry is not None
        assert f"t{newest}" not in {tag for paper in review.papers() for tag in paper.tags}

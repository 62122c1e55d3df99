"""Two processes editing one review at once: no update is lost, or the loser is told."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from reviewer.core.importer import import_files
from reviewer.core.store import Review

from .conftest import FIXTURES, ROOT

EDITOR = """
import json, sys
from reviewer.core.errors import ReviewError
from reviewer.core.store import Review
path, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
review = Review.open(path)
ids = [p.id for p in review.papers()]
done, busy = [], []
for n in range(count):
    tag = f"{who}{n}"
    try:
        review.tag([ids[n % len(ids)]], [tag])
        if n % 3 == 0:
            review.star([ids[n % len(ids)]], starred=(who == "a"))
        done.append(tag)
    except ReviewError as exc:
        busy.append(str(exc))
print(json.dumps({"done": done, "busy": busy}))
"""


def test_two_processes_editing_one_review_lose_nothing(tmp_path):
    path = tmp_path / "review.sqlite"
    with Review.open(path) as review:
        import_files(review, [FIXTURES / "hf" / "rich.txt"], year=2024)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", EDITOR, str(path), who, "150"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in ("a", "b")]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out))

    done = {tag for r in results for tag in r["done"]}
    for r in results:  # a refusal, if any, says why in words
        assert all("busy" in message for message in r["busy"])
    with Review.open(path) as review:
        stored = {tag for paper in review.papers() for tag in paper.tags}
        assert stored == done
        assert len(done) + sum(len(r["busy"]) for r in results) == 300
        # Both writers' changes are in the history, each as its own undo step.
        assert len(review.history(limit=1000)) >= len(done)


def test_a_reader_sees_a_consistent_review_while_another_process_imports(tmp_path):
    from .bench import synth

    path = tmp_path / "review.sqlite"
    with Review.open(path) as review:
        import_files(review, [FIXTURES / "hf" / "rich.txt"], year=2024)
        before = review.count()
    dump = synth.write_dump(tmp_path, 5_000)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", "--review", str(path), "import",
                             str(dump)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    counts = set()
    with Review.open(path) as review:
        while proc.poll() is None:
            counts.add(review.count())  # WAL: readers never wait for the writer
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    with Review.open(path) as review:
        after = review.count()
    assert after > before
    assert counts <= {before, after}  # never a half-imported count

"""An open review stays one review for every process (issue 16, items 1 and 5).

Real processes: one holds the review open as the TUI does and runs the TUI's import and
export (each opens the review again on a worker thread), while CLI processes edit and
read it.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.cli import main

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")

# What the TUI does: the app's own connection, and the import and export screens'
# workers, each on a connection of its own (screens/importing.py, screens/export.py).
HOLDER = """
import os, sys, threading
from pathlib import Path
from reviewer.core.export.bibfile import write_bibtex
from reviewer.core.export.selection import Selection
from reviewer.core.importer import import_files
from reviewer.core.store import Review

path, dump, bib = sys.argv[1:4]
review = Review.open(path)

def import_worker():
    with Review.open(path) as worker:
        import_files(worker, [dump], year=2024)

def export_worker():
    worker = Review.open(path)
    try:
        with worker.transaction():
            write_bibtex(worker, Selection(everything=True), Path(bib))
    finally:
        worker.close()

def deleted():
    names = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            names.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return [n for n in names if n.endswith("(deleted)")]

for step in sys.stdin:
    step = step.strip()
    if step == "import":
        t = threading.Thread(target=import_worker); t.start(); t.join()
    elif step == "export":
        t = threading.Thread(target=export_worker); t.start(); t.join()
    elif step.startswith("star"):
        review.star([int(step.split()[1])])
    elif step.startswith("tag"):
        review.tag([int(step.split()[1])], [step.split()[2]])
    elif step == "quit":
        review.close()
        print("bye", flush=True)
        break
    print("deleted:" + "|".join(deleted()), flush=True)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", "--review", str(path), *args],
                          env=_env(), capture_output=True, text=True, timeout=120)


def test_an_open_review_keeps_its_wal_through_import_export_and_cli_edits(tmp_path):
    from .bench import synth

    path = tmp_path / "review.sqlite"
    dump = synth.write_dump(tmp_path, 300)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(dump),
                               str(tmp_path / "out.bib")], env=_env(), text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)

    def step(line: str) -> str:
        holder.stdin.write(line + "\n")
        holder.stdin.flush()
        answer = holder.stdout.readline()
        assert answer, holder.stderr.read()
        return answer.strip()

    try:
        assert step("import") == "deleted:"
        assert step("star 1") == "deleted:"
        assert step("export") == "deleted:"
        edit = _cli(path, "tag", "2", "from-cli")
        assert edit.returncode == 0, edit.stderr
        # The CLI process closed its connection: were the holder's locks still there,
        # the -wal and -shm it uses were not deleted under it.
        assert step("star 3") == "deleted:"
        assert Path(f"{path}-wal").exists()
        assert step("import") == "deleted:"  # the same dump again: no change, no entry
        edit = _cli(path, "tag", "4", "from-cli-again")
        assert edit.returncode == 0, edit.stderr
        assert step("tag 5 from-holder") == "deleted:"
        assert step("quit") == "bye"
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(timeout=30)

    history = _cli(path, "history", "--limit", "100")
    assert history.returncode == 0, history.stderr
    labels = [line.split(None, 2)[2] for line in reversed(history.stdout.splitlines())]
    assert [label.split(":")[0] for label in labels] == [
        f"import {dump.name}", "star #1", "tag #2 from-cli", "star #3",
        "tag #4 from-cli-again", "tag #5 from-holder"]
    numbers = [int(line.split()[0]) for line in history.stdout.splitlines()]
    assert numbers == [6, 5, 4, 3, 2, 1]


CLI_LOOP = """
import contextlib, io, sys
from reviewer.cli import main
from reviewer.core.errors import ReviewError
from reviewer.core.store import Review
path, stop = sys.argv[1], sys.argv[2]
import os
failures, runs = [], 0
while not os.path.exists(stop):
    for args in (["list"], ["stats"], ["star", "1"], ["unstar", "1"]):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["--review", path, *args])
        runs += 1
        if code != 0:
            failures.append(f"{args[0]}: {err.getvalue().strip()}")
    try:  # what a TUI launch does before its screen
        Review.open(path).close()
    except ReviewError as exc:
        failures.append(f"open: {exc}")
print(runs, len(failures))
for f in failures[:5]:
    print(f)
"""


def test_readers_and_writers_wait_for_a_big_import_instead_of_failing(tmp_path):
    """While 6,000 papers are imported (over the old rollback-journal threshold), list,
    stats, star and opening the review as a TUI launch does, in another process, never
    fail with 'busy'."""
    from .bench import synth

    path = tmp_path / "review.sqlite"
    (tmp_path / "seed").mkdir()
    seed = synth.write_dump(tmp_path / "seed", 50, seed=1)
    assert _cli(path, "import", str(seed)).returncode == 0
    dump = synth.write_dump(tmp_path, 6_000)
    stop = tmp_path / "stop"
    loop = subprocess.Popen([sys.executable, "-c", CLI_LOOP, str(path), str(stop)],
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        importing = _cli(path, "import", str(dump))
    finally:
        stop.touch()
        out, err = loop.communicate(timeout=300)
    assert importing.returncode == 0, importing.stderr
    assert loop.returncode == 0, err
    first, *messages = out.splitlines()
    runs, failed = first.split()
    assert int(runs) > 4
    assert int(failed) == 0, messages
    code, _ = _in_process(path, "list")
    assert code == 0


def _in_process(path: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--review", str(path), *args])
    return code, out.getvalue()


def test_importing_the_review_into_itself_is_refused_before_it_is_read(tmp_path):
    from reviewer.core.errors import InputError
    from reviewer.core.importer import import_files
    from reviewer.core.store import Review

    from .conftest import FIXTURES

    path = tmp_path / "review.sqlite"
    with Review.open(path) as review:
        import_files(review, [FIXTURES / "hf" / "rich.txt"], year=2024)
        link = tmp_path / "link.txt"
        os.link(path, link)
        for target in (path, Path(f"{path}-wal"), link):
            with pytest.raises(InputError, match="is the review itself"):
                import_files(review, [target])

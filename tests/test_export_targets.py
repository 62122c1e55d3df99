"""Export targets, through the real command line: the review and its SQLite files are
never written over, links are written through, special files refused, and a survey's
files killed halfway are completed by the next export."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.core.importer import import_files
from reviewer.core.store import Review

ROOT = Path(__file__).resolve().parent.parent
PAPERS = Path(__file__).parent / "tui" / "fixtures" / "papers.txt"


def reviewer(review: Path, *args: str | Path, prelude: str = "") -> subprocess.CompletedProcess:
    """``reviewer --review REVIEW ARGS`` in a process of its own (``prelude``: Python run
    in it first, to inject a failure)."""
    code = f"{prelude}\nimport sys\nfrom reviewer.cli import main\nsys.exit(main(sys.argv[1:]))"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code, "--review", str(review),
                           *map(str, args)], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def review(tmp_path: Path) -> Path:
    path = tmp_path / "r.sqlite"
    with Review.open(path) as r:
        import_files(r, [PAPERS], year=2024)
        r.decide([1, 2], "include")
    return path


def fingerprint(review: Path) -> tuple[str, int]:
    with Review.open(review) as r:
        count = r.count()
    return hashlib.sha256(review.read_bytes()).hexdigest(), count


EXPORTS = [("bibtex", "--all", "{}"), ("csv", "--all", "{}"), ("markdown", "--all", "{}"),
           ("markdown", "--all", "s.md", "--bib", "{}")]


@pytest.mark.parametrize("target", ["review", "wal", "shm", "journal", "hard link",
                                    "symbolic link", "link to wal", "relative name"])
def test_an_export_onto_the_review_is_refused_and_the_review_kept(review, tmp_path, target):
    name = {"review": review, "wal": f"{review}-wal", "shm": f"{review}-shm",
            "journal": f"{review}-journal", "hard link": tmp_path / "hard.db",
            "symbolic link": tmp_path / "soft.db", "link to wal": tmp_path / "wal.db",
            "relative name": "./sub/../r.sqlite"}[target]
    (tmp_path / "sub").mkdir()
    if target == "hard link":
        os.link(review, name)
    elif target == "symbolic link":
        os.symlink(review, name)
    elif target == "link to wal":
        os.symlink(f"{review}-wal", name)
    before = fingerprint(review)
    for kind, *args in EXPORTS:
        args = [a.format(name) for a in args]
        proc = subprocess.run(
            [sys.executable, "-m", "reviewer", "--review", str(review), "export", kind, *args],
            env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=tmp_path, capture_output=True,
            text=True, timeout=120)
        assert proc.returncode == 2, (kind, proc.stdout, proc.stderr)
        assert "would destroy the review" in proc.stderr
        if target in ("review", "relative name"):  # its name once, not twice over
            assert f"{name}: is the review itself;" in proc.stderr
            assert proc.stderr.count(str(review)) == (target == "review")
        assert proc.stderr.count("\n") == 1 and proc.stdout == ""
    assert fingerprint(review) == before
    assert not os.path.exists(f"{review}-journal") and not (tmp_path / "s.md").exists()


def test_a_skeleton_and_its_bib_in_the_same_file_are_refused(review, tmp_path):
    (tmp_path / "s.bib").write_text("old")
    os.link(tmp_path / "s.bib", tmp_path / "s.md")
    proc = reviewer(review, "export", "markdown", tmp_path / "s.md", "--bib",
                    tmp_path / "s.bib")
    assert proc.returncode == 2 and "are the same file" in proc.stderr
    assert (tmp_path / "s.bib").read_text() == "old"


def test_an_export_writes_through_a_symbolic_link(review, tmp_path):
    real = tmp_path / "thesis" / "refs.bib"
    real.parent.mkdir()
    real.write_text("stale")
    (tmp_path / "refs.bib").symlink_to(real)
    proc = reviewer(review, "export", "bibtex", tmp_path / "refs.bib")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "refs.bib").is_symlink()
    assert real.read_text().count("\n@") == 2


@pytest.mark.parametrize("special", ["fifo", "device", "link to /dev/null", "directory"])
def test_an_export_onto_a_special_file_is_refused(review, tmp_path, special):
    target = tmp_path / "refs.out"
    if special == "fifo":
        os.mkfifo(target)
    elif special == "device":  # a node of our own: never the system's
        try:
            os.mknod(target, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("mknod needs root")
    elif special == "directory":
        target.mkdir()
    else:
        target.symlink_to("/dev/null")
    before = os.lstat(target)
    for kind, *args in EXPORTS:
        proc = reviewer(review, "export", kind, *[a.format(target) for a in args])
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
        assert "not a regular file" in proc.stderr and str(target) in proc.stderr
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode,
                                                            before.st_rdev)


# A prelude that kills the process (SIGKILL) at one step of writing a survey's files.
KILL_AT = """
import os, signal
from reviewer.core.export import files
POINT = {point!r}
steps = []
def step(name):
    steps.append(name)
    if steps.count(name) == {nth} and name == POINT:
        os.kill(os.getpid(), signal.SIGKILL)
def wrap(function, name):
    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        step(name)
        return result
    return wrapped
files._write_temporary = wrap(files._write_temporary, "temporary")
files._write_intents = wrap(files._write_intents, "intents")
files.os = type("os", (), {{name: getattr(os, name) for name in dir(os)}})
files.os.replace = wrap(os.replace, "rename")
"""


@pytest.mark.parametrize(("point", "nth"), [("temporary", 1), ("temporary", 2),
                                            ("intents", 1), ("rename", 1), ("rename", 2)])
def test_a_survey_killed_anywhere_is_both_old_or_both_new(review, tmp_path, point, nth):
    from reviewer.core.export.files import finish_interrupted

    md, bib = tmp_path / "s.md", tmp_path / "s.bib"
    assert reviewer(review, "export", "markdown", md).returncode == 0
    old = (md.read_text(), bib.read_text())
    with Review.open(review) as r:
        r.decide([3], "include")
    proc = reviewer(review, "export", "markdown", md,
                    prelude=KILL_AT.format(point=point, nth=nth))
    assert proc.returncode == -9
    if point == "rename" and nth == 1:  # the state the issue found: a new .bib, an old .md
        assert bib.read_text() != old[1] and md.read_text() == old[0]
    for target in (bib, md, tmp_path / "s-prisma.svg"):
        finish_interrupted(target)  # what the next export of the survey does first
    now = (md.read_text(), bib.read_text())
    if point in ("temporary", "intents") and (point, nth) != ("intents", 1):
        assert now == old
    else:  # the intents were in place: rolled forward
        assert now[0].count("- [@") == 3 and now[1].count("\n@") == 3
    assert sorted(p.name for p in tmp_path.iterdir()  # data/: the review's backups
                  if not p.name.startswith("r.sqlite") and p.name != "data") == [
        "s-prisma.svg", "s.bib", "s.md"]


def test_a_survey_killed_between_its_renames_is_completed_by_the_next_export(review,
                                                                            tmp_path):
    md, bib = tmp_path / "s.md", tmp_path / "s.bib"
    assert reviewer(review, "export", "markdown", md).returncode == 0
    old_md = md.read_text()
    assert old_md.count("- [@") == 2
    with Review.open(review) as r:
        r.decide([3], "include")
    proc = reviewer(review, "export", "markdown", md,
                    prelude=KILL_AT.format(point="rename", nth=1))
    assert proc.returncode == -9
    # Killed: the new .bib beside the old skeleton (the state the issue found)...
    assert bib.read_text().count("\n@") == 3 and md.read_text() == old_md
    # ...which the next export that writes either file completes first.
    proc = reviewer(review, "export", "bibtex", bib)
    assert proc.returncode == 0, proc.stderr
    assert md.read_text().count("- [@") == 3
    assert sorted(p.name for p in tmp_path.iterdir()  # data/: the review's backups
                  if not p.name.startswith("r.sqlite") and p.name != "data") == [
        "s-prisma.svg", "s.bib", "s.md"]


# Failures root cannot meet for real (permissions do not apply to root): injected in the
# exporting process.
FULL_DISK = """
import errno, os
from reviewer.core.export import files
_fdopen = os.fdopen
class _Full:  # the first piece is written, then the disk is full
    def __init__(self, fh):
        self.fh = fh
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.fh.close()
    def writelines(self, pieces):
        for piece in pieces:
            self.fh.write(piece)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    write = lambda self, data: self.writelines([data])
files.os = type("os", (), {name: getattr(os, name) for name in dir(os)})
files.os.fdopen = lambda fd, *a, **k: _Full(_fdopen(fd, *a, **k))
"""
READ_ONLY_FOLDER = """
import errno, os
from reviewer.core.export import files
def _denied(*args):
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
files._create_beside = _denied
"""


@pytest.mark.parametrize(("prelude", "cause"), [(FULL_DISK, "No space left on device"),
                                                (READ_ONLY_FOLDER, "Permission denied")])
def test_a_write_that_fails_is_one_line_naming_the_file_and_the_old_file_stays(
        review, tmp_path, prelude, cause):
    out = tmp_path / "refs.out"
    out.write_text("old")
    for kind, *args in EXPORTS:
        proc = reviewer(review, "export", kind, *[a.format(out) for a in args],
                        prelude=prelude)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and f"cannot write ({cause})" in proc.stderr
        assert str(tmp_path) in proc.stderr, proc.stderr  # names the file
        assert out.read_text() == "old"
        assert sorted(p.name for p in tmp_path.iterdir()  # data/: the review's backups
                      if not p.name.startswith("r.sqlite") and p.name != "data") == ["refs.out"]
    with Review.open(review) as r:  # nothing exported: no key frozen
        assert r.frozen_citekeys(p.id for p in r.papers()) == set()

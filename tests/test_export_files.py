"""Export files are replaced whole: a failed write leaves the old file and no debris."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviewer.core.export.files import write_atomically


def test_writes_utf8_with_unix_line_ends(tmp_path: Path):
    out = tmp_path / "refs.bib"
    write_atomically(out, "Łukasz\nend\n")
    assert out.read_bytes() == "Łukasz\nend\n".encode()
    assert out.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def test_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path):
    out = tmp_path / "refs.bib"
    out.write_text("old")
    out.chmod(0o600)
    write_atomically(out, "new")
    assert out.read_text() == "new"
    assert out.stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    out = tmp_path / "refs.bib"
    out.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(out, "half \ud800 broken")  # a lone surrogate cannot be written
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def test_a_stale_temporary_of_a_killed_run_does_not_block(tmp_path: Path):
    stale = tmp_path / f".refs.bib.{os.getpid()}.0.tmp"
    stale.write_text("debris")
    write_atomically(tmp_path / "refs.bib", "new")
    assert (tmp_path / "refs.bib").read_text() == "new"


def test_a_file_that_holds_the_content_already_is_not_rewritten(tmp_path: Path):
    out = tmp_path / "refs.bib"
    assert write_atomically(out, "same\n") is True
    os.utime(out, (1_000_000, 1_000_000))
    assert write_atomically(out, b"same\n") is False
    assert out.stat().st_mtime == 1_000_000
    assert write_atomically(out, "same, longer\n") is True
    assert write_atomically(out, "Same, longer\n") is True  # same size, other bytes
    assert out.read_text() == "Same, longer\n"


def test_a_file_given_in_pieces_is_written_and_compared_whole(tmp_path: Path):
    out = tmp_path / "refs.bib"
    assert write_atomically(out, [b"@misc{a,\n}\n", b"\n", "@misc{ü,\n}\n".encode()]) is True
    assert out.read_text(encoding="utf-8") == "@misc{a,\n}\n\n@misc{ü,\n}\n"
    os.utime(out, (1_000_000, 1_000_000))
    # The same bytes cut elsewhere are the same file.
    assert write_atomically(out, "@misc{a,\n}\n\n@misc{ü,\n}\n") is False
    assert write_atomically(out, [b"@misc{a,\n}\n\n@mi", "sc{ü,\n}\n".encode()]) is False
    assert out.stat().st_mtime == 1_000_000
    # Same size, one piece differs: rewritten.
    assert write_atomically(out, [b"@misc{b,\n}\n", b"\n", "@misc{ü,\n}\n".encode()]) is True
    assert out.read_text(encoding="utf-8") == "@misc{b,\n}\n\n@misc{ü,\n}\n"
    assert write_atomically(out, []) is True
    assert out.read_bytes() == b""


# -- a full disk, special targets, links -------------------------------------------------

def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every export write fails as on a full disk (as root, permissions cannot make a
    write fail)."""
    import errno

    from reviewer.core.export import files

    real = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        writelines = write

    monkeypatch.setattr(files.os, "fdopen", lambda fd, *a, **k: Full(real(fd, *a, **k)))


def test_a_full_disk_names_the_file_and_leaves_the_old_one_whole(tmp_path, monkeypatch):
    from reviewer.core.errors import WriteError

    out = tmp_path / "refs.bib"
    out.write_text("old")
    disk_full(monkeypatch)
    with pytest.raises(WriteError) as caught:
        write_atomically(out, "new content")
    assert str(caught.value).startswith(f"{out}: cannot write (No space left on device)")
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def test_an_unwritable_directory_names_the_file(tmp_path, monkeypatch):
    import errno

    from reviewer.core.errors import WriteError
    from reviewer.core.export import files

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(files, "_create_beside", denied)
    with pytest.raises(WriteError, match=r"refs\.bib: cannot write \(Permission denied\)"):
        write_atomically(tmp_path / "refs.bib", "new")


def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real" / "refs.bib"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    assert write_atomically(link, "new") is True
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real", "refs.bib"]
    assert write_atomically(link, "new") is False  # already holds it: left alone


def test_a_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "refs.bib"
    link.symlink_to(tmp_path / "elsewhere.bib")
    write_atomically(link, "new")
    assert link.is_symlink() and (tmp_path / "elsewhere.bib").read_text() == "new"


@pytest.mark.parametrize("special", ["fifo", "device", "directory", "link to device"])
def test_what_is_not_a_regular_file_is_refused_and_left_alone(tmp_path, special):
    from reviewer.core.errors import UsageError

    target = tmp_path / "refs.bib"
    if special == "fifo":
        os.mkfifo(target)
    elif special == "directory":
        target.mkdir()
    elif special == "device":
        try:
            os.mknod(target, 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("mknod needs root")
    else:
        target.symlink_to("/dev/null")
    before = os.lstat(target)
    with pytest.raises(UsageError, match="not a regular file"):
        write_atomically(target, "new")
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


# -- a pair of files: both old or both new -------------------------------------------------

def test_a_pair_is_written_and_a_file_holding_its_content_left_alone(tmp_path):
    from reviewer.core.export.files import write_together

    md, bib = tmp_path / "s.md", tmp_path / "s.bib"
    assert write_together([(md, "md 1"), (bib, "bib 1")]) == [True, True]
    os.utime(bib, (1_000_000, 1_000_000))
    assert write_together([(md, "md 2"), (bib, "bib 1")]) == [True, False]
    assert bib.stat().st_mtime == 1_000_000
    assert (md.read_text(), bib.read_text()) == ("md 2", "bib 1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.bib", "s.md"]


def _interrupt_after_first_rename(monkeypatch):
    from reviewer.core.export import files

    real = os.replace
    calls = []

    def replace(src, dst):
        if calls:
            raise KeyboardInterrupt  # the process dies between the two renames
        calls.append(dst)
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)


def test_a_pair_cut_between_its_renames_is_completed_by_the_next_write(tmp_path, monkeypatch):
    from reviewer.core.export.files import finish_interrupted, write_together

    md, bib = tmp_path / "s.md", tmp_path / "s.bib"
    write_together([(md, "md old"), (bib, "bib old")])
    _interrupt_after_first_rename(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        write_together([(md, "md new"), (bib, "bib new")])
    monkeypatch.undo()
    assert (md.read_text(), bib.read_text()) == ("md new", "bib old")  # half done...
    assert finish_interrupted(bib) == [bib]  # ...and rolled forward from either file
    assert (md.read_text(), bib.read_text()) == ("md new", "bib new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.bib", "s.md"]


def test_any_later_write_of_a_cut_pair_completes_it_first(tmp_path, monkeypatch):
    md, bib = tmp_path / "s.md", tmp_path / "s.bib"
    from reviewer.core.export.files import write_together

    write_together([(md, "md old"), (bib, "bib old")])
    _interrupt_after_first_rename(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        write_together([(md, "md new"), (bib, "bib new")])
    monkeypatch.undo()
    write_atomically(md, "md newer")  # the csv, say, or the skeleton alone
    assert (md.read_text(), bib.read_text()) == ("md newer", "bib new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.bib", "s.md"]


def test_a_pair_whose_second_file_cannot_be_written_changes_neither(tmp_path, monkeypatch):
    from reviewer.core.errors import WriteError
    from reviewer.core.export.files import write_together

    md, bib = tmp_path / "s.md", tmp_path / "s.bib"
    write_together([(md, "md old"), (bib, "bib old")])
    from reviewer.core.export import files

    real = files._write_temporary
    calls = []

    def second_fails(target, pieces, shown, sync):
        if calls:
            disk_full(monkeypatch)
        calls.append(target)
        return real(target, pieces, shown, sync)

    monkeypatch.setattr(files, "_write_temporary", second_fails)
    with pytest.raises(WriteError, match=r"s\.bib: cannot write"):
        write_together([(md, "md new"), (bib, "bib new")])
    assert (md.read_text(), bib.read_text()) == ("md old", "bib old")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.bib", "s.md"]


def test_a_torn_intent_is_ignored_and_removed(tmp_path):
    from reviewer.core.export.files import finish_interrupted, intent_path

    md = tmp_path / "s.md"
    md.write_text("old")
    intent_path(md).write_text('{"renames": [["')  # killed while writing the intent
    assert finish_interrupted(md) == []
    assert md.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["s.md"]


def test_an_intent_renames_nothing_but_its_own_temporaries(tmp_path):
    import json

    from reviewer.core.export.files import finish_interrupted, intent_path

    md, other = tmp_path / "s.md", tmp_path / "precious.txt"
    md.write_text("old")
    other.write_text("keep")
    intent_path(md).write_text(json.dumps({"renames": [[str(other), str(md)]],
                                           "intents": [str(intent_path(md))]}))
    finish_interrupted(md)
    assert md.read_text() == "old" and other.read_text() == "keep"


def test_the_temporaries_of_a_killed_export_are_swept_by_the_next(tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)  # a process that has ended
    debris = tmp_path / f".refs.bib.{pid}.0.tmp"
    debris.write_text("half an export")
    mine = tmp_path / f".refs.bib.{os.getpid()}.0.tmp"  # a live process's: kept
    mine.write_text("being written")
    other = tmp_path / f".notes.txt.{pid}.0.tmp"  # not this target's
    other.write_text("x")
    write_atomically(tmp_path / "refs.bib", "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name,
                                                                 "refs.bib"])

"""What `--review` may point at: anything that is not a review is refused and left as it was."""

from __future__ import annotations

import contextlib
import io
import os
import random
import sqlite3
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.core import schema
from reviewer.core.errors import ReviewError
from reviewer.core.store import Review

from .conftest import FIXTURES


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def refused_untouched(path: Path, *command: str) -> str:
    folder = path.parent
    before = snapshot(folder)
    code, out, err = cli("--review", str(path), *command)
    assert code == 2 and err.startswith("reviewer: ") and err.count("\n") == 1, (out, err)
    assert "Traceback" not in err
    assert snapshot(folder) == before  # not even a -wal or -shm file beside it
    return err


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()


def _foreign_wal(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()  # a clean close folds the WAL back and deletes it


def _noise(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


CASES = {
    "text file": lambda p: p.write_text("my notes\n" * 40),
    "empty-looking SQLite header": lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\0" * 84),
    "corrupt SQLite": lambda p: p.write_bytes(b"SQLite format 3\x00" + _noise(8192)),
    # Bytes 18-19 say "WAL mode": a careless read-only open creates -wal and -shm files.
    "corrupt SQLite in WAL mode": lambda p: p.write_bytes(
        b"SQLite format 3\x00\x10\x00\x02\x02" + _noise(8172)),
    "another program's database": _foreign,
    "another program's WAL database": _foreign_wal,
    "a PNG": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(600)),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("command", [["list"], ["import", str(FIXTURES / "hf" / "rich.txt")],
                                     ["star", "1"], ["stats"]])
def test_not_a_review_is_refused_and_left_untouched(tmp_path, case, command):
    path = tmp_path / "target.sqlite"
    CASES[case](path)
    refused_untouched(path, *command)


def test_a_directory_is_not_a_review(tmp_path):
    folder = tmp_path / "somewhere"
    folder.mkdir()
    (folder / "keep.txt").write_text("x")
    err = refused_untouched(folder, "list")
    assert "directory" in err
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]


def test_a_review_from_a_newer_reviewer_is_refused(tmp_path):
    path = tmp_path / "future.sqlite"
    Review.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (?, '2099-01-01')", (schema.VERSION + 1,))
    conn.commit()
    conn.close()
    err = refused_untouched(path, "list")
    assert "newer" in err


def test_a_review_in_a_folder_that_does_not_exist_yet_is_created(tmp_path):
    path = tmp_path / "new" / "deeper" / "survey.sqlite"
    code, out, err = cli("--review", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))
    assert code == 0, err
    assert path.is_file()


def test_a_review_name_lives_in_the_user_data_dir(tmp_path):
    code, out, err = cli("--review", "my-survey", "import", str(FIXTURES / "hf" / "rich.txt"))
    assert code == 0, err
    assert (tmp_path / "data" / "reviewer" / "reviews" / "my-survey.sqlite").is_file()
    code, out, err = cli("reviews")
    assert "my-survey" in out


def test_a_read_only_review_can_be_read_but_edits_are_refused(tmp_path):
    path = tmp_path / "r.sqlite"
    assert cli("--review", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))[0] == 0
    os.chmod(path, 0o444)
    os.chmod(tmp_path, 0o555)
    try:
        if os.access(path, os.W_OK):
            pytest.skip("running as root: file permissions do not apply")
        before = path.read_bytes()
        code, out, err = cli("--review", str(path), "star", "1")
        assert code == 2 and err.count("\n") == 1
        assert path.read_bytes() == before
    finally:
        os.chmod(tmp_path, 0o755)
        os.chmod(path, 0o644)


def test_open_refuses_before_writing_anything(tmp_path):
    path = tmp_path / "other.db"
    _foreign(path)
    before = path.read_bytes()
    with pytest.raises(ReviewError):
        Review.open(path)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


# -- where the user cannot write (issue 16, item 8) ---------------------------------------

def _not_writable(monkeypatch, *paths: Path) -> None:
    """What os.access says to a user without write permission there: root is never
    refused, so the tests running as root pretend (the non-root variants do not)."""
    real = os.access
    blocked = {str(p) for p in paths}

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and str(path) in blocked:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def _imported(tmp_path: Path) -> Path:
    path = tmp_path / "ro" / "r.sqlite"
    assert cli("--review", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))[0] == 0
    assert cli("--review", str(path), "star", "1")[0] == 0
    return path


def test_reading_commands_work_in_a_folder_the_user_cannot_write(tmp_path, monkeypatch):
    path = _imported(tmp_path)
    _not_writable(monkeypatch, path, path.parent)
    before = snapshot(path.parent)
    for command in (["list"], ["stats"], ["show", "1"], ["history"], ["section", "list"]):
        code, out, err = cli("--review", str(path), *command)
        assert code == 0 and err == "", (command, err)
    code, out, err = cli("--review", str(path), "list", "--starred", "--json")
    assert '"id": 1' in out
    assert snapshot(path.parent) == before  # no -wal or -shm could have been made there


def test_a_change_to_a_review_opened_read_only_is_refused_in_one_line(tmp_path, monkeypatch):
    path = _imported(tmp_path)
    _not_writable(monkeypatch, path)
    before = path.read_bytes()
    with Review.open(path, read_only=True) as review:
        assert review.read_only
        with pytest.raises(ReviewError) as caught:
            review.star([2])
    message = str(caught.value)
    assert str(path) in message and "read-only" in message and "\n" not in message
    assert path.read_bytes() == before


def test_reading_commands_work_in_a_read_only_folder_as_a_user(tmp_path):
    path = _imported(tmp_path)
    os.chmod(path, 0o444)
    os.chmod(path.parent, 0o555)
    try:
        if os.access(path.parent, os.W_OK):
            pytest.skip("running as root: file permissions do not apply")
        assert cli("--review", str(path), "list")[0] == 0
        code, out, err = cli("--review", str(path), "tag", "1", "x")
        assert code == 2 and err.count("\n") == 1 and str(path) in err
    finally:
        os.chmod(path.parent, 0o755)
        os.chmod(path, 0o644)


def test_a_full_disk_is_reported_in_one_line_and_nothing_is_half_written(tmp_path):
    from reviewer.core.importer import import_files

    from .bench import synth

    path = _imported(tmp_path)
    dump = synth.write_dump(tmp_path, 2000)
    with Review.open(path) as review:
        before = review.count(), [e.id for e in review.history()]
        pages = review.conn.execute("PRAGMA page_count").fetchone()[0]
        # The most pages SQLite may use: the import needs more, as on a full disk.
        review.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(ReviewError) as caught:
            import_files(review, [dump], year=2024)
        assert (review.count(), [e.id for e in review.history()]) == before
    message = str(caught.value)
    assert str(path) in message and "disk is full" in message and "\n" not in message
    assert cli("--review", str(path), "check")[0] == 0


def test_a_data_dir_that_cannot_be_made_is_named_in_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    code, out, err = cli("--review", "survey", "star", "1")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert str(blocker) in err and "cannot create" in err

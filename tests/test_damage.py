"""Damage inside a review file (issue 16, item 3): every command that meets it says so in
one line with what to do and writes nothing; `reviewer check --repair` rebuilds the review
from what can be read, or from a backup, and keeps the damaged file as it was."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.core import backup
from reviewer.core.store import Review

from .bench import synth
from .conftest import FIXTURES


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _review(folder: Path, papers: int = 400) -> Path:
    """A closed review of ``papers`` papers with some of the user's work on it."""
    path = folder / "survey.sqlite"
    dump = synth.write_dump(folder, papers)
    assert cli("-r", str(path), "import", str(dump))[0] == 0
    assert cli("-r", str(path), "star", "1", "7")[0] == 0
    assert cli("-r", str(path), "tag", "3", "keep-me")[0] == 0
    assert not Path(f"{path}-wal").exists()  # closed cleanly: everything is in the file
    return path


def _pages(path: Path, table: str) -> tuple[int, list[int], int]:
    """(page size, the table's leaf pages, its root page)."""
    conn = sqlite3.connect(path)
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            (table,)).fetchone()[0]
        try:
            leaves = [r[0] for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' "
                "ORDER BY pageno", (table,))]
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table")
    finally:
        conn.close()
    return size, leaves, root


def zero_page(path: Path, page: int, size: int) -> None:
    with path.open("r+b") as fh:
        fh.seek((page - 1) * size)
        fh.write(bytes(size))


def flip_bytes(path: Path, page: int, size: int) -> None:
    """Bit flips in the page's b-tree header and cell pointers."""
    with path.open("r+b") as fh:
        fh.seek((page - 1) * size)
        head = bytearray(fh.read(16))
        fh.seek((page - 1) * size)
        fh.write(bytes(b ^ 0x5A for b in head))


def cut_one_byte(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-1])


def _damage(path: Path, kind: str) -> None:
    size, _leaves, root = _pages(path, "papers")
    if kind == "zeroed page":
        zero_page(path, root, size)
    elif kind == "bit flips":
        flip_bytes(path, root, size)
    else:
        cut_one_byte(path)


COMMANDS = [["list"], ["stats"], ["show", "1"], ["star", "2"], ["tag", "1", "x"], ["undo"],
            ["import", str(FIXTURES / "hf" / "rich.txt")], ["export", "bibtex", "OUT", "--all"]]


@pytest.mark.parametrize("kind", ["zeroed page", "bit flips", "one byte short"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_damaged_review_is_reported_in_one_line_and_left_as_it_is(tmp_path, kind, command):
    path = _review(tmp_path)
    _damage(path, kind)
    before = path.read_bytes()
    backups = backup.backups_of(path)
    out_file = tmp_path / "out.bib"
    args = [str(out_file) if a == "OUT" else a for a in command]
    code, out, err = cli("-r", str(path), *args)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err
    assert str(path) in err and "damaged" in err and "check --repair" in err
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    assert backup.backups_of(path) == backups  # a damaged file never replaces a backup
    assert not out_file.exists()


def test_check_says_a_sound_review_is_sound(tmp_path):
    path = _review(tmp_path, 50)
    code, out, err = cli("-r", str(path), "check")
    assert code == 0 and "ok" in out and err == ""


def test_check_repair_rebuilds_from_the_readable_rows_and_keeps_the_damaged_file(
        tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_BACKUPS", "0")  # the rows alone
    path = _review(tmp_path)
    with Review.open(path) as review:
        papers_before = {p.id: p for p in review.papers()}
        history_before = [(e.id, e.label) for e in review.history(100)]
    size, leaves, _root = _pages(path, "papers")
    assert len(leaves) > 4
    lost_page = leaves[len(leaves) // 2]
    zero_page(path, lost_page, size)
    damaged_bytes = path.read_bytes()

    code, out, err = cli("-r", str(path), "check")
    assert code == 2 and "check --repair" in err and str(path) in err
    assert "(1 problem found; 0 backups)" in err  # one zeroed page: counted in words

    code, out, err = cli("-r", str(path), "check", "--repair")
    assert code == 0, err
    assert "rebuilt from the rows that could be read" in out
    assert "(1 unreadable row or stretch skipped: papers 1)" in out
    aside = list(tmp_path.glob("survey.damaged-*.sqlite"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged_bytes
    assert str(aside[0]) in out

    assert cli("-r", str(path), "check")[0] == 0
    with Review.open(path) as review:
        papers = {p.id: p for p in review.papers()}
        assert [(e.id, e.label) for e in review.history(100)] == history_before
    # One 16 KB page held a few papers; every other paper is back, with the user's work.
    assert 0 < len(papers_before) - len(papers) < 40
    for pid, paper in papers.items():
        old = papers_before[pid]
        assert (paper.title, paper.starred, paper.tags) == (old.title, old.starred, old.tags)
    assert all(papers[i].starred for i in (1, 7) if i in papers)


def test_check_repair_restores_the_newest_good_backup_when_nothing_can_be_read(tmp_path):
    path = _review(tmp_path)
    with Review.open(path) as review:
        assert backup.take(review.conn, review.path) is not None
        count = review.count()
    assert cli("-r", str(path), "tag", "5", "after-the-backup")[0] == 0
    zero_page(path, 1, _pages(path, "papers")[0])  # the header and the schema: all gone
    damaged_bytes = path.read_bytes()

    code, out, err = cli("-r", str(path), "list")
    assert code == 2 and err.count("\n") == 1 and str(path) in err

    code, out, err = cli("-r", str(path), "check", "--repair")
    assert code == 0, err
    assert "nothing could be read; restored the newest good backup" in out
    assert [p.read_bytes() for p in tmp_path.glob("survey.damaged-*.sqlite")] == [damaged_bytes]
    with Review.open(path) as review:
        assert review.count() == count
        assert "keep-me" in review.get(3).tags
        assert "after-the-backup" not in review.get(5).tags  # what the backup did not have


def test_check_repair_leaves_a_sound_review_alone(tmp_path):
    path = _review(tmp_path, 50)
    before = path.read_bytes()
    code, out, err = cli("-r", str(path), "check", "--repair")
    assert code == 0 and "ok" in out
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.damaged-*"))


def test_check_repair_fills_what_the_damage_lost_from_the_newest_backup(tmp_path):
    path = _review(tmp_path)  # the day's backup was taken before its star
    with Review.open(path) as review:
        papers_before = {p.id: p for p in review.papers()}
    assert len(backup.backups_of(path)) == 1
    assert cli("-r", str(path), "untag", "3", "keep-me")[0] == 0  # after the backup
    assert cli("-r", str(path), "tag", "300", "late")[0] == 0
    size, leaves, root = _pages(path, "papers")
    zero_page(path, leaves[len(leaves) // 2], size)

    code, out, err = cli("-r", str(path), "check", "--repair")
    assert code == 0, err
    assert "rebuilt from the rows that could be read" in out and "taken from the backup" in out
    with Review.open(path) as review:
        papers = {p.id: p for p in review.papers()}
        labels = [e.label for e in review.history(100)]
    assert set(papers) == set(papers_before)  # none lost: the backup had them all
    assert papers[3].tags == []  # the untag made after the backup holds
    assert papers[300].tags == ["late"]
    assert labels[:2] == ["tag #300 late", "untag #3 keep-me"]


def test_check_repair_of_an_unfindable_table_takes_its_papers_from_the_backup(tmp_path):
    path = _review(tmp_path)
    with Review.open(path) as review:
        count = review.count()
    size, _leaves, root = _pages(path, "papers")
    flip_bytes(path, root, size)  # the papers table's root: no paper can be found
    code, out, err = cli("-r", str(path), "check", "--repair")
    assert code == 0, err
    assert f"{count} papers the damage lost taken from the backup" in out
    with Review.open(path) as review:
        assert review.count() == count


def test_check_repair_of_a_file_one_byte_short_loses_at_most_its_last_page(tmp_path):
    path = _review(tmp_path)
    with Review.open(path) as review:
        count = review.count()
        history = len(review.history(100))
    cut_one_byte(path)
    assert cli("-r", str(path), "list")[0] == 2
    code, out, err = cli("-r", str(path), "check", "--repair")
    assert code == 0, err
    with Review.open(path) as review:
        assert count - 40 < review.count() <= count
        assert len(review.history(100)) <= history
    assert cli("-r", str(path), "check")[0] == 0

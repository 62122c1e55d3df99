"""Automatic backups (issue 16, item 3): before the first write of a day, before an import
and before a migration; a rotating few; never of a damaged review; a backup that cannot be
written is a warning, not a lost change."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.core import backup, schema
from reviewer.core.store import Review

from .bench import synth
from .conftest import FIXTURES
from .old_schema import old_review


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _starred(path: Path) -> set[int]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM papers WHERE starred = 1")}
    finally:
        conn.close()


def test_the_first_change_of_a_day_is_backed_up_once(tmp_path):
    path = tmp_path / "r.sqlite"
    assert cli("-r", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))[0] == 0
    assert backup.backups_of(path) == []  # the review held nothing of the user's yet
    assert cli("-r", str(path), "star", "1")[0] == 0
    made = backup.backups_of(path)
    assert len(made) == 1
    assert made[0].parent.parent == tmp_path / "data" / "reviewer" / "backups"
    assert _starred(made[0]) == set()  # the review as it was before the change
    assert cli("-r", str(path), "star", "2")[0] == 0
    assert cli("-r", str(path), "tag", "2", "x")[0] == 0
    assert backup.backups_of(path) == made  # one a day
    assert not Path(f"{made[0]}-wal").exists()  # a backup is one self-contained file
    with sqlite3.connect(made[0]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_every_import_is_backed_up_and_only_the_newest_few_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_BACKUPS", "2")
    path = tmp_path / "r.sqlite"
    assert cli("-r", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))[0] == 0
    stamps = iter(f"20261206-1000{n:02d}" for n in range(10))
    monkeypatch.setattr(backup, "_stamp", lambda: next(stamps))
    counts = []
    for n in range(3):
        dump = synth.write_dump(tmp_path, 20 + n, seed=n)
        assert cli("-r", str(path), "import", str(dump))[0] == 0
        with Review.open(path) as review:
            counts.append(review.count())
    kept = backup.backups_of(path)
    assert [p.name for p in kept] == ["r-20261206-100002.sqlite", "r-20261206-100001.sqlite"]
    with Review.open(kept[0]) as newest:  # taken before the third import
        assert newest.count() == counts[1]


def test_a_damaged_review_is_not_backed_up_and_not_written(tmp_path):
    path = tmp_path / "r.sqlite"
    dump = synth.write_dump(tmp_path, 400)
    assert cli("-r", str(path), "import", str(dump))[0] == 0
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    leaves = [r[0] for r in conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'papers' AND pagetype = 'leaf' ORDER BY pageno")]
    conn.close()
    with path.open("r+b") as fh:  # a page far from paper 1's
        fh.seek((leaves[-2] - 1) * size)
        fh.write(bytes(size))
    before = path.read_bytes()
    code, out, err = cli("-r", str(path), "star", "1")  # the day's first write checks
    assert code == 2 and "damaged" in err and "check --repair" in err
    assert path.read_bytes() == before
    assert backup.backups_of(path) == []


def test_a_backup_that_cannot_be_written_warns_and_the_change_is_kept(tmp_path):
    path = tmp_path / "r.sqlite"
    assert cli("-r", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))[0] == 0
    blocked = tmp_path / "data" / "reviewer" / "backups"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where the backups folder should be")
    code, out, err = cli("-r", str(path), "star", "1")
    assert code == 0
    assert err.startswith("reviewer: warning: ") and err.count("\n") == 1
    assert "could not back up" in err
    assert _starred(path) == {1}


def test_a_migration_is_backed_up_first(tmp_path):
    path = tmp_path / "old.sqlite"
    old_review(path, 1, ["A paper from an older reviewer"])
    assert cli("-r", str(path), "list")[0] == 0
    made = backup.backups_of(path)
    assert len(made) == 1
    with sqlite3.connect(made[0]) as conn:
        assert schema.current_version(conn) == 1


def test_backups_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_BACKUPS", "0")
    path = tmp_path / "r.sqlite"
    assert cli("-r", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))[0] == 0
    assert cli("-r", str(path), "star", "1")[0] == 0
    assert backup.backups_of(path) == []


def _config(text: str) -> None:
    import os

    config = Path(os.environ["REVIEWER_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)


def _three_imports(tmp_path: Path, monkeypatch, path: Path) -> list[str]:
    """The names of the backups kept after an import and three more."""
    assert cli("-r", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))[0] == 0
    stamps = iter(f"20261206-1100{n:02d}" for n in range(10))
    monkeypatch.setattr(backup, "_stamp", lambda: next(stamps))
    for n in range(3):
        dump = synth.write_dump(tmp_path, 20 + n, seed=n)
        assert cli("-r", str(path), "import", str(dump))[0] == 0
    return [p.name for p in backup.backups_of(path)]


def test_the_config_file_sets_how_many_backups_are_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("REVIEWER_BACKUPS", raising=False)
    _config("[backups]\nkeep = 1\n")
    path = tmp_path / "r.sqlite"
    assert _three_imports(tmp_path, monkeypatch, path) == ["r-20261206-110002.sqlite"]
    code, out, err = cli("config", "show")
    assert code == 0 and "\n[backups]\nkeep = 1  #" in out and err == ""


def test_keep_0_in_the_config_turns_backups_off(tmp_path, monkeypatch):
    monkeypatch.delenv("REVIEWER_BACKUPS", raising=False)
    _config("[backups]\nkeep = 0\n")
    path = tmp_path / "r.sqlite"
    assert _three_imports(tmp_path, monkeypatch, path) == []
    assert cli("-r", str(path), "star", "1")[0] == 0
    assert backup.backups_of(path) == []


def test_the_environment_overrides_the_config(tmp_path, monkeypatch):
    _config("[backups]\nkeep = 0\n")
    monkeypatch.setenv("REVIEWER_BACKUPS", "2")
    path = tmp_path / "r.sqlite"
    assert len(_three_imports(tmp_path, monkeypatch, path)) == 2


def test_the_default_is_five_and_shown(tmp_path, monkeypatch):
    monkeypatch.delenv("REVIEWER_BACKUPS", raising=False)
    assert backup.keep() == 5
    code, out, err = cli("config", "show")
    assert "\n[backups]\nkeep = 5  #" in out


@pytest.mark.parametrize("value", ["-1", "true", '"5"', "2.5"])
def test_a_bad_keep_setting_is_reported_and_the_default_used(tmp_path, value):
    from reviewer.config import load

    config = tmp_path / "c.toml"
    config.write_text(f"[backups]\nkeep = {value}\nevery = 1\n")
    settings, problems = load(config)
    assert settings.backups == 5
    assert len(problems) == 2 and "backups.keep" in problems[0] and "every" in problems[1]


@pytest.fixture(autouse=True)
def _fresh_problems():
    backup.problems.clear()
    yield
    backup.problems.clear()


def test_the_tui_backs_up_at_launch_not_at_the_first_key(tmp_path, monkeypatch):
    import argparse

    import reviewer.tui.app as tui_app
    from reviewer.cli.tui_launch import launch

    path = tmp_path / "r.sqlite"
    assert cli("-r", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))[0] == 0
    seen = []

    class App:  # stands in for the UI: what matters is what launch did before it
        return_code = 0

        def __init__(self, *args, **kwargs):
            seen.append(len(backup.backups_of(path)))

        def run(self):
            pass

    monkeypatch.setattr(tui_app, "ReviewerApp", App)
    ns = argparse.Namespace(files=[], format=None, demo=False, review=str(path), year=None,
                            theme=None)
    assert launch(ns) == 0
    assert seen == [1]


def test_a_review_backed_up_today_is_written_without_reading_the_config(tmp_path,
                                                                          monkeypatch):
    """The review remembers its last backup (day and path): the next processes' first
    writes of the day look no further; a copy of the review at another path is backed
    up on its own."""
    path = tmp_path / "r.sqlite"
    assert cli("-r", str(path), "import", str(FIXTURES / "hf" / "rich.txt"))[0] == 0
    assert cli("-r", str(path), "star", "1")[0] == 0
    assert len(backup.backups_of(path)) == 1

    def no_config() -> int:
        raise AssertionError("the config was read")

    keep = backup.keep
    monkeypatch.setattr(backup, "keep", no_config)
    assert cli("-r", str(path), "star", "2")[0] == 0  # a new Review, as a new process has
    assert _starred(path) == {1, 2}
    monkeypatch.setattr(backup, "keep", keep)

    # A review that does not remember (written by an older reviewer) finds today's
    # backup in the folder, takes no other, and remembers it from then on.
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'backups.last'")
    code, _, err = cli("-r", str(path), "star", "4")
    assert code == 0, err
    assert len(backup.backups_of(path)) == 1
    monkeypatch.setattr(backup, "keep", no_config)
    assert cli("-r", str(path), "unstar", "4")[0] == 0
    monkeypatch.setattr(backup, "keep", keep)

    copy = tmp_path / "copy.sqlite"
    with Review.open(path) as review:
        review.conn.backup(sqlite3.connect(copy))
    assert cli("-r", str(copy), "star", "3")[0] == 0
    assert len(backup.backups_of(copy)) == 1 and len(backup.backups_of(path)) == 1

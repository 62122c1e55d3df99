"""Inputs that are not paper lists at all: FIFOs, devices, huge files, and file names
that hold newlines or terminal escapes. Through the real command line: a FIFO used to
hang the import for ever, /dev/zero to end in MemoryError."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.config import load
from reviewer.core.paths import show
from reviewer.core.store import Review

ROOT = Path(__file__).resolve().parent.parent
PAPERS = Path(__file__).parent / "tui" / "fixtures" / "papers.txt"


def reviewer(review: Path, *args: str | Path | bytes, cwd: Path | None = None
             ) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # The timeout is the test: a FIFO read blocks for ever.
    return subprocess.run([sys.executable, "-m", "reviewer", "--review", str(review), *args],
                          env=env, capture_output=True, timeout=60, cwd=cwd)


def count(review: Path) -> int:
    if not review.exists():
        return 0
    with Review.open(review) as r:
        return r.count()


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", [["import"], []])  # `reviewer FILE` opens the TUI after
def test_a_fifo_is_refused_at_once_and_nothing_imported(tmp_path, fifo, command):
    review = tmp_path / "r.sqlite"
    proc = reviewer(review, *command, PAPERS, fifo)
    assert proc.returncode == 2
    assert proc.stderr.decode() == (f"reviewer: {fifo}: is a named pipe (FIFO), not a "
                                    "regular file; import reads only regular files\n")
    assert count(review) == 0


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_in_one_line(tmp_path, device):
    review = tmp_path / "r.sqlite"
    proc = reviewer(review, "import", device)
    assert proc.returncode == 2 and proc.stderr.count(b"\n") == 1
    assert f"{device}: is a character device".encode() in proc.stderr
    assert count(review) == 0


def test_a_directory_is_refused_in_one_line(tmp_path):
    proc = reviewer(tmp_path / "r.sqlite", "import", tmp_path)
    assert proc.returncode == 2 and b"is a directory, not a paper list" in proc.stderr


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge.bib"
    with open(big, "wb") as fh:  # sparse: 3 GB that take no disk and are never read
        fh.truncate(3_000_000_000)
    review = tmp_path / "r.sqlite"
    proc = reviewer(review, "import", PAPERS, big)
    assert proc.returncode == 2 and proc.stderr.count(b"\n") == 1
    assert f"{big}: is 3 GB, over the import limit of 2 GB".encode() in proc.stderr
    assert count(review) == 0


def test_the_size_limit_is_read_from_the_config(tmp_path):
    config = Path(os.environ["REVIEWER_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[import]\nmax_file_size = "1 KB"\n')
    assert load()[0].max_import_bytes == 1000
    review = tmp_path / "r.sqlite"
    small = tmp_path / "small.txt"
    small.write_text("Attention Is All You Need\n")
    assert PAPERS.stat().st_size > 1000
    proc = reviewer(review, "import", small, PAPERS)
    assert proc.returncode == 2
    size = PAPERS.stat().st_size / 1000
    assert f"{PAPERS}: is {size:.1f} KB, over the import limit of 1 KB".encode() in proc.stderr
    assert count(review) == 0
    config.write_text('[import]\nmax_file_size = "1 MB"\n')
    assert reviewer(review, "import", small, PAPERS).returncode == 0


@pytest.mark.parametrize(("value", "bytes_"), [('"2 GB"', 2 * 10**9), ("4096", 4096),
                                               ('"1.5 MB"', 1_500_000), ('"700kb"', 700_000)])
def test_size_settings(tmp_path, value, bytes_):
    config = tmp_path / "c.toml"
    config.write_text(f"[import]\nmax_file_size = {value}\n")
    settings, problems = load(config)
    assert (settings.max_import_bytes, problems) == (bytes_, [])


@pytest.mark.parametrize("value", ['"lots"', "-1", "0", "true", '"nan GB"'])
def test_a_bad_size_setting_is_reported_and_the_default_used(tmp_path, value):
    config = tmp_path / "c.toml"
    config.write_text(f"[import]\nmax_file_size = {value}\nspeed = 1\n")
    settings, problems = load(config)
    assert settings.max_import_bytes == 2 * 10**9
    assert len(problems) == 2 and "max_file_size" in problems[0] and "speed" in problems[1]


# -- file names with newlines and escapes ------------------------------------------------

HOSTILE = "new\nline\x1b[31mred\x07.txt"  # a newline, an ANSI colour, a bell


def test_show_escapes_what_a_terminal_would_obey():
    assert show("/home/me/papers.txt") == "/home/me/papers.txt"
    assert show(HOSTILE) == "new\\nline\\x1b[31mred\\x07.txt"
    assert show(os.fsdecode(b"odd\xffname")) == "odd\\xffname"
    assert show("tab\there\\and\u202eback") == "tab\\there\\\\and\\u202eback"


def test_import_and_export_reports_print_hostile_names_escaped(tmp_path):
    dump = tmp_path / HOSTILE
    dump.write_bytes(PAPERS.read_bytes())
    review = tmp_path / "r.sqlite"
    done = reviewer(review, "import", HOSTILE, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first = done.stdout.decode().splitlines()[0]
    assert first == "new\\nline\\x1b[31mred\\x07.txt: 8 papers (Hugging Face Daily Papers page)"
    assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout
    shown = reviewer(review, "show", "1")  # the paper's source names the file
    assert shown.returncode == 0 and b"\x1b" not in shown.stdout
    assert "new\\nline\\x1b[31mred\\x07.txt:5 (hf)" in shown.stdout.decode()

    out = tmp_path / "refs\x1b[2J.bib"
    done = reviewer(review, "export", "bibtex", "--all", out)
    assert done.returncode == 0 and b"\x1b" not in done.stdout
    assert "refs\\x1b[2J.bib" in done.stdout.decode()
    md = tmp_path / "sur\nvey.md"
    done = reviewer(review, "export", "markdown", "--all", md)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(b"\n") == 2 and b"sur\\nvey.md" in done.stdout


def test_errors_print_hostile_names_escaped(tmp_path):
    bad = tmp_path / "bad\x1b]0;pwned\x07.txt"
    bad.write_text("12345 67890\n!!! ###\n")
    done = reviewer(tmp_path / "r.sqlite", "import", bad)
    assert done.returncode == 2 and b"\x1b" not in done.stderr and b"\x07" not in done.stderr
    assert b"bad\\x1b]0;pwned\\x07.txt: unrecognised format" in done.stderr
    missing = reviewer(tmp_path / "r.sqlite", "import", tmp_path / "gone\n.txt")
    assert missing.returncode == 2 and b"gone\\n.txt: no such file" in missing.stderr
    fifo = tmp_path / "pipe\x1b[5m"
    os.mkfifo(fifo)
    refused = reviewer(tmp_path / "r.sqlite", "export", "csv", fifo)
    assert refused.returncode == 2 and b"pipe\\x1b[5m: is a named pipe" in refused.stderr




def test_an_error_from_anywhere_reaches_the_terminal_without_escapes(tmp_path):
    """Messages made before paths.show (the review's own errors) are escaped by the
    CLI's last guard."""
    folder = tmp_path / "rev\x1b[31m\x07.sqlite"
    folder.mkdir()
    done = reviewer(folder, "list")
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1
    assert b"\x1b" not in done.stderr and b"\x07" not in done.stderr
    assert b"rev\\x1b[31m\\x07.sqlite: is a directory" in done.stderr


def test_config_show_prints_the_import_limit(capsys):
    from reviewer.cli import main

    config = Path(os.environ["REVIEWER_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    for value, shown in [('"500 MB"', 'max_file_size = "500 MB"'),
                         ("1234", "max_file_size = 1234")]:
        config.write_text(f"[import]\nmax_file_size = {value}\n")
        assert main(["config", "show"]) == 0
        out = capsys.readouterr().out
        assert f"[import]\n{shown}\n" in out


def test_a_file_bigger_than_its_size_says_is_cut_off_at_the_limit(tmp_path):
    """A /proc file says 0 bytes and reads on; one that grew since the check likewise."""
    from reviewer.core.errors import InputError
    from reviewer.core.decoding import read_dump

    with pytest.raises(InputError, match="over the import limit of 100 bytes"):
        read_dump("/proc/self/maps" if os.path.exists("/proc/self/maps")
                  else pytest.skip("no /proc"), max_bytes=100)
    assert read_dump(PAPERS, max_bytes=PAPERS.stat().st_size).text.startswith(
        PAPERS.read_text()[:20])


@pytest.mark.parametrize("which", ["review", "wal", "link"])
def test_importing_the_review_itself_is_refused_before_it_is_opened(tmp_path, which,
                                                                     monkeypatch):
    """Opening and closing any descriptor of the review drops the process's SQLite locks:
    the review's own files are refused by name and inode, never read."""
    import builtins

    from reviewer.core.errors import InputError
    from reviewer.core.importer import import_files

    path = tmp_path / "r.sqlite"
    link = tmp_path / "papers.txt"
    link.symlink_to(path)
    target = {"review": path, "wal": Path(f"{path}-wal"), "link": link}[which]
    with Review.open(path) as review:
        review.conn.execute("CREATE TEMP TABLE t (x)")  # (the -wal exists while open)
        opened = []
        real_open = os.open
        monkeypatch.setattr(os, "open", lambda p, *a, **k: opened.append(p) or
                            real_open(p, *a, **k))
        monkeypatch.setattr(builtins, "open", lambda p, *a, **k: opened.append(p) or
                            pytest.fail(f"opened {p}"))
        with pytest.raises(InputError, match="is the review itself"):
            import_files(review, [target])
        monkeypatch.undo()
        assert not [p for p in opened if os.path.realpath(p).startswith(str(path))]
        assert review.count() == 0


def test_reviews_lists_hostile_review_names_escaped(tmp_path):
    from reviewer.core.locations import reviews_dir

    folder = reviews_dir()
    folder.mkdir(parents=True, exist_ok=True)
    Review.open(folder / "a\x1b[2Jb.sqlite").close()
    done = reviewer(tmp_path / "unused.sqlite", "reviews")
    assert done.returncode == 0 and b"\x1b" not in done.stdout
    assert b"a\\x1b[2Jb " in done.stdout


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40))
def test_a_shown_name_is_one_printable_line_and_names_one_file(name):
    shown = show(name)
    assert shown.isprintable()  # no newline, escape, bell, bidi override...
    if name.isprintable() and "\\" not in name:
        assert shown == name
    other = name + "\n"
    assert show(other) != shown

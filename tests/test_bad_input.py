"""Whatever a user feeds `reviewer import`, the answer is papers or one line and exit 2.

Every case runs the real command line in-process and then checks the review is exactly
as it was: bad input never half-imports.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.cli import main

from .conftest import FIXTURES

RICH = FIXTURES / "hf" / "rich.txt"
RICH_TITLES = {
    "Alpha-Net: Segmenting Everything in CT Volumes",
    "Beta Reports: Writing Radiology Reports with Retrieval",
    "Gamma Survey: Foundation Models in Pathology",
}


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def papers(review: Path) -> list[dict]:
    code, out, err = cli("--review", str(review), "list", "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def review(tmp_path: Path) -> Path:
    """A review already holding the rich fixture, with one edit made."""
    path = tmp_path / "mine.sqlite"
    assert cli("--review", str(path), "import", str(RICH), "--year", "2024")[0] == 0
    assert cli("--review", str(path), "star", "1")[0] == 0
    return path


def refused(review: Path, *files: Path | str, bad: str) -> str:
    before = papers(review)
    code, out, err = cli("--review", str(review), "import", *map(str, files))
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith(f"reviewer: {bad}")
    assert "Traceback" not in err
    assert papers(review) == before
    return err


def bad_files(folder: Path) -> dict[str, Path]:
    files = {
        "binary.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "empty.txt": b"",
        "blank.txt": b" \n\t\n\r\n   ",
        "prose.txt": b"Dear all, the meeting moved to Thursday. Bring the slides.\n",
        "nul.txt": b"Title one\x00\x00\x00" * 50,
    }
    out = {}
    for name, data in files.items():
        out[name] = folder / name
        out[name].write_bytes(data)
    (folder / "a-folder").mkdir()
    out["a-folder"] = folder / "a-folder"
    out["missing.txt"] = folder / "missing.txt"
    return out


@pytest.mark.parametrize("name", ["binary.png", "empty.txt", "blank.txt", "prose.txt",
                                  "nul.txt", "a-folder", "missing.txt"])
def test_a_bad_file_is_one_line_exit_2_and_changes_nothing(review, tmp_path, name):
    bad = bad_files(tmp_path)[name]
    err = refused(review, bad, bad=str(bad))
    reason = err.split(": ", 2)[2]
    assert reason.strip()


def test_one_bad_file_among_good_ones_imports_none_of_them(review, tmp_path):
    bad = bad_files(tmp_path)["binary.png"]
    plain = FIXTURES / "hf" / "plain.txt"
    err = refused(review, plain, bad, FIXTURES / "lists" / "plain.txt", bad=str(bad))
    assert "binary" in err
    assert not {p["title"] for p in papers(review)} & {"Delta", "Epsilon"}


def test_an_unreadable_file_is_refused(review, tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_bytes(RICH.read_bytes())
    locked.chmod(0)
    try:
        if locked.open("rb").readable():  # running as root: permissions do not apply
            pytest.skip("root reads any file")
    except PermissionError:
        pass
    refused(review, locked, bad=str(locked))
    locked.chmod(0o644)


def variants(text: str) -> dict[str, bytes]:
    """The rich fixture as editors and browsers save it."""
    return {
        "utf8-bom": b"\xef\xbb\xbf" + text.encode(),
        "utf16-le-bom": text.encode("utf-16"),
        "utf16-be-bom": b"\xfe\xff" + text.encode("utf-16-be"),
        "utf16-le-no-bom": text.encode("utf-16-le"),
        "crlf": text.replace("\n", "\r\n").encode(),
        "cr-only": text.replace("\n", "\r").encode(),
        "mixed-ends": "".join(line + ("\r\n" if i % 2 else "\n")
                              for i, line in enumerate(text.split("\n"))).encode(),
        "tabs": text.replace("  • ", "\t• ").replace("\n\n", "\n\t\n").encode(),
        "latin-1": text.replace("Alpha-Net", "Alpha-Net").encode("latin-1", "replace"),
        "trailing-10mb-line": (text + "\n\n" + "x" * 10_000_000 + "\n").encode(),
    }


@pytest.mark.parametrize("variant", list(variants("x")))
def test_encodings_and_line_ends_import_like_the_clean_file(tmp_path, variant):
    dump = tmp_path / f"{variant}.txt"
    dump.write_bytes(variants(RICH.read_text(encoding="utf-8"))[variant])
    review = tmp_path / "r.sqlite"
    code, out, err = cli("--review", str(review), "import", str(dump), "--year", "2024")
    assert code == 0, err
    assert f"{dump}: 4 papers" in out
    titles = {p["title"] for p in papers(review)}
    assert RICH_TITLES <= titles and len(titles) == 4


def test_latin1_is_read_with_its_accents_and_said_so(tmp_path):
    dump = tmp_path / "old.txt"
    text = RICH.read_text(encoding="utf-8").replace("Gamma Survey", "Gämma Survéy")
    dump.write_bytes(text.encode("latin-1", "replace"))
    review = tmp_path / "r.sqlite"
    code, out, err = cli("--review", str(review), "import", str(dump), "--year", "2024")
    assert code == 0
    assert f"warning: {dump}:" in out and "not valid UTF-8" in out
    assert "Gämma Survéy: Foundation Models in Pathology" in {p["title"] for p in papers(review)}


def test_partly_parseable_file_imports_what_it_can_and_lists_the_rest(tmp_path):
    bib = tmp_path / "half.bib"
    bib.write_text("@article{ok1, title={A Fine Paper}, year={2020}}\n"
                   "@article{broken, title={Missing brace, year=2020\n"
                   "\n"
                   "@article{ok2, title={Another Fine Paper}, year={2021}}\n", encoding="utf-8")
    review = tmp_path / "r.sqlite"
    code, out, err = cli("--review", str(review), "import", str(bib))
    assert code == 0, err
    assert {p["title"] for p in papers(review)} >= {"A Fine Paper"}
    assert "skipped" in out and f"{bib}:2" in out


def test_hostile_titles_are_stored_and_listed_literally(tmp_path):
    dump = tmp_path / "hostile.txt"
    dump.write_text("[bold red]Styled[/] title with 100% & #hash {unbalanced\n"
                    "An \x1b[31mANSI\x1b[0m escaped title about segmentation\n"
                    "A title with a bell\x07 and a backspace\x08 inside\n", encoding="utf-8")
    review = tmp_path / "r.sqlite"
    code, out, err = cli("--review", str(review), "import", str(dump), "--format", "lines")
    assert code == 0, err
    titles = {p["title"] for p in papers(review)}
    assert "[bold red]Styled[/] title with 100% & #hash {unbalanced" in titles
    assert "An ANSI escaped title about segmentation" in titles
    code, out, err = cli("--review", str(review), "list")
    assert "[bold red]Styled[/]" in out
    assert not any(ch in out for ch in "\x1b\x07\x08")


def test_a_corrupt_review_after_good_input_is_still_refused_cleanly(tmp_path):
    review = tmp_path / "r.sqlite"
    review.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = review.read_bytes()
    code, out, err = cli("--review", str(review), "import", str(RICH))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert review.read_bytes() == before


_fuzz = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _import_once(data: bytes, fmt: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "dump.txt"
        dump.write_bytes(data)
        review = Path(folder) / "r.sqlite"
        args = ["--review", str(review), "import", str(dump)] + (["--format", fmt] if fmt else [])
        code, out, err = cli(*args)
        assert code in (0, 2), err
        assert "Traceback" not in err and "Traceback" not in out
        if code == 2:
            assert err.count("\n") == 1 and str(dump) in err
        else:
            listed = papers(review)
            assert listed and all(p["title"].strip() for p in listed)


_lines = st.sampled_from([
    "Daily Papers", "Subscribe", "• 3 authors", "·", "Oct 9, 2025", "Mar 30 4", "",
    "A Title About Segmentation Models", "An abstract sentence that goes on for a while.",
    "@article{k, title={T}}", "- [T](https://arxiv.org/abs/2401.01234)", "[1] arXiv:2401.01234",
    "Title: X", "{", "}", "\\href{x}{y}", "[bold]x[/]", "\x1b[2J", "%&#_~^$",
])


@_fuzz
@given(st.lists(_lines | st.text(max_size=80), max_size=60))
def test_generated_text_imports_or_is_refused_in_one_line(lines):
    _import_once("\n".join(lines).encode("utf-8", "surrogatepass"))


@_fuzz
@given(st.binary(max_size=2000))
def test_generated_bytes_import_or_are_refused_in_one_line(data):
    _import_once(data)


@_fuzz
@given(st.text(max_size=400), st.sampled_from(["hf", "arxiv", "bibtex", "markdown", "lines"]))
def test_every_forced_format_survives_generated_text(text, fmt):
    _import_once(text.encode("utf-8", "surrogatepass"), fmt)


def test_file_names_that_are_not_utf8_import_and_export(tmp_path):
    """Linux names files with bytes: such a name reaches Python as surrogates, which
    SQLite and a UTF-8 stdout refuse. Real processes, so that stdout is a real pipe."""
    import os
    import subprocess
    import sys

    folder = os.fsencode(tmp_path)
    dump = os.path.join(folder, b"odd\xffname.txt")
    with open(dump, "wb") as fh:
        fh.write(b"Attention Is All You Need\nDeep Residual Learning for Image Recognition\n")
    review = str(tmp_path / "r.sqlite")

    def run(*args: bytes | str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reviewer", "--review", review, *args],
                              capture_output=True, cwd=tmp_path)

    for _ in range(2):  # the second import finds both papers there already
        done = run("import", dump)
        assert done.returncode == 0, done.stderr
        assert b"odd\\xffname.txt: 2 papers" in done.stdout  # the byte, escaped
    assert b"0 new, 2 already present" in done.stdout
    sources = [s["file"] for p in papers(Path(review)) for s in p["sources"]]
    assert sources == [os.path.join(str(tmp_path), "odd\ufffdname.txt")] * 2

    bib = os.path.join(folder, b"refs\xff.bib")
    assert run("export", "bibtex", "--all", bib).returncode == 0
    again = run("export", "bibtex", "--all", bib)  # found again by its name, bytes and all
    assert again.returncode == 0 and b"left untouched" in again.stdout
    refused = run("export", "markdown", os.path.join(folder, b"survey\xff.md"))
    assert refused.returncode == 2
    assert refused.stderr.count(b"\n") == 1 and b"not UTF-8" in refused.stderr
    assert not os.path.exists(os.path.join(folder, b"survey\xff.md"))

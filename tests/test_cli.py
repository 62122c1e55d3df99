"""The command line contract: every edit has a scriptable twin, errors are one line, exit 2."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.core.locations import review_path
from reviewer.core.store import Review

from .conftest import FIXTURES

RICH = FIXTURES / "hf" / "rich.txt"
PLAIN = FIXTURES / "hf" / "plain.txt"

JSON_FIELDS = {"id", "title", "abstract", "authors", "author_count", "organization", "year",
               "month", "day", "year_inferred", "upvotes", "arxiv_id", "doi", "links",
               "citekey", "starred", "decision", "tags", "note", "sections", "sources"}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listing(capsys, *args: str) -> list[dict]:
    code, out, err = run(capsys, "list", "--json", *args)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def imported(capsys) -> None:
    code, out, err = run(capsys, "import", str(RICH), str(PLAIN), "--year", "2024")
    assert code == 0, err


def test_import_reports_each_file_and_the_summary(capsys):
    code, out, err = run(capsys, "import", str(RICH), str(PLAIN), "--year", "2024")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{RICH}: 4 papers (Hugging Face Daily Papers page)"
    assert lines[1] == f"{PLAIN}: 2 papers (Hugging Face Daily Papers page)"
    # Alpha-Net is in both files.
    assert lines[2] == "Review 'default': 5 new, 1 already present (merged); 5 papers in all."
    code, out, _ = run(capsys, "import", str(RICH), "--year", "2024")
    assert out.splitlines()[-1] == ("Review 'default': 0 new, 4 already present (merged); "
                                    "5 papers in all.")
    assert review_path(None).is_file()


def test_list_json_has_the_documented_fields(capsys, imported):
    papers = listing(capsys)
    assert [p["id"] for p in papers] == [1, 2, 3, 4, 5]
    for p in papers:
        assert JSON_FIELDS <= set(p)
    alpha = papers[0]
    assert alpha["title"] == "Alpha-Net: Segmenting Everything in CT Volumes"
    assert (alpha["author_count"], alpha["year"], alpha["month"], alpha["day"]) == (7, 2024, 10, 9)
    assert alpha["links"] == ["https://github.com/example/alpha-net"]
    assert alpha["decision"] == "undecided" and alpha["starred"] is False
    assert [Path(s["file"]).name for s in alpha["sources"]] == ["rich.txt", "plain.txt"]
    assert papers[1]["organization"] == "Fudan University"
    assert papers[1]["year_inferred"] is True and papers[1]["upvotes"] == 12


def test_year_less_dates_are_this_years_unless_still_to_come(capsys, tmp_path):
    page = tmp_path / "page.txt"
    abstract = "An abstract long enough to be read as one. " * 6
    page.write_text(f"Jan One\n\n{abstract}\n\n• 3 authors\n·\nJan 1\n\n"
                    f"Dec Last\n\n{abstract}\n\n• 3 authors\n·\nDec 31\n", encoding="utf-8")
    assert run(capsys, "import", str(page))[0] == 0
    today = date.today()
    december = today.year if (today.month, today.day) == (12, 31) else today.year - 1
    assert [(p["year"], p["year_inferred"]) for p in listing(capsys)] == [
        (today.year, True), (december, True)]
    assert run(capsys, "--review", "given", "import", str(page), "--year", "2019")[0] == 0
    assert [p["year"] for p in listing(capsys, "--review", "given")] == [2019, 2019]


def test_edits_and_filters_round_trip(capsys, imported):
    assert run(capsys, "star", "1", "3")[0] == 0
    assert run(capsys, "decide", "1", "2", "include")[1] == "include: 2 papers\n"
    assert run(capsys, "decide", "3", "x")[0] == 0
    assert run(capsys, "tag", "1", "seg", "ct")[1] == "added 2 tags to #1\n"
    assert run(capsys, "tag", "3", "seg")[0] == 0
    assert run(capsys, "untag", "1", "ct")[1] == "removed 1 tag from #1\n"
    assert run(capsys, "note", "2", "- a *note*")[0] == 0
    assert [p["id"] for p in listing(capsys, "--starred")] == [1, 3]
    assert [p["id"] for p in listing(capsys, "--decision", "include")] == [1, 2]
    assert [p["id"] for p in listing(capsys, "--tag", "seg")] == [1, 3]
    assert [p["id"] for p in listing(capsys, "--tag", "seg", "--starred", "-d", "exclude")] == [3]
    assert [p["id"] for p in listing(capsys, "--has-note")] == [2]
    assert [p["id"] for p in listing(capsys, "--has-code")] == [1]
    assert [p["id"] for p in listing(capsys, "--year", "2024-")] == [1, 2, 4]
    assert listing(capsys, "--tag", "nope") == []
    paper = listing(capsys, "--has-note")[0]
    assert paper["note"] == "- a *note*" and paper["decision"] == "include"


def test_search_sorts_by_relevance(capsys, imported):
    assert [p["id"] for p in listing(capsys, "--search", "segmenting")] == [1]
    # "models" is in the titles of 3 and 5 and only in the abstract of 2.
    assert [p["id"] for p in listing(capsys, "--search", "models")] == [3, 5, 2]
    assert [p["id"] for p in listing(capsys, "--search", "models", "--sort", "imported")] == \
        [2, 3, 5]


def test_sort_and_limit(capsys, imported):
    assert [p["id"] for p in listing(capsys, "--sort", "title")] == [1, 2, 4, 5, 3]
    assert [p["id"] for p in listing(capsys, "--sort", "upvotes", "--limit", "1")] == [2]


def test_plain_list_output(capsys, imported):
    run(capsys, "star", "2")
    run(capsys, "decide", "2", "maybe")
    code, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert len(lines) == 5
    assert lines[1] == "    2 *M 2024  Beta Reports: Writing Radiology Reports with Retrieval"


def test_show_by_id_and_citekey(capsys, imported):
    key = listing(capsys)[0]["citekey"]
    code, out, _ = run(capsys, "show", key)
    assert code == 0
    assert out.startswith(f"#1  {key}  undecided")
    assert "Title:        Alpha-Net: Segmenting Everything in CT Volumes" in out
    assert "Authors:      7 authors (names unknown)" in out
    assert "Date:         2024-10-09" in out
    code, out, _ = run(capsys, "show", "2", "--json")
    assert json.loads(out)["id"] == 2


def test_note_from_stdin(capsys, imported, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("line one\n\n- item\n"))
    assert run(capsys, "note", "1", "-")[0] == 0
    assert listing(capsys)[0]["note"] == "line one\n\n- item\n"


def test_citekey_show_and_set(capsys, imported):
    code, out, _ = run(capsys, "citekey", "1")
    assert out.strip() == listing(capsys)[0]["citekey"]
    assert run(capsys, "citekey", "1", "alphaNet2024")[0] == 0
    assert run(capsys, "show", "alphaNet2024")[0] == 0
    code, _, err = run(capsys, "citekey", "2", "alphaNet2024")
    assert code == 2 and "already belongs to paper #1" in err


def test_undo_redo_and_history(capsys, imported):
    run(capsys, "star", "1")
    run(capsys, "tag", "1", "x")
    assert run(capsys, "undo")[1] == "undid: tag #1 x\n"
    assert run(capsys, "undo")[1] == "undid: star #1\n"
    assert run(capsys, "redo")[1] == "redid: star #1\n"
    p = listing(capsys)[0]
    assert p["starred"] is True and p["tags"] == []
    code, out, _ = run(capsys, "history")
    assert "tag #1 x (undone)" in out and "star #1" in out


def test_sections_commands(capsys, imported):
    assert run(capsys, "section", "add", "Methods")[0] == 0
    assert run(capsys, "section", "add", "Intro", "--position", "1",
               "--description", "Why")[0] == 0
    assert run(capsys, "section", "assign", "Methods", "3", "1", "2")[1] == \
        "added 3 papers to 'Methods'\n"
    assert run(capsys, "section", "order", "Methods", "2", "1")[0] == 0
    assert run(capsys, "section", "unassign", "Methods", "3")[0] == 0
    assert run(capsys, "section", "rename", "Intro", "Introduction")[0] == 0
    assert run(capsys, "section", "describe", "Methods", "How")[0] == 0
    assert run(capsys, "section", "move", "Methods", "1")[0] == 0
    code, out, _ = run(capsys, "section", "list", "--json")
    assert json.loads(out) == [
        {"title": "Methods", "position": 1, "description": "How", "papers": [2, 1]},
        {"title": "Introduction", "position": 2, "description": "Why", "papers": []}]
    assert [p["id"] for p in listing(capsys, "--section", "methods")] == [1, 2]
    assert run(capsys, "section", "remove", "Methods")[0] == 0
    assert listing(capsys, "--section", "Introduction") == []
    assert len(listing(capsys)) == 5


def test_stats_and_reviews(capsys, imported):
    run(capsys, "star", "1")
    code, out, _ = run(capsys, "stats", "--json")
    stats = json.loads(out)
    assert (stats["papers"], stats["starred"], stats["undecided"]) == (5, 1, 5)
    run(capsys, "--review", "second", "import", str(PLAIN))
    code, out, _ = run(capsys, "reviews", "--json")
    assert [(r["name"], r["papers"]) for r in json.loads(out)] == [("default", 5), ("second", 2)]


def test_review_option_before_or_after_the_command(capsys, tmp_path):
    path = tmp_path / "mine.sqlite"
    assert run(capsys, "--review", str(path), "import", str(PLAIN))[0] == 0
    assert run(capsys, "list", "--review", str(path), "--json")[0] == 0
    assert len(listing(capsys, "--review", str(path))) == 2
    assert listing(capsys) == []  # the default review was not touched


def test_config_path(capsys, isolated_dirs):
    code, out, _ = run(capsys, "config", "path")
    assert code == 0 and out.strip() == str(isolated_dirs / "config" / "reviewer" / "config.toml")


@pytest.mark.parametrize("args", [
    ("show", "99"),
    ("star", "1", "99"),
    ("decide", "1", "perhaps"),
    ("decide", "include"),
    ("tag", "1", " "),
    ("section", "assign", "Nowhere", "1"),
    ("--review", "bad name!", "list"),
    ("import", "/nonexistent/dump.txt"),
])
def test_user_errors_are_one_line_and_exit_2(capsys, imported, args):
    before = listing(capsys)
    code, out, err = run(capsys, *args)
    assert code == 2
    assert err.startswith("reviewer: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert listing(capsys) == before


def test_bad_review_file_is_refused(capsys, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n" * 20)
    code, _, err = run(capsys, "--review", str(text_file), "list")
    assert code == 2 and "not a reviewer review" in err
    assert text_file.read_text() == "not a database\n" * 20


def test_unknown_command_line_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["list", "--no-such-option"])
    assert exc.value.code == 2


@pytest.mark.parametrize(("word", "hint"), [("search", "did you mean 'list --search'?"),
                                             ("lsit", "did you mean 'list'?"),
                                             ("qqqq", "(commands: import, list,")])
def test_a_mistyped_command_is_not_taken_for_a_missing_file(capsys, tmp_path, monkeypatch,
                                                             word, hint):
    # Without a command, arguments are files to import before the TUI opens.
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, word, "segmentation")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"reviewer: {word}: no such file, and not a command")
    assert hint in err


def test_a_file_named_like_a_command_word_still_opens(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "search").write_bytes(b"\x00\x01binary")
    code, _, err = run(capsys, "search")
    assert code == 2 and "binary file" in err  # read as the file it is


def test_list_piped_to_a_closed_reader_is_quiet(tmp_path):
    """`reviewer list | head -1` must not print a BrokenPipeError traceback."""
    import subprocess
    import sys

    env = {"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    root = Path(__file__).resolve().parent.parent
    for _ in range(2):
        subprocess.run([sys.executable, "-m", "reviewer", "import", str(RICH), str(PLAIN)],
                       cwd=root, env=env, check=True, capture_output=True)
    proc = subprocess.run(
        f"{sys.executable} -m reviewer list | head -1", shell=True, cwd=root, env=env,
        capture_output=True, text=True)
    assert proc.stdout.startswith("    1 ")
    assert "Traceback" not in proc.stderr


def test_review_survives_listing(capsys, imported):
    with Review.open(review_path(None)) as review:
        assert review.count() == 5


def test_import_progress_line_overwrites_itself_and_is_erased(monkeypatch):
    import io

    from reviewer.cli import progress as P

    clock = iter(float(t) for t in range(100))
    monkeypatch.setattr(P.time, "monotonic", lambda: next(clock))
    out = io.StringIO()
    line = P.ProgressLine(out, ["/d/first.txt", "/d/bad\x1b[2Jname.bib"])
    line("parse", 0, 2)
    line("parse", 1, 2)
    line("parse", 2, 2)  # reading done: nothing new to say
    line("dedup", 0, 10)
    line("dedup", 0, 10)  # the same text: not drawn again
    line("store", 5, 10)
    line.close()
    assert out.getvalue() == ("\r\x1b[KReading first.txt…\r\x1b[KReading bad?[2Jname.bib…"
                              "\r\x1b[KMerging duplicates… 0%\r\x1b[KStoring… 50%\r\x1b[K")


def test_import_progress_is_throttled(monkeypatch):
    import io

    from reviewer.cli import progress as P

    now = [0.0]
    monkeypatch.setattr(P.time, "monotonic", lambda: now[0])
    out = io.StringIO()
    line = P.ProgressLine(out, ["a.txt"])
    line("store", 1, 100)
    now[0] = 0.05
    line("store", 2, 100)  # too soon after the last redraw
    now[0] = 0.2
    line("store", 3, 100)
    assert out.getvalue() == "\r\x1b[KStoring… 1%\r\x1b[KStoring… 3%"


def test_import_in_a_pipe_prints_no_progress(tmp_path, capsys):
    from .conftest import ROOT

    assert main(["--review", str(tmp_path / "r.sqlite"), "import",
                 str(ROOT / "sample_lists" / "classics.bib")]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err + captured.out


def test_the_console_script_returns_the_status_and_spares_the_exit_collection(
        tmp_path, monkeypatch, capsys):
    import gc

    from reviewer.cli import run

    monkeypatch.setattr("sys.argv", ["reviewer", "--review", str(tmp_path / "r.sqlite"),
                                     "show", "1"])
    gc.unfreeze()
    try:
        assert run() == 2  # no paper 1: the status main gives
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert "no paper" in capsys.readouterr().err

"""Exclusion reasons from the command line, run as a user runs it (a process of its own):
decide --reason, list --reason and its output, show, stats, undo, and the PRISMA table and
diagram of the skeleton counting what stats counts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES

RICH = FIXTURES / "hf" / "rich.txt"
PLAIN = FIXTURES / "hf" / "plain.txt"
ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess:
    # The environment is the test's: isolated_dirs points the user dirs at tmp_path.
    return subprocess.run([sys.executable, "-m", "reviewer", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def ok(*args: str) -> str:
    proc = cli(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def listed(*args: str) -> list[dict]:
    return json.loads(ok("list", "--json", *args))


@pytest.fixture
def imported() -> None:
    ok("import", str(RICH), str(PLAIN), "--year", "2024")  # papers 1 to 5


def test_decide_exclude_with_a_reason_list_filter_show_and_undo(imported):
    out = ok("decide", "1", "2", "exclude", "--reason", "wrong population")
    assert out.strip() == "exclude (wrong population): 2 papers"
    ok("decide", "3", "x", "--reason", "Not a trial")
    ok("decide", "4", "exclude")
    papers = {p["id"]: p for p in listed()}
    assert [papers[i]["reason"] for i in (1, 2, 3, 4, 5)] == [
        "wrong population", "wrong population", "Not a trial", "", ""]
    assert [p["id"] for p in listed("--reason", "Wrong Population")] == [1, 2]
    assert [p["id"] for p in listed("--reason", "")] == [4]  # excluded without one
    assert listed("--reason", "no such reason") == []
    plain = ok("list", "--decision", "exclude").splitlines()
    assert plain[0].startswith("    1  X") and plain[0].endswith("(wrong population)")
    assert not plain[3].endswith(")")
    assert "Reason:       Not a trial" in ok("show", "3")
    assert json.loads(ok("show", "3", "--json"))["reason"] == "Not a trial"
    # Including a paper takes its reason away; one undo brings both back.
    ok("decide", "1", "include")
    assert [p["id"] for p in listed("--reason", "wrong population")] == [2]
    assert ok("undo").strip() == "undid: include #1"
    assert listed("--reason", "wrong population")[0]["id"] == 1
    # Excluding again without --reason keeps the reason; '' takes it away.
    assert ok("decide", "1", "exclude").strip() == "exclude: 0 papers (1 already so)"
    assert listed("--reason", "wrong population")[0]["id"] == 1
    ok("decide", "1", "exclude", "--reason", "")
    assert [p["id"] for p in listed("--reason", "")] == [1, 4]


@pytest.mark.parametrize("decision", ["include", "maybe", "undecided", "i"])
def test_a_reason_with_another_decision_is_a_usage_error(imported, decision):
    proc = cli("decide", "1", decision, "--reason", "wrong population")
    assert proc.returncode == 2
    assert proc.stderr.startswith("reviewer: --reason goes with exclude")
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert listed()[0]["decision"] == "undecided"


def test_stats_counts_each_reason(imported):
    ok("decide", "1", "2", "exclude", "--reason", "wrong population")
    ok("decide", "3", "exclude", "--reason", "not a trial")
    ok("decide", "4", "exclude")
    stats = json.loads(ok("stats", "--json"))
    assert stats["exclude"] == 4
    assert stats["reasons"] == {"wrong population": 2, "not a trial": 1}
    assert list(stats["reasons"]) == ["wrong population", "not a trial"]  # most used first
    assert stats["excluded_without_reason"] == 1
    text = ok("stats")
    assert re.search(r"exclude\s+4\n\s+2  wrong population\n\s+1  not a trial\n"
                     r"\s+1  \(no reason recorded\)\n", text), text


def test_prisma_table_and_diagram_count_what_stats_counts(imported, tmp_path):
    ok("decide", "1", "2", "exclude", "--reason", "wrong population")
    ok("decide", "3", "exclude", "--reason", "not a trial")
    ok("decide", "4", "exclude")
    ok("decide", "5", "include")
    stats = json.loads(ok("stats", "--json"))
    survey = tmp_path / "survey.md"
    ok("export", "markdown", str(survey), "--all")
    table = dict(re.findall(r"^\| Excluded: (.+?) \| (\d+) \|$", survey.read_text(),
                            re.MULTILINE))
    reasons = {r: int(n) for r, n in table.items() if r != "no reason recorded"}
    assert reasons == stats["reasons"]
    assert int(table["no reason recorded"]) == stats["excluded_without_reason"]
    assert re.search(rf"^\| Excluded \| {stats['exclude']} \|$", survey.read_text(),
                     re.MULTILINE)
    svg = (tmp_path / "survey-prisma.svg").read_text()
    excluded_box = svg[svg.index('<g id="excluded">'):]
    excluded_box = excluded_box[:excluded_box.index("</g>")]
    drawn = {m[0].strip(): int(m[1]) for m in re.findall(
        r">\s*([^<>]+?) \(n\u00a0=\u00a0(\d+)\)</text>", excluded_box)}
    assert {r: n for r, n in drawn.items() if r in stats["reasons"]} == stats["reasons"]
    assert drawn["No reason recorded"] == stats["excluded_without_reason"]
    assert f"Records excluded (n\u00a0=\u00a0{stats['exclude']})" in excluded_box

"""Big dumps are parsed in two halves on two cores: the result must be the whole file's."""

from __future__ import annotations

import os
import threading

import pytest

from reviewer.core import halves
from reviewer.core.parsers import ParseContext, bibtex

CTX = ParseContext("/data/big.bib", 2025)
needs_fork = pytest.mark.skipif(not halves.can_fork(), reason="no fork on this system")


@needs_fork
def test_second_half_runs_in_a_child_process():
    parent = os.getpid()
    head, tail = halves.in_two(os.getpid, os.getpid)
    assert head == parent
    assert tail != parent


@needs_fork
def test_a_child_that_dies_leaves_the_work_to_the_parent():
    parent = os.getpid()

    def second() -> str:
        if os.getpid() != parent:
            os._exit(3)
        return "done by the parent"

    assert halves.in_two(lambda: "head", second) == ("head", "done by the parent")


def test_no_fork_while_other_threads_run():
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert halves.in_two(os.getpid, os.getpid) == (os.getpid(), os.getpid())
    finally:
        stop.set()
        worker.join()


def test_errors_in_the_first_half_reach_the_caller():
    def boom() -> None:
        raise ValueError("bad head")

    with pytest.raises(ValueError, match="bad head"):
        halves.in_two(boom, lambda: 1)


def entry(number: int, key: str | None = None, extra: str = "") -> str:
    return (f"@article{{{key or f'k{number}'},\n"
            f"  title = {{Paper Number {number} on {{Medical}} Imaging}},\n"
            f"  author = {{Smith, Ada and M{{\\\"u}}ller, J{number % 7}}},\n"
            f"  year = {{{2000 + number % 25}}},\n{extra}"
            f"  abstract = {{Abstract {number}, with commas, \"quotes\" and = signs.}}\n}}\n\n")


def halves_and_whole(text: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(bibtex, "MIN_CHARS", 0)
    split = bibtex.parse(text, CTX)
    whole = bibtex._parse_part(text, CTX).finish()
    return split, whole


def assert_same(split, whole) -> None:
    assert [p.sources[0].line for p in split.papers] == [p.sources[0].line for p in whole.papers]
    assert split.papers == whole.papers
    assert split.skipped == whole.skipped
    assert split.warnings == whole.warnings


def test_clean_file_in_halves_reads_as_a_whole(monkeypatch):
    text = "% exported\n" + "".join(entry(n) for n in range(200))
    split, whole = halves_and_whole(text, monkeypatch)
    assert len(split.papers) == 200
    assert_same(split, whole)


def test_keys_repeated_across_the_cut_are_reported_once_each(monkeypatch):
    body = [entry(n) for n in range(100)]
    body[80] = entry(80, key="k3")  # after the cut: repeats a key from before it
    body[90] = entry(90, key="k3")  # and again
    body[95] = entry(95, key="k97")  # repeats a key within the second half
    split, whole = halves_and_whole("".join(body), monkeypatch)
    repeats = [w for w in whole.warnings if "duplicate entry key" in w]
    assert len(repeats) == 3
    assert_same(split, whole)


def test_a_block_left_open_at_the_cut(monkeypatch):
    # The open block spans the middle of the file, so the cut falls right after it.
    long_abstract = "word " * 4000
    text = ("".join(entry(n) for n in range(20))
            + f"@article{{open,\n  title = {{Never Closed}},\n  abstract = {{{long_abstract}\n"
            + "".join(entry(n) for n in range(20, 40)))
    assert bibtex._middle_block_start(text) > text.index("@article{open")
    split, whole = halves_and_whole(text, monkeypatch)
    assert len(whole.skipped) == 1 and "Unexpected block start" in whole.skipped[0].reason
    assert_same(split, whole)


def test_macros_and_crossrefs_reach_across_the_cut(monkeypatch):
    head = '@string{jml = "Journal of Medical Learning"}\n\n' + "".join(
        entry(n) for n in range(50))
    head += "@proceedings{parent,\n  title = {Proceedings of the Workshop},\n  year = 2020\n}\n\n"
    tail = "".join(entry(n, extra="  journal = jml,\n  crossref = {parent},\n")
                   for n in range(50, 120))
    split, whole = halves_and_whole(head + tail, monkeypatch)
    last = whole.papers[-1]
    assert last.venue == "Journal of Medical Learning"
    assert_same(split, whole)


def test_biber_test_files_in_halves(corpus, monkeypatch):
    from reviewer.core.reading import read_dump

    files = sorted((corpus / "biber-tdata").glob("*.bib"))
    assert files
    for path in files:
        text = read_dump(path).text
        if bibtex._middle_block_start(text) is None:
            continue
        split, whole = halves_and_whole(text, monkeypatch)
        assert_same(split, whole)


def test_a_parse_result_survives_the_pipe_whole():
    import pickle

    from reviewer.core.parsers.base import Skipped

    text = (entry(1, extra="  keywords = {a; b},\n  volume = {3},\n  eprint = {2401.01234},\n"
                           "  url = {https://github.com/x/y},\n") + entry(2))
    result = bibtex.parse(text, CTX)
    result.skipped.append(Skipped(9, "why"))
    result.warnings.append("a warning")
    back = pickle.loads(pickle.dumps(result))
    assert back == result
    extra = back.papers[0].extra
    assert back.papers[0].keywords == ["a", "b"]
    assert {k: v for k, v in extra.items() if not k.startswith("bib:")} == {"volume": "3"}
    assert extra["bib:@key"] == "k1" and extra["bib:volume"] == "{3}"  # the entry as written
    assert back.papers[0].arxiv_id == "2401.01234"

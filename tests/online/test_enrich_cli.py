"""`reviewer enrich` over the three seeds, against a loopback server playing all four
services: what is found is applied, decoys never are, a second run asks nothing, a dry
run writes nothing, and undo restores the review exactly."""

from __future__ import annotations

import json

from reviewer.cli import main

from .world import World


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listing(capsys, review) -> list[dict]:
    code, out, _ = run(capsys, "--review", str(review), "list", "--json")
    assert code == 0
    return json.loads(out)


def test_every_known_paper_gets_its_authors_and_arxiv_id(capsys, seeded, world: World,
                                                          server):
    before = {p["id"]: p for p in listing(capsys, seeded)}
    code, out, err = run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")
    assert code == 0, err
    papers = {p["id"]: p for p in listing(capsys, seeded)}
    assert len(world.known) > 250
    for pid, record in world.known.items():
        paper = papers[pid]
        assert paper["authors"] == record.authors, paper["title"]
        assert paper["arxiv_id"] == record.arxiv_id
        assert paper["primary_class"] == "cs.CV"
        # A year the dump stated stays; else a published version's year is Crossref's
        # (the fake's is a year after arXiv's).
        stated = before[pid]["year"] if not before[pid]["year_inferred"] else None
        year = stated or int(record.published[:4]) + (pid in world.published)
        assert paper["year"] == year and not paper["year_inferred"]
        if record.github:
            assert record.github in paper["links"]
    for pid in world.published:
        paper, record = papers[pid], world.known[pid]
        # The published version's venue, type and DOI; the arXiv id stays (the eprint).
        assert paper["venue"] == record.venue
        assert paper["doi"] == record.doi
        assert paper["entry_type"] == ("article" if record.kind == "journal-article"
                                       else "inproceedings")
        assert paper["arxiv_id"] == record.arxiv_id
    for pid in world.unknown:
        assert papers[pid]["authors"] == [] and papers[pid]["arxiv_id"] == ""
    assert "filled" in out and "requests:" in out


def test_decoys_are_never_applied_and_are_listed_as_uncertain(capsys, seeded, world,
                                                              server):
    before = {p["id"]: p for p in listing(capsys, seeded)}
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    after = {p["id"]: p for p in listing(capsys, seeded)}
    code, out, _ = run(capsys, "--review", str(seeded), "uncertain", "list", "--json")
    listed = json.loads(out)
    for kind, pid in world.decoyed.items():
        assert after[pid] == before[pid], kind  # nothing at all applied
        theirs = [c for c in listed if c["paper_id"] == pid]
        assert theirs, f"the {kind} decoy is not listed"
        assert {c["record"]["arxiv_id"] for c in theirs} == {f"2402.{20000 + pid}"}
    problems = {kind: " ".join(p for c in listed if c["paper_id"] == pid
                               for p in c["problems"])
                for kind, pid in world.decoyed.items()}
    assert "different words: computed / optical" in problems["word"]
    assert "numbers in the titles differ" in problems["version"]
    assert "8 authors / 9" in problems["count"]


def test_a_second_run_asks_nothing_and_works_offline(capsys, seeded, world, server):
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    asked = len(world.services.log)
    assert asked > 0
    first = listing(capsys, seeded)
    code, out, err = run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")
    assert code == 0, err
    assert len(world.services.log) == asked  # not one request more
    assert listing(capsys, seeded) == first
    # And without the server at all: the cache answers.
    server.httpd.shutdown()
    server.httpd.server_close()
    code, out, err = run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")
    assert code == 0 and "offline" not in err


def test_a_fresh_review_is_filled_from_the_cache_alone(capsys, seeded, seeded_template,
                                                       world, server, tmp_path):
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    asked = len(world.services.log)
    server.httpd.shutdown()
    server.httpd.server_close()
    other = tmp_path / "other.sqlite"
    other.write_bytes(seeded_template.read_bytes())
    code, out, err = run(capsys, "--review", str(other), "enrich", "--all", "--yes")
    assert code == 0, err
    assert len(world.services.log) == asked
    filled = {p["id"]: p for p in listing(capsys, other)}
    assert all(filled[pid]["arxiv_id"] == r.arxiv_id for pid, r in world.known.items())


def test_dry_run_prints_the_changes_and_writes_nothing(capsys, seeded, world, server):
    before_bytes = seeded.read_bytes()
    history = run(capsys, "--review", str(seeded), "history")[1]
    before = listing(capsys, seeded)
    code, out, err = run(capsys, "--review", str(seeded), "enrich", "--all", "--yes",
                         "--dry-run")
    assert code == 0, err
    some = next(iter(world.known))
    assert f"#{some} " in out and "authors (" in out and "nothing written" in out
    assert seeded.read_bytes() == before_bytes
    assert run(capsys, "--review", str(seeded), "history")[1] == history
    assert listing(capsys, seeded) == before
    code, out, _ = run(capsys, "--review", str(seeded), "uncertain", "list")
    assert "no near miss" in out


def test_undo_restores_the_review_exactly(capsys, seeded, world, server):
    before = listing(capsys, seeded)
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    changed = listing(capsys, seeded)
    assert changed != before
    code, out, _ = run(capsys, "--review", str(seeded), "undo")
    assert code == 0 and "enrich" in out
    assert listing(capsys, seeded) == before
    assert "no near miss" in run(capsys, "--review", str(seeded), "uncertain", "list")[1]
    run(capsys, "--review", str(seeded), "redo")
    assert listing(capsys, seeded) == changed


def test_keys_not_yet_exported_take_the_first_author(capsys, seeded, world, server,
                                                     tmp_path):
    papers = {p["id"]: p for p in listing(capsys, seeded)}
    frozen, free = sorted(world.known)[:2]
    # Exporting one paper freezes its key: it must not change.
    run(capsys, "--review", str(seeded), "star", str(frozen))
    assert run(capsys, "--review", str(seeded), "export", "bibtex",
               str(tmp_path / "one.bib"), "--starred")[0] == 0
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    after = {p["id"]: p for p in listing(capsys, seeded)}
    assert after[frozen]["citekey"] == papers[frozen]["citekey"]
    assert after[free]["citekey"].startswith(f"author{free}x0")
    assert after[free]["citekey"] != papers[free]["citekey"]


def test_accepting_and_rejecting_near_misses(capsys, seeded, world, server):
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    listed = json.loads(run(capsys, "--review", str(seeded), "uncertain", "list",
                            "--json")[1])
    count = next(c for c in listed if c["paper_id"] == world.decoyed["count"])
    word = next(c for c in listed if c["paper_id"] == world.decoyed["word"])
    code, out, err = run(capsys, "--review", str(seeded), "uncertain", "accept",
                         str(count["number"]))
    assert code == 0, err
    paper = next(p for p in listing(capsys, seeded) if p["id"] == world.decoyed["count"])
    assert paper["authors"] == count["record"]["authors"]
    assert run(capsys, "--review", str(seeded), "uncertain", "reject",
               str(word["number"]))[0] == 0
    left = json.loads(run(capsys, "--review", str(seeded), "uncertain", "list",
                          "--json")[1])
    assert {c["number"] for c in left} == {c["number"] for c in listed} - {
        count["number"], word["number"]}
    # A rejected near miss is not listed again by the next run.
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    again = json.loads(run(capsys, "--review", str(seeded), "uncertain", "list",
                           "--json")[1])
    assert word["number"] not in {c["number"] for c in again}
    assert all(c["record"]["ident"] != word["record"]["ident"] for c in again)
    # Undo takes the accept back whole: the paper and the list. (The second run found
    # nothing new: it left no history entry.)
    assert "reject uncertain" in run(capsys, "--review", str(seeded), "undo")[1]
    undone = run(capsys, "--review", str(seeded), "undo")
    assert "accept uncertain" in undone[1], undone
    paper = next(p for p in listing(capsys, seeded) if p["id"] == world.decoyed["count"])
    assert paper["authors"] == []
    assert len(json.loads(run(capsys, "--review", str(seeded), "uncertain", "list",
                              "--json")[1])) == len(listed)


def test_unknown_source_and_ids_with_selection_are_refused(capsys, seeded, server):
    code, _, err = run(capsys, "--review", str(seeded), "enrich", "--all", "--source", "x")
    assert code == 2 and "unknown source 'x'" in err
    code, _, err = run(capsys, "--review", str(seeded), "enrich", "1", "--all")
    assert code == 2 and "not both" in err


def test_only_the_sources_asked_for_are_asked(capsys, seeded, world, server):
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes", "--source",
               "arxiv")[0] == 0
    assert world.services.log and all(r.split(" ", 1)[1].startswith("/arxiv/")
                                      for r in world.services.log)
    papers = {p["id"]: p for p in listing(capsys, seeded)}
    some = next(iter(world.known))
    assert papers[some]["arxiv_id"] == world.known[some].arxiv_id  # by title, on arXiv


def test_on_a_terminal_it_asks_first_and_a_no_sends_nothing(capsys, seeded, world, server,
                                                            monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda: "n")
    code, out, err = run(capsys, "--review", str(seeded), "enrich", "--all")
    assert code == 0 and "nothing sent" in out
    assert "Send the titles and ids of 315 papers to 127.0.0.1" in err
    assert world.services.log == []
    monkeypatch.setattr("builtins.input", lambda: "y")
    code, out, err = run(capsys, "--review", str(seeded), "enrich", "1")
    assert code == 0 and world.services.log


def test_review_uncertain_lists_the_near_misses(capsys, seeded, world, server):
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    code, out, _ = run(capsys, "--review", str(seeded), "enrich", "--review-uncertain")
    assert code == 0
    assert "different words: computed / optical" in out and "uncertain accept N" in out


def test_ask_again_asks_only_about_what_was_not_found(capsys, seeded, world, server):
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    asked = len(world.services.log)
    some = sorted(world.unknown)[0]
    papers = {p["id"]: p for p in listing(capsys, seeded)}
    from .fake_services import FakePaper
    count = papers[some]["author_count"] or 1
    year = papers[some]["year"] or 2025
    world.services.add(FakePaper("2409.99999", papers[some]["title"],
                                 [f"New Comer{k}" for k in range(count)],
                                 published=f"{year}-01-02T00:00:00Z"))
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")[0] == 0
    assert len(world.services.log) == asked  # the cache said "not found"
    assert run(capsys, "--review", str(seeded), "enrich", "--all", "--yes",
               "--ask-again")[0] == 0
    again = world.services.log[asked:]
    assert again and len(again) < asked / 3
    assert {p["id"]: p for p in listing(capsys, seeded)}[some]["arxiv_id"] == "2409.99999"


def test_an_offline_source_is_one_line_and_the_run_goes_on(capsys, seeded, world, server):
    import os
    import socket
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    config = Path(os.environ["REVIEWER_CONFIG"])
    config.write_text(config.read_text().replace(f"{server.url}/hf", dead))
    code, out, err = run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")
    assert code == 0
    lines = [line for line in err.splitlines() if "Hugging Face" in line]
    assert len(lines) == 1 and "offline or unreachable" in lines[0]
    papers = {p["id"]: p for p in listing(capsys, seeded)}
    assert all(papers[pid]["arxiv_id"] == r.arxiv_id for pid, r in world.known.items())


def test_the_default_selection_with_nothing_included_is_refused(capsys, seeded, server):
    code, _, err = run(capsys, "--review", str(seeded), "enrich", "--yes")
    assert code == 2 and "no included or starred paper" in err


def test_a_field_set_with_edit_is_not_changed_by_enrich(capsys, seeded, world, server):
    """Hand edits win over fetched values (core/improve.py's provenance): a preprint's
    venue and type give way to the published version's, unless the user typed them;
    enrich still fills the paper's other fields, and records where each value came from."""
    from reviewer.core.store import Review

    mine, theirs = sorted(world.published)[:2]
    assert run(capsys, "--review", str(seeded), "edit", str(mine),
               "--venue", "arXiv", "--type", "misc")[0] == 0
    code, _, err = run(capsys, "--review", str(seeded), "enrich", "--all", "--yes")
    assert code == 0, err
    papers = {p["id"]: p for p in listing(capsys, seeded)}
    paper, record = papers[mine], world.known[mine]
    assert paper["venue"] == "arXiv" and paper["entry_type"] == "misc"
    # What the user did not set is filled, the published DOI included.
    assert paper["authors"] == record.authors and paper["arxiv_id"] == record.arxiv_id
    assert paper["doi"] == record.doi
    # The same kind of paper, not edited, takes the published version's venue.
    assert papers[theirs]["venue"] == world.known[theirs].venue
    with Review.open(seeded) as review:
        origins = review.provenance([mine])[mine]
    assert origins["venue"] == origins["entry_type"] == "user"
    assert origins["doi"] == "service:crossref"
    assert origins["authors"].startswith("service:")

"""The online core on its own: the recorded responses parsed, the title check, the client
surviving 429/503/timeouts/malformed answers and an offline service, the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.core.model import Paper
from reviewer.core.online.arxiv import parse_feed
from reviewer.core.online.cache import LookupCache
from reviewer.core.online.client import SimulatedClock
from reviewer.core.online.crossref import parse_work
from reviewer.core.online.matching import check, title_problems
from reviewer.core.online.plan import plan_enrichment
from reviewer.core.online.records import Record
from reviewer.core.online.s2 import parse_paper as parse_s2
from reviewer.core.online.services import open_sources
from reviewer.core.online.settings import OnlineSettings, ServiceSettings

from .fake_services import Fault, FakePaper, FakeServer, Services

API = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "api"


def recorded(name: str) -> dict:
    path = API / name
    if not path.exists():
        pytest.skip("../shared/corpus/api is not beside the project")
    return json.loads(path.read_text(encoding="utf-8"))


# -- the recorded responses ---------------------------------------------------------------

def test_arxiv_feeds_as_recorded():
    two = parse_feed(recorded("arxiv/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json")
                     ["body"])
    assert [r.arxiv_id for r in two] == ["1707.08567"]  # 0808.05394 does not exist
    assert len(two[0].authors) == 34 and two[0].authors[0] == "Kees A. Schouhamer Immink"
    assert (two[0].year, two[0].month, two[0].day) == (2017, 7, 27)
    assert two[0].primary_class == "cs.IT"
    assert parse_feed(recorded("arxiv/id_0000.0000_s0_m100_8b51d9633a68.json")["body"]) == []
    with pytest.raises(ValueError, match="incorrect id format"):
        parse_feed(recorded("arxiv/id_abc_s0_m100_b79c8dcf6bc3.json")["body"])
    search = parse_feed(recorded("arxiv/q_testing_s0_m10_bc5a6c384fe9.json")["body"])
    first = search[0]
    assert first.arxiv_id == "2202.12139" and first.doi == "10.1109/ICSTW55395.2022.00035"  # its case kept
    assert first.journal_ref.startswith("Artificial Intelligence in Software Testing")


def test_a_feed_declaring_entities_is_refused():
    bomb = ('<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">]>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>&a;</title></feed>')
    with pytest.raises(ValueError, match="DTD"):
        parse_feed(bomb)
    with pytest.raises(ValueError, match="not XML"):
        parse_feed("<feed><entry>")


def test_crossref_works_as_recorded():
    journal = parse_work(recorded("crossref/test_1_multiple_authors.json")["message"])
    assert journal.doi == "10.1103/physrevb.89.140501" and journal.published
    assert journal.venue == "Physical Review B" and journal.entry_type == "article"
    assert journal.authors[:2] == ["Herdman, C. M.", "Roy, P.-N."]
    assert journal.extra == {"volume": "89", "number": "14",
                             "publisher": "American Physical Society (APS)"}
    proceedings = parse_work(recorded("crossref/test_3_conference.json")["message"])
    assert proceedings.entry_type == "inproceedings" and proceedings.year == 2018


def test_semantic_scholar_batch_as_recorded():
    import yaml

    path = API / "semanticscholar" / "test_get_papers_not_found_warning.yaml"
    if not path.exists():
        pytest.skip("../shared/corpus/api is not beside the project")
    body = yaml.safe_load(path.read_text())["interactions"][0]["response"]["body"]["string"]
    papers = json.loads(body)
    assert papers[0] is None and parse_s2(papers[0]) is None
    record = parse_s2(papers[1])
    assert record.title == "How Much Should We Trust Differences-in-Differences Estimates?"
    assert record.doi == "10.2139/ssrn.288970" and record.year == 2001
    assert record.venue == "Experimental & Empirical Studies eJournal" and record.published
    assert record.authors == ["Marianne Bertrand", "E. Duflo", "S. Mullainathan"]


# -- the title check ----------------------------------------------------------------------

TITLE = "BenchX: A Unified Benchmark Framework for Medical Vision-Language Pretraining"


@pytest.mark.parametrize("theirs", [
    TITLE, TITLE.upper(), TITLE.replace("Vision-Language", "Vision Language"),
    TITLE.replace("Pretraining", "Pre-training"), TITLE.replace("A Unified", "Unified"),
    TITLE.replace("Framework", "Framwork"), TITLE + ".",
])
def test_the_same_title_spelled_otherwise_passes(theirs):
    assert title_problems(TITLE, theirs)[1] == []


@pytest.mark.parametrize("theirs, problem", [
    (TITLE.replace("Medical", "Surgical"), "different words"),
    (TITLE.replace("Benchmark", "Baseline"), "different words"),
    ("YOLOv5: " + TITLE, None), ("BenchX2: A Unified " + TITLE[19:], "numbers"),
    ("SAM 2", "short"),
])
def test_another_paper_a_word_or_a_number_apart_fails(theirs, problem):
    mine = "YOLOv7: " + TITLE if theirs.startswith("YOLOv5") else (
        "SAM 3" if theirs == "SAM 2" else TITLE)
    score, problems = title_problems(mine, theirs)
    assert problems
    if problem:
        assert any(problem in p for p in problems)


def test_years_and_author_counts_must_agree():
    record = Record("hf", "2401.00001", title=TITLE, authors=["A One", "B Two"], year=2024)
    assert check(Paper(TITLE, author_count=2, year=2024), record).accepted
    assert check(Paper(TITLE, author_count=2), record).accepted  # no year known
    assert check(Paper(TITLE, author_count=2, year=2025, year_inferred=True),
                 record).accepted  # an inferred year is a guess
    wrong_count = check(Paper(TITLE, author_count=3), record)
    assert not wrong_count.accepted and wrong_count.near
    far_year = check(Paper(TITLE, year=2021), record)
    assert not far_year.accepted and "years differ" in far_year.problems[0]
    strangers = check(Paper(TITLE, authors=["Zed, Z.", "Yo, Y."]), record)
    assert "no author in common" in strangers.problems
    unrelated = check(Paper("Segment Anything in Medical Images"), record)
    assert not unrelated.accepted and not unrelated.near


# -- the client: pace, retries, failures --------------------------------------------------

def settings_for(url: str, interval: float = 0) -> OnlineSettings:
    settings = OnlineSettings()
    for name in settings.services:
        settings.services[name] = ServiceSettings(f"{url}/{name}", interval)
    return settings


PAPER = FakePaper("2401.12345", "A Careful Study of Loopback Servers for Testing",
                  ["Ann Lee", "Bo Chen", "Cy Diaz"])


def papers_to_fill() -> list[Paper]:
    return [Paper(PAPER.title, author_count=3, id=1),
            Paper("An Entirely Unknown Paper About Something Else", id=2)]


def world_with(*faults: tuple[str, Fault]) -> Services:
    services = Services()
    services.add(PAPER)
    services.faults.update(faults)
    return services


def test_429_with_retry_after_and_503_are_retried(tmp_path):
    services = world_with(("/hf/api/papers/search", Fault(429, retry_after="1", times=1)),
                          ("/arxiv/api/query", Fault(503, times=2)))
    with FakeServer(services) as server:
        clock = SimulatedClock()
        sources = open_sources(settings_for(server.url), cache=LookupCache(None),
                               clock=clock)
        plan = plan_enrichment(papers_to_fill(), sources)
    reports = {r.name: r for r in plan.sources}
    assert reports["hf"].retried == 1 and reports["arxiv"].retried == 2
    assert clock.waited >= 1.0  # the Retry-After was honoured
    fields = plan.papers[0].fields
    assert fields["authors"].value == PAPER.authors and fields["primary_class"].value == "cs.CV"
    assert not any(r.down or r.failures for r in plan.sources)


def test_a_retry_after_is_capped(tmp_path):
    services = world_with(("/hf/api/papers/search", Fault(429, retry_after="86400")))
    with FakeServer(services) as server:
        clock = SimulatedClock()
        sources = open_sources(settings_for(server.url), ["hf"], cache=LookupCache(None),
                               clock=clock)
        plan = plan_enrichment(papers_to_fill()[:1], sources)
    assert 59 < clock.waited < 61  # (the clock also counts the real milliseconds)
    assert plan.papers[0].fields["arxiv_id"].value == PAPER.arxiv_id


def test_a_timeout_is_survived_and_retried():
    services = world_with(("/hf/api/papers/search", Fault(stall=1.5, times=1)))
    with FakeServer(services) as server:
        sources = open_sources(settings_for(server.url), ["hf"], cache=LookupCache(None),
                               clock=SimulatedClock(), timeout=0.5)
        plan = plan_enrichment(papers_to_fill()[:1], sources)
    assert plan.sources[0].retried == 1
    assert plan.papers[0].fields["arxiv_id"].value == PAPER.arxiv_id


def test_a_malformed_answer_fails_that_lookup_only_and_is_not_cached(tmp_path):
    services = world_with(("/hf/api/papers/search", Fault(malformed=True, times=1)))
    cache = LookupCache(tmp_path / "c.sqlite")
    with FakeServer(services) as server:
        sources = open_sources(settings_for(server.url), ["hf", "arxiv"], cache=cache,
                               clock=SimulatedClock())
        plan = plan_enrichment(papers_to_fill(), sources)
        hf = plan.sources[0]
        assert len(hf.failures) == 1 and "malformed" in hf.failures[0] and not hf.down
        # arXiv's title search found the paper all the same.
        assert plan.papers[0].fields["authors"].source == "service:arxiv"
        sources = open_sources(settings_for(server.url), ["hf"], cache=cache,
                               clock=SimulatedClock())
        asked = len(services.log)
        plan_enrichment(papers_to_fill(), sources)
    assert services.log[asked:] == [services.log[0]]  # asked again: it was not cached


def test_an_offline_source_gives_one_line_and_the_others_go_on(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    services = world_with()
    with FakeServer(services) as server:
        settings = settings_for(server.url)
        settings.services["hf"] = ServiceSettings(dead, 0)
        sources = open_sources(settings, cache=LookupCache(None), clock=SimulatedClock())
        plan = plan_enrichment(papers_to_fill(), sources)
    hf = plan.sources[0]
    assert hf.down.startswith("Hugging Face: offline or unreachable") and "\n" not in hf.down
    assert hf.requests == 1  # given up at once, not once per paper
    assert plan.papers[0].fields["arxiv_id"].source == "service:arxiv"


def test_refused_and_persistently_failing_sources_are_given_up():
    services = world_with(("/s2/", Fault(403, times=99)), ("/hf/", Fault(503, times=99)))
    with FakeServer(services) as server:
        sources = open_sources(settings_for(server.url), cache=LookupCache(None),
                               clock=SimulatedClock())
        papers = papers_to_fill() + [Paper("Yet Another Unknown Paper on Loopbacks", id=3),
                                     Paper("And a Fourth Unknown One on Loopbacks", id=4)]
        plan = plan_enrichment(papers, sources)
    reports = {r.name: r for r in plan.sources}
    assert "refused (HTTP 403)" in reports["s2"].down and reports["s2"].requests == 1
    assert "not answering" in reports["hf"].down
    assert plan.papers[0].fields["authors"].source == "service:arxiv"


def test_the_pace_is_kept():
    services = world_with()
    with FakeServer(services) as server:
        clock = SimulatedClock()
        sources = open_sources(settings_for(server.url, interval=3.0), ["hf"],
                               cache=LookupCache(None), clock=clock)
        start = clock.now()
        plan_enrichment(papers_to_fill(), sources)  # two title searches
        elapsed = clock.now() - start
    assert sources["hf"].client.requests == 2
    assert elapsed >= 3.0  # a gap of 3 s between the two


def test_arxiv_ids_go_in_batches_of_100():
    services = Services()
    papers = []
    for i in range(250):
        fake = FakePaper(f"2403.{10000 + i}", f"Paper number {i} of a long list", ["A B"])
        services.add(fake)
        papers.append(Paper(fake.title, arxiv_id=fake.arxiv_id, id=i + 1))
    with FakeServer(services) as server:
        sources = open_sources(settings_for(server.url), ["arxiv"], cache=LookupCache(None))
        plan = plan_enrichment(papers, sources)
    assert sources["arxiv"].client.requests == 3
    assert len(plan.changed) == 250


def test_arxiv_title_searches_go_ten_a_request_and_each_title_gets_its_own_hits():
    services = Services()
    papers = []
    for i in range(25):
        fake = FakePaper(f"2403.{20000 + i}", f"Loopback study number {i} of servers",
                         ["A B"])
        services.add(fake)
        papers.append(Paper(fake.title, id=i + 1))
    with FakeServer(services) as server:
        sources = open_sources(settings_for(server.url), ["arxiv"], cache=LookupCache(None))
        plan = plan_enrichment(papers, sources)
    assert sources["arxiv"].client.requests == 3
    got = {p.paper_id: p.fields["arxiv_id"].value for p in plan.changed}
    assert got == {i + 1: f"2403.{20000 + i}" for i in range(25)}


def test_nothing_is_overwritten_and_a_published_version_replaces_a_preprints_fields():
    published = FakePaper("2401.12345", PAPER.title, PAPER.authors, doi="10.1234/pub.1",
                          venue="Journal of Loopbacks")
    services = Services()
    services.add(published)
    mine = Paper(PAPER.title, authors=["Lee, Ann", "Chen, Bo", "Diaz, Cy"], year=2023,
                 arxiv_id="2401.12345", doi="10.48550/arXiv.2401.12345", entry_type="misc",
                 comments="my own comment", id=1)
    with FakeServer(services) as server:
        sources = open_sources(settings_for(server.url), cache=LookupCache(None))
        plan = plan_enrichment([mine], sources)
    fields = {k: v.value for k, v in plan.papers[0].fields.items()}
    assert "authors" not in fields and "year" not in fields and "comments" not in fields
    assert fields["venue"] == "Journal of Loopbacks" and fields["doi"] == "10.1234/pub.1"
    assert fields["entry_type"] == "article" and "arxiv_id" not in fields
    assert fields["primary_class"] == "cs.CV"


def test_the_cache_keeps_not_found_answers(tmp_path):
    cache = LookupCache(tmp_path / "c.sqlite")
    services = world_with()
    counts = []
    with FakeServer(services) as server:
        for _ in range(2):
            sources = open_sources(settings_for(server.url), cache=cache)
            plan_enrichment(papers_to_fill(), sources)
            counts.append(len(services.log))
    assert counts[0] > 0 and counts[1] == counts[0]  # the second run asked nothing


def test_an_unusable_cache_only_costs_the_cache(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = LookupCache(blocker / "c.sqlite")
    assert cache.problem and cache.get("hf", "x") is not None
    cache.put("hf", "x", 1)  # no error


def test_a_paper_identified_later_loses_its_open_near_misses(review):
    from reviewer.core.online import uncertain
    from reviewer.core.online.apply import apply_enrichment
    from reviewer.core.online.plan import Candidate, FieldValue, PaperPlan, Plan

    with review.change("add") as changes:
        changes.conn.execute("INSERT INTO papers (id, title, title_norm, citekey, batch) "
                             "VALUES (1, 'A Title Long Enough to Match', 'x', 'k1', 0)")
    near = Candidate(1, "hf", Record("hf", "2401.00002", title="A Title Long Enough to "
                                     "Catch", arxiv_id="2401.00002"), ["different words"], 90)
    apply_enrichment(review, Plan([PaperPlan(1, {}, [near])], 1, []))
    assert [e.candidate.key for e in uncertain.entries(review)] == [near.key]
    found = FieldValue("2401.00001", "service:arxiv")
    apply_enrichment(review, Plan([PaperPlan(1, {"arxiv_id": found})], 1, []))
    assert uncertain.entries(review) == [] and review.get(1).arxiv_id == "2401.00001"
    review.undo()
    assert len(uncertain.entries(review)) == 1 and review.get(1).arxiv_id == ""


def test_dates_found_give_way_to_better_sources_but_a_stated_one_stays():
    services = Services()
    services.add(FakePaper("2401.12345", PAPER.title, PAPER.authors,
                           published="2023-11-30T10:00:00Z", doi="10.1234/pub.1",
                           venue="Journal of Loopbacks"))
    hf_day = {"hf": "2023-12-02"}  # Hugging Face lists it two days after arXiv
    original = services.answer

    def answer(method, path, query, body):
        status, text, headers = original(method, path, query, body)
        if path.startswith("/hf/"):
            text = text.replace("2023-11-30", hf_day["hf"])
        return status, text, headers

    services.answer = answer
    with FakeServer(services) as server:
        sources = open_sources(settings_for(server.url), ["hf", "arxiv"],
                               cache=LookupCache(None))
        plan = plan_enrichment([Paper(PAPER.title, author_count=3, id=1)], sources)
        dated = {k: v.value for k, v in plan.papers[0].fields.items()}
        assert (dated["year"], dated["month"], dated["day"]) == (2023, 11, 30)  # arXiv's
        assert plan.papers[0].fields["day"].source == "service:arxiv"
        sources = open_sources(settings_for(server.url), cache=LookupCache(None))
        plan = plan_enrichment([Paper(PAPER.title, author_count=3, id=1)], sources)
        assert plan.papers[0].fields["year"].value == 2024  # the published version's
        sources = open_sources(settings_for(server.url), cache=LookupCache(None))
        plan = plan_enrichment([Paper(PAPER.title, author_count=3, year=2022, id=1)],
                               sources)
        assert "year" not in plan.papers[0].fields  # stated in the dump: kept


def test_retry_after_as_an_http_date():
    from email.utils import format_datetime
    from datetime import UTC, datetime, timedelta

    from reviewer.core.online.client import Clock, _retry_after

    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 28 <= _retry_after(later, Clock()) <= 30
    assert _retry_after("5", Clock()) == 5.0
    assert _retry_after("soon", Clock()) is None and _retry_after(None, Clock()) is None


def test_a_hung_service_is_given_up_after_three_timeouts():
    services = world_with(("/hf/", Fault(stall=0.6, times=99)))
    with FakeServer(services) as server:
        sources = open_sources(settings_for(server.url), ["hf", "arxiv"],
                               cache=LookupCache(None), clock=SimulatedClock(), timeout=0.2)
        plan = plan_enrichment(papers_to_fill(), sources)
    hf = plan.sources[0]
    assert hf.requests == 3 and "not answering" in hf.down
    assert plan.papers[0].fields["authors"].source == "service:arxiv"


def test_an_arxiv_records_journal_reference_fills_the_papers_own():
    from reviewer.core.online.plan import improvements
    from reviewer.core.online.records import Record

    record = Record("arxiv", "2401.12345", journal_ref="Nature 616, 259-265 (2023)")
    assert improvements(Paper("A title", id=1), record, set(), False) == {
        "journal_ref": "Nature 616, 259-265 (2023)"}
    mine = Paper("A title", journal_ref="Nat. 616 (2023)", id=1)
    assert "journal_ref" not in improvements(mine, record, set(), False)

"""Merging duplicates keeps the richest value of each field and never the user's state."""

from __future__ import annotations

from reviewer.core.importer import store_papers
from reviewer.core.merge import merged_fields
from reviewer.core.model import Decision, Paper, Source

TITLE = "Hulu-Med: A Transparent Generalist Model"


def test_richer_fields_win_and_poorer_ones_do_not():
    base = Paper(TITLE, abstract="Short and cut ...", abstract_truncated=True, author_count=25,
                 year=2025, month=10, day=9, upvotes=3, links=["https://github.com/a/b"])
    other = Paper(TITLE, abstract="A full abstract that was not cut.", authors=["A. One", "B. Two"],
                  year=2025, upvotes=1, arxiv_id="2510.08668",
                  links=["https://github.com/a/b/", "https://a.github.io"])
    changes = merged_fields(base, other)
    assert changes == {
        "abstract": "A full abstract that was not cut.",
        "abstract_truncated": False,
        "authors": ["A. One", "B. Two"],
        "arxiv_id": "2510.08668",
        "links": ["https://github.com/a/b", "https://a.github.io"],
    }  # 25 authors stay (more than two names); the date with a day stays; upvotes stay 3


def test_a_stated_year_beats_an_inferred_one_and_a_day_beats_a_month():
    base = Paper(TITLE, year=2026, month=3, day=30, year_inferred=True)
    assert merged_fields(base, Paper(TITLE, year=2025, month=3)) == {
        "year": 2025, "day": None, "year_inferred": False}
    known = Paper(TITLE, year=2025)
    assert merged_fields(known, Paper(TITLE, year=2025, month=3, day=30)) == {
        "month": 3, "day": 30}
    assert merged_fields(known, Paper(TITLE, year=2026, month=1, year_inferred=True)) == {}


def test_a_longer_title_replaces_a_truncated_one_but_case_changes_do_not():
    assert merged_fields(Paper("Hulu-Med"), Paper(TITLE)) == {"title": TITLE}
    assert merged_fields(Paper(TITLE), Paper(TITLE.upper())) == {}


def test_merging_keeps_stars_tags_notes_decisions_and_sections(review):
    store_papers(review, [Paper(TITLE, sources=[Source("/a.txt", 1, "hf")])], ["/a.txt"])
    review.star([1])
    review.tag([1], ["mine"])
    review.set_note(1, "my note")
    review.decide([1], Decision.INCLUDE)
    review.assign("Intro", [1], create=True)
    richer = Paper(TITLE, abstract="Now with an abstract.", authors=["Ada Lovelace"],
                   sources=[Source("/b.bib", 3, "bibtex")])
    assert store_papers(review, [richer], ["/b.bib"]) == (0, 1)
    p = review.get(1)
    assert (p.starred, p.tags, p.note, p.decision, p.sections) == (
        True, ["mine"], "my note", Decision.INCLUDE, ["Intro"])
    assert p.abstract == "Now with an abstract." and p.authors == ["Ada Lovelace"]
    assert [s.file for s in p.sources] == ["/a.txt", "/b.bib"]


def test_merge_into_stored_paper_is_undoable(review):
    store_papers(review, [Paper(TITLE, sources=[Source("/a.txt", 1, "hf")])], ["/a.txt"])
    before = review.get(1)
    store_papers(review, [Paper(TITLE, doi="10.1/x", sources=[Source("/b.bib", 1, "bibtex")])],
                 ["/b.bib"])
    assert review.get(1).doi == "10.1/x"
    review.undo()
    after_undo = review.get(1)
    assert (after_undo.doi, after_undo.sources, after_undo.citekey) == (
        before.doi, before.sources, before.citekey)


def test_reimporting_the_same_records_changes_nothing(review):
    papers = [Paper(TITLE, abstract="x" * 300, sources=[Source("/a.txt", 1, "hf")])]
    store_papers(review, papers, ["/a.txt"])
    history = len(review.history())
    again = [Paper(TITLE, abstract="x" * 300, sources=[Source("/a.txt", 1, "hf")])]
    assert store_papers(review, again, ["/a.txt"]) == (0, 1)
    assert len(review.history()) == history  # nothing changed, nothing to undo
    assert len(review.get(1).sources) == 1


def test_bibtex_names_beat_as_many_names_from_a_listing():
    listing = Paper(TITLE, authors=["Blaise Aguera y Arcas", "Joelle Barral"], author_count=2)
    bib = Paper(TITLE, authors=["Aguera y Arcas, Blaise", "Barral, Joelle"], author_count=2)
    assert merged_fields(listing, bib) == {"authors": ["Aguera y Arcas, Blaise", "Barral, Joelle"]}
    assert merged_fields(bib, listing) == {}
    # More names still win over the better form.
    longer = Paper(TITLE, authors=["Blaise Aguera y Arcas", "Joelle Barral", "Dale Webster"])
    assert merged_fields(bib, longer)["authors"][2] == "Dale Webster"


def test_merges_stop_adding_links_and_keywords_past_max_items():
    """The same paper under 4,000 headings, each with its own code link: merging it
    4,000 times looked through all the links gathered so far each time (4.3 s)."""
    from reviewer.core.dedup import DuplicateIndex
    from reviewer.core.merge import MAX_ITEMS
    from reviewer.core.planning import plan_import

    from .scaling import assert_linear

    def records(n: int) -> list[Paper]:
        return [Paper("Segment Anything", arxiv_id="2304.02643", keywords=[f"Heading {k}"],
                      links=[f"https://github.com/lab/repo{k}"]) for k in range(n)]

    plan = plan_import(DuplicateIndex(), records(300))
    (paper,) = plan.new
    assert paper.keywords == [f"Heading {k}" for k in range(MAX_ITEMS)]
    assert paper.links == [f"https://github.com/lab/repo{k}" for k in range(MAX_ITEMS)]
    assert_linear(lambda papers: plan_import(DuplicateIndex(), papers), records, 400)

"""arXiv listings (new and old layouts) and the daily e-mail."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core.parsers import ParseContext, arxiv, detect_format, parse_text
from reviewer.core.reading import read_dump

from .conftest import FIXTURES, ROOT

ARXIV = FIXTURES / "arxiv"


def parse(path):
    fmt, result = parse_text(read_dump(path).text, ParseContext(str(path), 2025))
    assert fmt == "arxiv"
    return result


def test_new_listing_layout():
    result = parse(ARXIV / "listing_new.txt")
    assert result.skipped == []
    alpha, beta, gamma, delta = result.papers
    assert [p.arxiv_id for p in result.papers] == [
        "2411.14001", "2411.14002", "2411.09003", "2310.00004"]
    assert [p.sources[0].line for p in result.papers] == [6, 12, 19, 25]
    assert alpha.title == "Alpha-Seg: Segmenting Organs with Prompts"
    assert alpha.authors == ["Jane Doe", "Bartłomiej Kowalski", "Li Wei"]
    assert alpha.author_count == 3
    assert alpha.keywords == ["cs.CV", "cs.LG"] and alpha.primary_class == "cs.CV"
    assert alpha.abstract.startswith("We present Alpha-Seg")
    assert alpha.comments.startswith("12 pages, 5 figures")
    assert alpha.links == ["https://github.com/example/alpha-seg"]  # from the comments
    assert (alpha.year, alpha.month, alpha.day) == (2024, 11, None)
    assert beta.title == "Beta: Report Generation with $\\alpha$-Retrieval & Friends"
    assert beta.venue == "Medical Image Analysis 99 (2025) 103300"
    assert beta.primary_class == "eess.IV"
    assert gamma.primary_class == "cs.CL"  # a cross-list keeps its own primary category
    assert (delta.year, delta.month) == (2023, 10)
    assert delta.abstract == "An older abstract."


def test_old_recent_layout_without_abstracts():
    result = parse(ARXIV / "listing_recent_old.txt")
    assert [(p.arxiv_id, p.title, p.authors) for p in result.papers] == [
        ("2301.05001", "Epsilon: Old Layout With Labels", ["Marie Curie", "Pierre Curie"]),
        ("2301.05002", "Zeta: Another One", ["Niels Bohr"])]
    assert all(p.abstract == "" for p in result.papers)
    assert result.papers[1].keywords == ["cs.LG", "cs.CV"]


def test_daily_email():
    result = parse(ARXIV / "email.txt")
    assert [p.arxiv_id for p in result.papers] == ["2411.07001", "2411.06002", "2309.02553"]
    eta, theta, iota = result.papers
    assert eta.title == "Eta: A Title Wrapped Over Two Lines in the Mailing"
    assert eta.authors == ["Jane Doe", "John Smith", "Saša Hasan", "Marie Curie"]
    assert eta.keywords == ["cs.CV", "cs.AI"]
    assert eta.doi == "10.1016/j.media.2024.103300"
    assert eta.abstract == ("This is the abstract text, wrapped as the mailing wraps it. "
                            "Code at https://github.com/example/eta.")
    assert eta.links == ["https://github.com/example/eta"]
    assert (eta.year, eta.month, eta.day) == (2024, 11, 11)
    assert (theta.day, theta.primary_class) == (10, "cs.LG")
    # A replacement: the date given is the new version's, not the paper's.
    assert (iota.year, iota.month, iota.day, iota.abstract) == (2023, 9, None, "")
    assert [(s.line, s.reason) for s in result.skipped] == [(51, "arXiv:2411.07999 has no title")]


def test_bundled_sample():
    sample = ROOT / "sample_lists" / "arxiv-cs-cv-recent.txt"
    result = parse(sample)
    text = sample.read_text(encoding="utf-8")
    assert len(result.papers) == text.count("\nTitle: ") == 7
    sam2 = result.papers[-1]
    assert sam2.arxiv_id == "2408.00714" and len(sam2.authors) == 18
    assert "Roman Rädle" in sam2.authors


def test_detection_is_confident_and_specific(seeds):
    for name in ("listing_new.txt", "listing_recent_old.txt", "email.txt"):
        assert arxiv.detect(read_dump(ARXIV / name).text) >= 0.9
    for seed in seeds.glob("*.txt"):
        assert arxiv.detect(read_dump(seed).text) == 0.0
    assert detect_format(read_dump(ARXIV / "email.txt").text) == "arxiv"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "[1] arXiv:2411.00001 [pdf]", "arXiv:2401.01234", "Title: A title", "Title:", "Authors: A, B",
    "Subjects: X (cs.CV)", "\\\\", "\\\\ ( https://arxiv.org/abs/2401.01234 , 1kb)", "",
    "  continued", "-" * 30, "New submissions (showing 1 of 1 entries)", "Date: 1 Jan 2024",
    "replaced with revised version", "free text"]) | st.text(max_size=40), max_size=40))
def test_arbitrary_lines_never_raise(lines):
    text = "\n".join(lines)
    result = arxiv.parse(text, ParseContext("x.txt", 2025))
    for paper in result.papers:
        assert paper.title and paper.arxiv_id
        assert 1 <= paper.sources[0].line <= len(lines)

"""arXiv listings (new and old layouts) and the daily e-mail."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core.parsers import ParseContext, arxiv, detect_format, parse_text
from reviewer.core.decoding import read_dump

from .conftest import FIXTURES, ROOT

ARXIV = FIXTURES / "arxiv"


def parse(path):
    fmt, result = parse_text(read_dump(path).text, ParseContext(str(path), 2025))
    assert fmt == "arxiv"
    return result


def test_new_listing_layout():
    result = parse(ARXIV / "listing_new.txt")
    assert result.skipped == []
    alpha, beta, gamma, delta, epsilon, zeta = result.papers
    assert [p.arxiv_id for p in result.papers] == [
        "2411.14001", "2411.14002", "2411.14003", "2411.09003", "2410.20005", "2411.00006"]
    assert [p.sources[0].line for p in result.papers] == [10, 17, 23, 30, 35, 41]
    assert alpha.title == "Alpha-Seg: Segmenting Organs with Prompts"
    assert alpha.authors == ["Jane Doe", "Bartłomiej Kowalski", "Li Wei"]
    assert alpha.author_count == 3
    assert alpha.keywords == ["cs.CV", "cs.LG"] and alpha.primary_class == "cs.CV"
    assert alpha.abstract == ("We present Alpha-Seg, a promptable segmentation model for "
                              "abdominal CT. It reaches a Dice score of 0.91 on three public "
                              "datasets.")
    assert alpha.comments.startswith("12 pages, 5 figures")
    assert alpha.links == ["https://github.com/example/alpha-seg"]  # from the comments
    # The page says which day it announces: new submissions are dated that day.
    assert (alpha.year, alpha.month, alpha.day) == (2024, 11, 22)
    # Hostile text is kept literally; the DOI comes out of the Journal-ref.
    assert beta.title == "Beta: [bold]Report[/] Generation with 100% Retrieval & #Friends {"
    assert beta.doi == "10.1016/j.media.2025.103300"
    assert beta.primary_class == "eess.IV"
    # "et al. (96 additional authors not shown)": four names, a hundred authors.
    assert gamma.authors == ["Ann One", "Ben Two", "Cho Three", "Dan Four"]
    assert gamma.author_count == 100
    assert gamma.abstract == "A report written by a hundred people."
    assert delta.primary_class == "cs.CL"  # a cross-list keeps its own primary category
    assert delta.authors == ["Grace Hopper", "Alan Turing"]
    # A cross-list submitted last month is not dated by the page; nor is a replacement.
    assert epsilon.authors == [] and epsilon.author_count is None
    assert epsilon.abstract == "An abstract that must not be read as an author list."
    assert (epsilon.year, epsilon.month, epsilon.day) == (2024, 10, None)
    assert (zeta.year, zeta.month, zeta.day) == (2024, 11, None)
    assert zeta.abstract == "A revised abstract."


def test_new_listing_copied_piece_by_piece():
    result = parse(ARXIV / "listing_new_pieces.txt")
    assert result.skipped == []
    sigma, tau, upsilon = result.papers
    assert [p.arxiv_id for p in result.papers] == ["2411.14301", "2411.14302", "2411.00303"]
    assert sigma.title == "Sigma: Every Piece on a Line of Its Own"
    assert sigma.authors == ["Ada Lovelace", "Charles Babbage"]
    assert sigma.comments == "9 pages"
    assert sigma.keywords == ["cs.CV", "cs.LG"]
    assert sigma.abstract == "An abstract copied by a tool that keeps the page's indentation."
    assert (sigma.year, sigma.month, sigma.day) == (2024, 11, 22)
    assert tau.title == "Tau: A Cross-List, Piece by Piece" and tau.authors == ["Grace Hopper"]
    assert tau.primary_class == "eess.IV"
    assert upsilon.authors == ["Alan Turing"] and upsilon.abstract == "A third abstract."
    assert (upsilon.year, upsilon.month, upsilon.day) == (2024, 11, None)


def test_recent_listing_dates_each_day():
    result = parse(ARXIV / "listing_recent.txt")
    assert [(p.arxiv_id, p.title, p.authors, p.day) for p in result.papers] == [
        ("2411.14201", "Kappa: Recent Page, First Day",
         ["Rosalind Franklin", "Maurice Wilkins"], 22),
        ("2411.14202", "Lambda: Recent Page, Cross-List", ["James Watson"], 22),
        ("2411.13203", "Mu: Recent Page, Second Day", ["Francis Crick"], 21)]
    assert all(p.abstract == "" for p in result.papers)  # the recent page shows none


def test_old_new_listing_layout():
    result = parse(ARXIV / "listing_new_old.txt")
    eta, theta, iota = result.papers
    assert (eta.arxiv_id, eta.title, eta.authors) == (
        "2411.14101", "Eta: Old Layout, New Submission", ["Marie Curie", "Pierre Curie"])
    assert eta.abstract == "An abstract on the old /new page."
    assert (eta.year, eta.month, eta.day) == (2024, 11, 22)
    assert theta.primary_class == "stat.ML" and theta.abstract == "A cross-listed abstract."
    assert (iota.arxiv_id, iota.day) == ("2411.00103", None)


def test_old_recent_layout_without_abstracts():
    result = parse(ARXIV / "listing_recent_old.txt")
    assert [(p.arxiv_id, p.title, p.authors) for p in result.papers] == [
        ("2301.05001", "Epsilon: Old Layout With Labels", ["Marie Curie", "Pierre Curie"]),
        ("2301.05002", "Zeta: Another One", ["Niels Bohr"])]
    assert all(p.abstract == "" for p in result.papers)
    assert result.papers[1].keywords == ["cs.LG", "cs.CV"]


def test_daily_email():
    result = parse(ARXIV / "email.txt")
    assert [p.arxiv_id for p in result.papers] == [
        "2411.07001", "2411.06002", "2411.07005", "2411.05003", "2309.02553"]
    nu, xi, rho, omicron, pi = result.papers
    assert nu.title == "Nu: A Title Wrapped Over Two Lines in the Mailing"
    assert nu.authors == ["Jane Doe", "John Smith", "Saša Hasan", "Marie Curie"]
    assert nu.keywords == ["cs.CV", "cs.AI"]
    assert nu.doi == "10.1016/j.media.2024.103300"
    assert nu.abstract.startswith("This is the abstract text, wrapped as the mailing wraps it. "
                                  "Code at https://github.com/example/nu.")
    assert nu.abstract.endswith("A second paragraph: new submissions are welcome.")
    assert nu.links == ["https://github.com/example/nu"]
    assert (nu.year, nu.month, nu.day) == (2024, 11, 11)
    # Affiliation markers go; "John Smith, Jr." stays one person.
    assert xi.authors == ["Ada Lovelace", "Charles Babbage", "John Smith, Jr."]
    assert xi.doi == "10.5555/engines.2024.12"
    # The first Date line is the submission; the revised date does not replace it.
    assert (xi.day, xi.primary_class) == (10, "cs.LG")
    assert rho.title == "Rho: A Fourth New Submission"
    assert (omicron.primary_class, omicron.day) == ("math.OC", 8)
    # A replacement: the date given is the new version's, not the paper's.
    assert (pi.year, pi.month, pi.day, pi.abstract) == (2023, 9, None, "")
    assert [(s.line, s.reason) for s in result.skipped] == [(45, "arXiv:2411.07999 has no title")]


def test_bundled_sample():
    sample = ROOT / "sample_lists" / "arxiv-new-cs-cv.txt"
    result = parse(sample)
    text = sample.read_text(encoding="utf-8")
    assert len(result.papers) == text.count("\nTitle: ") + text.startswith("Title: ") == 8
    sam2 = result.papers[-1]
    assert sam2.arxiv_id == "2408.00714" and len(sam2.authors) == 18
    assert "Roman Rädle" in sam2.authors
    generalist = result.papers[5]
    assert generalist.title == "Towards Generalist Biomedical AI"
    assert generalist.primary_class == "cs.CL" and len(generalist.authors) == 32


def test_detection_is_confident_and_specific(seeds):
    for name in ("listing_new.txt", "listing_new_pieces.txt", "listing_new_old.txt",
                 "listing_recent.txt", "listing_recent_old.txt", "email.txt"):
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

"""Exclusion reasons that come with a file (Rayyan's notes, reviewer's own CSV and RIS):
read by the parsers, stored with the decisions by ``import --decisions`` (one undo), and
written back by the CSV and RIS exports so that a round trip keeps them."""

from __future__ import annotations

from pathlib import Path

from reviewer.core.export.ris import to_ris
from reviewer.core.export.spreadsheet import to_csv
from reviewer.core.importer import import_files
from reviewer.core.model import Decision
from reviewer.core.store import Review

from .conftest import FIXTURES

RAYYAN = FIXTURES / "screening" / "rayyan.csv"
RAYYAN_RIS = FIXTURES / "ris" / "rayyan.ris"
CAFFEINE = "Effects of caffeine on driving performance: a crossover trial"


def by_title(review: Review) -> dict[str, tuple[str, str]]:
    return {p.title: (p.decision.value, p.reason) for p in review.papers()}


def test_rayyan_csv_and_ris_reasons_are_stored_with_their_excludes(review):
    import_files(review, [RAYYAN], with_decisions=True)
    got = by_title(review)
    assert got[CAFFEINE] == ("exclude", "wrong population")
    assert {reason for _, reason in got.values()} == {"wrong population", ""}
    assert review.exclusion_reasons() == {"wrong population": 1}
    review.undo()  # the import's one step takes the reason along
    assert review.count() == 0
    assert review.conn.execute("SELECT count(*) FROM decision_reasons").fetchone()[0] == 0
    import_files(review, [RAYYAN_RIS], with_decisions=True)
    assert by_title(review)[CAFFEINE] == ("exclude", "wrong population")


def test_without_the_flag_no_reason_is_stored(review):
    import_files(review, [RAYYAN])
    assert review.exclusion_reasons() == {}
    assert {p.reason for p in review.papers()} == {""}


def test_an_excluded_paper_without_a_reason_takes_the_files(review, tmp_path):
    import_files(review, [RAYYAN])
    (caffeine,) = [p.id for p in review.papers() if p.title == CAFFEINE]
    review.decide([caffeine], "exclude")
    import_files(review, [RAYYAN_RIS], with_decisions=True)
    assert review.get(caffeine).reason == "wrong population"
    review.decide([caffeine], "exclude", "not a trial")  # the user's own stays
    import_files(review, [RAYYAN], with_decisions=True)
    assert review.get(caffeine).reason == "not a trial"


def test_csv_and_ris_exports_carry_reasons_back(review, tmp_path: Path):
    import_files(review, [RAYYAN])
    ids = {p.title: p.id for p in review.papers()}
    review.decide([ids[CAFFEINE]], "exclude", "wrong population, foreign language")
    review.decide([ids["A bibliometric analysis of screening tools"]], "exclude")
    review.decide([p for t, p in ids.items() if t.startswith("Rayyan")], "include")
    papers = review.papers()
    written = {"csv": to_csv(papers), "ris": to_ris(papers)}
    assert 'N1  - RAYYAN-INCLUSION: {"reviewer"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS: ' \
           "wrong population, foreign language\r\n" in written["ris"]
    assert ",exclude,\"wrong population, foreign language\"," in written["csv"]
    for kind, text in written.items():
        path = tmp_path / f"back.{kind}"
        path.write_text(text, encoding="utf-8", newline="")
        with Review.open(tmp_path / f"{kind}.sqlite") as again:
            import_files(again, [path], with_decisions=True)
            got = by_title(again)
            assert got[CAFFEINE] == ("exclude", "wrong population, foreign language"), kind
            assert got["A bibliometric analysis of screening tools"] == ("exclude", ""), kind
            assert got["Rayyan-a web and mobile app for systematic reviews"] == (
                "include", ""), kind
            assert again.get(1).decision is not Decision.UNDECIDED

"""Decisions that come with a file: imported only with --decisions, in the import's own undo
step, never over a decision the review already holds."""

from __future__ import annotations

from reviewer.cli import main
from reviewer.core.importer import import_files
from reviewer.core.model import Decision

from .conftest import FIXTURES

ASREVIEW = FIXTURES / "screening" / "asreview.csv"
RAYYAN = FIXTURES / "screening" / "rayyan.csv"
RAYYAN_RIS = FIXTURES / "ris" / "rayyan.ris"
PUBMED = FIXTURES / "ris" / "pubmed.ris"


def state(review) -> list[dict]:
    """Everything the user can see of the review's papers."""
    return [p.to_json() for p in review.papers()]


def decisions(review) -> dict[str, str]:
    return {p.title[:20]: p.decision.value for p in review.papers()}


def test_without_the_flag_labels_are_counted_not_imported(review):
    report = import_files(review, [ASREVIEW])
    assert report.files[0].labelled == 4 and report.decisions is None
    assert {p.decision for p in review.papers()} == {Decision.UNDECIDED}


def test_with_the_flag_an_asreview_file_decides(review):
    report = import_files(review, [ASREVIEW], with_decisions=True)
    assert decisions(review) == {
        "Finding better activ": "include", "Semi-automated scree": "include",
        "Effects of caffeine ": "exclude", "A bibliometric analy": "undecided",
        "Sleep, memory and th": "exclude"}
    assert report.decisions.decided == 4
    assert review.history(1)[0].label == "import asreview.csv: 5 new, 0 merged; 4 decisions"


def test_one_undo_takes_back_papers_and_decisions_exactly(review):
    import_files(review, [PUBMED])  # holds the Rayyan paper, undecided
    (ouzzani,) = [p.id for p in review.papers() if p.title.startswith("Rayyan")]
    review.star([ouzzani])
    before, stats = state(review), review.stats()
    import_files(review, [RAYYAN], with_decisions=True)
    after = state(review)
    assert review.get(ouzzani).decision is Decision.INCLUDE  # merged into, and decided
    assert len(after) == len(before) + 2  # Cohen et al. is in both files too
    assert decisions(review)["Reducing workload in"] == "maybe"
    review.undo()
    assert state(review) == before and review.stats() == stats
    review.redo()
    assert state(review) == after


def test_the_reviews_own_decision_stays_and_is_reported(review, tmp_path, capsys):
    import_files(review, [PUBMED])
    (ouzzani,) = [p.id for p in review.papers() if p.title.startswith("Rayyan")]
    review.decide([ouzzani], "exclude")
    review.close()
    assert main(["--review", str(review.path), "import", "--decisions", str(RAYYAN)]) == 0
    out = capsys.readouterr().out
    assert f"#{ouzzani} stays exclude (the file says include)" in out
    assert "1 paper keeps the decision it had (the file differs)" in out
    from reviewer.core.store import Review
    with Review.open(review.path) as again:
        assert again.get(ouzzani).decision is Decision.EXCLUDE


def test_duplicates_in_the_files_take_the_most_inclusive(review):
    # The same paper: included by Rayyan's CSV, a conflict (maybe) in Rayyan's RIS.
    import_files(review, [RAYYAN, RAYYAN_RIS], with_decisions=True)
    got = decisions(review)
    assert got["Rayyan-a web and mob"] == "include"
    assert got["Semi-automated scree"] == "maybe"
    assert got["Effects of caffeine "] == "exclude"


def test_the_cli_says_the_labels_were_left_out(tmp_path, capsys):
    review = str(tmp_path / "r.sqlite")
    assert main(["--review", review, "import", str(ASREVIEW)]) == 0
    out = capsys.readouterr().out
    assert "4 records came with a decision, not imported (--decisions imports them)" in out
    assert main(["--review", review, "list", "--decision", "include"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--review", review, "import", "--decisions", str(ASREVIEW)]) == 0
    assert "4 decisions imported" in capsys.readouterr().out


def test_real_labelled_reviews_import_with_their_labels(corpus, review):
    path = corpus / "screening" / "Kitchenham_2010.csv"
    report = import_files(review, [path], with_decisions=True)
    stats = review.stats()
    # 1,704 records, some the same paper twice (the file's duplicate_record_id column).
    assert report.new + report.merged == 1704 and report.new == review.count()
    assert stats["include"] + stats["exclude"] == review.count()
    assert 43 <= stats["include"] <= 45

"""Merging papers by hand: what the kept paper gains, what it keeps, where the others go."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.cli import main
from reviewer.core.errors import NotFound, UsageError
from reviewer.core.export.bibtex import to_bibtex
from reviewer.core.importer import import_files
from reviewer.core.manual_merge import merge_papers
from reviewer.core.model import Decision
from reviewer.core.store import Review

# The same paper three ways the import cannot tell apart: a title list's line, its arXiv
# record under the journal title, and a preprint title.
TITLES = "Deep Residual Nets\nAn Unrelated Paper About Graphs\n"
RECORD = """@article{he2016deep,
  title = {Deep Residual Learning for Image Recognition},
  author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  year = {2016},
  eprint = {1512.03385},
  abstract = {Deeper neural networks are more difficult to train.},
}
"""
PREPRINT = "Residual learning, preprint version (He et al.)\n"


@pytest.fixture
def three(tmp_path):
    """A review holding the three records as three papers: (review, files, ids)."""
    files = [tmp_path / "titles.txt", tmp_path / "refs.bib", tmp_path / "more.txt"]
    for path, text in zip(files, (TITLES, RECORD, PREPRINT)):
        path.write_text(text, encoding="utf-8")
    review = Review.open(tmp_path / "r.sqlite")
    import_files(review, files, year=2025)
    ids = {p.title: p.id for p in review.papers()}
    assert len(ids) == 4, "the import merged them already: the fixture tests nothing"
    yield review, files, (ids["Deep Residual Nets"],
                          ids["Deep Residual Learning for Image Recognition"],
                          ids["Residual learning, preprint version (He et al.)"])
    review.close()


def everything(review: Review) -> list:
    """Every paper with every field, tag, section and source, for before/after checks."""
    return [p.to_json() for p in review.papers()]


def test_the_kept_paper_gains_metadata_and_keeps_title_and_key(three):
    review, _, (line, record, _) = three
    review.freeze_citekeys([line])  # its key has left the app: it never changes
    key = review.get(line).citekey
    report = merge_papers(review, line, [record])
    kept = review.get(line)
    assert kept.title == "Deep Residual Nets" and kept.citekey == key
    assert kept.authors[0] == "He, Kaiming" and kept.arxiv_id == "1512.03385"
    assert kept.year == 2016 and kept.abstract.startswith("Deeper neural networks")
    assert {"authors", "arxiv_id", "abstract"} <= set(report.improved)
    assert sorted(s.file.rsplit("/", 1)[-1] for s in kept.sources) == ["refs.bib",
                                                                        "titles.txt"]
    assert review.count() == 3


def test_the_users_work_on_every_paper_survives(three):
    review, _, (line, record, preprint) = three
    review.add_section("Background")
    review.add_section("Methods")
    review.assign("Methods", [preprint])
    review.assign("Background", [line])
    review.tag([record], ["resnet", "classic"])
    review.tag([line], ["classic"])
    review.star([preprint])
    review.decide([record], "exclude")
    review.decide([preprint], "include")
    review.set_note(record, "The journal version.")
    review.set_note(preprint, "Read first.")
    merge_papers(review, line, [record, preprint])
    kept = review.get(line)
    assert sorted(kept.tags) == ["classic", "resnet"]
    assert kept.starred
    assert kept.decision == Decision.INCLUDE  # it had none: the most inclusive of theirs
    assert kept.note == "The journal version.\n\nRead first."
    assert sorted(kept.sections) == ["Background", "Methods"]
    assert [s.paper_ids for s in review.sections()] == [[line], [line]]


def test_a_decision_of_the_kept_paper_stands(three):
    review, _, (line, record, _) = three
    review.decide([line], "maybe")
    review.decide([record], "include")
    merge_papers(review, line, [record])
    assert review.get(line).decision == Decision.MAYBE


def test_the_merged_papers_leave_and_say_where_they_went(three):
    review, _, (line, record, _) = three
    old_key = review.get(record).citekey
    merge_papers(review, line, [record])
    assert record not in [p.id for p in review.papers()]
    for ref in (record, old_key):
        with pytest.raises(NotFound, match=f"merged into paper {line}"):
            review.resolve(ref)
    text = to_bibtex(review.papers())
    assert text.count("@") == 3 and old_key not in text


def test_importing_the_merged_records_again_adds_nothing(three):
    review, files, (line, record, preprint) = three
    merge_papers(review, record, [preprint])
    merge_papers(review, line, [record])  # merged on: the preprint's record leads to line
    report = import_files(review, files, year=2025)
    assert (report.new, review.count()) == (0, 2)
    assert len(review.get(line).sources) == 3


def test_undo_brings_every_paper_back_as_it_was_even_after_a_restart(three):
    review, _, (line, record, preprint) = three
    review.add_section("Methods")
    review.assign("Methods", [record, preprint])
    review.tag([record], ["resnet"])
    review.set_note(record, "Journal.")
    before = everything(review)
    merge_papers(review, line, [record, preprint])
    merged = everything(review)
    path = review.path
    review.close()
    with Review.open(path) as again:
        assert again.undo().label == f"merge {record}, {preprint} into {line}"
        assert everything(again) == before
        again.redo()
        assert everything(again) == merged


def test_a_merged_paper_whose_key_was_exported_is_reported(three):
    review, _, (line, record, preprint) = three
    review.freeze_citekeys([record])
    report = merge_papers(review, line, [record, preprint])
    assert report.exported_keys == [report.merged[0].citekey]
    assert report.merged[0].id == record


@pytest.mark.parametrize("keep, others, error", [
    (1, [1], UsageError), (1, [], UsageError), (1, [999], NotFound), (999, [1], NotFound)])
def test_a_wrong_merge_changes_nothing(three, keep, others, error):
    review, _, _ = three
    before = everything(review), review.history()
    with pytest.raises(error):
        merge_papers(review, keep, others)
    assert (everything(review), review.history()) == before


def test_the_cli_merges_names_the_result_and_refuses_bad_ids(three, capsys):
    review, _, (line, record, preprint) = three
    key = review.get(line).citekey
    review.freeze_citekeys([line, preprint])  # both keys have left the app
    preprint_key = review.get(preprint).citekey
    args = ["--review", str(review.path), "merge"]
    assert main([*args, key, str(record), str(preprint)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"merged #{record}, #{preprint} into #{line} {key}: 3 sources")
    # The .bib's key is the user's (frozen at import), the preprint's was exported.
    assert out[1:3] == [f"note: {old} was exported before; documents citing it should cite "
                        f"{key} now" for old in ("he2016deep", preprint_key)]
    assert main([*args, str(line), str(record)]) == 2
    assert f"paper '{record}' was merged into paper {line}" in capsys.readouterr().err
    assert main([*args, str(line), str(line)]) == 2
    assert main(["--review", str(review.path), "undo"]) == 0
    assert review.count() == 4


def test_a_review_made_before_merges_existed_can_merge(tmp_path):
    from .old_schema import old_review

    path = tmp_path / "v4.sqlite"
    old_review(path, 4, ["Deep Residual Nets", "Residual Learning, the Preprint"])
    with Review.open(path) as review:
        merge_papers(review, 1, [2])
        assert [p.id for p in review.papers()] == [1]
        titles = tmp_path / "titles.txt"
        titles.write_text("Residual Learning, the Preprint\n", encoding="utf-8")
        assert import_files(review, [titles], year=2025).new == 0


# -- merges, undos and redos in any order ---------------------------------------------

STEPS = st.lists(st.one_of(
    st.tuples(st.just("merge"), st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.just("undo")), st.tuples(st.just("redo"))), max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_any_sequence_keeps_every_record_and_undoes_to_the_start(tmp_path_factory, steps):
    folder = tmp_path_factory.mktemp("seq")
    titles = folder / "titles.txt"
    titles.write_text("Deep Residual Learning\nAttention Is All You Need\nSegment Anything\n"
                      "Denoising Diffusion Probabilistic Models\nU-Net for Biomedical Images\n"
                      "Graph Attention Networks\n", encoding="utf-8")
    with Review.open(folder / "r.sqlite") as review:
        import_files(review, [titles], year=2025)
        for pid in (1, 3, 5):
            review.tag([pid], [f"t{pid}"])
        start = everything(review)
        assert len(start) == 6, "the import merged some titles: the test tests less"
        for step in steps:
            live = [p.id for p in review.papers()]
            if step[0] == "merge":
                keep, other = live[step[1] % len(live)], live[step[2] % len(live)]
                if keep == other:
                    continue
                merge_papers(review, keep, [other])
            elif step[0] == "undo" and latest_done(review).startswith("merge"):
                review.undo()  # (not the tags and the import before them)
            elif step[0] == "redo":
                review.redo()
            papers = review.papers()
            # Every record and every tag is somewhere, exactly once.
            assert sum(len(p.sources) for p in papers) == 6
            assert sorted(t for p in papers for t in p.tags) == ["t1", "t3", "t5"]
        while latest_done(review).startswith("merge"):  # back over the merges
            review.undo()
        assert everything(review) == start


def latest_done(review: Review) -> str:
    return next(e.label for e in review.history(100) if not e.undone)


def test_a_merge_that_brings_authors_and_a_year_rederives_a_key_not_yet_out(three):
    review, _, (line, record, _) = three
    assert review.get(line).citekey == "DeepResidualNets"
    merge_papers(review, line, [record])
    assert review.get(line).citekey == "heDeepResidualNets2016"  # as an import would
    review.undo()
    assert review.get(line).citekey == "DeepResidualNets"

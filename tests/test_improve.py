"""One operation improves a stored paper: an import's merge, a merge by hand and a hand
edit all go through it, each one undoable step (also after a restart), each recording
where the new values came from, and none but the user overwriting what the user set."""

from __future__ import annotations

import pytest

from reviewer.cli import main
from reviewer.core import improve as improve_module
from reviewer.core.errors import UsageError
from reviewer.core.importer import import_files
from reviewer.core.improve import Offer, edit_values, improve
from reviewer.core.manual_merge import merge_papers
from reviewer.core.store import Review

TITLE = "Deep Residual Learning for Image Recognition"
BIB = """@inproceedings{he2016deep,
  title = {Deep Residual Learning for Image Recognition},
  author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  booktitle = {CVPR},
  year = {2016},
  volume = {1},
}
"""


@pytest.fixture
def files(tmp_path):
    titles = tmp_path / "titles.txt"
    titles.write_text(f"{TITLE}\nAn Unrelated Paper About Graphs\n", encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    return titles, bib


def state(review: Review) -> tuple:
    """Everything a step could change: papers, provenance, frozen keys."""
    papers = [p.to_json() for p in review.papers()]
    provenance = review.conn.execute("SELECT * FROM provenance ORDER BY 1, 2").fetchall()
    return papers, provenance


def reopened(review: Review) -> Review:
    path = review.path
    review.close()
    return Review.open(path)


def paper_id(review: Review, title: str = TITLE) -> int:
    return next(p.id for p in review.papers() if p.title == title)


def calls_to_improve(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = improve_module.improve

    def spy(review, offers, label, **kwargs):
        calls.append(label)
        return real(review, offers, label, **kwargs)

    for module in ("reviewer.core.importer", "reviewer.core.manual_merge"):
        monkeypatch.setattr(f"{module}.improve", spy)
    monkeypatch.setattr(improve_module, "improve", spy)
    return calls


# -- an import's merge ---------------------------------------------------------------------

def test_an_import_merge_goes_through_improve_and_records_the_origin(review, files,
                                                                     monkeypatch):
    titles, bib = files
    import_files(review, [titles])
    pid = paper_id(review)
    calls = calls_to_improve(monkeypatch)
    import_files(review, [bib])
    assert calls and calls[0].startswith("import refs.bib")
    paper = review.get(pid)
    assert paper.authors[0] == "He, Kaiming" and paper.venue == "CVPR"
    # The .bib's own key, as the user's documents cite it (bib-roundtrip), and frozen.
    assert paper.citekey == "he2016deep" and review.frozen_citekeys([pid]) == {pid}
    assert review.provenance([pid])[pid] == {
        "authors": "bib", "author_count": "bib", "year": "bib", "venue": "bib",
        "entry_type": "bib", "extra.volume": "bib"}


def test_an_import_merge_is_undone_whole_after_a_restart(review, files):
    titles, bib = files
    import_files(review, [titles])
    before = state(review)
    import_files(review, [bib])
    assert state(review) != before
    review = reopened(review)
    try:
        assert review.undo().label.startswith("import refs.bib")
        assert state(review) == before
    finally:
        review.close()


def test_an_import_never_overwrites_what_the_user_set(review, files):
    titles, bib = files
    import_files(review, [titles])
    pid = paper_id(review)
    review.edit(pid, edit_values({"authors": "Kaiming He", "year": "2015",
                                  "volume": "7"}))
    import_files(review, [bib])
    paper = review.get(pid)
    # The user's names, count, year and volume stay; what the user left empty fills in.
    assert paper.authors == ["Kaiming He"] and paper.author_count == 1
    assert paper.year == 2015 and paper.extra["volume"] == "7"
    assert paper.venue == "CVPR" and paper.entry_type == "inproceedings"
    origins = review.provenance([pid])[pid]
    assert origins["authors"] == origins["year"] == origins["extra.volume"] == "user"
    assert origins["venue"] == "bib"


# -- a merge by hand -----------------------------------------------------------------------

def test_a_manual_merge_goes_through_improve_and_keeps_the_users_values(review, files,
                                                                        monkeypatch, tmp_path):
    titles, bib = files
    other = tmp_path / "other.txt"
    other.write_text("Residual nets (the ResNet paper)\n", encoding="utf-8")
    import_files(review, [other, bib])
    keep = paper_id(review, "Residual nets (the ResNet paper)")
    record = paper_id(review)
    review.edit(keep, year=2015)
    key = review.get(keep).citekey
    calls = calls_to_improve(monkeypatch)
    report = merge_papers(review, keep, [record])
    assert calls == [f"merge {record} into {keep}"]
    kept = review.get(keep)
    # The title stays; the key is derived again, as the merge gave the paper its authors
    # (it never left the app).
    assert kept.title == "Residual nets (the ResNet paper)"
    assert key == "ResidualNetsResNet2015" and kept.citekey == "heResidualNetsResNet2015"
    assert kept.year == 2015 and kept.authors[0] == "He, Kaiming"
    assert "authors" in report.improved and "year" not in report.improved
    origins = review.provenance([keep])[keep]
    assert origins["year"] == "user" and origins["authors"] == "bib"


def test_a_manual_merge_is_undone_whole_after_a_restart(review, files):
    titles, bib = files
    import_files(review, [titles])
    (tmp := bib.with_name("more.txt")).write_text("ResNet, the paper\n", encoding="utf-8")
    import_files(review, [tmp, bib])
    before = state(review)
    merge_papers(review, paper_id(review, "ResNet, the paper"), [paper_id(review)])
    review = reopened(review)
    try:
        assert review.undo().label.startswith("merge ")
        assert state(review) == before
    finally:
        review.close()


# -- a hand edit ---------------------------------------------------------------------------

def test_a_hand_edit_sets_fields_rederives_the_key_and_records_the_user(review, files):
    titles, _ = files
    import_files(review, [titles])
    pid = paper_id(review)
    done = review.edit(pid, edit_values({"authors": "He, Kaiming; Sun, Jian",
                                         "year": "2016", "type": "article",
                                         "arxiv": "1512.03385", "pages": "770--778"}))
    paper = review.get(pid)
    assert paper.authors == ["He, Kaiming", "Sun, Jian"] and paper.author_count == 2
    assert paper.year == 2016 and not paper.year_inferred
    assert paper.entry_type == "article" and paper.arxiv_id == "1512.03385"
    assert paper.extra == {"pages": "770--778"}
    assert paper.citekey == "heDeepResidualLearning2016" == done.keys[pid][1]
    assert set(review.provenance([pid])[pid].values()) == {"user"}
    assert review.history(1)[0].label.startswith(f"edit #{pid}: authors, year")


def test_a_hand_edit_keeps_a_key_that_has_left_the_app(review, files):
    titles, _ = files
    import_files(review, [titles])
    pid = paper_id(review)
    key = review.get(pid).citekey
    review.freeze_citekeys([pid])
    done = review.edit(pid, year=2016)
    assert review.get(pid).citekey == key and pid not in done.keys


def test_a_hand_edit_is_undone_after_a_restart_and_redone(review, files):
    titles, _ = files
    import_files(review, [titles])
    pid = paper_id(review)
    before = state(review)
    review.edit(pid, edit_values({"title": "Deep Residual Learning", "year": "2016",
                                  "volume": "3"}))
    after = state(review)
    review = reopened(review)
    try:
        assert review.undo().label.startswith(f"edit #{pid}")
        assert state(review) == before
        review.redo()
        assert state(review) == after
    finally:
        review.close()


def test_a_hand_edit_clears_an_extra_field_and_an_import_does_not_bring_it_back(review,
                                                                                files):
    titles, bib = files
    import_files(review, [bib])
    pid = paper_id(review)
    review.edit(pid, {"extra.volume": ""})
    assert "volume" not in review.get(pid).extra
    bib.with_name("again.bib").write_text(BIB.replace("{1}", "{2}"), encoding="utf-8")
    import_files(review, [bib.with_name("again.bib")])
    assert "volume" not in review.get(pid).extra


@pytest.mark.parametrize("raw, message", [
    ({"year": "soon"}, "year must be a number"),
    ({"month": "13"}, "out of range"),
    ({"title": " "}, "needs a title"),
    ({"bad name!": "x"}, "not a field name"),
    ({"extra": "x"}, "one by one"),
    ({"arxiv": "not an id"}, "not an arXiv id"),
    ({"doi": "10.1"}, "not a DOI"),
    ({"type": "in proceedings"}, "not a BibTeX entry type"),
])
def test_bad_edit_values_are_refused(raw, message):
    with pytest.raises(UsageError, match=message):
        edit_values(raw)


def test_an_offer_of_an_unknown_field_changes_nothing(review, files):
    titles, _ = files
    import_files(review, [titles])
    before = state(review)
    with pytest.raises(UsageError, match="not a paper field"):
        improve(review, {paper_id(review): [Offer({"colour": "red"}, "user")]}, "edit")
    assert state(review) == before and review.history(1)[0].label.startswith("import")


def test_a_service_value_fills_but_never_overwrites_the_user(review, files):
    """What online enrichment will do: a record from a service merges like an import's."""
    from reviewer.core.model import Paper

    titles, _ = files
    import_files(review, [titles])
    pid = paper_id(review)
    review.edit(pid, venue="CVPR 2016")
    fetched = Paper(TITLE, authors=["He, Kaiming"], venue="IEEE CVPR", doi="10.1109/CVPR.2016.90")
    improve(review, {pid: [Offer(fetched, "service:crossref")]}, "enrich 1 paper")
    paper = review.get(pid)
    assert paper.venue == "CVPR 2016" and paper.doi == "10.1109/CVPR.2016.90"
    assert review.provenance([pid])[pid] == {"venue": "user", "doi": "service:crossref",
                                             "authors": "service:crossref",
                                             "author_count": "service:crossref"}


def test_the_cli_edits_and_undoes(files, capsys):
    titles, _ = files
    assert main(["import", str(titles)]) == 0
    capsys.readouterr()
    assert main(["edit", "1", "--year", "2016", "--authors", "He, Kaiming",
                 "--field", "pages=770--778", "--venue", "CVPR"]) == 0
    out = capsys.readouterr().out
    assert "edited #1: authors, author_count, year" in out
    assert "citation key is now heDeepResidualLearning2016" in out
    assert main(["show", "1", "--json"]) == 0
    assert '"pages": "770--778"' in capsys.readouterr().out
    assert main(["edit", "1"]) == 2
    assert main(["edit", "1", "--field", "novalue"]) == 2
    assert main(["edit", "1", "--year", "then"]) == 2
    assert "year must be a number" in capsys.readouterr().err
    assert main(["undo"]) == 0
    assert "undid: edit #1" in capsys.readouterr().out


def test_edit_values_read_ids_as_the_parsers_do_and_extra_names_as_extra():
    assert edit_values({"arxiv": "arXiv:1512.03385v2",
                        "doi": "https://doi.org/10.1109/CVPR.2016.90",
                        "extra.title": "Proceedings", "Pages": "1--2"}) == {
        "arxiv_id": "1512.03385", "doi": "10.1109/CVPR.2016.90",  # DOIs keep case
        "extra.title": "Proceedings", "extra.pages": "1--2"}


def test_a_dry_run_says_what_would_change_and_changes_nothing(review, files):
    """What `reviewer enrich --dry-run` will print: the fields and the key, nothing written."""
    from reviewer.core.model import Paper

    titles, _ = files
    import_files(review, [titles])
    pid = paper_id(review)
    before = state(review)
    fetched = Paper(TITLE, authors=["He, Kaiming"], year=2016)
    done = improve(review, {pid: [Offer(fetched, "service:arxiv")]}, "enrich", dry_run=True)
    assert done.fields[pid] == ["authors", "author_count", "year"]
    assert done.keys[pid][1] == "heDeepResidualLearning2016"
    assert state(review) == before and review.history(1)[0].label.startswith("import")

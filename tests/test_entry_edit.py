"""A paper's metadata as one BibTeX entry edited by hand: written so that it reads back as
the paper, read back with the imports' parser, only what the user changed applied (one
undoable step, origin 'user'), and what cannot be taken refused with its line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core.entry_edit import (EntryError, apply_entry, entry_text, extra_fields,
                                      read_entry)
from reviewer.core.importer import import_files
from reviewer.core.model import Paper
from reviewer.core.parsers.base import ParseContext
from reviewer.core.parsers.bibtex import parse
from reviewer.core.store import Review

BIB = r"""@inproceedings{he2016deep,
  title = {Deep Residual Learning for Image {Recognition} \& {CNNs}},
  author = {He, Kaiming and M{\"u}ller, J{\"o}rg and Ren, Shaoqing},
  booktitle = {CVPR},
  year = {2016},
  month = jun,
  doi = {10.1109/CVPR.2016.90},
  eprint = {1512.03385},
  archivePrefix = {arXiv},
  primaryClass = {cs.CV},
  url = {https://example.org/resnet?a=1&b=2},
  volume = {1},
  pages = {770--778},
  abstract = {We present a residual learning framework with 100% more depth.},
}
"""
OTHER = "An Unrelated Paper About Graphs"  # from a title list: its key has never left


@pytest.fixture
def review(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    titles = tmp_path / "titles.txt"
    titles.write_text(OTHER + "\n", encoding="utf-8")
    with Review.open(tmp_path / "r.sqlite") as review:
        import_files(review, [bib, titles])
        yield review


def resnet(review: Review) -> Paper:
    return next(p for p in review.papers() if p.title.startswith("Deep Residual"))


def state(review: Review) -> tuple:
    papers = [p.to_json() for p in review.papers()]
    provenance = review.conn.execute("SELECT * FROM provenance ORDER BY 1, 2").fetchall()
    frozen = review.conn.execute("SELECT * FROM frozen_citekeys ORDER BY 1").fetchall()
    return papers, provenance, frozen


def edited(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in the entry"
    return text.replace(old, new, 1)


def test_the_entry_reads_back_as_the_paper(review):
    paper = resnet(review)
    text = entry_text(paper)
    (back,) = parse(text, ParseContext("entry.bib", 2000)).papers
    for name in ("title", "authors", "year", "month", "venue", "entry_type", "doi",
                 "arxiv_id", "primary_class", "url", "abstract"):
        assert getattr(back, name) == getattr(paper, name), name
    assert extra_fields(back) == extra_fields(paper) == {"volume": "1", "pages": "770--778"}
    assert "Müller, Jörg" in text and "M{\\\"u}ller" not in text  # UTF-8, as users type
    assert read_entry(text, text, paper.citekey, False).values == {}


def test_only_the_changed_fields_are_applied_in_one_undoable_step(review):
    paper = resnet(review)
    before = state(review)
    text = entry_text(paper)
    change = edited(edited(text, "Ren, Shaoqing", "Ren, Shaoqing and Sun, Jian"),
                    "{770--778}", "{771--778}")
    edit = read_entry(text, change, paper.citekey, False)
    assert edit.values == {"authors": ["He, Kaiming", "Müller, Jörg", "Ren, Shaoqing",
                                       "Sun, Jian"], "extra.pages": "771--778"}
    apply_entry(review, paper.id, edit)
    after = resnet(review)
    assert after.authors[-1] == "Sun, Jian" and after.author_count == 4
    assert extra_fields(after) == {"volume": "1", "pages": "771--778"}
    assert after.title == paper.title and after.doi == paper.doi
    origins = review.provenance([paper.id])[paper.id]
    assert {f for f, o in origins.items() if o == "user"} == {"authors", "author_count",
                                                             "extra.pages"}
    assert review.history(1)[0].label == f"edit #{paper.id}: authors, pages"
    review.undo()
    assert state(review) == before


def test_what_the_user_set_in_the_entry_stays_when_the_file_is_imported_again(review,
                                                                              tmp_path):
    paper = resnet(review)
    text = entry_text(paper)
    change = edited(text, "{CVPR}", "{CVPR 2016}")
    apply_entry(review, paper.id, read_entry(text, change, paper.citekey, False))
    import_files(review, [tmp_path / "refs.bib"])
    assert resnet(review).venue == "CVPR 2016"


def test_an_abstract_given_by_hand_is_no_longer_marked_cut_short(review):
    paper = resnet(review)
    review.edit(paper.id, abstract="We present a residual…", abstract_truncated=True)
    text = entry_text(review.get(paper.id))
    change = edited(text, "a residual…", "a residual learning framework, in full.")
    apply_entry(review, paper.id, read_entry(text, change, paper.citekey, False))
    after = review.get(paper.id)
    assert after.abstract == "We present a residual learning framework, in full."
    assert not after.abstract_truncated


def test_a_title_typed_with_latex_or_plain_reads_the_same(review):
    paper = resnet(review)
    text = entry_text(paper)
    line = next(li for li in text.splitlines() if li.strip().startswith("title"))
    change = text.replace(line, "  title = {Deep Residual Learning, Again & {CNNs}},")
    edit = read_entry(text, change, paper.citekey, False)
    assert edit.values == {"title": "Deep Residual Learning, Again & CNNs"}


def test_a_key_not_yet_exported_is_derived_again_and_a_frozen_one_stays(review):
    paper = resnet(review)
    other = next(p for p in review.papers() if p.title == OTHER)
    assert other.citekey == "UnrelatedPaperGraphs"
    text = entry_text(other)
    change = edited(text, "{An Unrelated Paper About Graphs}", "{Graph Networks Explained}")
    apply_entry(review, other.id, read_entry(text, change, other.citekey, False))
    assert review.get(other.id).citekey == "GraphNetworksExplained"

    review.freeze_citekeys([paper.id])
    text = entry_text(review.get(paper.id), key_frozen=True)
    assert "has left the app" in text
    change = edited(text, "Deep Residual", "Deeper Residual")
    apply_entry(review, paper.id, read_entry(text, change, paper.citekey, True))
    assert review.get(paper.id).citekey == paper.citekey
    assert review.get(paper.id).title.startswith("Deeper Residual")


def test_a_new_key_for_a_frozen_paper_is_refused_with_its_line(review):
    paper = resnet(review)
    text = entry_text(paper, key_frozen=True)
    change = edited(text, f"{{{paper.citekey},", "{resnet,")
    with pytest.raises(EntryError, match=f"{paper.citekey} has left the app") as error:
        read_entry(text, change, paper.citekey, True)
    assert error.value.line == change.splitlines().index("@inproceedings{resnet,") + 1


def test_a_key_typed_for_an_unexported_paper_is_set_by_hand_in_the_same_step(review):
    paper = resnet(review)
    before = state(review)
    text = entry_text(paper)
    change = edited(edited(text, f"{{{paper.citekey},", "{resnet,"), "{2016}", "{2015}")
    apply_entry(review, paper.id, read_entry(text, change, paper.citekey, False))
    after = review.get(paper.id)
    assert after.citekey == "resnet" and after.year == 2015
    assert review.frozen_citekeys([paper.id]) == {paper.id}  # set by hand: never derived
    review.undo()
    assert state(review) == before


def test_a_key_of_another_paper_is_refused_and_nothing_is_stored(review):
    paper = resnet(review)
    other = next(p for p in review.papers() if p.id != paper.id)
    before = state(review)
    text = entry_text(paper)
    change = edited(edited(text, f"{{{paper.citekey},", f"{{{other.citekey},"),
                    "{2016}", "{2015}")
    with pytest.raises(EntryError, match="already belongs") as error:
        apply_entry(review, paper.id, read_entry(text, change, paper.citekey, False))
    assert error.value.line == _line(change, "@inproceedings")
    assert state(review) == before


def test_an_emptied_file_changes_nothing(review):
    paper = resnet(review)
    text = entry_text(paper)
    comments = "\n".join(li for li in text.splitlines() if li.startswith("%"))
    assert not read_entry(text, "", paper.citekey, False)
    assert not read_entry(text, comments + "\n\n", paper.citekey, False)


def _line(text: str, start: str) -> int:
    return next(i for i, li in enumerate(text.splitlines(), 1) if li.strip().startswith(start))


@pytest.mark.parametrize("old, new, message, at", [
    ("{2016}", "{soon}", "'soon' is not a year", "year"),
    ("{2016}", "{12016}", "'12016' is not a year", "year"),
    ("= jun", "= {13}", "'13' is not a month", "month"),
    ("{DOI}", "{not a doi}", "not a DOI", "doi"),
    ("{1512.03385}", "{15x}", "not an arXiv id", "eprint"),
    ("{CVPR},", "{CVPR}", "a comma is missing at the end of the line before 'year'",
     "year"),
    ("{1},", "{1},\n  colour = {red},", "reviewer does not read 'colour'", "colour"),
])
def test_what_cannot_be_taken_is_refused_with_its_line(review, old, new, message, at):
    paper = resnet(review)
    text = entry_text(paper)
    change = edited(text, old.replace("DOI", paper.doi), new)
    with pytest.raises(EntryError, match=message) as error:
        read_entry(text, change, paper.citekey, False)
    assert error.value.line == _line(change, at)


def test_a_broken_entry_is_refused(review):
    paper = resnet(review)
    text = entry_text(paper)
    cases = {
        "unclosed": edited(text, "{CVPR},", "{CVPR,"),
        "no title": "\n".join(li for li in text.splitlines()
                              if not li.strip().startswith("title")),
        "two entries": text + "@misc{more,\n  title = {More}\n}\n",
        "no entry": "just some words\n",
        "no @": text.replace("@inproceedings", "inproceedings"),
    }
    for name, change in cases.items():
        with pytest.raises(EntryError) as error:
            read_entry(text, change, paper.citekey, False)
        assert str(error.value), name
    with pytest.raises(EntryError, match="one entry only") as error:
        read_entry(text, cases["two entries"], paper.citekey, False)
    assert error.value.line == _line(cases["two entries"], "@misc{more")
    with pytest.raises(EntryError, match="needs a title"):
        read_entry(text, cases["no title"], paper.citekey, False)


_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=0x24F,
                              blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(title=_TEXT.filter(lambda t: t.strip()), venue=_TEXT, pages=_TEXT)
def test_any_title_venue_and_field_reads_back_as_it_was(title, venue, pages):
    from reviewer.core.text import clean_text

    title, venue, pages = clean_text(title), clean_text(venue), clean_text(pages)
    paper = Paper(title=title or "x", venue=venue, entry_type="article",
                  extra={"pages": pages} if pages else {})
    paper.citekey, paper.id = "k2020", 1
    (back,) = parse(entry_text(paper), ParseContext("entry.bib", 2000)).papers
    assert (back.title, back.venue, extra_fields(back)) == (paper.title, paper.venue,
                                                            paper.extra)

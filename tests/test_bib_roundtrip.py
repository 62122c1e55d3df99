"""A .bib that goes in comes out whole (issue 17): keys, types, fields and text as written;
importing reviewer's own export changes nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.core import bibraw
from reviewer.core.export.bibtex import to_bibtex
from reviewer.core.importer import import_files
from reviewer.core.store import Review

from .conftest import CORPUS

TDATA = CORPUS / "biber-tdata"
TDATA_FILES = sorted(TDATA.glob("*.bib")) if TDATA.is_dir() else []


def _import(path: Path, *files: Path) -> Review:
    review = Review.open(path)
    import_files(review, list(files))
    return review


def _snapshot(review: Review) -> dict[str, tuple]:
    # A title-less entry shows as "Untitled (its key)": the key a repeated key was
    # imported under (k, ka) comes back as the key of the next import.
    return {p.citekey: (p.extra.get(bibraw.TYPE), bibraw.raw_fields(p),
                        re.sub(r"^Untitled \(.*\)$", "Untitled", p.title),
                        p.authors, p.year, p.month, p.doi, p.venue, p.arxiv_id, p.url)
            for p in review.papers()}


def _records(review: Review) -> int:
    """The records the PRISMA counts start from: the sources of the papers."""
    return review.conn.execute("SELECT count(*) FROM sources s JOIN papers p ON "
                               "p.id = s.paper_id WHERE p.removed = 0").fetchone()[0]


def _bib(tmp_path: Path, text: str, name: str = "in.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _export(review: Review, out: Path) -> str:
    text = to_bibtex(review.papers())
    out.write_text(text, encoding="utf-8")
    return text


@pytest.mark.skipif(not TDATA_FILES, reason="../shared/corpus/biber-tdata is not beside the project")
@pytest.mark.parametrize("source", TDATA_FILES, ids=lambda p: p.name)
def test_biber_test_files_round_trip_field_by_field(source, tmp_path):
    first = _import(tmp_path / "a.sqlite", source)
    before = _snapshot(first)
    out = tmp_path / "out.bib"
    _export(first, out)
    second = _import(tmp_path / "b.sqlite", out)
    after = _snapshot(second)
    assert sorted(after) == sorted(before)  # the same papers under the same keys
    for key, fields in before.items():
        kind, raw, *metadata = fields
        kind2, raw2, *metadata2 = after[key]
        assert kind2 == kind, key
        for name in raw.keys() | raw2.keys():
            assert raw2.get(name) == raw.get(name), (key, name)
        assert list(raw2) == list(raw), key  # in their order
        assert metadata2 == metadata, key
    # ...and importing the export into the review it came from changes nothing.
    history = first.conn.execute("SELECT count(*) FROM history").fetchone()[0]
    records = _records(first)
    import_files(first, [out])
    assert _snapshot(first) == before
    assert _records(first) == records
    assert first.conn.execute("SELECT count(*) FROM history").fetchone()[0] == history
    first.close()
    second.close()


def _validate(bib: Path) -> set[str]:
    """The kinds of error and warning biber's datamodel check gives for ``bib``: each
    message with entry keys, field values and file names blanked."""
    proc = subprocess.run(["biber", "--tool", "--validate-datamodel", "--nolog",
                           "--output-file", str(bib.with_suffix(".out")), str(bib)],
                          cwd=bib.parent, capture_output=True, text=True, timeout=300)
    kinds = set()
    for line in (proc.stdout + proc.stderr).splitlines():
        if line.startswith(("WARN", "ERROR", "FATAL")):
            line = re.sub(r"'[^']*'", "'*'", line)
            line = re.sub(r"\([^()]*\.bib\)|\(section \d+\)|line \d+", "", line)
            kinds.add(" ".join(line.split()))
    return kinds


@pytest.mark.slow  # two biber runs per file
@pytest.mark.skipif(not TDATA_FILES, reason="../shared/corpus/biber-tdata is not beside the project")
@pytest.mark.skipif(shutil.which("biber") is None,
                    reason="biber is not installed (Debian package 'biber'; .ci/run installs it)")
@pytest.mark.parametrize("source", TDATA_FILES, ids=lambda p: p.name)
def test_export_adds_no_biber_complaint_the_file_did_not_have(source, tmp_path):
    review = _import(tmp_path / "a.sqlite", source)
    out = tmp_path / "out.bib"
    _export(review, out)
    review.close()
    original = tmp_path / "original.bib"
    shutil.copyfile(source, original)
    added = _validate(out) - _validate(original)
    assert not added


def test_user_keys_types_and_fields_are_kept(tmp_path):
    source = _bib(tmp_path, r"""
@book{knuth:tex,
  author = {Knuth, Donald E.},
  title = {The \TeX book},
  subtitle = {Computers and Typesetting},
  location = {Reading, MA},
  maintitle = {Computers {\&} Typesetting},
  urldate = {2024-01-02},
  keywords = {typesetting, tex},
  publisher = {Addison-Wesley},
  date = {1984},
}
@article{who2020,
  author = {{World Health Organization}},
  title = {A chest {X}-ray study at 5~nm of M{\"u}ller and \d{H}},
  year = 2020,
  month = jan,
  doi = {10.1056/AIoa2300138},
}
@misc{odd,
  author = {Last, Jr, First, Extra},
  title = {Too many commas},
}
""")
    review = _import(tmp_path / "a.sqlite", source)
    assert {p.citekey for p in review.papers()} == {"knuth:tex", "who2020", "odd"}
    text = _export(review, tmp_path / "out.bib")
    assert "@book{knuth:tex,\n" in text and "@article{who2020,\n" in text
    for kept in (r"{The \TeX book}", "{Reading, MA}", "{Computers and Typesetting}",
                 r"{Computers {\&} Typesetting}", "{2024-01-02}", "{typesetting, tex}",
                 "{{World Health Organization}}", r"chest {X}-ray study at 5~nm",
                 r'M{\"u}ller and \d{H}', "month         = jan", "{10.1056/AIoa2300138}",
                 "{Last, Jr, First, Extra}"):
        assert kept in text, kept
    # Imported keys are frozen: richer metadata never renames them.
    frozen = review.frozen_citekeys(p.id for p in review.papers())
    assert len(frozen) == 3
    who = next(p for p in review.papers() if p.citekey == "who2020")
    assert who.doi == "10.1056/AIoa2300138"  # the case as written
    assert who.title == "A chest X-ray study at 5 nm of Müller and Ḥ"  # decoded for display
    review.close()


def test_a_key_two_files_give_two_papers_gets_a_suffix_and_the_import_says_so(tmp_path):
    one = _bib(tmp_path, "@article{smith2020, title={Deep learning for cells}, year=2020}\n",
               "one.bib")
    two = _bib(tmp_path, "@article{Smith2020, title={Quantum chemistry of ice}, year=2020}\n",
               "two.bib")
    review = Review.open(tmp_path / "a.sqlite")
    import_files(review, [one])
    report = import_files(review, [two])
    keys = sorted(p.citekey for p in review.papers())
    assert keys == ["Smith2020a", "smith2020"]  # case-insensitively unique
    assert any("'Smith2020'" in w and "'Smith2020a'" in w for w in report.files[0].warnings)
    review.close()


def test_own_export_reimported_changes_nothing_and_notes_are_not_doubled(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("Towards a Medical AI Scientist (4 authors)\n"
                       "Segment Anything in Medical Images\n", encoding="utf-8")
    review = _import(tmp_path / "a.sqlite", listing)
    out = tmp_path / "out.bib"
    first = _export(review, out)
    before = _snapshot(review)
    records = _records(review)
    import_files(review, [out])
    assert _snapshot(review) == before
    assert _records(review) == records  # no new provenance in PRISMA
    # A fresh review reading the export writes the same notes back, once.
    other = _import(tmp_path / "b.sqlite", out)
    again = _export(other, tmp_path / "again.bib")
    assert again.count("authors}") == first.count("authors}")
    assert "authors; " not in again
    review.close()
    other.close()


def test_xdata_and_crossref_targets_are_exported_as_themselves(tmp_path):
    source = _bib(tmp_path, """
@xdata{pub, publisher = {Macmillan}, location = {London}}
@collection{coll, editor = {Doe, Jane}, title = {The Collection}, year = {2001}}
@incollection{part, author = {Roe, Ann}, title = {A Part}, crossref = {coll}, xdata = {pub},
  pages = {1--2}}
""")
    review = _import(tmp_path / "a.sqlite", source)
    text = _export(review, tmp_path / "out.bib")
    assert "@xdata{pub,\n" in text and "Untitled" not in text
    assert "@collection{coll,\n" in text
    part = text[text.index("@incollection{part"):]
    part = part[:part.index("\n}\n")]
    assert "crossref      = {coll}" in part and "booktitle" not in part  # not inherited
    review.close()


def test_a_merge_that_changes_a_field_writes_the_new_value(tmp_path):
    source = _bib(tmp_path, "@article{k1, title = {Short {T}itle of a paper}, journal = {J}}\n")
    richer = _bib(tmp_path, "@misc{other, title = {Short Title of a Paper}, year = 2020,"
                            " abstract = {New abstract.}}\n", "richer.bib")
    review = _import(tmp_path / "a.sqlite", source, richer)
    (paper,) = review.papers()
    assert paper.citekey == "k1"
    text = _export(review, tmp_path / "out.bib")
    assert "{Short {T}itle of a paper}" in text  # unchanged: as written
    assert "{New abstract.}" in text and "{J}" in text and "{2020}" in text
    assert "ids           = {other}" in text  # the merged entry's key still cites it
    review.close()


def test_list_shows_titles_as_typeset(tmp_path, capsys):
    from reviewer.cli import main

    listing = tmp_path / "list.txt"
    listing.write_text("Biomedical Vision--Language Processing Made Simple\n"
                       "An Effective 2D \\& 3D Segmentation Backbone\n", encoding="utf-8")
    review = str(tmp_path / "r.sqlite")
    assert main(["--review", review, "import", str(listing)]) == 0
    capsys.readouterr()
    assert main(["--review", review, "list"]) == 0
    out = capsys.readouterr().out
    assert "Vision\u2013Language" in out and "2D & 3D" in out and "\\&" not in out


def test_names_keep_their_form():
    from reviewer.core.parsers.bibtex import _names

    assert _names("Last, Jr, First, Extra and {World Health Organization} and Doe, Jane") == [
        "Last, Jr, First, Extra", "World Health Organization", "Doe, Jane"]


def test_sentence_case_styles_keep_what_must_keep_its_case():
    from reviewer.core.export.bibtex import escape_title

    assert escape_title("Uncertainty-Guided Vision-Language Segmentation") == \
        "Uncertainty-Guided Vision-Language Segmentation"  # Title Case, not frozen
    assert escape_title("A C++ Library for English and Chinese Text") == \
        "A {C}++ Library for {English} and {Chinese} Text"
    assert escape_title("BERT-based U-Net for Bayesian Inference, Model B") == \
        "{BERT-based} {U-Net} for {Bayesian} Inference, Model {B}"
    assert escape_title("Hulu-Med: A Transparent Generalist Model") == \
        "{Hulu-Med}: A Transparent Generalist Model"


def test_a_key_set_by_hand_is_unique_whatever_its_case(tmp_path):
    from reviewer.core.errors import UsageError

    source = _bib(tmp_path, "@misc{smithDeepLearning2020, title={One}}\n"
                            "@misc{other, title={Two}}\n")
    review = _import(tmp_path / "a.sqlite", source)
    other = next(p for p in review.papers() if p.citekey == "other")
    with pytest.raises(UsageError):
        review.set_citekey(other.id, "smithDEEPLEARNING2020")
    review.close()


def test_the_arxiv_doi_goes_only_on_preprints():
    from reviewer.core.model import Paper

    preprint = Paper("A Preprint", authors=["Doe, Jane"], year=2024, arxiv_id="2401.01234")
    published = Paper("A Paper", authors=["Doe, Jane"], year=2024, arxiv_id="2401.04321",
                      venue="CVPR 2024")
    preprint.citekey, published.citekey = "a", "b"
    text = to_bibtex([preprint, published])
    assert "10.48550/arXiv.2401.01234" in text
    assert "10.48550/arXiv.2401.04321" not in text  # never beside a venue


def test_a_selection_takes_the_entries_its_entries_reference(tmp_path):
    from reviewer.cli import main

    source = _bib(tmp_path, """
@xdata{pub, publisher = {Macmillan}}
@collection{coll, editor = {Doe, Jane}, title = {The Collection}, year = {2001}, xdata = {pub}}
@incollection{part, author = {Roe, Ann}, title = {A Part}, crossref = {coll}, pages = {1--2}}
@article{other, author = {Poe, Al}, title = {Unrelated}, journal = {J}, year = {2003}}
""")
    review = _import(tmp_path / "a.sqlite", source)
    part = next(p for p in review.papers() if p.citekey == "part")
    review.star([part.id])
    review.close()
    out = tmp_path / "out.bib"
    assert main(["--review", str(tmp_path / "a.sqlite"), "export", "bibtex", str(out)]) == 0
    keys = re.findall(r"^@\w+\{([^,]+),", out.read_text(encoding="utf-8"), re.M)
    assert sorted(keys) == ["coll", "part", "pub"]  # the crossref and its xdata, not "other"

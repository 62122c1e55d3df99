"""A paper imported from a .bib keeps its fields as written for the export (bibraw), but
what changes since (the entry type, an extra field the user adds, changes or removes, a
value an online service or a merge brings) is what the export writes."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from reviewer.cli import main
from reviewer.core.export.bibtex import to_bibtex
from reviewer.core.improve import Offer, improve
from reviewer.core.store import Review

ENTRY = r"""@article{moor2023gmai,
  title     = {Foundation Models for Generalist Medical {AI}},
  author    = {Moor, Michael and Topol, Eric J.},
  journal   = {Nature},
  volume    = {616},
  number    = {7956},
  pages     = {259--265},
  location  = {London},
  year      = {2023},
  doi       = {10.1038/s41586-023-05881-4}
}
"""


@pytest.fixture
def review_file(tmp_path: Path) -> str:
    source = tmp_path / "in.bib"
    source.write_text(ENTRY, encoding="utf-8")
    path = str(tmp_path / "r.sqlite")
    assert main(["--review", path, "import", str(source)]) == 0
    return path


def _exported(review_file: str, tmp_path: Path) -> tuple[str, dict[str, str], str]:
    """(entry type, fields with their enclosing braces off, text) of the exported entry."""
    out = tmp_path / "out.bib"
    assert main(["--review", review_file, "export", "bibtex", str(out), "--all"]) == 0
    text = out.read_text(encoding="utf-8")
    (entry,) = bibtexparser.parse_string(text).entries
    assert entry.key == "moor2023gmai"
    values = {f.key.lower(): f.value.strip()[1:-1] if f.value.strip().startswith("{")
              else f.value.strip() for f in entry.fields}
    return entry.entry_type.lower(), values, text


def test_cli_edit_of_the_type_and_extra_fields_is_what_the_export_writes(
        review_file, tmp_path):
    assert main(["--review", review_file, "edit", "1", "--type", "inproceedings",
                 "--field", "pages=1--2",  # changed
                 "--field", "issue=7",  # added (no field reviewer knows)
                 "--field", "volume=",  # removed
                 "--field", "location=",  # removed: a field reviewer does not read
                 ]) == 0
    kind, values, text = _exported(review_file, tmp_path)
    assert kind == "inproceedings"
    assert values["pages"] == "1--2" and values["issue"] == "7"
    assert "volume" not in values and "location" not in values
    # The venue of a paper in proceedings is its booktitle.
    assert values["booktitle"] == "Nature" and "journal" not in values
    # What the user did not touch goes out as written.
    assert values["number"] == "7956"
    assert "{Foundation Models for Generalist Medical {AI}}" in text
    assert values["doi"] == "10.1038/s41586-023-05881-4"

    # Importing that export into another review reads the edited values.
    other = str(tmp_path / "other.sqlite")
    assert main(["--review", other, "import", str(tmp_path / "out.bib")]) == 0
    with Review.open(other) as review:
        (paper,) = review.papers()
        assert paper.entry_type == "inproceedings" and paper.extra["pages"] == "1--2"
        assert "volume" not in paper.extra


def test_undo_of_the_edit_gives_the_entry_as_imported_back(review_file, tmp_path):
    assert main(["--review", review_file, "edit", "1", "--type", "inproceedings",
                 "--field", "pages=1--2", "--field", "volume="]) == 0
    assert main(["--review", review_file, "undo"]) == 0
    kind, values, _ = _exported(review_file, tmp_path)
    assert kind == "article" and values["pages"] == "259--265"
    assert values["volume"] == "616" and values["journal"] == "Nature"
    assert values["location"] == "London"


def test_a_type_without_a_venue_field_of_its_own_keeps_the_imported_venue(
        review_file, tmp_path):
    assert main(["--review", review_file, "edit", "1", "--type", "book"]) == 0
    kind, values, _ = _exported(review_file, tmp_path)
    assert kind == "book" and values["journal"] == "Nature"


def test_a_value_a_service_brings_is_exported_but_not_a_record_of_another_format(
        review_file, tmp_path):
    with Review.open(review_file) as review:
        improve(review, {1: [Offer({"extra.publisher": "Springer Nature",
                                    "extra.pmid": "37045921"}, "service:crossref")]},
                "fetch")
        (paper,) = review.papers()
        assert paper.extra["pmid"] == "37045921"  # kept on the paper...
        (entry,) = bibtexparser.parse_string(to_bibtex([paper])).entries
    names = {f.key.lower(): f.value for f in entry.fields}
    assert names["publisher"] == "Springer Nature"
    assert "pmid" not in names  # ...but no BibTeX field, as for any other paper
    assert names["pages"] == "259--265"


def test_a_merge_that_brings_a_field_exports_it(tmp_path):
    source = tmp_path / "in.bib"
    source.write_text(ENTRY.replace("  number    = {7956},\n", ""), encoding="utf-8")
    richer = tmp_path / "richer.ris"
    richer.write_text("TY  - JOUR\nTI  - Foundation Models for Generalist Medical AI\n"
                      "AU  - Moor, Michael\nPY  - 2023\nDO  - 10.1038/s41586-023-05881-4\n"
                      "IS  - 7956\nER  - \n", encoding="utf-8")
    path = str(tmp_path / "r.sqlite")
    assert main(["--review", path, "import", str(source)]) == 0
    assert main(["--review", path, "import", str(richer)]) == 0
    kind, values, _ = _exported(path, tmp_path)
    assert kind == "article" and values["number"] == "7956"
    assert values["pages"] == "259--265"


@pytest.mark.parametrize("one_command", [False, True], ids=["two-imports", "one-import"])
def test_an_entry_merged_into_a_richer_paper_is_written_with_the_papers_values(
        tmp_path, one_command):
    """The .bib entry's fields arrive with a merge into a paper that already has a longer
    title and more authors: those are the paper's, and what the export writes; the rest
    of the entry stays as written. In one import the merge happens among the parsed
    records (planning.py), in two against the stored paper (improve.py)."""
    listing = tmp_path / "listing.ris"
    listing.write_text("TY  - JOUR\nTI  - Foundation Models for Generalist Medical AI: "
                       "A Perspective on What Comes Next\nAU  - Moor, Michael\n"
                       "AU  - Banerjee, Oishi\nAU  - Topol, Eric J.\nPY  - 2023\n"
                       "DO  - 10.1038/s41586-023-05881-4\nER  - \n", encoding="utf-8")
    source = tmp_path / "in.bib"
    source.write_text(ENTRY, encoding="utf-8")
    path = str(tmp_path / "r.sqlite")
    if one_command:
        assert main(["--review", path, "import", str(listing), str(source)]) == 0
    else:
        assert main(["--review", path, "import", str(listing)]) == 0
        assert main(["--review", path, "import", str(source)]) == 0
    with Review.open(path) as review:
        (paper,) = review.papers()
    assert paper.extra.get("bib:@key") == "moor2023gmai"  # the entry's fields were kept
    out = tmp_path / "out.bib"
    assert main(["--review", path, "export", "bibtex", str(out), "--all"]) == 0
    (entry,) = bibtexparser.parse_string(out.read_text(encoding="utf-8")).entries
    values = {f.key.lower(): f.value for f in entry.fields}
    assert "A Perspective on What Comes Next" in values["title"]
    assert "Banerjee" in values["author"]
    assert values["location"] == "London" and values["pages"] == "259--265"


def test_an_abstract_as_the_paper_holds_it_is_stored_once_and_written_as_read(tmp_path):
    """A kept title or abstract that is the paper's own text in braces is kept as a mark
    (bibraw.AS_PAPER), not a second copy; the export, `list --json` and a change to the
    abstract (and its undo) read it as the value it stands for."""
    plain = "We study how foundation models, trained once, serve many clinical tasks."
    source = tmp_path / "in.bib"
    source.write_text(ENTRY.replace("  year ", f"  abstract  = {{{plain}}},\n"
                                            "  year ", 1), encoding="utf-8")
    path = str(tmp_path / "r.sqlite")
    assert main(["--review", path, "import", str(source)]) == 0
    with Review.open(path) as review:
        (stored_extra,) = [extra for (extra,) in review.conn.execute(
            "SELECT extra FROM papers")]
    assert plain not in stored_extra  # in the abstract column only
    assert "Generalist Medical {AI}" in stored_extra  # a title with braces stays as written
    _, values, text = _exported(path, tmp_path)
    assert f"{{{plain}}}" in text and values["title"] == "Foundation Models for Generalist Medical {AI}"

    with Review.open(path) as review:  # as the TUI's `d` form sets it
        review.edit(1, {"abstract": "A new abstract, 50% shorter."})
    _, values, _ = _exported(path, tmp_path)
    assert values["abstract"] == r"A new abstract, 50\% shorter."
    assert main(["--review", path, "undo"]) == 0
    _, values, _ = _exported(path, tmp_path)
    assert values["abstract"] == plain


def test_list_json_gives_the_kept_fields_as_written(tmp_path, capsys):
    import json

    plain = "Plain text of an abstract."
    source = tmp_path / "in.bib"
    source.write_text(ENTRY.replace("  year ", f"  abstract  = {{{plain}}},\n  year ", 1),
                      encoding="utf-8")
    path = str(tmp_path / "r.sqlite")
    assert main(["--review", path, "import", str(source)]) == 0
    capsys.readouterr()
    assert main(["--review", path, "list", "--json"]) == 0
    (paper,) = json.loads(capsys.readouterr().out)
    assert paper["extra"]["bib:abstract"] == f"{{{plain}}}"
    assert paper["extra"]["bib:title"] == "{Foundation Models for Generalist Medical {AI}}"

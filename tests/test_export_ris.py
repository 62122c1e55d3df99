"""RIS export: golden file, read back by rispy and by the import (a round trip, field by
field), one value a line, frozen keys, a target that cannot be written."""

from __future__ import annotations

import pytest

from reviewer.cli import main
from reviewer.core.export.bibtex import entry_type
from reviewer.core.export.ris import to_ris
from reviewer.core.export.selection import Selection
from reviewer.core.importer import import_files
from reviewer.core.model import Decision, Paper
from reviewer.core.store import Review
from reviewer.core.text import clean_text

from .conftest import FIXTURES
from .export_review import build
from .test_export_bibtex import HOSTILE_TITLES, golden


@pytest.fixture
def fixed(tmp_path):
    review = build(tmp_path / "fixed.sqlite")
    yield review
    review.close()


def export(review, out, *selection: str) -> None:
    assert main(["--review", str(review.path), "export", "ris", *selection, str(out)]) == 0


def test_golden_ris(fixed, tmp_path):
    out = tmp_path / "refs.ris"
    export(fixed, out, "--all")
    golden("fixed.ris", out.read_text(encoding="utf-8"))
    data = out.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n")  # CRLF, as the RIS specification has it
    assert data.startswith(b"TY  - ")  # no "1." before a record, as rispy writes by default


def test_rispy_reads_every_paper_back(fixed, tmp_path):
    import rispy

    out = tmp_path / "refs.ris"
    export(fixed, out, "--all")
    records = rispy.loads(out.read_text(encoding="utf-8"))
    papers = fixed.papers()
    assert [r["id"] for r in records] == [p.citekey for p in papers]
    assert [r["title"] for r in records] == [p.title for p in papers]


def _carried(paper: Paper) -> dict:
    """What RIS carries of a paper, in the form the import gives it back."""
    return {
        "title": paper.title, "abstract": paper.abstract, "authors": paper.authors,
        "year": paper.year, "month": paper.month if paper.year else None,
        "day": paper.day if paper.year and paper.month else None,
        "arxiv_id": paper.arxiv_id, "doi": paper.doi, "url": paper.url, "links": paper.links,
        "venue": paper.venue, "type": entry_type(paper),
        # An imported .bib entry's raw fields (bib: keys) are for the .bib export alone.
        "extra": {k: v for k, v in paper.extra.items() if not k.startswith("bib:")},
    }


def test_round_trip_field_by_field(fixed, tmp_path):
    out = tmp_path / "refs.ris"
    export(fixed, out, "--all")
    with Review.open(tmp_path / "fresh.sqlite") as fresh:
        import_files(fresh, [out], with_decisions=True)
        back = fresh.papers()
    papers = fixed.papers()
    assert len(back) == len(papers)
    for original, again in zip(papers, back):
        assert _carried(again) == _carried(original), original.title
        # KW holds the keywords, then the user's tags.
        assert again.keywords == list(dict.fromkeys(original.keywords + original.tags))
        # N1 holds the note (on one line), then the decision as Rayyan writes it; they come
        # back as the record's comments, not as the user's note.
        notes = [clean_text(original.note)] if original.note.strip() else []
        if original.decision is not Decision.UNDECIDED:
            word = {"include": "Included", "exclude": "Excluded", "maybe": "Maybe"}
            notes.append(f'RAYYAN-INCLUSION: {{"reviewer"=>"{word[original.decision]}"}}')
        if original.reason:  # and why it was excluded, as Rayyan writes that too
            notes.append(f"RAYYAN-EXCLUSION-REASONS: {original.reason}")
        assert again.comments == " | ".join(notes) and again.note == ""
        assert again.decision == original.decision  # with --decisions
        assert again.reason == original.reason
        if "bib:@key" not in original.extra:  # a .bib's own key is the .bib's to carry
            assert again.citekey == original.citekey  # made the same way from the same fields


def test_the_fixtures_round_trip_too(tmp_path):
    """Papers of every database's RIS: exported, then imported again, unchanged."""
    ris = sorted((FIXTURES / "ris").glob("*.ris"))
    with Review.open(tmp_path / "a.sqlite") as first:
        import_files(first, ris)
        papers = first.papers()
        out = tmp_path / "all.ris"
        out.write_text(to_ris(papers), encoding="utf-8", newline="")
    with Review.open(tmp_path / "b.sqlite") as second:
        import_files(second, [out])
        back = second.papers()
    assert [_carried(p) for p in back] == [_carried(p) for p in papers]
    assert [p.keywords for p in back] == [p.keywords for p in papers]


def test_a_value_never_spans_lines():
    note = "First line\nER  - \nTY  - JOUR\nTI  - injected"
    papers = [Paper(t, citekey=f"k{i}", id=i, note=note)
              for i, t in enumerate(HOSTILE_TITLES + ["Two\nlines"], start=1)]
    text = to_ris(papers)
    assert text.count("TY  - ") == len(papers) and text.count("ER  - ") == len(papers)
    assert "TI  - Two lines\r\n" in text


def test_the_default_selection_and_frozen_keys(fixed, tmp_path):
    out = tmp_path / "refs.ris"
    imported = fixed.frozen_citekeys(p.id for p in fixed.papers())  # a .bib's own keys
    export(fixed, out)
    chosen = Selection().papers(fixed)
    assert out.read_text(encoding="utf-8").count("TY  - ") == len(chosen)
    assert fixed.frozen_citekeys(p.id for p in fixed.papers()) == (
        imported | {p.id for p in chosen})


def test_an_unwritable_ris_is_one_line_and_freezes_nothing(fixed, tmp_path, capsys):
    out = tmp_path / "missing" / "x.ris"
    imported = fixed.frozen_citekeys(p.id for p in fixed.papers())  # a .bib's own keys
    assert main(["--review", str(fixed.path), "export", "ris", "--all", str(out)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert fixed.frozen_citekeys(p.id for p in fixed.papers()) == imported

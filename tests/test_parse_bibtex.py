"""BibTeX import: bibtexparser's reading plus what a survey needs (ids, names, dates)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviewer.cli import main
from reviewer.core import bibraw
from reviewer.core.parsers import ParseContext, bibtex, detect_format, parse_text
from reviewer.core.decoding import read_dump

from .conftest import FIXTURES, ROOT, SEED_COMPACT, SEED_PLAIN, SEED_RICH

TRICKY = FIXTURES / "bibtex" / "tricky.bib"
CLASSICS = ROOT / "sample_lists" / "classics.bib"
# Entry openings as BibTeX sees them, '%' or not (BibTeX has no comments outside entries).
# An entry commented out (``%@book{old,``) is none: biber reads it as a comment, and so
# does the import (issue 17: its export made biber fail).
OPENING = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]", re.M)


def parse(path: Path):
    return parse_text(read_dump(path).text, ParseContext(str(path), 2025))[1]


def by_line(result) -> dict:
    return {p.sources[0].line: p for p in result.papers}


def test_tricky_file_fields():
    result = parse(TRICKY)
    papers = by_line(result)
    assert sorted(papers) == [7, 14, 20, 28, 34, 40, 47, 55]

    child = papers[14]
    assert child.title == "A Paper That Inherits Its Year"
    assert child.authors == ["von Neumann, John", "Ford, Jr., Henry", "Müller, Jörg", "others"]
    assert child.author_count is None  # "and others": the real number is unknown
    assert (child.year, child.month) == (2022, 1)  # from the crossref'd parent
    assert child.venue == "Proceedings of the Workshop on Medical Imaging"
    assert child.entry_type == "inproceedings"

    concat = papers[20]
    assert concat.title == "Concatenated Venue & LaTeX in the Title"
    assert concat.authors == ["Lovelace, Ada"] and concat.author_count == 1
    assert concat.venue == "Journal of Medical Learning (Special Issue)"
    assert (concat.year, concat.month, concat.day) == (2021, 5, 4)
    assert concat.doi == "10.1234/ABC.5678"  # the case as written (issue 17)

    assert papers[28].arxiv_id == "2401.01234"
    assert papers[34].arxiv_id == "2310.00001" and papers[34].doi == ""
    assert papers[40].arxiv_id == "2302.00002"
    assert papers[40].links == ["https://github.com/x/y"]
    assert papers[47].title == "Untitled (notitle)"
    assert papers[55].title == "Same Key Again, Different Paper"
    assert [s.line for s in result.skipped] == [51]
    assert "field-value closing" in result.skipped[0].reason
    assert any("duplicate entry key 'concat'" in w for w in result.warnings)
    assert any("'notitle' has no title" in w for w in result.warnings)


def test_classics_sample():
    result = parse(CLASSICS)
    text = CLASSICS.read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{(\w+),", text, re.M)
    assert len(result.papers) == len(keys) == 11
    assert result.skipped == []
    papers = {p.title: p for p in result.papers}
    attention = papers["Attention Is All You Need"]
    assert attention.authors[-2:] == ["Kaiser, Łukasz", "Polosukhin, Illia"]
    assert attention.venue == "Advances in Neural Information Processing Systems 30"
    assert (attention.arxiv_id, attention.primary_class, attention.year) == (
        "1706.03762", "cs.CL", 2017)
    assert attention.keywords == ["transformer", "attention"]
    unet = papers["U-Net: Convolutional Networks for Biomedical Image Segmentation"]
    assert (unet.month, unet.doi) == (10, "10.1007/978-3-319-24574-4_28")
    assert bibraw.without_raw(unet.extra) == {"volume": "9351", "pages": "234--241", "publisher": "Springer",
                          "series": "Lecture Notes in Computer Science"}
    sam = papers["Segment Anything"]
    assert "Dollár, Piotr" in sam.authors
    medsam = papers["Segment Anything in Medical Images"]
    assert (medsam.entry_type, medsam.venue) == ("article", "Nature Communications")
    assert papers["Towards Generalist Biomedical AI"].authors[-1] == "others"


def test_latin1_file_is_decoded_with_its_accents(corpus):
    path = corpus / "biber-tdata" / "encoding3.bib"
    decoded = read_dump(path)
    assert decoded.warnings and "Windows-1252/Latin-1" in decoded.warnings[0]
    raw = path.read_bytes()
    assert b"\xf6" in raw  # the file really is Latin-1: ö as one byte
    result = parse(path)
    assert "ö" in result.papers[0].title


def _corpus_files():
    folder = ROOT.parent / "shared" / "corpus" / "biber-tdata"
    return sorted(folder.glob("*.bib")) if folder.is_dir() else []


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_every_biber_file_imports_with_exit_0(path: Path, capsys, tmp_path):
    code = main(["--review", str(tmp_path / "r.sqlite"), "import", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in out + err
    # Every entry BibTeX would see is either imported or reported with its line.
    text = read_dump(path).text
    openings = [m for m in OPENING.finditer(text)
                if m.group(1).lower() not in ("string", "comment", "preamble")]
    result = parse(path)
    assert len(result.papers) + len(result.skipped) == len(openings)
    lines = {text.count("\n", 0, m.start(1)) + 1 for m in openings}
    for skipped in result.skipped:
        assert skipped.line in lines
        assert f"skipped {path}:{skipped.line}:" in out


def test_corpus_is_present_when_shared_is(corpus):
    assert len(_corpus_files()) >= 45


def test_detection():
    assert detect_format(read_dump(TRICKY).text) == "bibtex"
    assert detect_format(read_dump(CLASSICS).text) == "bibtex"
    assert bibtex.detect("Just a title\nAnother title\n") == 0.0
    assert bibtex.detect("Write to me @ home {not bibtex}") == 0.0


def test_seeds_are_not_bibtex(seeds):
    for path in (SEED_RICH, SEED_PLAIN, SEED_COMPACT):
        assert bibtex.detect(read_dump(path).text) == 0.0


def test_an_entry_repeating_a_key_is_read_like_any_other():
    entry = ("@article{{same,\n  title = {{{title}}},\n  author = {{Smith, Ada and Doe, Jo}},\n"
             "  journal = jml,\n  year = 2020\n}}\n")
    text = ('@string{jml = "Journal of Medical Learning"}\n'
            '@string{jml = "Another Journal"}\n'
            + entry.format(title="First") + entry.format(title="Second"))
    result = bibtex.parse(text, ParseContext("x.bib", 2025))
    first, second = result.papers
    assert second.title == "Second"
    for paper in (first, second):
        assert paper.authors == ["Smith, Ada", "Doe, Jo"]
        assert paper.venue == "Journal of Medical Learning"
    assert result.warnings == [
        "x.bib:2: @string 'jml' defined again; the first definition is used",
        "x.bib:9: duplicate entry key 'same'",
    ]
    assert result.skipped == []


def test_hostile_values_do_not_break_the_file():
    text = ("@misc{a, title = {100\\% of {[bold]x[/]} & #1 \\_ $x^2$ {unbalanced}},\n"
            "  author = {O'Neil, Cathy}}\n"
            "@misc{b, title = {" + "long " * 400_000 + "}}\n"
            "@misc{c, title = {Fine}}\n\x00\x01junk after @ the end {{{\n")
    result = bibtex.parse(text, ParseContext("x.bib", 2025))
    titles = [p.title for p in result.papers]
    assert titles[0] == "100% of [bold]x[/] & #1 _ $x^2$ unbalanced"
    assert len(titles[1]) == len("long " * 400_000) - 1
    assert titles[2] == "Fine"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
       | st.builds(lambda a, b: f"@article{{{a},\n title = {{{b}}},\n}}\n", st.text(max_size=30),
                   st.text(max_size=60)))
def test_arbitrary_text_never_raises(text):
    result = bibtex.parse(text, ParseContext("x.bib", 2025))
    for paper in result.papers:
        assert paper.title.strip()
        assert 1 <= paper.sources[0].line <= text.count("\n") + 1


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\n\randANDx,.~-Ö"), max_size=40))
@example("Ada Lovelace and Alan Turing")
@example("A AND  B")
@example("and B")
@example("A and")
@example("A and and B")
@example("A\tand\nB")
@example("Sandy Anderson and Dandy")
def test_name_split_matches_bibtexparser(raw):
    from bibtexparser.middlewares.names import split_multiple_persons_names

    from reviewer.core.parsers.bibtex import split_names

    assert split_names(raw) == split_multiple_persons_names(raw)


_NAME_PIECES = st.sampled_from(["Ada", "Lovelace", "O'Neil", "van", "de la", "Jr", "Ng", "ÉMILE",
                                "R\x1bX", "{Org}", "and", "others", "Müller-Lüdenscheidt",
                                "Élodie", "Łukasz", "élan", "Ørsted", "Ǆemal", "Ωmega"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(_NAME_PIECES, min_size=1, max_size=2),
                          st.lists(_NAME_PIECES, max_size=2)), min_size=1, max_size=4),
       st.sampled_from([" and ", "  and ", " AND "]))
@example([(["Lovelace"], ["Ada"]), (["Turing"], ["Alan", "M."])], " and ")
@example([(["Ada", "AND", "Ada"], ["Ada"])], " and ")
def test_plain_author_lists_read_as_name_by_name(people, separator):
    from reviewer.core.parsers.bibtex import _names, _names_one_by_one

    raw = separator.join(" ".join(last) + (", " + " ".join(first) if first else "")
                         for last, first in people)
    assert _names(raw) == _names_one_by_one(raw)

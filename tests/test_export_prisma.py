"""The PRISMA 2020 flow diagram: its numbers against `reviewer stats`, the SVG as XML (the
numbers in their boxes, hostile names escaped, long ones cut, boxes that grow), a golden
file, and the skeleton that links it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.core.export.markdown import skeleton
from reviewer.core.export.prisma import (CHARS, PrismaCounts, SourceCount, prisma_counts,
                                         prisma_svg)
from reviewer.core.importer import import_files
from reviewer.core.store import Review

from .export_review import build
from .test_export_bibtex import golden
from .test_export_markdown import needs_pandoc, pandoc

SVG = "{http://www.w3.org/2000/svg}"

RIS = """TY  - JOUR
TI  - Alpha: a study of segmentation
AU  - Smith, Jane
PY  - 2021
ER  - 

TY  - JOUR
TI  - Beta: contrastive pretraining for radiology
AU  - Doe, John
PY  - 2022
DO  - 10.1000/beta
ER  - 

TY  - JOUR
TI  - Gamma: report generation
AU  - Roe, Rita
PY  - 2023
ER  - 
"""

BIB = """@article{doe2022,
  title = {Beta: contrastive pretraining for radiology},
  author = {Doe, John},
  year = {2022},
  doi = {10.1000/beta},
}

@article{poe2024,
  title = {Delta: a benchmark of medical question answering},
  author = {Poe, Edgar},
  year = {2024},
}
"""


@pytest.fixture
def small(tmp_path):
    """Two searches, five records, one paper in both: four papers, decided by hand."""
    (tmp_path / "scopus.ris").write_text(RIS, encoding="utf-8")
    (tmp_path / "dblp.bib").write_text(BIB, encoding="utf-8")
    review = Review.open(tmp_path / "small.sqlite")
    import_files(review, [tmp_path / "scopus.ris", tmp_path / "dblp.bib"], year=2025)
    ids = {p.title.split(":")[0]: p.id for p in review.papers()}
    review.decide([ids["Alpha"]], "include")
    review.decide([ids["Beta"]], "exclude")
    review.decide([ids["Gamma"]], "maybe")
    yield review
    review.close()


@pytest.fixture
def fixed(tmp_path):
    review = build(tmp_path / "fixed.sqlite")
    yield review
    review.close()


def boxes(svg: str) -> dict[str, str]:
    """Each box's id -> its text, lines joined by one space, no-break spaces as spaces."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return {g.get("id"): " ".join((t.text or "").replace("\u00a0", " ").strip()
                                   for t in g.iter(f"{SVG}text"))
            for g in root.iter(f"{SVG}g") if g.get("id")}


def rects(svg: str) -> dict[str, tuple[float, float, float, float]]:
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        rect = g.find(f"{SVG}rect")
        if g.get("id") and rect is not None:
            out[g.get("id")] = tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))
    return out


def test_counts_of_a_review_made_by_hand(small):
    c = prisma_counts(small)
    assert [(Path(s.file).name, s.format, s.records) for s in c.sources] == [
        ("scopus.ris", "ris", 3), ("dblp.bib", "bibtex", 2)]
    assert (c.records, c.files, c.duplicates, c.papers) == (5, 2, 1, 4)
    assert (c.screened, c.undecided, c.excluded, c.maybe, c.included) == (3, 1, 1, 1, 1)


def test_counts_agree_with_reviewer_stats_and_list(fixed):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def cli(*args: str):
        proc = subprocess.run([sys.executable, "-m", "reviewer", "--review", str(fixed.path),
                               *args, "--json"], capture_output=True, text=True, env=env,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    stats, papers = cli("stats"), cli("list")
    c = prisma_counts(fixed)
    assert c.papers == stats["papers"] == len(papers)
    assert (c.undecided, c.maybe, c.excluded, c.included) == (
        stats["undecided"], stats["maybe"], stats["exclude"], stats["include"])
    assert c.screened == stats["include"] + stats["maybe"] + stats["exclude"]
    assert c.files == stats["files"]
    assert c.records == sum(len(p["sources"]) for p in papers)
    per_file: dict[str, int] = {}
    for p in papers:
        for s in p["sources"]:
            per_file[s["file"]] = per_file.get(s["file"], 0) + 1
    assert {s.file: s.records for s in c.sources} == per_file


def test_an_undone_import_leaves_the_flow(small, tmp_path):
    (tmp_path / "more.txt").write_text("Epsilon: one more title to read\n", encoding="utf-8")
    import_files(small, [tmp_path / "more.txt"], year=2025)
    assert prisma_counts(small).files == 3
    small.undo()
    c = prisma_counts(small)
    assert (c.files, c.records, c.papers) == (2, 5, 4)


def test_the_svg_holds_each_number_in_its_box(small, tmp_path):
    out = tmp_path / "flow.svg"
    assert main(["--review", str(small.path), "export", "prisma", str(out)]) == 0
    text = boxes(out.read_text(encoding="utf-8"))
    assert "(n = 5)" in text["identified"]
    assert "scopus.ris (RIS) (n = 3)" in text["identified"]
    assert "dblp.bib (BibTeX) (n = 2)" in text["identified"]
    assert text["duplicates"].endswith("Duplicate records merged (n = 1)")
    assert text["after-duplicates"] == "Records after duplicates merged (n = 4)"
    assert text["not-screened"] == "Records not yet screened (n = 1)"
    assert text["screened"] == "Records screened (n = 3)"
    assert text["excluded"] == "Records excluded (n = 1)"  # no reasons: no list
    assert text["maybe"].endswith("(n = 1)")
    assert text["included"] == "Studies included in review (n = 1)"
    assert {"phase-identification", "phase-screening", "phase-included"} <= set(text)


def test_reasons_are_listed_with_the_excluded(small):
    c = prisma_counts(small, {"Wrong population": 0, "Not a primary study": 1})
    assert c.reasons == (("Not a primary study", 1),)  # a reason no paper has is left out
    assert boxes(prisma_svg(c))["excluded"] == (
        "Records excluded (n = 1), with reasons: Not a primary study (n = 1)")
    more = PrismaCounts(c.sources, c.papers, 0, 0, 13, 0, (("b", 3), ("a", 3), ("c", 5)))
    text = boxes(prisma_svg(more))["excluded"]
    assert text.endswith("c (n = 5) a (n = 3) b (n = 3) No reason recorded (n = 2)")
    # The skeleton's table reads the same object.
    md = skeleton(small, [], "refs.bib", flow=more)
    assert "| Excluded | 13 |\n| Excluded: c | 5 |\n| Excluded: a | 3 |\n| Excluded: b | 3 |\n" \
           "| Excluded: no reason recorded | 2 |" in md


HOSTILE = "a<b>&c \"quoted\" 'single' ]]> \x01 \udcff"


def test_hostile_names_and_reasons_are_escaped():
    c = PrismaCounts((SourceCount(f"/dumps/{HOSTILE}.ris", "ris", 2),), 2, 0, 0, 2, 0,
                     ((HOSTILE, 2),))
    svg = prisma_svg(c, title=HOSTILE)
    svg.encode("utf-8")  # an undecodable file name cannot break the write
    text = boxes(svg)
    assert "a<b>&c \"quoted\" 'single' ]]> \ufffd \ufffd.ris (RIS) (n = 2)" in text["identified"]
    assert "a<b>&c \"quoted\" 'single' ]]> \ufffd \ufffd (n = 2)" in text["excluded"]
    assert ET.fromstring(svg).find(f"{SVG}title").text.startswith("a<b>&c")


def test_long_names_are_cut_but_keep_their_count_and_end():
    long_file = "pubmed_" + "search-string-with-many-terms_" * 8 + "2024-05-01.ris"
    long_reason = "Outside the scope " + "because of a very long explanation " * 8
    c = PrismaCounts((SourceCount("/x/" + long_file, "ris", 123),), 123, 0, 0, 7, 116,
                     ((long_reason, 7),))
    svg = prisma_svg(c)
    root = ET.fromstring(svg)
    lines = [t.text for g in root.iter(f"{SVG}g") if g.get("id") in ("identified", "excluded")
             for t in g.iter(f"{SVG}text") if t.get("font-weight") != "bold"]
    assert all(len(line) <= CHARS for line in lines), max(lines, key=len)
    text = boxes(svg)
    assert "…" in text["identified"] and "2024-05-01.ris (RIS) (n = 123)" in text["identified"]
    assert text["excluded"].startswith("Records excluded (n = 7), with reasons: Outside the")
    assert "…" in text["excluded"] and text["excluded"].endswith("(n = 7)")


def _inside(inner, outer) -> bool:
    return (inner[0] >= outer[0] and inner[1] >= outer[1]
            and inner[0] + inner[2] <= outer[0] + outer[2]
            and inner[1] + inner[3] <= outer[1] + outer[3])


def test_boxes_grow_with_sources_and_reasons_and_never_overlap():
    def counts(n: int) -> PrismaCounts:
        return PrismaCounts(tuple(SourceCount(f"/s/search{i}.ris", "ris", 10) for i in range(n)),
                            10 * n, 0, 0, 10 * n, 0, tuple((f"reason {i}", 10) for i in range(n)))

    few, many = prisma_svg(counts(2)), prisma_svg(counts(20))
    assert rects(many)["identified"][3] > rects(few)["identified"][3]
    assert rects(many)["excluded"][3] > rects(few)["excluded"][3]
    root = ET.fromstring(many)
    height = float(root.get("height"))
    boxes_at = {k: v for k, v in rects(many).items() if not k.startswith("phase")}
    names = sorted(boxes_at)
    for i, a in enumerate(names):  # no two boxes share any area
        for b in names[i + 1:]:
            ra, rb = boxes_at[a], boxes_at[b]
            apart = (ra[0] + ra[2] <= rb[0] or rb[0] + rb[2] <= ra[0]
                     or ra[1] + ra[3] <= rb[1] or rb[1] + rb[3] <= ra[1])
            assert apart, (a, b)
    for g in root.iter(f"{SVG}g"):  # every line of a box sits inside it
        if g.get("id") in boxes_at:
            x, y, w, h = boxes_at[g.get("id")]
            for t in g.iter(f"{SVG}text"):
                assert x < float(t.get("x")) < x + w and y < float(t.get("y")) < y + h
    assert all(r[1] + r[3] < height for r in boxes_at.values())


def test_golden_svg(fixed, tmp_path):
    """Judged by eye from its PNG rendering (rsvg-convert) when written."""
    out = tmp_path / "flow.svg"
    assert main(["--review", str(fixed.path), "export", "prisma", str(out)]) == 0
    golden("fixed-prisma.svg", out.read_text(encoding="utf-8"))


def test_the_skeleton_links_the_diagram_written_beside_it(fixed, tmp_path):
    md = tmp_path / "survey.md"
    assert main(["--review", str(fixed.path), "export", "markdown", str(md)]) == 0
    text = md.read_text(encoding="utf-8")
    assert "![Flow of records through the review (PRISMA 2020)](survey-prisma.svg)" in text
    svg = (tmp_path / "survey-prisma.svg").read_text(encoding="utf-8")
    c = prisma_counts(fixed)
    # The table and the diagram say the same.
    assert f"| Papers screened | {c.screened} |" in text
    assert boxes(svg)["screened"] == f"Records screened (n = {c.screened})"
    assert f"| Duplicates merged | {c.duplicates} |" in text
    assert boxes(svg)["duplicates"].endswith(f"(n = {c.duplicates})")


def test_a_skeleton_in_another_folder_links_it_there(fixed, tmp_path):
    (tmp_path / "my draft").mkdir()
    md = tmp_path / "my draft" / "survey (v2).md"
    assert main(["--review", str(fixed.path), "export", "markdown", str(md)]) == 0
    assert "(survey%20%28v2%29-prisma.svg)" in md.read_text(encoding="utf-8")
    assert (tmp_path / "my draft" / "survey (v2)-prisma.svg").is_file()


def test_the_bib_cannot_take_the_diagrams_name(fixed, tmp_path, capsys):
    md = tmp_path / "s.md"
    assert main(["--review", str(fixed.path), "export", "markdown", str(md),
                 "--bib", str(tmp_path / "s-prisma.svg")]) == 2
    assert "flow diagram" in capsys.readouterr().err
    assert not md.exists()


def test_export_prisma_into_a_missing_folder_is_a_usage_error(fixed, tmp_path, capsys):
    assert main(["--review", str(fixed.path), "export", "prisma",
                 str(tmp_path / "nope" / "f.svg")]) == 2
    assert "no such directory" in capsys.readouterr().err


@needs_pandoc
def test_pandoc_shows_the_diagram_as_a_figure(fixed, tmp_path):
    md = tmp_path / "survey.md"
    assert main(["--review", str(fixed.path), "export", "markdown", str(md)]) == 0
    proc = subprocess.run([pandoc(), md.name, "--citeproc", "--fail-if-warnings", "-t", "html"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '<img src="survey-prisma.svg"' in proc.stdout and "<figure>" in proc.stdout


def test_a_skeleton_name_that_is_not_utf8_is_refused_before_writing(fixed, tmp_path, capsys):
    md = os.path.join(str(tmp_path), os.fsdecode(b"caf\xe9.md"))  # as argv gives it
    assert main(["--review", str(fixed.path), "export", "markdown", md,
                 "--bib", str(tmp_path / "refs.bib")]) == 2
    err = capsys.readouterr().err
    assert "flow diagram" in err and "not UTF-8" in err and len(err.splitlines()) == 1
    assert not list(tmp_path.glob("*.md")) and not (tmp_path / "refs.bib").exists()

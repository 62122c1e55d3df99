"""The Markdown survey skeleton: golden file, pandoc --citeproc, and hostile text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.core.export.markdown import md_escape, skeleton
from reviewer.core.export.selection import Selection
from reviewer.core.importer import store_papers
from reviewer.core.model import Paper, Source

from .export_review import NOTE, build
from .test_export_bibtex import HOSTILE_TITLES, golden


def pandoc() -> str | None:
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc
        return pypandoc.get_pandoc_path()
    except Exception:
        return None


needs_pandoc = pytest.mark.skipif(pandoc() is None, reason="pandoc is not installed "
                                  "(Debian package 'pandoc', or the pypandoc-binary wheel)")


@pytest.fixture
def fixed(tmp_path):
    review = build(tmp_path / "fixed.sqlite")
    yield review
    review.close()


def export(review_path: Path, out: Path, *extra: str) -> str:
    assert main(["--review", str(review_path), "export", "markdown", str(out), *extra]) == 0
    return out.read_text(encoding="utf-8")


def test_golden_markdown(fixed, tmp_path):
    text = export(fixed.path, tmp_path / "survey.md", "--title", "Medical vision-language models")
    golden("fixed.md", text)
    assert (tmp_path / "survey.bib").is_file()


def test_structure(fixed, tmp_path):
    text = export(fixed.path, tmp_path / "survey.md")
    headings = re.findall(r"^# (.+)$", text, re.M)
    # Numbered once, by pandoc (numbersections), never by hand as well (issue 17).
    assert headings == ["Introduction", "Methods", "Segmentation", "Vision-language models",
                        "Generalist models", "Not yet in a section", "Open problems",
                        "Conclusion", "References {.unnumbered}"]
    front = text.split("---\n")[1]
    assert 'bibliography: "survey.bib"' in front and "link-citations: true" in front
    assert "numbersections: true" in front and front.count("abstract: ") == 1
    # Papers in the user's order within each section.
    seg = text.split("# Segmentation")[1].split("# Vision")[0]
    order = [m for m in re.findall(r"^- \[@(\w+)\]", seg, re.M)]
    keys = {p.title: p.citekey for p in fixed.papers()}
    assert order == [keys["U-Net: Convolutional Networks for Biomedical Image Segmentation"],
                     keys["Segment Anything"], keys["Segment Anything in Medical Images"]]
    # The PRISMA-style counts are the review's own.
    stats = fixed.stats()
    assert f"| Distinct papers | {stats['papers']} |" in text
    decided = stats["include"] + stats["maybe"] + stats["exclude"]
    assert decided < stats["papers"]  # undecided papers were not screened yet
    assert f"| Papers screened | {decided} |" in text
    assert f"| Not yet decided | {stats['undecided']} |" in text
    assert f"| Excluded | {stats['exclude']} |" in text
    assert f"| Included | {stats['include']} |" in text


def test_notes_stay_valid_markdown(fixed, tmp_path):
    from markdown_it import MarkdownIt

    text = export(fixed.path, tmp_path / "survey.md")
    html = MarkdownIt("commonmark").enable("table").render(text)
    quotes = [q.split("</blockquote>")[0] for q in html.split("<blockquote>")[1:]]
    assert len(quotes) == 2  # the two papers with a note
    quote = next(q for q in quotes if "baseline" in q)
    assert "<strong>baseline</strong>" in quote
    assert "<code>PMC-15M</code>" in quote
    assert re.search(r"<ul>\s*<li>trained on .*<ul>\s*<li>then instruction-tuned", quote, re.S)
    assert '<a href="https://github.com/microsoft/LLaVA-Med">LLaVA-Med</a>' in quote
    assert NOTE.splitlines()[0].replace("**", "") not in text  # the note's Markdown is kept


@needs_pandoc
def test_pandoc_resolves_every_citation(fixed, tmp_path):
    md = tmp_path / "survey.md"
    export(fixed.path, md)
    out = tmp_path / "survey.html"
    proc = subprocess.run([pandoc(), md.name, "--citeproc", "--fail-if-warnings",
                           "-o", out.name], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text(encoding="utf-8")
    cited = set(re.findall(r"\[@(\w+)\]", md.read_text(encoding="utf-8")))
    assert len(cited) == len(Selection().papers(fixed)) == 10
    assert html.count('class="csl-entry"') == len(cited)
    assert "???" not in html  # pandoc's mark for an unresolved citation


@needs_pandoc
def test_hostile_titles_cannot_break_the_document(review, tmp_path):
    papers = [Paper(title=t, year=2020, sources=[Source("/h.txt", n, "lines")])
              for n, t in enumerate(HOSTILE_TITLES + ["@vaswani2017 is not a citation",
                                                       "# Not a heading", "*not* _emph_ `code`"],
                                                      1)]
    store_papers(review, papers, ["/h.txt"])
    review.decide([p.id for p in review.papers()], "include")
    review.tag([1], ["a|b", "<i>"])
    review.assign("Sec | [x](y) <b>", [1, 2], create=True)
    bib, md = tmp_path / "h.bib", tmp_path / "h.md"
    export(review.path, md, "--bib", str(bib))
    proc = subprocess.run([pandoc(), md.name, "--citeproc", "--fail-if-warnings", "-t", "html"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    html = proc.stdout
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html
    assert "Not a heading</h1>" not in html and "<em>not</em>" not in html
    assert html.count('class="csl-entry"') == len(papers)


def test_escaping_is_literal():
    assert md_escape("a*b_c [x](y) <b> | @k $x$ ~s~ ^t^ #h \\") == (
        "a\\*b\\_c \\[x\\](y) \\<b\\> \\| \\@k \\$x\\$ \\~s\\~ \\^t\\^ \\#h \\\\")


def test_markdown_without_selection_still_renders(review, tmp_path):
    store_papers(review, [Paper("Only paper here", sources=[Source("/a", 1, "lines")])], ["/a"])
    text = skeleton(review, [], "refs.bib")
    assert "This survey covers 0 papers" in text and "# References" in text


def test_skeleton_and_bib_must_differ(fixed, tmp_path, capsys):
    out = tmp_path / "x.md"
    assert main(["--review", str(fixed.path), "export", "markdown", str(out),
                 "--bib", str(out)]) == 2
    assert "different file names" in capsys.readouterr().err


def test_the_scope_names_one_year_once(review):
    store_papers(review, [Paper(f"Paper number {n} of the year", year=2025,
                                sources=[Source("/a", n, "lines")]) for n in (1, 2)], ["/a"])
    text = skeleton(review, review.papers(), "refs.bib")
    assert "covers 2 papers (" in text and "), published in 2025, chosen from" in text
    assert "from 2025 to 2025" not in text
    assert "covers 1 paper (" in skeleton(review, review.papers()[:1], "refs.bib")


def test_methods_notes_and_descriptions(fixed, tmp_path):
    fixed.add_section("Methods under study", "Papers *about* methods; see @nobody and "
                      "`@code` too.")
    paper = next(p for p in fixed.papers() if p.note.strip())
    fixed.set_note(paper.id, paper.note + "\n\nAsk @maria, compare [@" + paper.citekey + "].")
    md = tmp_path / "survey.md"
    text = export(fixed.path, md)
    methods = text.split("# Methods")[1].split("\n# ")[0]
    assert "classics.bib (BibTeX file, imported " in methods  # files, formats and dates
    assert "records" in methods and "criteria" in methods
    assert "Ask \\@maria" in text  # no key: not a citation
    # A section's description is the user's Markdown, not escaped text.
    assert "Papers *about* methods; see \\@nobody and `@code` too." in text
    assert f"[@{paper.citekey}]." in text  # a key of the .bib stays one
    if pandoc() is not None:
        proc = subprocess.run([pandoc(), md.name, "--citeproc", "--fail-if-warnings", "-o",
                               "out.html"], cwd=tmp_path, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr

"""An enriched seed review exports what citations need: natbib+bibtex (plainnat) and
biblatex+biber read it without an error, and pandoc renders author-year citations."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from reviewer.cli import main

from ..test_export_markdown import pandoc


def export(capsys, review, tmp_path) -> tuple:
    assert main(["--review", str(review), "enrich", "--all", "--yes"]) == 0
    md = tmp_path / "survey.md"
    assert main(["--review", str(review), "export", "markdown", str(md), "--all"]) == 0
    capsys.readouterr()
    return md, tmp_path / "survey.bib"


@pytest.mark.skipif(shutil.which("bibtex") is None or shutil.which("kpsewhich") is None,
                    reason="bibtex is not installed")
def test_plainnat_builds_without_an_error(capsys, seeded, world, server, tmp_path):
    if subprocess.run(["kpsewhich", "plainnat.bst"], capture_output=True).returncode:
        pytest.skip("plainnat.bst is not installed")
    _, bib = export(capsys, seeded, tmp_path)
    (tmp_path / "doc.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{plainnat}\n"
                                      "\\bibdata{survey}\n", encoding="utf-8")
    proc = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    log = proc.stdout
    assert proc.returncode in (0, 1), log  # 2 is an error, 1 only warnings
    assert "error message" not in log, log
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    some = world.known[min(world.known)]
    assert some.authors[0].split()[-1] in bbl and some.arxiv_id in bbl


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber is not installed")
def test_biber_reads_it_without_an_error(capsys, seeded, world, server, tmp_path):
    _, bib = export(capsys, seeded, tmp_path)
    proc = subprocess.run(["biber", "--tool", "--validate-datamodel", str(bib)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "ERROR" not in proc.stdout, proc.stdout[-2000:]


@pytest.mark.skipif(pandoc() is None, reason="pandoc is not installed")
def test_pandoc_renders_author_year_citations(capsys, seeded, world, server, tmp_path):
    md, _ = export(capsys, seeded, tmp_path)
    proc = subprocess.run([pandoc(), md.name, "--citeproc", "-t", "plain"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    # Chicago author-date, pandoc's default: "(Author1x0 et al. 2024)".
    cited = re.findall(r"\((Author\d+x0)(?: et al\.| and [^)]*)? (\d{4})\)", proc.stdout)
    assert len({name for name, _ in cited}) >= len(world.known) // 2
    some = min(world.known)
    assert f"Author{some}x0" in {name for name, _ in cited}

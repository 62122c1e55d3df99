"""The exported .bib builds with real LaTeX: biblatex+biber and natbib+bibtex (plainnat),
through lualatex, with no LaTeX, biber or bibtex error (issue 17)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.cli import main

from .conftest import ROOT

TOOLS = ("lualatex", "biber", "bibtex", "kpsewhich")


def _missing() -> str:
    absent = [tool for tool in TOOLS if shutil.which(tool) is None]
    if absent:
        return ", ".join(absent)
    for style in ("biblatex.sty", "natbib.sty", "plainnat.bst", "fontspec.sty"):
        found = subprocess.run(["kpsewhich", style], capture_output=True, text=True)
        if not found.stdout.strip():
            return style
    return ""


MISSING = _missing()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    bool(MISSING), reason=f"{MISSING} not installed (Debian texlive-luatex, texlive-latex-extra, "
                          "texlive-bibtex-extra, biber; .ci/run installs them)")]

BIBLATEX = r"""\documentclass{article}
\usepackage{fontspec}
\usepackage[backend=biber,style=authoryear]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""
# natbib's styles set a DOI with the url package when it is loaded (as the natbib
# documentation advises): without it, an underscore in a DOI is an error in any .bib.
NATBIB = r"""\documentclass{article}
\usepackage{fontspec}
\usepackage[round]{natbib}
\usepackage{url}
\begin{document}
\nocite{*}
\bibliographystyle{plainnat}
\bibliography{refs}
\end{document}
"""


def _run(args: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600,
                          errors="replace")
    assert proc.returncode in ok, f"{args[0]} failed:\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}"
    return proc.stdout + proc.stderr


def _latex(folder: Path, name: str) -> None:
    _run(["lualatex", "-interaction=nonstopmode", "-halt-on-error", name], folder)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    folder = tmp_path_factory.mktemp("latex")
    review = folder / "r.sqlite"
    dumps = sorted(seeds.glob("*.txt")) + sorted((ROOT / "sample_lists").iterdir())
    assert main(["--review", str(review), "import", *map(str, dumps)]) == 0
    assert main(["--review", str(review), "export", "bibtex", "--all",
                 str(folder / "refs.bib")]) == 0
    return folder


def test_the_seeds_export_builds_with_biblatex_and_biber(exported):
    (exported / "bl.tex").write_text(BIBLATEX, encoding="utf-8")
    _latex(exported, "bl.tex")
    log = _run(["biber", "bl"], exported)
    assert not re.search(r"^(ERROR|FATAL)", log, re.M), log
    _latex(exported, "bl.tex")
    text = (exported / "bl.log").read_text(encoding="utf-8", errors="replace")
    assert not re.search(r"^!", text, re.M)
    assert "Missing character" not in text


def test_the_seeds_export_builds_with_natbib_and_bibtex(exported):
    (exported / "nb.tex").write_text(NATBIB, encoding="utf-8")
    _latex(exported, "nb.tex")
    _run(["bibtex", "nb"], exported, ok=(0, 1))  # 1: warnings (no year...); 2: errors
    blg = (exported / "nb.blg").read_text(encoding="utf-8", errors="replace")
    assert "error message" not in blg, blg
    # An entry without authors is labelled by its key field, never by the first three
    # letters of its citation key ("Med(2023)").
    bbl = (exported / "nb.bbl").read_text(encoding="utf-8", errors="replace")
    assert "\\bibitem[Hulu-Med(" in bbl and "\\bibitem[Med(" not in bbl
    _latex(exported, "nb.tex")
    _latex(exported, "nb.tex")
    text = (exported / "nb.log").read_text(encoding="utf-8", errors="replace")
    assert not re.search(r"^!", text, re.M)
    assert "Missing character" not in text

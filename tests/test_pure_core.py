"""The core never imports Textual or Rich, and neither does any command that shows no TUI.

Checked in fresh interpreters, since this test process has long imported Textual.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest

from .conftest import FIXTURES, ROOT

CORE = ROOT / "reviewer" / "core"
UI_PACKAGES = ("textual", "rich")


def core_modules() -> list[str]:
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in CORE.rglob("*.py"))


def loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in json.loads(done.stdout.splitlines()[-1])}


def test_every_core_module_imports_without_textual_or_rich():
    modules = core_modules()
    assert len(modules) > 20  # the walk found the package
    loaded = loaded_after("\n".join(f"import {m}" for m in modules))
    assert not loaded & set(UI_PACKAGES)


def test_no_core_source_names_textual_or_rich():
    # Also catches imports hidden inside functions, which the probe above would miss.
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in UI_PACKAGES, f"{path}: imports {name}"


@pytest.mark.parametrize("command", [
    ["import", str(FIXTURES / "hf" / "rich.txt")],
    ["list"], ["list", "--json", "--search", "alpha"], ["show", "1"], ["stats"], ["reviews"],
    ["star", "1"], ["tag", "1", "x"], ["undo"], ["history"], ["section", "add", "Intro"],
    ["export", "bibtex", "{tmp}/out.bib", "--all"],
    ["export", "markdown", "{tmp}/out.md", "--all"],
    ["config", "path"], ["config", "show"],
])
def test_commands_without_a_tui_never_import_textual(tmp_path, command):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), PYTHONPATH=str(ROOT))
    review = str(tmp_path / "r.sqlite")
    if command[0] != "import":
        setup = subprocess.run([sys.executable, "-m", "reviewer", "--review", review, "import",
                                str(FIXTURES / "hf" / "rich.txt")], env=env,
                               capture_output=True, timeout=120)
        assert setup.returncode == 0
    args = [review] + [part.replace("{tmp}", str(tmp_path)) for part in command]
    code = ("import sys\nfrom reviewer.cli import main\n"
            f"sys.argv = ['reviewer', '--review'] + {args!r}\n"
            "code = main(sys.argv[1:])\n"
            "assert code == 0, code")
    loaded = loaded_after(code, env)
    assert "textual" not in loaded
    # The screening assistant's model loads only for the commands that use it.
    assert "sklearn" not in loaded and "scipy" not in loaded

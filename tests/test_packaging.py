"""What `pip install .` ships: the package, its bundled themes and sample lists, the script.

Builds the wheel, unpacks it away from the source tree and runs the CLI from there, so the
test fails if a file the app needs at run time is left out of the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                           str(ROOT)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{proc.stderr[-2000:]}")
    (built,) = out.glob("reviewer-*.whl")
    return built


def test_wheel_carries_themes_samples_and_every_module(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("themes", "sample_lists"):
        shipped = {n.split("/", 2)[2] for n in names if n.startswith(f"reviewer/{folder}/")}
        expected = {p.name for p in (ROOT / folder).iterdir() if p.is_file()}
        assert expected and shipped == expected, folder
    modules = {str(p.relative_to(ROOT)) for pattern in ("*.py", "*.tcss")
               for p in (ROOT / "reviewer").rglob(pattern)}
    assert "reviewer/tui/reviewer.tcss" in modules and modules <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "reviewer = reviewer.cli:run" in text


def test_unpacked_wheel_runs_on_its_own_sample(wheel: Path, tmp_path: Path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_DATA_HOME": str(tmp_path / "data")}
    code = ("import reviewer.resources as r; print(r.sample_lists_dir()); "
            "print(r.themes_dir()); print(*r.sample_lists(), sep='\\n')")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)
    lines = proc.stdout.splitlines()
    assert lines[0] == str(site / "reviewer" / "sample_lists")
    assert lines[1] == str(site / "reviewer" / "themes")
    samples = lines[2:]
    assert samples
    proc = subprocess.run([sys.executable, "-m", "reviewer", "import", *samples], cwd=tmp_path,
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "new" in proc.stdout.splitlines()[-1]


def test_unpacked_wheel_opens_the_tui(wheel: Path, tmp_path: Path):
    """Its stylesheet and themes found where pip puts them, not in this checkout."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    code = ("import asyncio\n"
            "from reviewer.tui.app import ReviewerApp\n"
            "async def main():\n"
            "    app = ReviewerApp('r.sqlite')\n"
            "    async with app.run_test(size=(100, 30)) as pilot:\n"
            "        await pilot.pause()\n"
            "        print(type(app.screen).__name__, app.theme)\n"
            "asyncio.run(main())\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[0] == "MainScreen"
    assert str(site) in subprocess.run(
        [sys.executable, "-c", "import reviewer; print(reviewer.__file__)"], cwd=tmp_path,
        env=env, capture_output=True, text=True, check=True).stdout

"""Files shipped with the app: built-in themes and the sample paper lists.

In a source checkout they sit at the top of the repository; an installed wheel carries
them inside the package (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled {name}/ folder is missing from this installation")


def themes_dir() -> Path:
    return _bundled("themes")


def sample_lists_dir() -> Path:
    return _bundled("sample_lists")


def sample_lists() -> list[Path]:
    folder = sample_lists_dir()
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))

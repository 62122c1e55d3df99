"""Themes are TOML files: the built-in ones in themes/, the user's in the config dir."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from ..core.locations import config_dir
from ..resources import themes_dir

COLOR_FIELDS = ("primary", "secondary", "accent", "foreground", "background", "surface",
                "panel", "boost", "success", "warning", "error")


def load_theme(path: Path) -> Theme:
    """A Theme from a TOML file; ValueError with a one-line reason if it is broken."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{path.name}: 'name' must be text")
    if "primary" not in data:
        raise ValueError(f"{path.name}: a theme needs at least a 'primary' colour")
    colours = {}
    for key in COLOR_FIELDS:
        if key in data:
            try:
                Color.parse(data[key])
            except (ColorParseError, TypeError, ValueError):
                raise ValueError(f"{path.name}: {key} = {data[key]!r} is not a colour") from None
            colours[key] = data[key]
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError(f"{path.name}: [variables] must map names to colours in quotes")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ValueError(f"{path.name}: dark must be true or false")
    return Theme(name=name.strip(), dark=dark, variables=dict(variables), **colours)


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def load_themes() -> tuple[list[Theme], list[str]]:
    """Every theme we can load, and one problem line per file we could not."""
    themes, problems = [], []
    folders = [themes_dir(), user_themes_dir()]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                themes.append(load_theme(path))
            except ValueError as exc:
                problems.append(f"theme file {exc}; skipped")
    return themes, problems

"""Offline by default, and light: no command but enrich loads the HTTP client."""

from __future__ import annotations

import os

from ..conftest import FIXTURES
from ..test_pure_core import loaded_after


def test_list_and_config_show_never_import_httpx(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    review = str(tmp_path / "r.sqlite")
    code = ("from reviewer.cli import main\n"
            f"assert main(['--review', {review!r}, 'import', "
            f"{str(FIXTURES / 'hf' / 'rich.txt')!r}]) == 0\n"
            f"assert main(['--review', {review!r}, 'list']) == 0\n"
            "assert main(['config', 'show']) == 0\n"
            f"assert main(['--review', {review!r}, 'uncertain', 'list']) == 0\n")
    loaded = loaded_after(code, env)
    assert "httpx" not in loaded and "reviewer" in loaded

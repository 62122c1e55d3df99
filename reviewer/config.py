"""The user's settings: one TOML file in the platformdirs config dir.

    theme = "reviewer-dark"

    [behaviour]
    advance_after_decision = true   # after i/m/x, jump to the next undecided paper
    editor = ""                     # for N; default $VISUAL, then $EDITOR
    copy_key = "plain"              # what y copies: "plain" (key) or "pandoc" (@key)

    [import]
    max_file_size = "2 GB"          # bigger dumps are refused (a number of bytes, or KB/MB/GB)

    [backups]
    keep = 5                        # automatic backups kept of each review; 0 turns them off

    [keys]                          # remap any binding by its id (see `reviewer config show`)
    star = "S"
    include = "y,i"

    [online]                        # reviewer enrich (nothing goes online unless asked)
    email = ""                      # sent to Crossref as mailto
    s2_api_key = ""
    [online.arxiv]                  # also .hf, .s2, .crossref
    url = "https://export.arxiv.org"
    interval = 3.0                  # seconds between requests; 0 for a local server

A broken or unknown setting never stops the app: it is reported and the default used.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .core.backup import KEEP as BACKUPS_KEPT
from .core.locations import config_file
from .core.paths import MAX_INPUT_BYTES, parse_size, size_text
from .core.online.settings import OnlineSettings

DEFAULT_THEME = "reviewer-dark"
COPY_KEY_STYLES = ("plain", "pandoc")


@dataclass(slots=True)
class Settings:
    theme: str = DEFAULT_THEME
    advance_after_decision: bool = True
    editor: str = ""
    copy_key: str = "plain"  # what y copies: the key, or "pandoc" for @key
    keys: dict[str, str] = field(default_factory=dict)
    max_import_bytes: int = MAX_INPUT_BYTES
    backups: int = BACKUPS_KEPT  # REVIEWER_BACKUPS overrides it (core/backup.py)
    online: OnlineSettings = field(default_factory=OnlineSettings)


def load(path: Path | None = None) -> tuple[Settings, list[str]]:
    """The settings and the problems found reading them (one line each)."""
    path = path or config_file()
    settings = Settings()
    problems: list[str] = []
    if not path.exists():
        return settings, problems
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return settings, [f"{path}: cannot read the config ({exc}); using defaults"]
    except tomllib.TOMLDecodeError as exc:
        return settings, [f"{path}: not valid TOML ({exc}); using defaults"]

    theme = data.pop("theme", settings.theme)
    if isinstance(theme, str) and theme.strip():
        settings.theme = theme.strip()
    else:
        problems.append(f"{path}: theme must be a name in quotes; using {settings.theme!r}")

    behaviour = _table(data, "behaviour", path, problems)
    advance = behaviour.pop("advance_after_decision", settings.advance_after_decision)
    if isinstance(advance, bool):
        settings.advance_after_decision = advance
    else:
        problems.append(f"{path}: advance_after_decision must be true or false")
    editor = behaviour.pop("editor", "")
    if isinstance(editor, str):
        settings.editor = editor.strip()
    else:
        problems.append(f"{path}: editor must be a command in quotes")
    copy_key = behaviour.pop("copy_key", settings.copy_key)
    if copy_key in COPY_KEY_STYLES:
        settings.copy_key = copy_key
    else:
        problems.append(f"{path}: copy_key must be one of "
                        f"{', '.join(map(repr, COPY_KEY_STYLES))}; using {settings.copy_key!r}")
    _unknown_settings(behaviour, "behaviour", path, problems)

    importing = _table(data, "import", path, problems)
    if "max_file_size" in importing:
        limit = importing.pop("max_file_size")
        try:
            settings.max_import_bytes = parse_size(limit)
        except (ValueError, TypeError):
            problems.append(f"{path}: max_file_size must be a size such as \"2 GB\"; "
                            f"using {size_text(settings.max_import_bytes)}")
    _unknown_settings(importing, "import", path, problems)

    backups = _table(data, "backups", path, problems)
    if "keep" in backups:
        keep = backups.pop("keep")
        if isinstance(keep, int) and not isinstance(keep, bool) and keep >= 0:
            settings.backups = keep
        else:
            problems.append(f"{path}: backups.keep must be a whole number (0 turns backups "
                            f"off); using {settings.backups}")
    _unknown_settings(backups, "backups", path, problems)

    keys = data.pop("keys", {})
    if not isinstance(keys, dict):
        problems.append(f"{path}: [keys] must be a table of binding ids and keys")
        keys = {}
    for binding_id, key in keys.items():
        if isinstance(key, str) and key.strip():
            settings.keys[binding_id] = key.strip()
        else:
            problems.append(f"{path}: key for {binding_id!r} must be a key name in quotes")
    _load_online(data.pop("online", {}), settings.online, path, problems)
    for unknown in data:
        problems.append(f"{path}: unknown setting {unknown!r}")
    return settings, problems


def _table(data: dict, name: str, path: Path, problems: list[str]) -> dict:
    """The table ``[name]`` taken out of ``data``; an empty one, reported, if it is not one."""
    table = data.pop(name, {})
    if isinstance(table, dict):
        return table
    problems.append(f"{path}: [{name}] must be a table")
    return {}


def _unknown_settings(table: dict, name: str, path: Path, problems: list[str]) -> None:
    """What is left of ``[name]`` once its settings are read: none that reviewer knows."""
    for unknown in table:
        problems.append(f"{path}: unknown setting {name}.{unknown}")


def _load_online(table: object, online: OnlineSettings, path: Path,
                 problems: list[str]) -> None:
    if not isinstance(table, dict):
        problems.append(f"{path}: [online] must be a table")
        return
    for name in ("email", "s2_api_key"):
        value = table.pop(name, getattr(online, name))
        if isinstance(value, str):
            setattr(online, name, value.strip())
        else:
            problems.append(f"{path}: online.{name} must be text in quotes")
    for name, service in online.services.items():
        sub = table.pop(name, {})
        if not isinstance(sub, dict):
            problems.append(f"{path}: [online.{name}] must be a table")
            continue
        url = sub.pop("url", service.url)
        if isinstance(url, str) and url.strip().startswith(("http://", "https://")):
            service.url = url.strip().rstrip("/")
        else:
            problems.append(f"{path}: online.{name}.url must be an http(s) address; "
                            f"using {service.url}")
        interval = sub.pop("interval", service.interval)
        if isinstance(interval, (int, float)) and not isinstance(interval, bool) \
                and 0 <= interval <= 3600:
            service.interval = float(interval)
        else:
            problems.append(f"{path}: online.{name}.interval must be seconds (0 or more); "
                            f"using {service.interval:g}")
        for unknown in sub:
            problems.append(f"{path}: unknown setting online.{name}.{unknown}")
    for unknown in table:
        problems.append(f"{path}: unknown setting online.{unknown}")


_THEME_LINE = re.compile(r"^\s*theme\s*=.*$", re.M)


def remember_theme(name: str, path: Path | None = None) -> None:
    """Store the chosen theme, keeping the rest of the file (and its comments) as it is."""
    path = path or config_file()
    line = f'theme = "{name}"'
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text.lstrip().startswith("["):
        head, sep, tail = "", "", text
    else:
        head, sep, tail = text.partition("\n[")  # the theme lives before the first table
        sep = sep and "\n["
    if _THEME_LINE.search(head):
        head = _THEME_LINE.sub(line, head, count=1)
    else:
        head = f"{line}\n{head}" if head.strip() else f"{line}\n\n" if tail else f"{line}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(head + sep + tail, encoding="utf-8")
    tmp.replace(path)

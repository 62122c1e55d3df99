"""Where reviews and the config file live (platformdirs), and how ``--review`` is read."""

from __future__ import annotations

import os
import re
from pathlib import Path

APP = "reviewer"
DEFAULT_REVIEW = "default"
REVIEW_SUFFIX = ".sqlite"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


# platformdirs is imported when a name has to be placed: it loads tempfile, shutil and
# three compression modules, a tenth of a quick command given a review by its path.


def data_dir() -> Path:
    """The user data dir (``$XDG_DATA_HOME/reviewer`` on Linux)."""
    import platformdirs

    return platformdirs.user_data_path(APP, appauthor=False)


def config_dir() -> Path:
    import platformdirs

    return platformdirs.user_config_path(APP, appauthor=False)


def config_file() -> Path:
    """``$REVIEWER_CONFIG`` when set (tests use it), else config.toml in the config dir."""
    override = os.environ.get("REVIEWER_CONFIG")
    return Path(override) if override else config_dir() / "config.toml"


def reviews_dir() -> Path:
    return data_dir() / "reviews"


def review_path(spec: str | None) -> Path:
    """A review name ("survey") lives in the data dir; anything path-like is a path."""
    if not spec:
        spec = DEFAULT_REVIEW
    if os.sep in spec or "/" in spec or spec.endswith((REVIEW_SUFFIX, ".db", ".sqlite3")) \
            or spec.startswith(("~", ".")):
        return Path(spec).expanduser()
    if not _NAME.match(spec):
        raise ValueError(f"{spec!r} is not a review name (letters, digits, '.', '_' and '-'; "
                         "or give a path)")
    return reviews_dir() / f"{spec}{REVIEW_SUFFIX}"


def list_reviews() -> list[Path]:
    folder = reviews_dir()
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"*{REVIEW_SUFFIX}"))

"""Fixtures of the online tests: the seeds in a review, and the services' view of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import SEEDS
from .fake_services import FakeServer
from .world import World, build


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three seeds imported once; each test works on a copy."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    from reviewer.core.importer import import_files
    from reviewer.core.store import Review

    path = tmp_path_factory.mktemp("seeded") / "seeds.sqlite"
    with Review.open(path) as review:
        import_files(review, sorted(SEEDS.glob("*.txt")), year=2025)
    return path


@pytest.fixture
def seeded(seeded_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "seeds.sqlite"
    shutil.copy(seeded_template, path)
    return path


@pytest.fixture
def online_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of its own for each test."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def world(seeded: Path) -> World:
    from reviewer.core.store import Review

    with Review.open(seeded) as review:
        return build(review.papers())


@pytest.fixture
def server(world: World, tmp_path: Path, online_env: Path):
    with FakeServer(world.services) as running:
        config = Path(tmp_path / "config" / "reviewer" / "config.toml")
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(running.config(), encoding="utf-8")
        yield running

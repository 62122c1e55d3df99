"""Shared fixtures: every test runs with its own data and config dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
SEED_RICH = SEEDS / "000_b3416f4d67f6818e.txt"
SEED_PLAIN = SEEDS / "002_1d23a85da220c576.txt"
SEED_COMPACT = SEEDS / "003_f4879f41c5e0f538.txt"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's reviews or config."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("REVIEWER_CONFIG", str(tmp_path / "config" / "reviewer" / "config.toml"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache" / "reviewer"))
    monkeypatch.delenv("REVIEWER_DEBUG", raising=False)
    return tmp_path


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    return SEEDS


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    return CORPUS


@pytest.fixture
def review(tmp_path: Path):
    from reviewer.core.store import Review

    with Review.open(tmp_path / "review.sqlite") as r:
        yield r

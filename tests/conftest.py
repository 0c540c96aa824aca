"""Test setup: no network (pytest-socket), litellm offline, state isolated per test."""

from __future__ import annotations

import os

os.environ.update(
    LITELLM_OFFLINE_MODE="true",
    LITELLM_LOCAL_MODEL_COST_MAP="True",
    HF_HUB_OFFLINE="1",
    LITELLM_MODE="PRODUCTION",
    LITELLM_LOG="ERROR",
)

from pathlib import Path

import pytest
import pytest_socket

from summarizer.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "evals" / "datasets" / "seeds" / "articles"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-live", action="store_true", help="run tests that call a hosted provider"
    )


def pytest_configure(config: pytest.Config) -> None:
    pytest_socket.disable_socket(allow_unix_socket=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-live"):
        return
    skip = pytest.mark.skip(reason="calls a hosted provider; opt in with --run-live")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path / "cache")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No SUMMARIZER_* setting and no config file from the machine: each test starts clean."""
    for name in list(os.environ):
        if name.startswith("SUMMARIZER_") and not name.startswith("SUMMARIZER_SCREENSHOT"):
            monkeypatch.delenv(name)  # the SCREENSHOT_* knobs only steer the docs' screenshots
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))

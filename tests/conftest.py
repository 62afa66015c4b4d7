"""Shared fixtures: a real store in tmp_path, the real plugin host, and an isolated environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plugins.engine import Engine
from plugins.manager import PluginHost
from store import Store


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep every test away from the user's real data folder and settings."""
    monkeypatch.setenv("PINGAN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PINGAN_USER", "tester")
    # For child processes only: Textual read it at import; make_app sets the app's own level.
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    for var in (
        "PINGAN_DB",
        "PINGAN_DISABLE_PLUGINS",
        "PINGAN_LOAD_PLUGINS",
        "PINGAN_PASSWORD",
        "PINGAN_NEW_PASSWORD",
    ):
        monkeypatch.delenv(var, raising=False)
    yield


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty store for the town 桑村镇 in a real file."""
    created = Store(tmp_path / "town.json")
    created.init("桑村镇")
    return created.open()


@pytest.fixture(scope="session")
def host() -> PluginHost:
    """The built-in plugins, loaded by the real plugin manager (no entry points)."""
    return PluginHost.load(entry_points=False)


@pytest.fixture
def engine(store: Store, host: PluginHost) -> Engine:
    return Engine(store, host)

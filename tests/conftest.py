"""Fixtures only (what tests share otherwise is in tests/helpers.py): an isolated
environment and a fixed width for every test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import LEAKY_VARIABLES


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in LEAKY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")

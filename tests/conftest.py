"""Fixtures only (what tests share otherwise is in tests/helpers.py): an isolated
environment and a fixed width for every test."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.helpers import LEAKY_VARIABLES

# A test run started as a background job of a non-interactive shell (nohup, `cmd &` in a CI
# script) ignores SIGINT, and every process it starts would inherit that: the tests that press
# Ctrl-C on a child would see it run on. A handler of our own is reset to the default in each
# child, as a terminal's Ctrl-C expects.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in LEAKY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")

"""A run that waited for the index lock and finds the index another run built must not wait
for the lock again (it holds it): settling the index is then left for another run."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from unittest.mock import patch

import pytest

from relations_cli.store.build import build_index
from relations_cli.store.cache import GRANULARITY_NS, built_index
from relations_cli.store.index import IndexEngine, _index_path
from relations_cli.store.source import open_index
from tests.helpers import write


def test_finding_the_index_built_under_the_lock_does_not_wait_for_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write(tmp_path, "events:\n  - id: a\n    date: 2015\n    title: A\n")
    # Built while the file is recent (the index keeps asking for its hash), then found once
    # its times have settled (the index would stop asking).
    with patch("relations_cli.store.cache._settle"):
        open_index(path).db.close()
    time.sleep(GRANULARITY_NS / 1e9 + 0.5)
    done: list[int] = []
    # As a second run does after waiting for the lock: rebuild finds the fresh index.
    worker = threading.Thread(
        target=lambda: done.append(IndexEngine(built_index(
            _index_path(path), path, lambda db: build_index(db, path)), str(path)).count()),
        daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert done == [1]

"""A progress bar on stderr for long index builds: only on a terminal, only after a second."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["indexing_progress"]

DELAY = 1.0  # seconds of work before a bar is worth showing


@contextlib.contextmanager
def indexing_progress(verb: str = "indexing") -> Iterator[Callable[[int, int], None] | None]:
    """A `progress(bytes_done, bytes_total)` callback, or None when stderr is no terminal."""
    try:
        interactive = sys.stderr.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        yield None
        return
    started = time.monotonic()
    state: dict[str, Any] = {}
    given = os.environ.get("RELATIONS_PROGRESS_DELAY", "")  # for tests
    delay = float(given) if given.replace(".", "", 1).isdigit() else DELAY

    def progress(done: int, total: int) -> None:
        if "bar" not in state:
            if time.monotonic() - started < delay or done >= total:
                return
            # Rich is imported only now, when a bar is really drawn.
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

            bar = Progress(f"relations: {verb}", BarColumn(), DownloadColumn(),
                           TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task(verb, total=total)
        state["bar"].update(state["task"], completed=done)

    try:
        yield progress
    finally:
        if "bar" in state:
            state["bar"].stop()

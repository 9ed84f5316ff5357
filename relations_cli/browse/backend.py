"""The engine behind the browser, on a thread of its own.

The index is an SQLite connection, usable only on the thread that opened it, and the screen
must never wait on a query: so one worker thread opens the engine and runs every call on it,
and the interface awaits the answers. A request that is superseded before it starts (a
search typed further) is skipped instead of run.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from relations_cli.core.engine import Engine

__all__ = ["Backend", "Superseded"]

T = TypeVar("T")


class Superseded(Exception):
    """A request replaced by a newer one of the same kind before it ran."""


class Backend:
    """Runs calls on the engine's own thread; `open` must be called first."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relations-engine")
        self._engine: Engine | None = None
        self._latest: dict[str, int] = {}
        self._counter = itertools.count(1)

    def open(self, opener: Callable[[], Engine]) -> Engine:
        """Open the engine on its thread and wait for it (errors are raised here)."""
        self._engine = self._executor.submit(opener).result()
        return self._engine

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the engine is not open")
        return self._engine

    def submit(self, call: Callable[[Engine], T], kind: str | None = None) -> Future[T]:
        """Run `call(engine)` on the engine's thread. With a `kind`, a later request of the
        same kind makes this one skip if it has not started yet."""
        ticket = next(self._counter)
        if kind is not None:
            self._latest[kind] = ticket

        def run() -> T:
            if kind is not None and self._latest.get(kind) != ticket:
                raise Superseded(kind)
            return call(self.engine)

        return self._executor.submit(run)

    async def ask(self, call: Callable[[Engine], T], kind: str | None = None) -> T:
        """`submit`, awaited from the event loop without blocking it."""
        return await asyncio.wrap_future(self.submit(call, kind))

    def run(self, call: Callable[[Engine], T]) -> T:
        """`submit`, waited for (for the start and for tests)."""
        return self.submit(call).result()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

"""Work handed to processes of their own, one a core, for a job that Python does on one core:
a new timeline from a large sheet (store/parallel_import).

The workers are spawned, not forked: a fork would copy whatever this process holds (a
progress bar's thread, locks, a test runner). They never see Ctrl-C, which is for the
parent: they are started with SIGINT ignored (`spawning`, `started`), and the parent stops them
(terminate) when it leaves for any reason but a finished run. A worker whose parent has gone
finds its task pipe closed and leaves.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

__all__ = ["Here", "Workers", "cores", "spawning", "started"]

_Job = TypeVar("_Job")
_Answer = TypeVar("_Answer")


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@contextlib.contextmanager
def spawning() -> Iterator[None]:
    """Around starting processes that must not see a Ctrl-C meant for this one.

    SIGINT is ignored while they start, and they start so (an ignored signal stays ignored
    across exec): Python then installs no handler of its own in them, and a Ctrl-C while
    they import prints no traceback there. Here SIGINT and SIGTERM are held meanwhile
    (blocked: on Linux a blocked signal is kept even while ignored) and delivered once the
    handler is back, so the run stops as it should. The children inherit the block too:
    `started` lifts it."""
    import signal
    from multiprocessing import resource_tracker

    from relations_cli.store.cache import signals_deferred

    # Spawned processes need multiprocessing's resource tracker, whose start unblocks SIGINT
    # (a Ctrl-C would then be dropped while it is ignored here): it is started first.
    resource_tracker.ensure_running()
    with signals_deferred():
        try:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread: nothing to pass on
            yield
            return
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


def started() -> None:
    """First thing in a process started by `spawning`: Ctrl-C stays ignored (it is the
    parent's), and SIGTERM, held since the start, may end it from now on."""
    import signal

    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _worker_started() -> None:
    """A pool worker makes and drops a few hundred thousand small objects a piece and keeps
    none: the collector's passes over them were a sixth of its time, and it makes no cycles
    that would outlive a piece."""
    import gc

    started()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


class Workers:
    """A pool of one process a core, started when first asked (`start`), stopped on leaving:
    waited for after a finished run, terminated after anything else."""

    def __init__(self, count: int | None = None) -> None:
        self.count = count or cores()
        self.pool: Pool | None = None

    @property
    def worth_it(self) -> bool:
        return self.count >= 2

    def start(self) -> None:
        if self.pool is not None:
            return
        import multiprocessing

        with spawning():
            self.pool = multiprocessing.get_context("spawn").Pool(self.count,
                                                                  initializer=_worker_started)

    def submit(self, function: Callable[[_Job], _Answer], job: _Job) -> AsyncResult[_Answer]:
        """The job handed to a worker; `.get()` waits for its answer (or its exception)."""
        self.start()
        assert self.pool is not None
        return self.pool.apply_async(function, (job,))

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if kind is None:
            pool.close()
        else:
            pool.terminate()
        pool.join()


class Here(Generic[_Answer]):
    """A job as a handle like the one `submit` gives, done in this process when `get` asks
    for its answer."""

    def __init__(self, function: Callable[[Any], _Answer], job: Any) -> None:
        self.function, self.job = function, job

    def get(self) -> _Answer:
        return self.function(self.job)

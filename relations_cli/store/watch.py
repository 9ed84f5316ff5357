"""Noticing that the timelines in use have changed, by polling their state (for `serve`).

A snapshot is each file's size, times, inode and device, as the index's freshness rule reads
them, taken afresh each time (a folder's files are listed again, so a file added to it
counts). A file changed within the times' granularity could change again keeping them, so
its content hash is part of the snapshot until it is older than that (for a file a person
edits by hand: above HASHED_UP_TO bytes, reading it a few times a second would cost more than
the rare edit it could catch). Polling a few times a
second costs a `stat` a file; no watcher library is needed for a handful of files a person
edits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from relations_cli.core.errors import RelationsError
from relations_cli.store.cache import GRANULARITY_NS, content_hash
from relations_cli.store.source import resolve_data_paths

__all__ = ["Snapshot", "Watch", "same", "snapshot"]

# What a snapshot holds for each file: its path and what its state says (or why there is
# none: missing, unreadable).
Snapshot = tuple[tuple[str, ...], ...]

HASHED_UP_TO = 16 << 20


def _state(path: Path, now_ns: int) -> tuple[str, ...]:
    try:
        info = os.stat(path)
    except OSError as error:
        return (str(path), f"unreadable: {error.strerror}")
    state = (str(path), str(info.st_size), str(info.st_mtime_ns), str(info.st_ctime_ns),
             str(info.st_ino), str(info.st_dev))
    recent = max(info.st_mtime_ns, info.st_ctime_ns) + GRANULARITY_NS >= now_ns
    if recent and info.st_size <= HASHED_UP_TO:
        try:
            return (*state, content_hash(path))
        except OSError as error:
            return (*state, f"unreadable: {error.strerror}")
    return (*state, "")  # no hash taken: the times suffice


def snapshot(option: str | Sequence[str] | None) -> Snapshot:
    """The state of every timeline file that `--data` (or $RELATIONS_DATA) names now: equal
    snapshots mean nothing a reader could see has changed."""
    try:
        paths = resolve_data_paths(option)
    except RelationsError as error:  # a folder emptied of timelines, for one
        return ((f"unresolved: {error}",),)
    now_ns = time.time_ns()
    return tuple(_state(path, now_ns) for path in paths)


def same(before: Snapshot, after: Snapshot) -> bool:
    """Whether two snapshots show the same files: their states equal, and their content
    hashes too where both have one (a file that grew older than the granularity loses its
    hash, which is no change)."""
    if len(before) != len(after):
        return False
    for one, other in zip(before, after, strict=True):
        if len(one) != len(other) or one[:-1] != other[:-1]:
            return False
        if one[-1] and other[-1] and one[-1] != other[-1]:
            return False
    return True


class Watch:
    """The timelines `--data` names, looked at again and again: `changed()` says whether
    anything a reader could see changed since the last look."""

    def __init__(self, option: str | Sequence[str] | None) -> None:
        self.option = option
        self._seen = snapshot(option)

    def changed(self) -> bool:
        now = snapshot(self.option)
        differs = not same(self._seen, now)
        self._seen = now
        return differs

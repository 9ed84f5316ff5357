"""Installing a changed timeline: read under a lock, checked, written beside, renamed over.

A write reads the file under an exclusive lock, with the reading commands' checks (a
regular file within RELATIONS_MAX_BYTES; a pipe or device is refused at once, never opened
for a blocking read). A symlinked timeline is written at its target and stays a link; a file
with several hard links is refused, since a rename would split the names. The new version is
written to a temporary file beside the file, synced and renamed over it, and only if the file
on disk is still the one that was read: the same fingerprint as the index cache uses (device,
inode, size, mtime and ctime, and a content hash when the file changed within the clock's
granularity of the read).

Two ways to find what to change (store/locate.py holds the fast one): with a fresh index, the
index says where the events concerned are and that the rest of the file is valid, so only a
window around them is read and parsed, the change alone is checked, and the file is copied
around the change in the kernel (about the cost of `cp`). Without one, the whole text is read,
changed and checked with the strict loader.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from relations_cli.core.errors import WriteError

__all__ = ["Snapshot", "check", "commit", "copy_with_splices", "held", "locked_snapshot",
           "opened_snapshot", "read_snapshot", "read_text"]

_BOM = b"\xef\xbb\xbf"
_GRANULARITY_NS = 2_000_000_000  # as the index cache's (store/cache.GRANULARITY_NS)


@dataclass(frozen=True)
class Snapshot:
    """A timeline file as it was read: where it is written, how it started, its
    fingerprint, and (for whole-text writes) its text without BOM."""

    path: Path  # the path as given (shown in messages)
    real: Path  # where the file is written: a symlink's target
    size: int
    bom: bool
    fingerprint: tuple[int, ...]
    content_hash: str  # "" unless the file changed within the granularity of the read
    mode: int
    uid: int
    gid: int
    fd: int = -1  # the open, locked file (only while the lock is held)
    text: str = ""


def fingerprint_of(info: os.stat_result) -> tuple[int, ...]:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _racy(info: os.stat_result) -> bool:
    return max(info.st_mtime_ns, info.st_ctime_ns) + _GRANULARITY_NS >= time.time_ns()


def _hash_fd(fd: int) -> str:
    import hashlib

    digest = hashlib.blake2b(digest_size=20)
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def _hash_path(path: Path) -> str:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        return _hash_fd(fd)
    finally:
        os.close(fd)


def _error(path: Path, error: OSError) -> WriteError:
    if isinstance(error, FileNotFoundError):
        return WriteError(f"{path}: no such file ('relations new {path}' makes one)")
    if isinstance(error, PermissionError):
        return WriteError(f"{path}: permission denied")
    return WriteError(f"{path}: cannot read: {(error.strerror or str(error)).lower()}")


def _checked(path: Path, info: os.stat_result) -> None:
    """The reading commands' checks, for the file about to be changed."""
    from relations_cli.store.loader import max_bytes

    if stat.S_ISDIR(info.st_mode):
        raise WriteError(f"{path}: is a directory, not a timeline file")
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(f"{path}: is not a regular file (a pipe, device or socket); only a "
                         "timeline file can be written")
    limit = max_bytes()
    if info.st_size > limit:
        raise WriteError(f"{path}: is {info.st_size:,} bytes, over the {limit:,}-byte limit "
                         "(set RELATIONS_MAX_BYTES to raise it)")
    if info.st_nlink > 1:
        raise WriteError(f"{path}: has {info.st_nlink} hard links; a write replaces the file, "
                         "which would split them (the other names would keep the old text); "
                         "nothing written")


def _open_checked(path: Path) -> tuple[int, os.stat_result, Path]:
    """The file, opened for reading without blocking (a FIFO swapped in is refused, not
    waited on), checked, and where it really is."""
    try:
        real = Path(os.path.realpath(path))
        _checked(path, os.stat(real))
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _error(path, error) from None
    try:
        info = os.fstat(fd)
        _checked(path, info)
    except BaseException:
        os.close(fd)
        raise
    return fd, info, real


def _snapshot(path: Path, real: Path, fd: int, info: os.stat_result) -> Snapshot:
    head = os.pread(fd, 3, 0)
    return Snapshot(path, real, info.st_size, head == _BOM, fingerprint_of(info),
                    _hash_fd(fd) if _racy(info) else "", info.st_mode & 0o7777, info.st_uid,
                    info.st_gid, fd)


def read_snapshot(path: Path) -> Snapshot:
    """The file's snapshot with its text, read without a lock (the editor's copy)."""
    fd, info, real = _open_checked(path)
    try:
        snapshot = _snapshot(path, real, fd, info)
        return read_text(snapshot)
    finally:
        os.close(fd)


def read_text(snapshot: Snapshot) -> Snapshot:
    """The snapshot with the whole text read (UTF-8, without its BOM)."""
    chunks = []
    offset = 0
    while chunk := os.pread(snapshot.fd, 1 << 24, offset):
        chunks.append(chunk)
        offset += len(chunk)
    raw = b"".join(chunks)
    try:
        text = raw[3 if snapshot.bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        raise WriteError(f"{snapshot.path}: is not UTF-8 text ('relations validate' says "
                         "where)") from None
    return _replace(snapshot, text=text)


def _replace(snapshot: Snapshot, **changes: object) -> Snapshot:
    import dataclasses

    return dataclasses.replace(snapshot, **changes)  # type: ignore[arg-type]


@contextlib.contextmanager
def opened_snapshot(path: Path) -> Iterator[Snapshot]:
    """The file, opened (not locked) until the block ends; its text is not read."""
    fd, info, real = _open_checked(path)
    try:
        yield _snapshot(path, real, fd, info)
    finally:
        os.close(fd)


@contextlib.contextmanager
def held(snapshot: Snapshot) -> Iterator[bool]:
    """The snapshot's file locked (exclusively) until the block ends, and whether it is still
    the file at the path, unchanged since the snapshot was taken. Another write holds the
    lock while it writes: one that waited for it finds the file replaced."""
    _lock(snapshot.fd)
    yield _same(snapshot)


def _same(snapshot: Snapshot) -> bool:
    try:
        info = os.stat(snapshot.real)
        return fingerprint_of(info) == snapshot.fingerprint and (
            not snapshot.content_hash or _hash_path(snapshot.real) == snapshot.content_hash)
    except OSError:
        return False


@contextlib.contextmanager
def locked_snapshot(path: Path) -> Iterator[Snapshot]:
    """The file, opened and locked (exclusively) until the block ends; its text is not read.

    The lock is on the file itself: a writer that waited for it finds the file renamed over,
    and opens again the one now at the path, so two concurrent writes both land.
    """
    while True:
        fd, info, real = _open_checked(path)
        try:
            _lock(fd)
            try:
                now = os.stat(real)
            except OSError:
                continue
            if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
                continue  # replaced while we waited: take the new one
            yield _snapshot(path, real, fd, os.fstat(fd))
            return
        finally:
            os.close(fd)


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock on this system
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def check(text: str, name: str, first_line: int = 1) -> None:
    """Refuse text the strict loader would refuse, with its first problem. With
    `first_line`, the text is part of the file starting at that line, and the line named is
    the file's."""
    from relations_cli.store.loader import parse_timeline

    _, problems = parse_timeline(text, name)
    if problems:
        problem = problems[0]
        line = problem.line + first_line - 1
        where = f"{name}:{line}:{problem.column}"
        raise WriteError(f"{where}: {problem.message}; refused, nothing written (the line is "
                         "the file's as it would have been written)")


def unchanged(snapshot: Snapshot) -> None:
    """Raise unless the file at the path is still the one that was read."""
    if not _same(snapshot):
        raise WriteError(f"{snapshot.path}: changed on disk since it was read; nothing "
                         "written (run the command again)")


def commit(snapshot: Snapshot, text: str, checked: bool = False) -> None:
    """Install `text` as the file's new content: validated (unless `checked`), atomic, with
    the file's mode and owner, and only if the file is unchanged since the snapshot."""
    if not checked:
        check(text, str(snapshot.path))
    data = (_BOM if snapshot.bom else b"") + text.encode("utf-8")
    _install(snapshot, lambda stream: stream.write(data))


def copy_with_splices(snapshot: Snapshot, splices: Sequence[tuple[int, int, bytes]]) -> None:
    """Install the file with byte ranges replaced (sorted, not overlapping), copying the
    rest from the open file in the kernel where it can."""
    def write(stream: IO[bytes]) -> None:
        stream.flush()
        out = stream.fileno()
        offset = 0
        for start, end, data in splices:
            _copy_range(snapshot.fd, out, offset, start - offset)
            _write_all(out, data)
            offset = end
        _copy_range(snapshot.fd, out, offset, snapshot.size - offset)

    _install(snapshot, write)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _copy_range(source: int, target: int, offset: int, count: int) -> None:
    copy = getattr(os, "copy_file_range", None)
    while count > 0:
        done = 0
        if copy is not None:
            try:
                done = copy(source, target, min(count, 1 << 30), offset)
            except OSError:
                copy = None  # another file system, or not supported: copy by hand
                continue
        else:
            chunk = os.pread(source, min(count, 1 << 22), offset)
            _write_all(target, chunk)
            done = len(chunk)
        if done <= 0:
            raise WriteError("the file got shorter while it was copied; nothing written")
        offset += done
        count -= done


def _install(snapshot: Snapshot, write: object) -> None:
    from relations_cli.store.atomic import replace_atomically, sweep_leftovers

    path = snapshot.path
    sweep_leftovers(snapshot.real.parent, snapshot.real.name)
    try:
        with replace_atomically(snapshot.real, snapshot.mode, binary=True,
                                before_replace=lambda: unchanged(snapshot)) as stream:
            write(stream)  # type: ignore[operator]
            info = os.fstat(stream.fileno())
            if (info.st_uid, info.st_gid) != (snapshot.uid, snapshot.gid):
                try:
                    os.fchown(stream.fileno(), snapshot.uid, snapshot.gid)
                except OSError:
                    raise WriteError(f"{path}: cannot keep its owner and group; nothing "
                                     "written") from None
    except OSError as error:
        from relations_cli.store.atomic import reason

        raise WriteError(f"{path}: cannot write: {reason(error)}; nothing written") from None

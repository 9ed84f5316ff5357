"""Writing results to a file: atomically, never over an existing file unasked, never the input."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from relations_cli.core.errors import OutputError

__all__ = ["atomic_output", "replace_atomically"]


@contextlib.contextmanager
def replace_atomically(target: Path, mode: int, *, binary: bool = False,
                       before_replace: Callable[[], None] | None = None,
                       ) -> Iterator[IO[Any]]:
    """A stream to a temporary file beside `target` that replaces it when the block ends
    without error: the one way this tool installs a file.

    The temporary file is created with SIGINT and SIGTERM held (a stop never falls between
    its creation and our knowing its name), locked while written (so a later run knows it is
    no orphan), given `mode`, synced, checked by `before_replace` and renamed over `target`;
    the folder is synced after. On any error or signal the temporary file is removed and the
    exception goes on: OSErrors as they are, for the caller to name.
    """
    from relations_cli.store.cache import signals_deferred

    directory = target.parent if str(target.parent) else Path(".")
    deferred = signals_deferred()
    deferred.__enter__()  # a stop lands before the file exists or inside the try below
    try:
        fd, temporary = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp",
                                         dir=directory)
    except BaseException:
        deferred.__exit__(None, None, None)
        raise
    holder = -1
    try:
        _hold(fd)
        # The lock lives as long as one descriptor of the file is open: this one keeps it
        # until the rename, after the stream is closed.
        holder = os.dup(fd)
        deferred.__exit__(None, None, None)
        os.fchmod(fd, mode)
        stream: IO[Any] = (os.fdopen(fd, "wb") if binary
                           else os.fdopen(fd, "w", encoding="utf-8", newline=""))
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if before_replace is not None:
            before_replace()
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    finally:
        if holder >= 0:
            os.close(holder)
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(path: str, force: bool, protected: Iterable[Path] = ()) -> Iterator[IO[str]]:
    """A text stream whose content replaces `path` only when the block ends without error;
    never one of the `protected` files (the timelines being read)."""
    target = Path(path)
    if any(_same_file(target, timeline) for timeline in protected):
        raise OutputError(f"{path}: refusing to overwrite the timeline being read")
    _check_target(path, target, force)
    directory = target.parent if str(target.parent) else Path(".")
    _sweep(directory, target.name)
    try:
        with replace_atomically(target, _final_mode(target), before_replace=lambda:
                                _check_target(path, target, force=True)) as stream:
            # (the check: nothing odd took the path's place meanwhile)
            yield stream
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            raise
        raise OutputError(f"{path}: {_what_failed(error)}") from None


def _hold(fd: int) -> None:
    """Lock our temporary file while it is written: a later run then knows it is not an
    orphan (the lock goes with the process, even on SIGKILL)."""
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        pass


# A temporary name is the prefix, 8 random characters and `.tmp`: the prefix leaves room for
# them within NAME_MAX (255 bytes on every file system we know).
_NAME_MAX = 255
_RANDOM_AND_SUFFIX = 8 + len(".tmp")


def temp_prefix(name: str) -> str:
    """The prefix of the temporary files that replace the file `name`: `.NAME.`, or for a
    name too long to take it whole, its start and a checksum of the rest (`.NAM~1a2b3c4d.`)."""
    raw = os.fsencode(name)
    if len(raw) + 2 + _RANDOM_AND_SUFFIX <= _NAME_MAX:
        return f".{name}."
    import zlib

    room = _NAME_MAX - _RANDOM_AND_SUFFIX - 2 - 9
    head = raw[:room]
    while head and (head[-1] & 0xC0) == 0x80:  # never cut inside a UTF-8 character
        head = head[:-1]
    if head and head[-1] >= 0xC0:
        head = head[:-1]
    return f".{os.fsdecode(head)}~{zlib.crc32(raw):08x}."


def leftovers(directory: Path, name: str) -> list[Path]:
    """The temporary files a killed writer of the file `name` left: those nobody holds (a
    writer locks its own until it renames it)."""
    try:
        import fcntl
    except ImportError:
        return []
    found = []
    with contextlib.suppress(OSError):
        for leftover in sorted(directory.glob(f"{glob_escape(temp_prefix(name))}*.tmp")):
            if len(leftover.name) != len(temp_prefix(name)) + _RANDOM_AND_SUFFIX:
                continue
            with contextlib.suppress(OSError):
                fd = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                try:
                    if not stat.S_ISREG(os.fstat(fd).st_mode):
                        continue
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    found.append(leftover)
                finally:
                    os.close(fd)
    return found


def sweep_leftovers(directory: Path, name: str) -> int:
    """Remove the leftovers of killed writers of the file `name`; how many went."""
    removed = 0
    for leftover in leftovers(directory, name):
        with contextlib.suppress(OSError):
            os.unlink(leftover)
            removed += 1
    return removed


def _sweep(directory: Path, name: str) -> None:
    sweep_leftovers(directory, name)


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)


def reason(error: OSError) -> str:
    """What went wrong, in words (lower case, for after a colon)."""
    return _reason(error)


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "no space left on device"
    return (error.strerror or str(error)).lower()


def _what_failed(error: OSError) -> str:
    reason = _reason(error)
    return reason if error.errno == errno.ENOSPC else f"cannot write: {reason}"


def _check_target(path: str, target: Path, force: bool) -> None:
    """Only a missing path or a regular file may be replaced; a symlink is never followed."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {_reason(error)}") from None
    if stat.S_ISLNK(info.st_mode):
        try:
            pointed = os.stat(target)
        except OSError:
            if not force:
                raise OutputError(f"{path}: is a dangling symbolic link (add --force to "
                                  "replace the link itself)") from None
            return  # --force replaces the link itself, never what it might point to
        mode = pointed.st_mode
    else:
        mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise OutputError(f"{path}: is a directory")
    if not stat.S_ISREG(mode):
        raise OutputError(f"{path}: is not a regular file (a device, pipe or socket); "
                          "refusing to write it, even with --force")
    if not force:
        raise OutputError(f"{path}: already exists (add --force to overwrite it)")


def _final_mode(target: Path) -> int:
    """An overwritten file keeps its mode; a new one gets the usual 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()

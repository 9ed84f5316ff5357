"""Writing results to a file: atomically, never over an existing file unasked, never the input."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from relations_cli.core.errors import OutputError

__all__ = ["atomic_output"]


@contextlib.contextmanager
def atomic_output(path: str, force: bool, protected: Path | None) -> Iterator[IO[str]]:
    """A text stream whose content replaces `path` only when the block ends without error."""
    target = Path(path)
    if protected is not None and _same_file(target, protected):
        raise OutputError(f"{path}: refusing to overwrite the timeline being read")
    _check_target(path, target, force)
    directory = target.parent if str(target.parent) else Path(".")
    _sweep(directory, target.name)
    from relations_cli.store.cache import signals_deferred

    deferred = signals_deferred()
    deferred.__enter__()  # a stop lands before the file exists or inside the try below
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=directory)
    except OSError as error:
        deferred.__exit__(None, None, None)
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        _hold(fd)
        deferred.__exit__(None, None, None)
        os.chmod(temporary, _final_mode(target))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _check_target(path, target, force=True)  # nothing odd took its place meanwhile
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
            raise OutputError(f"{path}: {_reason(error)}") from None
        raise


def _hold(fd: int) -> None:
    """Lock our temporary file while it is written: a later run then knows it is not an
    orphan (the lock goes with the process, even on SIGKILL)."""
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        pass


def _sweep(directory: Path, name: str) -> None:
    """Remove `.NAME.*.tmp` files a killed writer of the same file left: those nobody holds."""
    try:
        import fcntl
    except ImportError:
        return
    with contextlib.suppress(OSError):
        for leftover in directory.glob(f".{glob_escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                fd = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    if stat.S_ISREG(os.fstat(fd).st_mode):
                        os.unlink(leftover)
                finally:
                    os.close(fd)


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "no space left on device"
    return (error.strerror or str(error)).lower()


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

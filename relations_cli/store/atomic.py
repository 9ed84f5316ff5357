"""Writing results to a file: atomically, never over an existing file unasked, never the input."""

from __future__ import annotations

import contextlib
import os
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
    if target.is_dir():
        raise OutputError(f"{path}: is a directory")
    if target.exists() and not force:
        raise OutputError(f"{path}: already exists (add --force to overwrite it)")
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        os.chmod(temporary, _final_mode(target))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


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

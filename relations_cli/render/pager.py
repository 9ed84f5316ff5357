"""Paging a long result on a terminal, as git does.

The pager is `$RELATIONS_PAGER`, else `$PAGER`, else `less` (with `LESS=FRX` unless LESS is
set); an empty value or `cat` means none. A value with spaces or other characters special to
the shell runs through `sh -c`, as git runs it, so `less -R` and `sed s/x/y/ | less` work.
What is written is held until it is longer than the screen; only then does the pager start,
so a short result prints as it would without one. A pager that cannot start, or fails,
leaves the result printed plainly.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
from typing import IO

__all__ = ["Pager", "pager_command"]

# git's rule (run-command.c): a command holding any of these goes to the shell.
_FOR_THE_SHELL = frozenset("|&;<>()$`\\\"' \t\n*?[#~=%")


def pager_command() -> list[str] | None:
    """The pager to run, as an argument list; None for none (or one that cannot be found)."""
    for name in ("RELATIONS_PAGER", "PAGER"):
        if name in os.environ:
            text = os.environ[name].strip()
            break
    else:
        text = "less"
    if not text or text.split() == ["cat"]:
        return None
    if _FOR_THE_SHELL.intersection(text):
        shell = shutil.which("sh")
        return [shell, "-c", text] if shell else None
    found = shutil.which(text)
    return [found] if found else None


class Pager(io.TextIOBase):
    """A text stream in front of `stream` (a terminal) that starts the pager once what was
    written runs past `lines` lines."""

    def __init__(self, stream: IO[str], lines: int) -> None:
        super().__init__()
        self._stream = stream
        self._lines = max(1, lines)
        self._held: list[str] = []
        self._newlines = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._broken = False  # the pager stopped reading (its user quit it)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        self._held.append(text)
        if self._process is None:
            self._newlines += text.count("\n")
            if self._newlines >= self._lines:
                self._start()
        elif not self._broken:
            self._send(text)
        return len(text)

    def flush(self) -> None:
        if self._process is not None and self._process.stdin and not self._broken:
            try:
                self._process.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                self._broken = True

    def _start(self) -> None:
        command = pager_command()
        if command is None:
            self._lines = 1 << 62  # no pager: print at the end, plainly
            return
        env = dict(os.environ)
        env.setdefault("LESS", "FRX")
        env.setdefault("LV", "-c")
        try:
            self._stream.flush()
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
        except OSError:
            self._lines = 1 << 62
            return
        self._send("".join(self._held))

    def _send(self, text: str) -> None:
        assert self._process is not None
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(text.encode(self.encoding, "backslashreplace"))
        except (BrokenPipeError, OSError, ValueError):
            self._broken = True

    def finish(self) -> None:
        """Close the pager and wait for its user to quit it; without a pager (or after one
        failed), print what was written."""
        process = self._process
        if process is not None:
            with contextlib.suppress(BrokenPipeError, OSError, ValueError):
                if process.stdin is not None:
                    process.stdin.close()
            while True:
                try:
                    status = process.wait()
                    break
                except KeyboardInterrupt:  # Ctrl-C belongs to the pager while it runs
                    continue
            if status == 0:
                return
        self._stream.write("".join(self._held))
        self._stream.flush()

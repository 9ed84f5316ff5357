"""The error family and the named exit codes: one place for everything that can go wrong."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

__all__ = [
    "DateError",
    "ErasError",
    "ExitStatus",
    "IngestError",
    "Interrupted",
    "MissingExtra",
    "NotFoundError",
    "OutputError",
    "Problem",
    "QueryError",
    "RelationsError",
    "ServeError",
    "TimelineError",
    "WriteError",
    "located",
]


class ExitStatus(IntEnum):
    """Exit codes, as documented in the README."""

    OK = 0
    NO_MATCH = 1
    ERROR = 2
    INTERRUPTED = 130
    TERMINATED = 143


class Interrupted(KeyboardInterrupt):
    """A signal asked the run to stop (SIGTERM, SIGHUP): clean up as for Ctrl-C, then exit
    128 + the signal's number."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.exit_status = 128 + signal_number


class Problem(NamedTuple):
    """One thing wrong with a timeline file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return located(self.path, self.line, self.column, self.message)


def located(path: str, line: int, column: int, message: str) -> str:
    """A message about a place in a file, as compilers write it: `FILE:LINE:COL: message`
    (problems and lint warnings alike)."""
    return f"{path}:{line}:{column}: {message}"


class RelationsError(Exception):
    """Base of every error the tool reports as one line and exit status 2."""

    exit_status = ExitStatus.ERROR


class TimelineError(RelationsError):
    """The timeline file is missing, unreadable or invalid."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("a TimelineError needs at least one problem")
        self.problems = problems
        super().__init__(str(problems[0]))


class QueryError(RelationsError):
    """A filter or argument value cannot be understood."""


class NotFoundError(QueryError):
    """A name, id or value asked for is not in the timeline: "nothing matched" (exit 1)."""

    exit_status = ExitStatus.NO_MATCH


class DateError(QueryError):
    """A date, in a timeline or a filter, cannot be read."""


class OutputError(RelationsError):
    """The output file cannot or must not be written."""


class WriteError(RelationsError):
    """A timeline file cannot or must not be changed."""


class IngestError(RelationsError):
    """A source given to `import` cannot be read as a whole (its format, encoding or bytes)."""


class MissingExtra(RelationsError):
    """An optional part of the tool is not installed (the message says what to install)."""


class ServeError(RelationsError):
    """The preview server cannot listen where it was asked to (a port in use, say)."""


class ErasError(RelationsError):
    """The file given to --eras is missing, unreadable or invalid."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        more = len(problems) - 1
        super().__init__(str(problems[0]) + (
            f" (and {more} more {'problem' if more == 1 else 'problems'})" if more else ""))

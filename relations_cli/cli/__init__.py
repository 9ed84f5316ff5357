"""The command line: the app and its boundary (app), shared options (options), and one
module per command family: reading (read), summaries and pictures (reports), the cache."""

# No `from __future__ import annotations`: see app.py.

import copy
import os
import sys
from collections.abc import Sequence
from typing import Any

import typer

# Each family registers its commands on the app; the order here is the order of the help.
from relations_cli.cli import read  # noqa: F401  # isort: skip
from relations_cli.cli import reports  # noqa: F401  # isort: skip
from relations_cli.cli import cache  # noqa: F401  # isort: skip
from relations_cli.cli import write  # noqa: F401  # isort: skip
from relations_cli.cli import browse  # noqa: F401  # isort: skip
from relations_cli.cli.app import app

__all__ = ["app", "main"]


def _utf8_argument(argument: str) -> str:
    try:
        return os.fsencode(argument).decode("utf-8")
    except (UnicodeError, ValueError):
        return argument


def main() -> None:
    """The console script's entry point."""
    from relations_cli.cli.app import as_the_whole_process

    _prepare_streams()
    as_the_whole_process()
    _app_for(sys.argv[1:])()


def _app_for(argv: Sequence[str]) -> typer.Typer:
    """The app with only the command asked for: Typer builds a parser for every command it
    holds on each run, a few milliseconds each, and a run needs one. Help without a command,
    completion and unknown names get the whole app."""
    name = _command_in(argv)
    if name is None or any(key.startswith("_RELATIONS_COMPLETE") for key in os.environ):
        return app
    chosen = [info for info in app.registered_commands if _command_name(info) == name]
    if not chosen:
        return app
    lean = copy.copy(app)
    lean.registered_commands = chosen
    return lean


def _command_in(argv: Sequence[str]) -> str | None:
    """The first argument that is neither an option nor a global option's value."""
    from relations_cli.cli.app import GLOBAL_VALUE_OPTIONS

    arguments = iter(argv)
    for arg in arguments:
        if arg in GLOBAL_VALUE_OPTIONS:
            next(arguments, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__.lower().replace("_", "-"))


def _prepare_streams() -> None:
    # In a non-UTF-8 locale, arguments arrive as undecodable bytes: read them as UTF-8, the
    # encoding of the timeline they are matched against.
    if sys.getfilesystemencoding().lower().replace("-", "") != "utf8":
        sys.argv[1:] = [_utf8_argument(arg) for arg in sys.argv[1:]]
    # Output to such a locale turns names in Chinese or Russian into escapes, never a crash.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")

"""The command line: the app and its boundary (app), shared options (options), and one
module per command family: reading (read), summaries and pictures (reports), the cache,
writing (write), browsing (browse) and the live preview (serve).

A run imports only the family of the command it was asked for (`_FAMILY_OF`): importing
every family costs more than the run itself. `app` (the whole app, for tests and help) is
made on first use.
"""

import copy
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer

# Loaded now, and its name taken back from the package: `app` here means the whole app
# (`__getattr__` below), never the module of the same name.
import relations_cli.cli.app as _app_module  # isort: skip

del globals()["app"]
if TYPE_CHECKING:
    app: typer.Typer = _app_module.app

__all__ = ["app", "main"]

# The families in the order of the help; each registers its commands on the app when imported.
FAMILIES = ("read", "reports", "cache", "write", "importing", "browse", "serve")
# Which family defines each command (a test checks it against the whole app).
_FAMILY_OF = {
    "timeline": "read", "search": "read", "show": "read", "validate": "read",
    "summary": "reports", "chart": "reports", "people": "reports", "quotes": "reports",
    "figures": "reports", "on-this-day": "reports", "values": "reports",
    "cache": "cache",
    "add": "write", "remove": "write", "edit": "write", "new": "write", "schema": "write",
    "person": "write",
    "import": "importing",
    "browse": "browse",
    "serve": "serve",
}


def _families(names: Sequence[str]) -> typer.Typer:
    """The app once the named families have registered their commands."""
    for family in names:
        importlib.import_module(f"relations_cli.cli.{family}")
    return _app_module.app


def __getattr__(name: str) -> Any:
    # `from relations_cli.cli import app`: the whole app, every family registered.
    if name == "app":
        return _whole()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def _whole() -> typer.Typer:
    from relations_cli.cli.options import prepare_options

    return prepare_options(_families(FAMILIES))


def _app_for(argv: Sequence[str]) -> typer.Typer:
    """The app with only the command asked for: its family alone is imported, and Typer
    builds a parser for that one command (it builds one for every command it holds, a few
    milliseconds each). Help without a command, completion and unknown names get the whole
    app."""
    name = _command_in(argv)
    family = _FAMILY_OF.get(name or "")
    if family is None or any(key.startswith("_RELATIONS_COMPLETE") for key in os.environ):
        return _whole()
    whole = _families((family,))
    chosen = [info for info in whole.registered_commands if _command_name(info) == name]
    groups = [info for info in whole.registered_groups if info.name == name]
    if not chosen and not groups:
        return _whole()
    lean = copy.copy(whole)
    lean.registered_commands = chosen
    lean.registered_groups = groups
    from relations_cli.cli.options import prepare_options

    return prepare_options(lean)


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

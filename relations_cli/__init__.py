"""relations: explore a YAML timeline of dated events from the shell.

The library API needs neither Typer nor Rich::

    from relations_cli import load_timeline, Query, select
    timeline = load_timeline("data/events.yaml")
    for event in select(timeline, Query(terms=("Kerry",))):
        print(event.date.text, event.title)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from relations_cli._version import __version__

# The public names, loaded on first use: the command line imports only what a command needs.
_PUBLIC = {
    "Event": "relations_cli.core.model",
    "Period": "relations_cli.core.model",
    "Person": "relations_cli.core.model",
    "Precision": "relations_cli.core.model",
    "Timeline": "relations_cli.core.model",
    "Problem": "relations_cli.core.errors",
    "QueryError": "relations_cli.core.errors",
    "RelationsError": "relations_cli.core.errors",
    "TimelineError": "relations_cli.core.errors",
    "load_timeline": "relations_cli.store.loader",
    "validate_file": "relations_cli.store.loader",
    "Query": "relations_cli.core.query",
    "select": "relations_cli.core.engine",
}

__all__ = [
    "Event",
    "Period",
    "Person",
    "Precision",
    "Problem",
    "Query",
    "QueryError",
    "RelationsError",
    "Timeline",
    "TimelineError",
    "__version__",
    "load_timeline",
    "select",
    "validate_file",
]

if TYPE_CHECKING:
    from relations_cli.core.engine import select as select
    from relations_cli.core.errors import Problem as Problem
    from relations_cli.core.errors import QueryError as QueryError
    from relations_cli.core.errors import RelationsError as RelationsError
    from relations_cli.core.errors import TimelineError as TimelineError
    from relations_cli.core.model import Event as Event
    from relations_cli.core.model import Period as Period
    from relations_cli.core.model import Person as Person
    from relations_cli.core.model import Precision as Precision
    from relations_cli.core.model import Timeline as Timeline
    from relations_cli.core.query import Query as Query
    from relations_cli.store.loader import load_timeline as load_timeline
    from relations_cli.store.loader import validate_file as validate_file


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'relations_cli' has no attribute {name!r}")

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

__version__ = "0.1.0"

# The public names, loaded on first use: the command line imports only what a command needs.
_PUBLIC = {
    "Event": "relations_cli.model",
    "Period": "relations_cli.model",
    "Person": "relations_cli.model",
    "Precision": "relations_cli.model",
    "Timeline": "relations_cli.model",
    "Problem": "relations_cli.errors",
    "QueryError": "relations_cli.errors",
    "RelationsError": "relations_cli.errors",
    "TimelineError": "relations_cli.errors",
    "load_timeline": "relations_cli.loader",
    "validate_file": "relations_cli.loader",
    "Query": "relations_cli.query",
    "select": "relations_cli.query",
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
    from relations_cli.errors import Problem as Problem
    from relations_cli.errors import QueryError as QueryError
    from relations_cli.errors import RelationsError as RelationsError
    from relations_cli.errors import TimelineError as TimelineError
    from relations_cli.loader import load_timeline as load_timeline
    from relations_cli.loader import validate_file as validate_file
    from relations_cli.model import Event as Event
    from relations_cli.model import Period as Period
    from relations_cli.model import Person as Person
    from relations_cli.model import Precision as Precision
    from relations_cli.model import Timeline as Timeline
    from relations_cli.query import Query as Query
    from relations_cli.query import select as select


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'relations_cli' has no attribute {name!r}")

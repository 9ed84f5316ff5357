"""relations: explore a YAML timeline of dated events from the shell.

The library API needs neither Typer nor Rich::

    from relations_cli import load_timeline, Query, select
    timeline = load_timeline("data/events.yaml")
    for event in select(timeline, Query(terms=("Kerry",))):
        print(event.date.text, event.title)
"""

from __future__ import annotations

__version__ = "0.1.0"

from relations_cli.errors import Problem, QueryError, RelationsError, TimelineError
from relations_cli.loader import load_timeline, validate_file
from relations_cli.model import Event, Period, Person, Precision, Timeline
from relations_cli.query import Query, select

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

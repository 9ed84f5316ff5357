"""The columns an event has in tabular output, defined once (--fields picks among them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from relations_cli.core.errors import QueryError
from relations_cli.core.model import Event
from relations_cli.core.text import did_you_mean

__all__ = ["CSV_COLUMNS", "EVENT_FIELDS", "JSON_EVENT_KEYS", "LIST_SEPARATOR", "pick_fields"]

LIST_SEPARATOR = "; "

EVENT_FIELDS: dict[str, Callable[[Event], str]] = {
    "id": lambda e: e.id,
    "date": lambda e: e.date.text,
    "end": lambda e: e.end.text if e.end else "",
    "when": lambda e: e.when,
    "title": lambda e: e.title,
    "category": lambda e: e.category,
    "place": lambda e: e.place,
    "actors": lambda e: LIST_SEPARATOR.join(e.actors),
    "people": lambda e: LIST_SEPARATOR.join(e.people),
    "tags": lambda e: LIST_SEPARATOR.join(e.tags),
    "summary": lambda e: e.summary,
    "date_note": lambda e: e.date_note,
    "sources": lambda e: LIST_SEPARATOR.join(s.title for s in e.sources),
}

JSON_EVENT_KEYS = (
    "id", "date", "end", "title", "summary", "category", "actors", "people", "place", "tags",
    "quotes", "figures", "sources", "date_note",
)  # fmt: skip
CSV_COLUMNS = (
    "id", "date", "end", "title", "category", "place", "actors", "people", "tags", "summary",
    "date_note", "sources",
)  # fmt: skip
MARKDOWN_COLUMNS = ("when", "id", "title", "category", "place", "summary")


def pick_fields(fields: Sequence[str] | None, default: Sequence[str]) -> tuple[str, ...]:
    """The event columns to write: --fields in its order, else the format's own."""
    if not fields:
        return tuple(default)
    for name in fields:
        if name not in EVENT_FIELDS:
            raise QueryError(f"--fields: no field '{name}'"
                             + did_you_mean(name, EVENT_FIELDS,
                                            "fields: " + ", ".join(EVENT_FIELDS)))
    return tuple(fields)


def event_row(event: Event, fields: Sequence[str]) -> list[str]:
    return [EVENT_FIELDS[name](event) for name in fields]

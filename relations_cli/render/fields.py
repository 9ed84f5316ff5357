"""The columns an event has in tabular output, defined once (--fields picks among them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from relations_cli.core.errors import QueryError
from relations_cli.core.model import Event
from relations_cli.core.text import did_you_mean

__all__ = ["CSV_COLUMNS", "EVENT_FIELDS", "JSON_EVENT_KEYS", "LIST_SEPARATOR", "json_cell",
           "pick_fields", "sources_cell"]

LIST_SEPARATOR = "; "


def json_cell(value: object) -> str:
    """Quotes, figures or media in one CSV/TSV cell, as JSON without empty keys; "" for none
    (the layout `import` reads back: README, "Importing")."""
    import json

    def kept(item: object) -> object:
        if isinstance(item, dict):
            return {key: text for key, text in item.items() if text}
        return [kept(part) for part in item] if isinstance(item, list) else item

    return json.dumps(kept(value), ensure_ascii=False) if value else ""


def sources_cell(sources: list[dict[str, str]]) -> str:
    """The sources' titles joined by `; ` when that is all they have (as before), else all of
    each source as JSON, so that no URL, publisher or date is lost."""
    if all(not (s["url"] or s["publisher"] or s["date"]) and "; " not in s["title"]
           and not s["title"].startswith(("[", "{")) for s in sources):
        return LIST_SEPARATOR.join(s["title"] for s in sources)
    return json_cell(sources)


def _records(items: tuple[tuple[str, ...], ...], keys: tuple[str, ...]) -> list[dict[str, str]]:
    return [dict(zip(keys, item, strict=True)) for item in items]

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
    "sources": lambda e: sources_cell(_records(e.sources, ("title", "url", "publisher",
                                                             "date"))),
    "quotes": lambda e: json_cell(_records(e.quotes, ("by", "text"))),
    "figures": lambda e: json_cell(_records(e.figures, ("label", "value", "unit", "change"))),
    "media": lambda e: json_cell(e.media._asdict()) if e.media else "",
}

JSON_EVENT_KEYS = (
    "id", "date", "end", "title", "summary", "category", "actors", "people", "place", "tags",
    "quotes", "figures", "sources", "date_note", "media",
)  # fmt: skip
CSV_COLUMNS = (
    "id", "date", "end", "title", "category", "place", "actors", "people", "tags", "summary",
    "date_note", "sources", "quotes", "figures", "media",
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

"""Events as plain records (the JSON contract) and back: for output and for the index."""

from __future__ import annotations

from typing import Any

from relations_cli.core.dates import cached_event_date, unknown_end
from relations_cli.core.model import Event, Figure, Media, Quote, Source

__all__ = ["OBJECTS", "OBJECT_OR_NULL", "RECORD_SHAPE", "TEXT", "TEXTS", "TEXT_OR_NULL",
           "event_from_record", "event_record"]

# The kinds of value a stored record holds.
TEXT, TEXT_OR_NULL, TEXTS, OBJECTS = "text", "text or null", "texts", "objects"
OBJECT_OR_NULL = "object or null"

# The record's shape: every key event_record writes, in its order, with the kind of its
# value (keys written only sometimes, like "file", come after these). The index stores each
# record as this JSON text, and the readers that find fields in that text without parsing it
# (render/delimited.record_pattern) are generated from this table; tests/test_fastpath.py
# holds event_record to it, so a key added there and not here fails a test.
RECORD_SHAPE: dict[str, str] = {
    "id": TEXT,
    "date": TEXT,
    "end": TEXT_OR_NULL,
    "title": TEXT,
    "summary": TEXT,
    "category": TEXT,
    "actors": TEXTS,
    "people": TEXTS,
    "place": TEXT,
    "tags": TEXTS,
    "quotes": OBJECTS,
    "figures": OBJECTS,
    "sources": OBJECTS,
    "date_note": TEXT,
    "media": OBJECT_OR_NULL,
}


def event_record(event: Event) -> dict[str, Any]:
    """The JSON contract for an event: every key always present, dates as written (an end
    "" is unknown, as in `2015-09/`; ".." open; null none), media null when there is none;
    "file"
    as well when several timelines are read together."""
    record = {
        "id": event.id,
        "date": event.date.text,
        "end": event.end.text if event.end else None,
        "title": event.title,
        "summary": event.summary,
        "category": event.category,
        "actors": list(event.actors),
        "people": list(event.people),
        "place": event.place,
        "tags": list(event.tags),
        "quotes": [{"by": q.by, "text": q.text} for q in event.quotes],
        "figures": [
            {"label": f.label, "value": f.value, "unit": f.unit, "change": f.change}
            for f in event.figures
        ],
        "sources": [
            {"title": s.title, "url": s.url, "publisher": s.publisher, "date": s.date}
            for s in event.sources
        ],
        "date_note": event.date_note,
        "media": {"url": event.media.url, "credit": event.media.credit,
                  "caption": event.media.caption} if event.media else None,
    }
    if event.file:
        record["file"] = event.file
    return record


def event_from_record(record: dict[str, Any], line: int = 0) -> Event:
    """The event a record describes (records come from event_record, already validated)."""
    date = cached_event_date(record["date"])
    end = record["end"]
    return Event(
        id=record["id"],
        date=date,
        # "" is an unknown end (`2015-09/`), None no end at all.
        end=None if end is None else unknown_end(date) if end == "" else cached_event_date(end),
        title=record["title"],
        summary=record["summary"],
        category=record["category"],
        actors=tuple(record["actors"]),
        people=tuple(record["people"]),
        place=record["place"],
        tags=tuple(record["tags"]),
        quotes=tuple(Quote(q["by"], q["text"]) for q in record["quotes"]),
        figures=tuple(Figure(f["label"], f["value"], f["unit"], f["change"])
                      for f in record["figures"]),
        sources=tuple(Source(s["title"], s["url"], s["publisher"], s["date"])
                      for s in record["sources"]),
        date_note=record["date_note"],
        line=line,
        # .get: a record stored by an index built before media existed has no such key.
        media=Media(media["url"], media["credit"], media["caption"])
        if (media := record.get("media")) else None,
    )

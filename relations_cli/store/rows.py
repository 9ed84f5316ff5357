"""Rows of the index: events turned into typed batches of table rows, and written in SQL.

The one interface between whoever reads a timeline (this process, or a reading child of a
two-process build) and the database: a reader makes `RowBatch`es with a `RowBatcher`; the
builder writes each with `write_batch`. Batches are plain data, so they cross a pipe.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from relations_cli.core.model import Event, Precision
from relations_cli.core.records import event_record
from relations_cli.core.text import own_search_text, words

__all__ = ["BATCH_SIZE", "PRECISIONS", "RowBatch", "RowBatcher", "padded", "write_batch"]

# Appended to, never reordered: the index stores a precision as its place here.
PRECISIONS = (Precision.YEAR, Precision.MONTH, Precision.DAY, Precision.SEASON, Precision.DECADE,
              Precision.CENTURY)
BATCH_SIZE = 2000

# One encoder for every record: json.dumps with options would build one for each call. The
# text is exactly what `json.dumps(record, ensure_ascii=False)` writes, so a JSON or JSON
# Lines listing streams it as stored (render/jsonfmt.jsonl_records).
_RECORD_JSON = json.JSONEncoder(ensure_ascii=False)


@lru_cache(maxsize=65536)
def padded(text: str) -> str:
    """A name's words between spaces, so `instr` finds whole words (names repeat: cached)."""
    return " " + " ".join(words(text)) + " "


@dataclass
class RowBatch:
    """The rows of some events, one list per table."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    actors: list[tuple[int, str]] = field(default_factory=list)
    named: list[tuple[int, str, str]] = field(default_factory=list)
    bodies: list[tuple[int, str]] = field(default_factory=list)
    # The report tables (report_rows): who each event names, its quotes and its figures.
    mentions: list[tuple[Any, ...]] = field(default_factory=list)
    quotes: list[tuple[Any, ...]] = field(default_factory=list)
    figures: list[tuple[Any, ...]] = field(default_factory=list)
    ends: list[tuple[int, int | None]] = field(default_factory=list)


class RowBatcher:
    """Turns events, one at a time from the streaming loader, into batches handed to `send`.

    Row numbers start after `first_n`; `line_delta` is added to every line (a reader of the
    second half of a file sees its lines counted from its own start)."""

    def __init__(self, send: Callable[[RowBatch], None], first_n: int = 0,
                 line_delta: int = 0) -> None:
        self.send = send
        self.count = 0
        self.first_n = first_n
        self.line_delta = line_delta
        self.batch = RowBatch()

    def add(self, event: Event) -> None:
        self.count += 1
        n = self.first_n + self.count
        first = event.first_day
        batch = self.batch
        batch.events.append((
            n, event.id, first.toordinal(), event.last_day.toordinal(),
            event.line + self.line_delta, first.year, first.month,
            PRECISIONS.index(event.date.precision), event.category, event.category.casefold(),
            padded(event.place),
            _RECORD_JSON.encode(event_record(event)),
        ))
        batch.tags.extend((n, tag.casefold()) for tag in event.tags)
        batch.actors.extend((n, padded(actor)) for actor in event.actors)
        batch.named.extend((n, name.casefold(), padded(name)) for name in event.named_people)
        batch.bodies.append((n, own_search_text(event)))
        report_rows(batch, n, event, self.line_delta)
        if len(batch.events) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.batch.events:
            batch, self.batch = self.batch, RowBatch()
            self.send(batch)


def write_batch(db: sqlite3.Connection, batch: RowBatch) -> None:
    db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch.events)
    db.executemany("INSERT INTO tags VALUES (?,?)", batch.tags)
    db.executemany("INSERT INTO actors VALUES (?,?)", batch.actors)
    db.executemany("INSERT INTO named VALUES (?,?,?)", batch.named)
    db.executemany("INSERT INTO search(rowid, body) VALUES (?,?)", batch.bodies)
    write_report_rows(db, batch)


# -- the report tables ----------------------------------------------------------------------------
# What people, quotes and figures report, as rows, so that they are answered in SQL without
# reading every event's record (store/aggregates). Names and texts exactly as written.


def report_rows(batch: RowBatch, n: int, event: Event, line_delta: int = 0) -> None:
    """An event's rows of the report tables: each name it gives (with how many times, and
    how many of its quotes that name said), each quote and each figure in order, and the
    last day a chart draws of an event with an end."""
    times: dict[str, int] = {}
    for name in event.named_people:
        times[name] = times.get(name, 0) + 1
    said: dict[str, int] = {}
    for quote in event.quotes:
        said[quote.by] = said.get(quote.by, 0) + 1
    first = event.first_day.toordinal()
    if event.end is not None:
        drawn, last = event.drawn_last_day.toordinal(), event.last_day.toordinal()
        batch.ends.append((n, drawn if drawn != last else None))
    batch.mentions.extend((name, n, first, count, said.get(name, 0))
                          for name, count in times.items())
    if event.quotes or event.figures:
        # Each row carries what it is listed with and by, so a listing reads this table alone.
        at = (n, first, event.last_day.toordinal(), event.line + line_delta, event.id,
              event.when)
        batch.quotes.extend((*at, position, quote.by, quote.text)
                            for position, quote in enumerate(event.quotes))
        batch.figures.extend((*at, position, f.label, f.value, f.unit, f.change)
                             for position, f in enumerate(event.figures))


def write_report_rows(db: sqlite3.Connection, batch: RowBatch) -> None:
    db.executemany("INSERT INTO mentions VALUES (?,?,?,?,?)", batch.mentions)
    db.executemany("INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?)", batch.quotes)
    db.executemany("INSERT INTO figures VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch.figures)
    db.executemany("INSERT INTO ends VALUES (?,?)", batch.ends)

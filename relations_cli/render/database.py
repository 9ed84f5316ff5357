"""`--format sqlite`: the events as a SQLite database, for the data tools people already have
(Datasette, sqlite-utils, DuckDB, any SQL shell).

One row an event, and one table for each list an event holds (actors, tags, the people it
names, quotes, figures, sources), each row keyed by its event's id and its place in the list;
people once each, with their aliases, as the registry resolves them (an alias is its person;
a name the registry does not know is a person of its own, as `relations people` counts it).
Dates stay as written, beside the first and last day they cover as ISO text and as Julian day
numbers (SQLite's `date()` reads those back; they order across the era boundary, which ISO
text before the common era does not).

A list of the event is one entry of EVENT_LISTS: its table's columns and the values an event
gives them; the table, its index and its rows follow. sqlite3 is in the standard library;
the file is built in a temporary folder and streamed out, so `--output` installs it
atomically like any other format.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from relations_cli.core.model import Event, Period, Person, Timeline
from relations_cli.core.people import People, people_of
from relations_cli.render.detail import EventView
from relations_cli.render.renderers import Binary, Look

__all__ = ["EVENT_LISTS", "SCHEMA_VERSION", "SQLITE", "EventList", "schema", "write_database"]

# PRAGMA user_version of the file: raised when a table or column changes meaning or goes.
SCHEMA_VERSION = 1

# A Day (0001-01-01 is 1) plus this is its Julian day number (0001-01-01 is 1,721,426): the
# count astronomers and SQLite use, whose `date()` turns it back into the day.
_JULIAN_OFFSET = 1_721_425

Value = str | int | float | None


class Registry(NamedTuple):
    """Who the people of the file are: the registry, and each name's row in `people`."""

    people: People
    ids: dict[str, int]  # a canonical name (or an unregistered name as written) -> people.id

    def person_id(self, name: str) -> int | None:
        if not name:
            return None
        return self.ids.get(self.people.canonical(name))


class EventList(NamedTuple):
    """A list an event holds, as a table: one row a value, after `event_id` and `position`."""

    table: str
    columns: tuple[str, ...]  # column definitions: "name TYPE [constraints]"
    rows: Callable[[Event, Registry], Iterable[tuple[Value, ...]]]
    looked_up: str = ""  # a column looked up across events (people, tags): indexed


def _text(value: str) -> str | None:
    """An absent value (the model's "") is NULL, as SQL expects."""
    return value or None


def _people_rows(event: Event, registry: Registry) -> Iterator[tuple[Value, ...]]:
    listed = set(event.people)
    for name in event.named_people:
        yield registry.person_id(name), int(name not in listed)


EVENT_LISTS: tuple[EventList, ...] = (
    EventList("actors", ("actor TEXT NOT NULL",),
              lambda event, _: ((actor,) for actor in event.actors), "actor"),
    EventList("tags", ("tag TEXT NOT NULL",),
              lambda event, _: ((tag,) for tag in event.tags), "tag"),
    # Everyone the event names: its people, then quote speakers not among them (as
    # `relations people` counts them), each person once (names come resolved: core/people).
    EventList("event_people", ("person_id INTEGER NOT NULL REFERENCES people(id)",
                               "quoted_only INTEGER NOT NULL"),
              _people_rows, "person_id"),
    EventList("quotes", ("person_id INTEGER REFERENCES people(id)", "speaker TEXT",
                         "text TEXT NOT NULL"),
              lambda event, registry: ((registry.person_id(quote.by), _text(quote.by),
                                        quote.text) for quote in event.quotes),
              "person_id"),
    EventList("figures", ("label TEXT NOT NULL", "value TEXT NOT NULL", "number REAL",
                          "unit TEXT", "change TEXT"),
              lambda event, _: ((figure.label, figure.value, figure.number,
                                 _text(figure.unit), _text(figure.change))
                                for figure in event.figures)),
    EventList("sources", ("title TEXT", "url TEXT", "publisher TEXT", "date TEXT"),
              lambda event, _: ((_text(source.title), _text(source.url),
                                 _text(source.publisher), _text(source.date))
                                for source in event.sources)),
)

_TIMELINE = """CREATE TABLE timeline (
    title TEXT,
    description TEXT
)"""

_EVENTS = """CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL UNIQUE,
    date TEXT NOT NULL,
    end_date TEXT,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    first_julian_day INTEGER NOT NULL,
    last_julian_day INTEGER NOT NULL,
    precision TEXT NOT NULL,
    end_precision TEXT,
    title TEXT NOT NULL,
    summary TEXT,
    category TEXT,
    place TEXT,
    date_note TEXT,
    file TEXT
)"""

_PEOPLE = """CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT,
    in_registry INTEGER NOT NULL
)"""

_ALIASES = """CREATE TABLE aliases (
    person_id INTEGER NOT NULL REFERENCES people(id),
    position INTEGER NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (person_id, position)
)"""


def _list_table(part: EventList) -> str:
    columns = ["event_id TEXT NOT NULL REFERENCES events(id)", "position INTEGER NOT NULL",
               *part.columns, "PRIMARY KEY (event_id, position)"]
    return f"CREATE TABLE {part.table} (\n    " + ",\n    ".join(columns) + "\n)"


def schema() -> list[str]:
    """Every CREATE statement of the file, in order (tests hold them to a golden file)."""
    statements = [_TIMELINE, _EVENTS, _PEOPLE, _ALIASES]
    statements += [_list_table(part) for part in EVENT_LISTS]
    statements += [
        "CREATE INDEX events_by_day ON events (first_julian_day, last_julian_day)",
        "CREATE INDEX events_by_category ON events (category)",
    ]
    statements += [f"CREATE INDEX {part.table}_by_{part.looked_up} ON {part.table} "
                   f"({part.looked_up})" for part in EVENT_LISTS if part.looked_up]
    return statements


def _column_names(part: EventList) -> list[str]:
    return ["event_id", "position", *(column.split()[0] for column in part.columns)]


def _julian(day: int) -> int:
    return day + _JULIAN_OFFSET


def _end_precision(end: Period | None) -> str | None:
    # An open (`..`) or unknown (``) end has no precision of its own.
    if end is None or end.text in ("", ".."):
        return None
    return end.precision.value


def _event_row(position: int, event: Event) -> tuple[Value, ...]:
    return (event.id, position, event.date.text, event.end.text if event.end else None,
            event.first_day.isoformat(), event.last_day.isoformat(),
            _julian(event.first_day), _julian(event.last_day), event.date.precision.value,
            _end_precision(event.end), event.title, _text(event.summary),
            _text(event.category), _text(event.place), _text(event.date_note),
            _text(event.file))


def _registry(timeline: Timeline | None, events: Sequence[Event]) -> tuple[Registry,
                                                                           list[Person]]:
    """The people of the file: the registry's, in its order, then each name the events give
    that it does not know, by name (the order of `relations people`)."""
    people = people_of(timeline.people if timeline else ())
    listed = list(people)
    known = {person.name for person in listed}
    others = sorted({name for event in events for name in event.named_people
                     if people.get(name) is None} - known)
    everyone = listed + [Person(name) for name in others]
    ids = {person.name: number for number, person in enumerate(everyone, 1)}
    return Registry(people, ids), everyone


def write_database(path: Path, events: Sequence[Event], timeline: Timeline | None) -> None:
    """A new SQLite file at `path` holding the events (in the order given) and their people."""
    connection = sqlite3.connect(path)
    try:
        # A file written once, from scratch: no journal to keep, nothing to sync until the
        # caller installs it.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        with connection:
            for statement in schema():
                connection.execute(statement)
            connection.execute("INSERT INTO timeline VALUES (?, ?)", (
                _text(timeline.title) if timeline else None,
                _text(timeline.description) if timeline else None))
            registry, everyone = _registry(timeline, events)
            connection.executemany("INSERT INTO people VALUES (?, ?, ?, ?)", (
                (registry.ids[person.name], person.name, _text(person.role),
                 int(registry.people.get(person.name) is not None))
                for person in everyone))
            connection.executemany("INSERT INTO aliases VALUES (?, ?, ?)", (
                (registry.ids[person.name], number, alias)
                for person in everyone for number, alias in enumerate(person.aliases, 1)))
            connection.executemany(
                f"INSERT INTO events VALUES ({', '.join('?' * 16)})",
                (_event_row(number, event) for number, event in enumerate(events, 1)))
            for part in EVENT_LISTS:
                names = _column_names(part)
                connection.executemany(
                    f"INSERT INTO {part.table} ({', '.join(names)}) "
                    f"VALUES ({', '.join('?' * len(names))})",
                    ((event.id, number, *values) for event in events
                     for number, values in enumerate(part.rows(event, registry), 1)))
    finally:
        connection.close()


_CHUNK = 1 << 20


def database_bytes(events: Sequence[Event], timeline: Timeline | None) -> Iterator[bytes]:
    """The database file's bytes: built in a private temporary folder (removed after, even
    when stopped) and read back in chunks."""
    with tempfile.TemporaryDirectory(prefix="relations-sqlite-") as folder:
        path = Path(folder) / "timeline.db"
        write_database(path, events, timeline)
        with open(path, "rb") as built:
            while chunk := built.read(_CHUNK):
                yield chunk


def sqlite_events(events: Sequence[Event], look: Look) -> Iterator[bytes]:
    """The registry's entry point for a listing of events."""
    return database_bytes(events, look.timeline)


def sqlite_event(view: EventView, look: Look) -> Iterator[bytes]:
    """The registry's entry point for `show`: a database of the one event."""
    return database_bytes([view.event], look.timeline)


# This module's entry of the format registry (render/formats.FORMATS).
SQLITE = Binary(events=sqlite_events, event=sqlite_event)

"""The timeline model: immutable typed records, built by the loader and read by everything else.

They are `NamedTuple`s rather than frozen dataclasses: as immutable and as typed, but about six
times cheaper to define (every run of the command line pays for it at start-up) and several
times cheaper to construct (a query may build a hundred thousand events).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import NamedTuple

__all__ = [
    "Event",
    "Figure",
    "Period",
    "Person",
    "Precision",
    "Quote",
    "Source",
    "Timeline",
]


class Precision(str, Enum):
    """How much of a date was written: a year names a whole year, never its 1 January."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"


class Period(NamedTuple):
    """A date at the precision it was written, as the inclusive range of days it covers."""

    start: dt.date
    end: dt.date
    precision: Precision
    text: str

    def __str__(self) -> str:
        return self.text



class Person(NamedTuple):
    """Someone the timeline names, with the names they may be found by."""

    name: str
    role: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Quote(NamedTuple):
    by: str
    text: str


class Figure(NamedTuple):
    label: str
    value: str
    unit: str = ""
    change: str = ""

    @property
    def number(self) -> float | None:
        """The value as a number when it is one (values stay text as written)."""
        try:
            return float(self.value.replace(",", ""))
        except ValueError:
            return None


class Source(NamedTuple):
    title: str
    url: str = ""
    publisher: str = ""
    date: str = ""


class Event(NamedTuple):
    """One dated event; `line` is where it starts in its file (for messages and ordering),
    and `file` which file that is when several are read together."""

    id: str
    date: Period
    title: str
    end: Period | None = None
    summary: str = ""
    category: str = ""
    actors: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    place: str = ""
    tags: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    sources: tuple[Source, ...] = ()
    date_note: str = ""
    line: int = 0
    # The file it comes from, set only when several timelines are read as one.
    file: str = ""

    @property
    def first_day(self) -> dt.date:
        return self.date.start

    @property
    def last_day(self) -> dt.date:
        return (self.end or self.date).end

    @property
    def when(self) -> str:
        """The date as written, with its end when it has one: `2015-09-03..2015-09-05`."""
        return f"{self.date.text}..{self.end.text}" if self.end else self.date.text

    @property
    def named_people(self) -> tuple[str, ...]:
        """Everyone the event names: its people, then quote speakers not already listed."""
        names = list(self.people)
        for quote in self.quotes:
            if quote.by and quote.by not in names:
                names.append(quote.by)
        return tuple(names)


class Timeline(NamedTuple):
    """A loaded timeline: events in chronological order, and the people registry."""

    events: tuple[Event, ...]
    people: tuple[Person, ...] = ()
    title: str = ""
    description: str = ""
    path: str = ""

    def event(self, event_id: str) -> Event | None:
        for event in self.events:
            if event.id == event_id:
                return event
        return None

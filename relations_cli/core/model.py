"""The timeline model: immutable typed records, built by the loader and read by everything else.

They are `NamedTuple`s rather than frozen dataclasses: as immutable and as typed, but about six
times cheaper to define (every run of the command line pays for it at start-up) and several
times cheaper to construct (a query may build a hundred thousand events).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from typing import NamedTuple, overload

__all__ = [
    "Day",
    "Deferred",
    "Event",
    "Figure",
    "Media",
    "Period",
    "Person",
    "Precision",
    "Quote",
    "Source",
    "Timeline",
    "written_span",
    "year_text",
]


class Precision(str, Enum):
    """How much of a date was written: a year names a whole year, never its 1 January."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"
    # EDTF level 1: a season (2016-21, spring 2016), a decade (196X), a century (19XX).
    SEASON = "season"
    DECADE = "decade"
    CENTURY = "century"


# Days in 400 Gregorian years: the calendar repeats itself after them, weekdays included.
_CYCLE_DAYS = 146_097


class Day(int):
    """A day as its proleptic Gregorian day number, counted as `date.toordinal` does (0001-01-01
    is 1) and on back before the common era: year 0 is 1 BCE and -43 is 44 BCE, as in EDTF.

    An int, so days order, subtract and go into the index as plain numbers; `datetime.date` has
    no year 0 or before, so the calendar parts are worked out 400-year cycles away.
    """

    __slots__ = ()

    @classmethod
    def of(cls, year: int, month: int, day: int) -> Day:
        cycles = max(0, -((year - 1) // 400))  # enough whole cycles to bring year to 1 or later
        return cls(dt.date(year + 400 * cycles, month, day).toordinal() - cycles * _CYCLE_DAYS)

    @classmethod
    def from_date(cls, value: dt.date) -> Day:
        return cls(value.toordinal())

    @classmethod
    def fromisoformat(cls, text: str) -> Day:
        """The day `isoformat` wrote: `2016-03-27`, `-0043-03-15`."""
        sign = -1 if text.startswith("-") else 1
        year, month, day = text.lstrip("-").split("-")
        return cls.of(sign * int(year), int(month), int(day))

    def _shifted(self) -> tuple[dt.date, int]:
        cycles = max(0, -((int(self) - 1) // _CYCLE_DAYS))
        return dt.date.fromordinal(int(self) + cycles * _CYCLE_DAYS), 400 * cycles

    @property
    def year(self) -> int:
        shifted, years = self._shifted()
        return shifted.year - years

    @property
    def month(self) -> int:
        return self._shifted()[0].month

    @property
    def day(self) -> int:
        return self._shifted()[0].day

    def toordinal(self) -> int:
        return int(self)

    def __bool__(self) -> bool:
        return True  # day 0 (0000-12-31) is a day like any other, never "no day"

    def weekday(self) -> int:
        return (int(self) + 6) % 7

    def isocalendar(self) -> tuple[int, int, int]:
        shifted, years = self._shifted()
        year, week, weekday = shifted.isocalendar()
        return year - years, week, weekday

    def to_date(self) -> dt.date:
        """The `datetime.date`; raises ValueError before 0001-01-01, which it cannot hold."""
        return dt.date.fromordinal(int(self))

    def isoformat(self) -> str:
        shifted, years = self._shifted()
        return f"{year_text(shifted.year - years)}-{shifted.month:02d}-{shifted.day:02d}"

    def __repr__(self) -> str:
        return f"Day({self.isoformat()})"

    def __str__(self) -> str:
        return self.isoformat()


def year_text(year: int) -> str:
    """A year as EDTF writes it: four digits, with a minus before the common era (`-0043`)."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


class Period(NamedTuple):
    """A date at the precision it was written, as the inclusive range of days it covers."""

    start: Day
    end: Day
    precision: Precision
    text: str

    def __str__(self) -> str:
        return self.text

    @property
    def unknown(self) -> bool:
        """An unknown end (`2015-09/`): nothing written after the '/'."""
        return not self.text


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


class Media(NamedTuple):
    """A picture, video or page shown with an event (a TimelineJS slide's media): where it
    is, and who made it."""

    url: str
    credit: str = ""
    caption: str = ""


def written_span(date: str, end: str | None) -> str:
    """A date and its end as written: `2015-09-03..2015-09-05`; an open or unknown end as EDTF
    writes it, `2015-09/..` and `2015-09/`; the date alone when there is no end. (Listings
    answered from stored records use it too, so both paths print the same.)"""
    if end is None:
        return date
    if end in ("..", ""):
        return f"{date}/{end}"
    return f"{date}..{end}"


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
    media: Media | None = None

    @property
    def first_day(self) -> Day:
        return self.date.start

    @property
    def last_day(self) -> Day:
        return (self.end or self.date).end

    @property
    def drawn_last_day(self) -> Day:
        """The last day to draw: an open end (`2015-09/..`) runs on, so only its start counts
        when an axis is laid out."""
        return self.date.end if self.end is not None and self.end.text == ".." else self.last_day

    @property
    def when(self) -> str:
        """The date as written, with its end when it has one: `2015-09-03..2015-09-05`; an
        open or unknown end as EDTF writes it, `2015-09/..` and `2015-09/`."""
        return written_span(self.date.text, self.end.text if self.end is not None else None)

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


class Deferred(Sequence[Event]):
    """Events selected only when first read: a chart drawn from counts never reads them,
    and a listing of stored records (store/index.StoredEvents) never builds them."""

    def __init__(self, select: Callable[[], Sequence[Event]]) -> None:
        self._select = select
        self._events: Sequence[Event] | None = None

    def _read(self) -> Sequence[Event]:
        if self._events is None:
            self._events = self._select()
        return self._events

    def records(self) -> list[str] | None:
        """The events' stored records (JSON text, core/records.event_record's keys), when
        they come from a store that keeps them; None otherwise."""
        return None

    def __len__(self) -> int:
        return len(self._read())

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        return self._read()[index]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._read())

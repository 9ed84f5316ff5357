"""The browser's list as a window on a query's result, paged from the engine by date.

No Textual here: the window is plain Python over the `Engine` protocol, so it is tested
without a screen. The engine answers a `Query` with a `limit` but has no offset, so a page
after (or before) an event is asked for by date: a query that starts (or ends) on that
event's first day, from which the events at or before (after) it in the chronological order
are dropped. That order is (first day, last day, line), the engines' own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from relations_cli.core.engine import Engine
from relations_cli.core.errors import QueryError
from relations_cli.core.model import Day, Event, Period, Precision
from relations_cli.core.query import Query

__all__ = ["PAGE", "Window", "chronological_key"]

PAGE = 200  # events a page: several screens, a few milliseconds from the index


def chronological_key(event: Event) -> tuple[Day, Day, int]:
    return (event.first_day, event.last_day, event.line)


def _day(day: Day) -> Period:
    return Period(day, day, Precision.DAY, day.isoformat())


@dataclass
class Window:
    """A contiguous run of the events a query selects, in chronological order.

    `at_start` and `at_end` say whether the run reaches the first and last event selected;
    the window grows a page at a time at either end, and is replaced by a jump.
    """

    engine: Engine
    query: Query
    events: list[Event]
    at_start: bool = False
    at_end: bool = False

    @classmethod
    def first(cls, engine: Engine, query: Query, page: int = PAGE) -> Window:
        """The window at the start of the result."""
        events = list(engine.select(replace(query, limit=page, reverse=False)))
        return cls(engine, query, events, at_start=True, at_end=len(events) < page)

    @classmethod
    def last(cls, engine: Engine, query: Query, page: int = PAGE) -> Window:
        """The window at the end of the result."""
        events = list(engine.select(replace(query, limit=page, reverse=True)))
        events.reverse()
        return cls(engine, query, events, at_start=len(events) < page, at_end=True)

    @classmethod
    def from_day(cls, engine: Engine, query: Query, day: Day, page: int = PAGE) -> Window:
        """The window starting at the first event that starts on or after `day` (or the last
        page, if none does)."""
        events = _after(engine, query, day, None, page)
        if not events:
            return cls.last(engine, query, page)
        window = cls(engine, query, events, at_end=len(events) < page)
        window.at_start = not _before(engine, query, events[0], 1)
        return window

    def extend_forward(self, page: int = PAGE) -> int:
        """Add a page after the last event; how many were added."""
        if self.at_end or not self.events:
            self.at_end = True
            return 0
        more = _after(self.engine, self.query, self.events[-1].first_day, self.events[-1],
                      page)
        self.events.extend(more)
        self.at_end = len(more) < page
        return len(more)

    def extend_backward(self, page: int = PAGE) -> int:
        """Add a page before the first event; how many were added (the cursor moves by it)."""
        if self.at_start or not self.events:
            self.at_start = True
            return 0
        more = _before(self.engine, self.query, self.events[0], page)
        self.events[:0] = more
        self.at_start = len(more) < page
        return len(more)


def _bounded(query: Query, start: Day | None, end: Day | None, limit: int,
             reverse: bool) -> Query | None:
    """The query with its date bounds narrowed to [start, end] as touching (not --within)
    bounds, which always select a superset of what the query selects there; None if the
    range is empty."""
    low, high = query.bounds
    if start is not None:
        low = max(low, start) if low else start
    if end is not None:
        high = min(high, end) if high else end
    if low and high and low > high:
        if end is None:
            return None
        # Before an event that started earlier than the query's first day (a span touching
        # it): every earlier event also started before that day, so drop the bound.
        low = None
    try:
        return replace(query, since=_day(low) if low else None,
                       until=_day(high) if high else None, on=None, within=False,
                       limit=limit, reverse=reverse)
    except QueryError:
        return None


def _after(engine: Engine, query: Query, day: Day, after: Event | None,
           page: int) -> list[Event]:
    """Up to `page` events of the query starting on or after `day` and, if given, after the
    event `after` in chronological order."""
    limit = page + 1
    while True:
        wide = _bounded(query, day, None, limit, reverse=False)
        if wide is None:
            return []
        raw = engine.select(wide)
        kept = [e for e in raw if e.first_day >= day and query.matches_dates(e)
                and (after is None or chronological_key(e) > chronological_key(after))]
        # Events that only touch the day (they started before it) may crowd the page out:
        # ask again for more until the page is full or the result ends.
        if len(kept) >= page or len(raw) < limit:
            return kept[:page]
        limit *= 4


def _before(engine: Engine, query: Query, before: Event, page: int) -> list[Event]:
    """Up to `page` events of the query before the event `before`, in chronological order."""
    limit = page + 1
    while True:
        wide = _bounded(query, None, before.first_day, limit, reverse=True)
        if wide is None:
            return []
        raw = engine.select(wide)
        kept = [e for e in raw if query.matches_dates(e)
                and chronological_key(e) < chronological_key(before)]
        if len(kept) >= page or len(raw) < limit:
            kept = kept[:page]
            kept.reverse()
            return kept
        limit *= 4

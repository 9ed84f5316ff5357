"""iCalendar (RFC 5545) made with the `icalendar` package: one all-day event per event.

A date keeps its precision: a month-dated event covers the whole month, a year-dated one the
whole year, a span runs to its end's last day; DTEND is exclusive, so it is the day after.
A time of day is kept (DTSTART as a date-time); iCalendar cannot hold a date before 1 CE, so
such an event is left out with a note on stderr.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Sequence

from relations_cli.core.dates import time_of_day
from relations_cli.core.model import Event, Period, Precision
from relations_cli.render.detail import EventView
from relations_cli.render.formats import Look, Written
from relations_cli.render.publish import Publication, link_target, publication, stable_key
from relations_cli.render.safe import visible

__all__ = ["exclusive_end", "render_ics", "uid"]

PRODID = "-//relations-cli//relations//EN"
_PRECISION_NOTE = {
    Precision.YEAR: "dated to the year",
    Precision.QUARTER: "dated to the quarter",
    Precision.MONTH: "dated to the month",
    Precision.SEASON: "dated to the season",
    Precision.DECADE: "dated to the decade",
    Precision.CENTURY: "dated to the century",
}


def _moment(period: Period) -> dt.date | dt.datetime:
    """A date, or the date-time as written when it has a time of day (floating without zone)."""
    day = period.start.to_date()
    time = time_of_day(period)
    if time is None:
        return day
    hour, minute, second, zone = time
    tz: dt.tzinfo | None = None
    if zone == "Z":
        tz = dt.timezone.utc
    elif zone:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0)))
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)


def exclusive_end(event: Event) -> dt.date:
    """DTEND of an all-day event: the day after its last day."""
    return dt.date.fromordinal(event.last_day + 1)


def uid(event: Event, key: str) -> str:
    """The same for the same event of the same timeline, on every run and machine."""
    return f"{event.id}.{key}@relations-cli"


def _text(value: str) -> str:
    # iCalendar TEXT may not hold control characters; they become visible escapes.
    return visible(value, keep_newlines=True)


def _description(event: Event) -> str:
    parts: list[str] = []
    if event.summary:
        parts.append(event.summary)
    coarse = [f"{p.text} {_PRECISION_NOTE[p.precision]}"
              for p in (event.date, event.end) if p and p.precision in _PRECISION_NOTE]
    if coarse:
        parts.append(f"Date: {event.when} ({'; '.join(coarse)}, so the whole period is shown)")
    if event.date_note:
        parts.append(f"Date note: {event.date_note}")
    for source in event.sources:
        described = ", ".join(x for x in (source.title, source.publisher, source.date) if x)
        parts.append(f"Source: {described}" + (f" <{source.url}>" if source.url else ""))
    return "\n".join(parts)


def render_ics(events: Sequence[Event], context: Publication) -> Iterator[str]:
    """The events as one VCALENDAR, in RFC 5545 text (CRLF line ends, folded lines)."""
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if context.timeline.title:
        calendar.add("x-wr-calname", _text(context.timeline.title))
    key = stable_key(context.timeline)
    for event in events:
        if event.first_day.year < 1:
            print(f"relations: note: iCalendar cannot hold a date before 1 CE; left out "
                  f"{visible(event.id)} ({visible(event.when)})", file=sys.stderr)
            continue
        entry = CalendarEvent()
        entry.add("uid", uid(event, key))
        entry.add("dtstamp", context.stamp)
        start = _moment(event.date)
        entry.add("dtstart", start)
        if event.end is not None and event.end.text == "..":
            pass  # an open end: no DTEND
        elif isinstance(start, dt.datetime):
            if event.end is not None and time_of_day(event.end):
                entry.add("dtend", _moment(event.end))
        else:
            entry.add("dtend", exclusive_end(event))
        entry.add("summary", _text(event.title))
        description = _description(event)
        if description:
            entry.add("description", _text(description))
        if event.place:
            entry.add("location", _text(event.place))
        if event.category:
            entry.add("categories", [_text(event.category)])
        url = next((link_target(s.url) for s in event.sources if link_target(s.url)), None)
        if url:
            entry.add("url", url)
        calendar.add_component(entry)
    # to_ical() gives bytes with CRLF line ends; written as text, they stay as they are.
    yield calendar.to_ical().decode("utf-8")


def ics_events(events: Sequence[Event], look: Look) -> Iterator[str]:
    """The registry's entry point for a listing of events."""
    return render_ics(events, publication(look.timeline, look.query))


def ics_event(view: EventView, look: Look) -> Iterator[str]:
    """The registry's entry point for `show`: the one event, in full."""
    return render_ics([view.event], publication(look.timeline, detail=True))


# This module's entries of the format registry (render/formats.FORMATS).
ICS = Written(events=ics_events, event=ics_event)

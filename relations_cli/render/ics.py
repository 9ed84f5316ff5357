"""iCalendar (RFC 5545) made with the `icalendar` package: one all-day event per event.

A date keeps its precision: a month-dated event covers the whole month, a year-dated one the
whole year, a span runs to its end's last day; DTEND is exclusive, so it is the day after.
A period that runs to 31 December 9999 has no day after it that iCalendar can write, so it
is given as a DURATION instead. An open end (`2015-09/..`) covers its start's period, as every
chart draws it, and an unknown one (`2015-09/`) too; DESCRIPTION says which.

A time of day is kept (DTSTART as a date-time): in UTC when it has a zone (an offset such as
`+05:30` has no VTIMEZONE to name, and readers take an unknown TZID as floating time), floating
without one. An event with a time and an end day ends at the start of the day after it, in
the same zone; one with a time and no end is an instant. iCalendar cannot hold a date before
1 CE, so such an event is left out with a note on stderr.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Sequence

from relations_cli.core.dates import time_of_day
from relations_cli.core.model import Event, Period, Person, Precision
from relations_cli.core.people import people_of
from relations_cli.render.detail import EventView
from relations_cli.render.publish import Publication, link_target, publication, stable_key
from relations_cli.render.renderers import Look, Written
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


def _zone(zone: str) -> dt.tzinfo | None:
    if not zone:
        return None
    if zone == "Z":
        return dt.timezone.utc
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0)))


def _moment(period: Period) -> dt.date | dt.datetime:
    """A date, or the date-time when it has a time of day: in UTC when it has a zone (the same
    instant), floating without one."""
    day = period.start.to_date()
    time = time_of_day(period)
    if time is None:
        return day
    hour, minute, second, zone = time
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=_zone(zone))
    return moment if moment.tzinfo is None else moment.astimezone(dt.timezone.utc)


def _ends_open(event: Event) -> bool:
    return event.end is not None and (event.end.text == ".." or event.end.unknown)


def _last_day(event: Event) -> int:
    """The last day the calendar shows: an open or unknown end shows its start's period."""
    return event.date.end if _ends_open(event) else event.last_day


def exclusive_end(event: Event) -> dt.date | None:
    """DTEND of an all-day event: the day after its last day; None when that is past 9999."""
    after = _last_day(event) + 1
    return dt.date.fromordinal(after) if after <= dt.date.max.toordinal() else None


def _end(event: Event, start: dt.date | dt.datetime) -> tuple[str, object] | None:
    """("dtend", value) or ("duration", value) for the event, or None for an instant."""
    if not isinstance(start, dt.datetime):
        after = exclusive_end(event)
        if after is not None:
            return "dtend", after
        return "duration", dt.timedelta(days=_last_day(event) - event.first_day + 1)
    if event.end is None or _ends_open(event):
        return None  # a time and no end: an instant
    if time_of_day(event.end):
        return "dtend", _moment(event.end)
    # An end day: the event runs to the start of the day after it, in the start's own zone,
    # which is the time as written plus the days and hours left.
    hour, minute, second, _ = time_of_day(event.date) or (0, 0, 0, "")
    left = dt.timedelta(days=event.end.end - event.first_day + 1) - dt.timedelta(
        hours=hour, minutes=minute, seconds=second)
    if event.end.end < dt.date.max.toordinal():
        return "dtend", start + left
    return "duration", left


def uid(event: Event, key: str) -> str:
    """The same for the same event of the same timeline, on every run and machine."""
    return f"{event.id}.{key}@relations-cli"


def _text(value: str) -> str:
    # iCalendar TEXT may not hold control characters; they become visible escapes.
    return visible(value, keep_newlines=True)


def _description(event: Event, people: tuple[Person, ...] = ()) -> str:
    parts: list[str] = []
    if event.summary:
        parts.append(event.summary)
    coarse = [f"{p.text} {_PRECISION_NOTE[p.precision]}"
              for p in (event.date, event.end) if p and p.precision in _PRECISION_NOTE]
    if coarse:
        parts.append(f"Date: {event.when} ({'; '.join(coarse)}, so the whole period is shown)")
    zones = [p.text for p in (event.date, event.end)
             if p is not None and (time_of_day(p) or (0, 0, 0, ""))[3] not in ("", "Z")]
    if zones:
        parts.append(f"Time as written: {' to '.join(zones)} (given here in UTC)")
    if event.date_note:
        parts.append(f"Date note: {event.date_note}")
    if event.end is not None and event.end.text == "..":
        parts.append("Open end: it has not ended (the calendar shows its start's period)")
    elif event.end is not None and event.end.unknown:
        parts.append("Unknown end (the calendar shows its start's period)")
    registry = people_of(people)
    named = []
    for name in event.named_people:
        person = registry.get(name)
        named.append(name + (f" ({person.role})" if person and person.role else ""))
    if named:
        parts.append(f"People: {', '.join(named)}")
    for quote in event.quotes:
        by = f" — {quote.by}" if quote.by else ""
        parts.append(f"Quote: “{quote.text}”{by}")
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
        # A calendar's name is one line.
        calendar.add("x-wr-calname", visible(" ".join(context.timeline.title.split())))
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
        end = _end(event, start)
        if end is not None:
            entry.add(*end)
        entry.add("summary", _text(event.title))
        description = _description(event, context.timeline.people)
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

"""Knight Lab TimelineJS3 JSON: dates hold only the parts they have, text is escaped HTML."""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from relations_cli.core.model import Event, Period, Precision
from relations_cli.core.people import people_of
from relations_cli.core.text import SOURCE_DATE_LOOK
from relations_cli.render.detail import EventView
from relations_cli.render.publish import Publication, link_target, publication, readable_period
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import json_dumps, visible

if TYPE_CHECKING:
    from relations_cli.store.eras import Era

__all__ = ["date_object", "display_date", "era_object", "render_timelinejs",
           "timelinejs_document"]

def date_object(period: Period) -> dict[str, str]:
    """A TimelineJS date with only the parts written: a year date has no month; years before
    the common era are negative and a time of day is given as TimelineJS takes it. A season
    or a quarter starts at its first month (so winter 2015 comes after September 2015), and
    its `display_date` names it."""
    from relations_cli.core.dates import qualifier_of, time_of_day

    start = period.start
    parts = {"year": str(start.year)}
    if period.precision in (Precision.MONTH, Precision.DAY, Precision.SEASON,
                            Precision.QUARTER):
        parts["month"] = str(start.month)
    if period.precision is Precision.DAY:
        parts["day"] = str(start.day)
        time = time_of_day(period)
        if time:
            parts.update(hour=str(time[0]), minute=str(time[1]), second=str(time[2]))
    if (period.precision not in (Precision.YEAR, Precision.MONTH, Precision.DAY)
            or qualifier_of(period) or start.year < 1):
        parts["display_date"] = readable_period(period)
    return parts


def display_date(event: Event) -> str | None:
    """How a span is written on its slide: `December 20, 2015 – January 10, 2016`."""
    if event.end is None:
        return None
    return f"{readable_period(event.date)} – {readable_period(event.end)}"


def _e(text: str) -> str:
    return html.escape(visible(text), quote=True)


def _link(title: str, url: str) -> str:
    target = link_target(url)
    if target is None:
        return _e(title or url)
    return f'<a href="{html.escape(target, quote=True)}">{_e(title or url)}</a>'


def _slide_text(event: Event, context: Publication) -> str:
    parts: list[str] = []
    if event.summary:
        parts.append(f"<p>{_e(event.summary)}</p>")
    if event.date_note:
        parts.append(f"<p><em>{_e(event.date_note)}</em></p>")
    if event.place:
        parts.append(f"<p>Place: {_e(event.place)}</p>")
    people = []
    for name in event.named_people:
        person = people_of(context.timeline.people).get(name)
        role = person.role if person else ""
        people.append(_e(name) + (f" ({_e(role)})" if role else ""))
    if people:
        parts.append(f"<p>People: {', '.join(people)}</p>")
    for quote in event.quotes:
        by = f" — {_e(quote.by)}" if quote.by else ""
        parts.append(f"<blockquote>“{_e(quote.text)}”{by}</blockquote>")
    if event.figures:
        items = "".join(
            f"<li>{_e(f.label)}: {_e(' '.join(x for x in (f.value, f.unit) if x))}"
            + (f" ({_e(f.change)})" if f.change else "") + "</li>" for f in event.figures)
        parts.append(f"<ul>{items}</ul>")
    if event.sources:
        items = "".join(_source_item(s.title, s.url, s.publisher, s.date)
                        for s in event.sources)
        parts.append(f"<p>Sources:</p><ul>{items}</ul>")
    return "".join(parts)


def _source_item(title: str, url: str, publisher: str, date: str) -> str:
    """A source as `TITLE, PUBLISHER, DATE` (the title a link when it has a safe URL). Where
    those commas could be misread (a comma in an unlinked title or in the publisher, a date
    that does not look like one, a publisher that does), each part is also marked as what it
    is, invisibly (`<span class="publisher">`), so that `relations import` reads it back."""
    head = _link(title, url)
    linked = head.startswith("<a ")
    publisher, date = _e(publisher), _e(date)
    plain = ((linked or ", " not in head) and ", " not in publisher
             and (not date or SOURCE_DATE_LOOK.fullmatch(date) is not None)
             and not (publisher and not date and SOURCE_DATE_LOOK.fullmatch(publisher)))
    if plain:
        return "<li>" + head + "".join(f", {x}" for x in (publisher, date) if x) + "</li>"
    marked = "".join(f'<span class="{name}">, {value}</span>'
                     for name, value in (("publisher", publisher), ("date", date)) if value)
    if not linked:
        head = f'<span class="title">{head}</span>'
    return f"<li>{head}{marked}</li>"


def era_object(era: Era) -> dict[str, Any]:
    """A TimelineJS era: a named stretch behind the slides, its dates as the events' are."""
    return {"start_date": date_object(era.start), "end_date": date_object(era.end),
            "text": {"headline": _e(era.headline)}}


def timelinejs_document(events: Sequence[Event], context: Publication,
                        eras: Sequence[Era] = ()) -> dict[str, Any]:
    timeline = context.timeline
    document: dict[str, Any] = {
        "title": {"text": {"headline": _e(timeline.title or "Timeline"),
                           "text": f"<p>{_e(timeline.description)}</p>"
                           if timeline.description else ""}},
        "events": [],
    }
    for event in events:
        slide: dict[str, Any] = {"start_date": date_object(event.date)}
        if event.end is not None and (event.end.unknown or event.end.text == ".."):
            # No end TimelineJS could draw: the start alone, and the end said in words.
            slide["display_date"] = display_date(event)
        elif event.end is not None and event.end.text != "..":
            # The end's own precision: a span to 2016-01 ends with January 2016.
            slide["end_date"] = date_object(event.end)
            slide["display_date"] = display_date(event)
        slide["text"] = {"headline": _e(event.title), "text": _slide_text(event, context)}
        if event.category:
            slide["group"] = visible(event.category)
        slide["unique_id"] = event.id
        media = link_target(event.media.url) if event.media else None
        if event.media and media:
            slide["media"] = {"url": media, "credit": _e(event.media.credit),
                              "caption": _e(event.media.caption)}
        document["events"].append(slide)
    if eras:
        document["eras"] = [era_object(era) for era in eras]
    return document


def render_timelinejs(events: Sequence[Event], context: Publication,
                      eras: Sequence[Era] = ()) -> Iterator[str]:
    yield json_dumps(timelinejs_document(events, context, eras), indent=2) + "\n"


def timelinejs_events(events: Sequence[Event], look: Look) -> Iterator[str]:
    """The registry's entry point for a listing of events."""
    return render_timelinejs(events, publication(look.timeline, look.query), look.eras)


def timelinejs_event(view: EventView, look: Look) -> Iterator[str]:
    """The registry's entry point for `show`: the one event, in full."""
    return render_timelinejs([view.event], publication(look.timeline, detail=True), look.eras)


# This module's entries of the format registry (render/formats.FORMATS).
TIMELINEJS = Written(events=timelinejs_events, event=timelinejs_event)

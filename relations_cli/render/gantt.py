"""A Mermaid `gantt` chart: a section per category, each event a bar over its whole period.

A span runs from its first day to its end's last day, and a date known only to the month or
the year covers that month or year; an event of one day is a milestone. Mermaid's gantt end
dates are exclusive, so a bar ends the day after its last day. Text is made safe as for the
`timeline` diagram (render/mermaid.py), and a name that begins with one of the chart's
keywords (`title`, `section`, `click`...) or with a date (`2016-03-27 talks`, which the chart
reads as a date) has its first character written as an entity code.

Mermaid reads a year below 100 as one of the 1900s and draws a bar of no length there, and
has no year before 1: an event that starts before year 100 is left out, named in a `%%`
comment and in a note on stderr. A bar that ends on 31 December 9999 ends by its length in
days (`365d`), since the day after it cannot be written.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence

from relations_cli.core.model import Day, Event
from relations_cli.render.detail import EventView
from relations_cli.render.mermaid import mermaid_text
from relations_cli.render.publish import NO_CATEGORY, Publication, publication
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import visible

__all__ = ["gantt_name", "render_gantt"]

# The words the gantt grammar reads at the start of a line (case-insensitive), as of
# Mermaid 11: a task named so would be read as that statement.
KEYWORDS = ("accdescr", "acctitle", "axisformat", "click", "dateformat", "excludes",
            "includes", "inclusiveenddates", "section", "tickinterval", "title",
            "todaymarker", "topaxis", "weekday", "weekend")


_DATE_START = re.compile(r"\d{4}-\d\d-\d\d")
FIRST_YEAR = 100


def gantt_name(text: str) -> str:
    """A task or section name safe on a gantt line."""
    safe = mermaid_text(text)
    if safe.casefold().startswith(KEYWORDS) or _DATE_START.match(safe):
        safe = f"#{ord(safe[0])};{safe[1:]}"
    return safe


def _drawable(day: Day) -> bool:
    return FIRST_YEAR <= day.year <= 9999


def _task(event: Event) -> str | None:
    first = event.first_day
    last = event.drawn_last_day
    if not (_drawable(first) and _drawable(last)):
        return None
    name = event.title + (" (open end)" if event.end is not None and event.end.text == ".."
                          else "")
    if first == last and event.end is None:
        return f"    {gantt_name(name)} :milestone, {first.isoformat()}, 0d\n"
    if last.year == 9999 and (last.month, last.day) == (12, 31):
        return f"    {gantt_name(name)} :{first.isoformat()}, {last - first + 1}d\n"
    after = Day(int(last) + 1)
    return f"    {gantt_name(name)} :{first.isoformat()}, {after.isoformat()}\n"


def render_gantt(events: Sequence[Event], context: Publication) -> Iterator[str]:
    yield "gantt\n"
    if context.timeline.title:
        yield f"    title {gantt_name(context.timeline.title)}\n"
    yield "    dateFormat YYYY-MM-DD\n"
    yield "    axisFormat %Y-%m\n"
    by_category: dict[str, list[Event]] = {}
    for event in sorted(events, key=lambda e: (e.first_day, e.last_day, e.line)):
        by_category.setdefault(event.category or NO_CATEGORY, []).append(event)
    for category in sorted(by_category, key=str.casefold):
        yield f"    section {gantt_name(category)}\n"
        for event in by_category[category]:
            task = _task(event)
            if task is None:
                shown = " ".join(visible(f"{event.id} {event.when}").split()).replace("%", "")
                print(f"relations: note: a Mermaid gantt chart cannot draw a date before year "
                      f"{FIRST_YEAR}; left out {visible(event.id)} ({visible(event.when)})",
                      file=sys.stderr)
                yield f"    %% left out (before year {FIRST_YEAR}): {shown}\n"
            else:
                yield task


def mermaid_gantt_events(events: Sequence[Event], look: Look) -> Iterator[str]:
    """The registry's entry point for a listing of events."""
    return render_gantt(events, publication(look.timeline, look.query))


def mermaid_gantt_event(view: EventView, look: Look) -> Iterator[str]:
    """The registry's entry point for `show`: the one event."""
    return render_gantt([view.event], publication(look.timeline, detail=True))


# This module's entries of the format registry (render/formats.FORMATS).
MERMAID_GANTT = Written(events=mermaid_gantt_events, event=mermaid_gantt_event)

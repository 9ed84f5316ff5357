"""Markwhen (`.mw`), as `@markwhen/parser` reads it: a header, then one event per block.

Each event is `DATE: TITLE #tag`, then its properties (YAML, one a line), then its summary.
Dates are Markwhen's: `2016`, `2016-03`, `2016-03-27`, `1969-07-20 20:17` (the zone as the
event's `timezone` property), a span `2015-09-03 / 2015-09-05`; a year before the common era
as `44 BC`, a span of such years `300 BC - 200 BC` (which @markwhen/parser ends where
200 BC starts, so a span to 101 BC is written `... - 100 BC`). A season, quarter, decade or
century is the span of its months or years. Markwhen has no qualifier, season, seconds or
open end, so an event whose date says more than its Markwhen date keeps it in its `edtf`
property, which `relations import` reads back. A date Markwhen cannot hold (a month or day
before the common era) leaves its event out, with a note on stderr.

The category is a Markdown section (`# security`), events without one come first; a tag is
a Markwhen tag when it is one ASCII word (Markwhen's `#\\w+`), and when one is not, every tag
is listed in the `tags` property too. Text is never syntax: in titles and summaries the
characters that Markwhen would read as a tag, an event reference, a location or an image
(`#`, `!`, `.end`, `[`) are written as character references (`&#35;`), which Markdown shows
as the character; a summary line that Markwhen would read as an event, section or comment
starts with `. `, as Markwhen's own calendar import does. Property and header values are YAML
double-quoted strings, `#` as `\\u0023` (Markwhen rewrites a literal `#` in them).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence

from relations_cli.core.dates import time_of_day
from relations_cli.core.model import Event, Period, Precision
from relations_cli.render.detail import EventView
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import visible

__all__ = ["markwhen_date", "markwhen_text", "render_markwhen"]

_PLAIN = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-\d\d)?)?")  # not a season (2016-21)
_MARKWHEN_TAG = re.compile(r"[A-Za-z0-9_]*[A-Za-z_][A-Za-z0-9_]*")
# What Markwhen reads in an event's text (its TAG_REGEX, EVENT_ID_REGEX, LOCATION_REGEX and
# IMAGE_REGEX), and the one character of each written as a character reference.
# A `[` that starts a checkbox (`[x] done`) too.
_HAZARDS = re.compile(r"&(?=#\d+;)|(?<!\S)#(?=\w)|(?<![A-Za-z0-9_])!(?=\w)|!(?=\[)"
                      r"|(?<![A-Za-z0-9_])\.(?=(?:start|end)\b)"
                      r"|\[(?=[^\]]+\]\((?:location|map)\))|^\[(?=(?:x|X| )?\])")
# A summary line Markwhen would read as something else: an event (a date, or anything with
# a colon that its relative dates could start), a section, a comment, or an escaped line.
# (and the `group`/`section` lines of Markwhen before 1.0, which `relations import` reads).
_NOT_TEXT = re.compile(r"[^\n]*:|\s*#|\s*//|\. |\s*(?:end\s*)?(?:group|section)\b",
                       re.IGNORECASE)


def markwhen_text(text: str) -> str:
    """Text on one line that Markwhen shows as written."""
    return _HAZARDS.sub(lambda m: f"&#{ord(m[0])};", visible(text))


def _summary_line(line: str) -> str:
    shown = _HAZARDS.sub(lambda m: f"&#{ord(m[0])};", visible(line))
    return f". {shown}" if _NOT_TEXT.match(shown) else shown


def _yaml(value: object) -> str:
    """A YAML flow value (JSON is one) with no literal `#` and no unprintable character."""
    text = json.dumps(value, ensure_ascii=False)
    return re.sub(r"[#\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]"
                  r"|[\u200e\u200f\u202a-\u202e\u2066-\u2069]",
                  lambda m: f"\\u{ord(m[0]):04x}", text)


def _year(year: int) -> str:
    return f"{1 - year} BC" if year < 1 else f"{year:04d}"


def _pieces(period: Period) -> tuple[str, str] | None:
    """The first and last Markwhen dates of a period (the same when it is one), or None
    when Markwhen cannot hold it."""
    start, end = period.start, period.end
    time = time_of_day(period)
    if period.precision in (Precision.YEAR, Precision.DECADE, Precision.CENTURY):
        return _year(start.year), _year(end.year)
    if start.year < 1:
        return None  # Markwhen writes years before the common era, never their months
    if time is not None:
        hour, minute, _, _ = time
        return (f"{start.isoformat()} {hour:02d}:{minute:02d}",) * 2
    if period.precision is Precision.DAY:
        return start.isoformat(), start.isoformat()
    first, last = f"{start.year:04d}-{start.month:02d}", f"{end.year:04d}-{end.month:02d}"
    return first, last


def markwhen_date(event: Event) -> str | None:
    """The event's dates as Markwhen writes them, or None when it cannot."""
    first = _pieces(event.date)
    real_end = event.end is not None and event.end.text not in ("..", "")
    last = _pieces(event.end) if real_end and event.end is not None else first
    if first is None or last is None:
        return None
    low, high = first[0], last[1]
    if "BC" in low or "BC" in high:
        if not all(re.fullmatch(r"\d{4}|\d+ BC", p) for p in (low, high)):
            return None  # BC years join only years in Markwhen
        if low == high:
            return low
        # @markwhen/parser ends such a range where its last year starts (`300 BC - 200 BC`
        # covers 300 to 201 BC), so the year written is the one after the last.
        after = (event.end if real_end and event.end is not None else event.date).end.year + 1
        return f"{_year(event.date.start.year).replace(' BC', '')} BC - " + (
            f"{1 - after} BC" if after < 1 else f"{after} AD")
    return low if low == high else f"{low} / {high}"


def _zone(period: Period | None) -> str:
    time = time_of_day(period) if period is not None and period.text else None
    if time is None or not time[3]:
        return ""
    return "UTC" if time[3] == "Z" else time[3]


def _zones(event: Event) -> object:
    """The `timezone` property: one zone for both ends, one for each (`from`, `to`) when they
    differ, or None when no time has one."""
    start, end = _zone(event.date), _zone(event.end)
    if not start and not end:
        return None
    if start and end and start != end:
        return {"from": start, "to": end}
    return start or end


def _edtf(event: Event) -> str | None:
    """The date as written, when Markwhen's says less."""
    texts = [event.date.text] + ([event.end.text] if event.end is not None else [])
    if all(_PLAIN.fullmatch(t) for t in texts) and event.date.start.year >= 1:
        return None
    if event.end is None:
        return event.date.text
    return f"{event.date.text}/{event.end.text}"


def _properties(event: Event) -> Iterator[str]:
    yield f"id: {_yaml(event.id)}"
    edtf = _edtf(event)
    if edtf:
        yield f"edtf: {_yaml(edtf)}"
    zone = _zones(event)
    if zone:
        yield f"timezone: {_yaml(zone)}"
    if any(not _MARKWHEN_TAG.fullmatch(tag) for tag in event.tags):
        yield f"tags: {_yaml(list(event.tags))}"
    for name, value in (("place", event.place), ("date_note", event.date_note)):
        if value:
            yield f"{name}: {_yaml(value)}"
    for name, items in (("actors", event.actors), ("people", event.people)):
        if items:
            yield f"{name}: {_yaml(list(items))}"
    for name, records in (("sources", event.sources), ("quotes", event.quotes),
                          ("figures", event.figures)):
        if records:
            yield f"{name}: {_yaml([{k: v for k, v in r._asdict().items() if v} for r in records])}"


def _event_block(event: Event, when: str) -> Iterator[str]:
    tags = "".join(f" #{tag}" for tag in event.tags if _MARKWHEN_TAG.fullmatch(tag))
    yield f"{when}: {markwhen_text(event.title.strip())}{tags}\n"
    for line in _properties(event):
        yield line + "\n"
    if event.summary.strip():
        yield "\n"
        for line in event.summary.strip().split("\n"):
            yield _summary_line(line) + "\n"
    yield "\n"


def render_markwhen(events: Sequence[Event], title: str = "",
                    description: str = "") -> Iterator[str]:
    """The events as one Markwhen document."""
    header = [f"{name}: {_yaml(value)}" for name, value in (
        ("title", title), ("description", description)) if value]
    if header:
        yield "---\n" + "\n".join(header) + "\n---\n\n"
    sections: dict[str, list[tuple[Event, str]]] = {}
    for event in events:
        when = markwhen_date(event)
        if when is None:
            print(f"relations: note: Markwhen cannot hold {visible(event.when)} (a month or "
                  f"day before the common era); left out {visible(event.id)}", file=sys.stderr)
            continue
        sections.setdefault(event.category, []).append((event, when))
    for category, members in sorted(sections.items(), key=lambda item: item[0] != ""):
        if category:
            yield f"# {category}\n\n"
        for event, when in members:
            yield from _event_block(event, when)


def markwhen_events(events: Sequence[Event], look: Look) -> Iterator[str]:
    """The registry's entry point for a listing of events."""
    timeline = look.timeline
    return render_markwhen(events, timeline.title if timeline else "",
                           timeline.description if timeline else "")


def markwhen_event(view: EventView, look: Look) -> Iterator[str]:
    """The registry's entry point for `show`: the one event."""
    return render_markwhen([view.event])


# This module's entry of the format registry (render/formats.FORMATS).
MARKWHEN = Written(events=markwhen_events, event=markwhen_event)

"""What the publishing formats (html, ics, timelinejs, mermaid, svg) share: colors, safe
links, the filters shown, and the context a page or calendar is made in.

Each format is a module of its own, named in the one format registry (render/formats.py) and
imported only when asked for: Jinja2 and icalendar cost 50 to 90 ms to import, and no other
command should pay for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from relations_cli.core.model import Event, Period, Precision, Timeline

if TYPE_CHECKING:
    from relations_cli.core.query import Query

__all__ = [
    "Publication",
    "category_color",
    "category_colors",
    "describe_query",
    "link_target",
    "publication",
    "readable_period",
    "stable_key",
]

# Okabe and Ito's palette, distinct for the common kinds of color blindness, then a few more;
# the grey at the end is for events without a category.
PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D31", "#6A3D9A",
    "#B15928", "#33A02C", "#666666",
)  # fmt: skip
NO_CATEGORY = "(none)"


def category_color(name: str) -> str:
    """A category's color, from its name alone (issue 23): the same in every export of every
    timeline, filtered or not, whatever other categories it holds. Two categories may share
    one; the legend and each event name their category."""
    if name == NO_CATEGORY:
        return PALETTE[-1]
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return PALETTE[int.from_bytes(digest[:4], "big") % (len(PALETTE) - 1)]


def category_colors(events: Sequence[Event]) -> dict[str, str]:
    """A color for each category of the events (and for events without one), in the
    categories' alphabetical order."""
    names = sorted({event.category or NO_CATEGORY for event in events}, key=str.casefold)
    return {name: category_color(name) for name in names}


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def readable_period(period: Period) -> str:
    """A date for people, at its precision: `September 3, 2015`, `September 2015`, `2015`,
    `Spring 2016`, `the 1960s`, `44 BC`, `c. 1960`, `1915?`, `July 20, 1969, 20:17 UTC`."""
    from relations_cli.core.dates import SEASON_NAMES, qualifier_of, time_of_day

    if period.text == "..":
        return "open end"
    if period.unknown:
        return "unknown end"
    start = period.start
    year = start.year
    year_words = f"{1 - year} BC" if year < 1 else str(year)
    if period.precision is Precision.DAY:
        shown = f"{_MONTHS[start.month - 1]} {start.day}, {year_words}"
        time = time_of_day(period)
        if time:
            hour, minute, second, zone = time
            clock = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")
            shown += f", {clock}" + (" UTC" if zone == "Z" else f" UTC{zone}" if zone else "")
    elif period.precision is Precision.MONTH:
        shown = f"{_MONTHS[start.month - 1]} {year_words}"
    elif period.precision is Precision.QUARTER:
        shown = f"Q{(start.month - 1) // 3 + 1} {year_words}"
    elif period.precision is Precision.SEASON:
        number = 24 if start.month == 12 else 21 + (start.month - 3) // 3
        shown = f"{SEASON_NAMES[number].capitalize()} {year_words}"
    elif period.precision in (Precision.DECADE, Precision.CENTURY):
        shown = f"the {year}s"
    else:
        shown = year_words
    qualifier = qualifier_of(period)
    if qualifier == "~":
        return f"c. {shown}"
    if qualifier == "?":
        return f"{shown}?"
    if qualifier == "%":
        return f"c. {shown}?"
    return shown


LINK_SCHEMES = ("http", "https", "mailto")


def link_target(url: str) -> str | None:
    """The URL if it may be a link (http, https or mailto, nothing hidden in it), else None."""
    url = url.strip()
    if not url or not url.isprintable() or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return url


def stable_key(timeline: Timeline) -> str:
    """A short key naming a timeline the same way on every machine (its title, else its file
    name), so a calendar's UIDs stay the same when the file moves."""
    name = timeline.title or os.path.basename(timeline.path) or "timeline"
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def describe_query(query: Query | None) -> list[tuple[str, str]]:
    """The filters used on the command line, as (label, value) pairs to show on a page."""
    return [] if query is None else [(active.label, active.text) for active in query.describe()]


@dataclass(frozen=True)
class Publication:
    """Everything a publishing format needs besides the events."""

    timeline: Timeline
    filters: Sequence[tuple[str, str]] = ()
    # When the calendar was made (ics DTSTAMP): fixed, so the same input gives the same file.
    stamp: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    detail: bool = False


def _stamp(timeline: Timeline) -> dt.datetime:
    """SOURCE_DATE_EPOCH if set (reproducible builds), else the timeline file's modification
    time: the moment its information last changed, the same on every run."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds: float | None = None
    if epoch.isdigit():
        seconds = int(epoch)
    elif timeline.path:
        try:
            seconds = int(os.stat(timeline.path).st_mtime)
        except OSError:
            seconds = None
    if seconds is None:
        return Publication.stamp
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def publication(timeline: Timeline | None, query: Query | None = None,
                detail: bool = False) -> Publication:
    timeline = timeline or Timeline(events=())
    return Publication(timeline, describe_query(query), _stamp(timeline), detail)

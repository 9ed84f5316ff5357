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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from relations_cli.core.model import Day, Event, Period, Precision, Timeline

if TYPE_CHECKING:
    from relations_cli.core.query import Query

__all__ = [
    "LANGUAGES",
    "WORDS",
    "Publication",
    "axis_ticks",
    "category_colors",
    "describe_query",
    "link_target",
    "period_in_words",
    "publication",
    "readable_period",
    "stable_key",
    "when_in_words",
    "year_words",
]

# Okabe and Ito's palette, distinct for the common kinds of color blindness, then a few more;
# the grey at the end is for events without a category.
PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D31", "#6A3D9A",
    "#B15928", "#33A02C", "#666666",
)  # fmt: skip
NO_CATEGORY = "(none)"


def category_colors(names: Iterable[str]) -> dict[str, str]:
    """A color for each category named (and grey for events without one), in alphabetical
    order, the palette dealt out in that order (issue 23).

    Pass every category the whole timeline uses (Look.categories, core/values
    .timeline_categories), not only those of the events shown: then a filtered page, the full
    one and the SVG chart give each category the same color, and two categories share one
    only when a timeline has more categories than the palette has colors."""
    named = sorted({name for name in names if name != NO_CATEGORY}, key=lambda n: (n.casefold(), n))
    colors = {name: PALETTE[index % (len(PALETTE) - 1)] for index, name in enumerate(named)}
    colors[NO_CATEGORY] = PALETTE[-1]
    return colors


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def readable_period(period: Period) -> str:
    """A date for people, short, at its precision: `September 3, 2015`, `September 2015`,
    `2015`, `Spring 2016`, `the 1960s`, `44 BC`, `c. 1960`, `1915?`, `July 20, 1969, 20:17 UTC`
    (the terminal's and TimelineJS's form; a page says the qualifier in words,
    period_in_words)."""
    shown = _period_words(period, WORDS["en"])
    qualifier = _qualifier(period)
    if qualifier == "~":
        return f"c. {shown}"
    if qualifier == "?":
        return f"{shown}?"
    if qualifier == "%":
        return f"c. {shown}?"
    return shown


class Words(NamedTuple):
    """How one language writes dates: month and season names, and the phrases around them."""

    months: tuple[str, ...]
    short_months: tuple[str, ...]
    seasons: dict[int, str]
    day: str          # {day} {month} {year}, {day} being the day's number as `ordinal` says
    first_day: str    # the first of a month, where a language says it apart (`1er`)
    month: str
    quarter: tuple[str, ...]
    decade: str
    century: str
    before_era: str   # {year} before the common era
    approximate: str
    uncertain: str
    both: str
    open_end: str
    unknown_end: str
    span: str


WORDS = {
    "en": Words(
        months=_MONTHS,
        short_months=tuple(m[:3] for m in _MONTHS),
        seasons={21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"},
        day="{month} {day}, {year}", first_day="1", month="{month} {year}",
        quarter=("Q1 {year}", "Q2 {year}", "Q3 {year}", "Q4 {year}"),
        decade="the {year}s", century="the {year}s", before_era="{year} BC",
        approximate="approximately {date}", uncertain="{date}, uncertain",
        both="approximately {date}, uncertain", open_end="open end",
        unknown_end="unknown end", span="{start} – {end}"),
    "fr": Words(
        months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                "septembre", "octobre", "novembre", "décembre"),
        short_months=("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                      "sept.", "oct.", "nov.", "déc."),
        seasons={21: "Printemps", 22: "Été", 23: "Automne", 24: "Hiver"},
        day="{day} {month} {year}", first_day="1er", month="{month} {year}",
        quarter=("1er trimestre {year}", "2e trimestre {year}", "3e trimestre {year}",
                 "4e trimestre {year}"),
        decade="les années {year}", century="de {year} à {last}", before_era="{year} av. J.-C.",
        approximate="vers {date}", uncertain="{date}, incertain",
        both="vers {date}, incertain", open_end="fin ouverte", unknown_end="fin inconnue",
        span="{start} – {end}"),
}  # fmt: skip
LANGUAGES = tuple(WORDS)


def _qualifier(period: Period) -> str:
    from relations_cli.core.dates import qualifier_of

    return qualifier_of(period)


def year_words(year: int, words: Words) -> str:
    """A year for people: `2015`, or `44 BC` (`44 av. J.-C.`) before the common era."""
    return words.before_era.format(year=1 - year) if year < 1 else str(year)


def _period_words(period: Period, words: Words) -> str:
    """The period at its precision, without its qualifier."""
    from relations_cli.core.dates import time_of_day

    if period.text == "..":
        return words.open_end
    if period.unknown:
        return words.unknown_end
    start = period.start
    year = year_words(start.year, words)
    if period.precision is Precision.DAY:
        day = words.first_day if start.day == 1 else str(start.day)
        shown = words.day.format(month=words.months[start.month - 1], day=day, year=year)
        time = time_of_day(period)
        if time:
            hour, minute, second, zone = time
            clock = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")
            shown += f", {clock}" + (" UTC" if zone == "Z" else f" UTC{zone}" if zone else "")
        return shown
    if period.precision is Precision.MONTH:
        return words.month.format(month=words.months[start.month - 1], year=year)
    if period.precision is Precision.QUARTER:
        return words.quarter[(start.month - 1) // 3].format(year=year)
    if period.precision is Precision.SEASON:
        number = 24 if start.month == 12 else 21 + (start.month - 3) // 3
        return f"{words.seasons[number]} {year}"
    if period.precision is Precision.DECADE:
        return words.decade.format(year=start.year)
    if period.precision is Precision.CENTURY:
        return words.century.format(year=start.year, last=start.year + 99)
    return year


@lru_cache(maxsize=8192)  # a large timeline repeats its dates: a third of a page's time
def period_in_words(period: Period, lang: str = "en") -> str:
    """A date for people, its qualifier said in words, in the page's language:
    `September 3, 2015`, `approximately 1961`, `1961, uncertain`, `3 septembre 2015`,
    `vers 1961`."""
    words = WORDS[lang]
    shown = _period_words(period, words)
    qualifier = _qualifier(period)
    if qualifier == "~":
        return words.approximate.format(date=shown)
    if qualifier == "?":
        return words.uncertain.format(date=shown)
    if qualifier == "%":
        return words.both.format(date=shown)
    return shown


def when_in_words(event: Event, lang: str = "en") -> str:
    """An event's date, or its span from start to end, in words."""
    if event.end is None:
        return period_in_words(event.date, lang)
    return WORDS[lang].span.format(start=period_in_words(event.date, lang),
                                   end=period_in_words(event.end, lang))


# Tick steps for a time axis, in years: the first that puts no more labels on it than fit.
_YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def axis_ticks(first: Day, last: Day, room: int, lang: str = "en") -> list[tuple[Day, str]]:
    """Round dates over the days first..last, at most `room` of them, with their labels:
    the first of a month or quarter (`Sep 2015`) when the axis spans a year or two, else
    the first of January every 1, 2, 5, 10 (a decade), 20, 50, 100... years."""
    words = WORDS[lang]
    room = max(room, 1)
    for months in (1, 3):
        index = -(-(first.year * 12 + first.month - 1) // months) * months
        found: list[tuple[Day, str]] = []
        while index // 12 <= min(last.year, 9999) and len(found) <= room:
            day = Day.of(index // 12, index % 12 + 1, 1)
            if first <= day <= last:
                found.append((day, f"{words.short_months[day.month - 1]} "
                                   f"{year_words(day.year, words)}"))
            index += months
        if 1 < len(found) <= room:
            return found
    for step in _YEAR_STEPS:
        year = -(-first.year // step) * step
        if Day.of(year, 1, 1) < first:
            year += step
        found = []
        while year <= min(last.year, 9999) and len(found) <= room:
            found.append((Day.of(year, 1, 1), year_words(year, words)))
            year += step
        if len(found) <= room:
            return found
    return []


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

"""All date logic: partial dates become periods, bounds are inclusive, nothing comes from today.

Timeline dates are ISO 8601 at any precision plus the Extended Date/Time Format (EDTF) of the
Library of Congress, levels 0 and 1: qualifiers `?` `~` `%`, seasons `2016-21`, unspecified
digits `196X`, years before the common era `-0043` (year 0 is 1 BCE), a time of day, and
intervals `2015-09/2016-03`, `2015-09/..`, `2015-09/`. Readable forms: `spring 2016`, `44 BC`.
Each date keeps its text as written; a qualifier never widens its period.

The rules are written here rather than taken from the `edtf` package: it costs ~100 ms to
import, has no way to stop at level 1, cannot hold negative years and invents ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import cache, lru_cache
from typing import NamedTuple

from relations_cli.core.errors import DateError
from relations_cli.core.model import Day, Period, Precision, year_text

__all__ = [
    "EVENT_DATE_HELP",
    "FILTER_DATE_HELP",
    "FUZZY_MAX_DAYS",
    "OPEN_END",
    "UNKNOWN_END",
    "Interval",
    "bucket_label",
    "cached_event_date",
    "cached_event_when",
    "fuzzy_period",
    "label_order",
    "parse_edtf",
    "parse_event_date",
    "parse_filter_date",
    "period",
    "qualifier_of",
    "stored_date",
    "time_of_day",
    "unknown_end",
]

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
SEASON_NAMES = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
_SEASON_WORDS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
# The first month of each season, northern meteorological seasons (winter runs into next year).
_SEASON_FIRST_MONTH = {21: 3, 22: 6, 23: 9, 24: 12}


def _days_in(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


FILTER_DATE_HELP = ("2015, 2015-09, 2015-09-03, 'Sep 2015', '27 March 2016', 2016Q1, "
                    "'spring 2016', 196X, -0043 or '44 BC'")

_MIN_YEAR, _MAX_YEAR = -9999, 9999


def _lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A pattern compiled on its first use: compiling them all costs milliseconds at every
    start-up, and a run that reads only YYYY, YYYY-MM and YYYY-MM-DD needs none of them."""
    @cache
    def compiled() -> re.Pattern[str]:
        return re.compile(pattern, flags)

    return compiled


# One EDTF level 0/1 date: year (signed, digits or trailing X), month or season, day, then
# a time of day, then one qualifier for the whole date.
_EDTF = _lazy(
    r"(?P<year>-?\d{2}(?:\d\d|\dX|XX))"
    r"(?:-(?P<month>\d\d|XX)(?:-(?P<day>\d\d|XX))?)?"
    r"(?:T(?P<time>(?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d))?"
    r"(?P<zone>Z|[+-]\d\d(?::?\d\d)?)?))?"
    r"(?P<qualifier>[?~%])?")
_TIME = _lazy(r"-?\d{4}-\d{2}-\d{2}[T ]\d")
_QUARTER = _lazy(r"(?:(\d{4})\s*-?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))", re.IGNORECASE)
_ERA = _lazy(r"(?:(\d{1,4})\s*(BCE?|B\.C\.(?:E\.)?|CE|AD|A\.D\.)|(AD|A\.D\.)\s*(\d{1,4}))",
                  re.IGNORECASE)
_SEASON_WORD = _lazy(r"(spring|summer|autumn|fall|winter)\s+(-?\d{4})", re.IGNORECASE)
_LEVEL2 = _lazy(r"[{}\[\]()^]|\d[?~%]-|^[?~%]|-[?~%]|S\d|E\d|\dX\d|Y")
# A date whose digits may be X anywhere (EDTF level 2: 156X-12-25, 1XXX-12, 1984-1X) ...
_ANY_X = _lazy(r"-?[\dX]{4}(?:-[\dX]{2}(?:-[\dX]{2})?)?(?:T.*)?[?~%]?")
# ... of which level 1 has only these: one or two rightmost digits of a year that stands alone
# (201X, 20XX), a month (2004-XX), a day (1985-04-XX), or month and day (1985-XX-XX).
_LEVEL1_X = _lazy(r"-?\d\d(?:\dX|XX)[?~%]?|-?\d{4}-(?:XX|\d\d-XX|XX-XX)[?~%]?")
# A year of three digits is a decade in EDTF level 2 (193, 197~), and a qualified one of two
# digits a century (19~); `19` alone is read as a year short of digits.
_DECADE_L2 = _lazy(r"-?\d{3}[?~%]?|-?\d\d[?~%]")
_SLASHED = _lazy(r"(\d{1,4})([/.])(\d{1,2})\2(\d{1,4})")


class Interval(NamedTuple):
    """An EDTF interval: a start, and an end that is a date, open (`..`) or unknown (empty)."""

    start: Period | None
    end: Period | None
    open_start: bool = False
    open_end: bool = False


# An open end (`2015-09/..`): the period runs on past any date the tool can hold.
OPEN_END = Period(Day.of(_MAX_YEAR, 12, 31), Day.of(_MAX_YEAR, 12, 31), Precision.DAY, "..")
# An unknown end (`2015-09/`) is written as nothing after the '/': its Period has empty text.
UNKNOWN_END = ""
_OPEN_START = Period(Day.of(_MIN_YEAR, 1, 1), Day.of(_MIN_YEAR, 1, 1), Precision.DAY, "..")


def _check_year(year: int) -> None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise DateError(f"year {year} is out of range (-9999 to 9999)")


def period(year: int, month: int | None = None, day: int | None = None,
           text: str | None = None) -> Period:
    """The period a partial date names; raises DateError for a day or month that does not exist."""
    _check_year(year)
    if month is None:
        return Period(Day.of(year, 1, 1), Day.of(year, 12, 31), Precision.YEAR,
                      text or year_text(year))
    if not 1 <= month <= 12:
        raise DateError(f"month {month:02d} does not exist")
    last = _days_in(year, month)
    if day is None:
        return Period(Day.of(year, month, 1), Day.of(year, month, last), Precision.MONTH,
                      text or f"{year_text(year)}-{month:02d}")
    if not 1 <= day <= last:
        raise DateError(f"{year_text(year)}-{month:02d}-{day:02d} does not exist "
                        f"({_month_name(month)} {year} has {last} days)")
    one = Day.of(year, month, day)
    return Period(one, one, Precision.DAY, text or f"{year_text(year)}-{month:02d}-{day:02d}")


def _month_name(month: int) -> str:
    return _MONTH_NAMES[month - 1]


def quarter(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    start = period(year, first_month).start
    end = period(year, first_month + 2).end
    return Period(start, end, Precision.QUARTER, f"{year:04d}Q{number}")


def season(year: int, number: int, text: str | None = None) -> Period:
    """A season (21 spring .. 24 winter): its three months; winter runs into the next year."""
    first_month = _SEASON_FIRST_MONTH[number]
    start = period(year, first_month).start
    end_year, end_month = (year + 1, 2) if number == 24 else (year, first_month + 2)
    if end_year > _MAX_YEAR:
        raise DateError(f"'{text or f'{year}-{number}'}': winter {year} runs into February "
                        f"{end_year}, past the last year relations holds ({_MAX_YEAR})")
    end = period(end_year, end_month).end
    return Period(start, end, Precision.SEASON, text or f"{year_text(year)}-{number}")


def _one_edtf(text: str) -> Period:
    """One EDTF level 0/1 date (not an interval) as the period it covers."""
    match = _EDTF().fullmatch(text)
    if not match:
        raise DateError(_not_a_date(text))
    year_part, month_part, day_part = match.group("year", "month", "day")
    if match["time"] is not None:
        if day_part is None or "X" in text:
            raise DateError(f"'{text}' has a time of day without a full date")
        hour, minute = int(match["hour"]), int(match["minute"])
        second = int(match["second"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise DateError(f"'{text}' has a time of day that does not exist")
        zone = match["zone"]
        if zone and zone != "Z":
            # Offsets run from -12:00 to +14:00; -00:00 is not an offset (ISO 8601).
            hours, minutes = int(zone[1:3]), int(zone[-2:]) if len(zone) > 3 else 0
            offset = hours * 60 + minutes
            if minutes > 59 or offset > (840 if zone[0] == "+" else 720) or (
                    zone[0] == "-" and offset == 0):
                raise DateError(f"'{text}' has a time zone that does not exist")
    level_2_x = "X" in year_part or (month_part == "XX" and day_part not in (None, "XX"))
    if level_2_x and not _LEVEL1_X().fullmatch(text):
        raise DateError(_level_2_message(text))
    if "X" in year_part:
        return _unspecified_year(year_part, text)
    year = int(year_part)
    if year_part.startswith("-") and year == 0:
        raise DateError(f"'{text}': year -0000 does not exist; 1 BCE is 0000")
    if month_part is None:
        return period(year, text=text)
    if month_part == "XX":
        return period(year, text=text)
    month = int(month_part)
    if 21 <= month <= 24:
        if day_part is not None:
            raise DateError(f"'{text}': a season has no day")
        return season(year, month, text)
    if 25 <= month <= 41:
        raise DateError(f"'{text}': season {month} is EDTF level 2, which relations does not "
                        "read; write 21 to 24 (spring to winter)")
    if day_part is None or day_part == "XX":
        return period(year, month, text=text)
    return period(year, month, int(day_part), text=text)


def _unspecified_year(year_part: str, text: str) -> Period:
    """A year with one or two rightmost digits unspecified (196X, 19XX, -199X, -01XX): every
    year its digits can stand for. Before the common era the written digits grow into the
    past, so -199X runs from -1999 to -1990; year -0000 does not exist, so -000X and -00XX end
    at -0001."""
    span = 10 if year_part.count("X") == 1 else 100
    precision = Precision.DECADE if span == 10 else Precision.CENTURY
    low = int(year_part.replace("X", "0"))
    if year_part.startswith("-"):
        first, last = low - span + 1, min(low, -1)
    else:
        first, last = low, low + span - 1
    return Period(Day.of(first, 1, 1), Day.of(last, 12, 31), precision, text)


def is_level_2(text: str) -> bool:
    """Whether a date that is not read uses EDTF level 2: sets and lists, qualifiers on one
    part, significant digits, exponents, X digits other than level 1's, a three-digit decade,
    or an interval one of whose ends has X digits (2004-06-XX/2004-07-03)."""
    if _LEVEL2().search(text):
        return True
    if "/" in text:
        return any("X" in part or is_level_2(part) for part in text.split("/") if part)
    if "X" in text and _ANY_X().fullmatch(text) and not _LEVEL1_X().fullmatch(text):
        return True
    return bool(_DECADE_L2().fullmatch(text))


def _level_2_message(text: str) -> str:
    if _DECADE_L2().fullmatch(text):
        digits = text.rstrip("?~%")
        kind, unspecified = ("century", "XX") if len(digits.lstrip("-")) == 2 else ("decade", "X")
        return (f"'{text}' is a {kind} in EDTF level 2, which relations does not read; write "
                f"{digits}{unspecified} for the {kind} (a year has four digits: 0044, -0043)")
    return (f"'{text}' uses EDTF level 2, which relations does not read; write a level 1 "
            "date such as 2004-06-11?, 196X or 2016-21")


def _not_a_date(text: str) -> str:
    if re.fullmatch(r"[-+]?\d{5,}(?:-.*)?|Y-?\d+|\+\d+(?:-.*)?", text):
        return f"'{text}' has a year outside -9999 to 9999"
    if is_level_2(text):
        return _level_2_message(text)
    if _TIME().match(text):
        return (f"'{text}' has a time of day that is not hh:mm, hh:mm:ss with an optional zone "
                "(Z, +01:00)")
    near = _near_miss(text)
    return f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD{near}"


def _near_miss(text: str) -> str:
    """The form a malformed date nearly matches, as a hint."""
    if re.fullmatch(r"-?\d{1,3}(?:-.*)?", text):
        return " (a year has four digits: 0044, -0043)"
    if re.fullmatch(r"-?\d{4}-\d(?:-\d{1,2})?|-?\d{4}-\d\d-\d", text):
        return " (months and days have two digits: 2016-03-07)"
    if re.fullmatch(r"-?\d{4}(?:-\d\d){0,2}\s*[?~%]+\s*.*|-?\d{4}(?:-\d\d){0,2}\s+[?~%]", text):
        return " (one qualifier ?, ~ or % at the very end: 1960~)"
    if re.fullmatch(r"\d{1,3}[xX]+|\d{4}-\d[xX]|\d[xX]{3}|[xX]+", text):
        return " (unspecified digits end a year: 196X, 19XX)"
    if "/" in text:
        return " (an interval is two dates joined by '/': 2015-09/2016-03, 2015-09/..)"
    return ""


def _readable(text: str) -> Period | None:
    """`44 BC`, `44 BCE`, `AD 476`, `476 CE`, `spring 2016`: the readable forms a file may use."""
    era = _ERA().fullmatch(text)
    if era:
        number = int(era[1] or era[4])
        if number == 0:
            raise DateError(f"'{text}': there is no year 0 BC or AD (1 BC is followed by AD 1)")
        bce = (era[2] or "").upper().startswith("B")
        return period(1 - number if bce else number, text=text)
    named = _SEASON_WORD().fullmatch(text)
    if named:
        return season(int(named[2]), _SEASON_WORDS[named[1].lower()], text)
    return None


def _plain_iso(text: str) -> Period | None:
    """YYYY, YYYY-MM or YYYY-MM-DD with a month 01 to 12, most dates, read without a pattern:
    the period `_one_edtf` would give (or its DateError); None for every other form."""
    size = len(text)
    if size not in (4, 7, 10) or not text[:4].isdecimal():
        return None
    if size == 4:
        return period(int(text), text=text)
    if text[4] != "-" or not text[5:7].isdecimal() or not 1 <= int(text[5:7]) <= 12:
        return None
    if size == 7:
        return period(int(text[:4]), int(text[5:7]), text=text)
    if text[7] != "-" or not text[8:].isdecimal():
        return None
    return period(int(text[:4]), int(text[5:7]), int(text[8:]), text=text)


def parse_edtf(text: str) -> Interval | Period:
    """An EDTF level 0/1 date or interval, or a readable form; DateError says why not."""
    text = text.strip()
    plain = _plain_iso(text)
    if plain is not None:
        return plain
    ambiguous = _ambiguous(text)
    if ambiguous:
        raise ambiguous
    if "/" in text:
        first, _, second = text.partition("/")
        if "/" in second:
            raise DateError(f"'{text}' is not a date; an interval has one '/'")
        open_start, open_end = first == "..", second == ".."
        if "X" in first or "X" in second:
            # Level 1 intervals join level 0 or qualified dates; X digits in one are level 2.
            raise DateError(_level_2_message(text))
        start = None if first in ("", "..") else _one_edtf(first)
        end = None if second in ("", "..") else _one_edtf(second)
        if start is None and end is None:
            raise DateError(f"'{text}' is an interval with neither start nor end")
        if start and end and end.end < start.start:
            raise DateError(f"'{text}': the end {end.text} is before the start {start.text}")
        return Interval(start, end, open_start, open_end)
    readable = _readable(text)
    return readable if readable else _one_edtf(text)


def parse_event_when(text: str) -> tuple[Period, Period | None]:
    """A timeline date, which may be an interval: its start, and its end when it names one."""
    parsed = parse_edtf(text)
    if isinstance(parsed, Period):
        return parsed, None
    if parsed.start is None:
        raise DateError(f"'{text}': an event needs a known start, since every listing, "
                        "summary, chart and export places it by its start; write the start "
                        "you know, qualified if need be (1980?/1985, 1980~/1985), and say in "
                        "date_note what is not known")
    if parsed.open_end:
        return parsed.start, OPEN_END
    return parsed.start, parsed.end or unknown_end(parsed.start)


def unknown_end(start: Period) -> Period:
    """The end of `start/`: EDTF says only that it is unknown; the event lasts at least its
    start's period, so that is the period it has (filters, ordering, the index), its text is
    empty and it shows as written, `2015-09/`."""
    return Period(start.start, start.end, start.precision, UNKNOWN_END)


def parse_event_date(text: str) -> Period:
    """Read one timeline date (ISO 8601 or EDTF level 1, not an interval), kept as written."""
    parsed = parse_edtf(text)
    if not isinstance(parsed, Period):
        raise DateError(f"'{text.strip()}' is an interval; write it in date, or its end alone")
    return parsed


@lru_cache(maxsize=8192)
def cached_event_date(text: str) -> Period:
    """parse_event_date for text already met: a large timeline repeats its dates; `..` is an
    open end."""
    return OPEN_END if text == ".." else parse_event_date(text)


def qualifier_of(period: Period) -> str:
    """The EDTF qualifier a date was written with: `?` uncertain, `~` approximate, `%` both."""
    text = period.text
    return text[-1] if text and text[-1] in "?~%" else ""


# The most a qualifier widens a date each side (`%` on a year: two years), in days: the index
# loosens its date bounds by this much and checks the widened periods on the events it finds.
FUZZY_MAX_DAYS = 2 * 366


@lru_cache(maxsize=8192)
def fuzzy_period(period: Period) -> Period:
    """The period a qualified date may cover: `~` or `?` widens it by one unit of its precision
    each side (a day, a month, a season, or a year for a year, decade or century), `%` by two;
    an unqualified date stays as it is. Only --fuzzy asks for this; without it a qualifier
    widens nothing."""
    mark = qualifier_of(period)
    if not mark:
        return period
    units = 2 if mark == "%" else 1
    if period.precision is Precision.DAY:
        return period._replace(start=_clamped(period.start - units),
                               end=_clamped(period.end + units))
    months = units * {Precision.MONTH: 1, Precision.SEASON: 3}.get(period.precision, 12)
    first, last = period.start, period.end
    return period._replace(start=_month_start(first.year, first.month - months),
                           end=_month_end(last.year, last.month + months))


def _clamped(day: int) -> Day:
    return Day(min(max(day, _OPEN_START.start), OPEN_END.end))


def _month_start(year: int, month: int) -> Day:
    """The first day of a month counted on from January of `year` (month 0 is last December),
    no earlier than the first day the tool can hold."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return _OPEN_START.start if year < _MIN_YEAR else Day.of(year, month, 1)


def _month_end(year: int, month: int) -> Day:
    """The last day of a month counted on from January of `year`, no later than 9999-12-31."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return OPEN_END.end if year > _MAX_YEAR else Day.of(year, month, _days_in(year, month))


@lru_cache(maxsize=8192)
def cached_event_when(text: str) -> tuple[Period, Period | None]:
    """parse_event_when for text already met."""
    return parse_event_when(text)


def time_of_day(period: Period) -> tuple[int, int, int, str] | None:
    """Hour, minute, second and zone as written (`Z`, `+01:00`, or ''), when the date has a time."""
    match = _EDTF().fullmatch(period.text)
    if not match or match["time"] is None:
        return None
    return (int(match["hour"]), int(match["minute"]), int(match["second"] or 0),
            match["zone"] or "")


def parse_filter_date(text: str) -> Period:
    """Read a filter date, in any of the forms FILTER_DATE_HELP names, as the period it names."""
    stripped = text.strip()
    ambiguous = _ambiguous(stripped)
    if ambiguous:
        raise ambiguous
    try:
        parsed = parse_edtf(stripped)
    except DateError as error:
        if _EDTF().fullmatch(stripped) or "/" in stripped or _SEASON_WORD().fullmatch(
                stripped) or _ERA().fullmatch(stripped) or (is_level_2(stripped) and (any(
                c.isdigit() for c in stripped) or _ANY_X().fullmatch(stripped))):
            raise  # well formed but impossible, such as 2015-02-30, or refused with a reason
        if _TIME().match(stripped) or re.fullmatch(r"[-+]\d+(?:-.*)?|\d{5,}(?:-.*)?", stripped):
            raise DateError(f"{error}") from None
    else:
        if isinstance(parsed, Period):
            return parsed
        first = parsed.start or _OPEN_START
        last = parsed.end or OPEN_END
        return Period(first.start, last.end, first.precision, stripped)
    match = _QUARTER().fullmatch(stripped)
    if match:
        year = match.group(1) or match.group(4)
        number = match.group(2) or match.group(3)
        return quarter(int(year), int(number))
    return _parse_free_form(stripped)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_WORD = _lazy(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b\.?",
                         re.IGNORECASE)
_WEEKDAY_WORD = _lazy(r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\b",
                           re.IGNORECASE)


def _ambiguous(text: str) -> DateError | None:
    """`07/03/2016`, `03.07.2016`: day-first and month-first readings differ, so neither is
    guessed; the error shows both and the ISO form of each."""
    if "/" not in text and "." not in text:
        return None
    match = _SLASHED().fullmatch(text)
    if not match:
        return None
    first, _, second, third = match.groups()
    if len(first) == 4:  # 2016/03/07: year first, then month and day, as in ISO
        return DateError(f"'{text}' is not a date; write it as {first}-{int(second):02d}-"
                         f"{int(third):02d} (YYYY-MM-DD)")
    if len(third) != 4:
        return DateError(f"'{text}' has no four-digit year; a year has four digits "
                         "(write YYYY-MM-DD)")
    readings = []
    for label, day, month in (("day first", first, second), ("month first", second, first)):
        try:
            iso = period(int(third), int(month), int(day)).text
        except DateError:
            continue
        readings.append(f"{iso} ({label}: {int(day)} {_month_name(int(month))} {third})")
    if not readings:
        return DateError(f"'{text}' is not a date in either reading (day first or month first)")
    if len(readings) == 1 or readings[0][:10] == readings[1][:10]:
        return DateError(f"'{text}' is not a date; write it as {readings[0]}")
    return DateError(f"'{text}' is ambiguous: write " + " or ".join(readings))


def _parse_free_form(text: str) -> Period:
    # dateutil costs ~35 ms to import, so only a free-form filter pays for it.
    from datetime import datetime

    from dateutil import parser

    hint = f"cannot read '{text}' as a date (try {FILTER_DATE_HELP})"
    if not any(ch.isalnum() for ch in text):
        raise DateError(hint)
    numbers = re.findall(r"\d+", text)
    if not numbers:
        raise DateError(hint)
    if not _MONTH_WORD().search(text):
        # Without a month name only the ISO and quarter forms (tried before) are dates: `99`,
        # `1 2 3` or `10-11-12` would have to be completed or guessed.
        raise DateError(f"'{text}' is not a date: a year has four digits and nothing is "
                        f"completed from today (try {FILTER_DATE_HELP})")
    if not any(len(n) == 4 for n in numbers):
        raise DateError(f"'{text}' has no year: a year has four digits (try {FILTER_DATE_HELP})")
    if len(numbers) > 2 or any(len(n) not in (1, 2, 4) for n in numbers) or sum(
            len(n) == 4 for n in numbers) > 1:
        raise DateError(hint)
    try:
        # Parsing twice with different defaults shows which parts the text really gave:
        # a part that follows the default was not written, and is never filled in.
        low = parser.parse(text, default=datetime(1, 1, 1))
        high = parser.parse(text, default=datetime(2, 2, 2))
    except (ValueError, OverflowError):
        raise DateError(hint) from None
    if low.year != high.year:
        raise DateError(f"'{text}' has no year (try {FILTER_DATE_HELP})")
    has_month = low.month == high.month
    has_day = low.day == high.day
    if has_day and not has_month:
        raise DateError(hint)
    if low.hour or low.minute or low.second or high.hour or high.minute:
        raise DateError(f"'{text}' has a time of day; filters take dates")
    weekday = _WEEKDAY_WORD().search(_MONTH_WORD().sub(" ", text))
    if weekday:
        if not has_day:
            raise DateError(f"'{text}' names a weekday but no day")
        named = next(i for i, name in enumerate(_WEEKDAYS)
                     if name.startswith(weekday[1].lower()[:3]))
        actual = date(low.year, low.month, low.day).weekday()
        if named != actual:
            raise DateError(f"'{text}': {low.date().isoformat()} is a "
                            f"{_WEEKDAYS[actual].capitalize()}, not a "
                            f"{_WEEKDAYS[named].capitalize()}")
    if has_day:
        return period(low.year, low.month, low.day)
    if has_month:
        return period(low.year, low.month)
    return period(low.year)


_MONTH_DAY = _lazy(r"(?:(\d{4})-)?(\d{1,2})-(\d{1,2})")


def parse_month_day(text: str) -> tuple[int, int, int | None]:
    """A day of the year, with its year if one is written: `03-27`, `March 27`, `2016-03-27`."""
    stripped = text.strip()
    match = _MONTH_DAY().fullmatch(stripped)
    if match:
        year, month, day = match.groups()
        try:
            # Checked against 2000, a leap year, so 02-29 is a day of the year.
            period(int(year) if year else 2000, int(month), int(day))
        except DateError:
            raise DateError(f"'{text}' is not a day of the year") from None
        return int(month), int(day), int(year) if year else None
    from datetime import datetime

    from dateutil import parser

    hint = f"cannot read '{text}' as a day of the year (try 03-27, March 27 or 2016-03-27)"
    try:
        low = parser.parse(stripped, default=datetime(2000, 1, 1))
        high = parser.parse(stripped, default=datetime(2004, 2, 2))
    except (ValueError, OverflowError):
        raise DateError(hint) from None
    if low.month != high.month or low.day != high.day:
        raise DateError(hint)
    return low.month, low.day, low.year if low.year == high.year else None


def label_order(label: str) -> str:
    """A period label as text that sorts in time order: `-0100` before `-0043` before `0476`."""
    if label.startswith("-") and re.fullmatch(r"[\dX]{4}", label[1:5]):
        # A decade or century (-199X) sorts by its earliest year, -1999.
        return f"!{9999 - int(label[1:5].replace('X', '9')):04d}{label[5:]}"
    return label


def bucket_label(day: Day | date, precision: Precision) -> str:
    """The label of the period of the given precision that holds a day (for grouping)."""
    if isinstance(day, date):
        day = Day.from_date(day)
    year = day.year
    if precision is Precision.CENTURY:
        return f"{year_text(year)[:-2]}XX"
    if precision is Precision.DECADE:
        return f"{year_text(year)[:-1]}X"
    if precision is Precision.YEAR:
        return year_text(year)
    if precision is Precision.QUARTER:
        return f"{year_text(year)}Q{(day.month - 1) // 3 + 1}"
    if precision is Precision.SEASON:
        month = day.month
        number = 24 if month in (12, 1, 2) else 21 + (month - 3) // 3
        return f"{year_text(year - 1 if month < 3 else year)}-{number}"
    if precision is Precision.MONTH:
        return f"{year_text(year)}-{day.month:02d}"
    return day.isoformat()


EVENT_DATE_HELP = ("an EDTF date (2015, 2015-09, 2015-09-03, 1969-07-20T20:17Z, 1961~, 1961?, "
                   "196X, 2016-21 or 'spring 2016', -0043 or '44 BC', 2015-09/2016-03 or "
                   "2015-09/..) or any date a filter reads ('Sep 2015', 'July 20, 1969', "
                   "2016Q1)")


def stored_date(text: str) -> str:
    """The text a written date is stored as: an EDTF or readable form the loader keeps is kept
    as written; any other form a filter reads becomes its EDTF text (`July 20, 1969` is stored
    as 1969-07-20, `2016Q1` as 2016-01/2016-03). DateError lists every accepted form."""
    stripped = text.strip()
    try:
        parse_event_when(stripped)
        return stripped
    except DateError as error:
        kept_error = error
    try:
        named = parse_filter_date(stripped)
    except DateError as filter_error:
        if "is not a date; write YYYY" not in str(kept_error):
            raise kept_error from None  # well formed but impossible, such as 2016-02-30
        if "(try " in str(filter_error):
            raise DateError(f"'{stripped}' is not a date; write {EVENT_DATE_HELP}") from None
        raise  # a reason of its own, such as a weekday that is not that day's
    if named.precision is Precision.QUARTER:
        first = period(named.start.year, named.start.month).text
        last = period(named.end.year, named.end.month).text
        return f"{first}/{last}"
    return named.text

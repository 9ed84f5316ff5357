"""All date logic: partial dates become periods, bounds are inclusive, nothing comes from today."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from relations_cli.core.errors import DateError
from relations_cli.core.model import Period, Precision

__all__ = [
    "FILTER_DATE_HELP",
    "bucket_label",
    "cached_event_date",
    "parse_event_date",
    "parse_filter_date",
    "period",
]

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def _days_in(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


FILTER_DATE_HELP = "2015, 2015-09, 2015-09-03, Sep 2015, March 27, 2016 or 2016Q1"

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d")
_QUARTER = re.compile(r"(?:(\d{4})\s*-?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))", re.IGNORECASE)
_SIGNED_OR_LONG_YEAR = re.compile(r"[-+]\d+(?:-.*)?|\d{5,}(?:-.*)?")


def period(year: int, month: int | None = None, day: int | None = None) -> Period:
    """The period a partial date names; raises DateError for a day or month that does not exist."""
    if not 1 <= year <= 9999:
        raise DateError(f"year {year} is out of range (1 to 9999)")
    if month is None:
        return Period(date(year, 1, 1), date(year, 12, 31), Precision.YEAR, f"{year:04d}")
    if not 1 <= month <= 12:
        raise DateError(f"month {month:02d} does not exist")
    if day is None:
        last = _days_in(year, month)
        text = f"{year:04d}-{month:02d}"
        return Period(date(year, month, 1), date(year, month, last), Precision.MONTH, text)
    last = _days_in(year, month)
    if not 1 <= day <= last:
        raise DateError(f"{year:04d}-{month:02d}-{day:02d} does not exist ({_month_name(month)} "
                        f"{year} has {last} days)")
    day_text = f"{year:04d}-{month:02d}-{day:02d}"
    return Period(date(year, month, day), date(year, month, day), Precision.DAY, day_text)


def _month_name(month: int) -> str:
    return _MONTH_NAMES[month - 1]


def quarter(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    last_month = first_month + 2
    start = period(year, first_month).start
    end = period(year, last_month).end
    return Period(start, end, Precision.QUARTER, f"{year:04d}Q{number}")


def parse_event_date(text: str) -> Period:
    """Read a timeline date: YYYY, YYYY-MM or YYYY-MM-DD, kept at the precision written."""
    text = text.strip()
    match = _ISO.fullmatch(text)
    if match:
        year, month, day = match.groups()
        return period(int(year), int(month) if month else None, int(day) if day else None)
    if _TIME.match(text):
        raise DateError(f"'{text}' has a time of day; write the date alone ({text[:10]})")
    if _SIGNED_OR_LONG_YEAR.fullmatch(text):
        raise DateError(f"'{text}' has a year outside 0001 to 9999")
    raise DateError(f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")


@lru_cache(maxsize=8192)
def cached_event_date(text: str) -> Period:
    """parse_event_date for text already met: a large timeline repeats its dates."""
    return parse_event_date(text)


def parse_filter_date(text: str) -> Period:
    """Read a filter date, in any of the forms FILTER_DATE_HELP names, as the period it names."""
    stripped = text.strip()
    try:
        return parse_event_date(stripped)
    except DateError as error:
        if _ISO.fullmatch(stripped):  # well formed but impossible, such as 2015-02-30
            raise
        if _TIME.match(stripped) or _SIGNED_OR_LONG_YEAR.fullmatch(stripped):
            raise DateError(f"{error}") from None
    match = _QUARTER.fullmatch(stripped)
    if match:
        year = match.group(1) or match.group(4)
        number = match.group(2) or match.group(3)
        return quarter(int(year), int(number))
    return _parse_free_form(stripped)


def _parse_free_form(text: str) -> Period:
    # dateutil costs ~35 ms to import, so only a free-form filter pays for it.
    from datetime import datetime

    from dateutil import parser

    hint = f"cannot read '{text}' as a date (try {FILTER_DATE_HELP})"
    if not any(ch.isalnum() for ch in text):
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
    if has_day:
        return period(low.year, low.month, low.day)
    if has_month:
        return period(low.year, low.month)
    return period(low.year)


_MONTH_DAY = re.compile(r"(?:(\d{4})-)?(\d{1,2})-(\d{1,2})")


def parse_month_day(text: str) -> tuple[int, int, int | None]:
    """A day of the year, with its year if one is written: `03-27`, `March 27`, `2016-03-27`."""
    stripped = text.strip()
    match = _MONTH_DAY.fullmatch(stripped)
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


def bucket_label(day: date, precision: Precision) -> str:
    """The label of the period of the given precision that holds a day (for grouping)."""
    if precision is Precision.YEAR:
        return f"{day.year:04d}"
    if precision is Precision.QUARTER:
        return f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"
    if precision is Precision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()

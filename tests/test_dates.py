"""Partial dates: precision kept, periods inclusive, nothing taken from today."""

from __future__ import annotations

from datetime import date

import pytest

from relations_cli.core.dates import bucket_label, parse_event_date, parse_filter_date
from relations_cli.core.errors import DateError
from relations_cli.core.model import Precision


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2015", date(2015, 1, 1), date(2015, 12, 31), Precision.YEAR),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29), Precision.MONTH),
        ("2015-02", date(2015, 2, 1), date(2015, 2, 28), Precision.MONTH),
        ("2015-09-03", date(2015, 9, 3), date(2015, 9, 3), Precision.DAY),
    ],
)
def test_event_dates_keep_their_precision(text: str, start: date, end: date,
                                          precision: Precision) -> None:
    period = parse_event_date(text)
    assert (period.start.to_date(), period.end.to_date(), period.precision,
            period.text) == (start, end, precision,
                                                                         text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2015-02-30", "2015-02-30 does not exist (February 2015 has 28 days)"),
        ("2015-13", "month 13 does not exist"),
        ("-0000", "year -0000 does not exist"),
        ("12015", "year outside -9999 to 9999"),
        ("2015-09-03T25:00", "time of day that does not exist"),
        ("2015-09-03 10:00:00", "has a time of day"),
        ("Sep 2015", "write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2015/09/03", "write it as 2015-09-03"),
    ],
)
def test_impossible_or_foreign_event_dates_are_refused(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_event_date(text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2015", date(2015, 1, 1), date(2015, 12, 31)),
        ("2015-09", date(2015, 9, 1), date(2015, 9, 30)),
        ("2015-09-03", date(2015, 9, 3), date(2015, 9, 3)),
        ("Sep 2015", date(2015, 9, 1), date(2015, 9, 30)),
        ("September 2015", date(2015, 9, 1), date(2015, 9, 30)),
        ("March 27, 2016", date(2016, 3, 27), date(2016, 3, 27)),
        ("27 March 2016", date(2016, 3, 27), date(2016, 3, 27)),
        ("2016Q1", date(2016, 1, 1), date(2016, 3, 31)),
        ("2016-q4", date(2016, 10, 1), date(2016, 12, 31)),
        ("Q2 2015", date(2015, 4, 1), date(2015, 6, 30)),
    ],
)
def test_filter_dates_name_whole_periods(text: str, start: date, end: date) -> None:
    period = parse_filter_date(text)
    assert (period.start.to_date(), period.end.to_date()) == (start, end)


@pytest.mark.parametrize("text", ["March 27", "Sep", "27", "tomorrow", "", "2016Q5", "soon"])
def test_filter_dates_are_never_completed_from_today(text: str) -> None:
    with pytest.raises(DateError):
        parse_filter_date(text)


def test_an_impossible_filter_date_says_why() -> None:
    with pytest.raises(DateError, match="February 2015 has 28 days"):
        parse_filter_date("2015-02-29")


@pytest.mark.parametrize(
    ("precision", "label"),
    [(Precision.YEAR, "2016"), (Precision.QUARTER, "2016Q2"), (Precision.MONTH, "2016-05"),
     (Precision.DAY, "2016-05-09")],
)
def test_bucket_labels(precision: Precision, label: str) -> None:
    assert bucket_label(date(2016, 5, 9), precision) == label

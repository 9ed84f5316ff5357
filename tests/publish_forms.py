"""Every date form the tool accepts, and hostile titles, as one timeline for the publishing
tests (issue 23): each accepted string of the EDTF corpus an event may hold, every precision,
years before the common era, seasons, times with and without zones, open and unknown ends,
years 1 to 99 and 9999; and titles that are syntax in one output or another.

The timeline is written as YAML with every value double-quoted, so that the loader reads
exactly the strings listed here.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import NamedTuple

from relations_cli.core.dates import parse_event_when
from relations_cli.core.errors import DateError
from relations_cli.core.model import Period
from tests.helpers import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "edtf-corpus.tsv"

# Forms beyond the corpus: the readable ones in several cases, the edges of the years a
# consumer holds, times with each kind of zone, spans whose ends differ in kind.
EXTRA_DATES = (
    "0001", "0001-01-01", "0050-06-15", "0099", "0099-12-31", "0100", "0100-01-01", "9999",
    "9999-12", "9999-12-31", "9999-23", "9998-24",
    "44 BC", "44 bc", "AD 476", "476 CE", "spring 2016", "SPRING 2016", "Winter 2015",
    "autumn 2015", "fall 1999",
    "1969-07-20T20:17Z", "1969-07-20T20:17:40Z", "1969-07-20T20:17", "1969-07-20T20:17:00+05:30",
    "2016-03-27T09:00-03:30", "2016-03-27T23:30+14:00", "2016-03-27T00:30-12:00",
    "1969-07-20T20:17Z/1969-07-24", "1969-07-20T20:17Z/1969-07-24T16:50Z",
    "2015-09-03T10:00/2015-09-05", "2015-09-03/2015-09-05T10:00", "1969-07-20T20:17+05:30/1969-07",
    "2015-09/..", "2015-09/", "2015-09-03T10:00Z/..", "2015-09-03T10:00Z/", "1960~/..",
    "2016-21/..", "9999/..", "9999-12-31/", "0050/0150", "0001/9999",
)
# (date, end) pairs written with an `end:` field.
EXTRA_ENDS = (
    ("1969-07-20T20:17Z", "1969-07-24"), ("1969-07-20T20:17:00+05:30", "1969-07-24"),
    ("1969-07-20T20:17", "1969-07"), ("2015-12-20", "2016-01"), ("2015-09", ".."),
    ("9999-12-30", "9999-12-31"), ("0099-12-31", "0100-01-01"), ("-0043-03-15", "0014-08-19"),
)
HOSTILE_TITLES = (
    "2016-03-27 ceasefire talks",
    "2016-03-27: talks",
    "title: section x; click y #1 %% not a comment",
    "dateFormat YYYY",
    "Section 5 : more",
    "line one\nline two\r\nthird\u2028fourth",
    "noncharacters \ufffe and \uffff here",
    "</script><script>alert('x')</script> & <b>bold</b> {{ 7*7 }}",
    "\u202eevil\u202c \x1b[31mred\x1b[0m \x07bell",
    "tabs\tand  spaces ",
    "50% of #1; a: b",
    "`backticks` and \"quotes\" and 'single'",
    "0050-06-15 early",
    "x" * 300,
)
TIMELINE_TITLE = "Every form:\nline two \ufffe\uffff <b>&</b> #1; %% x"


class Form(NamedTuple):
    id: str
    date: str
    end: str | None
    title: str
    start: Period
    last: Period | None  # the end as read (None: no end)


def corpus_dates() -> list[str]:
    """The corpus strings an event accepts (an open start is refused in a timeline)."""
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    accepted = []
    for row in rows:
        if row[1] != "accepted":
            continue
        try:
            parse_event_when(row[0])
        except DateError:
            continue
        accepted.append(row[0])
    return accepted


def forms() -> list[Form]:
    found: list[Form] = []
    dates = corpus_dates() + [d for d in EXTRA_DATES if d not in corpus_dates()]
    for number, text in enumerate(dates):
        start, end = parse_event_when(text)
        found.append(Form(f"d{number}", text, None, f"{text} (form {number})", start, end))
    for number, (text, end_text) in enumerate(EXTRA_ENDS):
        start, _ = parse_event_when(text)
        end = parse_event_when(end_text)[0] if end_text != ".." else parse_event_when(
            f"{text}/..")[1]
        found.append(Form(f"s{number}", text, end_text, f"{text} to {end_text}", start, end))
    for number, title in enumerate(HOSTILE_TITLES):
        date = ("2016-03-27", "0050", "9999-12-31", "1969-07-20T20:17Z", "2016-21")[number % 5]
        start, end = parse_event_when(date)
        found.append(Form(f"h{number}", date, None, title, start, end))
    return found


def _quoted(text: str) -> str:
    # JSON strings are YAML double-quoted scalars, but YAML's escapes are not all JSON's:
    # \ufffe and \uffff are written as themselves by json.dumps(ensure_ascii=False).
    return json.dumps(text, ensure_ascii=True)


def write_forms(path: Path, categories: tuple[str, ...] = ("war", "politics", "science")) -> Path:
    lines = [f"title: {_quoted(TIMELINE_TITLE)}", "events:"]
    for number, form in enumerate(forms()):
        lines += [f"  - id: {form.id}", f"    date: {_quoted(form.date)}"]
        if form.end is not None:
            lines.append(f"    end: {_quoted(form.end)}")
        lines += [f"    title: {_quoted(form.title)}",
                  f"    category: {categories[number % len(categories)]}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

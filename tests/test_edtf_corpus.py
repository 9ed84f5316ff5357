"""A corpus of EDTF strings from the specification, python-edtf's tests and edtf.js's tests,
with the verdict relations gives each and the period it reads (tests/fixtures/edtf-corpus.tsv,
issue 25). A row that parts from another reading says why in its note."""

from __future__ import annotations

import csv
from typing import NamedTuple

import pytest

from relations_cli.core.dates import Interval, parse_edtf, parse_filter_date
from relations_cli.core.errors import DateError
from relations_cli.core.model import Day
from tests.helpers import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "edtf-corpus.tsv"
MESSAGES: dict[str, str | None] = {
    "refused-level-2": "EDTF level 2, which relations does not read",
    "refused-out-of-range": "outside -9999 to 9999|out of range|past the last year",
    "refused-invalid": None,
}


class Row(NamedTuple):
    text: str
    verdict: str
    first: str
    last: str
    source: str
    note: str


def _rows() -> list[Row]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    next(reader)  # the header
    return [Row(*fields) for fields in reader]


ROWS = _rows()


def _bounds(text: str) -> tuple[str, str]:
    parsed = parse_edtf(text)
    if isinstance(parsed, Interval):
        first = ".." if parsed.open_start else (
            Day(parsed.start.start).isoformat() if parsed.start else "")
        last = ".." if parsed.open_end else (
            Day(parsed.end.end).isoformat() if parsed.end else "")
        return first, last
    return Day(parsed.start).isoformat(), Day(parsed.end).isoformat()


def test_the_corpus_is_large_and_sourced() -> None:
    assert len(ROWS) >= 300
    assert len({row.text for row in ROWS}) == len(ROWS)
    sources = {name for row in ROWS for name in row.source.split(",")}
    assert {"LoC", "python-edtf", "edtf.js"} <= sources
    verdicts = {row.verdict for row in ROWS}
    assert verdicts == {"accepted", "refused-level-2", "refused-invalid", "refused-out-of-range"}


@pytest.mark.parametrize("row", ROWS, ids=[row.text for row in ROWS])
def test_each_string_gets_its_verdict_and_period(row: Row) -> None:
    if row.verdict == "accepted":
        assert _bounds(row.text) == (row.first, row.last), row.note
        return
    with pytest.raises(DateError, match=MESSAGES[row.verdict]) as refused:
        parse_edtf(row.text)
    if row.verdict == "refused-invalid":
        assert "level 2" not in str(refused.value)
        assert "outside -9999" not in str(refused.value)


@pytest.mark.parametrize("row", [r for r in ROWS if r.verdict == "refused-level-2"],
                         ids=lambda row: row.text)
def test_a_filter_refuses_level_2_as_level_2(row: Row) -> None:
    with pytest.raises(DateError, match=MESSAGES["refused-level-2"]):
        parse_filter_date(row.text)


def test_every_level_2_example_of_the_specification_is_refused_as_level_2() -> None:
    spec = [row for row in ROWS if "LoC" in row.source.split(",")]
    level_2 = {"156X-12-25", "15XX-12-25", "XXXX-12-XX", "1XXX-XX", "1XXX-12", "1984-1X",
               "2004-06-XX/2004-07-03", "2004-06-~01/2004-06-~20", "1950S2", "Y-17E7",
               "2004?-06-11", "2004-06~-11", "2004-?06-11", "?2004-06-~11", "2001-25"}
    assert level_2 <= {row.text for row in spec}
    for row in spec:
        if row.text in level_2:
            assert row.verdict == "refused-level-2", row

"""JSON and JSON Lines: events as the event contract, reports and charts as their documents."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from relations_cli.core.model import Event
from relations_cli.core.records import event_record
from relations_cli.render.detail import EventView
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import json_dumps, json_safe
from relations_cli.render.tables import Report, RowReport

if TYPE_CHECKING:  # the chart (and core/summary) load only for a chart: start-up time
    from relations_cli.render.chart import ChartView

__all__ = ["json_chart", "json_event", "json_events", "json_records", "json_report",
           "json_rows", "jsonl_chart", "jsonl_event", "jsonl_events", "jsonl_records",
           "jsonl_report", "jsonl_rows"]

CHUNK = 2000  # records joined into one write


def json_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    # Streamed item by item so a large result never sits in memory as one string.
    first = True
    for event in events:
        yield ("[\n  " if first else ",\n  ") + json_dumps(event_record(event))
        first = False
    yield "[]\n" if first else "\n]\n"


def jsonl_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    for event in events:
        yield json_dumps(event_record(event)) + "\n"


# A stored record (store/rows) is the text json.dumps(record, ensure_ascii=False) writes, so
# json_dumps of it is that text made safe: listings from the index stream it as stored.

def json_records(records: Sequence[str], look: Look) -> Iterator[str]:
    """json_events of stored event records (store/index.StoredEvents.records)."""
    if not records:
        yield "[]\n"
        return
    for start in range(0, len(records), CHUNK):
        yield ("[\n  " if not start else ",\n  ") + json_safe(
            ",\n  ".join(records[start:start + CHUNK]))
    yield "\n]\n"


def jsonl_records(records: Sequence[str], look: Look) -> Iterator[str]:
    """jsonl_events of stored event records (store/index.StoredEvents.records)."""
    for start in range(0, len(records), CHUNK):
        yield json_safe("\n".join(records[start:start + CHUNK]) + "\n")


def _rows(report: RowReport, template: str, between: str) -> Iterator[str]:
    """The rows of a report of text rows as `template` (one %s a key) filled with each row's
    cells as JSON strings, CHUNK rows at a time with `between` between rows; made safe as
    json_dumps makes a document."""
    from itertools import chain
    from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) calls

    rows = report.rows
    for start in range(0, len(rows), CHUNK):
        batch = rows[start:start + CHUNK]
        text = between.join([template] * len(batch)) % tuple(
            map(encode_basestring, chain.from_iterable(batch)))
        yield (between if start else "") + json_safe(text)


def _keys(report: RowReport) -> list[str]:
    from json.encoder import encode_basestring

    return [encode_basestring(key).replace("%", "%%") for key in report.keys]


def json_rows(report: RowReport, look: Look) -> Iterator[str]:
    """json_report of a report of text rows (render/tables.RowReport): its records as
    json_dumps(records, indent=2) writes them."""
    if not report.rows:
        yield "[]\n"
        return
    template = "  {\n" + ",\n".join(f"    {key}: %s" for key in _keys(report)) + "\n  }"
    yield "[\n"
    yield from _rows(report, template, ",\n")
    yield "\n]\n"


def jsonl_rows(report: RowReport, look: Look) -> Iterator[str]:
    """jsonl_report of a report of text rows: each record as json_dumps writes it."""
    template = "{" + ", ".join(f"{key}: %s" for key in _keys(report)) + "}"
    yield from _rows(report, template, "\n")
    if report.rows:
        yield "\n"


def json_event(view: EventView, look: Look) -> Iterator[str]:
    yield json_dumps(event_record(view.event), indent=2) + "\n"


def jsonl_event(view: EventView, look: Look) -> Iterator[str]:
    yield json_dumps(event_record(view.event)) + "\n"


def _document(document: Any, lines: bool) -> Iterator[str]:
    if not lines:
        yield json_dumps(document, indent=2) + "\n"
        return
    for row in document if isinstance(document, list) else [document]:
        yield json_dumps(row) + "\n"


def json_report(report: Report, look: Look) -> Iterator[str]:
    return _document(report.document, False)


def jsonl_report(report: Report, look: Look) -> Iterator[str]:
    return _document(report.document, True)


def json_chart(view: ChartView, look: Look) -> Iterator[str]:
    from relations_cli.render.chart import chart_document

    return _document(chart_document(view.lanes), False)


def jsonl_chart(view: ChartView, look: Look) -> Iterator[str]:
    from relations_cli.render.chart import chart_document

    return _document(chart_document(view.lanes), True)


# This module's entries of the format registry (render/formats.FORMATS).
JSON = Written(
    events=json_events, event=json_event, report=json_report, chart=json_chart, rows=json_rows,
    records=json_records,
)
JSONL = Written(
    events=jsonl_events, event=jsonl_event, report=jsonl_report, chart=jsonl_chart, rows=jsonl_rows,
    records=jsonl_records,
)

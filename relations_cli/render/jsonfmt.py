"""JSON and JSON Lines: events as the event contract, reports and charts as their documents."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from relations_cli.core.model import Event
from relations_cli.core.records import event_record
from relations_cli.render.detail import EventView
from relations_cli.render.formats import Look
from relations_cli.render.safe import json_dumps, json_safe
from relations_cli.render.tables import Report

if TYPE_CHECKING:  # the chart (and core/summary) load only for a chart: start-up time
    from relations_cli.render.chart import ChartView

__all__ = ["json_chart", "json_event", "json_events", "json_records", "json_report",
           "jsonl_chart", "jsonl_event", "jsonl_events", "jsonl_records", "jsonl_report"]

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

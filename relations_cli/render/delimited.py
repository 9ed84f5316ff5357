"""CSV and TSV: events, one event, or a report's main table, with one cell function."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from relations_cli.core.model import Event, written_span
from relations_cli.render.fields import (
    CSV_COLUMNS,
    LIST_SEPARATOR,
    cell_text,
    event_row,
    pick_fields,
)
from relations_cli.render.formats import Look
from relations_cli.render.safe import neutralise_formula, visible

if TYPE_CHECKING:  # plain listings use this module's record helpers: start-up time
    from relations_cli.render.detail import EventView
    from relations_cli.render.tables import Cell, Report

__all__ = ["RECORD_FIELDS", "cell", "chunked", "csv_event", "csv_events", "csv_records",
           "csv_report", "record_row", "record_when", "tsv_event", "tsv_events", "tsv_records",
           "tsv_report"]

CHUNK = 2000  # rows joined into one write: a listing is written in large pieces


def record_when(record: dict[str, Any]) -> str:
    """Event.when from an event's record (core/records.event_record)."""
    return written_span(str(record["date"]), record["end"])


# render/fields.EVENT_FIELDS read from a record instead of an Event: a listing answered from
# the index formats its stored records without building events (tests/test_fastpath.py
# checks that both give the same text).
RECORD_FIELDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "id": lambda r: r["id"],
    "date": lambda r: r["date"],
    "end": lambda r: r["end"] or "",
    "when": record_when,
    "title": lambda r: r["title"],
    "category": lambda r: r["category"],
    "place": lambda r: r["place"],
    "actors": lambda r: LIST_SEPARATOR.join(r["actors"]),
    "people": lambda r: LIST_SEPARATOR.join(r["people"]),
    "tags": lambda r: LIST_SEPARATOR.join(r["tags"]),
    "summary": lambda r: r["summary"],
    "date_note": lambda r: r["date_note"],
    "sources": lambda r: LIST_SEPARATOR.join(s["title"] for s in r["sources"]),
}


def record_row(record: dict[str, Any], fields: Sequence[str]) -> list[str]:
    return [RECORD_FIELDS[name](record) for name in fields]


def chunked(pieces: Iterable[str], size: int = CHUNK) -> Iterator[str]:
    """Pieces of text joined `size` at a time."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= size:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def cell(value: Cell, fmt: str) -> str:
    """One cell of CSV or TSV: text made visible and safe from spreadsheet formulas; in TSV
    tabs and newlines (and the backslash itself) escaped, as they would break the grid."""
    text = cell_text(value)
    if fmt == "tsv":
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    if not isinstance(value, str):
        return text
    return neutralise_formula(visible(text, keep_newlines=fmt == "csv"))


def _lines(header: Sequence[str] | None, rows: Iterable[Sequence[Cell]],
           fmt: str, ready: bool = False) -> Iterator[str]:
    """Rows as CSV or TSV lines, streamed one row at a time; `ready` rows are cells already."""
    if fmt == "tsv":
        if header is not None:
            yield "\t".join(header) + "\n"
        for row in rows:
            yield "\t".join(row if ready else (cell(c, fmt) for c in row)) + "\n"  # type: ignore[arg-type]
        return
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow(row if ready else [cell(c, fmt) for c in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _events(events: Iterable[Event], look: Look, fmt: str) -> Iterator[str]:
    fields = pick_fields(look.fields, CSV_COLUMNS)
    yield from _lines(fields if look.header else None,
                      (event_row(e, fields) for e in events), fmt)


def _records(records: Sequence[str], look: Look, fmt: str) -> Iterator[str]:
    import json

    fields = pick_fields(look.fields, CSV_COLUMNS)
    loads = json.loads
    tsv = fmt == "tsv"

    def text_cell(text: str) -> str:
        # cell() of a text, short-cut for printable text (nearly all): nothing to make
        # visible, and in TSV only the backslash to escape.
        if text.isprintable():
            return neutralise_formula(text.replace("\\", "\\\\") if tsv else text)
        return cell(text, fmt)

    def row(record: str) -> list[str]:
        return [text_cell(text) for text in record_row(loads(record), fields)]

    if tsv:
        yield from chunked(_lines(fields if look.header else None, map(row, records), fmt,
                                  ready=True))
        return
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if look.header:
        writer.writerow(fields)
    for start in range(0, len(records), CHUNK):
        writer.writerows(map(row, records[start:start + CHUNK]))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _report(report: Report, look: Look, fmt: str) -> Iterator[str]:
    from relations_cli.render.tables import main_table

    table = main_table(report).pick(look.fields)
    yield from _lines(table.columns if look.header else None, table.rows, fmt)


def csv_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    return _events(events, look, "csv")


def tsv_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    return _events(events, look, "tsv")


def csv_records(records: Sequence[str], look: Look) -> Iterator[str]:
    """csv_events of stored event records (store/index.StoredEvents.records)."""
    return _records(records, look, "csv")


def tsv_records(records: Sequence[str], look: Look) -> Iterator[str]:
    """tsv_events of stored event records (store/index.StoredEvents.records)."""
    return _records(records, look, "tsv")


def csv_event(view: EventView, look: Look) -> Iterator[str]:
    return _events([view.event], look, "csv")


def tsv_event(view: EventView, look: Look) -> Iterator[str]:
    return _events([view.event], look, "tsv")


def csv_report(report: Report, look: Look) -> Iterator[str]:
    return _report(report, look, "csv")


def tsv_report(report: Report, look: Look) -> Iterator[str]:
    return _report(report, look, "tsv")

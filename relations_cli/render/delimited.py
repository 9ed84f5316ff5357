"""CSV and TSV: events, one event, or a report's main table, with one cell function."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from relations_cli.core.model import Event
from relations_cli.render.detail import EventView
from relations_cli.render.fields import CSV_COLUMNS, event_row, pick_fields
from relations_cli.render.formats import Look
from relations_cli.render.safe import neutralise_formula, visible
from relations_cli.render.tables import Cell, Report, cell_text, main_table

__all__ = ["cell", "csv_event", "csv_events", "csv_report", "tsv_event", "tsv_events",
           "tsv_report"]


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
           fmt: str) -> Iterator[str]:
    """Rows as CSV or TSV lines, streamed one row at a time."""
    if fmt == "tsv":
        if header is not None:
            yield "\t".join(header) + "\n"
        for row in rows:
            yield "\t".join(cell(c, fmt) for c in row) + "\n"
        return
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow([cell(c, fmt) for c in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _events(events: Iterable[Event], look: Look, fmt: str) -> Iterator[str]:
    fields = pick_fields(look.fields, CSV_COLUMNS)
    yield from _lines(fields if look.header else None,
                      (event_row(e, fields) for e in events), fmt)


def _report(report: Report, look: Look, fmt: str) -> Iterator[str]:
    table = main_table(report).pick(look.fields)
    yield from _lines(table.columns if look.header else None, table.rows, fmt)


def csv_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    return _events(events, look, "csv")


def tsv_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    return _events(events, look, "tsv")


def csv_event(view: EventView, look: Look) -> Iterator[str]:
    return _events([view.event], look, "csv")


def tsv_event(view: EventView, look: Look) -> Iterator[str]:
    return _events([view.event], look, "tsv")


def csv_report(report: Report, look: Look) -> Iterator[str]:
    return _report(report, look, "csv")


def tsv_report(report: Report, look: Look) -> Iterator[str]:
    return _report(report, look, "tsv")

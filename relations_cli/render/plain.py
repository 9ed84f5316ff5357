"""Plain text: one event a line, an event as `field: value` lines, reports as tab-separated
rows, and the chart as characters. Never wrapped, never through Rich."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from relations_cli.core.model import Event
from relations_cli.render.fields import event_row, pick_fields
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import visible

if TYPE_CHECKING:  # each loads only when its kind of result is written: start-up time
    from relations_cli.render.chart import ChartView
    from relations_cli.render.detail import EventView
    from relations_cli.render.tables import Report, RowReport

__all__ = ["plain_chart", "plain_event", "plain_events", "plain_line", "plain_records",
           "plain_report", "plain_rows", "style_plain"]

_ANSI = {"date": "\x1b[36m", "category": "\x1b[2m", "id": "\x1b[2m", "match": "\x1b[1;33m"}
PLAIN_FIELDS = ("when", "id", "category", "title")


def style_plain(field: str, text: str, color: bool = True) -> str:
    """ANSI color for a plain-line field (only the program's own codes ever reach a terminal)."""
    return f"{_ANSI[field]}{text}\x1b[0m" if color and field in _ANSI and text else text


def plain_line(event: Event, color: bool = False) -> str:
    """One event on one line, tab-separated: date, id, category, title; never wrapped."""
    return _line(event.when, event.id, event.category, event.title, color)


def _line(when: str, event_id: str, category: str, title: str, color: bool) -> str:
    return "\t".join((
        style_plain("date", when, color),
        style_plain("id", event_id, color),
        style_plain("category", visible(category) or "-", color),
        visible(title),
    ))


def plain_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    if look.fields:
        fields = pick_fields(look.fields, PLAIN_FIELDS)
        if look.header:
            yield "\t".join(fields) + "\n"
        for event in events:
            yield "\t".join(visible(" ".join(v.split())) for v in event_row(event, fields))
            yield "\n"
        return
    for event in events:
        yield plain_line(event, look.color) + "\n"


def plain_records(records: Sequence[str], look: Look) -> Iterator[str]:
    """plain_events of stored event records (store/index.StoredEvents.records)."""
    import json

    from relations_cli.render.delimited import (
        ROW_PIECES,
        Piece,
        chunked,
        record_reader,
        record_row,
        record_when,
        records_text,
    )

    loads = json.loads
    if look.fields:
        fields = pick_fields(look.fields, PLAIN_FIELDS)
        if look.header:
            yield "\t".join(fields) + "\n"
        yield from chunked(
            "\t".join(visible(" ".join(v.split())) for v in record_row(loads(r), fields)) + "\n"
            for r in records)
        return
    color = look.color

    def careful(text: str) -> str:
        record = loads(text)
        return _line(record_when(record), record["id"], record["category"], record["title"],
                     color) + "\n"

    # The fields of plain_line, styled as style_plain styles them (the date and the id are
    # never empty in a record the pattern takes); a category between \x04 and \x05 marks,
    # as an empty one is written `-`.
    when = ROW_PIECES["when"]
    pattern, rows = record_reader([
        when._replace(template=style_plain("date", when.template, color),
                      simple=(style_plain("date", "%s", color), ("date",))),
        Piece(style_plain("id", "%s", color), ("id",)),
        Piece(style_plain("category", "\x04%s\x05", color), ("category",),
              (style_plain("category", "%s", color), ("category",)), ("category", True)),
        Piece("%s", ("title",))], "\t", False)

    def fast(found: list[Any]) -> str:
        text = rows(found)
        if "\x04" not in text:
            return text
        return text.replace("\x04\x05", "-").replace("\x04", "").replace("\x05", "")

    yield from records_text(records, pattern, fast, careful)


def _one_line(text: str) -> str:
    return visible(" ".join(text.split()))


def plain_event(view: EventView, look: Look) -> Iterator[str]:
    from relations_cli.render.detail import source_details  # not needed by listings

    """`field: value` lines; repeated sections (quotes, figures, sources) one item a line."""
    event = view.event
    yield f"id: {event.id}\n"
    yield f"title: {_one_line(event.title)}\n"
    yield f"date: {event.date.text} ({event.date.precision.value})\n"
    if event.end and event.end.unknown:
        yield f"end: unknown ({event.when})\n"
    elif event.end:
        yield f"end: {event.end.text} ({event.end.precision.value})\n"
    for key, values in view.facts:
        yield f"{key}: {_one_line('; '.join(values))}\n"
    if event.summary:
        yield f"summary: {_one_line(event.summary)}\n"
    for name, role in view.people:
        yield f"person: {_one_line(name)}" + (f" ({_one_line(role)})" if role else "") + "\n"
    for quote in view.quotes:
        yield f"quote: {_one_line(quote.by)}: {_one_line(quote.text)}\n"
    for figure in view.figures:
        amount = " ".join(p for p in (figure.value, figure.unit) if p)
        change = f" ({_one_line(figure.change)})" if figure.change else ""
        yield f"figure: {_one_line(figure.label)}: {_one_line(amount)}{change}\n"
    for source in view.sources:
        details = source_details(source)
        yield f"source: {_one_line(source.title)}" + (f" ({_one_line(details)})" if details
                                                      else "") + "\n"


def plain_report(report: Report, look: Look) -> Iterator[str]:
    from relations_cli.render.tables import cell_text  # not needed by listings

    # A single table prints bare rows (for cut and wc -l); with facts or several tables each
    # table gets its header, and a blank line separates the parts.
    bare = not report.facts and len(report.tables) == 1 and not look.fields
    parts: list[list[str]] = []
    if report.facts and not look.fields:
        parts.append([f"{visible(label)}\t{visible(value)}\n" for label, value in report.facts])
    for table in report.tables[:1] if look.fields else report.tables:
        table = table.pick(look.fields)
        lines = [] if bare or not look.header else ["\t".join(table.columns) + "\n"]
        lines += ["\t".join(map(visible, map(cell_text, row))) + "\n" for row in table.rows]
        parts.append(lines)
    for number, part in enumerate(parts):
        if number:
            yield "\n"
        yield from part


def plain_rows(report: RowReport, look: Look) -> Iterator[str]:
    """plain_report of a report of text rows (render/tables.RowReport): its one table's
    rows, bare unless --fields picks columns."""
    from relations_cli.render.delimited import rows_text

    columns, indexes = report.pick(look.fields)
    if look.fields and look.header:
        yield "\t".join(columns) + "\n"
    yield from rows_text(report.rows, indexes,
                         lambda batch: "\n".join(map("\t".join, batch)) + "\n",
                         lambda row: "\t".join(map(visible, row)) + "\n")


def plain_chart(view: ChartView, look: Look) -> Iterator[str]:
    """The chart's lanes and axis as characters, then its legend, within the width."""
    chart = view.layout(look.width)
    if chart is None:
        return
    for label, cells in chart.lines():
        yield (label + cells).rstrip() + "\n"
    yield "\n"
    from relations_cli.render.chart import LEGEND

    legend = [LEGEND]
    if not view.lanes_are_categories:
        legend.append("   ".join("● " + visible(c) for c in view.categories()))
    for line in legend:
        for part in textwrap.wrap(line, look.width, break_on_hyphens=False) or [""]:
            yield part + "\n"


# This module's entries of the format registry (render/formats.FORMATS).
PLAIN = Written(
    events=plain_events, event=plain_event, report=plain_report, chart=plain_chart, rows=plain_rows,
    records=plain_records,
)

"""Markdown: events and reports as tables, one event as a short document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from relations_cli.core.model import Event
from relations_cli.render.detail import EventView, source_details
from relations_cli.render.fields import MARKDOWN_COLUMNS, event_row, pick_fields
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import visible
from relations_cli.render.tables import Report, cell_text

__all__ = ["markdown_event", "markdown_events", "markdown_report", "markdown_text"]

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})
_HEADINGS = {"when": "Date", "id": "ID", "title": "Event", "date_note": "How dated"}
_LABELS = {"date_note": "How dated"}


def markdown_text(value: str) -> str:
    """Text safe inside a Markdown table cell: syntax escaped, one line."""
    return visible(" ".join(value.split())).translate(_SPECIAL)


def _table(header: Sequence[str] | None, rows: Iterable[Sequence[str]]) -> Iterator[str]:
    if header is not None:
        yield "| " + " | ".join(markdown_text(c) for c in header) + " |\n"
        yield "|" + "|".join(" --- " for _ in header) + "|\n"
    for row in rows:
        yield "| " + " | ".join(markdown_text(c) for c in row) + " |\n"


def markdown_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    fields = pick_fields(look.fields, MARKDOWN_COLUMNS)
    header = [_HEADINGS.get(f, f.capitalize()) for f in fields] if look.header else None
    yield from _table(header, (event_row(e, fields) for e in events))


def markdown_event(view: EventView, look: Look) -> Iterator[str]:
    event = view.event
    yield f"## {markdown_text(event.title)}\n\n"
    yield f"- **ID:** {markdown_text(event.id)}\n"
    yield f"- **Date:** {markdown_text(event.when)}\n"
    for key, values in view.facts:
        label = _LABELS.get(key, key.capitalize())
        yield f"- **{label}:** {markdown_text(', '.join(values))}\n"
    if event.summary:
        yield f"\n{markdown_text(event.summary)}\n"
    if view.people:
        yield "\n### People\n\n"
        for name, role in view.people:
            yield f"- {markdown_text(name)}" + (f", {markdown_text(role)}" if role else "") + "\n"
    if view.quotes:
        yield "\n### Quotes\n\n"
        for quote in view.quotes:
            yield f"> {markdown_text(quote.text)}\n>\n> — {markdown_text(quote.by)}\n\n"
    if view.figures:
        yield "\n### Figures\n\n"
        yield from _table(("Figure", "Value", "Unit", "Change"),
                          ((f.label, f.value, f.unit, f.change) for f in view.figures))
    if view.sources:
        yield "\n### Sources\n\n"
        for source in view.sources:
            details = source_details(source)
            yield f"- {markdown_text(source.title)}" + (
                f" ({markdown_text(details)})" if details else "") + "\n"


def markdown_report(report: Report, look: Look) -> Iterator[str]:
    if not look.fields:
        for label, value in report.facts:
            yield f"- **{markdown_text(label)}:** {markdown_text(value)}\n"
    for table in report.tables[:1] if look.fields else report.tables:
        table = table.pick(look.fields)
        yield "\n"
        if table.title:
            yield f"### {markdown_text(table.title)}\n\n"
        yield from _table(table.columns if look.header else None,
                          ([cell_text(c) for c in row] for row in table.rows))


# This module's entries of the format registry (render/formats.FORMATS).
MARKDOWN = Written(events=markdown_events, event=markdown_event, report=markdown_report)

"""One event in full as plain text or Markdown, for `show` off a terminal."""

from __future__ import annotations

from collections.abc import Iterator

from relations_cli.core.model import Event, Timeline
from relations_cli.render.formats import markdown_text
from relations_cli.render.safe import visible

__all__ = ["detail_markdown", "detail_plain"]


def _one_line(text: str) -> str:
    return visible(" ".join(text.split()))


def _people(event: Event, timeline: Timeline) -> Iterator[tuple[str, str]]:
    for name in event.named_people:
        person = timeline.person(name)
        yield name, person.role if person else ""


def detail_plain(event: Event, timeline: Timeline) -> Iterator[str]:
    """`field: value` lines; repeated sections (quotes, figures, sources) one item a line."""
    yield f"id: {event.id}\n"
    yield f"title: {_one_line(event.title)}\n"
    yield f"date: {event.date.text} ({event.date.precision.value})\n"
    if event.end:
        yield f"end: {event.end.text} ({event.end.precision.value})\n"
    for label, value in (("date_note", event.date_note), ("category", event.category),
                         ("place", event.place), ("actors", "; ".join(event.actors)),
                         ("tags", "; ".join(event.tags)), ("summary", event.summary)):
        if value:
            yield f"{label}: {_one_line(value)}\n"
    for name, role in _people(event, timeline):
        yield f"person: {_one_line(name)}" + (f" ({_one_line(role)})" if role else "") + "\n"
    for quote in event.quotes:
        yield f"quote: {_one_line(quote.by)}: {_one_line(quote.text)}\n"
    for figure in event.figures:
        parts = [figure.value, figure.unit]
        change = f" ({_one_line(figure.change)})" if figure.change else ""
        yield f"figure: {_one_line(figure.label)}: {_one_line(' '.join(p for p in parts if p))}"
        yield f"{change}\n"
    for source in event.sources:
        details = ", ".join(v for v in (source.publisher, source.date, source.url) if v)
        yield f"source: {_one_line(source.title)}" + (f" ({_one_line(details)})" if details
                                                      else "") + "\n"


def detail_markdown(event: Event, timeline: Timeline) -> Iterator[str]:
    yield f"## {markdown_text(event.title)}\n\n"
    yield f"- **ID:** {markdown_text(event.id)}\n"
    yield f"- **Date:** {markdown_text(event.when)}\n"
    for label, value in (("How dated", event.date_note), ("Category", event.category),
                         ("Place", event.place), ("Actors", ", ".join(event.actors)),
                         ("Tags", ", ".join(event.tags))):
        if value:
            yield f"- **{label}:** {markdown_text(value)}\n"
    if event.summary:
        yield f"\n{markdown_text(event.summary)}\n"
    people = list(_people(event, timeline))
    if people:
        yield "\n### People\n\n"
        for name, role in people:
            yield f"- {markdown_text(name)}" + (f", {markdown_text(role)}" if role else "") + "\n"
    if event.quotes:
        yield "\n### Quotes\n\n"
        for quote in event.quotes:
            yield f"> {markdown_text(quote.text)}\n>\n> — {markdown_text(quote.by)}\n\n"
    if event.figures:
        yield "\n### Figures\n\n| Figure | Value | Unit | Change |\n| --- | --- | --- | --- |\n"
        for f in event.figures:
            cells = (f.label, f.value, f.unit, f.change)
            yield "| " + " | ".join(markdown_text(c) for c in cells) + " |\n"
    if event.sources:
        yield "\n### Sources\n\n"
        for source in event.sources:
            details = ", ".join(v for v in (source.publisher, source.date, source.url) if v)
            yield f"- {markdown_text(source.title)}" + (
                f" ({markdown_text(details)})" if details else "") + "\n"

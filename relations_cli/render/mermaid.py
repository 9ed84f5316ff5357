"""A Mermaid `timeline` diagram: a section per year, periods at their precision, safe text.

Mermaid reads `:` as the start of another event and `#...;` as an entity code, and passes `<`
to its HTML labels; each is written as an entity code (`#58;`), which Mermaid shows as the
character itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from relations_cli.core.model import Event, year_text
from relations_cli.render.detail import EventView
from relations_cli.render.publish import Publication, publication
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import visible

__all__ = ["mermaid_text", "period_label", "render_mermaid"]

_ENTITIES = {ch: f"#{ord(ch)};" for ch in "#:;<>&%{}\"`"}
_TABLE = str.maketrans(_ENTITIES)


def mermaid_text(text: str) -> str:
    """Text safe on one line of a Mermaid diagram: one line, syntax written as entity codes."""
    one_line = " ".join(visible(text, keep_newlines=True).split())
    return one_line.translate(_TABLE) or "#160;"


def period_label(event: Event) -> str:
    """The event's period as written: `2015-09`, or `2015-12-20 to 2016-01-10` for a span,
    made safe as any text is (a time of day's `:` would start an event)."""
    if event.end is None or event.end.unknown:
        return mermaid_text(event.when)  # `2015-09`, or an unknown end as written, `2015-09/`
    return mermaid_text(f"{event.date.text} to {event.end.text}")


def render_mermaid(events: Sequence[Event], context: Publication) -> Iterator[str]:
    yield "timeline\n"
    if context.timeline.title:
        yield f"    title {mermaid_text(context.timeline.title)}\n"
    year: int | None = None
    label: str | None = None
    for event in sorted(events, key=lambda e: (e.first_day, e.last_day, e.line)):
        if event.first_day.year != year:
            year = event.first_day.year
            label = None
            yield f"    section {year_text(year)}\n"
        if period_label(event) == label:
            # The same period again: one more event under it, as Mermaid writes it.
            yield f"            : {mermaid_text(event.title)}\n"
        else:
            label = period_label(event)
            yield f"        {label} : {mermaid_text(event.title)}\n"


def mermaid_events(events: Sequence[Event], look: Look) -> Iterator[str]:
    """The registry's entry point for a listing of events."""
    return render_mermaid(events, publication(look.timeline, look.query))


def mermaid_event(view: EventView, look: Look) -> Iterator[str]:
    """The registry's entry point for `show`: the one event, in full."""
    return render_mermaid([view.event], publication(look.timeline, detail=True))


# This module's entries of the format registry (render/formats.FORMATS).
MERMAID = Written(events=mermaid_events, event=mermaid_event)

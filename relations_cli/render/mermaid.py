"""A Mermaid `timeline` diagram: a section per year, periods in words at their precision (as
the HTML page says them, in --lang's language), safe text.

Mermaid reads `:` as the start of another event and `#...;` as an entity code, and passes `<`
to its HTML labels; each is written as an entity code (`#58;`), which Mermaid shows as the
character itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from relations_cli.core.model import Event, year_text
from relations_cli.render.detail import EventView
from relations_cli.render.publish import Publication, publication, when_in_words
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import visible

__all__ = ["mermaid_text", "period_label", "render_mermaid"]

_ENTITIES = {ch: f"#{ord(ch)};" for ch in "#:;<>&%{}\"`"}
_TABLE = str.maketrans(_ENTITIES)


def mermaid_text(text: str) -> str:
    """Text safe on one line of a Mermaid diagram: one line, syntax written as entity codes."""
    one_line = " ".join(visible(text, keep_newlines=True).split())
    return one_line.translate(_TABLE) or "#160;"


def period_label(event: Event, lang: str = "en") -> str:
    """The event's period for people, as the HTML page says it (issue 23): `September 2015`,
    `December 20, 2015 – January 10, 2016`, `approximately 1961`, `July 20, 1969, 20:17 UTC`,
    made safe as any text is (a time of day's `:` would start an event)."""
    return mermaid_text(when_in_words(event, lang))


def render_mermaid(events: Sequence[Event], context: Publication,
                   lang: str = "en") -> Iterator[str]:
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
        if period_label(event, lang) == label:
            # The same period again: one more event under it, as Mermaid writes it.
            yield f"            : {mermaid_text(event.title)}\n"
        else:
            label = period_label(event, lang)
            yield f"        {label} : {mermaid_text(event.title)}\n"


def mermaid_events(events: Sequence[Event], look: Look) -> Iterator[str]:
    """The registry's entry point for a listing of events."""
    return render_mermaid(events, publication(look.timeline, look.query), look.lang)


def mermaid_event(view: EventView, look: Look) -> Iterator[str]:
    """The registry's entry point for `show`: the one event, in full."""
    return render_mermaid([view.event], publication(look.timeline, detail=True), look.lang)


# This module's entries of the format registry (render/formats.FORMATS).
MERMAID = Written(events=mermaid_events, event=mermaid_event)

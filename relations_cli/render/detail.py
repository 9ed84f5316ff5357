"""One event in full, as one view model that plain text, Markdown and the terminal render."""

from __future__ import annotations

from dataclasses import dataclass

from relations_cli.core.model import Event, Figure, Quote, Source
from relations_cli.core.people import People

__all__ = ["EventView", "event_view"]


@dataclass(frozen=True)
class EventView:
    """What `show` shows of an event, in order: each renderer only chooses the look.

    `facts` holds (key, values) for the fields an event may leave out; keys are
    date_note, category, place, actors and tags, and each renderer labels them its way.
    """

    event: Event
    facts: tuple[tuple[str, tuple[str, ...]], ...]
    people: tuple[tuple[str, str], ...]  # name as written, the registry's role
    quotes: tuple[Quote, ...]
    figures: tuple[Figure, ...]
    sources: tuple[Source, ...]

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def title(self) -> str:
        return self.event.title

    @property
    def summary(self) -> str:
        return self.event.summary


def event_view(event: Event, people: People) -> EventView:
    facts = tuple((key, values) for key, values in (
        ("date_note", (event.date_note,) if event.date_note else ()),
        ("category", (event.category,) if event.category else ()),
        ("place", (event.place,) if event.place else ()),
        ("actors", event.actors),
        ("tags", event.tags),
    ) if values)
    return EventView(
        event=event,
        facts=facts,
        people=tuple((name, people.role(name)) for name in event.named_people),
        quotes=event.quotes,
        figures=event.figures,
        sources=event.sources,
    )


def source_details(source: Source, with_url: bool = True) -> str:
    """Publisher, date and (optionally) address, comma-separated."""
    parts = (source.publisher, source.date, source.url if with_url else "")
    return ", ".join(v for v in parts if v)

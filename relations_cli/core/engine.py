"""Engines answer a Query over one timeline: the in-memory scan here, the index in store/."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Protocol

from relations_cli.core.model import Event, Figure, Quote, Timeline
from relations_cli.core.people import (
    People,
    people_of,
    person_names,
    resolved_timeline,
    search_text,
)
from relations_cli.core.query import Query
from relations_cli.core.summary import (
    ChartCounts,
    EventRef,
    NameCount,
    Summary,
    event_figures,
    event_quotes,
    name_counts,
    named_in,
    summarize,
)

__all__ = ["Engine", "MemoryEngine", "select"]


class Engine(Protocol):
    """Answers queries over one timeline; the in-memory engine and the index both are one."""

    # The timeline's title, description and people (its events are not held here).
    registry: Timeline
    # The people registry, by name and alias.
    people: People

    # The events a query selects, in order: a list, or a sequence that builds them only when
    # read (store/index.StoredEvents, whose `records()` a listing formats directly).
    def select(self, query: Query) -> Sequence[Event]: ...

    def count(self) -> int: ...

    def event(self, event_id: str) -> Event | None: ...

    def ids(self) -> list[str]: ...

    def summarize(self, query: Query, by: Sequence[str]) -> Summary: ...

    # What the reports are made of, over every event a query selects (its order and limit
    # play no part): core/summary turns them into rows under its rules.
    def name_counts(self, query: Query) -> list[NameCount]: ...

    def quotes(self, query: Query) -> list[tuple[EventRef, Quote]]: ...

    def figures(self, query: Query) -> list[tuple[EventRef, Figure]]: ...

    # The same quotes and figures as the cells the report prints (date as written, speaker,
    # text, event id; event id, date, label, value, unit, change), for an engine that has
    # them without building objects (the index); None: ask `quotes` or `figures`.
    def quote_cells(self, query: Query) -> list[tuple[str, str, str, str]] | None: ...

    def figure_cells(self, query: Query) -> list[tuple[str, str, str, str, str, str]] | None: ...

    # Every name the timeline's events give, once each, in order of first appearance.
    def named(self) -> list[str]: ...

    # A chart's lanes counted without the events, or None: then it is drawn from them.
    def chart_counts(self, query: Query, by: str) -> ChartCounts | None: ...


class MemoryEngine:
    """Answers queries by scanning the loaded timeline."""

    def __init__(self, timeline: Timeline) -> None:
        # Every name resolved once, so that no answer sees an alias (core/people).
        self.timeline = timeline = resolved_timeline(timeline)
        self.registry = timeline
        self.people = people_of(timeline.people)
        self._haystacks: dict[str, str] = {}
        self._names: dict[str, list[tuple[str, ...]]] = {}

    def _haystack(self, event: Event) -> str:
        if event.id not in self._haystacks:
            self._haystacks[event.id] = search_text(event, self.timeline)
        return self._haystacks[event.id]

    def _person_names(self, event: Event) -> list[tuple[str, ...]]:
        if event.id not in self._names:
            self._names[event.id] = person_names(event, self.timeline)
        return self._names[event.id]

    def _matching(self, query: Query) -> Iterator[Event]:
        needs_text = bool(query.terms)
        for event in self.timeline.events:
            haystack = self._haystack(event) if needs_text else ""
            names = self._person_names(event) if query.people else []
            if query.matches(event, haystack, names):
                yield event

    def select(self, query: Query) -> list[Event]:
        return query.order(self._matching(query))

    def count(self) -> int:
        return len(self.timeline.events)

    def event(self, event_id: str) -> Event | None:
        return self.timeline.event(event_id)

    def ids(self) -> list[str]:
        return [event.id for event in self.timeline.events]

    def summarize(self, query: Query, by: Sequence[str]) -> Summary:
        return summarize(self._all(query), by)

    def _all(self, query: Query) -> list[Event]:
        return self.select(replace(query, limit=None, reverse=False))

    def name_counts(self, query: Query) -> list[NameCount]:
        return name_counts(self._all(query))

    def quotes(self, query: Query) -> list[tuple[EventRef, Quote]]:
        return event_quotes(self._all(query))

    def figures(self, query: Query) -> list[tuple[EventRef, Figure]]:
        return event_figures(self._all(query))

    def quote_cells(self, query: Query) -> list[tuple[str, str, str, str]] | None:
        return None  # the events are at hand

    def figure_cells(self, query: Query) -> list[tuple[str, str, str, str, str, str]] | None:
        return None

    def named(self) -> list[str]:
        return named_in(self.timeline.events)

    def chart_counts(self, query: Query, by: str) -> ChartCounts | None:
        return None  # the events are at hand


def select(timeline: Timeline, query: Query) -> list[Event]:
    """The events of a timeline that a query selects, oldest first unless reversed."""
    return MemoryEngine(timeline).select(query)

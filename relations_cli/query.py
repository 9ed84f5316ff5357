"""Filters, search and ordering over a timeline: one Query, answered by an engine."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from relations_cli.errors import QueryError
from relations_cli.model import Event, Period, Timeline

if TYPE_CHECKING:
    from relations_cli.summary import Summary

__all__ = [
    "Engine",
    "MemoryEngine",
    "Query",
    "holds_words",
    "own_search_text",
    "search_text",
    "select",
    "words",
]

_NON_WORD = re.compile(r"[\W_]+")


def words(text: str) -> tuple[str, ...]:
    """Case-folded words, for matching names as whole words (`Hu` is not `Huang`)."""
    return tuple(_NON_WORD.sub(" ", text.casefold()).split())


def holds_words(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """Whether the words of a needle stand together, in order, among a haystack's words."""
    if not needle:
        return False
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


@dataclass(frozen=True)
class Query:
    """What to select. Values in one field are alternatives; fields narrow each other."""

    since: Period | None = None
    until: Period | None = None
    on: Period | None = None
    within: bool = False
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    any_term: bool = False
    limit: int | None = None
    reverse: bool = False

    def __post_init__(self) -> None:
        start, end = self.bounds
        if start and end and start > end:
            raise QueryError(f"the date range is empty: it starts {start} and ends {end}")
        if self.limit is not None and self.limit < 1:
            raise QueryError("--limit must be 1 or more")

    @property
    def bounds(self) -> tuple[date | None, date | None]:
        """The inclusive range of days asked for: --since's first day to --until's last."""
        starts = [p.start for p in (self.since, self.on) if p]
        ends = [p.end for p in (self.until, self.on) if p]
        return (max(starts) if starts else None, min(ends) if ends else None)

    @cached_property
    def _folded(self) -> dict[str, frozenset[str]]:
        return {
            "categories": frozenset(c.casefold() for c in self.categories),
            "tags": frozenset(t.casefold() for t in self.tags),
        }

    @cached_property
    def _term_keys(self) -> tuple[str, ...]:
        return tuple(term.casefold() for term in self.terms if term.strip())

    def matches_dates(self, event: Event) -> bool:
        start, end = self.bounds
        if self.within:
            return (start is None or start <= event.first_day) and (
                end is None or event.last_day <= end
            )
        return (start is None or start <= event.last_day) and (
            end is None or event.first_day <= end
        )

    def matches(self, event: Event, haystack: str, names: Sequence[tuple[str, ...]]) -> bool:
        """Whether an event passes every filter; `haystack` and `names` come from the engine."""
        if not self.matches_dates(event):
            return False
        folded = self._folded
        if folded["categories"] and event.category.casefold() not in folded["categories"]:
            return False
        if folded["tags"] and not any(t.casefold() in folded["tags"] for t in event.tags):
            return False
        if self.actors and not _any_word_match(self.actors, [words(a) for a in event.actors]):
            return False
        if self.people and not _any_word_match(self.people, names):
            return False
        if self.places and not _any_word_match(self.places, [words(event.place)]):
            return False
        keys = self._term_keys
        if keys:
            found = (key in haystack for key in keys)
            if not (any(found) if self.any_term else all(found)):
                return False
        return True

    def order(self, events: Iterable[Event]) -> list[Event]:
        """Apply --reverse and --limit to events already in chronological order."""
        ordered = list(events)
        if self.reverse:
            ordered.reverse()
        return ordered[: self.limit] if self.limit else ordered

    @property
    def has_filters(self) -> bool:
        return any((self.since, self.until, self.on, self.categories, self.tags, self.actors,
                    self.people, self.places, self._term_keys))


def _any_word_match(wanted: Iterable[str], candidates: Sequence[tuple[str, ...]]) -> bool:
    return any(holds_words(cand, words(w)) for w in wanted for cand in candidates)


def person_names(event: Event, timeline: Timeline) -> list[tuple[str, ...]]:
    """Every name an event's people go by, the registry's aliases and roles' holders included."""
    names: list[tuple[str, ...]] = []
    for name in event.named_people:
        person = timeline.person(name)
        names.extend(words(n) for n in (person.names if person else (name,)))
    return names


def own_search_text(event: Event) -> str:
    """The case-folded text `search` looks in that an event holds itself, one field a line."""
    parts = [event.id, event.title, event.summary, event.place, event.category, *event.actors,
             *event.tags]
    for quote in event.quotes:
        parts += [quote.by, quote.text]
    parts += event.named_people
    return "\n".join(parts).casefold()


def search_text(event: Event, timeline: Timeline) -> str:
    """All the text `search` looks in: the event's own, and every name and alias of the
    people it names (so `search 习近平` finds events naming Xi Jinping)."""
    names: list[str] = []
    for name in event.named_people:
        person = timeline.person(name)
        if person:
            names += person.names
    own = own_search_text(event)
    return own + "\n" + "\n".join(names).casefold() if names else own


class Engine(Protocol):
    """Answers queries over one timeline; the in-memory engine and the index both are one."""

    # The timeline's title, description and people (its events are not held here).
    registry: Timeline

    def select(self, query: Query) -> list[Event]: ...

    def count(self) -> int: ...

    def event(self, event_id: str) -> Event | None: ...

    def ids(self) -> list[str]: ...

    def summarize(self, query: Query, by: Sequence[str]) -> Summary: ...


class MemoryEngine:
    """Answers queries by scanning the loaded timeline."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.registry = timeline
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
        from relations_cli.summary import summarize

        return summarize(self.select(replace(query, limit=None, reverse=False)), by)


def select(timeline: Timeline, query: Query) -> list[Event]:
    """The events of a timeline that a query selects, oldest first unless reversed."""
    return MemoryEngine(timeline).select(query)

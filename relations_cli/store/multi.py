"""Several timelines explored as one: each file keeps its own engine (its index), and
results are merged in date order.

An id used in two files, or a person the registries of two files describe differently, is
an error naming both places. Events carry their file (`Event.file`) so output can say where
each comes from.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from relations_cli.core.engine import Engine
from relations_cli.core.errors import Problem, TimelineError
from relations_cli.core.lint import person_position
from relations_cli.core.model import Event, Figure, Person, Quote, Timeline
from relations_cli.core.people import people_of
from relations_cli.core.query import Query
from relations_cli.core.summary import (
    ChartCounts,
    EventRef,
    NameCount,
    Summary,
    event_quotes,
    merge_in_order,
    merge_name_counts,
    merge_summaries,
    name_counts,
    named_in,
    summarize,
)

__all__ = ["MultiEngine"]


class MultiEngine:
    """Answers queries over several timelines, each through its own engine."""

    def __init__(self, engines: Sequence[tuple[str, Engine]],
                 verdict: Path | None = None) -> None:
        """`verdict`, when given, is a file whose presence says these very files (by their
        fingerprints) were checked already and no id is used twice: reading every id of a
        million events costs more than the query it would precede."""
        self.engines = list(engines)
        # Event id -> index of the engine holding it; None when a verdict vouches for the ids.
        self._owner: dict[str, int] | None = None
        problems: list[Problem] = []
        if verdict is None or not verdict.exists():
            self._owner = {}
            problems = self._check_ids(self._owner)
            if verdict is not None and not problems:
                with contextlib.suppress(OSError):
                    verdict.parent.mkdir(parents=True, exist_ok=True)
                    verdict.touch()
        people = self._merge_people(problems)
        if problems:
            raise TimelineError(sorted(problems, key=lambda p: (p.path, p.line, p.column)))
        first = self.engines[0][1].registry
        self.registry = Timeline((), people, first.title, first.description,
                                 ", ".join(name for name, _ in self.engines))
        self.people = people_of(people)
        self._resolving: bool | None = None

    @property
    def resolving(self) -> bool:
        """Whether a file gives a name that only another file's registry resolves (an alias
        listed elsewhere): then the merged registry resolves every event, and the reports
        count from the resolved events. Worked out once, from the names each file gives."""
        if self._resolving is None:
            self._resolving = any(
                engine.registry.people != self.people.people and any(
                    map(self.people.changes, engine.named()))
                for _, engine in self.engines)
        return self._resolving

    def _check_ids(self, owners: dict[str, int]) -> list[Problem]:
        problems = []
        for number, (name, engine) in enumerate(self.engines):
            for event_id in engine.ids():
                owner = owners.setdefault(event_id, number)
                if owner != number:
                    first_name, first_engine = self.engines[owner]
                    before = _event_place(first_name, first_engine, event_id)
                    line, column = _event_place(name, engine, event_id)
                    problems.append(Problem(name, line, column, f"duplicate id '{event_id}' "
                                            f"(also at {first_name}:{before[0]}:{before[1]})"))
        return problems

    def _merge_people(self, problems: list[Problem]) -> tuple[Person, ...]:
        merged: dict[str, tuple[str, Person]] = {}
        for name, engine in self.engines:
            for person in engine.registry.people:
                key = person.name.casefold()
                if key not in merged:
                    merged[key] = (name, person)
                    continue
                first_name, first = merged[key]
                if first != person:
                    before = person_position(_lines(first_name), first.name)
                    line, column = person_position(_lines(name), person.name)
                    problems.append(Problem(
                        name, line, column, f"person '{person.name}' is described differently "
                        f"in {first_name}:{before[0]}:{before[1]}; describe them the same way "
                        "in both registries, or in one"))
        return tuple(person for _, person in merged.values())

    def select(self, query: Query) -> list[Event]:
        # Each engine applies the order and limit itself (the first N of the whole are among
        # the first N of each file), and the merge keeps that order and takes N once.
        streams = [self._tagged(number, name, engine.select(query))
                   for number, (name, engine) in enumerate(self.engines)]
        merged = heapq.merge(*streams, key=lambda pair: pair[0], reverse=query.reverse)
        chosen = [event for _, event in itertools.islice(merged, query.limit)]
        return list(map(self.people.resolved, chosen)) if self.resolving else chosen

    @staticmethod
    def _tagged(number: int, name: str, events: Sequence[Event],
                ) -> Iterator[tuple[tuple[object, ...], Event]]:
        for event in events:
            yield (event.first_day, event.last_day, number, event.line), event._replace(file=name)

    def count(self) -> int:
        return sum(engine.count() for _, engine in self.engines)

    def event(self, event_id: str) -> Event | None:
        if self._owner is not None:
            number = self._owner.get(event_id)
            candidates = [self.engines[number]] if number is not None else []
        else:
            candidates = self.engines  # ids are known to be unique: the first file holding it
        for name, engine in candidates:
            found = engine.event(event_id)
            if found is not None:
                found = found._replace(file=name)
                return self.people.resolved(found) if self.resolving else found
        return None

    def ids(self) -> list[str]:
        if self._owner is not None:
            return list(self._owner)
        return [event_id for _, engine in self.engines for event_id in engine.ids()]

    def summarize(self, query: Query, by: Sequence[str]) -> Summary:
        # Each file counts its own events (in SQL where its index can); the counts add up.
        if self.resolving and "person" in by:
            return summarize(self._all(query), by)
        return merge_summaries([engine.summarize(query, by) for _, engine in self.engines], by)

    # Reports: each file answers for its own events (in SQL where its index can), and the
    # answers merge as the events would, file by file in date order.

    def _all(self, query: Query) -> list[Event]:
        return self.select(replace(query, limit=None, reverse=False))

    def name_counts(self, query: Query) -> list[NameCount]:
        if self.resolving:
            return name_counts(self._all(query))
        parts = []
        for number, (name, engine) in enumerate(self.engines):
            parts.append([replace(
                count,
                first=count.first._replace(file=name) if count.first else None,
                last=count.last._replace(file=name) if count.last else None,
                first_key=_in_file(count.first_key, number),
                last_key=_in_file(count.last_key, number))
                for count in engine.name_counts(query)])
        return merge_name_counts(parts)

    def quotes(self, query: Query) -> list[tuple[EventRef, Quote]]:
        if self.resolving:
            return event_quotes(self._all(query))
        return merge_in_order([engine.quotes(query) for _, engine in self.engines])

    def figures(self, query: Query) -> list[tuple[EventRef, Figure]]:
        return merge_in_order([engine.figures(query) for _, engine in self.engines])

    def named(self) -> list[str]:
        if self.resolving:
            return named_in(self.select(Query()))
        names = list(dict.fromkeys(n for _, engine in self.engines for n in engine.named()))
        if len({n.casefold() for n in names}) < len(names):
            # Spellings of one name in different cases: which comes first depends on the
            # dates across files (a hint shows the first), so the events decide.
            return named_in(self.select(Query()))
        return names

    def quote_cells(self, query: Query) -> list[tuple[str, str, str, str]] | None:
        return None  # rows from several files merge as objects (quotes)

    def figure_cells(self, query: Query) -> list[tuple[str, str, str, str, str, str]] | None:
        return None

    def chart_counts(self, query: Query, by: str) -> ChartCounts | None:
        return None  # drawn from the merged events

def _in_file(key: tuple[int, int, int, int], number: int) -> tuple[int, int, int, int]:
    return (key[0], key[1], number, key[3])


def _lines(name: str) -> list[str]:
    from relations_cli.store.loader import read_lines

    return read_lines(name) if not name.startswith("<") else []


def _event_place(name: str, engine: Engine, event_id: str) -> tuple[int, int]:
    """The line and column where an event starts in its file."""
    event = engine.event(event_id)
    line = event.line if event is not None else 1
    lines = _lines(name)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    stripped = text.lstrip(" -")
    return line, (len(text) - len(stripped) + 1 if stripped else 1)

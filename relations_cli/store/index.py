"""The index engine: a SQLite copy of a timeline that answers queries without reading the YAML.

The YAML file stays the source of truth. The index is built (store/build) while the file
streams through the strict loader, kept in the user's cache (store/cache) and trusted only
while the file's fingerprint matches; queries become SQL in store/sql. store/source.open_index
says in order how one is found or built, then opened here.

Search runs on an FTS5 trigram index of the same case-folded text the in-memory search reads,
so it finds the same substrings, Chinese and Russian names included.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relations_cli.core.model import Day, Deferred, Event, Person, Precision, Timeline, year_text
from relations_cli.core.people import people_of
from relations_cli.core.query import Query
from relations_cli.core.records import event_from_record, event_record
from relations_cli.store.cache import CacheEntry, cache_dir, cache_entries, clear_cache, index_path
from relations_cli.store.rows import PRECISIONS, Packer
from relations_cli.store.sql import Selection, selection

if TYPE_CHECKING:
    from relations_cli.core.model import Figure, Quote
    from relations_cli.core.summary import ChartCounts, EventRef, NameCount, Summary

__all__ = ["CacheEntry", "IndexEngine", "StoredEvents", "cache_dir", "cache_entries",
           "clear_cache"]


def _index_path(path: Path) -> Path:
    """The cached index's path for a timeline (tests use it); the cache folder must exist."""
    folder = cache_dir()
    assert folder is not None
    return index_path(path, folder)


class StoredEvents(Deferred):
    """Selected events as the index stores them: each one's packed record and line, and
    what unpacks a record (store/rows.Packer.record: JSON text, exactly as
    `json.dumps(record, ensure_ascii=False)` writes it). They become `Event`s only when read
    as events; a listing in plain, JSON, JSON Lines, CSV or TSV formats the records
    themselves (render/present), which costs a few microseconds an event instead of forty."""

    def __init__(self, rows: list[tuple[bytes, int]], unpack: Callable[[bytes], str],
                 resolve: Callable[[Event], Event] | None = None) -> None:
        super().__init__(self._built)
        self._rows = rows
        self._unpack = unpack
        # Set when some stored name is an alias (IndexEngine.resolving): events then go
        # through the registry, and records are made again from them.
        self._resolve = resolve

    def records(self) -> list[str]:
        """Each event's record as stored, without building the event."""
        if self._resolve is not None:
            dumps = json.dumps
            return [dumps(event_record(event), ensure_ascii=False) for event in self]
        unpack = self._unpack
        return [unpack(blob) for blob, _ in self._rows]

    def _built(self) -> list[Event]:
        loads = json.loads
        unpack = self._unpack
        built = [event_from_record(loads(unpack(blob)), line) for blob, line in self._rows]
        return built if self._resolve is None else list(map(self._resolve, built))

    def __len__(self) -> int:
        return len(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredEvents):
            return self._rows == other._rows
        return isinstance(other, Sequence) and list(self._read()) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredEvents({len(self._rows)} events)"


class IndexEngine:
    """Answers queries from an index; gives the same answers as the in-memory engine."""

    def __init__(self, db: sqlite3.Connection, path: str,
                 recover: Callable[[], sqlite3.Connection] | None = None) -> None:
        self.path = path
        # Rebuilds a cached index found damaged past its header, once, mid-query.
        self._recover = recover
        self._load(db)

    def _load(self, db: sqlite3.Connection) -> None:
        self.db = db
        meta = dict(db.execute("SELECT key, value FROM meta"))
        self.packer = Packer(meta.get("dictionary", b""))
        self.packer.register(db)
        people = tuple(Person(name, role, tuple(aliases))
                       for name, role, aliases in json.loads(meta.get("people", "[]")))
        self.registry = Timeline((), people, meta.get("title", ""),
                                 meta.get("description", ""), self.path)
        self.people = people_of(people)
        # Whether an event gives a name the registry writes otherwise (an alias, another
        # case): then every event is resolved on its way out, and the reports that SQL counts
        # by name as written are counted from the resolved events instead.
        self.resolving = meta.get("resolve", "1" if people else "0") == "1"
        self._resolve = self.people.resolved if self.resolving else None
        self.total = int(meta.get("count", "0"))
        self.max_span = int(meta.get("max_span", "0"))
        self.shift = int(meta.get("pair_shift", "1"))

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError:
            if self._recover is None:
                raise
            recover, self._recover = self._recover, None
            self.db.close()
            self._load(recover())
            return self.db.execute(sql, params).fetchall()

    def count(self) -> int:
        return self.total

    def _selection(self, query: Query) -> Selection:
        return selection(query, self.max_span, self.shift)

    def select(self, query: Query) -> Sequence[Event]:
        chosen = self._selection(query)
        params = list(chosen.params)
        order = "DESC" if query.reverse else "ASC"
        sql = (f"SELECT record, line FROM events{chosen.where} "
               f"ORDER BY first_day {order}, last_day {order}, line {order}")
        if query.limit and not chosen.terms_in_python:
            sql += " LIMIT ?"
            params.append(query.limit)
        stored = StoredEvents(self._rows(sql, params), self.packer.record, self._resolve)
        if not chosen.terms_in_python:
            return stored
        events = self._with_terms(query, list(stored))
        return events[: query.limit] if query.limit else events

    def _with_terms(self, query: Query, events: list[Event]) -> list[Event]:
        """Search terms checked as the in-memory engine checks them, on the same text."""
        from relations_cli.core.people import person_names, search_text

        registry = self.registry
        return [event for event in events
                if query.matches(event, search_text(event, registry),
                                 person_names(event, registry))]

    def event(self, event_id: str) -> Event | None:
        rows = self._rows("SELECT record, line FROM events WHERE id = ?", (event_id,))
        return self._event(rows[0]) if rows else None

    def _event(self, row: tuple[bytes, int]) -> Event:
        event = event_from_record(json.loads(self.packer.record(row[0])), row[1])
        return event if self._resolve is None else self._resolve(event)

    def ids(self) -> list[str]:
        return [row[0] for row in self._rows("SELECT id FROM events")]

    def summarize(self, query: Query, by: Sequence[str]) -> Summary:
        """Counted in SQL for periods and categories; other groupings count selected events.
        The labels, the busiest-period rule and the ordering are core's (core/summary)."""
        from collections import Counter

        from relations_cli.core.summary import (
            NONE_LABEL,
            TIME_GROUPINGS,
            check_groupings,
            count_groups,
            make_summary,
            summarize,
            time_label,
        )

        check_groupings(by)
        chosen = self._selection(replace(query, limit=None))
        if chosen.terms_in_python or any(key not in (*TIME_GROUPINGS, "category") for key in by):
            return summarize(self.select(replace(query, limit=None, reverse=False)), by)
        where, params = chosen.where, chosen.params
        rows = self._rows(
            f"SELECT year, month, precision, category, count(*) FROM events{where} "
            "GROUP BY year, month, precision, category", params)
        total = sum(row[4] for row in rows)

        def labels(row: tuple[Any, ...]) -> list[tuple[list[str], bool]]:
            first_day = Day.of(row[0], row[1], 1)
            precision = PRECISIONS[row[2]]
            return [time_label(first_day, precision, key) if key in TIME_GROUPINGS
                    else ([row[3]] if row[3] else [NONE_LABEL], False) for key in by]

        groups, apart = count_groups((labels(row), row[4]) for row in rows)
        months: Counter[str] = Counter()
        years: Counter[str] = Counter()
        for year, month, precision, _, count in rows:
            years[year_text(year)] += count
            if PRECISIONS[precision] in (Precision.MONTH, Precision.DAY):
                months[f"{year_text(year)}-{month:02d}"] += count
        first = last = closing = None
        start = end = None
        if total:
            bounds = self._rows(f"SELECT min(first_day), max(last_day) FROM events{where}",
                                params)[0]
            start, end = Day(bounds[0]), Day(bounds[1])
            first = self._one(where, params, "first_day ASC, last_day ASC, line ASC")
            last = self._one(where, params, "first_day DESC, last_day DESC, line ASC")
            closing = self._one(where, params, "last_day DESC, line ASC")
        return make_summary(count=total, start=start, end=end, first=first, last=last,
                            by=by, groups=groups, apart=apart, months=months, years=years,
                            closing=closing)

    def _one(self, where: str, params: list[Any], order: str) -> Event | None:
        rows = self._rows(f"SELECT record, line FROM events{where} "
                          f"ORDER BY {order} LIMIT 1", params)
        return self._event(rows[0]) if rows else None

    # -- reports (store/aggregates): answered in SQL, or from the events when SQL cannot
    # check the query exactly (search terms across fields, --fuzzy).

    def _numbered(self, numbers: Sequence[int]) -> dict[int, Event]:
        """Events by their row numbers."""
        found: dict[int, Event] = {}
        unique = sorted(set(numbers))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for n, record, line in self._rows(
                    f"SELECT n, record, line FROM events WHERE n IN ({marks})",
                    chunk):
                found[n] = self._event((record, line))
        return found

    def _report_selection(self, query: Query, names: bool = False) -> Selection | None:
        """The selection SQL answers a report from; None when the report is counted from the
        events: SQL cannot check the query exactly, or the report counts names (`names`)
        and some are aliases."""
        if names and self.resolving:
            return None
        chosen = self._selection(replace(query, limit=None, reverse=False))
        return None if chosen.terms_in_python else chosen

    def _events_of(self, query: Query) -> Sequence[Event]:
        return self.select(replace(query, limit=None, reverse=False))

    def name_counts(self, query: Query) -> list[NameCount]:
        from relations_cli.core.summary import NameCount, name_counts
        from relations_cli.store.aggregates import extreme_event, mention_totals

        chosen = self._report_selection(query, names=True)
        if chosen is None:
            return name_counts(self._events_of(query))
        where, params = chosen.where, chosen.params
        totals = mention_totals(self._rows, where, params)
        ends = [(extreme_event(self._rows, where, params, name, low, last=False),
                 extreme_event(self._rows, where, params, name, high, last=True))
                for name, _, _, low, high in totals]
        events = self._numbered([end[0] for pair in ends for end in pair if end])
        counts = []
        for (name, times, said, _, _), (first, last) in zip(totals, ends, strict=True):
            # The name's own events: both exist.
            assert first is not None
            assert last is not None
            counts.append(NameCount(name, times, said, events[first[0]], events[last[0]],
                                    (first[1], first[2], 0, first[3]),
                                    (last[1], last[2], 0, last[3])))
        return counts

    def quotes(self, query: Query) -> list[tuple[EventRef, Quote]]:
        from relations_cli.core.model import Quote
        from relations_cli.core.summary import EventRef, event_quotes
        from relations_cli.store.aggregates import quote_rows

        chosen = self._report_selection(query)
        if chosen is None:
            return event_quotes(self._events_of(query))
        speaker = self.people.canonical if self.resolving else str
        return [(EventRef(event_id, when, (first, last, 0, line)), Quote(speaker(by), text))
                for event_id, when, by, text, first, last, line
                in quote_rows(self._rows, chosen.where, chosen.params)]

    def figures(self, query: Query) -> list[tuple[EventRef, Figure]]:
        from relations_cli.core.model import Figure
        from relations_cli.core.summary import EventRef, event_figures
        from relations_cli.store.aggregates import figure_rows

        chosen = self._report_selection(query)
        if chosen is None:
            return event_figures(self._events_of(query))
        return [(EventRef(event_id, when, (first, last, 0, line)),
                 Figure(label, value, unit, change))
                for event_id, when, label, value, unit, change, first, last, line
                in figure_rows(self._rows, chosen.where, chosen.params)]

    def quote_cells(self, query: Query) -> list[tuple[str, str, str, str]] | None:
        """The quotes of the selection as the report prints them (aggregates.quote_cells),
        without building a row object each; None when SQL cannot check the query exactly."""
        from relations_cli.store.aggregates import quote_cells

        chosen = self._report_selection(query)
        if chosen is None:
            return None
        cells = quote_cells(self._rows, chosen.where, chosen.params)
        if not self.resolving:
            return cells
        speaker = self.people.canonical
        return [(when, speaker(by), said, event_id) for when, by, said, event_id in cells]

    def figure_cells(self, query: Query) -> list[tuple[str, str, str, str, str, str]] | None:
        """The figures of the selection as the report prints them (aggregates.figure_cells);
        None when SQL cannot check the query exactly."""
        from relations_cli.store.aggregates import figure_cells

        chosen = self._report_selection(query)
        return None if chosen is None else figure_cells(self._rows, chosen.where,
                                                        chosen.params)

    def named(self) -> list[str]:
        """As named_in over every event: only the order of spellings of one name in
        different cases can matter (which one a hint shows), so only theirs is looked up."""
        from relations_cli.core.summary import named_in
        from relations_cli.store.aggregates import mentioned_events, names_given

        if self.resolving:
            return named_in(self._events_of(Query()))
        names = sorted(names_given(self._rows))
        spellings: dict[str, list[str]] = {}
        for name in names:
            spellings.setdefault(name.casefold(), []).append(name)
        several = [name for group in spellings.values() if len(group) > 1 for name in group]
        if not several:
            return names
        numbers = mentioned_events(self._rows, several)
        events = self._numbered(numbers)
        first_seen = {name: place for place, name in
                      enumerate(named_in(events[n] for n in numbers))}
        return sorted(names, key=lambda name: (name.casefold(), first_seen.get(name, 0)))

    def chart_counts(self, query: Query, by: str) -> ChartCounts | None:
        """A chart with lanes by category, counted in SQL; None for other lanes (their
        names are not stored as written) and queries SQL cannot check exactly."""
        from relations_cli.core.summary import NONE_LABEL, ChartCounts, ChartFrame, Stroke
        from relations_cli.store.aggregates import chart_days, chart_frame

        chosen = self._report_selection(query)
        if by != "category" or chosen is None or query.limit:
            return None  # a limit charts the first N events: drawn from them
        where, params = chosen.where, chosen.params
        framed = chart_frame(self._rows, where, params, self.max_span)
        if framed is None:
            return None
        total, start, end, key = framed
        days = chart_days(self._rows, where, params, key, PRECISIONS.index(Precision.DAY)) \
            if total else []
        lanes: dict[str, int] = {}
        for category, *_, least in days:
            lane = category or NONE_LABEL
            lanes[lane] = min(least, lanes.get(lane, least))
        frame = ChartFrame(total, Day(start), Day(end), sorted(lanes, key=lanes.__getitem__),
                           sorted({row[0] for row in days if row[0]}))

        def strokes(axis_width: int) -> list[Stroke]:
            # Days to columns as render/chart._columns places them; alike strokes add up.
            span = end - start + 1
            merged: dict[tuple[str, int, int, bool, bool], list[int]] = {}

            def add(key: tuple[str, int, int, bool, bool], count: int, order: int) -> None:
                seen = merged.get(key)
                if seen is None:
                    merged[key] = [count, order]
                else:
                    seen[0] += count
                    seen[1] = max(seen[1], order)

            for category, first, last, dated, count, sharp, last_sharp, last_fuzzy, _ in days:
                if span == 1:
                    cf = cl = axis_width // 2
                else:
                    cf = min(axis_width - 1, (first - start) * axis_width // span)
                    cl = min(axis_width - 1, (last - start) * axis_width // span)
                if sharp:
                    assert last_sharp is not None
                    add((category, cf, cl, False, bool(dated)), sharp, last_sharp)
                if count > sharp:
                    assert last_fuzzy is not None
                    add((category, cf, cl, True, bool(dated)), count - sharp, last_fuzzy)
            return [Stroke(category or NONE_LABEL, cf, cl, fuzzy, dated, category, count,
                           order)
                    for (category, cf, cl, fuzzy, dated), (count, order) in merged.items()]

        return ChartCounts(frame, strokes)

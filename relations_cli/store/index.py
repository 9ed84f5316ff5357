"""The index engine: a SQLite copy of a timeline that answers queries without reading the YAML.

The YAML file stays the source of truth. The index is built (store/build) while the file
streams through the strict loader, kept in the user's cache (store/cache) and trusted only
while the file's fingerprint matches; queries become SQL in store/sql. It is written to a
temporary file and renamed into place under a lock, so a concurrent run never sees half an
index; a corrupt or foreign file is rebuilt, never trusted; when the cache cannot be written
(no home, a full disk, any SQLite error) the run answers from an index in memory.

Search runs on an FTS5 trigram index of the same case-folded text the in-memory search reads,
so it finds the same substrings, Chinese and Russian names included.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from relations_cli.core.model import Day, Event, Person, Precision, Timeline, year_text
from relations_cli.core.people import people_of
from relations_cli.core.query import Query
from relations_cli.core.records import event_from_record
from relations_cli.store.cache import (
    CacheEntry,
    cache_dir,
    cache_entries,
    clear_cache,
    connect_readonly,
    fresh_index,
    housekeep,
    index_path,
    locked,
    mark_used,
    notice,
    signals_deferred,
    sweep,
)
from relations_cli.store.rows import PRECISIONS, Packer
from relations_cli.store.sql import Selection, selection

if TYPE_CHECKING:
    from relations_cli.core.summary import Summary

__all__ = ["CacheEntry", "IndexEngine", "StoredEvents", "cache_dir", "cache_entries",
           "clear_cache", "open_index"]

Progress = Callable[[int, int], None]


def _index_path(path: Path) -> Path:
    """The cached index's path for a timeline (tests use it); the cache folder must exist."""
    folder = cache_dir()
    assert folder is not None
    return index_path(path, folder)


def open_index(source: Path, use_cache: bool = True,
               progress: Progress | None = None) -> IndexEngine:
    """The index of a timeline file: the cached one if fresh, else built now.

    Raises TimelineError for a missing or invalid file (and then keeps no index). Without
    the cache (or when the cache cannot be used) the index lives in memory.
    """
    if not source.is_file():
        from relations_cli.store.loader import open_timeline_file

        handle, _ = open_timeline_file(source)  # raises the file's own one-line problem
        handle.close()
    shown = os.fsdecode(source)
    folder = cache_dir() if use_cache else None
    if use_cache and folder is None:
        notice("no usable home folder for the cache; answering from memory")
    if folder is not None:
        index = index_path(source, folder)
        db = fresh_index(index, source)

        def recover() -> sqlite3.Connection:
            with contextlib.suppress(OSError):
                index.unlink()
            return _rebuild(index, source, progress).db

        if db is not None:
            mark_used(index)
            housekeep(folder, keep=index, force=False)
            return IndexEngine(db, shown, recover)
        try:
            return _rebuild(index, source, progress)
        except OSError as error:
            notice(f"cannot write the index in {os.fsdecode(folder)} "
                   f"({error.strerror or error}); answering from memory")
        except sqlite3.Error as error:
            notice(f"cannot write the index in {os.fsdecode(folder)} ({error}); "
                   "answering from memory")
    from relations_cli.store.build import build_index

    db = sqlite3.connect(":memory:")
    build_index(db, source, progress)
    return IndexEngine(db, shown)


def _rebuild(index: Path, source: Path, progress: Progress | None) -> IndexEngine:
    import tempfile

    from relations_cli.store.build import build_index

    index.parent.mkdir(parents=True, exist_ok=True)
    with locked(index.with_suffix(".lock")):
        sweep(index.parent, holding=index)  # what killed builds left behind
        # Another run may have built it while this one waited for the lock.
        db = fresh_index(index, source)
        if db is not None:
            return IndexEngine(db, os.fsdecode(source))
        temporary = ""
        try:
            with signals_deferred():
                fd, temporary = tempfile.mkstemp(prefix=index.name + ".", suffix=".tmp",
                                                 dir=index.parent)
            os.close(fd)
            building = sqlite3.connect(temporary)
            try:
                build_index(building, source, progress)
            finally:
                building.close()
            os.replace(temporary, index)
            housekeep(index.parent, keep=index)  # the cache grew: keep it bounded
        except BaseException:
            if temporary:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            raise
    db = fresh_index(index, source)
    if db is None:  # the file changed while it was being indexed: answer from what was read
        db = connect_readonly(index)
    return IndexEngine(db, os.fsdecode(source))


class StoredEvents(Sequence[Event]):
    """Selected events as the index stores them: each one's packed record (store/rows.Packer:
    JSON text, exactly as `json.dumps(record, ensure_ascii=False)` writes it) and line. They
    become `Event`s only when read as events; a listing in plain, JSON, JSON Lines, CSV or TSV
    formats the records themselves (render/present), which costs a few microseconds an event
    instead of forty."""

    def __init__(self, rows: list[tuple[bytes, int]], packer: Packer) -> None:
        self._rows = rows
        self._packer = packer
        self._events: list[Event] | None = None

    def records(self) -> list[str]:
        record = self._packer.record
        return [record(blob) for blob, _ in self._rows]

    def _built(self) -> list[Event]:
        if self._events is None:
            loads = json.loads
            record = self._packer.record
            self._events = [event_from_record(loads(record(blob)), line)
                            for blob, line in self._rows]
        return self._events

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        return self._built()[index]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredEvents):
            return self._rows == other._rows
        return isinstance(other, Sequence) and self._built() == list(other)

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
        sql = (f"SELECT record, line FROM events{chosen.where} ORDER BY first_day {order}, "
               f"last_day {order}, line {order}")
        if query.limit and not chosen.terms_in_python:
            sql += " LIMIT ?"
            params.append(query.limit)
        stored = StoredEvents(self._rows(sql, params), self.packer)
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
        return event_from_record(json.loads(self.packer.record(row[0])), row[1])

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
        rows = self._rows(f"SELECT record, line FROM events{where} ORDER BY {order} LIMIT 1",
                          params)
        return self._event(rows[0]) if rows else None

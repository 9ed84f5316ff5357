"""The index: a SQLite copy of a timeline that answers queries without reading the YAML.

The YAML file stays the source of truth. The index is built while the file streams through
the strict loader, kept in the user's cache keyed by the file's path, and trusted only while
the file's size, modification time and inode and the tool's version all match what it was
built from. It is written to a temporary file and renamed into place under a lock, so a
concurrent run never sees half an index; a corrupt or foreign file is rebuilt, never trusted.

Search runs on an FTS5 trigram index of the same case-folded text the in-memory search reads,
so it finds the same substrings, Chinese and Russian names included.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relations_cli._version import __version__
from relations_cli.core.errors import TimelineError
from relations_cli.core.model import Event, Person, Precision, Timeline
from relations_cli.core.people import people_of
from relations_cli.core.query import Query
from relations_cli.core.records import event_from_record, event_record
from relations_cli.core.text import own_search_text, words

if TYPE_CHECKING:
    from relations_cli.core.summary import Summary
    from relations_cli.store.loader import Header

__all__ = ["CacheEntry", "IndexEngine", "cache_dir", "cache_entries", "clear_cache",
           "open_index"]

SCHEMA_VERSION = 2
APPLICATION_ID = 0x52454C41  # "RELA"
_PRECISIONS = (Precision.YEAR, Precision.MONTH, Precision.DAY)
_BATCH = 2000

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events(
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    line INTEGER NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    precision INTEGER NOT NULL,
    category TEXT NOT NULL,
    category_folded TEXT NOT NULL,
    place_words TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE tags(event INTEGER NOT NULL, folded TEXT NOT NULL);
CREATE TABLE actors(event INTEGER NOT NULL, words TEXT NOT NULL);
CREATE TABLE named(event INTEGER NOT NULL, folded TEXT NOT NULL, words TEXT NOT NULL);
CREATE TABLE aliases(folded TEXT NOT NULL, words TEXT NOT NULL, names TEXT NOT NULL);
CREATE VIRTUAL TABLE search USING fts5(body, tokenize='trigram case_sensitive 1', detail=none);
"""
_INDEXES = """
CREATE INDEX events_order ON events(first_day, last_day, line);
CREATE INDEX events_groups ON events(year, month, precision, category, first_day, last_day,
                                     category_folded);
CREATE INDEX events_id ON events(id);
CREATE INDEX tags_folded ON tags(folded, event);
CREATE INDEX named_folded ON named(folded, event);
CREATE INDEX actors_event ON actors(event);
CREATE INDEX aliases_folded ON aliases(folded);
"""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "relations"


def _fingerprint(path: Path) -> dict[str, str]:
    info = os.stat(path)
    return {"source": str(path.resolve()), "size": str(info.st_size),
            "mtime_ns": str(info.st_mtime_ns), "inode": str(info.st_ino),
            "version": __version__, "schema": str(SCHEMA_VERSION)}


def _index_path(path: Path) -> Path:
    """Where a timeline's index lives: named for its path (the index records the path too, so
    two paths that share a name only rebuild each other's index, never misread it)."""
    import zlib

    resolved = path.resolve()
    raw = str(resolved).encode("utf-8", "surrogateescape")
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in resolved.stem)[:40]
    return cache_dir() / f"{stem}-{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.sqlite"


# -- building ---------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _padded(text: str) -> str:
    """A name's words between spaces, so `instr` finds whole words (names repeat: cached)."""
    return " " + " ".join(words(text)) + " "


# One encoder for every record: json.dumps with options would build one for each call.
_RECORD_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class _Rows:
    """Turns events, one at a time from the streaming loader, into batches of table rows."""

    def __init__(self, send: Callable[[tuple[list[Any], ...]], None], first_n: int = 0,
                 line_delta: int = 0) -> None:
        self.send = send
        self.count = 0
        self.first_n = first_n
        self.line_delta = line_delta
        self._new()

    def _new(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.tags: list[tuple[int, str]] = []
        self.actors: list[tuple[int, str]] = []
        self.named: list[tuple[int, str, str]] = []
        self.bodies: list[tuple[int, str]] = []

    def add(self, event: Event) -> None:
        self.count += 1
        n = self.first_n + self.count
        first = event.first_day
        self.rows.append((
            n, event.id, first.toordinal(), event.last_day.toordinal(),
            event.line + self.line_delta, first.year, first.month,
            _PRECISIONS.index(event.date.precision), event.category, event.category.casefold(),
            _padded(event.place),
            _RECORD_JSON.encode(event_record(event)),
        ))
        self.tags.extend((n, tag.casefold()) for tag in event.tags)
        self.actors.extend((n, _padded(actor)) for actor in event.actors)
        self.named.extend((n, name.casefold(), _padded(name)) for name in event.named_people)
        self.bodies.append((n, own_search_text(event)))
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.send((self.rows, self.tags, self.actors, self.named, self.bodies))
            self._new()


def _insert(db: sqlite3.Connection, batch: tuple[list[Any], ...]) -> None:
    rows, tags, actors, named, bodies = batch
    db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO tags VALUES (?,?)", tags)
    db.executemany("INSERT INTO actors VALUES (?,?)", actors)
    db.executemany("INSERT INTO named VALUES (?,?,?)", named)
    db.executemany("INSERT INTO search(rowid, body) VALUES (?,?)", bodies)


def _build(db: sqlite3.Connection, source: Path,
           progress: Callable[[int, int], None] | None) -> None:
    from relations_cli.store import parallel

    fingerprint = _fingerprint(source)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.executescript(_SCHEMA)
    built = parallel.build(db, source, progress, _Rows, _insert)
    if built is None:  # too small to split, or the split file needs the careful reading
        _empty(db)
        built = _sequential(db, source, progress)
    header, count = built
    aliases: list[tuple[str, str, str]] = []
    for person in header.people:
        names = "\n".join(person.names).casefold()
        for key in person.names:
            aliases.extend((key.casefold(), _padded(name), names) for name in person.names)
    db.executemany("INSERT INTO aliases VALUES (?,?,?)", aliases)
    meta = {
        **fingerprint,
        "title": header.title,
        "description": header.description,
        "people": json.dumps([[p.name, p.role, list(p.aliases)] for p in header.people],
                             ensure_ascii=False),
        "count": str(count),
        # The longest span of any event, so a --since bound also bounds first_day below.
        "max_span": str(db.execute("SELECT coalesce(max(last_day - first_day), 0) "
                                   "FROM events").fetchone()[0]),
    }
    db.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
    db.executescript(_INDEXES)
    # Written last: an index without it is never trusted.
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.commit()


def _sequential(db: sqlite3.Connection, source: Path,
                progress: Callable[[int, int], None] | None) -> tuple[Header, int]:
    from relations_cli.store.loader import stream_timeline

    rows = _Rows(lambda batch: _insert(db, batch))
    header, problems = stream_timeline(source, rows.add, progress)
    if problems:
        raise TimelineError(problems)
    rows.flush()
    return header, rows.count


def _empty(db: sqlite3.Connection) -> None:
    for table in ("events", "tags", "actors", "named", "aliases", "meta"):
        db.execute(f"DELETE FROM {table}")
    db.execute("DELETE FROM search")


# -- opening ----------------------------------------------------------------------------------


def _fresh(index: Path, source: Path) -> sqlite3.Connection | None:
    """A read-only connection to the index when it matches the source as it is now."""
    if not index.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        application = db.execute("PRAGMA application_id").fetchone()[0]
        schema = db.execute("PRAGMA user_version").fetchone()[0]
        if application != APPLICATION_ID or schema != SCHEMA_VERSION:
            db.close()
            return None
        meta = dict(db.execute("SELECT key, value FROM meta"))
        fingerprint = _fingerprint(source)
        if any(meta.get(key) != value for key, value in fingerprint.items()):
            db.close()
            return None
    except (sqlite3.Error, OSError):
        db.close()
        return None
    return db


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # no flock here: the rename alone still keeps half an index unseen
        yield
        return
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_index(source: Path, use_cache: bool = True,
               progress: Callable[[int, int], None] | None = None) -> IndexEngine:
    """The index of a timeline file: the cached one if fresh, else built now.

    Raises TimelineError for a missing or invalid file (and then keeps no index). Without
    the cache (or when the cache folder cannot be written) the index lives in memory.
    """
    if not source.is_file():
        from relations_cli.store.loader import open_timeline_file

        handle, _ = open_timeline_file(source)  # raises the file's own one-line problem
        handle.close()
    if use_cache:
        index = _index_path(source)
        db = _fresh(index, source)

        def recover() -> sqlite3.Connection:
            with contextlib.suppress(OSError):
                index.unlink()
            return _rebuild(index, source, progress).db

        if db is not None:
            return IndexEngine(db, str(source), recover)
        with contextlib.suppress(OSError):
            return _rebuild(index, source, progress)
    db = sqlite3.connect(":memory:")
    _build(db, source, progress)
    return IndexEngine(db, str(source))


def _rebuild(index: Path, source: Path,
             progress: Callable[[int, int], None] | None) -> IndexEngine:
    index.parent.mkdir(parents=True, exist_ok=True)
    with _locked(index.with_suffix(".lock")):
        # Another run may have built it while this one waited for the lock.
        db = _fresh(index, source)
        if db is not None:
            return IndexEngine(db, str(source))
        import tempfile

        fd, temporary = tempfile.mkstemp(prefix=index.name + ".", suffix=".tmp",
                                         dir=index.parent)
        os.close(fd)
        try:
            building = sqlite3.connect(temporary)
            try:
                _build(building, source, progress)
            finally:
                building.close()
            os.replace(temporary, index)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    db = _fresh(index, source)
    if db is None:  # the file changed while it was being indexed: answer from what was read
        db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    return IndexEngine(db, str(source))


# -- answering --------------------------------------------------------------------------------


def _glob_literal(text: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in text)


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
        people = tuple(Person(name, role, tuple(aliases))
                       for name, role, aliases in json.loads(meta.get("people", "[]")))
        self.registry = Timeline((), people, meta.get("title", ""),
                                 meta.get("description", ""), self.path)
        self.people = people_of(people)
        self.total = int(meta.get("count", "0"))
        self.max_span = int(meta.get("max_span", "0"))

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

    def _where(self, query: Query) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        start, end = query.bounds
        if query.within:
            if start:
                clauses.append("first_day >= ?")
                params.append(start.toordinal())
            if end:
                clauses.append("last_day <= ?")
                params.append(end.toordinal())
        else:
            if start:
                # The second bound follows from the first (no event is longer than max_span)
                # and lets SQLite seek in the chronological index instead of scanning it.
                clauses.append("last_day >= ? AND first_day >= ?")
                params += [start.toordinal(), start.toordinal() - self.max_span]
            if end:
                clauses.append("first_day <= ?")
                params.append(end.toordinal())
        if query.categories:
            folded = sorted({c.casefold() for c in query.categories})
            clauses.append(f"category_folded IN ({','.join('?' * len(folded))})")
            params += folded
        if query.tags:
            folded = sorted({t.casefold() for t in query.tags})
            clauses.append(f"n IN (SELECT event FROM tags WHERE folded IN "
                           f"({','.join('?' * len(folded))}))")
            params += folded
        self._words_clause(query.actors, "n IN (SELECT event FROM actors WHERE instr(words, ?))",
                           clauses, params)
        self._words_clause(
            query.people,
            "n IN (SELECT event FROM named WHERE instr(words, ?) OR folded IN "
            "(SELECT folded FROM aliases WHERE instr(words, ?)))",
            clauses, params, repeat=2)
        self._words_clause(query.places, "instr(place_words, ?)", clauses, params)
        keys = [term.casefold() for term in query.terms if term.strip()]
        if keys:
            parts = []
            for key in keys:
                # The trigram index serves terms of three characters or more; shorter ones
                # are looked for in every body (SQLite 3.40 misses short non-ASCII patterns).
                own = ("body GLOB ?", f"*{_glob_literal(key)}*") if len(key) >= 3 else \
                    ("instr(body, ?)", key)
                parts.append(
                    f"(n IN (SELECT rowid FROM search WHERE {own[0]}) OR n IN (SELECT event "
                    "FROM named WHERE folded IN (SELECT folded FROM aliases WHERE "
                    "instr(names, ?))))")
                params += [own[1], key]
            clauses.append("(" + (" OR " if query.any_term else " AND ").join(parts) + ")")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    @staticmethod
    def _words_clause(values: Sequence[str], clause: str, clauses: list[str],
                      params: list[Any], repeat: int = 1) -> None:
        if not values:
            return
        needles = [" " + " ".join(words(value)) + " " for value in values if words(value)]
        if not needles:
            clauses.append("0")  # no value has a word: nothing can match, as in memory
            return
        clauses.append("(" + " OR ".join([clause] * len(needles)) + ")")
        for needle in needles:
            params += [needle] * repeat

    def select(self, query: Query) -> list[Event]:
        where, params = self._where(query)
        order = "DESC" if query.reverse else "ASC"
        sql = (f"SELECT record, line FROM events{where} ORDER BY first_day {order}, "
               f"last_day {order}, line {order}")
        if query.limit:
            sql += " LIMIT ?"
            params.append(query.limit)
        return [event_from_record(json.loads(record), line)
                for record, line in self._rows(sql, params)]

    def event(self, event_id: str) -> Event | None:
        rows = self._rows("SELECT record, line FROM events WHERE id = ?", (event_id,))
        return event_from_record(json.loads(rows[0][0]), rows[0][1]) if rows else None

    def ids(self) -> list[str]:
        return [row[0] for row in self._rows("SELECT id FROM events")]

    def summarize(self, query: Query, by: Sequence[str]) -> Summary:
        """Counted in SQL for periods and categories; other groupings count selected events."""
        from relations_cli.core.summary import (
            TIME_GROUPINGS,
            busiest_of,
            check_groupings,
            count_groups,
            make_summary,
            summarize,
            time_label,
        )

        check_groupings(by)
        if any(key not in (*TIME_GROUPINGS, "category") for key in by):
            return summarize(self.select(replace(query, limit=None, reverse=False)), by)
        where, params = self._where(query)
        rows = self._rows(
            f"SELECT year, month, precision, category, count(*) FROM events{where} "
            "GROUP BY year, month, precision, category", params)
        total = sum(row[4] for row in rows)

        def labels(row: tuple[Any, ...]) -> list[tuple[list[str], bool]]:
            first_day = date(row[0], row[1], 1)
            precision = _PRECISIONS[row[2]]
            return [time_label(first_day, precision, key) if key in TIME_GROUPINGS
                    else ([row[3]] if row[3] else ["(none)"], False) for key in by]

        groups, apart = count_groups((labels(row), row[4]) for row in rows)
        from collections import Counter

        months: Counter[str] = Counter()
        years: Counter[str] = Counter()
        for year, month, precision, _, count in rows:
            years[f"{year:04d}"] += count
            if _PRECISIONS[precision] is not Precision.YEAR:
                months[f"{year:04d}-{month:02d}"] += count
        first = last = closing = None
        start = end = None
        if total:
            bounds = self._rows(f"SELECT min(first_day), max(last_day) FROM events{where}",
                                params)[0]
            start, end = date.fromordinal(bounds[0]), date.fromordinal(bounds[1])
            first = self._one(where, params, "first_day ASC, last_day ASC, line ASC")
            last = self._one(where, params, "first_day DESC, last_day DESC, line ASC")
            closing = self._one(where, params, "last_day DESC, line ASC")
        return make_summary(count=total, start=start, end=end, first=first, last=last,
                            busiest=busiest_of(months, years), by=by, groups=groups,
                            apart=apart, closing=closing)

    def _one(self, where: str, params: list[Any], order: str) -> Event | None:
        rows = self._rows(f"SELECT record, line FROM events{where} ORDER BY {order} LIMIT 1",
                          params)
        return event_from_record(json.loads(rows[0][0]), rows[0][1]) if rows else None


# -- the cache command ------------------------------------------------------------------------


@dataclass(frozen=True)
class CacheEntry:
    index: Path
    source: str
    events: int
    bytes: int
    fresh: bool


def cache_entries() -> list[CacheEntry]:
    entries = []
    folder = cache_dir()
    for index in sorted(folder.glob("*.sqlite")) if folder.is_dir() else []:
        source, events, fresh = "?", 0, False
        try:
            db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
            try:
                meta = dict(db.execute("SELECT key, value FROM meta"))
                source, events = meta.get("source", "?"), int(meta.get("count", "0"))
            finally:
                db.close()
            fresh_db = _fresh(index, Path(source)) if Path(source).is_file() else None
            if fresh_db is not None:
                fresh = True
                fresh_db.close()
        except (sqlite3.Error, ValueError, OSError):
            source = "(unreadable: will be rebuilt)"
        entries.append(CacheEntry(index, source, events, index.stat().st_size, fresh))
    return entries


def clear_cache() -> int:
    """Remove every index (and lock) from the cache folder; the number of indexes removed."""
    folder = cache_dir()
    removed = 0
    if folder.is_dir():
        for item in folder.iterdir():
            if item.suffix in (".sqlite", ".lock", ".tmp"):
                with contextlib.suppress(OSError):
                    item.unlink()
                    removed += item.suffix == ".sqlite"
    return removed

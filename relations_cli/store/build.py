"""Building an index: the schema, the rows of every event, and what the cache checks later.

A large file may be read on two cores (store/parallel); its rows arrive as `RowBatch`es like
those of the sequential reading, and the build keeps them only when the split was proven by
the parser and both halves agree (no problem, no key or id in both). Anything else empties
the tables and reads the file in order, which alone is authoritative.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from relations_cli.core.errors import TimelineError
from relations_cli.core.model import Precision
from relations_cli.core.people import people_of
from relations_cli.store.cache import APPLICATION_ID, SCHEMA_VERSION, build_stamp
from relations_cli.store.loader import Header
from relations_cli.store.parallel import HalfOutcome, SplitPlan, read_in_halves
from relations_cli.store.rows import PRECISIONS, Packer, RowBatcher, RowWriter, padded
from relations_cli.store.sql import pairs

__all__ = ["build_index"]

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
    category_folded TEXT,  -- NULL when it is the category itself (most are written folded)
    place INTEGER NOT NULL,  -- a row of places
    title_key INTEGER NOT NULL,  -- store/rows.title_key: finds an event by day and title
    record BLOB NOT NULL
);
-- Tags, actors and named people: each distinct value once, numbered, and its events as
-- pairs, one integer each (value << pair_shift | event): a table of rowids alone, written
-- sorted, takes a third of the room of rows of two columns. The views (made at the end, when
-- pair_shift is known) show them as rows of an event and a value, as they once were stored.
CREATE TABLE tag_names(id INTEGER PRIMARY KEY, folded TEXT NOT NULL);
CREATE TABLE actor_names(id INTEGER PRIMARY KEY, words TEXT NOT NULL);
CREATE TABLE named_names(id INTEGER PRIMARY KEY, folded TEXT NOT NULL, words TEXT NOT NULL);
CREATE TABLE tag_events(pair INTEGER PRIMARY KEY);
CREATE TABLE actor_events(pair INTEGER PRIMARY KEY);
CREATE TABLE named_events(pair INTEGER PRIMARY KEY);
CREATE TABLE places(id INTEGER PRIMARY KEY, words TEXT NOT NULL);
CREATE TABLE aliases(folded TEXT NOT NULL, words TEXT NOT NULL, names TEXT NOT NULL);
-- The search text is not stored twice: the trigram index reads it back from the packed
-- record (store/rows.Packer) when SQLite checks a LIKE or GLOB on the rows it proposes.
CREATE VIEW search_source AS SELECT n, search_text(record) AS body FROM events;
CREATE VIRTUAL TABLE search USING fts5(body, content='search_source', content_rowid='n',
                                       tokenize='trigram case_sensitive 1', detail=none,
                                       columnsize=0);
-- The report tables (store/rows.report_rows): people, quotes, figures and the chart
-- answered in SQL.
-- mentions: each name an event gives, as written, with how many times and how many of the
-- event's quotes that name said; first_day repeats the event's, for counts without a join.
CREATE TABLE mentions(name TEXT NOT NULL, event INTEGER NOT NULL, first_day INTEGER NOT NULL,
                      times INTEGER NOT NULL, quotes INTEGER NOT NULL,
                      PRIMARY KEY(name, event)) WITHOUT ROWID;
-- quotes and figures: each in the order of a listing (its primary key), with its event's
-- number, days, line, id and date as written (Event.when), so a listing reads them alone.
CREATE TABLE quotes(event INTEGER NOT NULL, first_day INTEGER NOT NULL,
                    last_day INTEGER NOT NULL, line INTEGER NOT NULL, id TEXT NOT NULL,
                    written TEXT NOT NULL, position INTEGER NOT NULL, speaker TEXT NOT NULL,
                    said TEXT NOT NULL,
                    PRIMARY KEY(first_day, last_day, line, position)) WITHOUT ROWID;
CREATE TABLE figures(event INTEGER NOT NULL, first_day INTEGER NOT NULL,
                     last_day INTEGER NOT NULL, line INTEGER NOT NULL, id TEXT NOT NULL,
                     written TEXT NOT NULL, position INTEGER NOT NULL, label TEXT NOT NULL,
                     value TEXT NOT NULL, unit TEXT NOT NULL, change TEXT NOT NULL,
                     PRIMARY KEY(first_day, last_day, line, position)) WITHOUT ROWID;
-- ends: the events with an end (an event not here has none), and for an open end (`..`)
-- the last day a chart draws, its start's own end (else null: its last day).
CREATE TABLE ends(event INTEGER PRIMARY KEY, drawn INTEGER);
-- chart_groups: a chart of every event, counted once at the end (store/aggregates).
CREATE TABLE chart_groups(year INTEGER NOT NULL, month INTEGER NOT NULL,
                          precision INTEGER NOT NULL, category TEXT NOT NULL,
                          first_day INTEGER NOT NULL, last_day INTEGER NOT NULL,
                          count INTEGER NOT NULL, sharp INTEGER NOT NULL, last_sharp INTEGER,
                          last_fuzzy INTEGER, least INTEGER NOT NULL,
                          PRIMARY KEY(year, month, precision, category, first_day, last_day))
                          WITHOUT ROWID;
"""
# Pairs as they come, written sorted into the *_events tables at the end (store/rows._Values).
_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS tag_pairs(value INTEGER NOT NULL, event INTEGER NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS actor_pairs(value INTEGER NOT NULL, event INTEGER NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS named_pairs(value INTEGER NOT NULL, event INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX events_order ON events(first_day, last_day, line);
CREATE INDEX events_groups ON events(year, month, precision, category, first_day, last_day,
                                     category_folded);
CREATE INDEX events_id ON events(id);
-- An import's question, whether an event of this day has this title (store/importing): a
-- first day of a month or a year can hold thousands of events in a large timeline.
CREATE INDEX events_title ON events(title_key, first_day);
CREATE INDEX tag_names_folded ON tag_names(folded);
CREATE INDEX named_names_folded ON named_names(folded);
CREATE INDEX aliases_folded ON aliases(folded);
"""


def build_index(db: sqlite3.Connection, source: Path,
                progress: Callable[[int, int], None] | None = None,
                split: bool | SplitPlan = True, processes: bool = True) -> bool:
    """Fill an empty database with the index of `source`; raises TimelineError when the file
    has problems. True when the file was read in two halves. `split` may name the cut to try
    (tests try every one), and `processes=False` reads both halves here, one after the other.

    In order: what the index records of the file, taken before reading it (store/cache);
    the file read in two halves (store/parallel) when that is worth it and proven, else in
    order (store/fastread, or the strict loader); where its events and fields are, for the
    writes (store/locate); then the tables finished."""
    stamp = build_stamp(source)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.executescript(_SCHEMA + _STAGING)
    # The trigram index keeps 16 MiB of new entries in memory before it writes a segment
    # (1 MiB by default): fewer, larger segments to merge make its part of a build a quarter
    # cheaper.
    db.execute("INSERT INTO search(search, rank) VALUES ('hashsize', 16777216)")
    built = None
    if split is not False:
        write = RowWriter(db)
        plan = split if isinstance(split, SplitPlan) else None
        built = _trusted(db, write, read_in_halves(source, write, progress, plan, processes))
    in_halves = built is not None
    if built is None:  # too small to split, or the split was not proven
        _empty(db)
        built = _sequential(db, source, progress)
    header, count, packer = built
    from relations_cli.store.locate import write_facts

    _finish(db, header, count, packer, {**stamp, **write_facts(db, source)})
    return in_halves


Built = tuple[Header, int, Packer]


def _trusted(db: sqlite3.Connection, write: RowWriter,
             outcomes: tuple[HalfOutcome, HalfOutcome] | None) -> Built | None:
    """A split reading's result, when both halves were read, the first proved the cut, and
    they agree (no problem, no key or id in both); else None."""
    if outcomes is None:
        return None
    packer = write.finish()
    first, second = outcomes
    if not first.proven or first.problems or second.problems:
        return None
    shared = (set(first.header.keys) & set(second.header.keys)) - {"events"}
    if shared or db.execute("SELECT 1 FROM events GROUP BY id HAVING count(*) > 1 "
                            "LIMIT 1").fetchone():
        return None
    header = Header(
        title=first.header.title or second.header.title,
        description=first.header.description or second.header.description,
        people=first.header.people + second.header.people,
        keys=first.header.keys + tuple(k for k in second.header.keys if k != "events"),
    )
    return header, first.count + second.count, packer


def _sequential(db: sqlite3.Connection, source: Path,
                progress: Callable[[int, int], None] | None) -> Built:
    from relations_cli.store.fastread import Diverged, read_timeline
    from relations_cli.store.loader import stream_timeline

    write = RowWriter(db)
    rows = RowBatcher(write)
    try:
        header, problems = read_timeline(source, rows.add, progress)
    except Diverged:  # never expected: the strict loader alone, from an empty index
        _empty(db)
        write = RowWriter(db)
        rows = RowBatcher(write)
        header, problems = stream_timeline(source, rows.add, progress)
    if problems:
        raise TimelineError(problems)
    rows.flush()
    return header, rows.count, write.finish()


def _empty(db: sqlite3.Connection) -> None:
    for table in ("events", "places", "tag_names", "actor_names", "named_names", "tag_events",
                  "actor_events", "named_events", "aliases", "meta", "mentions", "quotes",
                  "figures", "ends", "chart_groups"):
        db.execute(f"DELETE FROM {table}")
    db.executescript("DROP TABLE IF EXISTS temp.tag_pairs; DROP TABLE IF EXISTS temp.actor_pairs;"
                     "DROP TABLE IF EXISTS temp.named_pairs;" + _STAGING)
    # The rows the index came from are gone: it cannot delete its entries one by one.
    db.execute("INSERT INTO search(search) VALUES ('delete-all')")


def _gives_aliases(db: sqlite3.Connection, header: Header) -> bool:
    """Whether some event gives a name the registry writes otherwise (an alias, or a name in
    another case): IndexEngine then resolves every event it reads. An actor is compared by
    its words, which may say yes for an actor already written as the registry writes it."""
    if not header.people:
        return False
    registry = people_of(header.people)
    if any(registry.changes(name) for (name,) in db.execute("SELECT DISTINCT name FROM mentions")):
        return True
    people_words = {padded(name) for person in header.people for name in person.names}
    return any(words in people_words for (words,) in db.execute("SELECT words FROM actor_names"))


def _finish(db: sqlite3.Connection, header: Header, count: int, packer: Packer,
            stamp: dict[str, str]) -> None:
    aliases: list[tuple[str, str, str]] = []
    for person in header.people:
        names = "\n".join(person.names).casefold()
        for key in person.names:
            aliases.extend((key.casefold(), padded(name), names) for name in person.names)
    db.executemany("INSERT INTO aliases VALUES (?,?,?)", aliases)
    meta = {
        "resolve": "1" if _gives_aliases(db, header) else "0",
        **stamp,
        "title": header.title,
        "description": header.description,
        "people": json.dumps([[p.name, p.role, list(p.aliases)] for p in header.people],
                             ensure_ascii=False),
        "count": str(count),
        # The longest span of any event, so a --since bound also bounds first_day below.
        "max_span": str(db.execute("SELECT coalesce(max(last_day - first_day), 0) "
                                   "FROM events").fetchone()[0]),
        "pair_shift": str(max(1, db.execute("SELECT coalesce(max(n), 0) "
                                            "FROM events").fetchone()[0].bit_length())),
    }
    db.executemany("INSERT INTO meta VALUES (?,?)", [*meta.items(),
                                                     ("dictionary", packer.dictionary)])
    packer.register(db)
    shift = int(meta["pair_shift"])
    for name, view, columns in (("tag", "tags", "folded"), ("actor", "actors", "words"),
                                ("named", "named", "folded, words")):
        db.execute(f"INSERT OR IGNORE INTO {name}_events SELECT value << {shift} | event "
                   f"FROM temp.{name}_pairs ORDER BY 1")
        db.execute(f"DROP TABLE temp.{name}_pairs")
        db.execute(f"DROP VIEW IF EXISTS {view}")
        db.execute(f"CREATE VIEW {view}(event, {columns}) AS SELECT event, {columns} FROM "
                   f"{name}_names JOIN ({pairs(name, shift)}) ON id = value")
    db.executescript(_INDEXES)
    from relations_cli.store.aggregates import CHART_GROUPS

    db.execute(CHART_GROUPS.format(day=PRECISIONS.index(Precision.DAY)))
    # Written last: an index without it is never trusted.
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.commit()

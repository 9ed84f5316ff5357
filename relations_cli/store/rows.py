"""Rows of the index: events turned into typed batches of table rows, and written in SQL.

The one interface between whoever reads a timeline (this process, or a reading child of a
two-process build) and the database: a reader makes `RowBatch`es with a `RowBatcher`; the
builder writes each with a `RowWriter`. Batches are plain data, so they cross a pipe.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from relations_cli.core.model import Event, Precision
from relations_cli.core.records import event_record
from relations_cli.core.text import own_search_text, words

__all__ = ["BATCH_SIZE", "PRECISIONS", "Packer", "RowBatch", "RowBatcher", "RowWriter", "padded",
           "title_key"]

# Appended to, never reordered: the index stores a precision as its place here.
PRECISIONS = (Precision.YEAR, Precision.MONTH, Precision.DAY, Precision.SEASON, Precision.DECADE,
              Precision.CENTURY)
BATCH_SIZE = 2000

# One encoder for every record: json.dumps with options would build one for each call. The
# text is exactly what `json.dumps(record, ensure_ascii=False)` writes, so a JSON or JSON
# Lines listing streams it as stored (render/jsonfmt.jsonl_records).
_RECORD_JSON = json.JSONEncoder(ensure_ascii=False)


@lru_cache(maxsize=65536)
def padded(text: str) -> str:
    """A name's words between spaces, so `instr` finds whole words (names repeat: cached)."""
    return " " + " ".join(words(text)) + " "


@dataclass
class RowBatch:
    """The rows of some events, one list per table."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    actors: list[tuple[int, str]] = field(default_factory=list)
    named: list[tuple[int, str, str]] = field(default_factory=list)
    bodies: list[tuple[int, str]] = field(default_factory=list)
    # The report tables (report_rows): who each event names, its quotes and its figures.
    mentions: list[tuple[Any, ...]] = field(default_factory=list)
    quotes: list[tuple[Any, ...]] = field(default_factory=list)
    figures: list[tuple[Any, ...]] = field(default_factory=list)
    ends: list[tuple[int, int | None]] = field(default_factory=list)


def title_key(title: str) -> int:
    """A number for a title, the same in every process (CRC-32 of its UTF-8): an import asks
    the index (events_title) for the events of a day with one of its titles
    (store/importing) without inflating every record of that day. Two titles may share
    one; the record decides."""
    return zlib.crc32(title.encode("utf-8", "surrogatepass"))


class RowBatcher:
    """Turns events, one at a time from the streaming loader, into batches handed to `send`.

    Row numbers start after `first_n`; `line_delta` is added to every line (a reader of the
    second half of a file sees its lines counted from its own start)."""

    def __init__(self, send: Callable[[RowBatch], None], first_n: int = 0,
                 line_delta: int = 0) -> None:
        self.send = send
        self.count = 0
        self.first_n = first_n
        self.line_delta = line_delta
        self.batch = RowBatch()

    def add(self, event: Event) -> None:
        self.count += 1
        n = self.first_n + self.count
        first = event.first_day
        batch = self.batch
        batch.events.append((
            n, event.id, first.toordinal(), event.last_day.toordinal(),
            event.line + self.line_delta, first.year, first.month,
            PRECISIONS.index(event.date.precision), event.category, event.category.casefold(),
            padded(event.place), title_key(event.title),
            _RECORD_JSON.encode(event_record(event)),
        ))
        batch.tags.extend((n, tag.casefold()) for tag in event.tags)
        batch.actors.extend((n, padded(actor)) for actor in event.actors)
        batch.named.extend((n, name.casefold(), padded(name)) for name in event.named_people)
        batch.bodies.append((n, own_search_text(event)))
        report_rows(batch, n, event, self.line_delta)
        if len(batch.events) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.batch.events:
            batch, self.batch = self.batch, RowBatch()
            self.send(batch)


# Deflate's preset dictionary holds at most 32 KiB (a 16 KiB window packs a tenth larger).
# Level 6 packs a seventh smaller than level 4 for twice the time (~30 µs an event); memory
# level 5 packs as well as the default 8 but makes the state copied for each event a quarter
# the size (the copy of the default state cost more than the packing itself).
_DICTIONARY_BYTES = 32768
_LEVEL = 6
_MEMORY_LEVEL = 5
SAMPLE_EVENTS = 64


class Packer:
    """An event's record and search text, deflated together against a preset dictionary.

    The dictionary is made of the file's own first records, so the words, names and JSON
    keys an event repeats cost a few bits each and a stored event is a fifth of its text,
    yet each one still inflates alone (a listing reads events in date order, not in the
    order they were written). A record is JSON text, which holds no line break: the search
    text follows it after one."""

    def __init__(self, dictionary: bytes) -> None:
        self.dictionary = dictionary
        self._deflate: zlib._Compress | None = None  # made on the first pack: readers never do
        self._inflate = zlib.decompressobj(-15, zdict=dictionary) if dictionary else \
            zlib.decompressobj(-15)

    @classmethod
    def for_sample(cls, texts: list[bytes]) -> Packer:
        """A dictionary of the last bytes of `texts` joined, as much as deflate can use."""
        return cls(b"".join(texts)[-_DICTIONARY_BYTES:])

    def register(self, db: sqlite3.Connection) -> None:
        """Lets SQL read the search text of a packed record: the trigram index's content."""
        db.create_function("search_text", 1, self.search_text, deterministic=True)

    def pack(self, text: bytes) -> bytes:
        if self._deflate is None:
            self._deflate = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15, _MEMORY_LEVEL,
                                             zdict=self.dictionary) if self.dictionary else \
                zlib.compressobj(_LEVEL, zlib.DEFLATED, -15, _MEMORY_LEVEL)
        deflate = self._deflate.copy()
        return deflate.compress(text) + deflate.flush()

    def record(self, blob: bytes) -> str:
        text = self._inflate.copy().decompress(blob)
        return text[: text.index(b"\n")].decode()

    def search_text(self, blob: bytes) -> str:
        text = self._inflate.copy().decompress(blob).decode()
        return text[text.index("\n") + 1 :]


def _texts(batch: RowBatch) -> list[bytes]:
    """Each event's record and search text, as a Packer packs them (one body an event)."""
    return [(row[-1] + "\n" + body).encode()
            for row, (_, body) in zip(batch.events, batch.bodies, strict=True)]


class RowWriter:
    """Writes batches into the index, packing each event (see `Packer`).

    The dictionary comes from the file's first `SAMPLE_EVENTS` events, whichever reading
    made them: a two-process build holds the batches it gets until it has them, so its index
    is the same byte for byte as the sequential reading's."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.packer: Packer | None = None
        self.waiting: list[RowBatch] = []
        self.tags, self.actors, self.named = value_tables()
        self.places: dict[str, int] = {}

    def __call__(self, batch: RowBatch) -> None:
        if self.packer is not None:
            self._write(self.packer, batch)
            return
        self.waiting.append(batch)
        # The first half's events are numbered from 1 in file order, batch after batch.
        ordered = sorted((b for b in self.waiting if b.events), key=lambda b: b.events[0][0])
        following = 1
        sample: list[bytes] = []
        for held in ordered:
            if held.events[0][0] != following:
                break
            sample += _texts(held)
            following += len(held.events)
            if len(sample) >= SAMPLE_EVENTS:
                self._release(sample)
                return

    def finish(self) -> Packer:
        """The packer, once every batch is handed over (when the file, or the first half of
        a split one, holds fewer than SAMPLE_EVENTS, the sample is its first events)."""
        if self.packer is None:
            ordered = sorted((b for b in self.waiting if b.events), key=lambda b: b.events[0][0])
            self._release([text for held in ordered for text in _texts(held)])
        assert self.packer is not None
        return self.packer

    def _release(self, sample: list[bytes]) -> None:
        self.packer = packer = Packer.for_sample(sample[:SAMPLE_EVENTS])
        waiting, self.waiting = self.waiting, []
        for batch in waiting:
            self._write(packer, batch)

    def _write(self, packer: Packer, batch: RowBatch) -> None:
        db = self.db
        pack = packer.pack
        places = self.places
        new_places = []
        rows = []
        for row, text in zip(batch.events, _texts(batch), strict=True):
            place = places.get(row[10])
            if place is None:
                place = places[row[10]] = len(places) + 1
                new_places.append((place, row[10]))
            rows.append((*row[:9], None if row[9] == row[8] else row[9], place, row[11],
                         pack(text)))
        db.executemany("INSERT INTO places VALUES (?,?)", new_places)
        db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        self.tags.add(db, batch.tags)
        self.actors.add(db, batch.actors)
        self.named.add(db, batch.named)
        db.executemany("INSERT INTO search(rowid, body) VALUES (?,?)", batch.bodies)
        write_report_rows(db, batch)


class _Values:
    """One of the tables of values an event has several of (tags, actors, named people):
    each distinct value once in `<name>_names`, with a number, and (number, event) pairs in
    `<name>_events`. The pairs wait in a temporary table and are written sorted at the end,
    so their table is packed as tightly as a fresh index."""

    def __init__(self, name: str, columns: tuple[str, ...]) -> None:
        self.name = name
        self.columns = columns
        self.ids: dict[Any, int] = {}

    def add(self, db: sqlite3.Connection, rows: list[Any]) -> None:
        ids = self.ids
        new = []
        pairs = []
        for row in rows:
            value = row[1:]
            number = ids.get(value)
            if number is None:
                number = ids[value] = len(ids) + 1
                new.append((number, *value))
            pairs.append((number, row[0]))
        if new:
            marks = ",".join("?" * (1 + len(self.columns)))
            db.executemany(f"INSERT INTO {self.name}_names VALUES ({marks})", new)
        db.executemany(f"INSERT INTO temp.{self.name}_pairs VALUES (?,?)", pairs)


def value_tables() -> tuple[_Values, _Values, _Values]:
    return (_Values("tag", ("folded",)), _Values("actor", ("words",)),
            _Values("named", ("folded", "words")))


# -- the report tables ----------------------------------------------------------------------------
# What people, quotes and figures report, as rows, so that they are answered in SQL without
# reading every event's record (store/aggregates). Names and texts exactly as written.


def report_rows(batch: RowBatch, n: int, event: Event, line_delta: int = 0) -> None:
    """An event's rows of the report tables: each name it gives (with how many times, and
    how many of its quotes that name said), each quote and each figure in order, and the
    last day a chart draws of an event with an end."""
    times: dict[str, int] = {}
    for name in event.named_people:
        times[name] = times.get(name, 0) + 1
    said: dict[str, int] = {}
    for quote in event.quotes:
        said[quote.by] = said.get(quote.by, 0) + 1
    first = event.first_day.toordinal()
    if event.end is not None:
        drawn, last = event.drawn_last_day.toordinal(), event.last_day.toordinal()
        batch.ends.append((n, drawn if drawn != last else None))
    batch.mentions.extend((name, n, first, count, said.get(name, 0))
                          for name, count in times.items())
    if event.quotes or event.figures:
        # Each row carries what it is listed with and by, so a listing reads this table alone.
        at = (n, first, event.last_day.toordinal(), event.line + line_delta, event.id,
              event.when)
        batch.quotes.extend((*at, position, quote.by, quote.text)
                            for position, quote in enumerate(event.quotes))
        batch.figures.extend((*at, position, f.label, f.value, f.unit, f.change)
                             for position, f in enumerate(event.figures))


def write_report_rows(db: sqlite3.Connection, batch: RowBatch) -> None:
    db.executemany("INSERT INTO mentions VALUES (?,?,?,?,?)", batch.mentions)
    db.executemany("INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?)", batch.quotes)
    db.executemany("INSERT INTO figures VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch.figures)
    db.executemany("INSERT INTO ends VALUES (?,?)", batch.ends)

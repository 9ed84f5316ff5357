"""Finding events in a large timeline file through its fresh index, reading only windows.

A fresh index (store/cache) proves the whole file valid and knows, for every event, its id,
its first and last day and its line, in file order. A write asks it where the events it
touches are, reads a window of the file around them, and parses only that window
(store/layout.items_at). Every answer is checked against the window: the event found at a
line must carry the id the index gave for it, or the write takes the whole-text path.

Lines are counted by LF. A file with a lone CR, NEL, LS or PS before the window (PyYAML
counts those as line breaks too) is not counted: the whole-text path takes it.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from relations_cli.core.model import Day
from relations_cli.store.install import Snapshot
from relations_cli.store.layout import Item, items_at, newline_of

__all__ = ["FromIndex", "FromReading", "Located", "NotHere", "Row", "Window", "from_index",
           "from_reading", "in_date_order", "lf_newlines", "write_facts"]

_CHUNK = 1 << 23
_CONTEXT = 1 << 13  # bytes read above a window, for the comments of its first event
_FIRST_WINDOW = 1 << 16
_LARGEST_WINDOW = 1 << 26
_ODD_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
_DASH_ALONE = re.compile(r"[ \t]*-[ \t]*(?:#.*)?$")
_DASH_LINE = re.compile(r"[ \t]*-(?:[ \t]|$)")


# Every byte but the last of NEL (C2 85), LS (E2 80 A8) and PS (E2 80 A9) in UTF-8.
_NOT_LAST_OF_ODD = bytes(byte for byte in range(256) if byte not in (0x85, 0xA8, 0xA9))
_STEP = 1 << 20


def _odd_breaks(chunk: bytes) -> bool:
    """Whether the bytes hold a line break that PyYAML counts and LF counting does not: a
    lone CR, NEL, LS or PS. A megabyte at a time, a quick pass drops every byte that cannot
    end one of them, and only where some remain is each sequence looked for."""
    if b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n"):
        return True
    for at in range(0, len(chunk), _STEP):
        part = chunk[at : at + _STEP + 2]  # (2 more: a sequence across the boundary)
        if part.translate(None, _NOT_LAST_OF_ODD) and any(odd in part for odd in _ODD_BREAKS):
            return True
    return False


class NotHere(Exception):
    """The fast path cannot answer this for this file: take the whole-text path."""


@dataclass
class Window:
    """A decoded stretch of the file: text[start:] begins at an event's '-' line."""

    text: str
    base: int  # the byte offset of text[0] in the file
    line: int  # the line number of text[start]
    start: int
    at_eof: bool

    def byte_at(self, index: int) -> int:
        return self.base + len(self.text[:index].encode("utf-8"))


class Row:
    __slots__ = ("first", "id", "last", "line", "n")

    def __init__(self, n: int, event_id: str, line: int, first: int, last: int) -> None:
        self.n, self.id, self.line, self.first, self.last = n, event_id, line, first, last


class Located:
    """A locked timeline file and what is known of its events: their ids, lines and days
    in file order, which prove the file valid as it is. `FromIndex` asks its fresh index;
    `FromReading` has read it. Both read windows of the file the same way."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._marks_at = [0]  # byte offsets of line starts met while counting...
        self._marks_line = [1]  # ...and their line numbers

    def close(self) -> None:
        """Let go of what answers the questions."""

    # -- the questions a write asks

    def count(self) -> int:
        raise NotImplementedError

    def by_id(self, event_id: str) -> Row | None:
        raise NotImplementedError

    def has_id(self, event_id: str) -> bool:
        return self.by_id(event_id) is not None

    def taken_of(self, ids: Sequence[str]) -> set[str]:
        """Those of the ids that events already have."""
        return {event_id for event_id in ids if self.has_id(event_id)}

    def first(self) -> Row | None:
        raise NotImplementedError

    def last(self) -> Row | None:
        raise NotImplementedError

    def next_after(self, row: Row) -> Row | None:
        raise NotImplementedError

    def before(self, row: Row) -> Row | None:
        raise NotImplementedError

    def in_date_order(self) -> bool:
        """As store/write.in_date_order: no event ends before the one above it starts."""
        raise NotImplementedError

    def first_later(self, key: tuple[Day, Day]) -> Row | None:
        """The first event, in file order, that sorts after `key` (first day, last day)."""
        raise NotImplementedError


    # -- reading the file

    lf_newlines = -1  # the file's LFs, when its build found LF counting exact (else -1)

    def offset_of_line(self, line: int) -> int:
        """The byte offset where a line starts, counting LFs from the nearest line start
        already met, or back from the end when that is nearer and the file's LFs are known
        to be its only line breaks."""
        if self.lf_newlines >= 0 and line - 1 > self.lf_newlines // 2:
            return self._offset_from_end(line)
        fd = self.snapshot.fd
        at = bisect.bisect_right(self._marks_line, line) - 1
        offset, at_line = self._marks_at[at], self._marks_line[at]
        while at_line < line:
            chunk = os.pread(fd, _CHUNK, offset)
            if not chunk:
                raise NotHere
            if self.lf_newlines < 0 and _odd_breaks(chunk):
                raise NotHere
            newlines = chunk.count(b"\n")
            if at_line + newlines >= line:
                position = 0
                for _ in range(line - at_line):
                    position = chunk.index(b"\n", position) + 1
                return offset + position
            if newlines:
                offset += chunk.rindex(b"\n") + 1
                at_line += newlines
                self._marks_at.append(offset)
                self._marks_line.append(at_line)
            else:
                offset += len(chunk)
        return offset

    def _offset_from_end(self, line: int) -> int:
        """As offset_of_line, counting LFs back from the end: the line starts just after
        the (k+1)th LF from the end, k being the LFs at or after its start."""
        wanted = self.lf_newlines - (line - 1) + 1
        if wanted > self.lf_newlines:
            return 0
        fd, end = self.snapshot.fd, self.snapshot.size
        while end > 0:
            start = max(0, end - _CHUNK)
            chunk = os.pread(fd, end - start, start)
            found = chunk.count(b"\n")
            if found >= wanted:
                position = len(chunk)
                for _ in range(wanted):
                    position = chunk.rindex(b"\n", 0, position)
                return start + position + 1
            wanted -= found
            end = start
        raise NotHere  # fewer LFs than the index counted: not the file it was built from

    def newline(self) -> str:
        head = os.pread(self.snapshot.fd, 1 << 16, 0)
        return newline_of(head.decode("utf-8", "replace"))

    def window(self, row: Row, count: int) -> tuple[Window, list[Item]]:
        """The window that starts at the event `row` and holds `count` events (fewer when
        the list ends first), and those events."""
        offset = self.offset_of_line(row.line)
        size = _FIRST_WINDOW
        while True:
            window = self._read(offset, size, row.line)
            items = items_at(window.text, count, window.start)
            if not items or items[0].id != row.id:
                raise NotHere
            whole = len(items) == count or window.at_eof
            if whole and (window.at_eof or items[-1].end < len(window.text)):
                return window, items
            if size >= _LARGEST_WINDOW:
                raise NotHere
            size *= 4

    def _read(self, offset: int, size: int, line: int) -> Window:
        fd = self.snapshot.fd
        above_from = max(0, offset - _CONTEXT)
        above = os.pread(fd, offset - above_from, above_from)
        if above_from > 0:
            cut = above.find(b"\n")
            above = above[cut + 1 :] if cut >= 0 else b""
        base = offset - len(above)
        if base == 0 and above.startswith(b"\xef\xbb\xbf"):
            above, base = above[3:], 3
        body = os.pread(fd, size, offset)
        at_eof = offset + len(body) >= self.snapshot.size
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        text_above = above.decode("utf-8")
        text = text_above + decoder.decode(body, final=at_eof)
        start = len(text_above)
        # The index gives the line of an event's first key; its '-' may stand alone above.
        if not _DASH_LINE.match(text, start):
            lines = text_above.splitlines(keepends=True)
            while lines and not lines[-1].strip():
                start -= len(lines.pop())
                line -= 1
            if not lines or not _DASH_ALONE.match(lines[-1].rstrip("\r\n")):
                raise NotHere
            start -= len(lines[-1])
            line -= 1
        return Window(text, base, line, start, at_eof)


class FromIndex(Located):
    """The questions answered by the file's fresh index (and the facts its build noted for
    writes: see `write_facts`)."""

    def __init__(self, snapshot: Snapshot, db: sqlite3.Connection) -> None:
        super().__init__(snapshot)
        self.db = db
        self.meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN "
                                    "('count', 'in_date_order', 'lf_newlines')"))
        newlines = self.meta.get("lf_newlines", "")
        self.lf_newlines = int(newlines) if newlines.lstrip("-").isdigit() else -1

    def close(self) -> None:
        self.db.close()

    def count(self) -> int:
        if self.meta.get("count", "").isdigit():
            return int(self.meta["count"])
        return int(self.db.execute("SELECT count(*) FROM events").fetchone()[0])

    def _row(self, sql: str, *args: object) -> Row | None:
        found = self.db.execute(
            f"SELECT n, id, line, first_day, last_day FROM events {sql}", args).fetchone()
        return Row(*found) if found else None

    def by_id(self, event_id: str) -> Row | None:
        return self._row("WHERE id = ?", event_id)

    def taken_of(self, ids: Sequence[str]) -> set[str]:
        import json

        # One statement, the ids as a JSON array: an import asks for ten thousand at once.
        return {found for (found,) in self.db.execute(
            "SELECT id FROM events WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(list(ids))])}

    def first(self) -> Row | None:
        return self._row("ORDER BY n LIMIT 1")

    def last(self) -> Row | None:
        return self._row("ORDER BY n DESC LIMIT 1")

    def next_after(self, row: Row) -> Row | None:
        return self._row("WHERE n > ? ORDER BY n LIMIT 1", row.n)

    def before(self, row: Row) -> Row | None:
        return self._row("WHERE n < ? ORDER BY n DESC LIMIT 1", row.n)

    def in_date_order(self) -> bool:
        if self.meta.get("in_date_order") in ("0", "1"):
            return bool(self.meta["in_date_order"] == "1")
        return in_date_order(self.db)

    def first_later(self, key: tuple[Day, Day]) -> Row | None:
        # Both halves read only the (first_day, last_day, line) index, never the rows.
        first, last = key[0].toordinal(), key[1].toordinal()
        found = self.db.execute(
            "SELECT min(n) FROM (SELECT min(n) AS n FROM events WHERE first_day > ? "
            "UNION ALL SELECT min(n) FROM events WHERE first_day = ? AND last_day > ?)",
            (first, first, last)).fetchone()[0]
        return None if found is None else self._row("WHERE n = ?", found)


class FromReading(Located):
    """The questions answered by the events of a whole reading of the file."""

    def __init__(self, snapshot: Snapshot, rows: list[Row]) -> None:
        super().__init__(snapshot)
        self.rows = rows
        self.ids = {row.id: row for row in rows}

    def count(self) -> int:
        return len(self.rows)

    def by_id(self, event_id: str) -> Row | None:
        return self.ids.get(event_id)

    def first(self) -> Row | None:
        return self.rows[0] if self.rows else None

    def last(self) -> Row | None:
        return self.rows[-1] if self.rows else None

    def next_after(self, row: Row) -> Row | None:
        return self.rows[row.n + 1] if row.n + 1 < len(self.rows) else None

    def before(self, row: Row) -> Row | None:
        return self.rows[row.n - 1] if row.n > 0 else None

    def in_date_order(self) -> bool:
        rows = self.rows
        return all(b.last >= a.first for a, b in itertools.pairwise(rows))

    def first_later(self, key: tuple[Day, Day]) -> Row | None:
        first, last = key[0].toordinal(), key[1].toordinal()
        return next((row for row in self.rows
                     if row.first > first or (row.first == first and row.last > last)), None)

_IN_DATE_ORDER = ("SELECT 1 FROM (SELECT first_day, lead(last_day) OVER (ORDER BY n) AS "
                  "next_last FROM events) WHERE next_last < first_day LIMIT 1")


def in_date_order(db: sqlite3.Connection) -> bool:
    """As store/write.in_date_order, over an index's events: no event ends before the one
    above it starts."""
    return db.execute(_IN_DATE_ORDER).fetchone() is None


def lf_newlines(path: Path) -> int:
    """How many LFs the file holds, when they are its only line breaks (so counting them
    finds PyYAML's lines); -1 when it holds a lone CR, NEL, LS or PS."""
    total = 0
    with open(path, "rb") as handle:
        carried = b""
        while True:
            data = handle.read(_CHUNK)
            chunk = carried + data
            if data:  # whole lines only: no sequence is cut between two chunks
                cut = chunk.rfind(b"\n") + 1
                chunk, carried = chunk[:cut], chunk[cut:]
            if _odd_breaks(chunk):
                return -1
            total += chunk.count(b"\n")
            if not data:
                return total


def write_facts(db: sqlite3.Connection, source: Path) -> dict[str, str]:
    """What a build notes in the index's meta for the writes that will use it: whether the
    events run in date order, and how many LFs the file holds when they are its only line
    breaks ("-1" otherwise). A write then asks neither of the file."""
    return {"in_date_order": "1" if in_date_order(db) else "0",
            "lf_newlines": str(lf_newlines(source))}


def from_index(snapshot: Snapshot) -> Located | None:
    """The file with its index, when the cache holds a fresh one; else None."""
    from relations_cli.store.cache import cache_dir, fresh_index, index_path

    folder = cache_dir()
    if folder is None:
        return None
    try:
        db = fresh_index(index_path(Path(snapshot.real), folder), Path(snapshot.real))
    except (OSError, sqlite3.Error):
        return None
    if db is None:
        return None
    return FromIndex(snapshot, db)


def from_reading(snapshot: Snapshot) -> Located:
    """The file read whole, as the reading commands read it (the fast reader where it
    can, else the strict loader), which proves it valid; raises TimelineError if it is
    not."""
    from relations_cli.core.errors import TimelineError
    from relations_cli.core.model import Event
    from relations_cli.store.fastread import read_timeline

    rows: list[Row] = []

    def keep(event: Event) -> None:
        rows.append(Row(len(rows), event.id, event.line, event.first_day.toordinal(),
                        event.last_day.toordinal()))

    _, problems = read_timeline(Path(snapshot.real), keep)
    if problems:
        raise TimelineError(problems)
    rows.sort(key=lambda row: row.line)  # in file order, whatever order they came in
    for number, row in enumerate(rows):
        row.n = number
    return FromReading(snapshot, rows)

"""Building an index on two cores: a large file is read by two processes, split at an event.

Reading YAML is the slow part of indexing, and Python reads it on one core. So a large file
is cut in two at a line that starts an item of its `events:` list; each half is read by the
strict streaming loader in a process of its own (the second half behind an `events:` line),
while this process writes the rows both send into the index.

Any doubt sends the build back to reading the whole file in order, which alone is
authoritative: no clean split point, any problem in either half, a top-level key in both
halves, or an id found in both. A split can only make a file that is valid read as valid;
the sequential reading then reports problems with their true lines.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from relations_cli.store.loader import Header, max_bytes, stream_source

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["PARALLEL_MIN_BYTES", "build", "split_point"]

PARALLEL_MIN_BYTES = 4 << 20  # smaller files are read in less time than two processes cost
_EVENTS_KEY = re.compile(rb"(?m)^events:[ \t]*(?:#[^\n]*)?\r?\n")
_FIRST_ITEM = re.compile(rb"(?m)^( *)-(?:[ \t]|\r?\n)")
_WINDOW = 1 << 20
_SECOND_HALF_BASE = 1 << 40  # row numbers of the second half start here


def split_point(path: Path, size: int) -> tuple[int, int, int] | None:
    """Where to cut: (byte offset of the line that starts an event item near the middle,
    its line number, the items' indentation); None when there is no safe cut."""
    with open(path, "rb") as handle:
        head = b""
        match = None
        while match is None and len(head) < size:
            chunk = handle.read(_WINDOW)
            if not chunk:
                break
            head += chunk
            match = _EVENTS_KEY.search(head)
        if match is None:
            return None
        rest = head[match.end():]
        while True:
            stripped = rest.lstrip(b" \t\r\n")
            if stripped.startswith(b"#"):
                rest = stripped.split(b"\n", 1)[1] if b"\n" in stripped else b""
                continue
            break
        item = _FIRST_ITEM.search(rest)
        if item is None or rest[: item.start()].strip():
            return None
        indent = len(item.group(1))
        start_of_items = match.end()
        middle = max(size // 2, start_of_items + 1)
        pattern = re.compile(rb"\n" + b" " * indent + rb"-(?:[ \t]|\r?\n)")
        handle.seek(middle)
        window = handle.read(_WINDOW)
        found = pattern.search(window)
        if found is None:
            return None
        cut = middle + found.start() + 1
        handle.seek(0)
        lines = 0
        remaining = cut
        while remaining:
            chunk = handle.read(min(_WINDOW, remaining))
            if not chunk:
                return None
            lines += chunk.count(b"\n")
            remaining -= len(chunk)
    return cut, lines + 1, indent


class _Range:
    """A binary stream of part of a file, after an optional prefix."""

    def __init__(self, path: Path, start: int, end: int, prefix: bytes = b"") -> None:
        self.handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 (closed by close())
        self.handle.seek(start)
        self.left = end - start
        self.prefix = prefix

    def read(self, size: int = -1) -> bytes:
        if self.prefix:
            prefix, self.prefix = self.prefix, b""
            return prefix
        if self.left <= 0:
            return b""
        data = self.handle.read(min(self.left, size if size > 0 else self.left))
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


def _work(conn: Any, path: Path, start: int, end: int, prefix: bytes, line_delta: int,
          first_n: int, rows_factory: Any) -> None:
    """In a child process: read one half, send its rows in batches, then the outcome."""
    try:
        source = _Range(path, start, end, prefix)
        read = [0]

        def progress(done: int) -> None:
            read[0] = done

        rows = rows_factory(lambda batch: conn.send(("rows", batch, read[0])), first_n,
                            line_delta)
        header, problems = stream_source(source, str(path), rows.add, progress)  # type: ignore[arg-type]
        rows.flush()
        source.close()
        conn.send(("done", header, bool(problems), rows.count, read[0]))
    except BaseException as error:  # the parent falls back to the careful reading
        conn.send(("failed", repr(error)))
    finally:
        conn.close()


def build(db: sqlite3.Connection, path: Path, progress: Callable[[int, int], None] | None,
          rows_factory: Any, insert: Callable[[sqlite3.Connection, Any], None],
          ) -> tuple[Header, int] | None:
    """Index a large file with two reading processes; None when it must be read in order."""
    import multiprocessing
    from multiprocessing.connection import wait

    size = os.stat(path).st_size
    threshold = os.environ.get("RELATIONS_PARALLEL_MIN_BYTES", "")
    minimum = int(threshold) if threshold.isdigit() else PARALLEL_MIN_BYTES
    if size < minimum or size > max_bytes() or (os.cpu_count() or 1) < 2:
        return None
    plan = split_point(path, size)
    if plan is None:
        return None
    cut, cut_line, _ = plan
    # Spawned, not forked: a fork would copy this process's open SQLite connection and
    # whatever state its caller holds (threads, locks, a test runner); a fresh interpreter
    # costs a tenth of a second, next to the seconds a file this large takes to read.
    context = multiprocessing.get_context("spawn")
    halves = [(0, cut, b"", 0, 0),
              # The second half reads as `events:` then its items: its line 2 is `cut_line`.
              (cut, size, b"events:\n", cut_line - 2, _SECOND_HALF_BASE)]
    connections = []
    processes = []
    for start, end, prefix, line_delta, first_n in halves:
        receiving, sending = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(sending, path, start, end, prefix,
                                                      line_delta, first_n, rows_factory),
                                  daemon=True)
        process.start()
        sending.close()
        connections.append(receiving)
        processes.append(process)
    outcomes: dict[int, tuple[Any, ...]] = {}
    done = [0, 0]
    failed = False
    try:
        active = list(connections)
        while active and not failed:
            for ready in wait(active):
                conn = cast("Connection[Any, Any]", ready)
                half = connections.index(conn)
                try:
                    message = conn.recv()
                except EOFError:
                    failed = True
                    break
                if message[0] == "rows":
                    insert(db, message[1])
                    done[half] = message[2]
                    if progress is not None:
                        progress(min(size, done[0] + done[1]), size)
                elif message[0] == "done":
                    outcomes[half] = (message[1], message[2], message[3])
                    active.remove(conn)
                else:
                    failed = True
                    break
    finally:
        for process in processes:
            if failed:
                process.terminate()
            process.join()
        for conn in connections:
            conn.close()
    if failed or len(outcomes) != 2 or any(problems for _, problems, _ in outcomes.values()):
        return None
    first, second = outcomes[0][0], outcomes[1][0]
    shared = (set(first.keys) & set(second.keys)) - {"events"}
    if shared or db.execute("SELECT 1 FROM events GROUP BY id HAVING count(*) > 1 "
                            "LIMIT 1").fetchone():
        return None
    header = Header(
        title=first.title or second.title,
        description=first.description or second.description,
        people=first.people + second.people,
        keys=first.keys + tuple(k for k in second.keys if k != "events"),
    )
    return header, outcomes[0][2] + outcomes[1][2]

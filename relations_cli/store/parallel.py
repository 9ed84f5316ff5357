"""Reading a large file on two cores: two processes, each reading one half, split at an event.

Reading YAML is the slow part of indexing, and Python reads it on one core. So a large file
is cut in two at a line that looks like the start of an item of its `events:` list; the
second half is read, behind an `events:` line, by a process of its own, while the first
half is read by another. The look of a line proves nothing (it may sit inside a block
scalar, a quoted text, a flow collection): the reader of the first half reads on until its
own parse reaches the cut, and the split stands only if the parser itself starts an item of
the top-level block `events` list exactly there, at the same character and line. Otherwise
the build reads the whole file in order, which alone is authoritative. Each half is first
read by the fast reader of plain timelines (store/fastread), which hands over to the strict
loader wherever it cannot prove what a line means.

Readers hand their rows over as `RowBatch`es (store/rows); this module neither knows nor
writes the database.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from relations_cli.core.errors import Problem
from relations_cli.core.model import Event
from relations_cli.store.fastread import Diverged, fast_source, with_fallback
from relations_cli.store.loader import Header, SplitCheck, max_bytes, stream_source
from relations_cli.store.rows import RowBatch, RowBatcher

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["PARALLEL_MIN_BYTES", "HalfOutcome", "SplitPlan", "candidate_cuts", "plan_at",
           "read_in_halves", "read_split", "split_point", "worth_splitting"]

PARALLEL_MIN_BYTES = 4 << 20  # smaller files are read in less time than two processes cost
_EVENTS_KEY = re.compile(rb"(?m)^events:[ \t]*(?:#[^\n]*)?\r?\n")
_ITEM_LINE = re.compile(rb"( *)-( +)[^ \t\r\n#]")
_WINDOW = 1 << 20
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SplitPlan:
    """A cut to try: its byte offset (a line start), that line's number (1-based, counting
    `\\n`), and where the item's first node stands as the parser counts (0-based character
    index after any BOM, 0-based line)."""

    cut: int
    line: int
    node_index: int


@dataclass(frozen=True)
class HalfOutcome:
    """What reading one half gave: its header, whether it had problems, how many events it
    sent, and (first half only) whether the parser proved the split point."""

    header: Header
    problems: bool
    count: int
    proven: bool


def worth_splitting(size: int) -> bool:
    threshold = os.environ.get("RELATIONS_PARALLEL_MIN_BYTES", "")
    minimum = int(threshold) if threshold.isdigit() else PARALLEL_MIN_BYTES
    return minimum <= size <= max_bytes() and (os.cpu_count() or 1) >= 2


def candidate_cuts(data: bytes) -> list[int]:
    """Every line start that looks like an item (`- ` then text): where a cut may be tried."""
    return [m.start() + 1 for m in re.finditer(rb"\n(?= *- +[^ \t\r\n#])", data)]


def split_point(path: Path, size: int) -> SplitPlan | None:
    """A cut near the middle of the file, found by the look of the lines (the first half's
    reader then proves or refutes it); None when nothing looks like one."""
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
        # The first item's indentation: a cut is looked for among lines indented alike.
        item = re.compile(rb"(?m)^( *)-[ \t]").search(head, match.end())
        if item is None:
            return None
        indent = len(item.group(1))
        middle = max(size // 2, match.end())
        handle.seek(middle)
        window = handle.read(_WINDOW)
    found = re.search(rb"\n(?=" + b" " * indent + rb"- +[^ \t\r\n#])", window)
    if found is None:
        return None
    return plan_at(path, middle + found.start() + 1)


def plan_at(path: Path, cut: int) -> SplitPlan | None:
    """The plan for cutting at byte `cut`, or None when that line cannot start an item."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = 0
    characters = 0
    with open(path, "rb") as handle:
        first = handle.read(3)
        bom = first == _BOM
        handle.seek(0)
        remaining = cut
        try:
            while remaining:
                chunk = handle.read(min(_WINDOW, remaining))
                if not chunk:
                    return None
                lines += chunk.count(b"\n")
                characters += len(decoder.decode(chunk))
                remaining -= len(chunk)
            characters += len(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            return None  # the careful reading reports it where it stands
        line = handle.readline(4096)
    item = _ITEM_LINE.match(line)
    if item is None or cut == 0:
        return None
    offset = len(item.group(1)) + 1 + len(item.group(2))  # ASCII: bytes are characters
    return SplitPlan(cut, lines + 1, characters - bom + offset)


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


@dataclass(frozen=True)
class _Half:
    start: int
    end: int
    prefix: bytes
    line_delta: int
    first_n: int
    check: tuple[int, int] | None  # (node index, node line) the first half must prove
    cut: int  # where the second half starts


def _halves(plan: SplitPlan, size: int) -> tuple[_Half, _Half]:
    return (
        # The first half reads on past the cut until its parse reaches the cut's item.
        _Half(0, size, b"", 0, 0, (plan.node_index, plan.line - 1), plan.cut),
        # The second half reads as `events:` then its items: its line 2 is `plan.line`. Its
        # row numbers start after the cut's line number: each event of a block list starts a
        # line of its own, so the first half has fewer (small numbers keep the index small).
        _Half(plan.cut, size, b"events:\n", plan.line - 2, plan.line, None, plan.cut),
    )


def _read_half(path: Path, half: _Half, on_batch: Callable[[RowBatch], None],
               on_progress: Callable[[int], None] | None) -> HalfOutcome:
    """One half, by the fast reading (store/fastread) when it can, else by the strict loader.

    A first half read fast stops at the cut, and proves it when the cut's line starts an
    item as its own items do (the same indentation, then `- `): every line before it was
    read, whole, as plain block YAML, so nothing open can run across the cut. The second
    half read fast starts with an item at that indentation, or gives up."""
    rows = RowBatcher(on_batch, half.first_n, half.line_delta)
    check = SplitCheck(*half.check) if half.check else None
    name = str(path)

    def fast(handed: Callable[[Event], None]) -> tuple[Header, int, int] | None:
        end = half.cut if check is not None else half.end
        source = _Range(path, half.start, end, half.prefix)
        try:
            return fast_source(source, name, handed, on_progress)  # type: ignore[arg-type]
        finally:
            source.close()

    def strict(rest: Callable[[Event], None]) -> tuple[Header, list[Problem]]:
        source = _Range(path, half.start, half.end, half.prefix)
        try:
            return stream_source(source, name, rest, on_progress,  # type: ignore[arg-type]
                                 check=check)
        finally:
            source.close()

    try:
        header, problems, indent = with_fallback(fast, strict, rows.add)
    except Diverged:
        return HalfOutcome(Header(), True, rows.count, False)
    rows.flush()
    if check is None:
        proven = False
    elif indent < 0:
        proven = check.proven
    else:
        proven = _starts_item(path, half.cut, indent)
    return HalfOutcome(header, bool(problems), rows.count, proven)


def _starts_item(path: Path, cut: int, indent: int) -> bool:
    """Whether the line at byte `cut` starts with `indent` spaces, `- ` and then text."""
    with open(path, "rb") as handle:
        handle.seek(cut)
        line = handle.read(indent + 3)
    return line[:indent + 2] == b" " * indent + b"- " and line[indent + 2:] not in (b"", b" ")


def _work(conn: Any, path: Path, half: _Half) -> None:
    """In a child process: read one half, send its batches, then the outcome.

    A child never prints: Ctrl-C is for the parent (which stops it), and when the parent is
    gone its next send fails and it leaves at once, quietly."""
    from relations_cli.store.workers import started

    started()  # Ctrl-C is the parent's (store/workers.spawning)
    try:
        read = [0]

        def progress(done: int) -> None:
            read[0] = done

        outcome = _read_half(path, half, lambda batch: conn.send(("rows", batch, read[0])),
                             progress)
        conn.send(("done", outcome))
    except (OSError, EOFError):  # the parent has gone: nobody to tell
        os._exit(0)
    except BaseException as error:  # the parent falls back to the careful reading
        try:
            conn.send(("failed", repr(error)))
        except BaseException:
            os._exit(0)
    finally:
        with contextlib.suppress(OSError):
            conn.close()


def read_in_halves(path: Path, on_batch: Callable[[RowBatch], None],
                   progress: Callable[[int, int], None] | None = None,
                   plan: SplitPlan | None = None,
                   processes: bool = True) -> tuple[HalfOutcome, HalfOutcome] | None:
    """The file read in two halves, at `plan` or at a cut found near its middle, every batch
    handed to `on_batch`; None when it is too small to be worth it, no cut is found, or a
    reader failed (see read_split for what the caller must still check)."""
    if plan is None:
        size = os.stat(path).st_size
        if not worth_splitting(size):
            return None
        plan = split_point(path, size)
        if plan is None:
            return None
    return read_split(path, plan, on_batch, progress, processes)


def read_split(path: Path, plan: SplitPlan, on_batch: Callable[[RowBatch], None],
               progress: Callable[[int, int], None] | None = None,
               processes: bool = True) -> tuple[HalfOutcome, HalfOutcome] | None:
    """Read both halves of a file cut by `plan`, handing every batch to `on_batch`; the two
    outcomes, or None when a reader failed. The caller must still check `proven`,
    `problems`, the keys of both headers and the ids (see store/build).

    `processes=False` reads the halves one after the other here (for tests: same answers)."""
    size = os.stat(path).st_size
    halves = _halves(plan, size)
    if not processes:
        return (_read_half(path, halves[0], on_batch, None),
                _read_half(path, halves[1], on_batch, None))
    return _in_processes(path, halves, size, on_batch, progress)


def _in_processes(path: Path, halves: tuple[_Half, _Half], size: int,
                  on_batch: Callable[[RowBatch], None],
                  progress: Callable[[int, int], None] | None,
                  ) -> tuple[HalfOutcome, HalfOutcome] | None:
    import multiprocessing
    from multiprocessing.connection import wait

    # Spawned, not forked: a fork would copy this process's open SQLite connection and
    # whatever state its caller holds (threads, locks, a test runner); a fresh interpreter
    # costs a tenth of a second, next to the seconds a file this large takes to read.
    context = multiprocessing.get_context("spawn")
    connections = []
    processes = []
    # Children start with Ctrl-C ignored, so a stop while they import prints no traceback
    # there (it is for the parent); the parent only holds a stop meanwhile, never drops it.
    from relations_cli.store.workers import spawning

    outcomes: dict[int, HalfOutcome] = {}
    done = [0, 0]
    finished = False
    try:
        with spawning():
            for half in halves:
                receiving, sending = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(sending, path, half),
                                          daemon=True)
                process.start()
                sending.close()
                connections.append(receiving)
                processes.append(process)
        active = list(connections)
        while active:
            for ready in wait(active):
                conn = cast("Connection[Any, Any]", ready)
                which = connections.index(conn)
                try:
                    message = conn.recv()
                except EOFError:
                    return None
                if message[0] == "rows":
                    on_batch(message[1])
                    done[which] = message[2]
                    if progress is not None:
                        progress(min(size, done[0] + done[1]), size)
                elif message[0] == "done":
                    outcomes[which] = message[1]
                    active.remove(conn)
                else:
                    return None
        finished = True
    finally:
        for process in processes:
            if not finished:  # a failure, Ctrl-C or SIGTERM here: stop the readers now
                process.terminate()
            process.join()
        for conn in connections:
            conn.close()
    return outcomes[0], outcomes[1]

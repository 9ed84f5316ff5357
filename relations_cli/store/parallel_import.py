"""A new timeline from a large CSV or TSV, read on every core.

The source is cut into pieces of whole rows (ingest/pieces). Worker processes (store/workers)
read a piece each: its rows, their drafts (ingest/table) and their text (store/yamltext); the
first piece, with the header, is read here while they start. This process takes the answers in the
pieces' order, numbers their rows after the rows before them, and hands them on to
store/importing.create_streamed, which gives ids and skips repeats as it always has: the file
written is byte for byte the one reading in order writes. Read in order, here, instead: a
source of one piece, one whose first piece is not UTF-8 or has no clean header, a TimelineJS
template, and, from that piece on, a piece found cut inside a quoted cell or a source with no
row end where one was looked for.
"""

from __future__ import annotations

import codecs
import io
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from relations_cli.core.errors import IngestError
from relations_cli.ingest.base import Problem, ReadOptions
from relations_cli.ingest.delimited import BadLine, Misaligned
from relations_cli.ingest.formats import ImportFormat, streamer_of
from relations_cli.ingest.pieces import (
    Chained,
    Cutter,
    chained_rows,
    header_of,
    piece_bytes,
    piece_rows,
)
from relations_cli.store.importing import Prepared, prepare, prepared
from relations_cli.store.workers import Here, Workers

if TYPE_CHECKING:
    from relations_cli.ingest.table import Table

__all__ = ["prepared_source"]

_WAITING = 2  # pieces a worker may have waiting for it: what bounds the memory


def prepared_source(raw: io.BufferedReader, fmt: ImportFormat, options: ReadOptions,
                    workers: Workers, size: int | None = None) -> Iterator[Prepared]:
    """A source's events prepared batch by batch, in its order: a CSV or TSV on every core
    (`workers`, in pieces of `size` bytes) when it is large, anything else here."""
    if fmt.name in ("csv", "tsv") and workers.worth_it and _utf8(options.encoding):
        yield from _Sheet(raw, fmt, options, workers, size or piece_bytes()).prepared()
        return
    streamer = streamer_of(fmt)
    assert streamer is not None
    yield from prepared(streamer(raw, options))


def _utf8(encoding: str | None) -> bool:
    try:
        return encoding is None or codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False  # reading in order says so


@dataclass(frozen=True)
class _Job:
    """A piece for a worker, with what it needs to read it alone."""

    data: bytes | str
    names: tuple[str, ...]
    options: ReadOptions
    quoted: bool
    last: bool  # the source's last piece


class _Sheet:
    def __init__(self, raw: BinaryIO, fmt: ImportFormat, options: ReadOptions,
                 workers: Workers, size: int) -> None:
        self.raw, self.fmt, self.options, self.workers = raw, fmt, options, workers
        self.quoted = fmt.name == "csv"
        self.cutter = Cutter(raw, self.quoted, size)
        self.row = 1  # rows before the next answer's: the header is row 1
        self.line = 0  # lines before the next answer's
        self.taken = 0  # pieces whose answers were taken

    def in_order(self, held: Iterable[bytes]) -> Iterator[Prepared]:
        streamer = streamer_of(self.fmt)
        assert streamer is not None
        source = cast("io.BufferedReader", io.BufferedReader(
            Chained([*held, self.cutter.held], self.raw)))
        yield from prepared(streamer(source, self.options))

    def prepared(self) -> Iterator[Prepared]:
        from relations_cli.ingest.table import Table
        from relations_cli.ingest.timelinejs_sheet import is_template

        pieces = iter(self.cutter)
        first, second = next(pieces, None), next(pieces, None)
        held = [piece for piece in (first, second) if piece is not None]
        head = header_of(first, self.quoted) if first is not None and second is not None \
            else None
        names = [name.strip() for name in head[0]] if head is not None else []
        if (head is None or any("\x00" in name for name in names)
                or (is_template(names) and not self.options.mapping)):
            yield from self.in_order(held)
            return
        assert second is not None
        table = Table(names, self.options)  # refuses what reading in order refuses, first
        yield Prepared(problems=table.head().problems)
        self.line = head[2]
        yield from self.answers(table, head[1], second, pieces)
        yield Prepared(notes=table.notes)

    def answers(self, table: Table, rest: str, second: bytes, pieces: Iterator[bytes],
                ) -> Iterator[Prepared]:
        """The pieces' answers in order, the workers kept busy meanwhile."""
        names = tuple(table.names)
        waiting: deque[tuple[bytes | str, Any]] = deque()  # a piece, the handle of its answer
        items: Iterator[bytes | str] = chain([rest, second], pieces)
        piece: bytes | str | None = next(items)
        following = next(items, None)
        while piece is not None:
            last = following is None and not self.cutter.stuck
            job = _Job(piece, names, self.options, self.quoted, last)
            # The first piece is read here when its answer is taken, by then the workers have
            # the next ones: they start meanwhile.
            first = self.taken + len(waiting) == 0
            waiting.append((piece, Here(_read_piece, job) if first
                            else self.workers.submit(_read_piece, job)))
            while waiting and (following is None
                               or len(waiting) > _WAITING * self.workers.count):
                data, handle = waiting.popleft()
                try:
                    answer = handle.get()
                except Misaligned:  # cut inside a quoted cell: from this piece on, in order
                    held = [data, *(piece for piece, _ in waiting)]
                    if following is not None:
                        held.append(following)
                    yield from self.rest_in_order(table, held)
                    return
                except BadLine as error:
                    raise IngestError(f"{self.options.name}:{self.line + error.line}: "
                                      f"{error.message}") from None
                self.taken += 1
                yield self.numbered(answer)
            piece, following = following, next(items, None) if following is not None else None
        if self.cutter.stuck:  # no row end found where one was looked for
            yield from self.rest_in_order(table, [])

    def numbered(self, answer: Prepared) -> Prepared:
        """The answer's bad rows numbered as rows of the source (a worker counts from 1)."""
        before = self.row
        self.row += answer.read
        self.line += answer.lines
        if answer.problems:
            answer.problems = [Problem(before + problem.row, problem.column, problem.message)
                               for problem in answer.problems]
        return answer

    def rest_in_order(self, table: Table, held: list[bytes | str]) -> Iterator[Prepared]:
        """The source from the held pieces on, read here in order, its rows numbered on."""
        data = [piece.encode() if isinstance(piece, str) else piece for piece in held]
        rows = chained_rows([*data, self.cutter.held], self.raw, self.quoted,
                            self.options.name, self.options.encoding, self.row, self.line)
        yield from prepared(table.batches(rows))


# -- in a worker (or here, for the first pieces) ----------------------------------------------

_made: dict[str, Any] = {}  # this process's table of the source it reads, and its writer


def _read_piece(job: _Job) -> Prepared:
    """A piece's events prepared: its rows read, made drafts and written as text."""
    from relations_cli.ingest.table import Table
    from relations_cli.store.yamltext import EventTexts

    rows, lines = piece_rows(job.data, job.quoted, job.options.name, job.options.encoding,
                             job.last)
    if _made.get("for") != (job.names, job.options):
        _made.update({"for": (job.names, job.options), "table": Table(job.names, job.options),
                      "texts": EventTexts(2, 4, "\n")})
    table: Table = _made["table"]
    texts: EventTexts = _made["texts"]
    answer = Prepared(read=len(rows), lines=lines)
    for part in table.batches(rows):
        answer.extend(prepare(part, texts))
    return answer

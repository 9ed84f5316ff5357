"""A large CSV or TSV source cut into pieces of whole rows, so that other processes can read
them (store/parallel_import: a new timeline from a large sheet, on every core).

A TSV row is a line. A CSV row ends at a line end outside quotes, so a piece is cut after a
`\\n` that an even number of `"` precedes: where a row ends in any CSV whose quotes all quote,
as spreadsheets and our export write them. Reading a piece alone is then reading it in order:
it begins where a row begins, and the reader keeps nothing from one row to the next. Python's
reader takes a `"` inside an unquoted cell (`5" tall`) as text, which the count cannot see;
the piece before such a cut then ends inside a quoted cell, its reading says so
(`Misaligned`), and the source is read in order from that piece on. A source with no such cut
within `_LONGEST` pieces' worth of bytes is read in order from there too (`Cutter.stuck`), so
memory stays bounded whatever the source.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from typing import IO, BinaryIO

from relations_cli.ingest.delimited import csv_piece, csv_reader, csv_rows, tsv_rows
from relations_cli.ingest.text import stream_error

__all__ = ["PIECE_BYTES", "Chained", "Cutter", "chained_rows", "header_of", "piece_bytes",
           "piece_rows"]

PIECE_BYTES = 1 << 20
_LONGEST = 16  # a piece grows to this many times piece_bytes() looking for its end

Rows = list[tuple[int, list[str]]]


def piece_bytes() -> int:
    """How large a piece is (RELATIONS_IMPORT_PIECE_BYTES sets it, for tests)."""
    given = os.environ.get("RELATIONS_IMPORT_PIECE_BYTES", "")
    return max(64, int(given)) if given.isdigit() else PIECE_BYTES


class Cutter:
    """The source's bytes as pieces of about `size` bytes, each ending at a row's end (as
    far as the quotes tell: see the module's text). When no end is found within `_LONGEST`
    pieces' worth, the pieces stop and `stuck` is set; `held` is then what was read and not
    given, which the rest of the source follows."""

    def __init__(self, raw: BinaryIO, quoted: bool, size: int) -> None:
        self.raw, self.quoted, self.size = raw, quoted, size
        self.held = b""
        self.stuck = False

    def __iter__(self) -> Iterator[bytes]:
        while True:
            block = self.raw.read(self.size)
            if not block:
                if self.held:
                    piece, self.held = self.held, b""
                    yield piece
                return
            data = self.held + block if self.held else block
            end = _last_end(data, self.quoted)
            if end < 0:
                self.held = data
                if len(data) >= self.size * _LONGEST:
                    self.stuck = True
                    return
                continue
            self.held = data[end + 1 :]
            yield data[: end + 1]


def _last_end(data: bytes, quoted: bool) -> int:
    """Where the last `\\n` that ends a row stands in `data` (which begins at a row's
    start), or -1."""
    end = data.rfind(b"\n")
    if not quoted or end < 0:
        return end
    odd = data.count(b'"', 0, end) % 2
    while odd and end >= 0:  # step back a line at a time, each line's quotes flipping it
        before = data.rfind(b"\n", 0, end)
        odd ^= data.count(b'"', before + 1, end) % 2
        end = before
    return end


def _text(data: bytes, name: str, encoding: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise stream_error(name, error, encoding) from None


def header_of(first: bytes, quoted: bool) -> tuple[list[str], str, int] | None:
    """The header row of a source's first piece (after any BOM): its cells, the rest of the
    piece's text, and the lines the header took; None when the reader would not take it
    cleanly (reading the source in order then says what is wrong, as it always has)."""
    try:
        text = first.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = io.StringIO(text, newline="" if quoted else "\n")
    if not quoted:
        return next(tsv_rows([lines.readline()]))[1], lines.read(), 1
    reader = csv_reader(lines)
    try:
        names = next(reader, None)
    except csv.Error:
        return None
    return (names, lines.read(), reader.line_num) if names is not None else None


def piece_rows(data: bytes | str, quoted: bool, name: str, encoding: str | None,
               last: bool) -> tuple[Rows, int]:
    """The rows of one piece, numbered from 1 (the caller knows what comes before), and
    its lines as its reader counts them (CSV's end at `\\n`, `\\r\\n` and a lone `\\r`, TSV's at
    `\\n`). A CSV row the reader refuses raises BadLine, with its line in the piece; an inner
    piece that ends inside a quoted cell, Misaligned."""
    text = data if isinstance(data, str) else _text(data, name, encoding)
    if not quoted:
        return list(tsv_rows(io.StringIO(text, newline="\n"))), text.count("\n")
    rows = csv_piece(text, name, last)
    return rows, text.count("\n") + text.count("\r") - text.count("\r\n")


class Chained(io.RawIOBase):
    """Bytes held, then the rest of a source, as one stream."""

    def __init__(self, held: Sequence[bytes], rest: BinaryIO) -> None:
        self.held = [memoryview(chunk) for chunk in held if chunk]
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while self.held:
            chunk = self.held[0]
            if not chunk:
                self.held.pop(0)
                continue
            size = min(len(buffer), len(chunk))
            buffer[:size] = chunk[:size]
            self.held[0] = chunk[size:]
            return size
        read = self.rest.readinto(buffer)  # type: ignore[attr-defined]
        return int(read or 0)


def chained_rows(held: Sequence[bytes], rest: BinaryIO, quoted: bool, name: str,
                 encoding: str | None, row: int, line: int,
                 ) -> Iterator[tuple[int, list[str]]]:
    """The rows of the bytes held and then of the rest of the source, read in order,
    numbered after `row` (`line` lines come before them)."""
    text: IO[str] = io.TextIOWrapper(io.BufferedReader(Chained(held, rest)), encoding="utf-8",
                                     errors="strict", newline="" if quoted else "\n")
    try:
        if quoted:
            yield from csv_rows(text, name, row, line)
        else:
            yield from tsv_rows(text, row)
    except UnicodeDecodeError as error:
        raise stream_error(name, error, encoding) from None

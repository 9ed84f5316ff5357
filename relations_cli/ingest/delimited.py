"""CSV and TSV sources: the header row names the columns (ingest/table reads them).

CSV is read as spreadsheets and our export write it (`,`, `"` quoting, cells over several
lines). TSV is read as our export writes it: one row a line, cells split at tabs, and `\\t`,
`\\n`, `\\r` and `\\\\` inside a cell read back as the characters they stand for.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

from relations_cli.core.errors import IngestError
from relations_cli.ingest.base import Ingested, ReadOptions
from relations_cli.ingest.table import read_table
from relations_cli.ingest.text import decoded, stream_error, text_stream

if TYPE_CHECKING:
    import _csv

__all__ = ["BadLine", "Misaligned", "csv_piece", "csv_reader", "csv_rows", "read_csv", "read_tsv",
           "stream_csv", "stream_tsv", "tsv_rows"]

_TSV_ESCAPE = re.compile(r"\\([\\tnr])")
_TSV_CHARS = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def read_csv(data: bytes, options: ReadOptions) -> Ingested:
    text = decoded(data, options.name, "CSV", options.encoding)
    rows = csv_rows(text, options.name)
    header = next(rows, None)
    if header is None:
        raise IngestError(f"{options.name}: has no header row")
    return read_table(header[1], rows, options)


class Misaligned(Exception):
    """A piece of a CSV (ingest/pieces) that ends inside a quoted cell: it was cut where no
    row ends."""


class BadLine(Exception):
    """A line of a piece that the reader refuses: its number in the piece, and why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(line, message)
        self.line, self.message = line, message


def csv_rows(text: str | IO[str], name: str, number: int = 0, line: int = 0,
             ) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV text, numbered after `number`, its lines counted after `line`."""
    reader = csv_reader(text)
    try:
        yield from enumerate(reader, number + 1)
    except csv.Error as error:
        _refuse(error, name)
        raise IngestError(f"{name}:{line + reader.line_num}: not valid CSV: {error}") \
            from None


def csv_piece(text: str, name: str, last: bool) -> list[tuple[int, list[str]]]:
    """The rows of a piece of a CSV read apart (ingest/pieces), numbered from 1, all at
    once. It does not know the lines before it: a row it cannot read raises BadLine with
    its own line; a piece but the `last` that ends inside a quoted cell raises Misaligned
    (it was cut where no row ends)."""
    reader = csv_reader(text)
    try:
        return list(enumerate(reader, 1))
    except csv.Error as error:
        _refuse(error, name)
        if not last and str(error) == "unexpected end of data":
            raise Misaligned from None
        raise BadLine(reader.line_num, f"not valid CSV: {error}") from None


def csv_reader(text: str | IO[str]) -> _csv.Reader:
    """Python's CSV reader, strict, as every CSV source is read."""
    # The reader's own limit (128 KiB a cell) would raise mid-file; ingest/cells reports
    # each cell over its limit instead, by row and column.
    csv.field_size_limit(min(sys.maxsize, (1 << 31) - 1))
    return csv.reader(io.StringIO(text, newline="") if isinstance(text, str) else text,
                      strict=True)


def _refuse(error: csv.Error, name: str) -> None:
    if "NUL" in str(error):
        raise IngestError(f"{name}: holds NUL characters: a binary file, not CSV text") \
            from None


def tsv_rows(lines: Iterable[str], after: int = 0) -> Iterator[tuple[int, list[str]]]:
    """The rows of TSV lines (each with its line end), numbered after `after`."""
    for number, line in enumerate(lines, start=after + 1):
        yield number, [_unescaped(cell) for cell in
                       line.rstrip("\n").removesuffix("\r").split("\t")]


def read_tsv(data: bytes, options: ReadOptions) -> Ingested:
    text = decoded(data, options.name, "TSV", options.encoding)
    # Only LF (and CRLF) end a row: U+2028 and the like are text inside a cell.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise IngestError(f"{options.name}: has no header row")
    rows = ((number, [_unescaped(cell) for cell in line.split("\t")])
            for number, line in enumerate(lines[1:], start=2))
    return read_table(lines[0].split("\t"), rows, options)


def _unescaped(cell: str) -> str:
    if "\\" not in cell:
        return cell
    return _TSV_ESCAPE.sub(lambda match: _TSV_CHARS[match.group(1)], cell)


# -- streamed, for a source too large to hold (a new timeline from a large sheet) -----------


def stream_csv(raw: io.BufferedReader, options: ReadOptions) -> Iterator[Ingested]:
    """read_csv as the file is read: its drafts and problems a batch at a time."""
    text = text_stream(raw, options.name, "CSV", options.encoding)
    yield from _streamed(csv_rows(text, options.name), options)


def stream_tsv(raw: io.BufferedReader, options: ReadOptions) -> Iterator[Ingested]:
    """read_tsv as the file is read: its drafts and problems a batch at a time."""
    text = text_stream(raw, options.name, "TSV", options.encoding, newline="\n")
    yield from _streamed(tsv_rows(text), options)


def _streamed(rows: Iterator[tuple[int, list[str]]], options: ReadOptions,
              ) -> Iterator[Ingested]:
    from relations_cli.ingest.table import Table
    from relations_cli.ingest.timelinejs_sheet import is_template, read_template

    try:
        first = next(rows, None)
        if first is None:
            raise IngestError(f"{options.name}: has no header row")
        names = [name.strip() for name in first[1]]
        if any("\x00" in name for name in names):
            raise IngestError(f"{options.name}: holds NUL characters: a binary file, not "
                              "text")
        if is_template(names) and not options.mapping:
            yield read_template(names, rows, options)  # a template is a few hundred rows
            return
        table = Table(names, options)
        yield table.head()
        yield from table.batches(rows)
        yield Ingested(notes=table.notes)
    except UnicodeDecodeError as error:
        raise stream_error(options.name, error, options.encoding) from None

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
from collections.abc import Iterator

from relations_cli.core.errors import IngestError
from relations_cli.ingest.base import Ingested, ReadOptions
from relations_cli.ingest.table import read_table
from relations_cli.ingest.text import decoded

__all__ = ["read_csv", "read_tsv"]

_TSV_ESCAPE = re.compile(r"\\([\\tnr])")
_TSV_CHARS = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def read_csv(data: bytes, options: ReadOptions) -> Ingested:
    text = decoded(data, options.name, "CSV", options.encoding)
    # The reader's own limit (128 KiB a cell) would raise mid-file; ingest/cells reports
    # each cell over its limit instead, by row and column.
    csv.field_size_limit(min(sys.maxsize, (1 << 31) - 1))
    rows = _csv_rows(text, options.name)
    header = next(rows, None)
    if header is None:
        raise IngestError(f"{options.name}: has no header row")
    return read_table(header[1], rows, options)


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise IngestError(f"{name}:{reader.line_num}: not valid CSV: {error}") from None
        number += 1
        yield number, cells


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

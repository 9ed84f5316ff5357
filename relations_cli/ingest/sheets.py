"""XLSX and ODS spreadsheets, read with python-calamine (the `import` extra): the first sheet,
or the one --sheet names; its first row is the header (ingest/table reads the rest).

A cell is read as the value the sheet shows: a number that is whole as `2016` (not `2016.0`),
a date or time as ISO 8601 text, a formula as its last computed value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from relations_cli.core.errors import IngestError
from relations_cli.ingest.base import Ingested, ReadOptions
from relations_cli.ingest.table import read_table

__all__ = ["read_ods", "read_xlsx"]


def read_xlsx(data: bytes, options: ReadOptions) -> Ingested:
    return _read(data, options, "an XLSX workbook")


def read_ods(data: bytes, options: ReadOptions) -> Ingested:
    return _read(data, options, "an ODS spreadsheet")


def _read(data: bytes, options: ReadOptions, what: str) -> Ingested:
    import io

    try:
        from python_calamine import CalamineWorkbook
    except ModuleNotFoundError as error:
        from relations_cli.ingest.formats import format_named, missing_library

        raise missing_library(format_named("xlsx"), error) from None
    if not data:
        raise IngestError(f"{options.name}: is empty; there is nothing to import")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        if options.sheet is not None and options.sheet not in names:
            raise IngestError(f"--sheet: {options.name} has no sheet '{options.sheet}' "
                              f"(sheets: {', '.join(names)})")
        if not names:
            raise IngestError(f"{options.name}: has no sheet")
        sheet = workbook.get_sheet_by_name(options.sheet or names[0])
        grid = sheet.to_python(skip_empty_area=False)
    except IngestError:
        raise
    except Exception as error:  # calamine raises its own types for every kind of bad file
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise IngestError(f"{options.name}: cannot be read as {what} ({reason})") from None
    rows = [[_cell(value) for value in row] for row in grid]
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise IngestError(f"{options.name}: the sheet '{options.sheet or names[0]}' is empty")
    header = rows[0]
    return read_table(header, ((number, row) for number, row in enumerate(rows[1:], start=2)),
                      options)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return str(value)

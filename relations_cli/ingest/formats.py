"""The formats `import` reads: one line each, found by name (`--from`) or by extension.

A format names the module and function that read it (ingest/base.Reader); the module is
imported only when a source in that format is read, so the readers' libraries (calamine for
spreadsheets, icalendar for calendars) load only then. A reader that is not installed yet, or
whose library is missing, is a one-line error, never a traceback.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from relations_cli.core.errors import IngestError, MissingExtra
from relations_cli.ingest.base import Ingested, Problem, Reader, ReadOptions

__all__ = ["IMPORT_FORMATS", "ImportFormat", "chosen_format", "format_for", "format_named",
           "ingest", "missing_library", "problem_text", "reader_of", "streamer_of"]


@dataclass(frozen=True)
class ImportFormat:
    """A format `import` reads: its name, the reader (module and function) and its extensions;
    `extra` is the package extra that installs the reader's library, for the message."""

    name: str
    module: str
    function: str
    extensions: tuple[str, ...]
    extra: str = ""
    # A second function of the module that reads an open binary file as it comes, batch by
    # batch (Iterator[Ingested]), for sources too large to hold; "" when there is none.
    stream: str = ""


IMPORT_FORMATS: tuple[ImportFormat, ...] = (
    ImportFormat("csv", "relations_cli.ingest.delimited", "read_csv", (".csv",),
                 stream="stream_csv"),
    ImportFormat("tsv", "relations_cli.ingest.delimited", "read_tsv", (".tsv", ".tab"),
                 stream="stream_tsv"),
    ImportFormat("json", "relations_cli.ingest.jsonfile", "read_json", (".json",)),
    ImportFormat("jsonl", "relations_cli.ingest.jsonfile", "read_jsonl", (".jsonl", ".ndjson")),
    ImportFormat("timelinejs", "relations_cli.ingest.timelinejs", "read", ()),
    ImportFormat("xlsx", "relations_cli.ingest.sheets", "read_xlsx", (".xlsx", ".xlsm"),
                 "import"),
    ImportFormat("ods", "relations_cli.ingest.sheets", "read_ods", (".ods",), "import"),
    ImportFormat("ics", "relations_cli.ingest.ics", "read", (".ics", ".ical")),
    ImportFormat("markwhen", "relations_cli.ingest.markwhen", "read", (".mw",)),
)

NAMES = tuple(fmt.name for fmt in IMPORT_FORMATS)


def format_named(name: str) -> ImportFormat:
    """The format `--from NAME` asks for."""
    for fmt in IMPORT_FORMATS:
        if fmt.name == name.strip().lower():
            return fmt
    raise IngestError(f"--from: no format '{name}' (formats: {', '.join(NAMES)})")


def format_for(source: str) -> ImportFormat:
    """The format of a source named without --from, from its extension."""
    suffix = PurePath(source).suffix.lower()
    for fmt in IMPORT_FORMATS:
        if suffix and suffix in fmt.extensions:
            return fmt
    if source == "-":
        raise IngestError(f"standard input: name its format with --from ({', '.join(NAMES)})")
    raise IngestError(f"{source}: cannot tell its format from the extension "
                      f"'{suffix or '(none)'}'; name it with --from ({', '.join(NAMES)})")


def reader_of(fmt: ImportFormat) -> Reader:
    """The format's reader, its module imported now."""
    try:
        module = importlib.import_module(fmt.module)
    except ModuleNotFoundError as error:
        if error.name and fmt.module.startswith(error.name):
            raise IngestError(f"--from {fmt.name}: this version of relations cannot read "
                              f"{fmt.name} yet ({fmt.module} is not installed)") from None
        raise missing_library(fmt, error) from None
    reader: Reader = getattr(module, fmt.function)
    return reader


def missing_library(fmt: ImportFormat, error: ModuleNotFoundError) -> MissingExtra:
    """The error for a reader whose library is not installed, naming the extra to install."""
    extra = f" (pip install 'relations-cli[{fmt.extra}]')" if fmt.extra else ""
    return MissingExtra(f"reading {fmt.name} needs the Python package '{error.name}', which is "
                        f"not installed{extra}")


def chosen_format(source: str, format_name: str | None) -> ImportFormat:
    """The format named by --from, else the one the source's extension says."""
    return format_named(format_name) if format_name else format_for(source)


def streamer_of(fmt: ImportFormat) -> Callable[[io.BufferedReader, ReadOptions],
                                               Iterator[Ingested]] | None:
    """The format's streaming reader, when it has one."""
    if not fmt.stream:
        return None
    module = importlib.import_module(fmt.module)
    streamer: Callable[[io.BufferedReader, ReadOptions], Iterator[Ingested]] = getattr(
        module, fmt.stream)
    return streamer


def ingest(data: bytes, options: ReadOptions, format_name: str | None = None) -> Ingested:
    """What a source holds, read in the format named (else the one its name's extension
    says)."""
    fmt = chosen_format(options.name, format_name)
    reader = reader_of(fmt)
    try:
        return reader(data, options)
    except ModuleNotFoundError as error:  # a reader's library, imported when it reads
        raise missing_library(fmt, error) from None


def problem_text(source: str, problem: Problem) -> str:
    """A bad row as `SOURCE:ROW:COLUMN: message` (no column when no one column is to blame)."""
    column = f"{problem.column}:" if problem.column else ""
    return f"{source}:{problem.row}:{column} {problem.message}"

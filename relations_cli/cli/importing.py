"""`relations import`: events from sheets, TimelineJS, JSON and calendars into a timeline.

The readers (ingest/) turn each source into drafts and the problems of its bad rows; the store
(store/importing) skips what the timeline has, adds the rest in one write, or creates the file.
"""

# No `from __future__ import annotations`: see app.py.

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from relations_cli.cli.app import app, note
from relations_cli.cli.write import DataOpt, DryRunOpt, _report, _target
from relations_cli.core.errors import IngestError, WriteError
from relations_cli.ingest.formats import NAMES as FORMAT_NAMES


def _mapping(values: list[str]) -> dict[str, str]:
    """`--map "Headline=title,Start=date"` (repeatable), or `--map FILE`: a mapping file of
    `Column = field` lines (`#` starts a comment; `Column =` leaves a column out)."""
    mapping: dict[str, str] = {}
    for value in values:
        if "=" not in value:
            try:
                text = Path(value).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                raise IngestError(f"--map: '{value}' is neither COLUMN=FIELD nor a mapping file "
                                  f"that can be read ({error})") from None
            pairs = [line.split("#", 1)[0] for line in text.splitlines()]
            where = value
        else:
            pairs = value.split(",")
            where = "--map"
        for pair in pairs:
            if not pair.strip():
                continue
            column, equals, field = pair.partition("=")
            if not equals or not column.strip():
                raise IngestError(f"{where}: '{pair.strip()}' is not COLUMN=FIELD")
            mapping[column.strip()] = field.strip()
    return mapping


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except IsADirectoryError:
        raise IngestError(f"{source}: is a folder, not a file to import") from None
    except OSError as error:
        raise IngestError(f"{source}: cannot read: {(error.strerror or str(error)).lower()}") \
            from None


@app.command(name="import")
def import_(
    sources: Annotated[list[str], typer.Argument(
        metavar="SOURCE...", show_default=False,
        help="Files to import (- for standard input).")],
    data: DataOpt = None,
    from_format: Annotated[str | None, typer.Option(
        "--from", "-f", metavar="FORMAT", show_default=False,
        help=f"{', '.join(FORMAT_NAMES)} [default: from the extension].")] = None,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", metavar="COLUMN=FIELD,...|FILE", show_default=False,
        help="Which field each column of a sheet gives (Column= leaves it out); or a "
             "mapping file of 'Column = field' lines.")] = None,
    date_format: Annotated[str | None, typer.Option(
        "--date-format", metavar="FORMAT", show_default=False,
        help="How dates no filter reads are written, as strftime: '%d/%m/%Y'.")] = None,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", metavar="NAME", show_default=False,
        help="The sheet of a workbook [default: the first].")] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", metavar="NAME", show_default=False,
        help="The text encoding of a CSV, TSV or JSON source [default: UTF-8, or UTF-16 "
             "with a BOM].")] = None,
    eras: Annotated[Path | None, typer.Option(
        "--eras", metavar="FILE", show_default=False,
        help="Write the source's eras (TimelineJS) to this new file, for --eras.")] = None,
    update: Annotated[bool, typer.Option(
        "--update", help="Refresh the changed fields of events already there.")] = False,
    skip_bad: Annotated[bool, typer.Option(
        "--skip-bad", help="Write the good rows and list the bad ones.")] = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Import events from CSV, TSV, spreadsheets, TimelineJS, JSON or JSON Lines into a
    timeline (created when it does not exist).

    An event already there (same id, or same date and title) is skipped, or refreshed with
    --update. Every bad row is reported as SOURCE:ROW:COLUMN; nothing is written unless
    --skip-bad.

    \b
    Examples:
      relations import events.csv --data mine.yaml
      relations import sheet.csv --data mine.yaml --map "Headline=title,Start=date"
      relations timeline --format jsonl | relations import - --from jsonl --data copy.yaml
      relations import book.xlsx --sheet Events --data mine.yaml --dry-run
    """
    from relations_cli.ingest.base import ReadOptions, Row
    from relations_cli.ingest.formats import chosen_format, ingest, problem_text
    from relations_cli.ingest.table import check_mapping
    from relations_cli.render.progress import indexing_progress
    from relations_cli.render.safe import visible
    from relations_cli.store.importing import import_rows

    path = _target(data)
    if eras is not None and eras.exists():
        raise WriteError(f"--eras: {eras} already exists; it is never overwritten; nothing "
                         "written")
    columns = _mapping(mapping or [])
    check_mapping(columns)

    def options_for(source: str) -> ReadOptions:
        return ReadOptions(name=source, mapping=columns, date_format=date_format,
                           sheet=sheet, encoding=encoding)

    formats = [chosen_format(source, from_format) for source in sources]
    if not dry_run and not path.exists() and all(fmt.stream for fmt in formats):
        # A new timeline from sheets: read and written as it comes, in bounded memory.
        _import_streamed(path, list(zip(sources, formats, strict=True)), options_for,
                         skip_bad, eras)
        return
    rows: list[Row] = []
    bad: list[str] = []
    title = description = None
    found_eras = []
    for source in sources:
        name = "<stdin>" if source == "-" else source
        ingested = ingest(_read(source), options_for(source), from_format)
        rows.extend(ingested.rows)
        bad.extend(problem_text(name, problem) for problem in ingested.problems)
        title, description = title or ingested.title, description or ingested.description
        found_eras.extend(ingested.eras)
        for message in ingested.notes:
            note(f"{visible(name)}: {visible(message)}")
    for line in bad:
        sys.stderr.write(visible(line) + "\n")
    if bad and not skip_bad:
        raise WriteError(f"{len(bad)} bad {'row' if len(bad) == 1 else 'rows'}; nothing "
                         "written (--skip-bad writes the good rows)")
    if not rows:
        raise WriteError("no event to import; nothing written")
    if title and path.exists():
        note(f"the source's title '{visible(title)}' is kept only by a new timeline")
    with indexing_progress("importing") as progress:
        result = import_rows(path, rows, title, description, update, dry_run, progress)
    if found_eras:
        _eras(found_eras, eras, dry_run)
    counts = (f"{len(result.added)} added, {result.skipped} skipped, "
              f"{len(result.updated)} updated" + (f", {len(bad)} bad left out" if bad else ""))
    _report(path, result, dry_run,
            f"{'created with' if result.created else 'imported:'} {counts}")
    if dry_run:
        note(f"would import: {counts}")


def _import_streamed(path: Path, sources: list[tuple[str, Any]],
                     options_for: Callable[[str], Any], skip_bad: bool,
                     eras: Path | None) -> None:
    from relations_cli.ingest.formats import problem_text
    from relations_cli.render.progress import indexing_progress
    from relations_cli.render.safe import visible
    from relations_cli.store.importing import create_streamed
    from relations_cli.store.parallel_import import prepared_source
    from relations_cli.store.workers import Workers

    current = [""]
    bad = [0]
    found_eras: list[dict[str, str]] = []

    def report(problem: Any) -> None:
        bad[0] += 1
        sys.stderr.write(visible(problem_text(current[0], problem)) + "\n")

    def batches(workers: Workers) -> Iterator[Any]:
        with indexing_progress("importing") as progress:
            for source, fmt in sources:
                current[0] = "<stdin>" if source == "-" else source
                with _opened(source) as raw:
                    size = _size(raw)
                    for part in prepared_source(raw, fmt, options_for(source), workers):
                        for message in part.notes:
                            note(f"{visible(current[0])}: {visible(message)}")
                        found_eras.extend(part.eras)
                        yield part
                        if progress is not None and size:
                            progress(min(raw.tell(), size), size)

    with Workers() as workers:  # started only for a large sheet
        result = create_streamed(path, batches(workers), skip_bad, report)
    if found_eras:
        _eras(found_eras, eras, False)
    counts = (f"{len(result.added)} added, {result.skipped} skipped, 0 updated"
              + (f", {bad[0]} bad left out" if bad[0] else ""))
    note(f"created with {counts} in {visible(str(path))}")


@contextlib.contextmanager
def _opened(source: str) -> Iterator[io.BufferedReader]:
    if source == "-":
        yield sys.stdin.buffer  # type: ignore[misc]
        return
    if Path(source).is_dir():
        raise IngestError(f"{source}: is a folder, not a file to import")
    try:
        stream = open(source, "rb")  # noqa: SIM115 - closed below, after the last batch
    except OSError as error:
        raise IngestError(f"{source}: cannot read: {(error.strerror or str(error)).lower()}") \
            from None
    with stream:
        yield stream


def _size(raw: io.BufferedReader) -> int:
    try:
        return os.fstat(raw.fileno()).st_size
    except (OSError, ValueError, io.UnsupportedOperation):
        return 0


def _eras(found: list[dict[str, str]], path: Path | None, dry_run: bool) -> None:
    from relations_cli.store.importing import write_new_file
    from relations_cli.store.yamltext import yaml_scalar

    if path is None:
        note(f"{len(found)} eras not kept: pass --eras FILE to write them for --eras")
        return
    text = "".join(f"- start: {yaml_scalar(era['start'], date=True)}\n"
                   f"  end: {yaml_scalar(era['end'], date=True)}\n"
                   f"  headline: {yaml_scalar(era['headline'])}\n" for era in found)
    if dry_run:
        note(f"dry run: {len(found)} eras not written to {path}")
        return
    write_new_file(path, iter([text]))
    note(f"{len(found)} eras written to {path}")

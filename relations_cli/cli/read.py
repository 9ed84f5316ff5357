"""Reading commands: timeline, search, show and validate."""

# No `from __future__ import annotations`: see app.py.

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relations_cli.cli.app import app, exit_if_empty, note
from relations_cli.cli.options import (
    FilterOptions,
    FormatName,
    ListOptions,
    OutputOptions,
    SourceOptions,
    complete_ids,
    with_options,
)
from relations_cli.core.errors import ExitStatus, QueryError
from relations_cli.core.model import Event
from relations_cli.core.query import Query

if TYPE_CHECKING:
    from relations_cli.core.errors import Problem
    from relations_cli.core.lint import LintWarning


def _list_events(source: SourceOptions, query: Query, output: OutputOptions) -> None:
    """The shared body of `timeline` and `search`: select, render, and exit 1 on nothing."""
    from relations_cli.render.present import deliver

    engine = source.engine()
    events = engine.select(query)
    deliver(output.settings(), events, timeline=engine.registry, terms=query.terms,
            protected=source.path(), query=query)
    exit_if_empty(events, engine.count())


@app.command()
@with_options
def timeline(filters: FilterOptions, listing: ListOptions, source: SourceOptions,
             output: OutputOptions) -> None:
    """The chronology, oldest first.

    \b
    Examples:
      relations timeline --since 2015
      relations timeline --on 2016Q1 --category security
      relations timeline --person Xi --format json | jq '.[].title'
      relations timeline --category trade --output trade.csv
    """
    _list_events(source, filters.query(listing), output)


@app.command()
@with_options
def search(
    terms: Annotated[list[str], typer.Argument(metavar="TERMS...", show_default=False,
                                               help="Words to find, case-insensitive.")],
    filters: FilterOptions, listing: ListOptions, source: SourceOptions, output: OutputOptions,
    any_term: Annotated[bool, typer.Option("--any", help="Match events with any term, not "
                                           "all.")] = False,
) -> None:
    """Events whose text holds every term: title, summary, quotes, people and their
    aliases, actors, place and tags.

    \b
    Examples:
      relations search Kerry
      relations search Putin Xi --since 2015
      relations search Palmyra withdrawal --any
      relations search 习近平
    """
    _list_events(source, filters.query(listing, terms, any_term), output)


@app.command()
@with_options
def show(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id.",
                                            autocompletion=complete_ids)],
    source: SourceOptions, output: OutputOptions,
) -> None:
    """One event in full: dates and how they were derived, people with roles, quotes,
    figures and sources.

    \b
    Examples:
      relations show palmyra-retaken
      relations show customs-2015-trade-figures --format json
    """
    from relations_cli.render.present import deliver

    engine = source.engine()
    event = engine.event(event_id)
    if event is None:
        import difflib

        close = difflib.get_close_matches(event_id, engine.ids(), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else \
            " ('relations timeline' lists the ids)"
        raise QueryError(f"no event with id '{event_id}'{hint}")
    deliver(output.settings(), [event], timeline=engine.registry, protected=source.path(),
            detail=True)


@app.command()
@with_options
def validate(
    source: SourceOptions,
    path: Annotated[str | None, typer.Argument(metavar="[PATH]", show_default=False,
                                               help="Timeline file [default: as --data].")] = None,
    fmt: Annotated[FormatName | None, typer.Option(
        "--format", "-f", show_default=False, case_sensitive=False,
        help="plain (FILE:LINE:COL: problem lines) or json.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Fail (exit 2) on warnings too: people missing from the registry or "
        "never named, near-miss categories, tags and places, sources without a URL, events "
        "out of date order.")] = False,
) -> None:
    """Check a timeline and list every problem found, one a line.

    Likely mistakes in a valid file are warnings on stderr (FILE:LINE:COL: warning: ...).
    Exits 0 when the file is valid and 2 when it is not (or, with --strict, has warnings).

    \b
    Examples:
      relations validate data/events.yaml
      relations validate mine.yaml --strict
      relations validate mine.yaml --format json | jq '.[].message'
    """
    from relations_cli.render.safe import json_dumps, visible
    from relations_cli.store.source import resolve_data_paths

    targets = [resolve_data_paths(path)[0]] if path else resolve_data_paths(source.data)
    problems, warnings, valid = [], [], []
    for target in targets:
        found, warned, summary = _check(target)
        problems += found
        warnings += warned
        valid.append(summary)
    if fmt is FormatName.json:
        records = [{"file": p.path, "line": p.line, "column": p.column, "message": p.message}
                   for p in problems]
        print(json_dumps(records, indent=2))
    else:
        for problem in problems:
            print(visible(str(problem)))
    for warning in warnings:
        print(visible(str(warning)), file=sys.stderr)
    names = visible(", ".join(str(t) for t in targets))
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        note(f"{len(problems)} {noun} in {names}")
        raise typer.Exit(ExitStatus.ERROR)
    if warnings and strict:
        noun = "warning" if len(warnings) == 1 else "warnings"
        note(f"{len(warnings)} {noun} in {names} (--strict)")
        raise typer.Exit(ExitStatus.ERROR)
    for summary in valid:
        note(summary)


def _check(target: Path) -> "tuple[list[Problem], list[LintWarning], str]":
    """Every problem in one timeline file (or `-`, standard input), every warning when there
    are no problems, and what to say of it when it is valid."""
    from relations_cli.core.lint import Linter
    from relations_cli.render.progress import indexing_progress
    from relations_cli.render.safe import visible
    from relations_cli.store.loader import read_lines, stream_source, stream_timeline
    from relations_cli.store.source import STDIN, STDIN_NAME

    stdin = str(target) == STDIN
    name = STDIN_NAME if stdin else str(target)
    counted = [0]
    linter = Linter(name)

    def count(event: Event) -> None:
        counted[0] += 1
        linter.add(event)

    # Streamed, so a file of any length is checked in bounded memory.
    if stdin:
        header, problems = stream_source(sys.stdin.buffer, name, count)
    else:
        with indexing_progress("checking") as progress:
            header, problems = stream_timeline(target, count, progress)
    if problems:
        return problems, [], ""
    warnings = linter.finish(header.people, None if stdin else lambda: read_lines(target))
    return [], warnings, f"{visible(name)} is valid: {counted[0]} events, " \
        f"{len(header.people)} people"

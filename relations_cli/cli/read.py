"""Reading commands: timeline, search, show and validate."""

import sys
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from relations_cli.cli.app import app, exit_if_empty, note, print_count
from relations_cli.cli.options import (
    EventOutput,
    EventsOutput,
    FilterOptions,
    ListOptions,
    SourceOptions,
    complete_ids,
    with_options,
)
from relations_cli.core.errors import ExitStatus, NotFoundError, QueryError
from relations_cli.core.query import Query
from relations_cli.render.formats import Kind

if TYPE_CHECKING:
    from relations_cli.core.engine import Engine


def list_events(source: SourceOptions, query: Query, listing: ListOptions,
                output: EventsOutput, looked_for: str = "") -> None:
    """The shared body of the event listings: select, render, and exit 1 on nothing."""
    from relations_cli.render.present import deliver

    engine = source.engine()
    events = engine.select(query)
    if not events:
        filters_hint(engine, query)
    if listing.count:
        print_count(len(events))
    else:
        deliver(output.settings(), Kind.EVENTS, events, terms=query.terms,
                protected=source.paths(), timeline=engine.registry, query=query,
                categories=every_category(engine))
    exit_if_empty(events, engine.count(), looked_for=looked_for)


def every_category(engine: "Engine") -> Callable[[], tuple[str, ...]]:
    """Every category of the whole timeline, asked for only by a format that colors them
    (html, svg), so that each export of a timeline colors a category alike."""
    def categories() -> tuple[str, ...]:
        from relations_cli.core.values import timeline_categories

        return timeline_categories(engine)
    return categories


def filters_hint(engine: object, query: Query) -> None:
    """When nothing matched, a filter value the timeline never uses gets a did-you-mean."""
    from relations_cli.core.values import unknown_filter_values

    for message in unknown_filter_values(engine, query):  # type: ignore[arg-type]
        note(message)


@app.command()
@with_options
def timeline(filters: FilterOptions, listing: ListOptions, source: SourceOptions,
             output: EventsOutput) -> None:
    """The chronology, oldest first.

    \b
    Examples:
      relations timeline --since 2015
      relations timeline --on 2016Q1 --category security
      relations timeline --person Xi --format json | jq '.[].title'
      relations timeline --category trade --output trade.csv
    """
    list_events(source, filters.query(listing), listing, output)


@app.command()
@with_options
def search(
    terms: Annotated[list[str], typer.Argument(metavar="TERMS...", show_default=False,
                                               help="Words to find, case-insensitive.")],
    filters: FilterOptions, listing: ListOptions, source: SourceOptions, output: EventsOutput,
    any_term: Annotated[bool, typer.Option("--any", help="Match events with any term, not "
                                           "all.")] = False,
) -> None:
    """Events whose text holds every term: title, summary, quotes, people and their
    aliases, actors, place, tags, and the titles and publishers of sources. Dashes and
    hyphens match each other.

    \b
    Examples:
      relations search Kerry
      relations search Putin Xi --since 2015
      relations search Palmyra withdrawal --any
      relations search 习近平
    """
    if not any(term.strip() for term in terms):
        raise QueryError("search needs a word to look for ('relations timeline' lists all)")
    list_events(source, filters.query(listing, terms, any_term), listing, output)


@app.command()
@with_options
def show(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id.",
                                            autocompletion=complete_ids)],
    source: SourceOptions, output: EventOutput,
) -> None:
    """One event in full: dates and how they were derived, people with roles, quotes,
    figures and sources.

    \b
    Examples:
      relations show palmyra-retaken
      relations show customs-2015-trade-figures --format json
    """
    from relations_cli.core.text import not_found
    from relations_cli.render.detail import event_view
    from relations_cli.render.present import deliver

    engine = source.engine()
    event = engine.event(event_id)
    if event is None:
        raise NotFoundError(not_found("event with id", event_id, engine.ids(),
                                      engine.registry.path, "'relations timeline' lists the ids"))
    deliver(output.settings(), Kind.EVENT, event_view(event, engine.people),
            protected=source.paths(), timeline=engine.registry,
            categories=every_category(engine))


class ValidateFormat(str, Enum):
    plain = "plain"
    json = "json"


@app.command()
@with_options
def validate(
    source: SourceOptions,
    paths: Annotated[list[str] | None, typer.Argument(
        metavar="[PATH]...", show_default=False,
        help="Timeline files [default: as --data].")] = None,
    fmt: Annotated[ValidateFormat | None, typer.Option(
        "--format", "-f", show_default=False, case_sensitive=False,
        help="plain (FILE:LINE:COL: problem lines) or json.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Fail (exit 2) on warnings too: people missing from the registry or "
        "never named, near-miss categories, tags and places, sources without a URL or with one "
        "that is not http(s) or mailto, events out of date order.")] = False,
) -> None:
    """Check timelines and list every problem found, one a line, in file order.

    Likely mistakes in a valid file are warnings on stderr (FILE:LINE:COL: warning: ...);
    with --format json, errors and warnings are records of one array, told apart by their
    "severity". A warning checked and kept is accepted by a comment on its line,
    `# relations: accept` (or `# relations: accept near-miss`), as ruff's noqa.
    Exits 0 when every file is valid and 2 when one is not (or, with --strict, has warnings).

    \b
    Examples:
      relations validate data/events.yaml
      relations validate one.yaml two.yaml
      relations validate mine.yaml --strict
      relations validate mine.yaml --format json | jq '.[].message'
    """
    from relations_cli.render.progress import indexing_progress
    from relations_cli.render.safe import json_dumps, visible
    from relations_cli.store.source import resolve_data_paths
    from relations_cli.store.validation import validate_path

    targets = resolve_data_paths(paths) if paths else resolve_data_paths(source.data)
    results = []
    for target in targets:
        with indexing_progress("checking") as progress:
            results.append(validate_path(target, progress))
    problems = [p for result in results for p in result.problems]
    warnings = [w for result in results for w in result.warnings]
    if fmt is ValidateFormat.json:
        # File by file: its errors, then its warnings (which only a valid file has).
        records: list[dict[str, object]] = []
        for result in results:
            records += [{"file": p.path, "line": p.line, "column": p.column,
                         "severity": "error", "message": p.message} for p in result.problems]
            records += [{"file": w.path, "line": w.line, "column": w.column,
                         "severity": "warning", "kind": w.kind.value, "message": w.message}
                        for w in result.warnings]
        print(json_dumps(records, indent=2))
    else:
        for problem in problems:
            print(visible(str(problem)))
        for warning in warnings:
            print(visible(str(warning)), file=sys.stderr)
    for result in results:
        where = visible(str(result.path))
        if result.problems:
            count = len(result.problems)
            note(f"{count} {'problem' if count == 1 else 'problems'} in {where}")
        elif strict and result.warnings:
            note(f"{plural(len(result.warnings), 'warning')} in {where} (--strict)")
        else:
            note(f"{where} is valid: {plural(result.events, 'event')}, "
                 f"{plural(result.people, 'person', 'people')}")
    if problems or (strict and warnings):
        raise typer.Exit(ExitStatus.ERROR)


def plural(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"

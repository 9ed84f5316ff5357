"""The Typer app: thin commands, options defined once, and the one exit-code boundary."""

# No `from __future__ import annotations` here: Typer would evaluate every string annotation
# of every command on each run, which costs start-up time.

import contextlib
import copy
import os
import sys
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import (  # typer<0.29 vendors click here
    ClickException,
    NoArgsIsHelpError,
)
from typer.core import TyperGroup

from relations_cli import __version__
from relations_cli.dates import FILTER_DATE_HELP, parse_filter_date
from relations_cli.errors import DateError, ExitStatus, QueryError, RelationsError
from relations_cli.model import Event, Period
from relations_cli.query import Query

if TYPE_CHECKING:
    from relations_cli.query import Engine
    from relations_cli.render.present import OutputSettings

__all__ = ["app", "main"]


class _Boundary(TyperGroup):
    """Turns every outcome into an exit status once: one stderr line, never a traceback."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv or bool(os.environ.get("RELATIONS_DEBUG"))
        try:
            result = super().main(argv, prog_name or "relations", complete_var,
                                  standalone_mode=False,
                                  windows_expand_args=windows_expand_args, **extra)
            status = result if isinstance(result, int) else ExitStatus.OK
        except NoArgsIsHelpError as error:
            # `relations` alone: the help is what was wanted, on stderr as usage errors are.
            with contextlib.suppress(BrokenPipeError, ValueError):
                print(error.format_message(), file=sys.stderr)
            status = ExitStatus.ERROR
        except ClickException as error:
            context = getattr(error, "ctx", None)
            path = context.command_path if context else "relations"
            status = _fail(f"{error.format_message()} (see '{path} --help')", ExitStatus.ERROR)
        except RelationsError as error:
            status = _fail(str(error), error.exit_status)
        except (KeyboardInterrupt, typer.Abort):
            status = ExitStatus.INTERRUPTED
        except BrokenPipeError:
            # The reader went away (`| head -1`): what it took was all it wanted.
            from relations_cli.render.present import silence_stdout

            silence_stdout()
            status = ExitStatus.OK
        except Exception as error:
            if debug:
                raise
            status = _fail(f"internal error: {type(error).__name__}: {error} "
                           "(run with --debug for the traceback)", ExitStatus.ERROR)
        if standalone_mode:
            sys.exit(int(status))
        return int(status)


def _fail(message: str, status: int) -> int:
    from relations_cli.render.safe import visible

    note(f"error: {visible(message)}")
    return status


def note(message: str) -> None:
    """A message for the person, on stderr, prefixed with the program's name."""
    with contextlib.suppress(BrokenPipeError, ValueError):
        print(f"relations: {message}", file=sys.stderr, flush=True)


app = typer.Typer(
    cls=_Boundary,
    name="relations",
    help="""Explore a YAML timeline of dated events: chronologies, searches and summaries.

    Reads the bundled China–Russia timeline (2015–2016) unless --data or $RELATIONS_DATA
    names another. On a terminal it draws in color; piped, it prints plain lines.

    \b
    Examples:
      relations timeline --since 2015
      relations search Kerry
      relations timeline --category trade --format csv > trade.csv
    """,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"relations {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug",
                                        help="Show a traceback for internal errors.")] = False,
) -> None:
    """Explore a YAML timeline of dated events."""


# -- options shared by several commands ---------------------------------------------------------


class FormatName(str, Enum):
    pretty = "pretty"
    plain = "plain"
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"


class ColorMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _completion_timeline(ctx: typer.Context) -> Any:
    """The timeline in use while a shell completes a word (from its index); None if it cannot
    be read."""
    from relations_cli.datafile import open_engine

    try:
        engine = open_engine(ctx.params.get("data"))
        return engine.registry._replace(events=tuple(engine.select(Query())))
    except RelationsError:
        return None


def _completer(values_of: Any) -> Any:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        timeline = _completion_timeline(ctx)
        if timeline is None:
            return []
        values = sorted({v for v in values_of(timeline) if v})
        folded = incomplete.casefold()
        return [v for v in values if v.casefold().startswith(folded)]

    return complete


complete_ids = _completer(lambda t: [e.id for e in t.events])
complete_categories = _completer(lambda t: [e.category for e in t.events])
complete_tags = _completer(lambda t: [tag for e in t.events for tag in e.tags])
complete_actors = _completer(lambda t: [a for e in t.events for a in e.actors])
complete_places = _completer(lambda t: [e.place for e in t.events])
complete_people = _completer(lambda t: [p.name for p in t.people]
                             + [n for e in t.events for n in e.named_people])


DataOpt = Annotated[str | None, typer.Option(
    "--data", "-d", metavar="PATH", show_default=False,
    help="Timeline file to read [default: $RELATIONS_DATA, else the bundled timeline].")]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help="Read the YAML afresh, without the index in the cache.")]
FormatOpt = Annotated[FormatName | None, typer.Option(
    "--format", "-f", show_default=False, case_sensitive=False,
    help="Output format [default: pretty on a terminal, plain when piped, or from --output's "
         "extension].")]
ColorOpt = Annotated[ColorMode, typer.Option(
    "--color", case_sensitive=False, help="Color: auto follows the terminal, NO_COLOR, "
    "FORCE_COLOR and CLICOLOR_FORCE.")]
OutputOpt = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="FILE", show_default=False,
    help="Write to FILE atomically (its extension picks the format).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Let --output replace an existing file.")]
WidthOpt = Annotated[int | None, typer.Option(
    "--width", min=20, max=1000, show_default=False,
    help="Columns for drawn output [default: the terminal's].")]
SinceOpt = Annotated[str | None, typer.Option(
    "--since", "-s", metavar="DATE", show_default=False,
    help=f"From the first day of DATE ({FILTER_DATE_HELP}).")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", "-u", metavar="DATE", show_default=False, help="To the last day of DATE.")]
OnOpt = Annotated[str | None, typer.Option(
    "--on", metavar="DATE", show_default=False, help="Within the period DATE names (2016Q1).")]
WithinOpt = Annotated[bool, typer.Option(
    "--within", help="Only events whose whole span lies inside the dates, not just touches.")]
CategoryOpt = Annotated[list[str] | None, typer.Option(
    "--category", "-c", metavar="NAME", show_default=False, autocompletion=complete_categories,
    help="Only this category; repeat for either.")]
TagOpt = Annotated[list[str] | None, typer.Option(
    "--tag", "-t", metavar="TAG", show_default=False, autocompletion=complete_tags,
    help="Only events with this tag.")]
ActorOpt = Annotated[list[str] | None, typer.Option(
    "--actor", "-a", metavar="NAME", show_default=False, autocompletion=complete_actors,
    help="Only events with this actor (whole words).")]
PersonOpt = Annotated[list[str] | None, typer.Option(
    "--person", "-p", metavar="NAME", show_default=False, autocompletion=complete_people,
    help="Only events naming this person, by name or alias (whole words).")]
PlaceOpt = Annotated[list[str] | None, typer.Option(
    "--place", metavar="NAME", show_default=False, autocompletion=complete_places,
    help="Only events at this place.")]
LimitOpt = Annotated[int | None, typer.Option(
    "--limit", "-n", min=1, show_default=False, help="At most this many events.")]
ReverseOpt = Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")]


def _period(option: str, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        return parse_filter_date(value)
    except DateError as error:
        raise QueryError(f"{option}: {error}") from None


def build_query(*, since: str | None = None, until: str | None = None, on: str | None = None,
                within: bool = False, category: list[str] | None = None,
                tag: list[str] | None = None, actor: list[str] | None = None,
                person: list[str] | None = None, place: list[str] | None = None,
                limit: int | None = None, reverse: bool = False,
                terms: list[str] | None = None, any_term: bool = False) -> Query:
    return Query(
        since=_period("--since", since),
        until=_period("--until", until),
        on=_period("--on", on),
        within=within,
        categories=tuple(category or ()),
        tags=tuple(tag or ()),
        actors=tuple(actor or ()),
        people=tuple(person or ()),
        places=tuple(place or ()),
        terms=tuple(terms or ()),
        any_term=any_term,
        limit=limit,
        reverse=reverse,
    )


def _settings(fmt: FormatName | None, color: ColorMode, output: str | None, force: bool,
              width: int | None = None) -> "OutputSettings":
    from relations_cli.render.present import OutputSettings

    return OutputSettings(fmt.value if fmt else None, color.value, output, force, width)


def _select(data: str | None, no_cache: bool, query: Query) -> tuple["Engine", list[Event]]:
    """The engine for the timeline in use and the events a query selects from it."""
    engine = _engine(data, no_cache)
    return engine, engine.select(query)


def _engine(data: str | None, no_cache: bool) -> "Engine":
    from relations_cli.datafile import open_engine
    from relations_cli.render.progress import indexing_progress

    with indexing_progress() as progress:
        return open_engine(data, use_cache=not no_cache, progress=progress)


def _protected(data: str | None) -> Any:
    from relations_cli.datafile import resolve_data_path

    return resolve_data_path(data)


def _list_events(data: str | None, no_cache: bool, query: Query,
                 settings: "OutputSettings") -> None:
    """The shared body of `timeline` and `search`: select, render, and exit 1 on nothing."""
    from relations_cli.render.present import deliver

    loaded, events = _select(data, no_cache, query)
    deliver(settings, events, timeline=loaded.registry, terms=query.terms,
            protected=_protected(data))
    _exit_if_empty(events, loaded.count())


def _exit_if_empty(items: Sequence[object], total: int, what: str = "events") -> None:
    if not items:
        note(f"no {what} match ({total} events in the timeline)")
        raise typer.Exit(ExitStatus.NO_MATCH)


# -- commands -------------------------------------------------------------------------------------


@app.command()
def timeline(
    since: SinceOpt = None, until: UntilOpt = None, on: OnOpt = None, within: WithinOpt = False,
    category: CategoryOpt = None, tag: TagOpt = None, actor: ActorOpt = None,
    person: PersonOpt = None, place: PlaceOpt = None, limit: LimitOpt = None,
    reverse: ReverseOpt = False, data: DataOpt = None,
    no_cache: NoCacheOpt = False, fmt: FormatOpt = None,
    color: ColorOpt = ColorMode.auto, output: OutputOpt = None, force: ForceOpt = False,
    width: WidthOpt = None,
) -> None:
    """The chronology, oldest first.

    \b
    Examples:
      relations timeline --since 2015
      relations timeline --on 2016Q1 --category security
      relations timeline --person Xi --format json | jq '.[].title'
      relations timeline --category trade --output trade.csv
    """
    query = build_query(since=since, until=until, on=on, within=within, category=category,
                        tag=tag, actor=actor, person=person, place=place, limit=limit,
                        reverse=reverse)
    _list_events(data, no_cache, query, _settings(fmt, color, output, force, width))


@app.command()
def search(
    terms: Annotated[list[str], typer.Argument(metavar="TERMS...", show_default=False,
                                               help="Words to find, case-insensitive.")],
    any_term: Annotated[bool, typer.Option("--any", help="Match events with any term, not "
                                           "all.")] = False,
    since: SinceOpt = None, until: UntilOpt = None, on: OnOpt = None, within: WithinOpt = False,
    category: CategoryOpt = None, tag: TagOpt = None, actor: ActorOpt = None,
    person: PersonOpt = None, place: PlaceOpt = None, limit: LimitOpt = None,
    reverse: ReverseOpt = False, data: DataOpt = None,
    no_cache: NoCacheOpt = False, fmt: FormatOpt = None,
    color: ColorOpt = ColorMode.auto, output: OutputOpt = None, force: ForceOpt = False,
    width: WidthOpt = None,
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
    query = build_query(since=since, until=until, on=on, within=within, category=category,
                        tag=tag, actor=actor, person=person, place=place, limit=limit,
                        reverse=reverse, terms=terms, any_term=any_term)
    _list_events(data, no_cache, query, _settings(fmt, color, output, force, width))


@app.command()
def show(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id.",
                                            autocompletion=complete_ids)],
    data: DataOpt = None,
    no_cache: NoCacheOpt = False, fmt: FormatOpt = None, color: ColorOpt = ColorMode.auto,
    output: OutputOpt = None, force: ForceOpt = False, width: WidthOpt = None,
) -> None:
    """One event in full: dates and how they were derived, people with roles, quotes,
    figures and sources.

    \b
    Examples:
      relations show palmyra-retaken
      relations show customs-2015-trade-figures --format json
    """
    from relations_cli.render.present import deliver

    loaded = _engine(data, no_cache)
    event = loaded.event(event_id)
    if event is None:
        import difflib

        close = difflib.get_close_matches(event_id, loaded.ids(), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else \
            " ('relations timeline' lists the ids)"
        raise QueryError(f"no event with id '{event_id}'{hint}")
    deliver(_settings(fmt, color, output, force, width), [event], timeline=loaded.registry,
            protected=_protected(data), detail=True)


@app.command()
def validate(
    path: Annotated[str | None, typer.Argument(metavar="[PATH]", show_default=False,
                                               help="Timeline file [default: as --data].")] = None,
    data: DataOpt = None,
    no_cache: NoCacheOpt = False,
    fmt: Annotated[FormatName | None, typer.Option(
        "--format", "-f", show_default=False, case_sensitive=False,
        help="plain (FILE:LINE:COL: problem lines) or json.")] = None,
) -> None:
    """Check a timeline and list every problem found, one a line.

    Exits 0 when the file is valid and 2 when it is not.

    \b
    Examples:
      relations validate data/events.yaml
      relations validate mine.yaml --format json | jq '.[].message'
    """
    from relations_cli.datafile import resolve_data_path
    from relations_cli.loader import stream_timeline
    from relations_cli.render.progress import indexing_progress
    from relations_cli.render.safe import json_dumps, visible

    target = resolve_data_path(path or data)
    counted = [0]

    def count(_: Event) -> None:
        counted[0] += 1

    # Streamed, so a file of any length is checked in bounded memory.
    with indexing_progress("checking") as progress:
        header, problems = stream_timeline(target, count, progress)
    if fmt is FormatName.json:
        records = [{"file": p.path, "line": p.line, "column": p.column, "message": p.message}
                   for p in problems]
        print(json_dumps(records, indent=2))
    else:
        for problem in problems:
            print(visible(str(problem)))
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        note(f"{len(problems)} {noun} in {visible(str(target))}")
        raise typer.Exit(ExitStatus.ERROR)
    note(f"{visible(str(target))} is valid: {counted[0]} events, {len(header.people)} people")



class Grouping(str, Enum):
    year = "year"
    quarter = "quarter"
    month = "month"
    category = "category"
    actor = "actor"
    person = "person"
    tag = "tag"
    place = "place"


class Lanes(str, Enum):
    category = "category"
    actor = "actor"
    person = "person"


_FILTER_NAMES = ("since", "until", "on", "within", "category", "tag", "actor", "person",
                 "place", "limit", "reverse")


def _filters(values: dict[str, Any]) -> Query:
    """The Query a command's filter options describe (its locals, filtered by name)."""
    return build_query(**{name: values[name] for name in _FILTER_NAMES if name in values})


@app.command()
def summary(
    by: Annotated[list[Grouping] | None, typer.Option(
        "--by", "-b", case_sensitive=False, show_default=False,
        help="Group counts by this [default: year]; give two for a cross table.")] = None,
    since: SinceOpt = None, until: UntilOpt = None, on: OnOpt = None, within: WithinOpt = False,
    category: CategoryOpt = None, tag: TagOpt = None, actor: ActorOpt = None,
    person: PersonOpt = None, place: PlaceOpt = None, data: DataOpt = None,
    no_cache: NoCacheOpt = False,
    fmt: FormatOpt = None, color: ColorOpt = ColorMode.auto, output: OutputOpt = None,
    force: ForceOpt = False, width: WidthOpt = None,
) -> None:
    """The span, count, first and last events, the busiest month, and counts by period
    or field. Events dated more coarsely than a period grouping are counted apart.

    \b
    Examples:
      relations summary
      relations summary --by month --since 2015
      relations summary --by year --by category --format csv
    """
    from relations_cli.render.present import deliver_report
    from relations_cli.render.reports import summary_report

    query = _filters(locals())
    loaded = _engine(data, no_cache)
    counted = loaded.summarize(query, [g.value for g in by or [Grouping.year]])
    deliver_report(_settings(fmt, color, output, force, width), summary_report(counted),
                   _protected(data))
    _exit_if_empty(range(counted.count), loaded.count())


@app.command()
def chart(
    by: Annotated[Lanes, typer.Option("--by", "-b", case_sensitive=False,
                                      help="One lane per category, actor or person.")
                  ] = Lanes.category,
    since: SinceOpt = None, until: UntilOpt = None, on: OnOpt = None, within: WithinOpt = False,
    category: CategoryOpt = None, tag: TagOpt = None, actor: ActorOpt = None,
    person: PersonOpt = None, place: PlaceOpt = None, data: DataOpt = None,
    no_cache: NoCacheOpt = False,
    fmt: FormatOpt = None, color: ColorOpt = ColorMode.auto, output: OutputOpt = None,
    force: ForceOpt = False, width: WidthOpt = None,
) -> None:
    """A time axis across the terminal: one lane per category (or actor, or person), each
    event a mark at its date and each span a bar.

    \b
    Examples:
      relations chart
      relations chart --since 2015 --by person
      relations chart --width 200 --output chart.txt
    """
    from relations_cli.render.chart import layout_chart
    from relations_cli.render.present import deliver_chart

    loaded, events = _select(data, no_cache, _filters(locals()))
    def lanes_of(event: Event) -> list[str]:
        if by is Lanes.category:
            names = [event.category] if event.category else []
        elif by is Lanes.actor:
            names = list(event.actors)
        else:
            names = [_canonical_name(loaded.registry, n) for n in event.named_people]
        return names or ["(none)"]

    lanes: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        for lane in lanes_of(event):
            lanes.setdefault(lane, []).append({"id": event.id, "date": event.date.text,
                                               "end": event.end.text if event.end else None,
                                               "title": event.title,
                                               "category": event.category})
    document = {
        "start": min(e.first_day for e in events).isoformat() if events else None,
        "end": max(e.last_day for e in events).isoformat() if events else None,
        "by": by.value,
        "lanes": [{"lane": name, "events": items} for name, items in lanes.items()],
    }
    deliver_chart(_settings(fmt, color, output, force, width),
                  lambda columns: layout_chart(events, lanes_of, columns),
                  by is Lanes.category, document, _protected(data))
    _exit_if_empty(events, loaded.count())


def _canonical_name(loaded: Any, name: str) -> str:
    person = loaded.person(name)
    return person.name if person else name


@app.command()
def people(
    name: Annotated[str | None, typer.Argument(
        metavar="[NAME]", show_default=False, autocompletion=complete_people,
        help="Show this person's events and quotes, by name or alias.")] = None,
    since: SinceOpt = None, until: UntilOpt = None, on: OnOpt = None,
    category: CategoryOpt = None, data: DataOpt = None,
    no_cache: NoCacheOpt = False, fmt: FormatOpt = None,
    color: ColorOpt = ColorMode.auto, output: OutputOpt = None, force: ForceOpt = False,
    width: WidthOpt = None,
) -> None:
    """Everyone the timeline names, with role, aliases, events, quotes and first and last
    appearance; or, given a NAME, that person's events and quotes in order.

    \b
    Examples:
      relations people
      relations people Gabuev
      relations people 习近平 --format json
    """
    from relations_cli.render.present import deliver_report
    from relations_cli.render.reports import people_report, person_report
    from relations_cli.summary import find_people, people_stats, quote_rows

    loaded, events = _select(data, no_cache, _filters(locals()))
    settings = _settings(fmt, color, output, force, width)
    if name is None:
        stats = [p for p in people_stats(loaded.registry, events) if p.events or p.quotes]
        deliver_report(settings, people_report(stats), _protected(data))
        _exit_if_empty(stats, loaded.count(), "people")
        return
    found = find_people(loaded.registry, events, name)
    if not found:
        raise QueryError(f"no person named '{name}' ('relations people' lists them)")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise QueryError(f"'{name}' names {len(found)} people: {names}; be more specific")
    person = found[0]
    own = [e for e in events
           if any(_canonical_name(loaded.registry, n) == person.name for n in e.named_people)]
    report = person_report(person, own, quote_rows(loaded.registry, own, [person]))
    deliver_report(settings, report, _protected(data))
    _exit_if_empty(own, loaded.count())


@app.command()
def quotes(
    by: Annotated[list[str] | None, typer.Option(
        "--by", metavar="PERSON", show_default=False, autocompletion=complete_people,
        help="Only this speaker's quotes, by name or alias; repeat for either.")] = None,
    since: SinceOpt = None, until: UntilOpt = None, on: OnOpt = None, within: WithinOpt = False,
    category: CategoryOpt = None, tag: TagOpt = None, actor: ActorOpt = None,
    person: PersonOpt = None, place: PlaceOpt = None, data: DataOpt = None,
    no_cache: NoCacheOpt = False,
    fmt: FormatOpt = None, color: ColorOpt = ColorMode.auto, output: OutputOpt = None,
    force: ForceOpt = False, width: WidthOpt = None,
) -> None:
    """Every quote, with its speaker, role, date and event.

    \b
    Examples:
      relations quotes
      relations quotes --by Gabuev
      relations quotes --since 2016-03 --format csv
    """
    from relations_cli.render.present import deliver_report
    from relations_cli.render.reports import quotes_report
    from relations_cli.summary import find_people, quote_rows

    loaded, events = _select(data, no_cache, _filters(locals()))
    speakers = None
    if by:
        speakers = [p for wanted in by for p in find_people(loaded.registry, events, wanted)]
        if not speakers:
            raise QueryError(f"no person named {' or '.join(repr(b) for b in by)} "
                             "('relations people' lists them)")
    rows = quote_rows(loaded.registry, events, speakers)
    deliver_report(_settings(fmt, color, output, force, width), quotes_report(rows),
                   _protected(data))
    _exit_if_empty(rows, loaded.count(), "quotes")


@app.command()
def figures(
    since: SinceOpt = None, until: UntilOpt = None, on: OnOpt = None, within: WithinOpt = False,
    category: CategoryOpt = None, tag: TagOpt = None, actor: ActorOpt = None,
    person: PersonOpt = None, place: PlaceOpt = None, data: DataOpt = None,
    no_cache: NoCacheOpt = False,
    fmt: FormatOpt = None, color: ColorOpt = ColorMode.auto, output: OutputOpt = None,
    force: ForceOpt = False, width: WidthOpt = None,
) -> None:
    """The figures the timeline records, with a bar for each among figures of its unit.

    \b
    Examples:
      relations figures
      relations figures --category trade --format csv > figures.csv
    """
    from relations_cli.render.present import deliver_report
    from relations_cli.render.reports import figures_report
    from relations_cli.summary import figure_rows

    loaded, events = _select(data, no_cache, _filters(locals()))
    rows = figure_rows(events)
    deliver_report(_settings(fmt, color, output, force, width), figures_report(rows),
                   _protected(data))
    _exit_if_empty(rows, loaded.count(), "figures")


@app.command("on-this-day")
def on_this_day(
    day: Annotated[str | None, typer.Argument(
        metavar="[DATE]", show_default=False,
        help="A day of the year (03-27, March 27) or a date [default: today].")] = None,
    category: CategoryOpt = None, data: DataOpt = None,
    no_cache: NoCacheOpt = False, fmt: FormatOpt = None,
    color: ColorOpt = ColorMode.auto, output: OutputOpt = None, force: ForceOpt = False,
    width: WidthOpt = None,
) -> None:
    """Events on the same day and month in other years. Only events dated to the day count.

    \b
    Examples:
      relations on-this-day
      relations on-this-day 03-27
      relations on-this-day "September 3"
    """
    from datetime import date as calendar_date

    from relations_cli.dates import parse_month_day
    from relations_cli.render.present import deliver
    from relations_cli.summary import on_this_day as same_day

    year: int | None
    if day is None:
        # The one command about today: "on this day" means the day it is run.
        today = calendar_date.today()
        month, number, year = today.month, today.day, today.year
    else:
        try:
            month, number, year = parse_month_day(day)
        except DateError as error:
            raise QueryError(f"DATE: {error}") from None
    loaded, events = _select(data, no_cache, _filters(locals()))
    matched = same_day(events, month, number, year)
    deliver(_settings(fmt, color, output, force, width), matched, timeline=loaded.registry,
            protected=_protected(data))
    _exit_if_empty(matched, loaded.count())



@app.command()
def cache(
    clear: Annotated[bool, typer.Option("--clear", help="Remove every index.")] = False,
    fmt: FormatOpt = None, color: ColorOpt = ColorMode.auto,
) -> None:
    """Show the indexes kept in the cache folder, or clear them.

    An index answers queries without reading the YAML again. It is built on first use,
    kept in $XDG_CACHE_HOME/relations (else ~/.cache/relations), and rebuilt whenever its
    timeline file changes. Clearing is always safe.

    \b
    Examples:
      relations cache
      relations cache --clear
    """
    from relations_cli.index import cache_dir, cache_entries, clear_cache
    from relations_cli.render.present import deliver_report
    from relations_cli.render.tables import Report, Table

    if clear:
        removed = clear_cache()
        note(f"removed {removed} {'index' if removed == 1 else 'indexes'} from {cache_dir()}")
        return
    entries = cache_entries()
    rows = [(e.source, e.events, e.bytes, "fresh" if e.fresh else "stale", str(e.index))
            for e in entries]
    document = {"folder": str(cache_dir()),
                "indexes": [{"source": e.source, "events": e.events, "bytes": e.bytes,
                             "fresh": e.fresh, "index": str(e.index)} for e in entries]}
    table = Table(("source", "events", "bytes", "state", "index"), rows, "Indexes",
                  shown=("source", "events", "bytes", "state"))
    report = Report([("folder", str(cache_dir())), ("indexes", str(len(entries)))], [table],
                    document)
    deliver_report(_settings(fmt, color, None, False), report, None)


def _utf8_argument(argument: str) -> str:
    try:
        return os.fsencode(argument).decode("utf-8")
    except (UnicodeError, ValueError):
        return argument


def main() -> None:
    """The console script's entry point."""
    _prepare_streams()
    _app_for(sys.argv[1:])()


def _app_for(argv: Sequence[str]) -> typer.Typer:
    """The app with only the command asked for: Typer builds a parser for every command it
    holds on each run, a few milliseconds each, and a run needs one. Help without a command,
    completion and unknown names get the whole app."""
    name = next((arg for arg in argv if not arg.startswith("-")), None)
    if name is None or any(key.startswith("_RELATIONS_COMPLETE") for key in os.environ):
        return app
    chosen = [info for info in app.registered_commands if _command_name(info) == name]
    if not chosen:
        return app
    lean = copy.copy(app)
    lean.registered_commands = chosen
    return lean


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__.lower().replace("_", "-"))


def _prepare_streams() -> None:
    # In a non-UTF-8 locale, arguments arrive as undecodable bytes: read them as UTF-8, the
    # encoding of the timeline they are matched against.
    if sys.getfilesystemencoding().lower().replace("-", "") != "utf8":
        sys.argv[1:] = [_utf8_argument(arg) for arg in sys.argv[1:]]
    # Output to such a locale turns names in Chinese or Russian into escapes, never a crash.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")

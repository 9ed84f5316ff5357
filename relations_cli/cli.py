"""The Typer app: thin commands, options defined once, and the one exit-code boundary."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any

import typer
from typer._click.exceptions import ClickException  # typer<0.29 vendors click here
from typer.core import TyperGroup

from relations_cli import __version__
from relations_cli.dates import FILTER_DATE_HELP, parse_filter_date
from relations_cli.errors import DateError, ExitStatus, QueryError, RelationsError
from relations_cli.model import Event, Period
from relations_cli.query import Query

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
        except ClickException as error:
            hint = ""
            if error.__class__.__name__ != "FileError":
                context = getattr(error, "ctx", None)
                path = context.command_path if context else "relations"
                hint = f" (see '{path} --help')"
            status = _fail(error.format_message() + hint, ExitStatus.ERROR)
        except RelationsError as error:
            status = _fail(str(error), error.exit_status)
        except (KeyboardInterrupt, typer.Abort):
            status = ExitStatus.INTERRUPTED
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
    add_completion=False,
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


DataOpt = Annotated[str | None, typer.Option(
    "--data", "-d", metavar="PATH", show_default=False,
    help="Timeline file to read [default: $RELATIONS_DATA, else the bundled timeline].")]
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
    "--category", "-c", metavar="NAME", show_default=False,
    help="Only this category; repeat for either.")]
TagOpt = Annotated[list[str] | None, typer.Option(
    "--tag", "-t", metavar="TAG", show_default=False, help="Only events with this tag.")]
ActorOpt = Annotated[list[str] | None, typer.Option(
    "--actor", "-a", metavar="NAME", show_default=False,
    help="Only events with this actor (whole words).")]
PersonOpt = Annotated[list[str] | None, typer.Option(
    "--person", "-p", metavar="NAME", show_default=False,
    help="Only events naming this person, by name or alias (whole words).")]
PlaceOpt = Annotated[list[str] | None, typer.Option(
    "--place", metavar="NAME", show_default=False, help="Only events at this place.")]
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
              width: int | None = None) -> Any:
    from relations_cli.render.present import OutputSettings

    return OutputSettings(fmt.value if fmt else None, color.value, output, force, width)


def _list_events(data: str | None, query: Query, settings: Any) -> None:
    """The shared body of `timeline` and `search`: select, render, and exit 1 on nothing."""
    from relations_cli.datafile import open_timeline, resolve_data_path
    from relations_cli.query import MemoryEngine
    from relations_cli.render.present import deliver

    timeline = open_timeline(data)
    events = MemoryEngine(timeline).select(query)
    deliver(settings, events, timeline=timeline, terms=query.terms,
            protected=resolve_data_path(data))
    _exit_if_empty(events, len(timeline.events))


def _exit_if_empty(events: list[Event], total: int) -> None:
    if not events:
        note(f"no events match ({total} in the timeline)")
        raise typer.Exit(ExitStatus.NO_MATCH)


# -- commands -------------------------------------------------------------------------------------


@app.command()
def timeline(
    since: SinceOpt = None, until: UntilOpt = None, on: OnOpt = None, within: WithinOpt = False,
    category: CategoryOpt = None, tag: TagOpt = None, actor: ActorOpt = None,
    person: PersonOpt = None, place: PlaceOpt = None, limit: LimitOpt = None,
    reverse: ReverseOpt = False, data: DataOpt = None, fmt: FormatOpt = None,
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
    _list_events(data, query, _settings(fmt, color, output, force, width))


@app.command()
def search(
    terms: Annotated[list[str], typer.Argument(metavar="TERMS...", show_default=False,
                                               help="Words to find, case-insensitive.")],
    any_term: Annotated[bool, typer.Option("--any", help="Match events with any term, not "
                                           "all.")] = False,
    since: SinceOpt = None, until: UntilOpt = None, on: OnOpt = None, within: WithinOpt = False,
    category: CategoryOpt = None, tag: TagOpt = None, actor: ActorOpt = None,
    person: PersonOpt = None, place: PlaceOpt = None, limit: LimitOpt = None,
    reverse: ReverseOpt = False, data: DataOpt = None, fmt: FormatOpt = None,
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
    _list_events(data, query, _settings(fmt, color, output, force, width))


@app.command()
def show(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id.")],
    data: DataOpt = None, fmt: FormatOpt = None, color: ColorOpt = ColorMode.auto,
    output: OutputOpt = None, force: ForceOpt = False, width: WidthOpt = None,
) -> None:
    """One event in full: dates and how they were derived, people with roles, quotes,
    figures and sources.

    \b
    Examples:
      relations show palmyra-retaken
      relations show customs-2015-trade-figures --format json
    """
    from relations_cli.datafile import open_timeline, resolve_data_path
    from relations_cli.render.present import deliver

    loaded = open_timeline(data)
    event = loaded.event(event_id)
    if event is None:
        import difflib

        close = difflib.get_close_matches(event_id, [e.id for e in loaded.events], n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else \
            " ('relations timeline' lists the ids)"
        raise QueryError(f"no event with id '{event_id}'{hint}")
    deliver(_settings(fmt, color, output, force, width), [event], timeline=loaded,
            protected=resolve_data_path(data), detail=True)


@app.command()
def validate(
    path: Annotated[str | None, typer.Argument(metavar="[PATH]", show_default=False,
                                               help="Timeline file [default: as --data].")] = None,
    data: DataOpt = None,
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
    from relations_cli.loader import validate_file
    from relations_cli.render.safe import json_dumps, visible

    target = resolve_data_path(path or data)
    loaded, problems = validate_file(target)
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
    count = len(loaded.events) if loaded else 0
    note(f"{visible(str(target))} is valid: {count} events, "
         f"{len(loaded.people) if loaded else 0} people")


def _utf8_argument(argument: str) -> str:
    try:
        return os.fsencode(argument).decode("utf-8")
    except (UnicodeError, ValueError):
        return argument


def main() -> None:
    """The console script's entry point."""
    _prepare_streams()
    app()


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

"""Options shared by several commands, declared once as groups and unpacked in one place.

A command names a group by type (`filters: FilterOptions`); `@with_options` replaces that
parameter with the group's options in the signature Typer reads, and hands the command one
built object. Adding a filter is one field here plus the engines.
"""

# No `from __future__ import annotations`: Typer and the dataclasses below read the
# annotations as objects.

import dataclasses
import functools
import inspect
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from relations_cli.core.dates import FILTER_DATE_HELP, parse_filter_date
from relations_cli.core.errors import DateError, QueryError, RelationsError
from relations_cli.core.model import Period
from relations_cli.core.query import Query

if TYPE_CHECKING:
    from relations_cli.core.engine import Engine
    from relations_cli.render.present import OutputSettings

__all__ = [
    "ColorMode",
    "ColorOpt",
    "FilterOptions",
    "FormatName",
    "FormatOpt",
    "ListOptions",
    "OutputOptions",
    "SourceOptions",
    "complete_ids",
    "complete_people",
    "with_options",
]


class FormatName(str, Enum):
    pretty = "pretty"
    plain = "plain"
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"
    # Publishing (issue 11): html, ics, timelinejs and mermaid list events; svg draws a chart.
    html = "html"
    ics = "ics"
    timelinejs = "timelinejs"
    mermaid = "mermaid"
    svg = "svg"


class ColorMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


# -- completion from the timeline in use ----------------------------------------------------


def _completion_timeline(ctx: typer.Context) -> Any:
    """The timeline in use while a shell completes a word (from its index); None if it cannot
    be read."""
    from relations_cli.store.source import open_engine

    try:
        engine = open_engine(ctx.params.get("data"))
        return engine.registry._replace(events=tuple(engine.select(Query())))
    except RelationsError:
        return None


def _completer(values_of: Callable[[Any], list[str]]) -> Callable[..., list[str]]:
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


# -- the groups ---------------------------------------------------------------------------------


def _period(option: str, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        return parse_filter_date(value)
    except DateError as error:
        raise QueryError(f"{option}: {error}") from None


@dataclasses.dataclass(frozen=True)
class SourceOptions:
    """Which timeline to read, and whether through the index."""

    data: Annotated[list[str] | None, typer.Option(
        "--data", "-d", metavar="PATH", show_default=False,
        help="Timeline file to read; repeat, or name a folder, to read several as one; - "
        "reads standard input [default: $RELATIONS_DATA (paths separated by ':'), else the "
        "bundled timeline].",
    )] = None
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Read the YAML afresh, without the index in the cache.")] = False

    def engine(self) -> "Engine":
        """The engine for the timeline in use, with a progress bar while an index builds."""
        from relations_cli.render.progress import indexing_progress
        from relations_cli.store.source import open_engine

        with indexing_progress() as progress:
            return open_engine(self.data, use_cache=not self.no_cache, progress=progress)

    def path(self) -> Path:
        """The (first) timeline file in use (never to be overwritten by --output)."""
        from relations_cli.store.source import resolve_data_path

        return resolve_data_path(self.data)


@dataclasses.dataclass(frozen=True)
class FilterOptions:
    """Which events: dates, categories, tags, actors, people and places."""

    since: Annotated[str | None, typer.Option(
        "--since", "-s", metavar="DATE", show_default=False,
        help=f"From the first day of DATE ({FILTER_DATE_HELP}).")] = None
    until: Annotated[str | None, typer.Option(
        "--until", "-u", metavar="DATE", show_default=False,
        help="To the last day of DATE.")] = None
    on: Annotated[str | None, typer.Option(
        "--on", metavar="DATE", show_default=False,
        help="Within the period DATE names (2016Q1).")] = None
    within: Annotated[bool, typer.Option(
        "--within",
        help="Only events whose whole span lies inside the dates, not just touches.")] = False
    category: Annotated[list[str] | None, typer.Option(
        "--category", "-c", metavar="NAME", show_default=False,
        autocompletion=complete_categories, help="Only this category; repeat for either.")] = None
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", "-t", metavar="TAG", show_default=False, autocompletion=complete_tags,
        help="Only events with this tag.")] = None
    actor: Annotated[list[str] | None, typer.Option(
        "--actor", "-a", metavar="NAME", show_default=False, autocompletion=complete_actors,
        help="Only events with this actor (whole words).")] = None
    person: Annotated[list[str] | None, typer.Option(
        "--person", "-p", metavar="NAME", show_default=False, autocompletion=complete_people,
        help="Only events naming this person, by name or alias (whole words).")] = None
    place: Annotated[list[str] | None, typer.Option(
        "--place", metavar="NAME", show_default=False, autocompletion=complete_places,
        help="Only events at this place.")] = None

    def query(self, listing: "ListOptions | None" = None, terms: list[str] | None = None,
              any_term: bool = False) -> Query:
        """The Query these filters describe, with a listing's limit and order if given."""
        return Query(
            since=_period("--since", self.since),
            until=_period("--until", self.until),
            on=_period("--on", self.on),
            within=self.within,
            categories=tuple(self.category or ()),
            tags=tuple(self.tag or ()),
            actors=tuple(self.actor or ()),
            people=tuple(self.person or ()),
            places=tuple(self.place or ()),
            terms=tuple(terms or ()),
            any_term=any_term,
            limit=listing.limit if listing else None,
            reverse=listing.reverse if listing else False,
        )


@dataclasses.dataclass(frozen=True)
class ListOptions:
    """How many rows, in which order."""

    limit: Annotated[int | None, typer.Option(
        "--limit", "-n", min=1, show_default=False, help="At most this many events.")] = None
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False


FormatOpt = Annotated[FormatName | None, typer.Option(
    "--format", "-f", show_default=False, case_sensitive=False,
    help="Output format [default: pretty on a terminal, plain when piped, or from "
         "--output's extension].")]
ColorOpt = Annotated[ColorMode, typer.Option(
    "--color", case_sensitive=False, help="Color: auto follows the terminal, NO_COLOR, "
    "FORCE_COLOR and CLICOLOR_FORCE.")]


@dataclasses.dataclass(frozen=True)
class OutputOptions:
    """Where the result goes and how it looks."""

    fmt: FormatOpt = None
    color: ColorOpt = ColorMode.auto
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", show_default=False,
        help="Write to FILE atomically (its extension picks the format).")] = None
    force: Annotated[bool, typer.Option(
        "--force", help="Let --output replace an existing file.")] = False
    width: Annotated[int | None, typer.Option(
        "--width", min=20, max=1000, show_default=False,
        help="Columns for drawn output [default: the terminal's].")] = None

    def settings(self) -> "OutputSettings":
        from relations_cli.render.present import OutputSettings

        return OutputSettings(self.fmt.value if self.fmt else None, self.color.value,
                              self.output, self.force, self.width)


OPTION_GROUPS = (SourceOptions, FilterOptions, ListOptions, OutputOptions)

Command = TypeVar("Command", bound=Callable[..., Any])


def with_options(command: Command) -> Command:
    """Let a command take option groups as single parameters (`filters: FilterOptions`).

    Typer sees each group's fields as options of their own; the command receives the group
    built from them.
    """
    signature = inspect.signature(command)
    groups: dict[str, type[Any]] = {}
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.annotation in OPTION_GROUPS:
            groups[parameter.name] = parameter.annotation
            parameters += [
                inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY,
                                  default=field.default, annotation=field.type)
                for field in dataclasses.fields(parameter.annotation)
            ]
        else:
            parameters.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))

    @functools.wraps(command)
    def unpacked(**values: Any) -> Any:
        for name, group in groups.items():
            values[name] = group(**{field.name: values.pop(field.name)
                                    for field in dataclasses.fields(group)})
        return command(**values)

    unpacked.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters)
    unpacked.__annotations__ = {p.name: p.annotation for p in parameters}
    return unpacked  # type: ignore[return-value]

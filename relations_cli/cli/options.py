"""Options shared by several commands, declared once as groups and unpacked in one place.

A command names a group by type (`filters: FilterOptions`); `@with_options` replaces that
parameter with the group's options in the signature Typer reads, and hands the command one
built object. Adding a filter is one field here plus the engines.
"""

# No `from __future__ import annotations`: Typer and the groups below read the annotations
# as objects.

import functools
import inspect
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar, get_origin

import typer

from relations_cli.core.dates import FILTER_DATE_HELP, parse_filter_date
from relations_cli.core.errors import DateError, QueryError, RelationsError
from relations_cli.core.model import Period
from relations_cli.core.query import Query
from relations_cli.render.formats import Kind, names_for

if TYPE_CHECKING:
    from relations_cli.core.engine import Engine
    from relations_cli.render.present import OutputSettings

__all__ = [
    "ChartOutput",
    "ColorMode",
    "ColorOpt",
    "EventOutput",
    "EventsOutput",
    "FilterOptions",
    "ListOptions",
    "OptionGroup",
    "OutputOptions",
    "ReportOutput",
    "SourceOptions",
    "complete_ids",
    "complete_people",
    "prepare_options",
    "with_options",
]


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
complete_people = _completer(lambda t: [n for p in t.people for n in p.names]
                             + [n for e in t.events for n in e.named_people])


# -- the groups ---------------------------------------------------------------------------------


def _period(option: str, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        return parse_filter_date(value)
    except DateError as error:
        raise QueryError(f"{option}: {error}") from None


class OptionGroup:
    """A group of options: each annotated class attribute is one option, its value the
    default. Built from keyword arguments, then read-only.

    Not a dataclass: generating a dataclass's methods costs a millisecond a class at every
    start-up; this is all the groups need of one.
    """

    # The fields, in order, inherited ones first (set for each subclass as it is defined).
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = [name for name, annotation in vars(cls).get("__annotations__", {}).items()
               if get_origin(annotation) is not ClassVar]
        cls.FIELDS = tuple(dict.fromkeys((*cls.FIELDS, *own)))

    def __init__(self, **values: Any) -> None:
        unknown = values.keys() - set(self.FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no option {sorted(unknown)[0]!r}")
        for name in self.FIELDS:
            object.__setattr__(self, name, values.get(name, getattr(type(self), name)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    __delattr__ = __setattr__  # type: ignore[assignment]

    @classmethod
    def options(cls) -> list[tuple[str, Any, Any]]:
        """Each field's name, default and annotation (the option Typer reads), in order."""
        annotations: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            annotations.update(vars(klass).get("__annotations__", {}))
        return [(name, getattr(cls, name), annotations[name]) for name in cls.FIELDS]


class SourceOptions(OptionGroup):
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

    def paths(self) -> list[Path]:
        """Every timeline file in use (none of them ever to be overwritten by --output)."""
        from relations_cli.store.source import resolve_data_paths

        return resolve_data_paths(self.data)


class FilterOptions(OptionGroup):
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
    fuzzy: Annotated[bool, typer.Option(
        "--fuzzy",
        help="Widen approximate or uncertain dates (1960~, 2016-03?) by one year, month or day "
             "each side (2004%: two) in events and filters.")] = False
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
            fuzzy=self.fuzzy,
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


class ListOptions(OptionGroup):
    """How many rows, in which order."""

    limit: Annotated[int | None, typer.Option(
        "--limit", "-n", min=1, show_default=False, help="At most this many rows.")] = None
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False
    count: Annotated[bool, typer.Option(
        "--count", help="Print only how many rows would be listed.")] = False


FORMAT_HELP = ("Output format [default: pretty on a terminal, plain when piped, or from "
               "--output's extension].")
ColorOpt = Annotated[ColorMode, typer.Option(
    "--color", case_sensitive=False, help="Color: auto follows the terminal, NO_COLOR, "
    "FORCE_COLOR and CLICOLOR_FORCE.")]


@functools.cache
def format_option(kind: Kind) -> Any:
    """The --format option of a command producing `kind`: only the formats that can write
    it, as choices for the parser, the completion and the help."""
    names = names_for(kind)
    choices = Enum(f"{kind.value.title()}Format", {n: n for n in names},  # type: ignore[misc]
                   type=str)
    return Annotated[choices | None, typer.Option(
        "--format", "-f", show_default=False, case_sensitive=False, help=FORMAT_HELP)]


class OutputOptions(OptionGroup):
    """Where the result goes and how it looks. A command names the subclass for what it
    produces (EventsOutput, ReportOutput, ...), which decides --format's choices."""

    KIND: ClassVar[Kind] = Kind.EVENTS

    # --format: only the formats that can write KIND (format_option); the choice made, or None.
    fmt: Enum | None = None
    color: ColorOpt = ColorMode.auto
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", show_default=False,
        help="Write to FILE atomically (its extension picks the format).")] = None
    force: Annotated[bool, typer.Option(
        "--force", help="Let --output replace an existing file.")] = False
    width: Annotated[int | None, typer.Option(
        "--width", min=20, max=1000, show_default=False,
        help="Columns for drawn output [default: the terminal's].")] = None
    fields: Annotated[str | None, typer.Option(
        "--fields", metavar="A,B,...", show_default=False,
        help="Only these columns, in this order (plain, table, csv, tsv, markdown).")] = None
    no_header: Annotated[bool, typer.Option(
        "--no-header", help="Leave out the header row of csv, tsv, table and markdown.")] = False
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", help="Print straight to the terminal, without paging a long result "
        "through $RELATIONS_PAGER, $PAGER or less.")] = False

    def settings(self) -> "OutputSettings":
        from relations_cli.render.present import OutputSettings

        fields = tuple(f.strip() for f in self.fields.split(",") if f.strip()) \
            if self.fields else None
        return OutputSettings(self.fmt.value if self.fmt else None, self.color.value,
                              self.output, self.force, self.width, fields,
                              not self.no_header, not self.no_pager)


class PageLanguage(str, Enum):
    """The languages a page's dates can be written in (render/publish.LANGUAGES's keys)."""

    en = "en"
    fr = "fr"


class PublishedOutput(OutputOptions):
    """The output of a command that can publish events: also the language of a page."""

    lang: Annotated[PageLanguage, typer.Option(
        "--lang", case_sensitive=False,
        help="Language of the dates and labels of --format html and mermaid: en or fr.")] = \
        PageLanguage.en

    def settings(self) -> "OutputSettings":
        return super().settings()._replace(lang=self.lang.value)


class EventsOutput(PublishedOutput):
    KIND: ClassVar[Kind] = Kind.EVENTS

    eras: Annotated[str | None, typer.Option(
        "--eras", metavar="FILE", show_default=False,
        help="TimelineJS eras from a YAML or JSON list of {start, end, headline} "
        "(--format timelinejs).")] = None

    def settings(self) -> "OutputSettings":
        if not self.eras:
            return super().settings()
        from relations_cli.store.eras import load_eras

        return super().settings()._replace(eras=load_eras(self.eras))


class EventOutput(PublishedOutput):
    KIND: ClassVar[Kind] = Kind.EVENT


class ReportOutput(OutputOptions):
    KIND: ClassVar[Kind] = Kind.REPORT


class ChartOutput(OutputOptions):
    KIND: ClassVar[Kind] = Kind.CHART


OPTION_GROUPS = (SourceOptions, FilterOptions, ListOptions, OutputOptions)

Command = TypeVar("Command", bound=Callable[..., Any])


def _annotation(group: type[OptionGroup], name: str, annotation: Any) -> Any:
    if name == "fmt" and issubclass(group, OutputOptions):
        return format_option(group.KIND)
    return annotation


def with_options(command: Command) -> Command:
    """Let a command take option groups as single parameters (`filters: FilterOptions`).

    Typer sees each group's fields as options of their own; the command receives the group
    built from them. The signature Typer reads is built by `prepare_options`, for the
    commands a run builds a parser for: a family registers several commands, a run uses one.
    """
    groups: dict[str, type[OptionGroup]] = {}

    @functools.wraps(command)
    def unpacked(**values: Any) -> Any:
        ctx: typer.Context = values.pop("_ctx")
        # Global options given before the command (`relations --data x timeline`) count
        # where the command's own were left at their defaults.
        root = ctx.find_root().params if ctx.parent is not None else {}
        for name, group in groups.items():
            given = {}
            for field in group.FIELDS:
                value = values.pop(field)
                default = getattr(group, field)
                if value == default and root.get(field) not in (None, False):
                    value = root[field]
                    if isinstance(default, Enum):
                        value = type(default)(value)
                given[field] = value
            values[name] = group(**given)
        return command(**values)

    def prepare() -> None:
        if "__signature__" in vars(unpacked):
            return
        signature = inspect.signature(command)
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            group = parameter.annotation
            if isinstance(group, type) and issubclass(group, OPTION_GROUPS):
                groups[parameter.name] = group
                parameters += [
                    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                      annotation=_annotation(group, name, annotation))
                    for name, default, annotation in group.options()
                ]
            else:
                parameters.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))
        parameters.append(inspect.Parameter("_ctx", inspect.Parameter.KEYWORD_ONLY,
                                            annotation=typer.Context))
        unpacked.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=parameters)

    # Typer reads each option from the signature, whose annotations are objects already; it
    # consults typing.get_type_hints only to resolve string annotations, of which there are
    # none, and evaluating thirty Annotated options there costs a millisecond a run.
    unpacked.__annotations__ = {}
    unpacked.prepare_options = prepare  # type: ignore[attr-defined]
    return unpacked  # type: ignore[return-value]


def prepare_options(app: typer.Typer) -> typer.Typer:
    """The app, once each of its commands taking option groups has the signature Typer reads
    (without it Typer would see the groups themselves, and refuse them)."""
    for info in app.registered_commands:
        prepare = getattr(info.callback, "prepare_options", None)
        if prepare is not None:
            prepare()
    return app

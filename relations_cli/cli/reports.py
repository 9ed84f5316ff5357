"""Summaries and pictures: summary, chart, people, quotes, figures, on-this-day and values."""

from enum import Enum
from typing import Annotated, Any

import typer

from relations_cli.cli.app import app, exit_if_empty, print_count
from relations_cli.cli.options import (
    ChartOutput,
    EventsOutput,
    FilterOptions,
    ListOptions,
    ReportOutput,
    SourceOptions,
    complete_people,
    with_options,
)
from relations_cli.cli.read import every_category, filters_hint
from relations_cli.core.errors import DateError, QueryError
from relations_cli.core.query import Query
from relations_cli.render.formats import Kind


class Grouping(str, Enum):
    decade = "decade"
    year = "year"
    quarter = "quarter"
    month = "month"
    week = "week"
    category = "category"
    actor = "actor"
    person = "person"
    tag = "tag"
    place = "place"


class Lanes(str, Enum):
    category = "category"
    actor = "actor"
    person = "person"


class SortBy(str, Enum):
    label = "label"
    count_ = "count"


class ValueField(str, Enum):
    category = "category"
    tag = "tag"
    actor = "actor"
    person = "person"
    place = "place"


def _deliver_rows(listing: ListOptions | None, output: Any, report: Any, rows: list[Any],
                  source: SourceOptions) -> None:
    """A report of rows, or with --count only how many."""
    from relations_cli.render.present import deliver

    if listing is not None and listing.count:
        print_count(len(rows))
    else:
        deliver(output.settings(), Kind.REPORT, report, protected=source.paths())


def _listed(rows: list[Any], listing: ListOptions) -> list[Any]:
    return Query(limit=listing.limit, reverse=listing.reverse).order(rows)


@app.command()
@with_options
def summary(
    filters: FilterOptions, source: SourceOptions, output: ReportOutput,
    by: Annotated[list[Grouping] | None, typer.Option(
        "--by", "-b", case_sensitive=False, show_default=False,
        help="Group counts by this [default: year]; give two for a cross table.")] = None,
    sort: Annotated[SortBy, typer.Option(
        "--sort", case_sensitive=False, help="Rows in order of their labels, or most "
        "numerous first.")] = SortBy.label,
    top: Annotated[int | None, typer.Option(
        "--top", min=1, show_default=False, help="Only the first N rows.")] = None,
) -> None:
    """The span, count, first and last events, the busiest month, and counts by period
    or field. Events dated more coarsely than a period grouping are counted apart.

    \b
    Examples:
      relations summary
      relations summary --by month --since 2015
      relations summary --by actor --sort count --top 5
      relations summary --by year --by category --format csv
    """
    from relations_cli.core.summary import ranked
    from relations_cli.render.present import deliver
    from relations_cli.render.reports import summary_report

    engine = source.engine()
    query = filters.query()
    counted = engine.summarize(query, [g.value for g in by or [Grouping.year]])
    counted = ranked(counted, sort is SortBy.count_, top)
    deliver(output.settings(), Kind.REPORT, summary_report(counted), protected=source.paths())
    if not counted.count:
        filters_hint(engine, query)
    exit_if_empty(range(counted.count), engine.count())


@app.command()
@with_options
def chart(
    filters: FilterOptions, source: SourceOptions, output: ChartOutput,
    by: Annotated[Lanes, typer.Option("--by", "-b", case_sensitive=False,
                                      help="One lane per category, actor or person.")
                  ] = Lanes.category,
) -> None:
    """A time axis across the terminal: one lane per category (or actor, or person), each
    event a mark at its date and each span a bar.

    \b
    Examples:
      relations chart
      relations chart --since 2015 --by person
      relations chart --width 200 --output chart.txt
    """
    from relations_cli.core.model import Deferred
    from relations_cli.core.summary import chart_lanes
    from relations_cli.render.chart import ChartView
    from relations_cli.render.present import deliver

    engine = source.engine()
    query = filters.query()
    counted = engine.chart_counts(query, by.value)
    if counted is None:
        events = engine.select(query)
        lanes = chart_lanes(events, by.value, engine.people)
        found = len(events)
    else:
        # Drawn from the counts; a format that lists the events (JSON) reads them then.
        lanes = chart_lanes(Deferred(lambda: engine.select(query)), by.value, engine.people,
                            counted)
        found = counted.frame.total
    deliver(output.settings(), Kind.CHART, ChartView(lanes), protected=source.paths(),
            categories=every_category(engine))
    if not found:
        filters_hint(engine, query)
    exit_if_empty(range(found), engine.count())


@app.command()
@with_options
def people(
    filters: FilterOptions, listing: ListOptions, source: SourceOptions, output: ReportOutput,
    name: Annotated[str | None, typer.Argument(
        metavar="[NAME]", show_default=False, autocompletion=complete_people,
        help="Show this person's events and quotes, by name or alias.")] = None,
) -> None:
    """Everyone the timeline names, with role, aliases, events, quotes and first and last
    appearance; or, given a NAME, that person's events and quotes in order.

    \b
    Examples:
      relations people
      relations people Gabuev
      relations people 习近平 --format json
    """
    from relations_cli.core.summary import people_table, person_events, quote_rows
    from relations_cli.render.reports import people_report, person_report

    engine = source.engine()
    if name is None:
        stats = _listed([p for p in people_table(engine.people,
                                                 engine.name_counts(filters.query()))
                         if p.events or p.quotes], listing)
        _deliver_rows(listing, output, people_report(stats), stats, source)
        exit_if_empty(stats, engine.count(), "people")
        return
    events = engine.select(filters.query())
    person = engine.people.find_one(name, engine.named(), engine.registry.path)
    own = _listed(person_events(engine.people, events, person), listing)
    report = person_report(person, own, quote_rows(engine.people, own, [person]))
    _deliver_rows(listing, output, report, own, source)
    exit_if_empty(own, engine.count())


@app.command()
@with_options
def quotes(
    filters: FilterOptions, listing: ListOptions, source: SourceOptions, output: ReportOutput,
    speaker: Annotated[list[str] | None, typer.Option(
        "--speaker", "-S", metavar="PERSON", show_default=False,
        autocompletion=complete_people,
        help="Only this speaker's quotes, by name or alias; repeat for either.")] = None,
) -> None:
    """Every quote, with its speaker, role, date and event.

    \b
    Examples:
      relations quotes
      relations quotes --speaker Gabuev
      relations quotes --since 2016-03 --format csv
    """
    from relations_cli.core.summary import quote_cells, quote_table
    from relations_cli.render.reports import quotes_report, quotes_streamed

    engine = source.engine()
    query = filters.query()
    # An index answers in SQL with the cells alone, which data formats write as they are;
    # other engines, and queries SQL cannot check exactly, give the quotes as objects.
    cells = engine.quote_cells(query)
    # A wrong filter is told before a wrong speaker.
    quotes = engine.quotes(query) if cells is None else None
    speakers = engine.people.find_all(speaker, engine.named(), engine.registry.path) \
        if speaker else None
    if quotes is None:
        assert cells is not None
        rows: list[Any] = _listed(quote_cells(engine.people, cells, speakers), listing)
        report: Any = quotes_streamed(rows)
    else:
        rows = _listed(quote_table(engine.people, quotes, speakers), listing)
        report = quotes_report(rows)
    _deliver_rows(listing, output, report, rows, source)
    exit_if_empty(rows, engine.count(), "quotes")


@app.command()
@with_options
def figures(filters: FilterOptions, listing: ListOptions, source: SourceOptions,
            output: ReportOutput) -> None:
    """The figures the timeline records, each value exactly as written, with a bar for each
    number among figures of its unit.

    \b
    Examples:
      relations figures
      relations figures --category trade --format csv > figures.csv
    """
    from relations_cli.core.summary import figure_table
    from relations_cli.render.reports import figures_report, figures_streamed

    engine = source.engine()
    query = filters.query()
    cells = engine.figure_cells(query)
    if cells is None:
        rows: list[Any] = _listed(figure_table(engine.figures(query)), listing)
        report: Any = figures_report(rows)
    else:
        rows = _listed(cells, listing)
        report = figures_streamed(rows)
    _deliver_rows(listing, output, report, rows, source)
    exit_if_empty(rows, engine.count(), "figures")


@app.command("on-this-day")
@with_options
def on_this_day(
    filters: FilterOptions, listing: ListOptions, source: SourceOptions, output: EventsOutput,
    day: Annotated[str | None, typer.Argument(
        metavar="[DATE]", show_default=False,
        help="A day of the year (03-27, March 27), or a full date whose own year is left "
             "out [default: today].")] = None,
) -> None:
    """Events on the same day and month in other years. Only events dated to the day count;
    given a full date (2016-03-27), its own year is left out, as today's is by default.

    \b
    Examples:
      relations on-this-day
      relations on-this-day 03-27
      relations on-this-day "September 3"
    """
    from datetime import date as calendar_date

    from relations_cli.core.dates import parse_month_day
    from relations_cli.core.summary import on_this_day as same_day
    from relations_cli.render.present import deliver

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
    engine = source.engine()
    matched = _listed(same_day(engine.select(filters.query()), month, number, year), listing)
    if listing.count:
        print_count(len(matched))
    else:
        deliver(output.settings(), Kind.EVENTS, matched, protected=source.paths(),
                timeline=engine.registry, query=filters.query(),
                categories=every_category(engine))
    label = f"{calendar_date(2000, month, number):%B} {number}"
    other = f" other than {year}" if year else ""
    exit_if_empty(matched, engine.count(), looked_for=f" on {label} in any year{other}")


@app.command("values")
@with_options
def values(
    field: Annotated[ValueField, typer.Argument(
        metavar="FIELD", case_sensitive=False,
        help="category, tag, actor, person or place.")],
    filters: FilterOptions, listing: ListOptions, source: SourceOptions, output: ReportOutput,
) -> None:
    """Each value a field takes in the timeline, with how many events have it, most used
    first: what --category, --tag, --actor, --person and --place can match.

    \b
    Examples:
      relations values category
      relations values tag --since 2016
      relations values person --format csv
    """
    from relations_cli.core.values import field_values
    from relations_cli.render.tables import Column, Report, records, table_of

    engine = source.engine()
    rows = _listed(field_values(engine, field.value, filters.query()), listing)
    columns: tuple[Column[tuple[str, int]], ...] = (
        Column(field.value, lambda r: r[0]), Column("events", lambda r: r[1], numeric=True))
    report = Report([], [table_of(columns, rows, field.value.capitalize(), bar="events")],
                    records(columns, rows))
    _deliver_rows(listing, output, report, rows, source)
    exit_if_empty(rows, engine.count(), "values")

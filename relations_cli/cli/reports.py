"""Summaries and pictures: summary, chart, people, quotes, figures and on-this-day."""

# No `from __future__ import annotations`: see app.py.

from enum import Enum
from typing import Annotated, Any

import typer

from relations_cli.cli.app import app, exit_if_empty
from relations_cli.cli.options import (
    FilterOptions,
    OutputOptions,
    SourceOptions,
    complete_people,
    with_options,
)
from relations_cli.core.errors import DateError, QueryError
from relations_cli.core.model import Event


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


@app.command()
@with_options
def summary(
    filters: FilterOptions, source: SourceOptions, output: OutputOptions,
    by: Annotated[list[Grouping] | None, typer.Option(
        "--by", "-b", case_sensitive=False, show_default=False,
        help="Group counts by this [default: year]; give two for a cross table.")] = None,
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

    engine = source.engine()
    counted = engine.summarize(filters.query(), [g.value for g in by or [Grouping.year]])
    deliver_report(output.settings(), summary_report(counted), source.path())
    exit_if_empty(range(counted.count), engine.count())


@app.command()
@with_options
def chart(
    filters: FilterOptions, source: SourceOptions, output: OutputOptions,
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
    from relations_cli.render.chart import layout_chart
    from relations_cli.render.present import deliver_chart

    engine = source.engine()
    events = engine.select(filters.query())

    def lanes_of(event: Event) -> list[str]:
        if by is Lanes.category:
            names = [event.category] if event.category else []
        elif by is Lanes.actor:
            names = list(event.actors)
        else:
            names = [_canonical_name(engine.registry, n) for n in event.named_people]
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
    deliver_chart(output.settings(), lambda columns: layout_chart(events, lanes_of, columns),
                  by is Lanes.category, document, source.path())
    exit_if_empty(events, engine.count())


def _canonical_name(registry: Any, name: str) -> str:
    person = registry.person(name)
    return person.name if person else name


@app.command()
@with_options
def people(
    filters: FilterOptions, source: SourceOptions, output: OutputOptions,
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
    from relations_cli.core.summary import find_people, people_stats, quote_rows
    from relations_cli.render.present import deliver_report
    from relations_cli.render.reports import people_report, person_report

    engine = source.engine()
    events = engine.select(filters.query())
    registry = engine.registry
    if name is None:
        stats = [p for p in people_stats(registry, events) if p.events or p.quotes]
        deliver_report(output.settings(), people_report(stats), source.path())
        exit_if_empty(stats, engine.count(), "people")
        return
    found = find_people(registry, events, name)
    if not found:
        raise QueryError(f"no person named '{name}' ('relations people' lists them)")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise QueryError(f"'{name}' names {len(found)} people: {names}; be more specific")
    person = found[0]
    own = [e for e in events
           if any(_canonical_name(registry, n) == person.name for n in e.named_people)]
    report = person_report(person, own, quote_rows(registry, own, [person]))
    deliver_report(output.settings(), report, source.path())
    exit_if_empty(own, engine.count())


@app.command()
@with_options
def quotes(
    filters: FilterOptions, source: SourceOptions, output: OutputOptions,
    by: Annotated[list[str] | None, typer.Option(
        "--by", metavar="PERSON", show_default=False, autocompletion=complete_people,
        help="Only this speaker's quotes, by name or alias; repeat for either.")] = None,
) -> None:
    """Every quote, with its speaker, role, date and event.

    \b
    Examples:
      relations quotes
      relations quotes --by Gabuev
      relations quotes --since 2016-03 --format csv
    """
    from relations_cli.core.summary import find_people, quote_rows
    from relations_cli.render.present import deliver_report
    from relations_cli.render.reports import quotes_report

    engine = source.engine()
    events = engine.select(filters.query())
    speakers = None
    if by:
        speakers = [p for wanted in by for p in find_people(engine.registry, events, wanted)]
        if not speakers:
            raise QueryError(f"no person named {' or '.join(repr(b) for b in by)} "
                             "('relations people' lists them)")
    rows = quote_rows(engine.registry, events, speakers)
    deliver_report(output.settings(), quotes_report(rows), source.path())
    exit_if_empty(rows, engine.count(), "quotes")


@app.command()
@with_options
def figures(filters: FilterOptions, source: SourceOptions, output: OutputOptions) -> None:
    """The figures the timeline records, with a bar for each among figures of its unit.

    \b
    Examples:
      relations figures
      relations figures --category trade --format csv > figures.csv
    """
    from relations_cli.core.summary import figure_rows
    from relations_cli.render.present import deliver_report
    from relations_cli.render.reports import figures_report

    engine = source.engine()
    rows = figure_rows(engine.select(filters.query()))
    deliver_report(output.settings(), figures_report(rows), source.path())
    exit_if_empty(rows, engine.count(), "figures")


@app.command("on-this-day")
@with_options
def on_this_day(
    filters: FilterOptions, source: SourceOptions, output: OutputOptions,
    day: Annotated[str | None, typer.Argument(
        metavar="[DATE]", show_default=False,
        help="A day of the year (03-27, March 27) or a date [default: today].")] = None,
) -> None:
    """Events on the same day and month in other years. Only events dated to the day count.

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
    matched = same_day(engine.select(filters.query()), month, number, year)
    deliver(output.settings(), matched, timeline=engine.registry, protected=source.path())
    exit_if_empty(matched, engine.count())

"""The Rich views for a terminal: the colored chronology, tables and an event in full.

Every value from a timeline goes into a `Text` after `visible()`: never into markup.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from relations_cli.core.model import Event, Period, year_text
from relations_cli.core.people import people_of
from relations_cli.core.text import fold_dashes, holds_words, own_search_text, words
from relations_cli.render.chart import LEGEND, Chart, ChartView
from relations_cli.render.detail import EventView
from relations_cli.render.renderers import Drawn, Look
from relations_cli.render.safe import visible
from relations_cli.render.tables import (
    Report,
    bar_cells,
    bar_fractions,
    cell_text,
    shown_columns,
)
from relations_cli.render.tables import Table as DataTable

# rich.table, rich.box and rich.padding cost ~6 ms more to import: the views that draw a
# table import them themselves, so the chronology does without.
if TYPE_CHECKING:
    from rich.table import Table

    from relations_cli.core.model import Timeline

__all__ = [
    "alias_matches",
    "category_style",
    "fit_columns",
    "make_console",
    "pretty_chart",
    "pretty_event",
    "pretty_events",
    "pretty_report",
    "print_chart",
    "print_chronology",
    "print_event",
    "print_report",
    "print_table",
    "table_chart",
    "table_events",
    "table_report",
]


# -- the drawn formats of the registry (render/formats.py): pretty and table ---------------


def pretty_events(console: Console, events: Sequence[Event], look: Look) -> None:
    people = look.query.people if look.query else ()
    print_chronology(console, events, look.terms, look.timeline, people)


def table_events(console: Console, events: Sequence[Event], look: Look) -> None:
    print_table(console, events, look.terms)


def pretty_event(console: Console, view: EventView, look: Look) -> None:
    print_event(console, view)


def pretty_report(console: Console, report: Report, look: Look) -> None:
    print_report(console, report)


table_report = pretty_report


def pretty_chart(console: Console, view: ChartView, look: Look) -> None:
    chart = view.layout(console.width)
    if chart is not None:
        print_chart(console, chart, view.lanes_are_categories)


table_chart = pretty_chart

_KNOWN = {
    "diplomacy": "bright_blue",
    "security": "red",
    "trade": "green",
    "economy": "yellow",
    "commentary": "magenta",
    "history": "cyan",
}
_PALETTE = ("bright_cyan", "bright_magenta", "bright_green", "bright_yellow", "blue",
            "bright_red", "dark_orange", "orchid", "spring_green2", "deep_sky_blue1")
MATCH_STYLE = "bold black on yellow"
MAX_DATE_WIDTH = 22
# How the pretty views write dates: as written (`1960~`, `-0043`, the default) or for people
# (`c. 1960`, `44 BC`), as HTML and TimelineJS do: RELATIONS_DATES=written|readable.
DATES_VARIABLE = "RELATIONS_DATES"
DATE_STYLES = ("written", "readable")


def readable_dates() -> bool:
    """Whether RELATIONS_DATES asks for dates for people; OutputError for a value it is not."""
    import os

    from relations_cli.core.errors import OutputError

    value = os.environ.get(DATES_VARIABLE, "").strip()
    if value.casefold() not in ("", *DATE_STYLES):
        raise OutputError(f"{DATES_VARIABLE}={visible(value)!r} is not a way to show dates; "
                          f"use {' or '.join(DATE_STYLES)}")
    return value.casefold() == "readable"


def shown_date(period: Period, readable: bool) -> str:
    """One date as the terminal shows it: as written, or for people (`c. 1960`)."""
    if not readable:
        return period.text
    from relations_cli.render.publish import readable_period

    return readable_period(period)


def shown_when(event: Event, readable: bool) -> str:
    """An event's date and end as the terminal shows them: `2015-09/`, or `September 2015 –
    unknown end`."""
    if not readable:
        return event.when
    first = shown_date(event.date, readable)
    return first if event.end is None else f"{first} – {shown_date(event.end, readable)}"


def category_style(category: str) -> str:
    """A stable color per category: the same category is the same color in every run."""
    if not category:
        return "white"
    known = _KNOWN.get(category.casefold())
    return known or _PALETTE[zlib.crc32(category.casefold().encode()) % len(_PALETTE)]


def make_console(file: IO[str], color: bool, width: int | None = None) -> Console:
    return Console(
        file=file,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
        soft_wrap=False,
    )


def _text(value: str, style: str = "", terms: Sequence[str] = ()) -> Text:
    text = Text(visible(value), style=style)
    if terms:
        text.highlight_words([visible(t) for t in terms], MATCH_STYLE, case_sensitive=False)
    return text


def alias_matches(event: Event, timeline: Timeline | None, terms: Sequence[str] = (),
                  people: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(alias, name) for each search term or --person value the event matched only through
    an alias of a person it names (`search 习近平` finds events naming Xi Jinping)."""
    if timeline is None or not (terms or people):
        return []
    registry = people_of(timeline.people)
    registered = [p for p in (registry.get(n) for n in event.named_people) if p]
    found: list[tuple[str, str]] = []
    own = own_search_text(event)
    for term in terms:
        key = fold_dashes(term.casefold())
        if key.strip() and key not in own:
            found += [(alias, p.name) for p in registered for alias in p.aliases
                      if key in fold_dashes(alias.casefold())][:1]
    written = [words(n) for n in event.named_people]
    for wanted in people:
        needle = words(wanted)
        if not any(holds_words(name, needle) for name in written):
            found += [(alias, p.name) for p in registered for alias in p.aliases
                      if holds_words(words(alias), needle)][:1]
    return list(dict.fromkeys(found))


def print_chronology(console: Console, events: Iterable[Event], terms: Sequence[str] = (),
                     timeline: Timeline | None = None, people: Sequence[str] = ()) -> int:
    """Events oldest first under year rules, a colored mark per category, each with its id
    (and the alias it was found by, if only an alias matched); returns the count."""
    shown: list[Event] = []
    counts: Counter[str] = Counter()
    year = None
    events = list(events)
    readable = readable_dates()
    whens = [shown_when(e, readable) for e in events]
    date_width = min(MAX_DATE_WIDTH, max((len(w) for w in whens), default=10))
    indent = _indent(console, date_width + 4, max((cell_len(e.id) for e in events), default=0))
    for event, when in zip(events, whens, strict=True):
        if event.first_day.year != year:
            year = event.first_day.year
            rule = f"{1 - year} BC" if readable and year < 1 else year_text(year)
            console.print(Rule(Text(rule, style="bold"), style="dim", align="left"))
        if indent == NARROW_INDENT:  # the date on a line of its own, the rest under it
            prefix = Text(when, style="cyan")
            prefix.append(" ●\n" + " " * indent, style=category_style(event.category))
        else:
            prefix = Text(f"{when:<{date_width}}  ", style="cyan")
            prefix.append("● ", style=category_style(event.category))
        heading = _text(event.title, "bold", terms)
        if event.category:
            heading.append("  ")
            heading.append_text(_text(event.category, category_style(event.category)))
        heading.append("  ")
        heading.append(visible(event.id), style="not bold dim")
        block = _hanging(console, prefix, heading, indent)
        for alias, name in alias_matches(event, timeline, terms, people):
            via = Text("via ", style="dim")
            via.append(visible(alias), style=MATCH_STYLE)
            via.append(f", an alias of {visible(name)}", style="dim")
            block.append("\n")
            block.append_text(_hanging(console, Text(" " * indent), via, indent))
        if event.summary:
            summary = _text(" ".join(event.summary.split()), "dim", terms)
            block.append("\n")
            block.append_text(_hanging(console, Text(" " * indent), summary, indent))
        # One print an event, already wrapped: soft_wrap keeps Rich from wrapping it again.
        console.print(block, soft_wrap=True)
        shown.append(event)
        counts[event.category or "-"] += 1
    if shown:
        _print_legend(console, shown, counts, readable)
    return len(shown)


NARROW_INDENT = 2
_LEAST_BODY = 28  # cells a block's text keeps beside the date before it goes under it


def _indent(console: Console, beside: int, longest_id: int) -> int:
    """The indent of the text beside a date: after the date, or on a narrow terminal
    (where an id beside it would be cut) a small one, the date on a line of its own."""
    room = console.width - beside
    return beside if room >= max(_LEAST_BODY, longest_id) else NARROW_INDENT


def _hanging(console: Console, prefix: Text, body: Text, indent: int) -> Text:
    """Body wrapped to the console's width, its later lines indented under the first."""
    width = max(10, console.width - indent)
    block = Text()
    for number, line in enumerate(body.wrap(console, width, overflow="fold")):
        line.rstrip()
        if number:
            block.append("\n" + " " * indent)
        else:
            block.append_text(prefix)
        block.append_text(line)
    return block


def _print_hanging(console: Console, prefix: Text, body: Text, indent: int) -> None:
    console.print(_hanging(console, prefix, body, indent), soft_wrap=True)


def _print_legend(console: Console, events: Sequence[Event], counts: Counter[str],
                  readable: bool) -> None:
    legend = Text()
    for category, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        legend.append("● ", style=category_style(category if category != "-" else ""))
        legend.append(f"{visible(category)} {count}   ")
    legend.rstrip()
    from relations_cli.core.summary import span

    # The span as written, at the dates' own precision (`-0043 to 2016-21`), never invented days.
    first, last = span(events) or (events[0].date, events[0].date)
    start, end = shown_date(first, readable), shown_date(last, readable)
    noun = "event" if len(events) == 1 else "events"
    console.print()
    console.print(legend, overflow="fold")
    console.print(Text(visible(f"{len(events)} {noun}, {start}" +
                               ("" if end == start else f" to {end}")), style="dim"))


def print_table(console: Console, events: Iterable[Event], terms: Sequence[str] = ()) -> int:
    from rich import box
    from rich.table import Table

    events = list(events)
    readable = readable_dates()
    whens = [shown_when(e, readable) for e in events]
    headers = ("Date", "ID", "Category", "Title", "Place")
    rows = [tuple(visible(v) for v in (when, e.id, e.category, e.title, e.place))
            for e, when in zip(events, whens, strict=True)]
    # Place goes first, then the category: the date, id and title stay.
    kept, widths = fit_columns(console.width, headers, rows,
                               (True, True, False, False, False), drop_order=(4, 2, 1))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for index, column_width in zip(kept, widths, strict=True):
        table.add_column(headers[index], overflow="fold", width=column_width,
                         no_wrap=index < 2)
    for event, when in zip(events, whens, strict=True):
        cells = (
            Text(when, style="cyan"),
            Text(event.id, style="dim"),
            _text(event.category, category_style(event.category)),
            _text(event.title, "bold", terms),
            _text(event.place),
        )
        table.add_row(*(cells[i] for i in kept))
    console.print(table)
    return len(events)


_FACT_LABELS = {"date_note": "how dated"}


def print_event(console: Console, view: EventView) -> None:
    """One event in full: dates and how they were derived, people, quotes, figures, sources."""
    from rich import box
    from rich.padding import Padding
    from rich.table import Table

    event = view.event
    console.print(Text(visible(event.title), style="bold"), overflow="fold")
    console.print(Text(event.id, style="dim"))
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold cyan", no_wrap=True)
    fields.add_column(overflow="fold")
    readable = readable_dates()
    for key, period in (("date", event.date), ("end", event.end)):
        if period is None:
            continue
        if period.unknown:
            fields.add_row(key, Text(f"unknown ({event.when})"))
        elif readable:
            fields.add_row(key, Text(f"{shown_date(period, readable)} ({period.text}, "
                                     f"{period.precision.value})"))
        else:
            fields.add_row(key, Text(f"{period.text} ({period.precision.value})"))
    for key, values in view.facts:
        value = ", ".join(values)
        style = category_style(value) if key == "category" else ""
        fields.add_row(_FACT_LABELS.get(key, key), _text(" ".join(value.split()), style))
    console.print(Padding(fields, (1, 0, 0, 0)))
    if event.summary:
        console.print(Padding(_text(" ".join(event.summary.split())), (1, 0, 0, 0)))
    if view.people:
        console.print(Text("\nPeople", style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(style="dim", overflow="fold")
        for name, role in view.people:
            grid.add_row(_text(name), _text(role))
        console.print(Padding(grid, (0, 0, 0, 2)))
    if event.quotes:
        console.print(Text("\nQuotes", style="bold"))
        for quote in event.quotes:
            text = Text("“") + _text(" ".join(quote.text.split()), "italic") + Text("”")
            text.append_text(Text(" — ") + _text(quote.by, "bold"))
            console.print(Padding(text, (0, 0, 0, 2)), overflow="fold")
    if event.figures:
        console.print(Text("\nFigures", style="bold"))
        grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for name in ("Figure", "Value", "Unit", "Change"):
            grid.add_column(name, overflow="fold", justify="right" if name == "Value" else "left")
        for figure in event.figures:
            grid.add_row(_text(figure.label), _text(figure.value), _text(figure.unit),
                         _text(figure.change))
        console.print(Padding(grid, (0, 0, 0, 2)))
    if event.sources:
        console.print(Text("\nSources", style="bold"))
        for source in event.sources:
            line = _text(source.title, "bold")
            details = ", ".join(v for v in (source.publisher, source.date) if v)
            if details:
                line.append_text(Text(" — ") + _text(details))
            if source.url:
                line.append_text(Text("  ") + _text(source.url, "underline"))
            console.print(Padding(line, (0, 0, 0, 2)), overflow="fold")


def print_report(console: Console, report: Report) -> None:
    """Facts as a grid, then each table with a bar per row where the table has one."""
    from rich.table import Table

    if report.facts:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold cyan", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in report.facts:
            grid.add_row(label, _text(value))
        console.print(grid)
    for table in report.tables:
        if report.facts or len(report.tables) > 1:
            console.print()
            console.print(Text(table.title, style="bold"))
        if report.terminal_view == "quotes":
            _print_quotes(console, table)
        else:
            console.print(_rich_table(console, table))


def _print_quotes(console: Console, table: DataTable) -> None:
    """Each quote as a block: date, speaker and role, then the words, then the event."""
    column = {name: index for index, name in enumerate(table.columns)}
    date_width = max((len(cell_text(row[column["date"]])) for row in table.rows), default=10)
    longest_id = max((cell_len(cell_text(row[column["event"]])) for row in table.rows),
                     default=0)
    indent = _indent(console, date_width + 2, longest_id)
    for row in table.rows:
        heading = _text(cell_text(row[column["by"]]), "bold")
        role = cell_text(row[column["role"]])
        if role:
            heading.append_text(Text(", ") + _text(role, "dim"))
        if indent == NARROW_INDENT:
            prefix = Text(cell_text(row[column["date"]]) + "\n" + " " * indent, style="cyan")
        else:
            prefix = Text(f"{cell_text(row[column['date']]):<{date_width}}  ", style="cyan")
        _print_hanging(console, prefix, heading, indent)
        words = Text("“") + _text(" ".join(cell_text(row[column["quote"]]).split()),
                                  "italic") + Text("”")
        _print_hanging(console, Text(" " * indent), words, indent)
        _print_hanging(console, Text(" " * indent),
                       _text(cell_text(row[column["event"]]), "dim"), indent)


# Columns a table never breaks inside: names, ids, dates and numbers.
_UNBROKEN = ("name", "by", "date", "first", "last", "count", "events", "quotes", "value",
             "precision", "id", "event", "bytes", "year", "month", "day", "week", "decade")
_GAP = 3  # between two columns of a SIMPLE_HEAD table without edges
_LONGEST_WORD = 12  # a text column is not folded narrower than this (or its longest word)


# Columns a narrow terminal leaves out first, in this order; then the rightmost but the first.
_DROP_FIRST = ("aliases", "role", "place", "change", "unit", "category", "state", "bytes",
               "quotes", "last")


def _drop_order(headers: Sequence[str]) -> list[int]:
    named = [headers.index(n) for n in _DROP_FIRST if n in headers[1:]]
    return named + [i for i in range(len(headers) - 1, 0, -1) if i not in named]


def fit_columns(width: int, headers: Sequence[str], rows: Sequence[Sequence[str]],
                unbroken: Sequence[bool], drop_order: Sequence[int] | None = None,
                ) -> tuple[list[int], list[int]]:
    """Which columns a table of `width` cells shows, and how wide each is.

    An unbroken column (a date, id, name or number) is as wide as its widest cell and a
    header is never cut; when the columns do not fit at that, whole columns go, least
    important first (`drop_order`, by default the rightmost but the first), instead of
    cutting any. Text columns take what is left, up to their widest cell."""
    natural = [max([cell_len(h), *(cell_len(r[i]) for r in rows)])
               for i, h in enumerate(headers)]
    least = []
    for i, header in enumerate(headers):
        if unbroken[i]:
            least.append(natural[i])
        else:
            word = max((cell_len(w) for r in rows for w in r[i].split()), default=0)
            least.append(min(natural[i], max(cell_len(header), min(word, _LONGEST_WORD))))
    kept = list(range(len(headers)))
    order = list(drop_order) if drop_order is not None else _drop_order(headers)

    def needed(columns: list[int]) -> int:
        return sum(least[i] for i in columns) + _GAP * (len(columns) - 1)

    for candidate in order:
        if needed(kept) <= width or len(kept) == 1:
            break
        kept.remove(candidate)
    widths = {i: least[i] for i in kept}
    spare = width - needed(kept)
    growing = [i for i in kept if widths[i] < natural[i]]
    while spare > 0 and growing:
        for i in list(growing):
            if spare <= 0:
                break
            widths[i] += 1
            spare -= 1
            if widths[i] >= natural[i]:
                growing.remove(i)
    return kept, [widths[i] for i in kept]


def _rich_table(console: Console, table: DataTable) -> Table:
    from rich import box
    from rich.table import Table

    shown = list(shown_columns(table))
    bars = bar_fractions(table)
    indexes = [table.columns.index(name) for name in shown]
    rows = [[cell_text(row[i]) for i in indexes] for row in table.rows]
    measured = [[visible(cell) for cell in cells] for cells in rows]
    unbroken = [name in _UNBROKEN or name in table.numeric for name in shown]
    # The bar, least important, takes what the columns leave, from 10 to 40 cells; only a
    # terminal under 60 columns, or one the columns fill, goes without.
    kept, widths = fit_columns(console.width, shown, measured, unbroken)
    natural = fit_columns(10_000, shown, measured, unbroken)[1]
    room = console.width - sum(natural) - _GAP * len(natural)
    bar_width = 0
    if table.bar and console.width >= 60 and len(kept) == len(shown):
        squeezed = fit_columns(console.width - _GAP - 10, shown, measured, unbroken)
        if len(squeezed[0]) == len(shown):
            bar_width = max(10, min(40, room))
            kept, widths = fit_columns(console.width - _GAP - bar_width, shown, measured,
                                       unbroken)
    rich = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for index, column_width in zip(kept, widths, strict=True):
        name = shown[index]
        numeric = name in table.numeric or any(
            isinstance(row[table.columns.index(name)], (int, float)) for row in table.rows)
        rich.add_column(name, justify="right" if numeric else "left", overflow="fold",
                        no_wrap=unbroken[index], width=column_width)
    if bar_width:
        rich.add_column("", no_wrap=True, width=bar_width)
    for cells, fraction in zip(rows, bars, strict=True):
        styled = [_text(cells[i], category_style(cells[i]) if shown[i] == "category" else "")
                  for i in kept]
        if bar_width:
            styled.append(Text(bar_cells(fraction, bar_width), style="green"))
        rich.add_row(*styled)
    return rich


def print_chart(console: Console, chart: Chart, lanes_are_categories: bool) -> None:
    """The chart, each mark in its event's category color, with a legend."""
    for number, (label, cells) in enumerate(chart.lines()):
        line = Text()
        if number < len(chart.lanes):
            lane = chart.lanes[number]
            line.append(label, style=category_style(lane.label) if lanes_are_categories
                        else "bold")
            line.append(cells[0], style="dim")
            for mark, category in zip(lane.cells, lane.categories, strict=True):
                line.append(mark, style=category_style(category) if category else "")
            line.rstrip()
        else:
            line.append(label + cells, style="dim" if number == len(chart.lanes) else "")
        console.print(line, overflow="crop", no_wrap=True, crop=False)
    console.print()
    console.print(Text(LEGEND, style="dim"), overflow="fold")
    if not lanes_are_categories:
        legend = Text()
        for category in sorted({c for lane in chart.lanes for c in lane.categories if c}):
            legend.append("● ", style=category_style(category))
            legend.append(visible(category) + "   ")
        legend.rstrip()
        console.print(legend, overflow="fold")


# This module's entries of the format registry (render/formats.FORMATS).
PRETTY = Drawn(events=pretty_events, event=pretty_event, report=pretty_report, chart=pretty_chart)
TABLE = Drawn(events=table_events, report=table_report, chart=table_chart)

"""Summary-like results as Reports: each report's columns are defined once here, and both its
table rows and its JSON records are derived from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from relations_cli.core.model import Event, Figure, Person
from relations_cli.core.summary import (
    PERIOD_GROUPINGS,
    EventRef,
    FigureRow,
    PersonStats,
    QuoteCells,
    QuoteRow,
    Summary,
    figure_table,
)
from relations_cli.render.tables import Column, Report, RowReport, records, table_of

__all__ = [
    "FIGURE_COLUMNS",
    "PEOPLE_COLUMNS",
    "QUOTE_COLUMNS",
    "cache_report",
    "figures_report",
    "figures_streamed",
    "people_report",
    "person_report",
    "quotes_report",
    "quotes_streamed",
    "summary_report",
]


def event_ref(event: Event | None) -> dict[str, Any] | None:
    """An event as a summary's JSON names it: id, dates as written, title."""
    if event is None:
        return None
    return {"id": event.id, "date": event.when, "title": event.title}


def _span_text(summary: Summary) -> str:
    if summary.span is not None:
        first, last = summary.span
        return first.text if first.text == last.text else f"{first.text} to {last.text}"
    return f"{summary.start} to {summary.end}"


Group = tuple[tuple[str, ...], int, str]  # a summary row: labels, count, precision


def _label_at(n: int) -> Callable[[Group], str]:
    return lambda group: group[0][n]


def summary_report(summary: Summary) -> Report:
    facts = [("events", str(summary.count))]
    if summary.start and summary.end:
        facts.append(("span", _span_text(summary)))
    if summary.first:
        facts.append(("first", f"{summary.first.when} {summary.first.title}"))
    if summary.last:
        facts.append(("last", f"{summary.last.when} {summary.last.title}"))
    if summary.busiest:
        noun = "event" if summary.busiest[1] == 1 else "events"
        facts.append(("busiest", f"{summary.busiest[0]} ({summary.busiest[1]} {noun})"))
    # With a period grouping, each row says how precisely its events are dated, so events
    # dated only to a coarser period are told apart in data as well as on a terminal.
    finest = next((key for key in reversed(summary.by) if key in PERIOD_GROUPINGS), None)
    columns: list[Column[Group]] = [Column(key, _label_at(n)) for n, key in enumerate(summary.by)]
    columns.append(Column("count", lambda g: g[1], numeric=True))
    if finest:
        columns.append(Column("precision", lambda g: g[2], shown=False, in_json=False))
    rows: list[Group] = [(combo, count, finest or "") for combo, count in summary.groups]
    apart: list[Group] = [(combo, count, _precision_of(combo, summary.by))
                          for combo, count in summary.apart]
    title = "By " + " and ".join(summary.by)
    tables = [table_of(columns, rows + apart, title, bar="count")]
    if apart:
        # Shown apart on a terminal; in data they are the rows marked by their precision.
        tables = [table_of(columns, rows, title, bar="count"),
                  table_of(columns, apart, "Dated more coarsely than the grouping", bar="count")]
    span = summary.span
    document: dict[str, Any] = {
        "count": summary.count,
        # The span as written, as an event's JSON gives its dates.
        "date": span[0].text if span else (summary.start.isoformat() if summary.start
                                           else None),
        "end": span[1].text if span else (summary.end.isoformat() if summary.end else None),
        "first": event_ref(summary.first),
        "last": event_ref(summary.last),
        "busiest": ({"period": summary.busiest[0], "count": summary.busiest[1]}
                    if summary.busiest else None),
        "by": list(summary.by),
        "groups": records(columns, rows),
        "apart": records(columns, apart),
    }
    return Report(facts, tables, document)


def _precision_of(combo: tuple[str, ...], by: Sequence[str]) -> str:
    """The precision a coarser-dated row's period label is written at (2015, 2015Q3, ...)."""
    labels = [label for key, label in zip(by, combo, strict=True) if key in PERIOD_GROUPINGS]
    label = labels[-1] if labels else ""
    if "Q" in label:
        return "quarter"
    if "W" in label:
        return "week"
    return {3: "decade", 4: "year", 5: "decade", 7: "month"}.get(len(label), "day")


def _date_of(event: Event | None) -> str:
    # First and last appearances are the dates those events start on, as written.
    return event.date.text if event else ""


PEOPLE_COLUMNS: tuple[Column[PersonStats], ...] = (
    Column("name", lambda p: p.name),
    Column("role", lambda p: p.role),
    Column("aliases", lambda p: "; ".join(p.aliases), json=lambda p: list(p.aliases),
           shown=False),
    Column("events", lambda p: p.events, numeric=True),
    Column("quotes", lambda p: p.quotes, numeric=True),
    Column("first", lambda p: _date_of(p.first), json=lambda p: event_ref(p.first)),
    Column("last", lambda p: _date_of(p.last), json=lambda p: event_ref(p.last)),
)


def people_report(stats: Sequence[PersonStats]) -> Report:
    return Report([], [table_of(PEOPLE_COLUMNS, stats, "People")],
                  records(PEOPLE_COLUMNS, stats))


PERSON_EVENT_COLUMNS: tuple[Column[Event], ...] = (
    Column("date", lambda e: e.when),
    Column("id", lambda e: e.id),
    Column("category", lambda e: e.category, in_json=False),
    Column("title", lambda e: e.title),
)
PERSON_QUOTE_COLUMNS: tuple[Column[QuoteRow], ...] = (
    Column("date", lambda q: q.event.when),
    Column("id", lambda q: q.event.id, key="event"),
    Column("quote", lambda q: q.text, key="text"),
)


def person_report(person: Person, events: Sequence[Event], quotes: Sequence[QuoteRow]) -> Report:
    facts = [("name", person.name)]
    if person.role:
        facts.append(("role", person.role))
    if person.aliases:
        facts.append(("aliases", ", ".join(person.aliases)))
    facts.append(("events", str(len(events))))
    event_table = table_of(PERSON_EVENT_COLUMNS, events, "Events")
    quote_table = table_of(PERSON_QUOTE_COLUMNS, quotes, "Quotes")
    document = {"name": person.name, "role": person.role, "aliases": list(person.aliases),
                "events": records(PERSON_EVENT_COLUMNS, events),
                "quotes": records(PERSON_QUOTE_COLUMNS, quotes)}
    return Report(facts, [event_table, quote_table] if quotes else [event_table], document)


QUOTE_COLUMNS: tuple[Column[QuoteRow], ...] = (
    Column("date", lambda q: q.event.when),
    Column("by", lambda q: q.by),
    Column("role", lambda q: q.role),
    Column("quote", lambda q: q.text, key="text"),
    Column("event", lambda q: q.event.id),
)


def quotes_report(rows: Sequence[QuoteRow]) -> Report:
    return Report([], [table_of(QUOTE_COLUMNS, rows, "Quotes")], records(QUOTE_COLUMNS, rows),
                  terminal_view="quotes")


def _names(columns: Sequence[Column[Any]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # A streamed report's columns are all in its table and its JSON.
    assert all(c.in_table and c.in_json and c.json is None for c in columns)
    return tuple(c.name for c in columns), tuple(c.key or c.name for c in columns)


_UNORDERED = (0, 0, 0, 0)  # a report of rows already in order reads no order key


def quotes_streamed(cells: Sequence[QuoteCells]) -> RowReport:
    """quotes_report of rows given as their cells (core/summary.quote_cells)."""
    def full() -> Report:
        return quotes_report([QuoteRow(EventRef(event, when, _UNORDERED), by, role, text)
                              for when, by, role, text, event in cells])

    return RowReport(*_names(QUOTE_COLUMNS), cells, full)


# The value is printed exactly as the file wrote it, in every format; only the bar reads
# it as a number, and a value that is not one gets no bar.
FIGURE_COLUMNS: tuple[Column[FigureRow], ...] = (
    Column("date", lambda r: r.event.when),
    Column("label", lambda r: r.figure.label),
    Column("value", lambda r: r.figure.value, numeric=True),
    Column("unit", lambda r: r.figure.unit),
    Column("change", lambda r: r.figure.change),
    Column("event", lambda r: r.event.id, shown=False),
)


def figures_report(rows: Sequence[FigureRow]) -> Report:
    table = table_of(FIGURE_COLUMNS, rows, "Figures", bar=lambda r: r.figure.number,
                     bar_scale_by="unit")
    return Report([], [table], records(FIGURE_COLUMNS, rows))


def figures_streamed(cells: Sequence[tuple[str, str, str, str, str, str]]) -> RowReport:
    """figures_report of rows given as their cells (date as written, label, value, unit,
    change, event id: FIGURE_COLUMNS' order)."""
    def full() -> Report:
        # The bars are scaled among the rows shown, so the shares need no other rows.
        return figures_report(figure_table(
            [(EventRef(event, when, _UNORDERED), Figure(label, value, unit, change))
             for when, label, value, unit, change, event in cells]))

    return RowReport(*_names(FIGURE_COLUMNS), cells, full)


def cache_report(folder: str, entries: Sequence[Any],
                 orphans: Sequence[tuple[str, int]] = ()) -> Report:
    """The indexes in the cache folder (entries are store.cache.CacheEntry), and the temporary
    files that stopped builds left behind (path, bytes): `cache --clear` removes them."""
    columns: tuple[Column[Any], ...] = (
        Column("source", lambda e: e.source),
        Column("events", lambda e: e.events, numeric=True),
        Column("bytes", lambda e: e.bytes, numeric=True),
        Column("state", lambda e: "fresh" if e.fresh else "missing" if e.missing
               else "stale", key="fresh", json=lambda e: e.fresh),
        Column("index", lambda e: str(e.index_file), shown=False),
    )
    leftover_columns: tuple[Column[Any], ...] = (
        Column("orphan", lambda o: o[0]),
        Column("bytes", lambda o: o[1], numeric=True),
    )
    tables = [table_of(columns, entries, "Indexes")]
    if orphans:
        tables.append(table_of(leftover_columns, orphans, "Left by stopped builds"))
    total = sum(e.bytes for e in entries) + sum(size for _, size in orphans)
    return Report([("folder", folder), ("indexes", str(len(entries))),
                   ("total", f"{total:,} bytes"), ("orphans", str(len(orphans)))], tables,
                  {"folder": folder, "total_bytes": total, "indexes": records(columns, entries),
                   "orphans": [path for path, _ in orphans]})

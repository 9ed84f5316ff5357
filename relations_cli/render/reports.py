"""Summary-like results as Reports: the facts, tables and JSON documents each command prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from relations_cli.core.model import Event, Person
from relations_cli.core.summary import TIME_GROUPINGS, FigureRow, PersonStats, QuoteRow, Summary
from relations_cli.render.tables import Report, Table

__all__ = [
    "figures_report",
    "people_report",
    "person_report",
    "quotes_report",
    "summary_report",
]


def _event_ref(event: Event | None) -> dict[str, str] | None:
    if event is None:
        return None
    return {"id": event.id, "date": event.when, "title": event.title}


def summary_report(summary: Summary) -> Report:
    facts = [("events", str(summary.count))]
    if summary.start and summary.end:
        facts.append(("span", f"{summary.start} to {summary.end}"))
    if summary.first:
        facts.append(("first", f"{summary.first.when} {summary.first.title}"))
    if summary.last:
        facts.append(("last", f"{summary.last.when} {summary.last.title}"))
    if summary.busiest:
        noun = "event" if summary.busiest[1] == 1 else "events"
        facts.append(("busiest", f"{summary.busiest[0]} ({summary.busiest[1]} {noun})"))
    # With a period grouping, each row says how precisely its events are dated, so events
    # dated only to a coarser period are told apart in data as well as on a terminal.
    finest = next((key for key in reversed(summary.by) if key in TIME_GROUPINGS), None)
    columns = (*summary.by, "count", *(("precision",) if finest else ()))
    rows: list[tuple[str | int, ...]] = [
        (*combo, count, *((finest,) if finest else ())) for combo, count in summary.groups]
    apart_rows: list[tuple[str | int, ...]] = [
        (*combo, count, _precision_of(combo, summary.by)) for combo, count in summary.apart]
    tables = [Table(columns, rows + apart_rows, title="By " + " and ".join(summary.by),
                    bar="count", shown=(*summary.by, "count"))]
    if apart_rows:
        # Shown apart on a terminal; in data they are the rows marked "coarser date".
        tables = [Table(columns, rows, "By " + " and ".join(summary.by), "count",
                        shown=(*summary.by, "count")),
                  Table(columns, apart_rows, "Dated more coarsely than the grouping", "count",
                        shown=(*summary.by, "count"))]
    document: dict[str, Any] = {
        "count": summary.count,
        "start": summary.start.isoformat() if summary.start else None,
        "end": summary.end.isoformat() if summary.end else None,
        "first": _event_ref(summary.first),
        "last": _event_ref(summary.last),
        "busiest": ({"period": summary.busiest[0], "count": summary.busiest[1]}
                    if summary.busiest else None),
        "by": list(summary.by),
        "groups": [{**dict(zip(summary.by, combo, strict=True)), "count": count}
                   for combo, count in summary.groups],
        "apart": [{**dict(zip(summary.by, combo, strict=True)), "count": count}
                  for combo, count in summary.apart],
    }
    return Report(facts, tables, document)


def _precision_of(combo: tuple[str, ...], by: Sequence[str]) -> str:
    """The precision a coarser-dated row's period label is written at (2015, 2015Q3, ...)."""
    labels = [label for key, label in zip(by, combo, strict=True) if key in TIME_GROUPINGS]
    label = labels[-1] if labels else ""
    if "Q" in label:
        return "quarter"
    return {4: "year", 7: "month"}.get(len(label), "day")


PEOPLE_COLUMNS = ("name", "role", "aliases", "events", "quotes", "first", "last")


def people_report(stats: Sequence[PersonStats]) -> Report:
    # First and last appearances are the dates those events start on, as written.
    rows = [(p.name, p.role, "; ".join(p.aliases), p.events, p.quotes,
             p.first.date.text if p.first else "", p.last.date.text if p.last else "")
            for p in stats]
    document = [{"name": p.name, "role": p.role, "aliases": list(p.aliases),
                 "events": p.events, "quotes": p.quotes,
                 "first": _event_ref(p.first), "last": _event_ref(p.last)} for p in stats]
    table = Table(PEOPLE_COLUMNS, rows, "People",
                  shown=("name", "role", "events", "quotes", "first", "last"))
    return Report([], [table], document)


def person_report(person: Person, events: Sequence[Event], quotes: Sequence[QuoteRow]) -> Report:
    facts = [("name", person.name)]
    if person.role:
        facts.append(("role", person.role))
    if person.aliases:
        facts.append(("aliases", ", ".join(person.aliases)))
    facts.append(("events", str(len(events))))
    event_table = Table(("date", "id", "category", "title"),
                        [(e.when, e.id, e.category, e.title) for e in events], "Events")
    quote_table = Table(("date", "id", "quote"), [(q.event.when, q.event.id, q.text)
                                                  for q in quotes], "Quotes")
    document = {"name": person.name, "role": person.role, "aliases": list(person.aliases),
                "events": [_event_ref(e) for e in events],
                "quotes": [{"date": q.event.when, "event": q.event.id, "text": q.text}
                           for q in quotes]}
    return Report(facts, [event_table, quote_table] if quotes else [event_table], document)


QUOTE_COLUMNS = ("date", "by", "role", "quote", "event")


def quotes_report(rows: Sequence[QuoteRow]) -> Report:
    table = Table(QUOTE_COLUMNS, [(q.event.when, q.by, q.role, q.text, q.event.id)
                                  for q in rows], "Quotes")
    document = [{"date": q.event.when, "by": q.by, "role": q.role, "text": q.text,
                 "event": q.event.id} for q in rows]
    return Report([], [table], document, terminal_view="quotes")


FIGURE_COLUMNS = ("date", "label", "value", "unit", "change", "event")


def figures_report(rows: Sequence[FigureRow]) -> Report:
    table = Table(
        FIGURE_COLUMNS,
        [(r.event.when, r.figure.label,
          r.figure.number if r.figure.number is not None else r.figure.value,
          r.figure.unit, r.figure.change, r.event.id) for r in rows],
        "Figures", bar="value", bar_scale_by="unit",
        shown=("date", "label", "value", "unit", "change"))
    document = [{"date": r.event.when, "label": r.figure.label, "value": r.figure.value,
                 "unit": r.figure.unit, "change": r.figure.change, "event": r.event.id}
                for r in rows]
    return Report([], [table], document)

"""The reports in SQL: people, quotes and figures answered from the index's report tables
(store/rows.report_rows) without reading every event's record.

Each function takes the WHERE clause of a selection (store/sql) and a `run` that executes
SQL (IndexEngine._rows, which rebuilds a damaged index once); it returns plain rows, which
the index engine turns into core's types. The rules (who a name stands for, shares, order)
stay in core/summary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["chart_frame", "chart_strokes", "extreme_event", "figure_rows", "mention_totals",
           "mentioned_events", "names_given", "quote_rows"]

Run = Callable[[str, Sequence[Any]], list[Any]]


def mention_totals(run: Run, where: str, params: Sequence[Any],
                   ) -> list[tuple[str, int, int, int, int]]:
    """Each name the selected events give, as written: how many events give it (a name
    given twice counting twice), how many quotes it said, and its earliest and latest
    first day."""
    within = f" WHERE event IN (SELECT n FROM events{where})" if where else ""
    return run("SELECT name, sum(times), sum(quotes), min(first_day), max(first_day) "
               f"FROM mentions{within} GROUP BY name", list(params))


def extreme_event(run: Run, where: str, params: Sequence[Any], name: str, first_day: int,
                  last: bool) -> tuple[int, int, int, int] | None:
    """The first (or last) selected event giving `name` among those starting on
    `first_day`, in the order of a selection: (n, first_day, last_day, line)."""
    clause = (where + " AND " if where else " WHERE ") + (
        "first_day = ? AND EXISTS (SELECT 1 FROM mentions WHERE name = ? AND event = events.n)")
    order = "last_day DESC, line DESC" if last else "last_day ASC, line ASC"
    rows = run(f"SELECT n, first_day, last_day, line FROM events{clause} ORDER BY {order} "
               "LIMIT 1", [*params, first_day, name])
    return tuple(rows[0]) if rows else None


def _listed(table: str, columns: str, where: str) -> str:
    # The table's own order is the listing's (its primary key); a selection narrows it by
    # event number, through the events table's indexes.
    within = f" WHERE event IN (SELECT n FROM events{where})" if where else ""
    return (f"SELECT id, written, {columns}, first_day, last_day, line FROM {table}{within} "
            "ORDER BY first_day, last_day, line, position")


def quote_rows(run: Run, where: str, params: Sequence[Any],
               ) -> list[tuple[str, str, str, str, int, int, int]]:
    """Every quote of the selected events in their order: event id, its date as written,
    speaker, text, and the event's first day, last day and line."""
    return run(_listed("quotes", "speaker, said", where), list(params))


def figure_rows(run: Run, where: str, params: Sequence[Any],
                ) -> list[tuple[str, str, str, str, str, str, int, int, int]]:
    """Every figure of the selected events in their order: event id, its date as written,
    label, value, unit, change, and the event's first day, last day and line."""
    return run(_listed("figures", "label, value, unit, change", where), list(params))


def names_given(run: Run) -> list[str]:
    """Every name any event gives, as written, once each (in no particular order)."""
    return [row[0] for row in run("SELECT DISTINCT name FROM mentions", [])]


def mentioned_events(run: Run, names: Sequence[str]) -> list[int]:
    """The events giving any of `names`, in date order (their numbers)."""
    marks = ",".join("?" * len(names))
    return [row[0] for row in run(
        f"SELECT n FROM events WHERE n IN (SELECT event FROM mentions WHERE name IN ({marks})) "
        "ORDER BY first_day, last_day, line", list(names))]


def _chart_selection(where: str) -> str:
    # Each selected event with its place in the order of the selection (1 for the first).
    return ("SELECT e.first_day AS fd, e.last_day AS ld, e.precision AS p, e.category AS c, "
            "x.event IS NULL AS no_end, row_number() OVER (ORDER BY e.first_day, e.last_day, "
            f"e.line) AS r FROM events AS e LEFT JOIN ends AS x ON x.event = e.n{where}")


def chart_frame(run: Run, where: str, params: Sequence[Any],
                ) -> tuple[int, int, int, list[tuple[str, int]]]:
    """How many events are selected, their first day and last drawn day, and each category
    with the place in order of its first event."""
    total, start, end = run(
        "SELECT count(*), min(e.first_day), max(coalesce(x.drawn, e.last_day)) "
        f"FROM events AS e LEFT JOIN ends AS x ON x.event = e.n{where}", list(params))[0]
    if not total:
        return 0, 0, 0, []
    categories = run(f"SELECT c, min(r) FROM ({_chart_selection(where)}) GROUP BY c",
                     list(params))
    return total, start, end, [(category, first) for category, first in categories]


def chart_strokes(run: Run, where: str, params: Sequence[Any], start: int, end: int,
                  axis_width: int, day: int) -> list[tuple[str, int, int, int, int, int, int]]:
    """Alike selected events on an axis of `axis_width` columns from `start` to `end`:
    category, first and last column, fuzzy (no end, not dated to the day), dated to the
    day (`day` is that precision's number), how many, and the place of the last in order.
    Columns as render/chart._columns places days."""
    start, days, width = int(start), int(end) - int(start) + 1, int(axis_width)

    def column(name: str) -> str:
        if days == 1:
            return str(width // 2)
        return f"min({width - 1}, ({name} - {start}) * {width} / {days})"

    return run(
        f"SELECT c, {column('fd')} AS cf, {column('ld')} AS cl, "
        f"no_end AND p != {int(day)} AS fuzzy, p = {int(day)} AS dated, count(*), max(r) "
        f"FROM ({_chart_selection(where)}) GROUP BY c, cf, cl, fuzzy, dated", list(params))

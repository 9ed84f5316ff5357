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

__all__ = ["CHART_GROUPS", "chart_days", "chart_frame", "extreme_event", "figure_cells",
           "figure_rows", "mention_totals", "mentioned_events", "names_given", "quote_cells",
           "quote_rows"]

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


def _cells(table: str, columns: str, where: str) -> str:
    # Only what a report prints, in the listing's order (see _listed).
    within = f" WHERE event IN (SELECT n FROM events{where})" if where else ""
    return (f"SELECT {columns} FROM {table}{within} "
            "ORDER BY first_day, last_day, line, position")


def quote_cells(run: Run, where: str, params: Sequence[Any],
                ) -> list[tuple[str, str, str, str]]:
    """quote_rows with only what the quotes report prints: the event's date as written,
    speaker, text and event id."""
    return run(_cells("quotes", "written, speaker, said, id", where), list(params))


def figure_cells(run: Run, where: str, params: Sequence[Any],
                 ) -> list[tuple[str, str, str, str, str, str]]:
    """figure_rows as the figures report's cells, in its columns' order: the event's date as
    written, label, value, unit, change and event id."""
    return run(_cells("figures", "written, label, value, unit, change, id", where),
               list(params))


def names_given(run: Run) -> list[str]:
    """Every name any event gives, as written, once each (in no particular order)."""
    return [row[0] for row in run("SELECT DISTINCT name FROM mentions", [])]


def mentioned_events(run: Run, names: Sequence[str]) -> list[int]:
    """The events giving any of `names`, in date order (their numbers)."""
    marks = ",".join("?" * len(names))
    return [row[0] for row in run(
        f"SELECT n FROM events WHERE n IN (SELECT event FROM mentions WHERE name IN ({marks})) "
        "ORDER BY first_day, last_day, line", list(names))]


def _and(where: str) -> str:
    return where + " AND " if where else " WHERE "


def chart_frame(run: Run, where: str, params: Sequence[Any], max_span: int,
                ) -> tuple[int, int, int, str] | None:
    """How many events are selected, their first day and last drawn day, and the order key
    of the selection (an SQL expression: see _order_key); None when the key would not fit
    in 63 bits."""
    params = list(params)
    total, start = run(f"SELECT count(*), min(first_day) FROM events{where}", params)[0]
    if not total:
        return 0, 0, 0, "{n}"
    # An open end (`..`) is drawn up to its start's end; every other event to its last day.
    closed = run(f"SELECT max(last_day) FROM events{_and(where)}n NOT IN "
                 "(SELECT event FROM ends WHERE drawn IS NOT NULL)", params)[0][0]
    opened = run("SELECT max(x.drawn) FROM ends AS x JOIN events AS e ON e.n = x.event"
                 f"{_and(where)}x.drawn IS NOT NULL", params)[0][0]
    end = max(day for day in (closed, opened) if day is not None)
    key = _order_key(run, start, end, max_span)  # no event starts after `end`
    return None if key is None else (total, start, end, key)


def _order_key(run: Run, start: int, end: int, max_span: int) -> str | None:
    """An integer that orders events as a selection does: by first day, last day, then line
    (rows are numbered in the order of their lines); None when it would not fit."""
    # Rows are numbered in the order of their lines (a split build's second half from the
    # cut's line on), so the largest number bounds them all.
    top = run("SELECT max(n) FROM events", [])[0][0] or 0
    days = end - start + 1
    if (days + max_span + 1) * (max_span + 1) * (top + 1) >= 1 << 62:
        return None
    return (f"(((first_day - {int(start)}) * {int(max_span) + 1} + (last_day - first_day)) "
            f"* {int(top) + 1} + {{n}})")


def chart_days(run: Run, where: str, params: Sequence[Any], key: str, day: int,
               ) -> list[tuple[str, int, int, int, int, int, int | None, int | None, int]]:
    """Alike selected events (same category, days and precision): category, first and last
    day, whether dated to the day (`day` is that precision's number), how many, how many
    of them are sharp (dated to the day, or with an end: not fuzzy on a chart), the order
    key (see _order_key) of the last sharp one and of the last fuzzy one, and the least.
    Grouped in the order of the events_groups index, so SQLite need not sort; a chart of
    every event reads the groups counted when the index was built (CHART_GROUPS)."""
    if not where:
        return run(
            f"SELECT category, first_day, last_day, precision = {int(day)}, count, sharp, "
            f"{key.format(n='last_sharp')}, {key.format(n='last_fuzzy')}, "
            f"{key.format(n='least')} FROM chart_groups "
            "ORDER BY year, month, precision, category, first_day, last_day", [])
    return run(
        f"SELECT category, first_day, last_day, precision = {int(day)}, count(*), sum(sharp), "
        "max(CASE WHEN sharp THEN k END), max(CASE WHEN sharp THEN NULL ELSE k END), min(k) "
        f"FROM (SELECT year, month, precision, category, first_day, last_day, "
        f"{key.format(n='n')} AS k, {_SHARP.format(day=int(day))} AS sharp FROM events{where}) "
        "GROUP BY year, month, precision, category, first_day, last_day", list(params))


# Dated to the day, or with an end: drawn sharp on a chart, not fuzzy.
_SHARP = "CASE WHEN precision = {day} THEN 1 ELSE n IN (SELECT event FROM ends) END"

# The groups of chart_days for the whole timeline, counted once at the end of a build: with
# the row numbers (not order keys, which depend on the selection) of the last sharp, the
# last fuzzy and the first event of each.
CHART_GROUPS = (
    "INSERT INTO chart_groups SELECT year, month, precision, category, first_day, last_day, "
    "count(*), sum(sharp), max(CASE WHEN sharp THEN n END), "
    "max(CASE WHEN sharp THEN NULL ELSE n END), min(n) "
    "FROM (SELECT year, month, precision, category, first_day, last_day, n, "
    f"{_SHARP} AS sharp FROM events) "
    "GROUP BY year, month, precision, category, first_day, last_day")

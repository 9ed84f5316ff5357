"""The time chart as characters: lanes of marks over a time axis. Pure: no Rich, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from relations_cli.core.model import Day, Event, Precision, year_text
from relations_cli.core.summary import ChartCounts, ChartLanes, span
from relations_cli.render.safe import visible

__all__ = ["LEGEND", "Chart", "ChartView", "chart_document", "layout_chart", "layout_counted"]

POINT, SEVERAL, FUZZY_POINT, SPAN, FUZZY_SPAN, EMPTY = "●", "◆", "○", "━", "┄", " "
_RANK = {EMPTY: 0, FUZZY_SPAN: 1, SPAN: 2, FUZZY_POINT: 3, POINT: 4, SEVERAL: 5}
LEGEND = (f"{POINT} event  {SEVERAL} several  {SPAN} span (date to end)  "
          f"{FUZZY_SPAN} {FUZZY_POINT} dated only to the month or year")
MAX_LABEL = 16


@dataclass(frozen=True)
class Lane:
    label: str
    cells: list[str]
    # The category of the event that drew each cell, so a terminal can color it.
    categories: list[str]


@dataclass(frozen=True)
class Chart:
    start: Day
    end: Day
    label_width: int
    axis_width: int
    lanes: list[Lane]
    ticks: list[tuple[int, str]]

    def lines(self) -> Iterator[tuple[str, str]]:
        """(lane label, cells) for each lane, then the axis and its labels; all plain text."""
        for lane in self.lanes:
            yield _fit(lane.label, self.label_width), "│" + "".join(lane.cells)
        axis = ["─"] * self.axis_width
        for column, _ in self.ticks:
            axis[column] = "┬"
        yield " " * self.label_width, "└" + "".join(axis)
        labels = [" "] * (self.axis_width + 1)
        for start, label in _place(self.ticks, self.axis_width)[0]:
            labels[start : start + len(label)] = label
        yield " " * self.label_width, "".join(labels).rstrip()


@dataclass(frozen=True)
class ChartView:
    """Lanes of events, laid out for whatever width the output has."""

    lanes: ChartLanes

    @property
    def lanes_are_categories(self) -> bool:
        return self.lanes.by == "category"

    def layout(self, width: int) -> Chart | None:
        if self.lanes.counted is not None:
            return layout_counted(self.lanes.counted, width)
        return layout_chart(self.lanes.events, self.lanes.lanes_of, width)

    def categories(self) -> list[str]:
        if self.lanes.counted is not None:
            return self.lanes.counted.frame.categories
        return sorted({e.category for e in self.lanes.events if e.category})


def chart_document(lanes: ChartLanes) -> dict[str, object]:
    """The chart as data: its span as written, and each lane's events."""
    opened = span(lanes.events)
    return {
        "date": opened[0].text if opened else None,
        "end": opened[1].text if opened else None,
        "by": lanes.by,
        "lanes": [{"lane": name, "events": [
            {"id": e.id, "date": e.date.text, "end": e.end.text if e.end else None,
             "title": e.title, "category": e.category} for e in events]}
            for name, events in lanes.lanes.items()],
    }


def _place(ticks: Sequence[tuple[int, str]], width: int,
           ) -> tuple[list[tuple[int, str]], bool]:
    """Where each tick's label starts under an axis of `width`, and whether all of them fit.

    A label that would run past the axis moves left; one that would touch the label before
    it is left out (and then not all fit).
    """
    placed: list[tuple[int, str]] = []
    free_from = 0
    for column, label in ticks:
        start = min(column + 1, width + 1 - len(label))
        if start < free_from or start < 0:
            continue
        placed.append((start, label))
        free_from = start + len(label) + 1
    return placed, len(placed) == len(ticks)


def _fit(label: str, width: int) -> str:
    label = visible(label)
    return (label if len(label) <= width else label[: width - 1] + "…").ljust(width)


def layout_chart(events: Sequence[Event], lanes_of: Callable[[Event], Sequence[str]],
                 width: int) -> Chart | None:
    """Place events on lanes across `width` columns; None when there is nothing to draw."""
    if not events:
        return None
    start = min(e.first_day for e in events)
    end = max(e.drawn_last_day for e in events)
    order: dict[str, None] = {}
    for event in sorted(events, key=lambda e: (e.first_day, e.last_day)):
        for lane_name in lanes_of(event):
            order.setdefault(lane_name, None)
    label_width, axis_width = _widths(order, width)
    column = _columns(start, end, axis_width)

    lanes = {name: Lane(name, [EMPTY] * axis_width, [""] * axis_width) for name in order}
    for event in events:
        first, last = column(event.first_day), column(event.last_day)
        fuzzy = event.end is None and event.date.precision is not Precision.DAY
        for name in lanes_of(event):
            lane = lanes[name]
            if first == last:
                _put(lane, first, FUZZY_POINT if fuzzy else POINT, event.category)
            else:
                for col in range(first, last + 1):
                    _put(lane, col, FUZZY_SPAN if fuzzy else SPAN, event.category)
                if not fuzzy and event.date.precision is Precision.DAY:
                    _put(lane, first, POINT, event.category)
    return Chart(start, end, label_width, axis_width, list(lanes.values()),
                 _ticks(start, end, axis_width, column))


def _widths(lanes: Iterable[str], width: int) -> tuple[int, int]:
    """The width of the lane labels and of the axis, in a chart `width` columns wide."""
    longest = max(len(visible(name)) for name in lanes)
    label_width = min(MAX_LABEL, longest, max(3, width // 4)) + 1
    return label_width, max(10, width - label_width - 1)


def _columns(start: Day, end: Day, axis_width: int) -> Callable[[Day], int]:
    """The axis column of a day (store/aggregates.chart_strokes counts by the same rule)."""
    days = end - start + 1

    def column(day: Day) -> int:
        if days == 1:
            return axis_width // 2
        return min(axis_width - 1, (day - start) * axis_width // days)

    return column


def layout_counted(counted: ChartCounts, width: int) -> Chart | None:
    """The chart layout_chart draws, from counts of alike events instead of the events.

    A cell's mark does not depend on the order of what is put on it: two points or more
    make SEVERAL, one point its own mark, else a span, else a fuzzy span. Its category (a
    color) is that of the last event in order that put the mark's kind there."""
    frame = counted.frame
    if not frame.total:
        return None
    label_width, axis_width = _widths(frame.lanes, width)
    # Per lane and column: points put, and for points, spans and fuzzy spans the place in
    # order and the category of the last to put one, and the one point's own mark.
    points: dict[tuple[str, int], int] = {}
    point_mark: dict[tuple[str, int], str] = {}
    last: dict[tuple[str, int, int], tuple[int, str]] = {}

    def put(cell: tuple[str, int], kind: int, order: int, category: str) -> None:
        key = (cell[0], cell[1], kind)
        seen = last.get(key)
        if seen is None or order > seen[0]:
            last[key] = (order, category)

    for stroke in counted.strokes(axis_width):
        if stroke.first == stroke.last:
            cell = (stroke.lane, stroke.first)
            points[cell] = points.get(cell, 0) + stroke.events
            point_mark[cell] = FUZZY_POINT if stroke.fuzzy else POINT
            put(cell, 0, stroke.order, stroke.category)
            continue
        for col in range(stroke.first, stroke.last + 1):
            put((stroke.lane, col), 2 if stroke.fuzzy else 1, stroke.order, stroke.category)
        if not stroke.fuzzy and stroke.day:
            cell = (stroke.lane, stroke.first)
            points[cell] = points.get(cell, 0) + stroke.events
            point_mark[cell] = POINT
            put(cell, 0, stroke.order, stroke.category)
    lanes = {name: Lane(name, [EMPTY] * axis_width, [""] * axis_width) for name in frame.lanes}
    for name, lane in lanes.items():
        for col in range(axis_width):
            cell = (name, col)
            count = points.get(cell, 0)
            if count:
                lane.cells[col] = SEVERAL if count > 1 else point_mark[cell]
                lane.categories[col] = last[(name, col, 0)][1]
            elif (name, col, 1) in last:
                lane.cells[col], lane.categories[col] = SPAN, last[(name, col, 1)][1]
            elif (name, col, 2) in last:
                lane.cells[col], lane.categories[col] = FUZZY_SPAN, last[(name, col, 2)][1]
    return Chart(frame.start, frame.end, label_width, axis_width, list(lanes.values()),
                 _ticks(frame.start, frame.end, axis_width,
                        _columns(frame.start, frame.end, axis_width)))


def _put(lane: Lane, col: int, mark: str, category: str) -> None:
    current = lane.cells[col]
    if mark in (POINT, FUZZY_POINT) and current in (POINT, FUZZY_POINT, SEVERAL):
        mark = SEVERAL
    if _RANK[mark] >= _RANK[current]:
        lane.cells[col] = mark
        lane.categories[col] = category


def _boundaries(start: Day, end: Day, unit: str, step: int,
                limit: int = 10_000) -> list[Day]:
    """The first days of each `step` units from `start` to `end`, at most `limit` of them."""
    found: list[Day] = []
    if unit == "day":
        ordinal = int(start)
        while ordinal <= end and len(found) < limit:
            found.append(Day(ordinal))
            ordinal += step
        return found
    year = start.year
    month = start.month if unit != "year" else 1
    if unit == "year":
        # Ticks fall on round years: multiples of the step.
        year = -(-start.year // step) * step if step > 1 else start.year
        if Day.of(year, 1, 1) < start:
            year += step
        while year <= end.year and len(found) < limit:
            found.append(Day.of(year, 1, 1))
            year += step
        return found
    months = 3 if unit == "quarter" else 1
    index = year * 12 + month - 1
    index = -(-index // months) * months if start.day != 1 or index % months else index
    while True:
        year, month = divmod(index, 12)
        if year > end.year or year > 9999 or len(found) >= limit:
            break
        day = Day.of(year, month + 1, 1)
        if day > end:
            break
        if day >= start:
            found.append(day)
        index += months
    return found


_UNITS = [("day", 1), ("day", 7), ("month", 1), ("quarter", 1), ("year", 1), ("year", 2),
          ("year", 5), ("year", 10), ("year", 20), ("year", 50), ("year", 100), ("year", 200),
          ("year", 500), ("year", 1000), ("year", 2000)]


def _label(day: Day, unit: str) -> str:
    if unit == "day":
        return day.isoformat()
    if unit == "month":
        return f"{year_text(day.year)}-{day.month:02d}"
    if unit == "quarter":
        return f"{year_text(day.year)}Q{(day.month - 1) // 3 + 1}"
    return year_text(day.year)


def _ticks(start: Day, end: Day, width: int,
           column: Callable[[Day], int]) -> list[tuple[int, str]]:
    """The finest ticks whose labels all fit side by side under the axis."""
    chosen: list[tuple[int, str]] = [(column(start), _label(start, "day"))]
    # A label takes two columns at least (one and a gap): more ticks than columns never fit,
    # so no unit is counted past that (over ten thousand years, days would be millions).
    limit = min(10_000, width + 1)
    for unit, step in _UNITS:
        days = _boundaries(start, end, unit, step, limit)
        if not days:
            continue
        if len(days) > width:
            chosen = [(column(days[0]), _label(days[0], unit))]
            continue
        labelled = [(column(day), _label(day, unit)) for day in days]
        if _place(labelled, width)[1]:
            return labelled
        chosen = labelled[:1]
    return chosen

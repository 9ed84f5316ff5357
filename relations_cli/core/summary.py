"""Summaries of selected events: counts by period or field, people, quotes and figures. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, NamedTuple, TypeVar

from relations_cli.core.dates import bucket_label, label_order
from relations_cli.core.errors import QueryError
from relations_cli.core.model import (
    Day,
    Event,
    Figure,
    Period,
    Person,
    Precision,
    Quote,
    year_text,
)
from relations_cli.core.people import People

__all__ = [
    "GROUPINGS",
    "PERIOD_GROUPINGS",
    "ChartCounts",
    "ChartFrame",
    "ChartLanes",
    "EventRef",
    "FigureRow",
    "NameCount",
    "PersonStats",
    "QuoteCells",
    "QuoteRow",
    "Stroke",
    "Summary",
    "chart_lanes",
    "event_figures",
    "event_quotes",
    "event_ref",
    "figure_rows",
    "figure_table",
    "merge_in_order",
    "merge_name_counts",
    "name_counts",
    "named_in",
    "on_this_day",
    "order_key",
    "people_stats",
    "people_table",
    "person_events",
    "quote_cells",
    "quote_rows",
    "quote_table",
    "ranked",
    "span",
    "summarize",
]

# The periods an index counts in SQL; decades and weeks are counted from the events.
TIME_GROUPINGS = {"year": Precision.YEAR, "quarter": Precision.QUARTER, "month": Precision.MONTH}
PERIOD_GROUPINGS = ("decade", *TIME_GROUPINGS, "week")
FIELD_GROUPINGS = ("category", "actor", "person", "tag", "place")
GROUPINGS = (*PERIOD_GROUPINGS, *FIELD_GROUPINGS)
MAX_GROUPINGS = 2
T = TypeVar("T")
NONE_LABEL = "(none)"
_FINENESS = {Precision.CENTURY: -2, Precision.DECADE: -1, Precision.YEAR: 0,
             Precision.QUARTER: 1, Precision.SEASON: 1, Precision.MONTH: 2, Precision.DAY: 3}


def _values(event: Event, key: str) -> tuple[list[str], bool]:
    """An event's labels for one grouping, and whether its date is too coarse for it."""
    if key == "decade":
        year = event.first_day.year
        decade = f"-{-year // 10 * 10:04d}" if year < 0 else f"{year // 10 * 10:04d}"
        return [f"{decade}s"], False
    if key == "week":
        if event.date.precision is not Precision.DAY:
            return [bucket_label(event.first_day, event.date.precision)], True
        year, week, _ = event.first_day.isocalendar()
        return [f"{year_text(year)}-W{week:02d}"], False
    if key in TIME_GROUPINGS:
        return time_label(event.first_day, event.date.precision, key)
    values = {
        "category": [event.category] if event.category else [],
        "actor": list(event.actors),
        "person": list(event.named_people),
        "tag": list(event.tags),
        "place": [event.place] if event.place else [],
    }[key]
    return (values or [NONE_LABEL]), False


def time_label(first_day: Day, precision: Precision, key: str) -> tuple[list[str], bool]:
    """The period label an event starting on `first_day` counts under for a time grouping,
    and whether its date is coarser than the grouping (then it names its own period)."""
    wanted = TIME_GROUPINGS[key]
    if _FINENESS[precision] < _FINENESS[wanted]:
        # Shown apart under the period it does name: "2015" in a by-month summary.
        return [bucket_label(first_day, precision)], True
    return [bucket_label(first_day, wanted)], False


@dataclass(frozen=True)
class Summary:
    """What a set of events says at a glance."""

    count: int
    start: Day | None
    end: Day | None
    first: Event | None
    last: Event | None
    busiest: tuple[str, int] | None
    by: tuple[str, ...]
    groups: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    # Events whose date is coarser than a time grouping, counted under the period they name.
    apart: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    # The opening and closing dates as written (`1960`, `1979`), when known.
    span: tuple[Period, Period] | None = None
    # Events by month (dated at least to the month) and by year: what the busiest period is
    # decided from, kept so that summaries of several files can be added up.
    months: Counter[str] = field(default_factory=Counter)
    years: Counter[str] = field(default_factory=Counter)


def check_groupings(by: Sequence[str]) -> None:
    unknown = [key for key in by if key not in GROUPINGS]
    if unknown:
        raise QueryError(f"cannot group by '{unknown[0]}' (choose from {', '.join(GROUPINGS)})")
    if len(set(by)) != len(by):
        raise QueryError("each --by may be given once")
    if len(by) > MAX_GROUPINGS:
        raise QueryError(f"--by takes one or two groupings (a count, or a cross table), not "
                         f"{len(by)}")


def count_groups(labelled: Iterable[tuple[list[tuple[list[str], bool]], int]],
                 ) -> tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]]]:
    """Counts for every combination of labels; `labelled` gives, per event (or per group of
    alike events), the labels of each grouping and how many events they stand for."""
    groups: Counter[tuple[str, ...]] = Counter()
    apart: Counter[tuple[str, ...]] = Counter()
    for per_key, weight in labelled:
        combos: list[tuple[tuple[str, ...], bool]] = [((), False)]
        for values, coarse in per_key:
            combos = [((*combo, value), was or coarse) for combo, was in combos
                      for value in values]
        for combo, coarse in combos:
            (apart if coarse else groups)[combo] += weight
    return groups, apart


def summarize(events: Sequence[Event], by: Sequence[str] = ("year",)) -> Summary:
    check_groupings(by)
    groups, apart = count_groups(([_values(event, key) for key in by], 1) for event in events)
    chronological = sorted(events, key=lambda e: (e.first_day, e.last_day))
    return make_summary(
        count=len(events),
        start=min((e.first_day for e in events), default=None),
        end=max((e.last_day for e in events), default=None),
        first=chronological[0] if chronological else None,
        last=max(events, key=lambda e: (e.first_day, e.last_day)) if events else None,
        by=by, groups=groups, apart=apart, months=_months(events), years=_years(events),
        # Ties go to the event first in the file, as in the index.
        closing=max(events, key=lambda e: (e.last_day, -e.line)) if events else None,
    )


def make_summary(*, count: int, start: Day | None, end: Day | None, first: Event | None,
                 last: Event | None, by: Sequence[str],
                 groups: Counter[tuple[str, ...]], apart: Counter[tuple[str, ...]],
                 months: Counter[str], years: Counter[str],
                 closing: Event | None = None) -> Summary:
    """A Summary; `closing` is an event that ends last (its end, as written, closes the
    span; the first event's date opens it); the busiest period comes from `months` and
    `years` (core's one rule)."""
    span = (first.date, closing.end or closing.date) if first and closing else None
    return Summary(
        count=count, start=start, end=end, first=first, last=last,
        busiest=busiest_of(months, years), by=tuple(by), span=span,
        groups=sorted(groups.items(), key=lambda item: _order_key(item[0], by)),
        apart=sorted(apart.items(), key=lambda item: _order_key(item[0], by)),
        months=months, years=years,
    )


def merge_summaries(parts: Sequence[Summary], by: Sequence[str]) -> Summary:
    """One summary of several disjoint sets of events (several files), from their summaries:
    counts add up, the span and the first and last events are the extremes, and the busiest
    period is decided again from the added months and years. Ties go to the earlier part."""
    counted = [part for part in parts if part.count]
    if not counted:
        return summarize([], by)
    groups: Counter[tuple[str, ...]] = Counter()
    apart: Counter[tuple[str, ...]] = Counter()
    months: Counter[str] = Counter()
    years: Counter[str] = Counter()
    for part in counted:
        groups.update(dict(part.groups))
        apart.update(dict(part.apart))
        months.update(part.months)
        years.update(part.years)
    opening = min(counted, key=lambda p: (p.first.first_day, p.first.last_day)  # type: ignore[union-attr]
                  ) if all(p.first for p in counted) else counted[0]
    latest = max(counted, key=lambda p: (p.last.first_day, p.last.last_day)  # type: ignore[union-attr]
                 ) if all(p.last for p in counted) else counted[0]
    closing = max((p for p in counted if p.end is not None), key=lambda p: int(p.end or 0),
                  default=counted[0])
    merged = make_summary(
        count=sum(p.count for p in counted),
        start=min(p.start for p in counted if p.start is not None),
        end=max(p.end for p in counted if p.end is not None),
        first=opening.first, last=latest.last, by=by, groups=groups, apart=apart,
        months=months, years=years)
    span = (opening.span[0], closing.span[1]) if opening.span and closing.span else None
    return replace(merged, span=span)


def busiest_of(months: Counter[str], years: Counter[str]) -> tuple[str, int] | None:
    """The month with most events dated at least to the month, else the busiest year."""
    counts = months or years
    if not counts:
        return None
    label, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
    return label, count


def _order_key(combo: tuple[str, ...], by: Sequence[str]) -> tuple[tuple[int, str, str], ...]:
    # Periods in time order; other labels alphabetical, with (none) last; case variants
    # (Trade, trade) by their exact text, so every engine orders them alike.
    return tuple((1 if value == NONE_LABEL else 0, label_order(value) if key in PERIOD_GROUPINGS
                  else value.casefold(), value) for key, value in zip(by, combo, strict=True))


def ranked(summary: Summary, by_count: bool = False, top: int | None = None) -> Summary:
    """The summary's groups most numerous first (`--sort count`), and only the first `top`."""
    groups = summary.groups
    if by_count:
        groups = sorted(groups, key=lambda item: -item[1])  # stable: ties keep their order
    if top is not None:
        groups = groups[:top]
    return replace(summary, groups=groups)


def _months(events: Sequence[Event]) -> Counter[str]:
    return Counter(bucket_label(e.first_day, Precision.MONTH) for e in events
                   if e.date.precision in (Precision.MONTH, Precision.DAY))


def _years(events: Sequence[Event]) -> Counter[str]:
    return Counter(bucket_label(e.first_day, Precision.YEAR) for e in events)


# -- people ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonStats:
    name: str
    role: str
    aliases: tuple[str, ...]
    events: int
    quotes: int
    first: Event | None
    last: Event | None


# Where an event stands in the order of a selection: first day, last day, file (its place
# among several timelines read as one), then its place within its file's order (its line,
# or its place among the events given). Reports pick and merge by it.
OrderKey = tuple[int, int, int, int]


def order_key(event: Event, file: int = 0) -> OrderKey:
    return (event.first_day, event.last_day, file, event.line)


@dataclass(frozen=True)
class NameCount:
    """One name as written in the selected events: how many events give it, how many quotes
    it said, and the first and last of those events (with their places in the order)."""

    name: str
    events: int
    quotes: int
    first: Event | None
    last: Event | None
    first_key: OrderKey
    last_key: OrderKey


def name_counts(events: Iterable[Event]) -> list[NameCount]:
    """Each name the events give (named_people), with its counts: what `people` is made of."""
    counts: dict[str, list[Any]] = {}
    for place, event in enumerate(events):
        # Its place in the order given, which need not be by line (events of several files).
        key = (event.first_day, event.last_day, 0, place)
        said: Counter[str] = Counter(quote.by for quote in event.quotes)
        # A name given twice (`people: [A, A]`) counts the event twice, its quotes once.
        for name, times in Counter(event.named_people).items():
            entry = counts.get(name)
            if entry is None:
                counts[name] = [times, said[name], event, key, event, key]
                continue
            entry[0] += times
            entry[1] += said[name]
            if key < entry[3]:
                entry[2:4] = [event, key]
            if key > entry[5]:
                entry[4:6] = [event, key]
    return [NameCount(name, times, said, first, last, first_key, last_key)
            for name, (times, said, first, first_key, last, last_key) in counts.items()]


def merge_name_counts(parts: Sequence[Sequence[NameCount]]) -> list[NameCount]:
    """The name counts of several disjoint sets of events (several files): counts add up,
    the first and last are the extremes in order."""
    merged: dict[str, NameCount] = {}
    for part in parts:
        for count in part:
            seen = merged.get(count.name)
            merged[count.name] = count if seen is None else _joined(seen, count)
    return list(merged.values())


def _joined(one: NameCount, other: NameCount) -> NameCount:
    """Two counts of one name, or of one person's names; `other` comes later in order."""
    first = other if other.first_key < one.first_key else one
    last = other if other.last_key >= one.last_key else one
    return NameCount(one.name, one.events + other.events, one.quotes + other.quotes,
                     first.first, last.last, first.first_key, last.last_key)


def people_table(people: People, counts: Iterable[NameCount]) -> list[PersonStats]:
    """Everyone the timeline names (registry first, then the others by name), each with the
    counts of every name and alias they go by."""
    by_person: dict[str, NameCount] = {}
    for count in counts:
        canonical = people.canonical(count.name)
        seen = by_person.get(canonical)
        by_person[canonical] = count if seen is None else _joined(seen, count)
    registry = {p.name: p for p in people}
    names = list(registry) + sorted(n for n in by_person if n not in registry)
    stats = []
    for name in names:
        person = registry.get(name, Person(name))
        found = by_person.get(name)
        if found is None:
            stats.append(PersonStats(name, person.role, person.aliases, 0, 0, None, None))
        else:
            stats.append(PersonStats(name, person.role, person.aliases, found.events,
                                     found.quotes, found.first, found.last))
    return stats


def people_stats(people: People, events: Sequence[Event]) -> list[PersonStats]:
    """Everyone the timeline names (registry first), with their counts among `events`."""
    return people_table(people, name_counts(events))


def named_in(events: Iterable[Event]) -> list[str]:
    """Every name the events give their people and speakers, once each."""
    return list(dict.fromkeys(n for e in events for n in e.named_people))


def person_events(people: People, events: Iterable[Event], person: Person) -> list[Event]:
    """The events that name `person` (by name or any alias), in the order given."""
    return [e for e in events
            if any(people.canonical(n) == person.name for n in e.named_people)]


# -- chart lanes ----------------------------------------------------------------------------------

LANE_FIELDS = ("category", "actor", "person")


class ChartFrame(NamedTuple):
    """What a drawn chart needs before its marks: how many events, the first day and the
    last drawn day, the lanes in order of first appearance, and the categories named."""

    total: int
    start: Day
    end: Day
    lanes: list[str]
    categories: list[str]


class Stroke(NamedTuple):
    """Alike events on one lane of a chart drawn `axis_width` columns wide: the columns of
    their first and last days, whether they are dated only to the month or year (without an
    end) and to the day, their category, how many, and the place of the last of them in
    the order of the selection (1 for the first event)."""

    lane: str
    first: int
    last: int
    fuzzy: bool
    day: bool
    category: str
    events: int
    order: int


@dataclass(frozen=True)
class ChartCounts:
    """A chart counted by an engine instead of drawn from events: its frame, and its
    strokes for an axis of a given width (counted when the width is known)."""

    frame: ChartFrame
    strokes: Callable[[int], list[Stroke]]


@dataclass(frozen=True)
class ChartLanes:
    """Events on lanes: one per category, actor or person, in order of first appearance;
    `counted` when an engine counted the chart (then the events are read only if a format
    lists them)."""

    by: str
    events: Sequence[Event]
    people: People
    counted: ChartCounts | None = None

    @cached_property
    def lanes(self) -> dict[str, list[Event]]:
        lanes: dict[str, list[Event]] = {}
        for event in self.events:
            for lane in self.lanes_of(event):
                lanes.setdefault(lane, []).append(event)
        return lanes

    def lanes_of(self, event: Event) -> list[str]:
        if self.by == "category":
            names = [event.category] if event.category else []
        elif self.by == "actor":
            names = list(dict.fromkeys(event.actors))
        else:
            names = list(dict.fromkeys(self.people.canonical(n) for n in event.named_people))
        return names or [NONE_LABEL]


def chart_lanes(events: Sequence[Event], by: str, people: People,
                counted: ChartCounts | None = None) -> ChartLanes:
    if by not in LANE_FIELDS:
        raise QueryError(f"cannot draw lanes by '{by}' (choose from {', '.join(LANE_FIELDS)})")
    return ChartLanes(by, events, people, counted)


def span(events: Iterable[Event]) -> tuple[Period, Period] | None:
    """The dates, as written, that open and close a set of events: the earliest start and the
    latest end, at their own precision (`1960` to `1979`, never an invented first day)."""
    events = list(events)
    if not events:
        return None
    first = min(events, key=lambda e: (e.first_day, e.line))
    last = max(events, key=lambda e: (e.last_day, -e.line))
    # An unknown end (`2015-09/`) closes nothing later than its start's own date.
    return first.date, (last.end if last.end and not last.end.unknown else last.date)


# -- quotes and figures ---------------------------------------------------------------------------


class EventRef(NamedTuple):
    """An event as a row of quotes or figures names it: its id and date as written, and
    where it stands in the order of the selection."""

    id: str
    when: str
    key: OrderKey


def event_ref(event: Event) -> EventRef:
    return EventRef(event.id, event.when, order_key(event))


class QuoteRow(NamedTuple):
    event: EventRef
    by: str
    role: str
    text: str


def event_quotes(events: Iterable[Event]) -> list[tuple[EventRef, Quote]]:
    """Every quote of the events, in order, with its event."""
    return [(event_ref(event), quote) for event in events for quote in event.quotes]


def quote_table(people: People, quotes: Iterable[tuple[EventRef, Quote]],
                speakers: Sequence[Person] | None = None) -> list[QuoteRow]:
    """Quotes as rows with their speakers' roles; only the given speakers' when `speakers`
    is set (a speaker is the registry person the name stands for, else the name)."""
    wanted = {p.name for p in speakers} if speakers is not None else None
    found: dict[str, Person | None] = {}
    rows = []
    for ref, quote in quotes:
        by = quote.by
        if by in found:
            person = found[by]
        else:
            person = found[by] = people.get(by)
        if wanted is None or (person.name if person else by) in wanted:
            rows.append(QuoteRow(ref, by, person.role if person else "", quote.text))
    return rows


QuoteCells = tuple[str, str, str, str, str]  # date as written, by, role, text, event id


def quote_cells(people: People, quotes: Sequence[tuple[str, str, str, str]],
                speakers: Sequence[Person] | None = None) -> list[QuoteCells]:
    """quote_table of quotes given as (date as written, speaker, text, event id), as the
    cells of its rows: the same rows by the same rules, with no object a row."""
    wanted = {p.name for p in speakers} if speakers is not None else None
    roles: dict[str, str] = {}
    kept: set[str] = set()
    for by in {quote[1] for quote in quotes}:
        person = people.get(by)
        roles[by] = person.role if person else ""
        if wanted is None or (person.name if person else by) in wanted:
            kept.add(by)
    if wanted is None:
        return [(when, by, roles[by], text, event) for when, by, text, event in quotes]
    return [(when, by, roles[by], text, event) for when, by, text, event in quotes
            if by in kept]


def quote_rows(people: People, events: Iterable[Event],
               speakers: Sequence[Person] | None = None) -> list[QuoteRow]:
    """Every quote of the events, in order; only the given speakers' when `speakers` is set."""
    return quote_table(people, event_quotes(events), speakers)


class FigureRow(NamedTuple):
    event: EventRef
    figure: Figure
    share: float | None  # the value as a share of the largest of its unit, for bars


def event_figures(events: Iterable[Event]) -> list[tuple[EventRef, Figure]]:
    """Every figure of the events, in order, with its event."""
    return [(event_ref(event), figure) for event in events for figure in event.figures]


def figure_table(pairs: Sequence[tuple[EventRef, Figure]]) -> list[FigureRow]:
    """Figures as rows, each with its share of the largest value of its unit."""
    largest: dict[str, float] = {}
    numbers: list[float | None] = []
    for _, figure in pairs:
        number = figure.number
        numbers.append(number)
        if number is not None:
            largest[figure.unit] = max(largest.get(figure.unit, 0.0), abs(number))
    rows = []
    for (ref, figure), number in zip(pairs, numbers, strict=True):
        top = largest.get(figure.unit, 0.0)
        share = abs(number) / top if number is not None and top else None
        rows.append(FigureRow(ref, figure, share))
    return rows


def figure_rows(events: Iterable[Event]) -> list[FigureRow]:
    return figure_table(event_figures(events))


def merge_in_order(parts: Sequence[Sequence[tuple[EventRef, T]]]) -> list[tuple[EventRef, T]]:
    """Rows of several files (part i is file i) as one list in the order of the selection."""
    import heapq

    tagged = [[(ref._replace(key=(ref.key[0], ref.key[1], number, ref.key[3])), item)
               for ref, item in part] for number, part in enumerate(parts)]
    return list(heapq.merge(*tagged, key=lambda pair: pair[0].key))


# -- on this day ----------------------------------------------------------------------------------


def on_this_day(events: Iterable[Event], month: int, day: int,
                skip_year: int | None = None) -> list[Event]:
    """Events dated to the day, on this month and day, in years other than `skip_year`."""
    return [e for e in events if e.date.precision is Precision.DAY
            and (e.first_day.month, e.first_day.day) == (month, day)
            and e.first_day.year != skip_year]

"""Summaries of selected events: counts by period or field, people, quotes and figures. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from relations_cli.core.dates import bucket_label
from relations_cli.core.errors import QueryError
from relations_cli.core.model import Event, Figure, Person, Precision, Timeline
from relations_cli.core.text import holds_words, words

__all__ = [
    "GROUPINGS",
    "FigureRow",
    "PersonStats",
    "QuoteRow",
    "Summary",
    "figure_rows",
    "find_people",
    "on_this_day",
    "people_stats",
    "person_matches",
    "quote_rows",
    "summarize",
]

TIME_GROUPINGS = {"year": Precision.YEAR, "quarter": Precision.QUARTER, "month": Precision.MONTH}
FIELD_GROUPINGS = ("category", "actor", "person", "tag", "place")
GROUPINGS = (*TIME_GROUPINGS, *FIELD_GROUPINGS)
NONE_LABEL = "(none)"
_FINENESS = {Precision.YEAR: 0, Precision.QUARTER: 1, Precision.MONTH: 2, Precision.DAY: 3}


def _values(event: Event, key: str) -> tuple[list[str], bool]:
    """An event's labels for one grouping, and whether its date is too coarse for it."""
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


def time_label(first_day: date, precision: Precision, key: str) -> tuple[list[str], bool]:
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
    start: date | None
    end: date | None
    first: Event | None
    last: Event | None
    busiest: tuple[str, int] | None
    by: tuple[str, ...]
    groups: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    # Events whose date is coarser than a time grouping, counted under the period they name.
    apart: list[tuple[tuple[str, ...], int]] = field(default_factory=list)


def check_groupings(by: Sequence[str]) -> None:
    unknown = [key for key in by if key not in GROUPINGS]
    if unknown:
        raise QueryError(f"cannot group by '{unknown[0]}' (choose from {', '.join(GROUPINGS)})")
    if len(set(by)) != len(by):
        raise QueryError("each --by may be given once")


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
        busiest=_busiest(events),
        by=by, groups=groups, apart=apart,
    )


def make_summary(*, count: int, start: date | None, end: date | None, first: Event | None,
                 last: Event | None, busiest: tuple[str, int] | None, by: Sequence[str],
                 groups: Counter[tuple[str, ...]], apart: Counter[tuple[str, ...]]) -> Summary:
    return Summary(
        count=count, start=start, end=end, first=first, last=last, busiest=busiest,
        by=tuple(by),
        groups=sorted(groups.items(), key=lambda item: _order_key(item[0], by)),
        apart=sorted(apart.items(), key=lambda item: _order_key(item[0], by)),
    )


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
    return tuple((1 if value == NONE_LABEL else 0, value if key in TIME_GROUPINGS
                  else value.casefold(), value) for key, value in zip(by, combo, strict=True))


def _busiest(events: Sequence[Event]) -> tuple[str, int] | None:
    months = Counter(bucket_label(e.first_day, Precision.MONTH) for e in events
                     if e.date.precision in (Precision.MONTH, Precision.DAY))
    years = Counter(bucket_label(e.first_day, Precision.YEAR) for e in events)
    return busiest_of(months, years)


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


def _canonical(name: str, timeline: Timeline) -> str:
    person = timeline.person(name)
    return person.name if person else name


def people_stats(timeline: Timeline, events: Sequence[Event]) -> list[PersonStats]:
    """Everyone the timeline names (registry first), with their counts among `events`."""
    appearances: dict[str, list[Event]] = {}
    quotes: Counter[str] = Counter()
    for event in events:
        for name in event.named_people:
            appearances.setdefault(_canonical(name, timeline), []).append(event)
        for quote in event.quotes:
            quotes[_canonical(quote.by, timeline)] += 1
    registry = {p.name: p for p in timeline.people}
    names = list(registry) + sorted(n for n in appearances if n not in registry)
    stats = []
    for name in names:
        seen = sorted(appearances.get(name, []), key=lambda e: (e.first_day, e.last_day))
        person = registry.get(name, Person(name))
        stats.append(PersonStats(name, person.role, person.aliases, len(seen), quotes[name],
                                 seen[0] if seen else None, seen[-1] if seen else None))
    return stats


def person_matches(query: str, person: Person) -> bool:
    """A name asked for matches a person's name or alias as whole words (`Hu` is Hu Hao)."""
    wanted = words(query)
    return any(holds_words(words(name), wanted) for name in person.names)


def find_people(timeline: Timeline, events: Iterable[Event], query: str) -> list[Person]:
    """The registry's people a name or alias asks for, then others the events name."""
    known = [p for p in timeline.people if person_matches(query, p)]
    named = {n for e in events for n in e.named_people}
    others = [Person(n) for n in sorted(named) if timeline.person(n) is None
              and person_matches(query, Person(n))]
    return known + others


# -- quotes and figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRow:
    event: Event
    by: str
    role: str
    text: str


def quote_rows(timeline: Timeline, events: Iterable[Event],
               speakers: Sequence[Person] | None = None) -> list[QuoteRow]:
    """Every quote of the events, in order; only the given speakers' when `speakers` is set."""
    wanted = {p.name for p in speakers} if speakers is not None else None
    rows = []
    for event in events:
        for quote in event.quotes:
            person = timeline.person(quote.by)
            name = person.name if person else quote.by
            if wanted is None or name in wanted:
                rows.append(QuoteRow(event, quote.by, person.role if person else "", quote.text))
    return rows


@dataclass(frozen=True)
class FigureRow:
    event: Event
    figure: Figure
    share: float | None  # the value as a share of the largest of its unit, for bars


def figure_rows(events: Iterable[Event]) -> list[FigureRow]:
    pairs = [(event, figure) for event in events for figure in event.figures]
    largest: dict[str, float] = {}
    for _, figure in pairs:
        number = figure.number
        if number is not None:
            largest[figure.unit] = max(largest.get(figure.unit, 0.0), abs(number))
    rows = []
    for event, figure in pairs:
        number = figure.number
        top = largest.get(figure.unit, 0.0)
        share = abs(number) / top if number is not None and top else None
        rows.append(FigureRow(event, figure, share))
    return rows


# -- on this day ----------------------------------------------------------------------------------


def on_this_day(events: Iterable[Event], month: int, day: int,
                skip_year: int | None = None) -> list[Event]:
    """Events dated to the day, on this month and day, in years other than `skip_year`."""
    return [e for e in events if e.date.precision is Precision.DAY
            and (e.first_day.month, e.first_day.day) == (month, day)
            and e.first_day.year != skip_year]

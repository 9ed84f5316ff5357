"""What to select: one Query of filters, search terms and ordering, answered by an engine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from relations_cli.core.dates import fuzzy_period
from relations_cli.core.errors import QueryError
from relations_cli.core.model import Day, Event, Period
from relations_cli.core.text import fold_dashes, holds_words, words

__all__ = ["Active", "Query"]


class Active(NamedTuple):
    """One filter or setting of a Query in force, as the user is told of it: the option
    that gives it (`--since`; `""` for the search terms, which are no option), the values as
    written (none for a switch such as `--within`), and the label and text of a page
    (`since`, `2015`)."""

    field: str
    option: str
    values: tuple[str, ...]
    label: str
    text: str


# Each field of Query, in the order the user is told of them: its option, its label on a
# page, and for a switch the text of the page. tests/test_query.py holds the fields named
# here to dataclasses.fields(Query), so a new filter is told everywhere (browse's status
# line, the html page) or a test fails. --any is told with the terms it qualifies.
_TOLD: tuple[tuple[str, str, str, str], ...] = (
    ("terms", "", "search", ""),
    ("any_term", "--any", "", ""),
    ("since", "--since", "since", ""),
    ("until", "--until", "until", ""),
    ("on", "--on", "on", ""),
    ("within", "--within", "within", "yes"),
    ("fuzzy", "--fuzzy", "fuzzy", "yes"),
    ("categories", "--category", "category", ""),
    ("tags", "--tag", "tag", ""),
    ("actors", "--actor", "actor", ""),
    ("people", "--person", "person", ""),
    ("places", "--place", "place", ""),
    ("limit", "--limit", "limit", ""),
    ("reverse", "--reverse", "order", "newest first"),
)


@dataclass(frozen=True)
class Query:
    """What to select. Values in one field are alternatives; fields narrow each other."""

    since: Period | None = None
    until: Period | None = None
    on: Period | None = None
    within: bool = False
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    any_term: bool = False
    limit: int | None = None
    reverse: bool = False
    # --fuzzy: a qualified date (1960~, 2016-03?, 2004-06-11%) covers its fuzzy period, in the
    # events and in the filters; without it a qualifier widens nothing.
    fuzzy: bool = False

    def __post_init__(self) -> None:
        # Terms are searched with their dashes folded, as the text they are looked for in
        # (core/text.own_search_text); folded here, so every engine reads them so.
        folded = tuple(fold_dashes(term) for term in self.terms)
        if folded != self.terms:
            object.__setattr__(self, "terms", folded)
        start, end = self.bounds
        if start and end and start > end:
            raise QueryError(f"the date range is empty: it starts {start} and ends {end}")
        if self.limit is not None and self.limit < 1:
            raise QueryError("--limit must be 1 or more")

    @property
    def bounds(self) -> tuple[Day | None, Day | None]:
        """The inclusive range of days asked for: --since's first day to --until's last."""
        widen = fuzzy_period if self.fuzzy else _as_written
        starts = [widen(p).start for p in (self.since, self.on) if p]
        ends = [widen(p).end for p in (self.until, self.on) if p]
        return (max(starts) if starts else None, min(ends) if ends else None)

    @cached_property
    def _folded(self) -> dict[str, frozenset[str]]:
        return {
            "categories": frozenset(c.casefold() for c in self.categories),
            "tags": frozenset(t.casefold() for t in self.tags),
        }

    @cached_property
    def _term_keys(self) -> tuple[str, ...]:
        return tuple(term.casefold() for term in self.terms if term.strip())

    def matches_dates(self, event: Event) -> bool:
        start, end = self.bounds
        if self.fuzzy and not self.within:
            # An event touches the range when its fuzzy span does. With --within its span as
            # written must lie inside (a wider span would fit fewer ranges, never more).
            # Each date widens by its own qualifier only: an unqualified end stays as written,
            # even when it lies inside the start's period (2015/2015-06 ends in June). An
            # unknown end (2015-09~/) is the start's period, so it widens as the start does.
            first = fuzzy_period(event.date)
            known_end = event.end is not None and not event.end.unknown
            last = fuzzy_period(event.end).end if event.end and known_end else first.end
            return (start is None or start <= last) and (end is None or first.start <= end)
        if self.within:
            return (start is None or start <= event.first_day) and (
                end is None or event.last_day <= end
            )
        return (start is None or start <= event.last_day) and (
            end is None or event.first_day <= end
        )

    def matches(self, event: Event, haystack: str, names: Sequence[tuple[str, ...]]) -> bool:
        """Whether an event passes every filter; `haystack` and `names` come from the engine."""
        if not self.matches_dates(event):
            return False
        folded = self._folded
        if folded["categories"] and event.category.casefold() not in folded["categories"]:
            return False
        if folded["tags"] and not any(t.casefold() in folded["tags"] for t in event.tags):
            return False
        if self.actors and not _any_word_match(self.actors, [words(a) for a in event.actors]):
            return False
        if self.people and not _any_word_match(self.people, names):
            return False
        if self.places and not _any_word_match(self.places, [words(event.place)]):
            return False
        keys = self._term_keys
        if keys:
            found = (key in haystack for key in keys)
            if not (any(found) if self.any_term else all(found)):
                return False
        return True

    def describe(self) -> tuple[Active, ...]:
        """What is in force, in one order, for every place that tells the user (browse's
        status line, the html page): each field set away from its default."""
        active: list[Active] = []
        for field, option, label, switched in _TOLD:
            value = getattr(self, field)
            if field == "any_term" or value is None or value is False or value == ():
                continue
            if field == "terms":
                label = "search (any)" if self.any_term else label
                active.append(Active(field, option, value, label, " ".join(value)))
            elif isinstance(value, Period):
                active.append(Active(field, option, (value.text,), label, value.text))
            elif isinstance(value, tuple):
                active.append(Active(field, option, value, label, ", ".join(value)))
            elif value is True:
                active.append(Active(field, option, (), label, switched))
            else:
                active.append(Active(field, option, (str(value),), label, str(value)))
        return tuple(active)

    def order(self, events: Iterable[Event]) -> list[Event]:
        """Apply --reverse and --limit to events already in chronological order."""
        ordered = list(events)
        if self.reverse:
            ordered.reverse()
        return ordered[: self.limit] if self.limit else ordered


def _as_written(period: Period) -> Period:
    return period


def _any_word_match(wanted: Iterable[str], candidates: Sequence[tuple[str, ...]]) -> bool:
    return any(holds_words(cand, words(w)) for w in wanted for cand in candidates)

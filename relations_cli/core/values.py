"""The values a timeline uses in each field, with counts, and hints for filter values that
match none of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relations_cli.core.query import Query
from relations_cli.core.summary import NONE_LABEL
from relations_cli.core.text import did_you_mean, holds_words, words

if TYPE_CHECKING:
    from relations_cli.core.engine import Engine

__all__ = ["VALUE_FIELDS", "field_values", "timeline_categories", "unknown_filter_values"]

VALUE_FIELDS = ("category", "tag", "actor", "person", "place")
# The Query field and option of each: how a filter names it.
_FILTERS = {"category": ("categories", "--category"), "tag": ("tags", "--tag"),
            "actor": ("actors", "--actor"), "person": ("people", "--person"),
            "place": ("places", "--place")}


def field_values(engine: Engine, field: str, query: Query | None = None) -> list[tuple[str, int]]:
    """Each value of a field among the selected events, with how many events have it; most
    used first."""
    summary = engine.summarize(query or Query(), (field,))
    counted = [(combo[0], count) for combo, count in summary.groups if combo[0] != NONE_LABEL]
    return sorted(counted, key=lambda item: (-item[1], item[0].casefold()))


def timeline_categories(engine: Engine) -> tuple[str, ...]:
    """Every category the whole timeline uses, whatever a query selects: what a published
    page or chart colors its categories from, so that every export of a timeline agrees."""
    summary = engine.summarize(Query(), ("category",))
    return tuple(combo[0] for combo, _ in summary.groups if combo[0] != NONE_LABEL)


def unknown_filter_values(engine: Engine, query: Query) -> list[str]:
    """A message for each filter value that no event has, with the nearest values."""
    messages = []
    for field, (attribute, option) in _FILTERS.items():
        wanted: tuple[str, ...] = getattr(query, attribute)
        if not wanted:
            continue
        known = [value for value, _ in field_values(engine, field)]
        if field == "person":
            known += [name for person in engine.people for name in person.names]
        exact = field in ("category", "tag")
        for value in wanted:
            if not any(_matches(value, k, exact) for k in known):
                messages.append(f"{option} '{value}' is in no event"
                                + did_you_mean(value, known, f"'relations values {field}' "
                                               "lists them"))
    return messages


def _matches(value: str, known: str, exact: bool) -> bool:
    if exact:
        return value.casefold() == known.casefold()
    return holds_words(words(known), words(value))

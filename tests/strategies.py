"""Hypothesis strategies derived from the code they exercise (issue 24 item 3).

`queries()` draws a Query from dataclasses.fields(Query) and their types, not from a list of
fields kept by hand: a filter added to Query is drawn at once, in every test that holds the
engines equal, so an engine that ignores it fails. A field of a type this module does not
know is an error here, never a field silently left out.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping, Sequence

from hypothesis import assume
from hypothesis import strategies as st

from relations_cli.core.dates import parse_filter_date
from relations_cli.core.errors import QueryError
from relations_cli.core.model import Period
from relations_cli.core.query import Query

__all__ = ["queries"]

# Values for a field of text values that a test does not name: words events may hold.
WORDS = ["trade", "diplomacy", "a", "b", "x", "Xi", "york", "event 1", "习", "KERRY"]
PERIODS = ["2003", "2005-06", "2010-02-14", "2012Q3", "2020", "2001-01", "1995~", "2016?"]


def queries(values: Mapping[str, Sequence[str]] | None = None,
            periods: Sequence[str] = PERIODS, max_values: int = 2) -> st.SearchStrategy[Query]:
    """Queries over every field of Query: `values` gives the texts drawn for a field of
    texts (by its name; others draw WORDS), `periods` the dates of a field of dates. A draw
    Query refuses (an empty date range) is rejected."""
    values = values or {}
    hints = typing.get_type_hints(Query)
    fields: dict[str, st.SearchStrategy[object]] = {}
    for field in dataclasses.fields(Query):
        kind = hints[field.name]
        if kind is bool:
            fields[field.name] = st.booleans()
        elif kind == (Period | None):
            fields[field.name] = st.none() | st.sampled_from(list(periods)).map(
                parse_filter_date)
        elif kind == tuple[str, ...]:
            pool = list(values.get(field.name, WORDS))
            fields[field.name] = st.lists(st.sampled_from(pool), max_size=max_values).map(tuple)
        elif kind == (int | None):
            fields[field.name] = st.none() | st.integers(min_value=1, max_value=40)
        else:
            raise TypeError(f"no strategy for Query.{field.name} ({kind}): add one to "
                            "tests/strategies.py")
    return st.fixed_dictionaries(fields).map(_query)


def _query(fields: dict[str, object]) -> Query:
    try:
        return Query(**fields)  # type: ignore[arg-type]
    except QueryError:
        assume(False)  # rejects this draw
        raise

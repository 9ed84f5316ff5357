"""What a renderer is handed and what it hands back: `Look` (how to write) and the typed
renderer sets `Written` (text) and `Drawn` (Rich views).

Apart from render/formats.py, which registers the formats, so that each format's module
imports these without importing the registry that loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from rich.console import Console

    from relations_cli.core.model import Event, Timeline
    from relations_cli.core.query import Query
    from relations_cli.render.chart import ChartView
    from relations_cli.render.detail import EventView
    from relations_cli.render.tables import Report, RowReport
    from relations_cli.store.eras import Era

__all__ = ["Binary", "Drawn", "Look", "Written"]


class _Frozen:
    """Read-only after __init__, compared and shown by its fields.

    Not a dataclass: generating a dataclass's methods costs most of a millisecond a class at
    every start-up, and every command imports this module.
    """

    __slots__: tuple[str, ...] = ()

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"


class Written:
    """A text format's renderers, one a kind of result (None: the format does not write it).
    Each takes the result and a Look and gives text; `rows` writes a report of text rows
    (render/tables.RowReport) as they are, `records` a listing of the index's stored records
    (core/model.Deferred.records)."""

    __slots__ = ("chart", "event", "events", "records", "report", "rows")

    def __init__(
        self, *,
        events: Callable[[Sequence[Event], Look], Iterable[str]] | None = None,
        event: Callable[[EventView, Look], Iterable[str]] | None = None,
        report: Callable[[Report, Look], Iterable[str]] | None = None,
        chart: Callable[[ChartView, Look], Iterable[str]] | None = None,
        rows: Callable[[RowReport, Look], Iterable[str]] | None = None,
        records: Callable[[Sequence[str], Look], Iterable[str]] | None = None,
    ) -> None:
        self.events = events
        self.event = event
        self.report = report
        self.chart = chart
        self.rows = rows
        self.records = records


class Binary:
    """A binary format's renderers (a database file), one a kind of result: each takes the
    result and a Look and gives bytes, never to a terminal."""

    __slots__ = ("event", "events")

    def __init__(
        self, *,
        events: Callable[[Sequence[Event], Look], Iterable[bytes]] | None = None,
        event: Callable[[EventView, Look], Iterable[bytes]] | None = None,
    ) -> None:
        self.events = events
        self.event = event


class Drawn:
    """A drawn format's views (Rich, laid out for a width), one a kind of result."""

    __slots__ = ("chart", "event", "events", "report")

    def __init__(
        self, *,
        events: Callable[[Console, Sequence[Event], Look], None] | None = None,
        event: Callable[[Console, EventView, Look], None] | None = None,
        report: Callable[[Console, Report, Look], None] | None = None,
        chart: Callable[[Console, ChartView, Look], None] | None = None,
    ) -> None:
        self.events = events
        self.event = event
        self.report = report
        self.chart = chart


class Look(_Frozen):
    """How a renderer should write: color, width, search terms to mark, and which columns;
    and, for publishing formats, what they show around the events: the timeline's title,
    description and people, the filters the command line used, --eras (timelinejs), every
    category the whole timeline uses (asked only by the formats that color categories, so
    that a filtered export colors them as the full one does) and the page's language."""

    __slots__ = ("categories", "color", "eras", "fields", "header", "lang", "query", "terms",
                 "timeline", "width")
    color: bool
    width: int
    terms: tuple[str, ...]
    fields: tuple[str, ...] | None
    header: bool
    timeline: Timeline | None
    query: Query | None
    eras: tuple[Era, ...]
    categories: Callable[[], Sequence[str]]
    lang: str

    def __init__(self, color: bool = False, width: int = 100, terms: tuple[str, ...] = (),
                 fields: tuple[str, ...] | None = None, header: bool = True,
                 timeline: Timeline | None = None, query: Query | None = None,
                 eras: tuple[Era, ...] = (),
                 categories: Callable[[], Sequence[str]] = tuple, lang: str = "en") -> None:
        self._set(color=color, width=width, terms=terms, fields=fields, header=header,
                  timeline=timeline, query=query, eras=eras, categories=categories, lang=lang)

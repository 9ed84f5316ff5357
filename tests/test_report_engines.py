"""People, quotes and figures answered by the index (in SQL) as the in-memory engine answers
them from the events; and by several files as by the merge of each one's answers."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relations_cli.core.engine import MemoryEngine
from relations_cli.core.model import Deferred
from relations_cli.core.query import Query
from relations_cli.core.records import event_record
from relations_cli.core.summary import (
    EventRef,
    NameCount,
    chart_lanes,
    event_figures,
    event_quotes,
    figure_table,
    name_counts,
    named_in,
    people_stats,
    people_table,
    quote_table,
)
from relations_cli.render.chart import ChartView
from relations_cli.store.index import IndexEngine
from relations_cli.store.loader import load_timeline
from relations_cli.store.source import open_engine, open_index
from tests.budgets import examples
from tests.strategies import queries as query_strategy
from tests.test_properties import to_yaml, written

SETTINGS = settings(max_examples=examples(60), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# Every field of Query is drawn (tests/strategies.py), with these texts and dates.
queries = query_strategy(
    {"categories": ["trade", "security"], "tags": ["a", "no"], "people": ["Xi", "习近平", "Hu"],
     "terms": ["e", "a", "x"], "actors": ["China", "Russia"], "places": ["Moscow", "x"]},
    periods=["1950", "2000-06", "2015-09-03", "2016Q1", "2020", "2050-06", "2100-12-31",
             "2016~"])

# Registry names, an alias, names no registry lists (one in two cases), and a blank speaker.
NAMES = ["Xi Jinping", "习近平", "Hu Hao", "hu hao", "Kerry", "kerry", "Анна"]
REGISTRY = [{"name": "Xi Jinping", "role": "President", "aliases": ["习近平"]},
            {"name": "Hu Hao"}]


def both_engines(document: dict[str, Any]) -> tuple[MemoryEngine, IndexEngine]:
    """One timeline as the in-memory engine reads it and as an index (held in memory)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(to_yaml(document), encoding="utf-8")
        return MemoryEngine(load_timeline(path)), open_index(path, use_cache=False)


@st.composite
def timelines(draw: st.DrawFn, prefix: str = "event") -> dict[str, Any]:
    events = []
    for number in range(draw(st.integers(min_value=0, max_value=8))):
        day = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
        precision = draw(st.sampled_from(["year", "month", "day"]))
        event: dict[str, Any] = {
            "id": f"{prefix}-{number}",
            # Few dates, so that events tie on their days and the order by line decides.
            "date": draw(st.sampled_from(["2001", "2001-05", written(day, precision)])),
            "title": f"Title {number}",
            "category": draw(st.sampled_from(["trade", "security", "Trade"])),
            "tags": draw(st.lists(st.sampled_from(["a", "no"]), max_size=2)),
            "people": draw(st.lists(st.sampled_from(NAMES), max_size=3)),
        }
        ending = draw(st.sampled_from(["", "", "2031", "near", "/..", "/"]))
        if ending == "near":  # a short span: it may fall in one column of a chart
            event["date"] = day.isoformat()
            event["end"] = (day + timedelta(days=3)).isoformat()
        elif ending.startswith("/"):
            event["date"] = event["date"] + ending  # open or unknown end
        elif ending:
            event["end"] = ending
        quotes = draw(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(
            ["We agree.", "No.", "Да"])), max_size=3))
        if quotes:
            event["quotes"] = [{"by": by, "text": text} for by, text in quotes]
        figures = draw(st.lists(st.tuples(
            st.sampled_from(["Exports", "Loss"]),
            st.sampled_from(["32.9", "-4", "1,200", "many", "0"]),
            st.sampled_from(["", "billion USD", "tons"])), max_size=2))
        if figures:
            event["figures"] = [{"label": label, "value": value, "unit": unit}
                                for label, value, unit in figures]
        events.append(event)
    return {"people": REGISTRY, "events": events}


def _counted(counts: list[NameCount]) -> dict[str, tuple[Any, ...]]:
    def described(event: Any) -> Any:
        return (event_record(event), event.line) if event is not None else None

    return {c.name: (c.events, c.quotes, described(c.first), described(c.last))
            for c in counts}


def _stats(engine: Any, query: Query) -> list[tuple[Any, ...]]:
    return [(p.name, p.role, p.aliases, p.events, p.quotes, p.first and p.first.id,
             p.last and p.last.id) for p in people_table(engine.people,
                                                         engine.name_counts(query))]


@SETTINGS
@given(timelines(), queries)
def test_the_index_reports_like_the_loaded_timeline(document: dict[str, Any],
                                                   query: Query) -> None:
    memory, index = both_engines(document)
    assert _counted(index.name_counts(query)) == _counted(memory.name_counts(query))
    assert _listed(index.quotes(query)) == _listed(memory.quotes(query))
    assert _listed(index.figures(query)) == _listed(memory.figures(query))
    assert _stats(index, query) == _stats(memory, query)
    assert [(r.event.id, r.figure, r.share) for r in figure_table(index.figures(query))] == \
        [(r.event.id, r.figure, r.share) for r in figure_table(memory.figures(query))]
    speakers = list(memory.people)[:1]
    assert [(r.event.id, r.by, r.role, r.text)
            for r in quote_table(index.people, index.quotes(query), speakers)] == \
        [(r.event.id, r.by, r.role, r.text)
         for r in quote_table(memory.people, memory.quotes(query), speakers)]
    # Which spelling of a name comes first is all a hint reads of the order.
    assert sorted(index.named()) == sorted(memory.named())
    assert _first_spellings(index.named()) == _first_spellings(memory.named())
    # The memory engine's answers are core's functions of its events: every matching event,
    # in date order (a report orders and limits its own rows, not the events it reads).
    events = memory.select(replace(query, limit=None, reverse=False))
    assert _counted(memory.name_counts(query)) == _counted(name_counts(events))
    assert [(p.name, p.events, p.quotes) for p in people_stats(memory.people, events)] == \
        [(name, events_, quotes) for name, _, _, events_, quotes, _, _ in _stats(memory, query)]
    assert memory.quotes(query) == event_quotes(events)
    assert memory.figures(query) == event_figures(events)
    assert memory.named() == named_in(memory.timeline.events)


def _listed(rows: list[tuple[EventRef, Any]]) -> list[tuple[Any, ...]]:
    return [(ref.id, ref.when, item) for ref, item in rows]


def _first_spellings(names: list[str]) -> dict[str, str]:
    first: dict[str, str] = {}
    for name in names:
        first.setdefault(name.casefold(), name)
    return first


@SETTINGS
@given(timelines("a"), timelines("b"), queries, st.booleans())
def test_several_files_report_as_the_merge_of_their_events(
        first: dict[str, Any], second: dict[str, Any], query: Query,
        use_cache: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, document in (("a.yaml", first), ("b.yaml", second)):
            path = Path(folder) / name
            path.write_text(to_yaml(document), encoding="utf-8")
            paths.append(str(path))
        # With the cache or without, each file gets its index (on disk or in memory).
        os.environ["XDG_CACHE_HOME"] = str(Path(folder) / "cache")
        try:
            engine = open_engine(paths, use_cache=use_cache)
            events = engine.select(replace(query, limit=None, reverse=False))
            merged = engine.name_counts(query)
            quotes = engine.quotes(query)
            figures = engine.figures(query)
            named = engine.named()
        finally:
            del os.environ["XDG_CACHE_HOME"]
    expected = people_stats(engine.people, events)
    got = people_table(engine.people, merged)
    assert [(p.name, p.events, p.quotes, p.first and (p.first.id, p.first.file),
             p.last and (p.last.id, p.last.file)) for p in got] == \
        [(p.name, p.events, p.quotes, p.first and (p.first.id, p.first.file),
          p.last and (p.last.id, p.last.file)) for p in expected]
    assert [(ref.id, quote) for ref, quote in quotes] == \
        [(ref.id, quote) for ref, quote in event_quotes(events)]
    assert [(ref.id, figure) for ref, figure in figures] == \
        [(ref.id, figure) for ref, figure in event_figures(events)]
    assert _first_spellings(named) == _first_spellings(named_in(engine.select(Query())))


@SETTINGS
@given(timelines(), queries, st.sampled_from([20, 41, 80, 100, 200]))
def test_the_index_counts_a_chart_as_the_events_draw_it(
        document: dict[str, Any], query: Query, width: int) -> None:
    memory, index = both_engines(document)
    counted = index.chart_counts(query, "category")
    events = memory.select(query)
    drawn = ChartView(chart_lanes(events, "category", memory.people)).layout(width)
    if counted is None:  # search terms, --fuzzy or a limit: drawn from the events
        assert query.terms or query.fuzzy or query.limit
        return
    assert counted.frame.total == len(events)
    view = ChartView(chart_lanes(Deferred(lambda: index.select(query)), "category",
                                 index.people, counted))
    # Compared first as a flag: pytest's diff of two long layouts takes minutes to write.
    same = view.layout(width) == drawn
    assert same, (view.layout(width), drawn)
    assert view.categories() == sorted({e.category for e in events if e.category})
    assert [e.id for e in view.lanes.events] == [e.id for e in events]


@SETTINGS
@given(timelines(), st.sampled_from([20, 41, 80, 100, 200]))
def test_a_chart_of_every_event_reads_the_groups_counted_at_build(
        document: dict[str, Any], width: int) -> None:
    # No filter: the index answers from chart_groups, counted once when it was built.
    memory, index = both_engines(document)
    groups = index.db.execute("SELECT sum(count) FROM chart_groups").fetchone()[0]
    assert (groups or 0) == index.count()
    counted = index.chart_counts(Query(), "category")
    assert counted is not None
    events = memory.select(Query())
    view = ChartView(chart_lanes(Deferred(lambda: index.select(Query())), "category",
                                 index.people, counted))
    assert view.layout(width) == \
        ChartView(chart_lanes(events, "category", memory.people)).layout(width)


def test_a_split_build_reports_and_charts_as_the_loaded_timeline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The second half's rows are numbered far after the first's: the order must not care.
    from relations_cli.store import parallel
    from tests.helpers import write
    from tests.test_index import generated

    path = write(tmp_path, generated(2000, seed=3))
    monkeypatch.setenv("RELATIONS_PARALLEL_MIN_BYTES", "1000")
    assert parallel.split_point(path, path.stat().st_size) is not None
    index = open_index(path, use_cache=False)
    memory = MemoryEngine(load_timeline(path))
    for query in (Query(), Query(categories=("trade",)), Query(people=("Xi",))):
        events = memory.select(query)
        counted = index.chart_counts(query, "category")
        assert counted is not None
        view = ChartView(chart_lanes(events, "category", index.people, counted))
        assert view.layout(90) == ChartView(
            chart_lanes(events, "category", memory.people)).layout(90)
        assert _stats(index, query) == _stats(memory, query)
        assert _listed(index.quotes(query)) == _listed(memory.quotes(query))


# Each question the Engine protocol asks with a Query, and the test above that holds the
# index to the in-memory engine on it: a new one fails here until it is compared.
COMPARED = {
    "select": "test_index.test_any_combination_of_filters_agrees",
    "summarize": "test_index.test_the_engines_agree_on_line_breaks_in_terms_and_case_variants",
    "name_counts": "test_the_index_reports_like_the_loaded_timeline",
    "quotes": "test_the_index_reports_like_the_loaded_timeline",
    "figures": "test_the_index_reports_like_the_loaded_timeline",
    "quote_cells": "test_report_fastpath.test_rows_write_like_reports_on_any_text",
    "figure_cells": "test_report_fastpath.test_rows_write_like_reports_on_any_text",
    "chart_counts": "test_the_index_counts_a_chart_as_the_events_draw_it",
}


def test_every_question_of_an_engine_is_compared() -> None:
    import inspect

    from relations_cli.core.engine import Engine

    asked = {name for name, member in inspect.getmembers(Engine, inspect.isfunction)
             if "query" in inspect.signature(member).parameters}
    assert asked == set(COMPARED)

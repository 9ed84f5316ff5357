"""Quotes and figures from the index are written straight from their SQL rows in the data
formats (render/tables.RowReport): the same bytes as the in-memory engine's reports, for
every format, look and query."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relations_cli.core.engine import MemoryEngine
from relations_cli.core.query import Query
from relations_cli.core.summary import figure_table, quote_cells, quote_table
from relations_cli.render.formats import FORMATS, Look, Written
from relations_cli.render.reports import (
    figures_report,
    figures_streamed,
    quotes_report,
    quotes_streamed,
)
from relations_cli.store.loader import load_timeline
from relations_cli.store.source import open_index
from tests.budgets import examples
from tests.helpers import invoke
from tests.test_fastpath import SPECIAL, texts

FORMAT_NAMES = ("plain", "json", "jsonl", "csv", "tsv")
# What changes how a report is written: columns picked (one alone, twice, out of order),
# no header, color.
LOOK_ARGS: list[list[str]] = [
    [], ["--no-header"], ["--color", "always"], ["--fields", "date,event"],
    ["--fields", "event,date,event", "--no-header"], ["--fields", "date"],
    ["--fields", "event"], ["--fields", "nope"],
]
QUOTE_LOOKS = [*LOOK_ARGS, ["--fields", "quote,by,role"]]
FIGURE_LOOKS = [*LOOK_ARGS, ["--fields", "value,unit,change,label"], ["--fields", "change"],
                # One empty cell alone: `""` in CSV, and no formula guard on nothing.
                ["--fields", "change", "--limit", "1"]]
QUERY_ARGS: list[list[str]] = [
    [], ["--limit", "3"], ["--reverse"], ["--reverse", "--limit", "2"], ["--count"],
    ["--since", "2002"], ["--until", "2001"], ["--category", "trade"], ["--person", "Hu"],
    ["--on", "2001"], ["--fuzzy", "--since", "2002"],
]
REGISTRY = [{"name": "Xi Jinping", "role": "President", "aliases": ["习近平"]},
            {"name": "Hu Hao", "role": "=cmd|' /C calc'!A0"}]
SPEAKERS = ["Xi Jinping", "习近平", "Hu Hao", "hu hao", "Kerry", "-Kerry", "a,b"]


# Rows are written BATCH at a time here instead of 2,000 (render/delimited.CHUNK, jsonfmt's):
# the tricky timeline's 300 rows fill three batches, fast and careful rows in each, for a
# seventh of the work of 2,200 rows in batches of 2,000 (issue 24: the suite's time).
BATCH = 100
TRICKY_EVENTS = 150


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # One index a timeline for the whole module, built once.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    from relations_cli.render import delimited, jsonfmt

    monkeypatch.setattr(delimited, "CHUNK", BATCH)
    monkeypatch.setattr(jsonfmt, "CHUNK", BATCH)


_LOADED: dict[Path, MemoryEngine] = {}


def _memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands answer from the in-memory engine (the reference) instead of the index."""
    from relations_cli.store import source

    def engine(option: Any, use_cache: bool = True, progress: Any = None) -> MemoryEngine:
        path = Path(option[0] if isinstance(option, list) else option)
        if path not in _LOADED:
            _LOADED[path] = MemoryEngine(load_timeline(path))
        return _LOADED[path]

    monkeypatch.setattr(source, "open_engine", engine)


def _both(monkeypatch: pytest.MonkeyPatch, path: Path, *args: str) -> None:
    index = invoke(*args, "--data", str(path))
    with monkeypatch.context() as patched:
        _memory(patched)
        memory = invoke(*args, "--data", str(path))
    assert (index.status, index.stdout, index.stderr) == \
        (memory.status, memory.stdout, memory.stderr), args


def _cases(looks: list[list[str]]) -> list[list[str]]:
    """Each look alone, each query alone, and each look with one query."""
    return [*looks, *QUERY_ARGS[1:],
            *(look + QUERY_ARGS[1 + n % (len(QUERY_ARGS) - 1)] for n, look in enumerate(looks))]


def _event(n: int, when: str, title: str, quotes: list[tuple[str, str]],
           figures: list[tuple[str, str, str, str]], category: str = "trade") -> dict[str, Any]:
    event: dict[str, Any] = {"id": f"e-{n}", "date": when, "title": title or "t",
                             "category": category, "people": ["Hu Hao"] if n % 2 else []}
    if quotes:
        event["quotes"] = [{"by": _given(by, "X"), "text": _given(text, "-")}
                           for by, text in quotes]
    if figures:
        event["figures"] = [{"label": _given(label, "l"), "value": _given(value, "0"),
                             "unit": unit,
                             "change": change} for label, value, unit, change in figures]
    return event


def _given(text: str, otherwise: str) -> str:
    return text if text.strip() else otherwise  # a blank one is a problem of the file


def _write(path: Path, events: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump({"people": REGISTRY, "events": events}, allow_unicode=True,
                                   sort_keys=False, default_style='"'), encoding="utf-8")
    return path


def _tricky(count: int) -> list[dict[str, Any]]:
    """Every special text as a speaker, quote, label, value, unit and change, over more rows
    than one batch, so that fast and careful rows meet in one batch."""
    events = []
    for n in range(count):
        one, two = SPECIAL[n % len(SPECIAL)], SPECIAL[(n * 7 + 3) % len(SPECIAL)]
        by = SPEAKERS[n % len(SPEAKERS)] if n % 3 else one.strip() or "X"
        when = ["2001", "2001-05", "2002-03-04", "2003", "2001/.."][n % 5]
        plain = n % 4 != 0  # most rows printable, as in real timelines
        events.append(_event(
            n, when, f"Event {n}",
            [(by, f"Said {n}, plainly" if plain else one + two), (SPEAKERS[n % 7], two)],
            [("Exports", "-4" if n % 5 == 0 else "1,200", "billion USD",
              "" if plain else one), (two, one or "x", two, "+3%")],
            category=["trade", "security", ""][n % 3]))
    return events


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("tricky") / "t.yaml", _tricky(TRICKY_EVENTS))


def test_the_tricky_timeline_is_valid(tricky: Path) -> None:
    shown = invoke("quotes", "--data", str(tricky), "--format", "plain")
    assert shown.status == 0, shown
    assert len(shown.stdout.splitlines()) >= 2 * TRICKY_EVENTS > 2 * BATCH


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_quotes_from_sql_rows_are_the_memory_engines_bytes(
        tricky: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for case in _cases(QUOTE_LOOKS):
        _both(monkeypatch, tricky, "quotes", "--format", fmt, *case)
    for speaker in (["--speaker", "Xi"], ["--speaker", "Kerry", "-S", "Hu"],
                    ["--speaker", "nobody-at-all"]):
        _both(monkeypatch, tricky, "quotes", "--format", fmt, *speaker)


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_figures_from_sql_rows_are_the_memory_engines_bytes(
        tricky: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for case in _cases(FIGURE_LOOKS):
        _both(monkeypatch, tricky, "figures", "--format", fmt, *case)


@pytest.mark.parametrize("fmt", ["table", "markdown", "pretty"])
def test_other_formats_draw_the_full_report_as_before(
        tricky: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for command in ("quotes", "figures"):
        for args in ([], ["--limit", "40", "--reverse"], ["--fields", "date,event"]):
            _both(monkeypatch, tricky, command, "--format", fmt, "--width", "120", *args)


def test_nothing_found_is_written_and_told_alike(
        tricky: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for fmt in FORMAT_NAMES:
        for command in ("quotes", "figures"):
            for look in ([], ["--fields", "date"], ["--no-header"]):
                _both(monkeypatch, tricky, command, "--format", fmt, "--since", "2050", *look)


def test_the_index_answers_with_cells_unless_sql_cannot_check_the_query(tricky: Path) -> None:
    # Otherwise the fast path would silently never be taken.
    from relations_cli.core.dates import parse_filter_date

    index = open_index(tricky, use_cache=False)
    cells = index.quote_cells(Query())
    assert cells is not None
    assert len(cells) == 2 * TRICKY_EVENTS
    assert index.figure_cells(Query(since=parse_filter_date("2002"))) is not None
    assert index.quote_cells(Query(fuzzy=True)) is None
    assert index.figure_cells(Query(fuzzy=True)) is None


def _rendered(fmt: str, report: Any, look: Look, streamed: bool) -> str:
    renderers = FORMATS[fmt].load()
    assert isinstance(renderers, Written)
    if streamed:
        assert renderers.rows is not None
        return "".join(renderers.rows(report, look))
    assert renderers.report is not None
    return "".join(renderers.report(report, look))


LOOKS = [Look(), Look(header=False), Look(fields=("date", "event")), Look(fields=("event",)),
         Look(fields=("event", "event"), header=False)]


@settings(max_examples=examples(80), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["2001", "2001-05", "2001-05-06", "2002/.."]),
                          st.lists(st.tuples(texts, texts), max_size=3),
                          st.lists(st.tuples(texts, texts, texts, texts), max_size=2)),
                min_size=1, max_size=6),
       st.sampled_from([None, ["Hu"], ["Xi", "Kerry"]]))
def test_rows_write_like_reports_on_any_text(
        tmp_path: Path,
        items: list[tuple[str, list[tuple[str, str]], list[tuple[str, str, str, str]]]],
        speakers: list[str] | None) -> None:
    path = _write(tmp_path / "t.yaml", [_event(n, when, "t", quotes, figures)
                                        for n, (when, quotes, figures) in enumerate(items)])
    from relations_cli.core.errors import TimelineError

    try:
        memory = MemoryEngine(load_timeline(path))
    except TimelineError:  # a drawn text the timeline rules refuse
        return
    index = open_index(path, use_cache=False)
    quoted = index.quote_cells(Query())
    figured = index.figure_cells(Query())
    assert quoted is not None
    assert figured is not None
    chosen = memory.people.find_all(speakers, memory.named()) if speakers else None
    quotes = quotes_report(quote_table(memory.people, memory.quotes(Query()), chosen))
    figures = figures_report(figure_table(memory.figures(Query())))
    fast_quotes = quotes_streamed(quote_cells(index.people, quoted, chosen))
    fast_figures = figures_streamed(figured)
    looks = [*LOOKS, Look(fields=("quote", "by", "role"))]
    for fmt in FORMAT_NAMES:
        for look in looks:
            assert _rendered(fmt, fast_quotes, look, True) == _rendered(fmt, quotes, look, False)
            assert _rendered(fmt, fast_quotes.full(), look, False) == \
                _rendered(fmt, quotes, look, False)
        for look in [*LOOKS, Look(fields=("value", "label", "unit", "change"))]:
            assert _rendered(fmt, fast_figures, look, True) == \
                _rendered(fmt, figures, look, False)
    # Every other format draws the full report: the same as the one built from objects.
    from relations_cli.render.markdown import markdown_report

    for fast, slow in ((fast_quotes, quotes), (fast_figures, figures)):
        assert "".join(markdown_report(fast.full(), Look())) == \
            "".join(markdown_report(slow, Look()))

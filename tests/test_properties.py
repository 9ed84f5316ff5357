"""Invariants, checked by Hypothesis over generated dates, timelines, queries and bytes."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relations_cli.core.dates import parse_event_date, parse_filter_date, period
from relations_cli.core.engine import select
from relations_cli.core.model import Timeline
from relations_cli.core.query import Query
from relations_cli.store.loader import parse_timeline
from tests.budgets import examples
from tests.helpers import invoke

SETTINGS = settings(max_examples=examples(150), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
SGR = re.compile(r"\x1b\[[0-9;]*m")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]")

days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
precisions = st.sampled_from(["year", "month", "day"])


def written(day: date, precision: str) -> str:
    return {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}",
            "day": day.isoformat()}[precision]


@given(days, precisions)
def test_dates_round_trip_at_their_precision(day: date, precision: str) -> None:
    text = written(day, precision)
    parsed = parse_event_date(text)
    assert parsed.text == text
    assert parsed.start <= day.toordinal() <= parsed.end
    assert parse_filter_date(text) == parsed
    again = period(parsed.start.year, parsed.start.month if precision != "year" else None,
                   parsed.start.day if precision == "day" else None)
    assert again == parsed


hostile_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["[", "]", "[/]", ":smile:", "\x1b[31m", "\x1b]8;;x\x07", "\x9b",
                         "\u202e", "\u200b", "=", "+", "-", "@", "|", ",", "\t", "\n", '"']),
    ),
    max_size=12,
).map("".join)


@st.composite
def timelines(draw: st.DrawFn) -> dict[str, object]:
    count = draw(st.integers(min_value=1, max_value=6))
    events = []
    for number in range(count):
        day = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
        event: dict[str, object] = {
            "id": f"event-{number}",
            "date": written(day, draw(precisions)),
            "title": draw(hostile_text.filter(lambda t: t.strip() != "")),
            "category": draw(st.sampled_from(["trade", "security", "diplomacy"])),
            "tags": draw(st.lists(st.sampled_from(["a", "b", "NO", "010"]), max_size=2)),
            "people": draw(st.lists(st.sampled_from(["Xi Jinping", "Hu Hao"]), max_size=2)),
        }
        summary = draw(hostile_text)
        if summary.strip():
            event["summary"] = summary
        events.append(event)
    return {"people": [{"name": "Xi Jinping", "aliases": ["习近平"]}], "events": events}


def to_yaml(document: dict[str, object]) -> str:
    # Double quotes keep every character: in a plain scalar YAML folds NEL and friends.
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, default_style='"')


def load(document: dict[str, object]) -> Timeline:
    timeline, problems = parse_timeline(to_yaml(document), "t.yaml")
    assert problems == [], problems
    assert timeline is not None
    return timeline


queries = st.fixed_dictionaries(
    {},
    optional={
        "since": st.sampled_from(["1950", "2000-06", "2015-09-03", "2016Q1"]),
        "until": st.sampled_from(["2020", "2050-06", "2100-12-31"]),
        "categories": st.lists(st.sampled_from(["trade", "security"]), min_size=1, max_size=2),
        "tags": st.lists(st.sampled_from(["a", "no"]), min_size=1, max_size=1),
        "people": st.lists(st.sampled_from(["Xi", "习近平", "Hu"]), min_size=1, max_size=1),
        "terms": st.lists(st.sampled_from(["e", "a", "x"]), min_size=1, max_size=2),
    },
)


def make_query(fields: dict[str, object]) -> Query:
    values = dict(fields)
    for key in ("since", "until"):
        if key in values:
            values[key] = parse_filter_date(str(values[key]))
    for key in ("categories", "tags", "people", "terms"):
        if key in values:
            values[key] = tuple(values[key])  # type: ignore[arg-type]
    return Query(**values)  # type: ignore[arg-type]


@SETTINGS
@given(timelines(), queries, queries)
def test_filters_only_narrow(document: dict[str, object], first: dict[str, object],
                             second: dict[str, object]) -> None:
    timeline = load(document)
    wide = {e.id for e in select(timeline, make_query(first))}
    both = {**second, **first}
    narrow = {e.id for e in select(timeline, make_query(both))}
    assert narrow <= wide
    assert {e.id for e in select(timeline, Query())} == {e.id for e in timeline.events}


@SETTINGS
@given(timelines(), st.sampled_from(["json", "jsonl"]))
def test_json_round_trips_any_text_exactly(document: dict[str, object], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(to_yaml(document), encoding="utf-8")
        result = invoke("timeline", "--data", str(path), "--format", fmt)
    assert result.status == 0, result
    assert RAW_CONTROL.search(result.stdout) is None
    records = (json.loads(result.stdout) if fmt == "json"
               else [json.loads(line) for line in result.stdout.splitlines()])
    by_id = {r["id"]: r for r in records}
    for event in document["events"]:  # type: ignore[attr-defined]
        assert by_id[event["id"]]["title"] == event["title"].strip()
        assert by_id[event["id"]]["summary"] == event.get("summary", "").strip()


@SETTINGS
@given(timelines(), st.sampled_from(["plain", "csv", "tsv", "markdown", "table", "pretty"]),
       st.sampled_from(["always", "never"]))
def test_shown_text_never_carries_raw_control_bytes(document: dict[str, object], fmt: str,
                                                    color: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(to_yaml(document), encoding="utf-8")
        result = invoke("timeline", "--data", str(path), "--format", fmt, "--color", color)
    assert result.status == 0, result
    shown = SGR.sub("", result.stdout)
    assert RAW_CONTROL.search(shown) is None, repr(shown)
    assert "\x1b" not in shown


yaml_fragments = st.lists(
    st.sampled_from([
        "events:", "  - id: a", "    date: 2015", "    title: T", "  - ", "title: x", "&a",
        "*a", "!!binary", "[", "]", "{", "}", "\t", "date: 2015-02-30", "- [[[[", "? ",
        "people:", "  - name: X", "    aliases: [Y]", "\ufeff", "---", "...", "%YAML 1.1",
        "\x85", "'", '"', "\\", "#", "end: 2014", "tags: NO",
    ]),
    max_size=12,
)


@SETTINGS
@given(st.one_of(yaml_fragments.map("\n".join), st.text(max_size=200)),
       st.sampled_from(["timeline", "validate"]))
def test_any_text_gives_output_or_one_error_line(text: str, command: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        result = invoke(command, "--data", str(path))
    assert "Traceback" not in result.stderr + result.stdout
    if result.status == 2:
        if command == "timeline":
            assert result.stderr.count("\n") == 1, result
            assert result.stderr.startswith(f"relations: error: {path}:"), result
    else:
        assert result.status in (0, 1), result


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_give_output_or_one_error_line(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_bytes(data)
        result = invoke("timeline", "--data", str(path), "--format", "json")
    assert "Traceback" not in result.stderr
    if result.status == 2:
        assert re.fullmatch(rf"relations: error: {re.escape(str(path))}:\d+:\d+: [^\n]+\n",
                            result.stderr), result
    else:
        assert result.status in (0, 1), result
        json.loads(result.stdout)

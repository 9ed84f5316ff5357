"""Summaries, the chart, people, quotes, figures, on-this-day and completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relations_cli import Query, load_timeline, select
from relations_cli.core.dates import parse_filter_date, parse_month_day
from relations_cli.core.people import people_of
from relations_cli.core.summary import (
    GROUPINGS,
    figure_rows,
    named_in,
    on_this_day,
    people_stats,
    summarize,
)
from relations_cli.render.chart import layout_chart
from relations_cli.store.loader import parse_timeline
from tests.budgets import examples
from tests.helpers import BUNDLED, FIXTURES, LEAKY_VARIABLES, ROOT, invoke, write

SAMPLE = str(FIXTURES / "sample.yaml")


def timeline_text(dates: list[str], ends: list[str | None] | None = None) -> str:
    lines = ["events:"]
    for number, when in enumerate(dates):
        lines += [f"  - id: e{number}", f"    date: {when}", f"    title: Event {number}",
                  f"    category: {('trade', 'security', 'diplomacy')[number % 3]}"]
        if ends and ends[number]:
            lines.append(f"    end: {ends[number]}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("by", [["year"], ["quarter"], ["month"], ["category"],
                                ["year", "category"], ["month", "category"]])
@pytest.mark.parametrize("filters", [{}, {"since": "2015"}, {"until": "2015-12"},
                                     {"on": "2016Q1"}, {"categories": ("diplomacy",)}])
def test_summary_counts_sum_to_the_timeline_count(by: list[str],
                                                  filters: dict[str, object]) -> None:
    timeline = load_timeline(BUNDLED)
    values = {k: parse_filter_date(v) if isinstance(v, str) else v for k, v in filters.items()}
    events = select(timeline, Query(**values))  # type: ignore[arg-type]
    summary = summarize(events, by)
    assert summary.count == len(events)
    assert sum(n for _, n in summary.groups) + sum(n for _, n in summary.apart) == len(events)


def test_summary_through_the_cli_agrees_with_timeline() -> None:
    for args in ([], ["--since", "2016"], ["--category", "security"]):
        timeline_lines = invoke("timeline", *args).stdout.count("\n")
        data = json.loads(invoke("summary", "--by", "month", *args, "--format", "json").stdout)
        assert data["count"] == timeline_lines
        assert sum(g["count"] for g in data["groups"] + data["apart"]) == timeline_lines


def test_coarser_dates_are_counted_apart_not_in_january(tmp_path: Path) -> None:
    path = write(tmp_path, timeline_text(["2015", "2015-01-05", "2015-03", "2015Q1"[:4]]))
    result = invoke("summary", "--by", "month", "--data", str(path), "--format", "json")
    data = json.loads(result.stdout)
    assert data["groups"] == [{"month": "2015-01", "count": 1}, {"month": "2015-03", "count": 1}]
    assert data["apart"] == [{"month": "2015", "count": 2}]
    csv_rows = invoke("summary", "--by", "month", "--data", str(path), "--format",
                      "csv").stdout.splitlines()
    assert csv_rows == ["month,count,precision", "2015-01,1,month", "2015-03,1,month",
                        "2015,2,year"]


def test_summary_facts() -> None:
    timeline = load_timeline(BUNDLED)
    summary = summarize(timeline.events, ["year"])
    assert summary.busiest == ("2016-03", 6)
    assert summary.first is not None
    assert summary.first.id == "sino-soviet-confrontation"
    assert summary.start is not None
    assert summary.start.to_date() == date(1960, 1, 1)


def test_unknown_or_repeated_groupings_are_errors() -> None:
    assert invoke("summary", "--by", "weekday").status == 2
    result = invoke("summary", "--by", "year", "--by", "year")
    assert result.status == 2
    assert "each --by may be given once" in result.stderr


def test_cross_table_of_year_and_category() -> None:
    result = invoke("summary", "--by", "year", "--by", "category", "--format", "csv")
    assert "2016,diplomacy,4,year" in result.stdout.splitlines()


def test_summary_groups_list_fields_with_none(tmp_path: Path) -> None:
    path = write(tmp_path, timeline_text(["2015", "2016"]))
    data = json.loads(invoke("summary", "--by", "tag", "--data", str(path),
                             "--format", "json").stdout)
    assert data["groups"] == [{"tag": "(none)", "count": 2}]


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_every_grouping_works_on_the_bundled_data(grouping: str) -> None:
    result = invoke("summary", "--by", grouping, "--format", "pretty", "--width", "80")
    assert result.status == 0, result
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


# -- the chart ----------------------------------------------------------------------------------


CASES = {
    "one event": (["2015-09-03"], None),
    "all on one day": (["2016-03-27"] * 5, None),
    "many centuries": (["0800", "1066-10-14", "1492", "1789-07-14", "2016-03"], None),
    "spans": (["2015-09-30", "2016-01", "2016"], ["2016-03-15", None, None]),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("width", [80, 160, 200])
def test_the_chart_fits_its_width(tmp_path: Path, case: str, width: int) -> None:
    dates, ends = CASES[case]
    path = write(tmp_path, timeline_text(dates, ends))
    result = invoke("chart", "--data", str(path), "--width", str(width))
    assert result.status == 0, result
    lines = result.stdout.splitlines()
    assert all(len(line) <= width for line in lines), result
    assert any("●" in line or "◆" in line or "○" in line or "━" in line for line in lines)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("by", ["year", "month", "category"])
def test_summary_of_small_and_strange_timelines(tmp_path: Path, case: str, by: str) -> None:
    dates, ends = CASES[case]
    path = write(tmp_path, timeline_text(dates, ends))
    data = json.loads(invoke("summary", "--by", by, "--data", str(path), "--format",
                             "json").stdout)
    assert data["count"] == len(dates)
    assert sum(g["count"] for g in data["groups"] + data["apart"]) == len(dates)
    drawn = invoke("summary", "--by", by, "--data", str(path), "--format", "pretty",
                   "--width", "80")
    assert drawn.status == 0, drawn
    assert all(len(line) <= 80 for line in drawn.stdout.splitlines())


def test_many_centuries_get_century_ticks(tmp_path: Path) -> None:
    path = write(tmp_path, timeline_text(CASES["many centuries"][0]))
    axis_labels = invoke("chart", "--data", str(path), "--width", "80").stdout.splitlines()
    labels = axis_labels[-3].split()
    assert len(labels) >= 4
    assert all(int(label) % 100 == 0 for label in labels)


def test_chart_marks_spans_and_points() -> None:
    timeline = load_timeline(BUNDLED)
    drawn = layout_chart(timeline.events, lambda e: [e.category], 120)
    assert drawn is not None
    lanes = {lane.label: "".join(lane.cells) for lane in drawn.lanes}
    assert lanes["history"].strip().startswith("━")
    assert "●" in lanes["security"]


def test_chart_by_person_and_json() -> None:
    result = invoke("chart", "--by", "person", "--since", "2016", "--format", "json")
    data = json.loads(result.stdout)
    lanes = {lane["lane"]: [e["id"] for e in lane["events"]] for lane in data["lanes"]}
    assert lanes["John Kerry"] == ["kerry-moscow-visit-2016-03", "pushkov-tweet-on-kerry-visit"]


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
                          st.integers(min_value=0, max_value=4000)), min_size=1, max_size=8),
       st.integers(min_value=30, max_value=250))
def test_chart_never_escapes_its_width(spans: list[tuple[date, int]], width: int) -> None:
    dates = [day.isoformat() for day, _ in spans]
    last = date(9999, 12, 31).toordinal()
    ends = [date.fromordinal(min(day.toordinal() + extra, last)).isoformat() if extra else None
            for day, extra in spans]
    timeline, problems = parse_timeline(timeline_text(dates, ends))
    assert timeline is not None, problems
    drawn = layout_chart(timeline.events, lambda e: [e.category], width)
    assert drawn is not None
    for label, cells in drawn.lines():
        assert len(label + cells) <= width


# -- people, quotes, figures, on this day -------------------------------------------------------


def test_people_lists_everyone_with_counts() -> None:
    timeline = load_timeline(BUNDLED)
    stats = {p.name: p for p in people_stats(people_of(timeline.people), timeline.events)}
    assert stats["John Kerry"].events == 4
    assert stats["Alexander Gabuev"].quotes == 8  # one quote a fragment, as the article splits them
    assert stats["Feng Yujun"].quotes == 3
    first = stats["John Kerry"].first
    assert first is not None
    assert first.id == "kerry-sochi-visit"


def test_people_name_shows_events_and_quotes_in_order() -> None:
    result = invoke("people", "Pushkov")
    assert result.status == 0, result
    assert "pushkov-tweet-on-kerry-visit" in result.stdout
    assert "There's nothing more powerful in politics than need." in result.stdout


def test_people_by_alias_in_another_script() -> None:
    data = json.loads(invoke("people", "Си Цзиньпин", "--format", "json").stdout)
    assert data["name"] == "Xi Jinping"
    assert data["events"][0]["id"] == "xi-first-state-visit-moscow"


def test_people_name_that_matches_nobody_or_several() -> None:
    nobody = invoke("people", "Nobody")
    assert nobody.status == 1, nobody  # not found: "nothing matched", with a hint
    assert "'relations people' lists them" in nobody.stderr
    timeline = load_timeline(BUNDLED)
    registry = people_of(timeline.people)
    assert [p.name for p in registry.find("Hu", named_in(timeline.events))] == ["Hu Hao"]


def test_quotes_by_speaker() -> None:
    result = invoke("quotes", "--speaker", "Shen", "--format", "json")
    rows = json.loads(result.stdout)
    assert [(r["by"], r["date"], r["event"]) for r in rows] == [
        ("Shen Danyang", "2016-01-06", "mofcom-trade-outlook-briefing")]
    assert rows[0]["role"] == "Spokesman, Ministry of Commerce of China"


def test_quotes_counts_agree_with_people() -> None:
    rows = json.loads(invoke("quotes", "--format", "json").stdout)
    people = json.loads(invoke("people", "--format", "json").stdout)
    assert len(rows) == sum(p["quotes"] for p in people)


def test_figures_as_data_and_bars() -> None:
    rows = json.loads(invoke("figures", "--format", "json").stdout)
    assert [(r["label"], r["value"], r["unit"]) for r in rows] == [
        ("China's exports to Russia, 2015", "32.9", "billion USD"),
        ("China's imports from Russia, 2015", "31.4", "billion USD")]
    timeline = load_timeline(BUNDLED)
    shares = [r.share for r in figure_rows(timeline.events)]
    assert shares[0] == 1.0
    assert shares[1] == pytest.approx(31.4 / 32.9)


def test_on_this_day() -> None:
    timeline = load_timeline(BUNDLED)
    assert [e.id for e in on_this_day(timeline.events, 3, 27)] == ["palmyra-retaken"]
    assert on_this_day(timeline.events, 3, 27, skip_year=2016) == []
    result = invoke("on-this-day", "March 27")
    assert result.stdout.split("\t")[1] == "palmyra-retaken"
    assert invoke("on-this-day", "2017-03-27").stdout.split("\t")[1] == "palmyra-retaken"
    assert invoke("on-this-day", "2016-03-27").status == 1
    assert parse_month_day("02-29") == (2, 29, None)
    assert invoke("on-this-day", "02-30").status == 2


# -- shell completion ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("relations show palm", ["palmyra-retaken"]),
        ("relations timeline --category tr", ["trade"]),
        ("relations timeline --tag wi", ["withdrawal"]),
        ("relations timeline --actor Sov", ["Soviet Union"]),
        ("relations search x --person Xi", ["Xi Jinping"]),
        ("relations people Alex", ["Alexander Gabuev", "Alexei Pushkov"]),
    ],
)
def test_completion_from_the_timeline_in_use(words: str, expected: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env.update(PYTHONPATH=str(ROOT), _RELATIONS_COMPLETE="complete_bash", COMP_WORDS=words,
               COMP_CWORD=str(len(words.split()) - 1))
    done = subprocess.run([sys.executable, "-m", "relations_cli"], capture_output=True,
                          text=True, env=env, check=False, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == expected


def test_completion_reads_the_data_option(tmp_path: Path) -> None:
    path = write(tmp_path, timeline_text(["2015"]))
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    words = f"relations show --data {path} e"
    env.update(PYTHONPATH=str(ROOT), _RELATIONS_COMPLETE="complete_bash", COMP_WORDS=words,
               COMP_CWORD="4")
    done = subprocess.run([sys.executable, "-m", "relations_cli"], capture_output=True,
                          text=True, env=env, check=False, timeout=30)
    assert done.stdout.split() == ["e0"]


def test_the_sample_summary_renders_in_every_format() -> None:
    for fmt in ("plain", "json", "jsonl", "csv", "tsv", "markdown", "pretty", "table"):
        result = invoke("summary", "--data", SAMPLE, "--format", fmt)
        assert result.status == 0, (fmt, result)
        assert result.stdout


def test_on_this_day_defaults_to_today(tmp_path: Path) -> None:
    today = date.today()
    try:
        last_year = today.replace(year=today.year - 1)
    except ValueError:  # 29 February: a year ago had none, so four years ago
        last_year = today.replace(year=today.year - 4)
    path = write(tmp_path, timeline_text([last_year.isoformat(), today.isoformat(),
                                          f"{last_year.year:04d}"]))
    result = invoke("on-this-day", "--data", str(path))
    assert result.status == 0, result
    # Other years only, and only events dated to the day.
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        last_year.isoformat()]

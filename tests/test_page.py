"""The HTML page's pieces without a browser (issue 23 items 5 and 6): dates in words and in
French, category colors from the whole timeline, the time axis, the data kept safe inside its
script element, and the page's weight. tests/browser/test_page.py opens the page itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from relations_cli.cli.options import PageLanguage
from relations_cli.core.dates import parse_event_when
from relations_cli.core.engine import MemoryEngine
from relations_cli.core.model import Day, Event
from relations_cli.core.values import timeline_categories
from relations_cli.render.html import MESSAGES, date_note, script_json
from relations_cli.render.publish import (
    LANGUAGES,
    NO_CATEGORY,
    PALETTE,
    axis_ticks,
    category_colors,
    readable_period,
    when_in_words,
)
from relations_cli.store.loader import load_timeline
from relations_cli.store.source import open_engine
from tests.helpers import BUNDLED, invoke, write
from tests.test_publish_forms import page_events


def _event(when: str) -> Event:
    date, end = parse_event_when(when)
    return Event(id="x", date=date, end=end, title="X")


def test_qualified_dates_are_said_in_words() -> None:
    expected = {
        "1961~": ("approximately 1961", "vers 1961"),
        "1961?": ("1961, uncertain", "1961, incertain"),
        "1961%": ("approximately 1961, uncertain", "vers 1961, incertain"),
        "2015-09-01": ("September 1, 2015", "1er septembre 2015"),
        "2015-09-03~": ("approximately September 3, 2015", "vers 3 septembre 2015"),
        "2016-21": ("Spring 2016", "Printemps 2016"),
        "196X": ("the 1960s", "les années 1960"),
        "-0043": ("44 BC", "44 av. J.-C."),
        "1969-07-20T20:17Z": ("July 20, 1969, 20:17 UTC", "20 juillet 1969, 20:17 UTC"),
        "2015-09/..": ("September 2015 – open end", "septembre 2015 – fin ouverte"),
        "2015-12-20/2016-01-10": ("December 20, 2015 – January 10, 2016",
                                  "20 décembre 2015 – 10 janvier 2016"),
    }
    for when, (english, french) in expected.items():
        assert when_in_words(_event(when)) == english, when
        assert when_in_words(_event(when), "fr") == french, when
    # The terminal keeps its short form.
    assert readable_period(_event("1961~").date) == "c. 1961"


def test_a_date_note_says_precision_and_qualifier_never_twice_dated() -> None:
    assert date_note(_event("1961~")) == "Dated only to the year. The date is approximate."
    assert date_note(_event("1961?/1963%")) == (
        "Dated only to the year. The date is uncertain. The end is approximate and uncertain.")
    assert date_note(_event("2015-09-03")) == ""
    assert date_note(_event("2015-09/..")) == "Dated only to the month."
    assert date_note(_event("1961~"), "fr") == \
        "Daté seulement à l'année. La date est approximative."
    for lang in LANGUAGES:
        assert set(MESSAGES[lang]) == set(MESSAGES["en"]), lang


def test_the_languages_of_lang_are_those_with_words() -> None:
    assert tuple(language.value for language in PageLanguage) == LANGUAGES
    result = invoke("timeline", "--data", str(BUNDLED), "--format", "plain", "--lang", "fr")
    assert result.status == 2, result
    assert "--lang is for --format html or mermaid, not plain" in result.stderr


def test_colors_are_dealt_in_the_order_of_every_category() -> None:
    every = ["trade", "History", "security", "diplomacy"]
    colors = category_colors(every)
    assert list(colors) == ["diplomacy", "History", "security", "trade", NO_CATEGORY]
    assert list(colors.values()) == [*PALETTE[:4], PALETTE[-1]]
    # A subset of the events, with the whole timeline's categories: the same colors.
    assert category_colors([*every, "security"]) == colors
    assert len(set(category_colors([f"c{n}" for n in range(10)]).values())) == 11


def test_the_timeline_categories_are_the_same_from_memory_and_the_index(tmp_path: Path) -> None:
    timeline = load_timeline(BUNDLED)
    from_memory = timeline_categories(MemoryEngine(timeline))
    assert sorted(from_memory) == sorted({e.category for e in timeline.events if e.category})
    assert sorted(timeline_categories(open_engine(str(BUNDLED)))) == sorted(from_memory)


def test_axis_ticks_are_round_and_fit() -> None:
    years = axis_ticks(Day.of(1960, 1, 1), Day.of(2016, 6, 25), 6)
    assert [label for _, label in years] == ["1960", "1970", "1980", "1990", "2000", "2010"]
    assert all(day.month == 1 and day.day == 1 for day, _ in years)
    months = axis_ticks(Day.of(2015, 9, 3), Day.of(2016, 3, 27), 8)
    assert [label for _, label in months] == [
        "Oct 2015", "Nov 2015", "Dec 2015", "Jan 2016", "Feb 2016", "Mar 2016"]
    assert [label for _, label in axis_ticks(Day.of(2015, 9, 3), Day.of(2016, 3, 27), 8,
                                             "fr")][:2] == ["oct. 2015", "nov. 2015"]
    ancient = axis_ticks(Day.of(-99, 1, 1), Day.of(100, 1, 1), 6)
    assert [label for _, label in ancient] == ["51 BC", "1 BC", "50", "100"]  # -50, 0, ...
    for room in range(1, 12):
        assert len(axis_ticks(Day.of(1, 1, 1), Day.of(9999, 12, 31), room)) <= room


@given(st.text())
def test_script_json_cannot_close_its_element(text: str) -> None:
    written = script_json({"title": text, "list": [text]})
    assert "<" not in written
    assert ">" not in written
    assert "&" not in written
    assert "\u2028" not in written
    assert "\u2029" not in written
    assert re.search("[\ud800-\udfff]", written) is None
    assert json.loads(written) == {"title": text, "list": [text]}


def test_hostile_titles_reach_the_page_only_as_data(tmp_path: Path) -> None:
    hostile = "</script><img src=x onerror=alert(1)>\u2028<!--"
    data = write(tmp_path, 'events:\n  - id: a\n    date: 2015\n    title: "</script><img '
                 'src=x onerror=alert(1)>\\u2028<!--"\n')
    page = invoke("timeline", "--data", str(data), "--format", "html").stdout
    assert "onerror" not in page.split("<script")[0]  # the markup before the data
    assert "</script><img" not in page
    _, events = page_events(page)
    assert events[0][1] == hostile.replace("\u2028", "\\u2028")


def test_a_large_page_weighs_less_than_its_yaml(tmp_path: Path) -> None:
    """The events reach the page once, as arrays: a realistic timeline's page is smaller than
    its YAML (bench/page.py measures 20,000 and 100,000 events)."""
    lines = ["title: Many", "events:"]
    for number in range(500):
        lines += [f"  - id: event-{number}", f"    date: 20{number % 20 + 10}-0{number % 9 + 1}",
                  f"    title: Talks on the pipeline, round {number}",
                  "    category: " + ["trade", "energy", "security"][number % 3],
                  "    summary: The delegations met for two days and agreed on a text.",
                  "    people: [Xi Jinping, Vladimir Putin]", "    tags: [gas, summit]",
                  "    sources:", "      - title: Beijing Review",
                  "        url: https://example.org/review"]
    data = write(tmp_path, "\n".join(lines) + "\n")
    page = invoke("timeline", "--data", str(data), "--format", "html")
    assert page.status == 0, page
    assert len(page.stdout.encode()) < data.stat().st_size
    assert page.stdout.count("Talks on the pipeline, round 499") == 1  # once, as data


def _first_days(*args: str) -> dict[str, int]:
    """Each event's first day on the page's axis, decoded as the page's script does."""
    page = invoke("timeline", "--data", str(BUNDLED), "--format", "html", *args)
    assert page.status == 0, page
    _, events = page_events(page.stdout)
    days: dict[str, int] = {}
    day = 0
    for event in events:
        day += event[5] if len(event) > 5 else 0
        days[event[0]] = day
    return days


def test_first_days_sent_as_steps_decode_in_any_order() -> None:
    forward = _first_days()
    assert forward[next(iter(forward))] == 0  # the earliest event starts the axis
    assert _first_days("--reverse") == forward
    assert all(day >= 0 for day in forward.values())

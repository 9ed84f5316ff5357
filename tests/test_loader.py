"""Strict loading: values as written, and one FILE:LINE:COL problem for each thing wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from relations_cli.core.errors import TimelineError
from relations_cli.core.people import people_of
from relations_cli.store.loader import load_timeline, parse_timeline, validate_file
from tests.helpers import BUNDLED, FIXTURES, MINIMAL, write


def problems_of(text: str) -> list[str]:
    timeline, problems = parse_timeline(text, "t.yaml")
    assert (timeline is None) == bool(problems)
    return [str(p) for p in problems]


def only_problem(text: str) -> str:
    found = problems_of(text)
    assert len(found) == 1, found
    return found[0]


def test_the_sample_loads_in_chronological_order() -> None:
    timeline = load_timeline(FIXTURES / "sample.yaml")
    assert [e.id for e in timeline.events] == [
        "year-only", "month-only", "parade", "span", "trade-figures", "hostile"]
    assert people_of(timeline.people).get("习近平") is not None
    assert people_of(timeline.people).get("Hu Hao") is not None


def test_values_stay_as_written() -> None:
    timeline = load_timeline(FIXTURES / "sample.yaml")
    hostile = timeline.event("hostile")
    assert hostile is not None
    assert hostile.tags == ("NO", "010")
    figures = timeline.event("trade-figures")
    assert figures is not None
    assert figures.figures[0].value == "32.9"
    assert figures.figures[0].change == "-35%"
    year = timeline.event("year-only")
    assert year is not None
    assert year.date.text == "2015"


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert [e.id for e in load_timeline(path).events] == ["first"]


def test_the_bundled_timeline_is_valid() -> None:
    timeline, problems = validate_file(BUNDLED)
    assert problems == []
    assert timeline is not None
    assert len(timeline.events) >= 15


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "t.yaml:1:1: the file is empty"),
        ("just text\n", "t.yaml:1:1: the top level must be a mapping with an 'events:' list, "
         "not text"),
        ("- a\n- b\n", "t.yaml:1:1: the top level must be a mapping with an 'events:' list, "
         "not a list"),
        ("title: x\n", "t.yaml:1:1: the timeline has no 'events'"),
        ("events:\n\t- id: a\n", "t.yaml:2:1: a tab character is not allowed here"),
        ("events: [\n", "t.yaml:2:1: not valid YAML"),
        ("events:\n  - id: a\n    date: 2015-02-30\n    title: T\n",
         "t.yaml:3:11: date of event 'a': 2015-02-30 does not exist"),
        ("events:\n  - id: a\n    date: 2015\n    tittle: T\n",
         "t.yaml:4:5: unknown field 'tittle' in an event (did you mean 'title'?)"),
        ("events:\n  - id: a\n    id: b\n    date: 2015\n    title: T\n",
         "t.yaml:3:5: duplicate key 'id' (first at line 2)"),
        ("events:\n  - id: Bad_ID\n    date: 2015\n    title: T\n",
         "t.yaml:2:9: id 'Bad_ID' must be lowercase words joined by '-'"),
        ("events:\n  - id: a\n    date: 2015\n    title: [x]\n",
         "t.yaml:4:12: 'title' in event 'a' must be text, not a list"),
        ("events:\n  - id: a\n    date: 2015\n    title: T\n    tags: trade\n",
         "t.yaml:5:11: 'tags' in event 'a' must be a list, not text ('trade')"),
        ("events:\n  - id: a\n    date: 2015\n    title: T\n    summary: !!binary aGk=\n",
         "t.yaml:5:14: tag !!binary is not supported"),
        ("events:\n  - id: a\n    date: 2015\n    title: !custom T\n",
         "t.yaml:4:12: tag !custom is not supported"),
        ("events: !!set {a, b}\n", "t.yaml:1:9: tag !!set is not supported"),
        ("events:\n  - id: a\n    date: 2015-09-03T25:00:00\n    title: T\n",
         "t.yaml:3:11: date of event 'a': '2015-09-03T25:00:00' has a time of day that does "
         "not exist"),
        ("events:\n  - id: a\n    date: -44\n    title: T\n",
         "t.yaml:3:11: date of event 'a': '-44' is not a date; write YYYY, YYYY-MM or "
         "YYYY-MM-DD (a year has four digits: 0044, -0043)"),
        ("events:\n  - id: a\n    date: 20150\n    title: T\n",
         "t.yaml:3:11: date of event 'a': '20150' has a year outside -9999 to 9999"),
        ("events:\n  - id: a\n    date: 2016\n    end: 2015\n    title: T\n",
         "t.yaml:4:10: end 2015 is before date 2016"),
        ("events:\n  - id: a\n    title: T\n", "t.yaml:2:5: event 'a' has no 'date'"),
        ("events:\n  - date: 2015\n    title: T\n", "t.yaml:2:5: an event has no 'id'"),
        ("events:\n  - id: a\n    date: 2015\n    title: T\n    category: two words\n",
         "t.yaml:5:15: category 'two words' must be one word"),
        ("events:\n  - just text\n", "t.yaml:2:5: an event must be a mapping"),
        ("a: 1\na: 2\nevents: []\n", "t.yaml:1:1: unknown field 'a' in the timeline"),
        ('events:\n  - id: a\n    date: 2015\n    title: "\\x07 bell"\n    quotes: [{by: X}]\n',
         "t.yaml:5:14: a quote has no 'text'"),
    ],
)
def test_each_problem_names_its_line_and_column(text: str, expected: str) -> None:
    assert problems_of(text)[0].startswith(expected)


def test_duplicate_ids_name_both_lines() -> None:
    text = MINIMAL + "  - id: first\n    date: 2016\n    title: Again\n"
    assert only_problem(text) == "t.yaml:5:9: duplicate id 'first' (first at line 2)"


def test_every_problem_is_reported_not_only_the_first() -> None:
    text = (
        "events:\n"
        "  - id: a\n    date: 2015-02-30\n    title: T\n"
        "  - id: b\n    date: 2015\n    tittle: T\n"
        "  - id: a\n    date: 2015\n    title: T\n"
    )
    found = problems_of(text)
    assert [p.split(":")[1] for p in found] == ["3", "7", "8"]


def test_an_alias_is_refused_where_it_stands() -> None:
    text = "events:\n  - &e {id: a, date: 2015, title: T}\n  - *e\n"
    assert only_problem(text) == ("t.yaml:3:5: aliases (*name) are not supported; "
                                  "write the value out")


def test_an_alias_bomb_fails_fast() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        prev = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([prev] * 9)}]")
    lines.append("events: *a8")
    problems = problems_of("\n".join(lines) + "\n")
    assert any("aliases (*name) are not supported" in p for p in problems)


def test_deep_nesting_is_one_problem() -> None:
    text = "events:\n  - id: a\n    date: 2015\n    title: " + "[" * 500 + "]" * 500 + "\n"
    assert "must be text, not a list" in only_problem(text)


def test_invalid_utf8_names_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"events:\n  - id: a\n    title: caf\xe9\n")
    with pytest.raises(TimelineError) as raised:
        load_timeline(path)
    assert str(raised.value) == (f"{path}:3:15: invalid UTF-8: byte 0xe9 at byte offset 32; "
                                 "save the file as UTF-8")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.mkdir(), p)[1], "is a directory"),
    ],
)
def test_unreadable_paths(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "x.yaml"
    assert callable(make)
    make(path)
    with pytest.raises(TimelineError, match=message):
        load_timeline(path)


def test_files_over_the_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          ) -> None:
    monkeypatch.setenv("RELATIONS_MAX_BYTES", "100")
    path = write(tmp_path, MINIMAL + "#" * 200 + "\n")
    with pytest.raises(TimelineError, match="over the 100-byte limit"):
        load_timeline(path)


def test_devices_and_fifos_are_refused(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(TimelineError, match="is not a regular file"):
            load_timeline(path)


def test_an_empty_value_means_absent_with_either_parser(tmp_path: Path) -> None:
    # The C parser marks a plain scalar with style '' (the Python one with None): `tags:` or
    # `events:` with nothing after it is an empty list with both.
    text = "people:\nevents:\n"
    assert problems_of(text) == []
    path = write(tmp_path, MINIMAL + "    tags:\n    people:\n")
    timeline, problems = validate_file(path)
    assert problems == []
    assert timeline is not None
    assert timeline.events[0].tags == ()
    # A quoted empty text is still text, not a list.
    assert "must be a list" in only_problem(MINIMAL + "    tags: ''\n")

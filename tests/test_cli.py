"""The commands through Typer's CliRunner: exit codes, stdout and stderr apart."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from relations_cli.core.dates import parse_event_date
from relations_cli.render.fields import CSV_COLUMNS, JSON_EVENT_KEYS
from tests.helpers import BUNDLED, FIXTURES, MINIMAL, invoke, write

SAMPLE = str(FIXTURES / "sample.yaml")
ERROR_LINE = re.compile(r"^relations: error: .+\n\Z")


def test_timeline_since_2015_lists_the_bundled_chronology() -> None:
    result = invoke("timeline", "--since", "2015")
    assert result.status == 0, result
    lines = result.stdout.splitlines()
    starts = [parse_event_date(line.split("\t")[0].split("..")[0]).start for line in lines]
    assert starts == sorted(starts)
    assert any("palmyra-retaken" in line for line in lines)
    assert not any(line.startswith(("1960", "2013")) for line in lines)
    assert result.stderr == ""


def test_search_kerry_finds_his_three_visits_and_the_reaction() -> None:
    result = invoke("search", "Kerry")
    assert result.status == 0, result
    assert [line.split("\t")[1] for line in result.stdout.splitlines()] == [
        "kerry-sochi-visit", "kerry-moscow-visit-2015-12", "kerry-moscow-visit-2016-03",
        "pushkov-tweet-on-kerry-visit"]


@pytest.mark.parametrize("alias", ["Xi", "习近平", "Си Цзиньпин", "xi jinping"])
def test_person_filter_and_search_accept_any_alias(alias: str) -> None:
    by_person = invoke("timeline", "--person", alias)
    assert by_person.status == 0, by_person
    assert "beijing-victory-parade" in by_person.stdout
    assert "victory-day-parade-moscow" in by_person.stdout


def test_nothing_matched_exits_1_with_a_note() -> None:
    result = invoke("search", "zzzz-no-such-thing")
    assert result.status == 1, result
    assert result.stdout == ""
    assert result.stderr.startswith("relations: no events match")


def test_show_prints_the_event_in_full() -> None:
    result = invoke("show", "customs-2015-trade-figures")
    assert result.status == 0, result
    out = result.stdout
    assert "date: 2016-01-13 (day)" in out
    assert "date_note: The article says \"a press conference on January 13\"" in out
    assert "person: Huang Songping (Spokesperson, General Administration of Customs" in out
    assert "figure: China's exports to Russia, 2015: 32.9 billion USD (down 34.4% year on " \
        "year, more than a third as the article puts it)" in out
    assert "figure: China's imports from Russia, 2015: 31.4 billion USD (down 19.1% year on " \
        "year, nearly a fifth as the article puts it)" in out
    assert "source: Warming Relations (Beijing Review, 2016-04)" in out


def test_show_json_is_one_object_with_the_contract_keys() -> None:
    result = invoke("show", "palmyra-retaken", "--format", "json")
    assert result.status == 0, result
    record = json.loads(result.stdout)
    assert tuple(record) == JSON_EVENT_KEYS
    assert record["date"] == "2016-03-27"


def test_show_unknown_id_suggests_close_ones() -> None:
    result = invoke("show", "palmyra-retake")
    assert result.status == 1, result
    assert ERROR_LINE.match(result.stderr), result
    assert "did you mean palmyra-retaken" in result.stderr


def test_validate_valid_file() -> None:
    result = invoke("validate", str(BUNDLED))
    assert result.status == 0, result
    assert result.stdout == ""
    assert "is valid: " in result.stderr


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "events:\n  - id: a\n    date: 2015-02-30\n    title: T\n"
                 "  - id: a\n    date: 2015\n    title: T\n    color: red\n")
    result = invoke("validate", str(path))
    assert result.status == 2, result
    assert result.stdout.splitlines() == [
        f"{path}:3:11: date of event 'a': 2015-02-30 does not exist (February 2015 has 28 days)",
        f"{path}:5:9: duplicate id 'a' (first at line 2)",
        f"{path}:8:5: unknown field 'color' in an event (fields: id, date, end, title, summary, "
        "category, actors, people, place, tags, quotes, figures, sources, date_note, media)",
    ]
    assert result.stderr == f"relations: 3 problems in {path}\n"


def test_validate_json(tmp_path: Path) -> None:
    path = write(tmp_path, "events:\n  - id: a\n    title: T\n")
    result = invoke("validate", str(path), "--format", "json")
    assert result.status == 2, result
    assert json.loads(result.stdout) == [
        {"file": str(path), "line": 2, "column": 5, "severity": "error",
         "message": "event 'a' has no 'date'"}]


def test_validate_json_holds_the_warnings_with_their_severity(tmp_path: Path) -> None:
    valid = write(tmp_path, "people:\n  - name: Nobody Named\nevents:\n"
                  "  - id: a\n    date: 2015\n    title: T\n", "valid.yaml")
    broken = write(tmp_path, "events:\n  - id: a\n    title: T\n", "broken.yaml")
    result = invoke("validate", str(broken), str(valid), "--format", "json")
    assert result.status == 2, result
    records = json.loads(result.stdout)
    assert [(r["file"], r["severity"]) for r in records] == [
        (str(broken), "error"), (str(valid), "warning")]
    assert records[1] == {
        "file": str(valid), "line": 2, "column": 5, "severity": "warning",
        "kind": "unused-person",
        "message": "'Nobody Named' is in the people registry but no event names them"}
    assert "warning:" not in result.stderr  # in the data, not said twice
    alone = invoke("validate", str(valid), "--format", "json")
    assert alone.status == 0, alone
    assert [r["severity"] for r in json.loads(alone.stdout)] == ["warning"]
    strict = invoke("validate", str(valid), "--format", "json", "--strict")
    assert strict.status == 2, strict


def test_data_option_and_environment_choose_the_timeline(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    by_option = invoke("timeline", "--data", str(path))
    by_env = invoke("timeline", env={"RELATIONS_DATA": str(path)})
    assert by_option.stdout == by_env.stdout == "2015-09-03\tfirst\t-\tFirst event\n"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["timeline", "--since", "soon"], "--since: cannot read 'soon' as a date"),
        (["timeline", "--on", "2015-02-30"], "--on: 2015-02-30 does not exist"),
        (["timeline", "--since", "2016", "--until", "2015"], "the date range is empty"),
        (["timeline", "--bogus"], "No such option: --bogus"),
        (["timeline", "--format", "xml"], "Invalid value for '--format' / '-f'"),
        (["timeline", "--limit", "0"], "Invalid value for '--limit' / '-n'"),
        (["search"], "Missing argument 'TERMS...'"),
        (["nonsense"], "No such command 'nonsense'"),
        (["timeline", "--data", "/nonexistent/x.yaml"], "/nonexistent/x.yaml:1:1: no such file"),
    ],
)
def test_usage_and_input_errors_are_one_line_and_exit_2(args: list[str], fragment: str) -> None:
    result = invoke(*args)
    assert result.status == 2, result
    assert ERROR_LINE.match(result.stderr), result
    assert fragment in result.stderr
    assert result.stdout == ""


def test_broken_timeline_is_one_line_with_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, "events:\n  - id: a\n    date: 2015\n    title: T\n    title: U\n")
    result = invoke("timeline", "--data", str(path))
    assert result.status == 2, result
    assert result.stderr == (f"relations: error: {path}:5:5: duplicate key 'title' "
                             f"(first at line 4); run 'relations validate {path}' for the "
                             "full list\n")


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "markdown", "plain", "table"])
def test_every_format_carries_every_selected_event(fmt: str) -> None:
    result = invoke("timeline", "--data", SAMPLE, "--format", fmt)
    assert result.status == 0, result
    # Markdown names events by title, every other format by id.
    expected = (["A year-long matter", "Parade in Beijing", "Something in September",
                 "Across the new year", "Trade fell"] if fmt == "markdown" else
                ["year-only", "parade", "month-only", "span", "trade-figures", "hostile"])
    for name in expected:
        assert name in result.stdout, (fmt, name)


def test_json_is_a_contract() -> None:
    result = invoke("timeline", "--data", SAMPLE, "--format", "json")
    records = json.loads(result.stdout)
    assert all(tuple(r) == JSON_EVENT_KEYS for r in records)
    year = next(r for r in records if r["id"] == "year-only")
    assert year["date"] == "2015"
    assert year["end"] is None
    span = next(r for r in records if r["id"] == "span")
    assert (span["date"], span["end"]) == ("2015-12-20", "2016-01-10")


def test_jsonl_is_one_object_a_line() -> None:
    result = invoke("timeline", "--data", SAMPLE, "--format", "jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    assert [json.loads(line)["id"] for line in lines] == [
        "year-only", "month-only", "parade", "span", "trade-figures", "hostile"]


def test_csv_has_the_header_and_neutralises_formulas() -> None:
    result = invoke("timeline", "--data", SAMPLE, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    titles = {row[0]: row[3] for row in rows[1:]}
    assert titles["trade-figures"] == "Trade fell: =SUM(A1) and a | pipe"
    assert len(rows) == 7


def test_markdown_escapes_pipes() -> None:
    result = invoke("timeline", "--data", SAMPLE, "--format", "markdown", "--category", "trade")
    assert "Trade fell: =SUM(A1) and a \\| pipe" in result.stdout


def test_every_command_has_help_with_an_example() -> None:
    from relations_cli.cli import app

    top = invoke("--help")
    assert top.status == 0, top
    assert "Examples:" in top.stdout
    names = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
    assert {"timeline", "search", "show", "validate"} <= set(names)
    for name in names:
        result = invoke(name, "--help")
        assert result.status == 0, result
        assert "Example" in result.stdout, name
        assert f"relations {name}" in result.stdout, name


def test_no_command_shows_the_help_on_stderr() -> None:
    result = invoke()
    assert result.status == 2, result
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: relations [OPTIONS] COMMAND")
    assert "timeline" in result.stderr
    assert "\\n" not in result.stderr


def test_version() -> None:
    from relations_cli import __version__

    assert invoke("--version").stdout == f"relations {__version__}\n"

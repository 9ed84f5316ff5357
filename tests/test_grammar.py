"""One grammar: the format registry, the same options on every command, names and values
found with hints, and every command writing every format it offers validly."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relations_cli.core.errors import NotFoundError, RelationsError
from relations_cli.core.model import Person
from relations_cli.core.people import People
from relations_cli.render.formats import Kind, format_for_path, names_for
from relations_cli.render.markdown import markdown_text
from tests.budgets import examples
from tests.helpers import FIXTURES, invoke, write

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = str(FIXTURES / "sample.yaml")

# Each command, the arguments it needs, and the kind of result it produces.
COMMANDS = {
    "timeline": ([], Kind.EVENTS),
    "search": (["a"], Kind.EVENTS),
    "show": (["parade"], Kind.EVENT),
    "summary": ([], Kind.REPORT),
    "chart": ([], Kind.CHART),
    "people": ([], Kind.REPORT),
    "quotes": ([], Kind.REPORT),
    "figures": ([], Kind.REPORT),
    "on-this-day": (["09-03"], Kind.EVENTS),
    "values": (["category"], Kind.REPORT),
}
SELECTING = ("timeline", "search", "summary", "chart", "people", "quotes", "figures",
             "on-this-day", "values")
LISTINGS = ("timeline", "search", "people", "quotes", "figures", "on-this-day", "values")


# -- the registry -----


def test_output_extensions_come_from_the_registry() -> None:
    assert format_for_path("out/Trade.CSV", Kind.EVENTS) == "csv"
    assert format_for_path("notes.markdown", Kind.REPORT) == "markdown"
    with pytest.raises(RelationsError, match="no format"):
        format_for_path("x.yaml", Kind.EVENTS)
    with pytest.raises(RelationsError, match="cannot hold"):
        format_for_path("chart.csv", Kind.CHART)


@pytest.mark.parametrize(("command", "kind"), [(c, k) for c, (_, k) in COMMANDS.items()])
def test_format_offers_only_what_the_command_can_write(command: str, kind: Kind) -> None:
    help_text = invoke(command, "--help").stdout
    offered = re.search(r"-f, --format <([^>]+)>", help_text)
    assert offered is not None, help_text
    assert offered.group(1).split("|") == names_for(kind)


def test_unwritable_format_extension_and_force_are_usage_errors(tmp_path: Path) -> None:
    refused = invoke("chart", "--format", "csv", "--data", SAMPLE)
    assert refused.status == 2, refused
    yaml_out = invoke("timeline", "--output", str(tmp_path / "x.yaml"), "--data", SAMPLE)
    assert yaml_out.status == 2, yaml_out
    assert "no format" in yaml_out.stderr
    assert not (tmp_path / "x.yaml").exists()
    force = invoke("timeline", "--force", "--data", SAMPLE)
    assert force.status == 2, force
    assert "--force needs --output" in force.stderr


# -- the same options everywhere -----


@pytest.mark.parametrize("command", SELECTING)
def test_every_selecting_command_takes_every_filter(command: str) -> None:
    args, _ = COMMANDS[command]
    result = invoke(command, *args, "--data", SAMPLE, "--since", "2015", "--until", "2016",
                    "--within", "--category", "diplomacy", "--tag", "x", "--actor", "China",
                    "--person", "Xi", "--place", "Beijing", "--on", "2015")
    assert result.status in (0, 1), result  # nothing matches all of that; none is refused


@pytest.mark.parametrize("command", LISTINGS)
def test_every_listing_takes_limit_reverse_and_count(command: str) -> None:
    args, _ = COMMANDS[command]
    everything = invoke(command, *args, "--data", SAMPLE, "--format", "json")
    counted = invoke(command, *args, "--data", SAMPLE, "--count", "--limit", "1", "--reverse")
    assert counted.status == everything.status, counted
    assert counted.stdout.strip() == ("1" if everything.status == 0 else "0")


def test_global_options_may_stand_before_the_command() -> None:
    before = invoke("--data", SAMPLE, "--color", "never", "timeline", "--format", "plain")
    after = invoke("timeline", "--data", SAMPLE, "--color", "never", "--format", "plain")
    assert before.status == 0, before
    assert before.stdout == after.stdout


def test_global_options_before_the_command_in_a_real_run() -> None:
    from relations_cli.cli import _command_in

    assert _command_in(["--data", "timeline", "search", "x"]) == "search"
    assert _command_in(["--color", "never", "-d", "x.yaml", "timeline"]) == "timeline"


def test_fields_and_no_header() -> None:
    result = invoke("timeline", "--data", SAMPLE, "--fields", "id,date", "--no-header",
                    "--format", "csv")
    assert result.status == 0, result
    assert result.stdout.splitlines()[0] == "year-only,2015"
    plain = invoke("timeline", "--data", SAMPLE, "--fields", "title,id", "--limit", "1",
                   "--format", "plain")
    assert plain.stdout == "title\tid\nA year-long matter\tyear-only\n"
    report = invoke("people", "--data", SAMPLE, "--fields", "events,name", "--format", "tsv")
    assert report.stdout.splitlines()[0] == "events\tname"
    unknown = invoke("timeline", "--data", SAMPLE, "--fields", "titel", "--format", "csv")
    assert unknown.status == 2, unknown
    assert "did you mean title?" in unknown.stderr


def test_summary_groupings_sort_and_top() -> None:
    three = invoke("summary", "--by", "year", "--by", "tag", "--by", "place")
    assert three.status == 2, three
    assert "one or two" in three.stderr
    decade = json.loads(invoke("summary", "--data", SAMPLE, "--by", "decade", "--format",
                               "json").stdout)
    assert decade["groups"] == [{"decade": "2010s", "count": 6}]
    weeks = json.loads(invoke("summary", "--data", SAMPLE, "--by", "week", "--format",
                              "json").stdout)
    assert {"week": "2015-W36", "count": 1} in weeks["groups"]
    top = json.loads(invoke("summary", "--data", SAMPLE, "--by", "category", "--sort", "count",
                            "--top", "1", "--format", "json").stdout)
    assert len(top["groups"]) == 1
    assert top["groups"][0]["count"] == max(g["count"] for g in json.loads(invoke(
        "summary", "--data", SAMPLE, "--by", "category", "--format", "json").stdout)["groups"])


def test_quotes_speaker_and_not_found_names_exit_1_with_a_hint() -> None:
    assert invoke("quotes", "--speaker", "Gabuev").status == 0
    nobody = invoke("quotes", "--speaker", "Nobody")
    assert nobody.status == 1, nobody
    assert "Gabuev" in invoke("quotes", "--speaker", "Gabuev").stdout
    misspelt = invoke("people", "Gabuyev")
    assert misspelt.status == 1, misspelt
    assert "did you mean" in misspelt.stderr


# -- finding things -----


def test_search_folds_dashes_and_reads_sources(tmp_path: Path) -> None:
    path = write(tmp_path, """\
events:
  - id: dash
    date: 2016
    title: China–Russia trade
    sources:
      - title: A report
        publisher: Carnegie Moscow Center
""")
    for term in ("China-Russia", "China—Russia", "china−russia", "Carnegie"):
        result = invoke("search", term, "--data", str(path), "--format", "plain")
        assert result.status == 0, (term, result)
        assert "dash" in result.stdout
    assert invoke("search", "", "--data", str(path)).status == 2


def test_values_lists_each_value_with_its_count() -> None:
    result = invoke("values", "category", "--data", SAMPLE, "--format", "csv")
    assert result.status == 0, result
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["category", "events"]
    assert ["diplomacy", "2"] in rows


def test_on_this_day_note_names_the_day() -> None:
    result = invoke("on-this-day", "01-01", "--data", SAMPLE)
    assert result.status == 1, result
    assert "on January 1" in result.stderr


def test_validate_several_files_and_one_event(tmp_path: Path) -> None:
    good = write(tmp_path, "events:\n  - id: a\n    date: 2015\n    title: A\n", "good.yaml")
    bad = write(tmp_path, "events:\n  - id: a\n    date: 2015\n", "bad.yaml")
    result = invoke("validate", str(good), str(bad))
    assert result.status == 2, result
    assert "good.yaml is valid: 1 event, 0 people" in result.stderr
    assert "bad.yaml:" in result.stdout


# -- messages, as golden files -----

MESSAGES = {
    "did-you-mean-category": ["timeline", "--category", "diplomcy"],
    "did-you-mean-tag": ["summary", "--tag", "trad"],
    "did-you-mean-id": ["show", "parad"],
    "not-found-person": ["people", "Nobody"],
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_matches_golden_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The file as typed, relative, so that a message naming it reads the same on any machine.
    monkeypatch.chdir(Path(SAMPLE).parent)
    result = invoke(*MESSAGES[name], "--data", Path(SAMPLE).name)
    assert result.status == 1, result
    golden = GOLDEN / f"message-{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stderr, encoding="utf-8", newline="")
    assert result.stderr == golden.read_text(encoding="utf-8")


# -- people -----


def test_people_registry_resolves_names_and_aliases_one_way() -> None:
    people = People([Person("Xi Jinping", "President", ("习近平", "Xi")),
                     Person("Hu Hao", "", ())])
    assert people.canonical("习近平") == "Xi Jinping"
    assert people.canonical("XI") == "Xi Jinping"
    assert people.canonical("Someone") == "Someone"
    assert [p.name for p in people.find("Hu")] == ["Hu Hao"]
    with pytest.raises(NotFoundError, match="did you mean"):
        people.find_one("Hu Ha0")
    assert people.problems() == []


def test_people_registry_refuses_shared_aliases() -> None:
    people = People([Person("A One", "", ("Boss",)), Person("B Two", "", ("Boss", "A One"))])
    problems = people.problems()
    assert "alias 'Boss' is claimed by both A One and B Two" in problems
    assert "'A One' is the name of A One: it cannot also name B Two" in problems


# -- every command, every format it offers -----


@pytest.mark.parametrize(("command", "fmt"), [(c, f) for c, (_, k) in COMMANDS.items()
                                               for f in names_for(k)])
def test_every_command_writes_every_format_it_offers(command: str, fmt: str) -> None:
    args, _ = COMMANDS[command]
    result = invoke(command, *args, "--data", SAMPLE, "--format", fmt, "--width", "60")
    assert result.status == 0, result
    out = result.stdout
    if fmt == "json":
        json.loads(out)
    elif fmt == "jsonl":
        for line in out.splitlines():
            json.loads(line)
    elif fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert len({len(row) for row in rows}) == 1, out
    elif fmt == "svg":
        # A picture 60 columns of 8 px wide, as well-formed XML.
        assert ElementTree.fromstring(out).get("width") == str(60 * 8), out
    elif fmt == "timelinejs":
        assert json.loads(out)["events"], out
    elif fmt == "html":
        assert out.lower().startswith("<!doctype html>"), out
        assert out.rstrip().endswith("</html>"), out
    elif fmt == "ics":
        lines = out.splitlines()
        assert (lines[0], lines[-1]) == ("BEGIN:VCALENDAR", "END:VCALENDAR"), out
    elif fmt == "mermaid":
        assert out.startswith("timeline\n"), out
    elif fmt == "sqlite":  # a database file (tests/test_database.py reads its tables)
        assert out.startswith("SQLite format 3\x00"), out[:100]
    elif fmt in ("pretty", "table") or (command == "chart"):
        assert max(len(line) for line in out.splitlines()) <= 60, out


# -- figures as written -----

figure_text = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]),
                      min_size=1, max_size=10).filter(lambda t: t.strip() == t and t.strip()
                                                      and t[0] not in "-=+@'\"&*!|%>?[]{}#,:`")


@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(figure_text)
def test_every_format_prints_a_figure_value_as_written(tmp_path: Path, value: str) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text(json.dumps({"events": [{"id": "f", "date": "2016", "title": "F",
                                            "figures": [{"label": "L", "value": value}]}]},
                               ensure_ascii=False), encoding="utf-8")
    for fmt in names_for(Kind.REPORT):
        result = invoke("figures", "--data", str(path), "--format", fmt, "--width", "200")
        assert result.status == 0, result
        if fmt in ("json", "jsonl"):
            record = json.loads(result.stdout.splitlines()[0] if fmt == "jsonl"
                                else result.stdout)
            record = record if fmt == "jsonl" else record[0]
            assert record["value"] == value
        elif fmt == "markdown":
            # As written, with Markdown's own characters escaped so that it renders so.
            assert f"| {markdown_text(value)} |" in result.stdout, (value, result.stdout)
        elif fmt == "csv":
            # As written once the CSV quoting is read back (`0"0` is written `"0""0"`).
            import csv

            rows = list(csv.reader(result.stdout.splitlines(),
                                   delimiter=","))
            assert rows[1][rows[0].index("value")] == value, (fmt, value, result.stdout)
        elif fmt == "tsv":
            # As written once TSV's escapes are read back (`\\` for a backslash).
            import re

            header, row = (line.split("\t") for line in result.stdout.splitlines()[:2])
            cell = re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r"}.get(
                m.group(1), m.group(1)), row[header.index("value")])
            assert cell == value, (fmt, value, result.stdout)
        else:
            assert value in result.stdout, (fmt, value, result.stdout)

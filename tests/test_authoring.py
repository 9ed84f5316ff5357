"""The writing commands as an author meets them (issue 21): every field from the command line,
dates read as filters read them, hints alike, ids that end on a word, one `-n`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from relations_cli.store.loader import load_timeline
from relations_cli.store.write import event_id_for
from tests.helpers import invoke, write

TIMELINE = """\
title: Space
events:
  - id: apollo-11
    date: 1969-07-20
    title: Apollo 11 lands   # the landing
    quotes:
      - by: Neil Armstrong
        text: One small step.   # as heard
      - by: Buzz Aldrin
        text: Magnificent desolation.
    sources:
      - title: NASA
        url: https://www.nasa.gov/
  - {id: luna-9, date: 1966-02-03, title: Luna 9}
"""


@pytest.fixture
def timeline(tmp_path: Path) -> Path:
    return write(tmp_path, TIMELINE, "space.yaml")


def _event(path: Path, event_id: str):  # type: ignore[no-untyped-def]
    return load_timeline(path).event(event_id)


def test_add_takes_figures(timeline: Path) -> None:
    done = invoke("add", "--data", str(timeline), "--date", "1961-05-25", "--title", "Budget",
                  "--figure", "Cost to 1973=25.4 billion USD; over the programme",
                  "--figure", "Astronauts=12")
    assert done.status == 0, done
    event = _event(timeline, "budget")
    assert [tuple(f) for f in event.figures] == [
        ("Cost to 1973", "25.4", "billion USD", "over the programme"), ("Astronauts", "12", "", "")]
    bad = invoke("add", "--data", str(timeline), "--date", "1961", "--title", "X",
                 "--figure", "no value")
    assert bad.status == 2
    assert "'no value' is not LABEL=VALUE [UNIT] [; CHANGE]" in bad.stderr


def test_edit_adds_and_removes_quotes_sources_and_figures(timeline: Path) -> None:
    done = invoke("edit", "apollo-11", "--data", str(timeline),
                  "--add-quote", "Michael Collins: I was alone.",
                  "--add-source-title", "Apollo 11 Mission Report",
                  "--source-publisher", "NASA", "--source-date", "November 1969",
                  "--add-figure", "Moon rock=21.5 kg")
    assert done.status == 0, done
    assert "stored 'November 1969' as 1969-11" in done.stderr
    event = _event(timeline, "apollo-11")
    assert [q.by for q in event.quotes] == ["Neil Armstrong", "Buzz Aldrin", "Michael Collins"]
    assert [(s.title, s.publisher, s.date) for s in event.sources][-1] == (
        "Apollo 11 Mission Report", "NASA", "1969-11")
    assert [tuple(f) for f in event.figures] == [("Moon rock", "21.5", "kg", "")]
    text = timeline.read_text(encoding="utf-8")
    assert "# the landing" in text
    assert "# as heard" in text
    # Records are numbered from 1 as show numbers them; removals count from the list as it was.
    done = invoke("edit", "apollo-11", "--data", str(timeline), "--remove-quote", "1",
                  "--remove-quote", "3", "--remove-source", "2", "--remove-figure", "1")
    assert done.status == 0, done
    event = _event(timeline, "apollo-11")
    assert [q.by for q in event.quotes] == ["Buzz Aldrin"]
    assert [s.title for s in event.sources] == ["NASA"]
    assert event.figures == ()
    after = timeline.read_text(encoding="utf-8")
    assert "# as heard" not in after  # it was quote 1's own comment
    assert "# the landing" in after
    assert after.count("figures") == 0


def test_removing_a_record_that_is_not_there_writes_nothing(timeline: Path) -> None:
    before = timeline.read_bytes()
    done = invoke("edit", "apollo-11", "--data", str(timeline), "--remove-quote", "3")
    assert done.status == 2
    assert "event 'apollo-11' has 2 quotes; there is no quote 3" in done.stderr
    assert invoke("edit", "luna-9", "--data", str(timeline), "--remove-figure", "1").stderr \
        .count("has no figures") == 1
    assert invoke("edit", "apollo-11", "--data", str(timeline), "--remove-quote", "0").status == 2
    assert timeline.read_bytes() == before


def test_a_flow_event_gets_its_records_in_flow(timeline: Path) -> None:
    done = invoke("edit", "luna-9", "--data", str(timeline), "--add-quote", "TASS: Landed.")
    assert done.status == 0, done
    line = next(line for line in timeline.read_text(encoding="utf-8").splitlines()
                if "luna-9" in line)
    assert line.strip().startswith("- {")
    assert "TASS" in line
    assert _event(timeline, "luna-9").quotes[0].text == "Landed."


def test_records_edits_dry_run_shows_the_diff_and_writes_nothing(timeline: Path) -> None:
    before = timeline.read_bytes()
    done = invoke("edit", "apollo-11", "--data", str(timeline), "--remove-quote", "2",
                  "--dry-run")
    assert done.status == 0, done
    assert "-        text: Magnificent desolation." in done.stdout
    assert timeline.read_bytes() == before


@pytest.mark.parametrize(("typed", "stored"), [
    ("July 20, 1969", "1969-07-20"), ("May 1969", "1969-05"), ("2016Q1", "2016-01/2016-03"),
    ("1961~", "1961~"), ("summer 1971", "summer 1971"), ("2015-09/2016-03", "2015-09/2016-03"),
])
def test_add_and_edit_read_every_date_a_filter_reads(timeline: Path, typed: str,
                                                     stored: str) -> None:
    done = invoke("add", "--data", str(timeline), "--date", typed, "--title", "T", "--id", "t")
    assert done.status == 0, done
    assert (f"stored '{typed}' as {stored}" in done.stderr) == (typed != stored)
    written = yaml.safe_load(timeline.read_text(encoding="utf-8"))["events"]
    assert str(next(e for e in written if e["id"] == "t")["date"]) == stored
    edited = invoke("edit", "luna-9", "--data", str(timeline), "--set", f"date={typed}")
    assert edited.status == 0, edited
    written = yaml.safe_load(timeline.read_text(encoding="utf-8"))["events"]
    assert str(next(e for e in written if e["id"] == "luna-9")["date"]) == stored


def test_json_dates_are_read_alike(timeline: Path) -> None:
    from typer.testing import CliRunner

    from relations_cli.cli import app

    result = CliRunner().invoke(app, ["add", "--data", str(timeline), "--json"],
                                input='{"date": "March 27, 2016", "title": "Palmyra"}')
    assert result.exit_code == 0, result.stderr
    assert "stored 'March 27, 2016' as 2016-03-27" in result.stderr
    assert _event(timeline, "palmyra").date.text == "2016-03-27"


def test_a_date_that_is_no_date_lists_every_form(timeline: Path) -> None:
    done = invoke("add", "--data", str(timeline), "--date", "soonish", "--title", "T")
    assert done.status == 2
    for form in ("1961~", "'spring 2016'", "'July 20, 1969'", "2016Q1", "2015-09/.."):
        assert form in done.stderr
    help_text = invoke("add", "--help").stdout
    assert "July 20," in help_text


def _typed_at_a_terminal(args: list[str], typed: str) -> tuple[int, str]:
    """Run with standard input on a terminal where `typed` is typed; stderr comes back."""
    import os
    import pty
    import subprocess
    import sys

    from tests.helpers import LEAKY_VARIABLES, ROOT

    main, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen([sys.executable, "-m", "relations_cli", *args],
                               stdin=secondary, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)
    os.close(secondary)
    os.write(main, typed.encode("utf-8"))
    _, stderr = process.communicate(timeout=60)
    os.close(main)
    return process.returncode, stderr.decode("utf-8")


def test_the_date_prompt_asks_again_and_keeps_what_was_typed(timeline: Path) -> None:
    status, stderr = _typed_at_a_terminal(["add", "--data", str(timeline)],
                                          "Jan 1968x\nJan 1968\nZond 5\n\n\n\n")
    assert status == 0, stderr
    assert "'Jan 1968x' is not a date" in stderr
    assert "try again" in stderr
    assert "stored 'Jan 1968' as 1968-01" in stderr
    assert _event(timeline, "zond-5").date.text == "1968-01"


def test_hints_name_the_file_and_suggest(timeline: Path) -> None:
    for command in (["edit", "apollo-1", "--set", "title=X"], ["remove", "apollo-1"],
                    ["show", "apollo-1"]):
        done = invoke(*command, "--data", str(timeline))
        assert done.status == (1 if command[0] == "show" else 2), (command, done)
        assert f"{timeline}: no event with id 'apollo-1' (did you mean apollo-11?)" \
            in done.stderr, command
    field = invoke("edit", "apollo-11", "--data", str(timeline), "--set", "tittle=X")
    assert "no field 'tittle' (did you mean title?)" in field.stderr
    person = invoke("people", "Armstrang", "--data", str(timeline))
    assert f"{timeline}: no person named 'Armstrang' (did you mean Neil Armstrong?)" \
        in person.stderr


def test_lists_are_separated_by_semicolons_everywhere(timeline: Path) -> None:
    done = invoke("edit", "luna-9", "--data", str(timeline), "--set",
                  "people=Smith, John; Jane Roe")
    assert done.status == 0, done
    assert _event(timeline, "luna-9").people == ("Smith, John", "Jane Roe")
    one = invoke("edit", "luna-9", "--data", str(timeline), "--set", "people=Smith, John;")
    assert one.status == 0, one
    assert _event(timeline, "luna-9").people == ("Smith, John",)
    refused = invoke("edit", "luna-9", "--data", str(timeline), "--set", "tags=a,b")
    assert refused.status == 2
    assert "write tags=a; b" in refused.stderr


def test_minus_n_is_the_limit_only() -> None:
    assert "-n" in invoke("timeline", "--help").stdout
    for command in ("add", "edit", "remove"):
        assert "-n," not in invoke(command, "--help").stdout, command


@pytest.mark.parametrize(("title", "wanted"), [
    ("Kennedy asks Congress to land a man on the Moon", "kennedy-asks-congress-to-land-a-man"),
    ("Talks of the", "talks"),
    ("An extraordinarily long title with many words that keep going on",
     "an-extraordinarily-long-title-with-many-words"),
    ("Sputnik 1", "sputnik-1"),
    ("The", "the"),
])
def test_ids_end_on_a_whole_word_that_is_not_a_stop_word(title: str, wanted: str) -> None:
    made = event_id_for(title, set())
    assert made == wanted
    assert len(made) <= 60

"""One resolution of names, everywhere (issue 21): every name an event gives (people, quote
speakers, actors that are registry people) is the registry's person before anything counts
or shows it, in both engines and across several files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relations_cli.core.model import Event, Person, Quote
from relations_cli.core.people import People, resolved_timeline
from relations_cli.store.loader import load_timeline
from tests.budgets import examples
from tests.helpers import invoke, write
from tests.test_properties import to_yaml

KENNEDY = """\
title: Space race
people:
  - name: John F. Kennedy
    role: President
    aliases: [Kennedy, JFK]
  - name: Buzz Aldrin
    role: Astronaut
events:
  - id: moon-speech
    date: 1961-05-25
    title: Kennedy asks Congress to land a man on the Moon
    category: policy
    people: [Kennedy]
    quotes:
      - by: John F. Kennedy
        text: This nation should commit itself.
  - id: rice-speech
    date: 1962-09-12
    title: Rice University speech
    category: policy
    people: [JFK, John F. Kennedy]
  - id: apollo-11
    date: 1969-07-20
    title: Apollo 11 lands
    category: mission
    actors: [NASA, buzz aldrin]
    people: [Buzz Aldrin]
"""


def test_an_event_is_resolved_to_registry_names_each_person_once() -> None:
    registry = People([Person("John F. Kennedy", "President", ("Kennedy", "JFK"))])
    event = Event("e", None, "t", people=("JFK", "john f. kennedy", "Someone"),  # type: ignore[arg-type]
                  actors=("USA", "Kennedy"), quotes=(Quote("Kennedy", "Yes."),))
    resolved = registry.resolved(event)
    assert resolved.people == ("John F. Kennedy", "Someone")
    assert resolved.actors == ("USA", "John F. Kennedy")
    assert resolved.quotes == (Quote("John F. Kennedy", "Yes."),)
    unchanged = event._replace(people=("John F. Kennedy",), actors=(), quotes=())
    assert registry.resolved(unchanged) is unchanged
    assert People([]).resolved(event) is event


@pytest.fixture(params=["index", "memory"])
def engine_args(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, ...]:
    path = write(tmp_path, KENNEDY, "space.yaml")
    return ("--data", str(path)) + (("--no-cache",) if request.param == "memory" else ())


def test_people_counts_a_person_once_an_event(engine_args: tuple[str, ...]) -> None:
    out = invoke("people", *engine_args).stdout.splitlines()
    assert out[0].split("\t")[:5] == ["John F. Kennedy", "President", "Kennedy; JFK", "2", "1"]
    alone = invoke("people", "JFK", *engine_args).stdout
    assert "events\t2" in alone


@pytest.mark.parametrize("args", [("summary", "--by", "person"), ("values", "person")])
def test_reports_by_person_list_each_person_once(engine_args: tuple[str, ...],
                                                 args: tuple[str, ...]) -> None:
    out = invoke(*args, *engine_args).stdout
    assert "JFK" not in out
    assert "Kennedy\t" not in out.replace("John F. Kennedy\t", "")
    assert "John F. Kennedy\t2" in out


def test_show_and_exports_name_the_registry_person_once(engine_args: tuple[str, ...]) -> None:
    shown = invoke("show", "rice-speech", *engine_args).stdout
    assert shown.count("person:") == 1
    assert "person: John F. Kennedy (President)" in shown
    records = json.loads(invoke("timeline", "--format", "json", *engine_args).stdout)
    by_id = {record["id"]: record for record in records}
    assert by_id["moon-speech"]["people"] == ["John F. Kennedy"]
    assert by_id["rice-speech"]["people"] == ["John F. Kennedy"]
    assert by_id["apollo-11"]["actors"] == ["NASA", "Buzz Aldrin"]
    csv = invoke("timeline", "--format", "csv", *engine_args).stdout
    assert "JFK" not in csv
    assert ",Kennedy," not in csv
    page = invoke("timeline", "--format", "html", *engine_args).stdout
    # The page's data: the people it knows, and each event's people as places in that list.
    first = re.search(r'<script type="application/json" id="relations-first">(.*?)</script>',
                      page, re.S)
    assert first is not None
    data = json.loads(first.group(1))
    assert [person[0] for person in data["people"]] == ["John F. Kennedy", "Buzz Aldrin"]
    rice = next(event for event in data["events"] if event[0] == "rice-speech")
    assert rice[-1] == [0]  # John F. Kennedy, once
    assert "JFK" not in page


def test_several_files_resolve_through_the_merged_registry(tmp_path: Path) -> None:
    first = write(tmp_path, KENNEDY, "space.yaml")
    second = write(tmp_path, """\
events:
  - id: dallas
    date: 1963-11-22
    title: Dallas
    people: [JFK]
""", "more.yaml")
    out = invoke("people", "--data", str(first), "--data", str(second)).stdout.splitlines()
    assert out[0].split("\t")[:4] == ["John F. Kennedy", "President", "Kennedy; JFK", "3"]
    assert not any(line.startswith("JFK\t") for line in out)
    records = json.loads(invoke("timeline", "--format", "json", "--data", str(first),
                                "--data", str(second)).stdout)
    assert [r["people"] for r in records if r["id"] == "dallas"] == [["John F. Kennedy"]]


# -- the property: renaming any mention to any alias of the same person changes no report --

REGISTRY = [{"name": "Xi Jinping", "role": "President", "aliases": ["习近平", "Xi"]},
            {"name": "John Kerry", "aliases": ["Kerry"]}, {"name": "Hu Hao"}]
SPELLINGS = {"Xi Jinping": ["Xi Jinping", "习近平", "Xi", "xi jinping", "XI"],
             "John Kerry": ["John Kerry", "Kerry", "KERRY"],
             "Hu Hao": ["Hu Hao", "hu hao"], "Lavrov": ["Lavrov"]}
REPORTS = [("people",), ("summary", "--by", "person"), ("values", "person"), ("quotes",),
           ("timeline", "--format", "jsonl"), ("timeline", "--person", "Xi"),
           ("chart", "--by", "person", "--color", "never", "--width", "60"),
           ("show", "e-0")]


@st.composite
def mentioned(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A timeline naming everyone as the registry writes them, and the same timeline with
    each mention written as any alias or case of the same person."""
    plain: list[dict[str, Any]] = []
    renamed: list[dict[str, Any]] = []
    names = sorted(SPELLINGS)
    for number in range(draw(st.integers(1, 5))):
        people = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
        speakers = draw(st.lists(st.sampled_from(names), max_size=2))
        actors = draw(st.lists(st.sampled_from(["China", "John Kerry"]), max_size=2,
                               unique=True))
        event = {"id": f"e-{number}", "date": f"{2010 + draw(st.integers(0, 3))}",
                 "title": f"Event {number}", "category": "talks", "actors": actors,
                 "people": people,
                 "quotes": [{"by": by, "text": "Yes."} for by in speakers]}
        plain.append(event)

        def spelled(name: str) -> str:
            return draw(st.sampled_from(list(SPELLINGS.get(name, [name]))))

        renamed.append({**event, "people": [spelled(n) for n in people],
                        "actors": [spelled(n) for n in actors],
                        "quotes": [{"by": spelled(by), "text": "Yes."} for by in speakers]})
    return ({"people": REGISTRY, "events": plain}, {"people": REGISTRY, "events": renamed})


@settings(max_examples=examples(15), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mentioned())
def test_renaming_a_mention_to_an_alias_changes_no_report(
        tmp_path_factory: pytest.TempPathFactory,
        pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    folder = tmp_path_factory.mktemp("aliases")
    plain = write(folder, to_yaml(pair[0]), "plain.yaml")
    renamed = write(folder, to_yaml(pair[1]), "renamed.yaml")
    for report in REPORTS:
        for engine in ((), ("--no-cache",)):
            want = invoke(*report, "--data", str(plain), *engine)
            got = invoke(*report, "--data", str(renamed), *engine)
            assert (got.status, got.stdout) == (want.status, want.stdout), (report, engine)
    timeline = load_timeline(renamed)
    assert resolved_timeline(timeline).events == load_timeline(plain).events


def test_several_files_summarize_by_person_through_the_merged_registry(tmp_path: Path) -> None:
    first = write(tmp_path, KENNEDY, "space.yaml")
    second = write(tmp_path, "events:\n  - id: dallas\n    date: 1963-11-22\n    title: Dallas\n"
                   "    people: [JFK, Kennedy]\n", "more.yaml")
    out = invoke("summary", "--by", "person", "--data", str(first), "--data", str(second))
    assert "John F. Kennedy\t3" in out.stdout
    assert "JFK" not in out.stdout


def test_only_a_timeline_that_gives_an_alias_is_resolved_on_the_way_out(tmp_path: Path) -> None:
    # The bundled timeline names everyone as its registry does: its index keeps every fast
    # path (records as stored, people counted in SQL).
    from relations_cli.store.source import open_engine
    from tests.helpers import BUNDLED

    bundled = open_engine(str(BUNDLED), use_cache=False)
    assert bundled.resolving is False  # type: ignore[attr-defined]
    kennedy = open_engine(str(write(tmp_path, KENNEDY, "space.yaml")), use_cache=False)
    assert kennedy.resolving is True  # type: ignore[attr-defined]

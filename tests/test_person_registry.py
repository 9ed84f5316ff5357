"""`relations person add|edit|remove` (issue 21): the registry written with the same safe
writes as events, and add/edit warning of names a registry the file has does not list."""

from __future__ import annotations

from pathlib import Path

import pytest

from relations_cli.store.loader import load_timeline
from relations_cli.store.registry import add_person, edit_person, remove_person
from tests.helpers import invoke, write

APOLLO = """\
title: Apollo   # the programme
people:
  # the crew first
  - name: Buzz Aldrin
    role: Astronaut   # lunar module pilot
  - name: John F. Kennedy
    aliases: [Kennedy, JFK]
events:
  - id: apollo-11
    date: 1969-07-20
    title: Apollo 11 lands
    people: [Buzz Aldrin]
  - id: moon-speech
    date: 1961-05-25
    title: Moon speech
    people: [JFK]
"""


@pytest.fixture
def apollo(tmp_path: Path) -> Path:
    return write(tmp_path, APOLLO, "apollo.yaml")


def _people(path: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {p.name: (p.role, p.aliases) for p in load_timeline(path).people}


def test_person_add_appends_in_the_registry_s_style(apollo: Path) -> None:
    done = invoke("person", "add", "Neil Armstrong", "--data", str(apollo), "--role",
                  "Commander", "--alias", "Armstrong")
    assert done.status == 0, done
    assert "added Neil Armstrong to the people" in done.stderr
    assert _people(apollo)["Neil Armstrong"] == ("Commander", ("Armstrong",))
    text = apollo.read_text(encoding="utf-8")
    assert text.startswith(APOLLO.split("events:")[0])  # every earlier byte kept
    assert "  - name: Neil Armstrong\n    role: Commander\n    aliases: [Armstrong]\nevents:" \
        in text


def test_person_add_makes_the_registry_when_there_is_none(tmp_path: Path) -> None:
    for text in ("title: T\nevents:\n  - {id: a, date: 2001, title: A}\n",
                 "title: T\npeople: []\nevents:\n  - {id: a, date: 2001, title: A}\n"):
        path = write(tmp_path, text)
        done = invoke("person", "add", "Ada Lovelace", "--data", str(path))
        assert done.status == 0, done
        assert _people(path) == {"Ada Lovelace": ("", ())}
        assert "people:\n  - name: Ada Lovelace\nevents:" in path.read_text(encoding="utf-8")


def test_person_add_refuses_a_name_already_claimed(apollo: Path) -> None:
    before = apollo.read_bytes()
    for name, alias, said in (("JFK", None, "'JFK' is already an alias of John F. Kennedy"),
                              ("buzz aldrin", None, "is already their name of Buzz Aldrin"),
                              ("Someone", "Kennedy", "'Kennedy' is already an alias")):
        args = ["person", "add", name, "--data", str(apollo)] + (
            ["--alias", alias] if alias else [])
        done = invoke(*args)
        assert done.status == 2, done
        assert said in done.stderr
    assert apollo.read_bytes() == before


def test_person_edit_finds_them_by_any_name_and_keeps_comments(apollo: Path) -> None:
    done = invoke("person", "edit", "Aldrin", "--data", str(apollo), "--set",
                  "role=Lunar module pilot", "--set", "aliases=Aldrin; Buzz")
    assert done.status == 0, done
    assert _people(apollo)["Buzz Aldrin"] == ("Lunar module pilot", ("Aldrin", "Buzz"))
    text = apollo.read_text(encoding="utf-8")
    for comment in ("# the programme", "# the crew first", "# lunar module pilot"):
        assert comment in text
    # role stays before aliases, as the format writes them
    assert text.index("role: Lunar") < text.index("aliases: [Aldrin, Buzz]")


def test_renaming_keeps_the_old_name_as_an_alias_while_events_give_it(apollo: Path) -> None:
    done = invoke("person", "edit", "Buzz Aldrin", "--data", str(apollo), "--set",
                  "name=Edwin Aldrin")
    assert done.status == 0, done
    assert "kept 'Buzz Aldrin' as an alias" in done.stderr
    assert _people(apollo)["Edwin Aldrin"][1] == ("Buzz Aldrin",)
    people = invoke("people", "--data", str(apollo)).stdout
    assert people.splitlines()[0].split("\t")[:4] == ["Edwin Aldrin", "Astronaut",
                                                      "Buzz Aldrin", "1"]


def test_person_remove_is_refused_while_an_event_names_them(apollo: Path) -> None:
    before = apollo.read_bytes()
    done = invoke("person", "remove", "Kennedy", "--data", str(apollo))
    assert done.status == 2
    assert "John F. Kennedy is named by 1 event (moon-speech)" in done.stderr
    assert apollo.read_bytes() == before
    assert invoke("remove", "moon-speech", "--data", str(apollo)).status == 0
    done = invoke("person", "remove", "Kennedy", "--data", str(apollo), "--dry-run")
    assert done.status == 0, done
    assert "-  - name: John F. Kennedy" in done.stdout
    assert invoke("person", "remove", "Kennedy", "--data", str(apollo)).status == 0
    assert list(_people(apollo)) == ["Buzz Aldrin"]


def test_unknown_person_gets_a_hint_naming_the_file(apollo: Path) -> None:
    done = invoke("person", "edit", "Aldrn", "--data", str(apollo), "--set", "role=X")
    assert done.status in (1, 2)
    assert f"{apollo}: no person named 'Aldrn' (did you mean" in done.stderr


def test_add_and_edit_warn_of_a_name_the_registry_lacks(apollo: Path) -> None:
    done = invoke("add", "--data", str(apollo), "--date", "1969-07-16", "--title", "Launch",
                  "--person", "Aldrn", "--quote", "Kennedy: Go.")
    assert done.status == 0, done
    assert "warning:" in done.stderr
    assert "'Aldrn' is not in the people registry (did you mean" in done.stderr
    assert "'Kennedy'" not in done.stderr  # an alias is in the registry
    strict = invoke("edit", "launch", "--data", str(apollo), "--set", "people=Collins",
                    "--strict")
    assert strict.status == 2
    assert "'Collins' is not in the people registry" in strict.stderr
    assert "nothing written (--strict)" in strict.stderr
    launch = load_timeline(apollo).event("launch")
    assert launch is not None
    assert launch.people == ("Aldrn",)


def test_without_a_registry_names_are_free(tmp_path: Path) -> None:
    path = write(tmp_path, "events:\n  - {id: a, date: 2001, title: A}\n")
    done = invoke("add", "--data", str(path), "--date", "2002", "--title", "B", "--person",
                  "Anyone", "--strict")
    assert done.status == 0, done
    assert "warning" not in done.stderr


def test_registry_text_functions_keep_every_other_byte() -> None:
    added = add_person(APOLLO, {"name": "Michael Collins", "role": "", "aliases": []})
    assert added.replace("  - name: Michael Collins\n", "") == APOLLO
    edited = edit_person(APOLLO, "buzz aldrin", {"role": ""})
    assert edited == APOLLO.replace("    role: Astronaut   # lunar module pilot\n",
                                    "    # lunar module pilot\n")
    removed = remove_person(APOLLO, "John F. Kennedy")
    assert removed == APOLLO.replace("  - name: John F. Kennedy\n    aliases: [Kennedy, JFK]\n",
                                     "")

"""The people registry as text: a person added, changed or removed, every other byte kept.

The same splices as the events' (store/write): a new person follows the last in the list's
own indentation, a removed one goes with its own comments, a changed field keeps the entry's
comments. The checks that need the whole timeline (names claimed twice, a person still named
by events) are made on the text about to be written, so they hold under the file's lock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from relations_cli.core.errors import WriteError
from relations_cli.core.model import Person, Timeline
from relations_cli.core.people import people_of
from relations_cli.core.text import not_found
from relations_cli.store.layout import Item, Layout, layout, top_key_start
from relations_cli.store.write import (
    Change,
    apply,
    edit_splice,
    empty_list_splice,
    insertion_splice,
    without_item,
)
from relations_cli.store.yamltext import render_value, yaml_scalar

__all__ = ["PERSON_FIELDS", "add_person", "edit_person", "naming_events", "remove_person"]

# A registry entry's fields, in the order they are written.
PERSON_FIELDS = ("name", "role", "aliases")


def render_person(person: Mapping[str, Any], dash: int = 2, indent: int = 4,
                  newline: str = "\n") -> str:
    """A registry entry as the lines of one block-style item of the people list."""
    lines = [f"name: {yaml_scalar(str(person['name']))}"]
    if person.get("role"):
        lines.append(f"role: {yaml_scalar(str(person['role']))}")
    if person.get("aliases"):
        lines.append("aliases:" + render_value("aliases", list(person["aliases"]), False))
    first = " " * dash + "-" + " " * max(1, indent - dash - 1)
    return first + (newline + " " * indent).join(lines) + newline


def _registry(text: str, name: str) -> Layout | None:
    """The people list's layout, or None when the timeline has no `people:` key."""
    if top_key_start(text, "people", name) is None:
        return None
    return layout(text, name, "people")


def _find(items: Sequence[Item], wanted: str, name: str) -> int:
    for number, item in enumerate(items):
        if item.text_of("name").casefold() == wanted.casefold():
            return number
    raise WriteError(not_found("person named", wanted, [i.text_of("name") for i in items],
                               f"{name} (people)", "'relations people' lists them"))


def add_person(text: str, person: Mapping[str, Any], name: str = "<timeline>") -> str:
    """`text` with a person at the end of the registry (which is made, above the events,
    when the timeline has none)."""
    where = _registry(text, name)
    if where is None:
        events = top_key_start(text, "events", name)
        if events is None:
            raise WriteError(f"{name}: the timeline has no 'events:' list")
        newline = layout(text, name).newline
        return text[:events] + "people:" + newline + render_person(
            person, newline=newline) + text[events:]
    newline = where.newline
    if not where.items:
        block = render_person(person, where.empty_dash or 2, (where.empty_dash or 2) + 2,
                              newline)
        return apply(text, empty_list_splice(text, where, [block]))
    first, last = where.items[0], where.items[-1]
    block = render_person(person, first.dash, first.indent, newline)
    return apply(text, insertion_splice(text, last, None, [block], where.blank_between,
                                        newline))


def edit_person(text: str, wanted: str, changes: Mapping[str, Change],
                name: str = "<timeline>") -> str:
    """`text` with some fields of one registry entry changed (an empty value removes one)."""
    where = _registry(text, name)
    if where is None:
        raise WriteError(f"{name}: the timeline has no people registry; "
                         "'relations person add' starts one")
    item = where.items[_find(where.items, wanted, name)]
    return apply(text, edit_splice(text, item, changes, where.newline, name, PERSON_FIELDS))


def remove_person(text: str, wanted: str, name: str = "<timeline>") -> str:
    """`text` without one registry entry and its own comments (`people: []` when it was
    the last)."""
    where = _registry(text, name)
    if where is None:
        raise WriteError(f"{name}: the timeline has no people registry")
    return without_item(text, where, _find(where.items, wanted, name))


def naming_events(timeline: Timeline, person: Person) -> list[str]:
    """The ids of the events that name `person` (by any name or alias), in file order."""
    registry = people_of(timeline.people)
    names = {n.casefold() for n in person.names}
    found = []
    for event in sorted(timeline.events, key=lambda e: e.line):
        given = [*event.named_people, *event.actors]
        if any(n.casefold() in names or registry.canonical(n) == person.name for n in given):
            found.append(event.id)
    return found

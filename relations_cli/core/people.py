"""The people registry: everyone a timeline lists, found by name or alias under one rule.

Two questions, two rules, both here:
- `get(name)` is exact: the registry entry a name or alias written in an event stands for
  (case-insensitive). This is how an event's people are resolved everywhere.
- `find(wanted)` is what a person types: whole words of any name or alias (`Hu` is Hu Hao,
  not Huang), used by `people NAME`, `quotes --speaker` and, through `text.words`, the filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from relations_cli.core.errors import NotFoundError, QueryError
from relations_cli.core.model import Event, Person, Quote, Timeline
from relations_cli.core.text import (
    did_you_mean,
    fold_dashes,
    holds_words,
    own_search_text,
    words,
)

__all__ = ["People", "people_of", "person_names", "resolved_timeline", "search_text"]


class People:
    """The registry's people, indexed by every name and alias they go by."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = tuple(people)
        self._by_name: dict[str, Person] = {}
        for person in self.people:
            for name in person.names:
                # The first claim wins; `problems()` reports any later one.
                self._by_name.setdefault(name.casefold(), person)

    def __iter__(self) -> Iterator[Person]:
        return iter(self.people)

    def __len__(self) -> int:
        return len(self.people)

    def get(self, name: str) -> Person | None:
        """The registry entry a name or alias stands for, if any."""
        return self._by_name.get(name.casefold())

    def canonical(self, name: str) -> str:
        """The registry name for a name or alias; an unlisted name stays as written."""
        person = self.get(name)
        return person.name if person else name

    def changes(self, name: str) -> bool:
        """Whether resolving `name` gives another text: an alias, or a registry name written in
        another case."""
        person = self.get(name)
        return person is not None and person.name != name

    def resolved(self, event: Event) -> Event:
        """The event with every name it gives (people, quote speakers, and actors that are
        registry people) written as the registry writes it, each person once: how every
        report, listing and export sees it. The same event when nothing changes."""
        if not self._by_name:
            return event
        changes = self.changes
        if not (any(map(changes, event.people)) or any(changes(q.by) for q in event.quotes)
                or any(map(changes, event.actors))):
            return event
        canonical = self.canonical
        return event._replace(
            people=tuple(dict.fromkeys(map(canonical, event.people))),
            actors=tuple(dict.fromkeys(map(canonical, event.actors))),
            quotes=tuple(Quote(canonical(q.by), q.text) for q in event.quotes))

    def role(self, name: str) -> str:
        person = self.get(name)
        return person.role if person else ""

    def find(self, wanted: str, named: Iterable[str] = ()) -> list[Person]:
        """The people `wanted` names as whole words of a name or alias: the registry's first,
        then people the events name (`named`) who are not in the registry."""
        key = words(wanted)
        known = [p for p in self.people if _holds(p, key)]
        others = sorted({n for n in named if self.get(n) is None})
        return known + [Person(n) for n in others if _holds(Person(n), key)]

    def find_one(self, wanted: str, named: Iterable[str] = (), where: str = "") -> Person:
        """The one person `wanted` names; NotFoundError (with a hint, and the file `where`
        it looked) or QueryError if it names none or several."""
        named = list(named)
        found = self.find(wanted, named)
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotFoundError((f"{where}: " if where else "") + f"no person named '{wanted}'"
                                + self.hint(wanted, named, "'relations people' lists them"))
        names = ", ".join(p.name for p in found)
        raise QueryError(f"'{wanted}' names {len(found)} people: {names}; be more specific")

    def find_all(self, wanted: Sequence[str], named: Iterable[str] = (),
                 where: str = "") -> list[Person]:
        """Everyone any of `wanted` names; NotFoundError when nobody."""
        named = list(named)
        found = {p.name: p for w in wanted for p in self.find(w, named)}
        if not found:
            asked = " or ".join(repr(w) for w in wanted)
            raise NotFoundError((f"{where}: " if where else "") + f"no person named {asked}"
                                + self.hint(wanted[0], named, "'relations people' lists them"))
        return list(found.values())

    def hint(self, wanted: str, named: Iterable[str], otherwise: str) -> str:
        """` (did you mean X?)` from every name and alias, else ` (otherwise)`."""
        names = [n for p in self.people for n in p.names] + list(named)
        return did_you_mean(wanted, names, otherwise)

    def problems(self) -> list[str]:
        """What is wrong with the registry: a name or alias claimed by two people."""
        return [message for _, message in self.claims()]

    def claims(self) -> list[tuple[int, str]]:
        """Each later claim of a name or alias already claimed: the claimant's place in the
        registry (so a loader can say at which line it stands), and what is wrong."""
        claimed: dict[str, Person] = {}
        found: list[tuple[int, str]] = []
        for index, person in enumerate(self.people):
            for name in dict.fromkeys(n.casefold() for n in person.names):
                owner = claimed.setdefault(name, person)
                if owner is person:
                    continue
                shown = next(n for n in person.names if n.casefold() == name)
                if shown.casefold() == owner.name.casefold():
                    found.append((index, f"'{shown}' is the name of {owner.name}: it cannot "
                                  f"also name {person.name}"))
                else:
                    found.append((index, f"alias '{shown}' is claimed by both {owner.name} "
                                  f"and {person.name}"))
        return found


def _holds(person: Person, key: tuple[str, ...]) -> bool:
    return any(holds_words(words(name), key) for name in person.names)


@lru_cache(maxsize=8)
def people_of(people: tuple[Person, ...]) -> People:
    """The registry for a timeline's people, built once per distinct list."""
    return People(people)


def resolved_timeline(timeline: Timeline) -> Timeline:
    """The timeline with each event's names resolved through its registry (People.resolved)."""
    registry = people_of(timeline.people)
    if not len(registry):
        return timeline
    events = tuple(map(registry.resolved, timeline.events))
    return timeline._replace(events=events)


def person_names(event: Event, timeline: Timeline) -> list[tuple[str, ...]]:
    """Every name an event's people go by, the registry's aliases and roles' holders included."""
    registry = people_of(timeline.people)
    names: list[tuple[str, ...]] = []
    for name in event.named_people:
        person = registry.get(name)
        names.extend(words(n) for n in (person.names if person else (name,)))
    return names


def search_text(event: Event, timeline: Timeline) -> str:
    """All the text `search` looks in: the event's own, and every name and alias of the
    people it names (so `search 习近平` finds events naming Xi Jinping)."""
    registry = people_of(timeline.people)
    names: list[str] = []
    for name in event.named_people:
        person = registry.get(name)
        if person:
            names += person.names
    own = own_search_text(event)
    return own + "\n" + fold_dashes("\n".join(names).casefold()) if names else own

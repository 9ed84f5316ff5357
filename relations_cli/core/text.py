"""Text matching shared by queries and summaries: whole words and the text `search` reads."""

from __future__ import annotations

import re

from relations_cli.core.model import Event, Timeline

__all__ = ["holds_words", "own_search_text", "person_names", "search_text", "words"]

_NON_WORD = re.compile(r"[\W_]+")


def words(text: str) -> tuple[str, ...]:
    """Case-folded words, for matching names as whole words (`Hu` is not `Huang`)."""
    return tuple(_NON_WORD.sub(" ", text.casefold()).split())


def holds_words(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """Whether the words of a needle stand together, in order, among a haystack's words."""
    if not needle:
        return False
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


def person_names(event: Event, timeline: Timeline) -> list[tuple[str, ...]]:
    """Every name an event's people go by, the registry's aliases and roles' holders included."""
    names: list[tuple[str, ...]] = []
    for name in event.named_people:
        person = timeline.person(name)
        names.extend(words(n) for n in (person.names if person else (name,)))
    return names


def own_search_text(event: Event) -> str:
    """The case-folded text `search` looks in that an event holds itself, one field a line."""
    parts = [event.id, event.title, event.summary, event.place, event.category, *event.actors,
             *event.tags]
    for quote in event.quotes:
        parts += [quote.by, quote.text]
    parts += event.named_people
    return "\n".join(parts).casefold()


def search_text(event: Event, timeline: Timeline) -> str:
    """All the text `search` looks in: the event's own, and every name and alias of the
    people it names (so `search 习近平` finds events naming Xi Jinping)."""
    names: list[str] = []
    for name in event.named_people:
        person = timeline.person(name)
        if person:
            names += person.names
    own = own_search_text(event)
    return own + "\n" + "\n".join(names).casefold() if names else own

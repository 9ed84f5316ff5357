"""Text matching shared by queries and summaries: whole words and the text `search` reads."""

from __future__ import annotations

import re
from collections.abc import Iterable

from relations_cli.core.model import Event

__all__ = [
    "SOURCE_DATE_LOOK",
    "close_matches",
    "did_you_mean",
    "fold_dashes",
    "holds_words",
    "not_found",
    "own_search_text",
    "words",
]

_NON_WORD = re.compile(r"[\W_]+")
# How a source's date is told from its publisher in `TITLE, PUBLISHER, DATE`, as a TimelineJS
# slide lists sources: render/timelinejs writes by it, ingest/timelinejs reads by it.
SOURCE_DATE_LOOK = re.compile(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?")
# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus, small
# and full-width hyphen-minus: all one dash to search, so `China-Russia` finds `China–Russia`.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58"
                                      "\ufe63\uff0d", "-"))


def fold_dashes(text: str) -> str:
    """The text with every kind of dash written as `-`."""
    return text.translate(_DASHES)


def words(text: str) -> tuple[str, ...]:
    """Case-folded words, for matching names as whole words (`Hu` is not `Huang`)."""
    return tuple(_NON_WORD.sub(" ", text.casefold()).split())


def holds_words(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """Whether the words of a needle stand together, in order, among a haystack's words."""
    if not needle:
        return False
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


def own_search_text(event: Event) -> str:
    """The case-folded text `search` looks in that an event holds itself, one field a line,
    dashes folded: its fields, quotes, people, and its sources' titles and publishers."""
    parts = [event.id, event.title, event.summary, event.place, event.category, *event.actors,
             *event.tags]
    for quote in event.quotes:
        parts += [quote.by, quote.text]
    parts += event.named_people
    for source in event.sources:
        parts += [source.title, source.publisher]
    return fold_dashes("\n".join(parts).casefold())


def close_matches(wanted: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates nearest to a value that matched nothing, as they are written: by the
    whole value or by one of its words (`Gabuyev` finds `Alexander Gabuev`)."""
    from difflib import SequenceMatcher

    spelled: dict[str, str] = {}
    for candidate in candidates:
        if candidate:
            spelled.setdefault(candidate.casefold(), candidate)
    key = wanted.casefold()
    matcher = SequenceMatcher()
    matcher.set_seq2(key)
    scored = []
    for folded, candidate in spelled.items():
        best = 0.0
        for part in (folded, *folded.split()):
            matcher.set_seq1(part)
            if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                best = max(best, matcher.ratio())
        if best >= 0.6:
            scored.append((-best, folded, candidate))
    return [candidate for _, _, candidate in sorted(scored)[:n]]


def not_found(what: str, wanted: str, known: Iterable[str], where: str = "",
              otherwise: str = "") -> str:
    """The one way every command says a value is not there, naming the file it looked in:
    `FILE: no WHAT 'X' (did you mean Y?)`, else `(otherwise)`."""
    return (f"{where}: " if where else "") + f"no {what} '{wanted}'" + did_you_mean(
        wanted, known, otherwise)


def did_you_mean(wanted: str, candidates: Iterable[str], otherwise: str = "") -> str:
    """A hint for a value that matched nothing: ` (did you mean a, b?)`, else ` (otherwise)`."""
    close = close_matches(wanted, candidates)
    if close:
        return f" (did you mean {', '.join(close)}?)"
    return f" ({otherwise})" if otherwise else ""

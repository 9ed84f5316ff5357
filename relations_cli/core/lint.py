"""Checks beyond the shape of a timeline: what `validate` warns about and `--strict` refuses.

A valid timeline may still hold likely mistakes: a person the registry does not list, a
registry entry no event names, a category, tag or place written once a little differently
from a common one (`Trade` beside `trade`), a source with neither a URL nor a publisher, an
event out of date order in a file otherwise in order, a source URL that is not a web or mail
address. Each is a `LintWarning` at a FILE:LINE:COL.

A warning is accepted, as ruff's `noqa` accepts one, by a comment on the line it points at:
`# relations: accept` (any warning on that line) or `# relations: accept near-miss,
unknown-person` (those kinds only). An accepted warning is neither shown nor refused by
`--strict`.

Pure: events and the registry in, warnings out. Events are fed one at a time (`Linter.add`)
so a long file is checked as it streams, keeping only a few values per event; `lint` does the
same for a loaded timeline. Columns come from the file's lines when given (`lines`), found by
searching the event's own lines for the field; without them an event's column is 1.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from enum import Enum
from typing import NamedTuple

from relations_cli.core.errors import located
from relations_cli.core.model import Day, Event, Person, Timeline

__all__ = ["LintKind", "LintWarning", "Linter", "accepted", "lint", "near_miss",
           "person_position", "url_problem"]

# A value used once is a near-miss of another at least this similar (difflib's ratio) ...
SIMILARITY = 0.85
# ... when the other is used at least this many times as often (and at least twice).
MUCH_MORE_FREQUENT = 2
# The events out of place may be at most this share of a file still called "in order".
OUT_OF_ORDER_SHARE = 0.1


class LintKind(str, Enum):
    UNKNOWN_PERSON = "unknown-person"
    UNUSED_PERSON = "unused-person"
    NEAR_MISS = "near-miss"
    SOURCE = "incomplete-source"
    ORDER = "out-of-order"
    URL = "source-url"


# `# relations: accept` or `# relations: accept near-miss, source-url` in a YAML comment.
_ACCEPT = re.compile(r"(?:^|\s)#.*?\brelations:\s*accept\b\s*([a-z-]+(?:\s*,\s*[a-z-]+)*)?")
# What a source URL may be: a web page or a mail address, with its scheme.
_URL = re.compile(r"(?:https?://[^\s/?#]+|mailto:[^\s]+)\S*", re.IGNORECASE)


def accepted(line: str, kind: LintKind) -> bool:
    """Whether a comment on `line` accepts a warning of this kind."""
    match = _ACCEPT.search(line)
    if match is None:
        return False
    kinds = match.group(1)
    return kinds is None or kind.value in {k.strip() for k in kinds.split(",")}


def url_problem(url: str) -> str | None:
    """Why a source URL cannot be followed from a page or a terminal, if it cannot."""
    if not url or _URL.fullmatch(url):
        return None
    if "://" not in url and not url.lower().startswith("mailto:"):
        return "has no scheme (write https://...)"
    return "is not a web (http, https) or mail (mailto) address"


class LintWarning(NamedTuple):
    """One likely mistake in a valid timeline, at a 1-based line and column."""

    path: str
    line: int
    column: int
    kind: LintKind
    message: str

    def __str__(self) -> str:
        return located(self.path, self.line, self.column, f"warning: {self.message}")


class _Seen(NamedTuple):
    """Where a value was first met: the event's id and line, the field it is in."""

    event_id: str
    line: int
    key: str


def near_miss(value: str, counts: Counter[str]) -> str | None:
    """The much more frequent value `value` (used once) seems a misspelling of, if any."""
    if counts[value] != 1:
        return None
    folded = value.casefold()
    best: tuple[int, str] | None = None
    for other, count in counts.items():
        if other == value or count < MUCH_MORE_FREQUENT * counts[value]:
            continue
        other_folded = other.casefold()
        similar = other_folded == folded or difflib.SequenceMatcher(
            None, folded, other_folded).ratio() >= SIMILARITY
        if similar and (best is None or count > best[0]):
            best = (count, other)
    return best[1] if best else None


class Linter:
    """Collects what the checks need from each event, then reports every warning."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._order: list[tuple[int, Day, str, str]] = []  # line, first day, id, date
        self._values: dict[str, Counter[str]] = {"category": Counter(), "tags": Counter(),
                                                 "place": Counter()}
        self._first: dict[tuple[str, str], _Seen] = {}
        self._named: dict[str, _Seen] = {}  # casefolded name -> first mention
        self._names: dict[str, str] = {}  # casefolded name -> as first written
        self._warnings: list[tuple[_Seen, str, LintKind, str]] = []  # where, value, kind, text

    def add(self, event: Event) -> None:
        self._order.append((event.line, event.first_day, event.id, event.date.text))
        for key, values in (("category", (event.category,)), ("tags", event.tags),
                            ("place", (event.place,))):
            for value in values:
                if value:
                    self._values[key][value] += 1
                    self._first.setdefault((key, value), _Seen(event.id, event.line, key))
        for name in event.people:
            self._name(name, _Seen(event.id, event.line, "people"))
        for quote in event.quotes:
            self._name(quote.by, _Seen(event.id, event.line, "by"))
        for source in event.sources:
            # A print source is found by its publisher (and date); any other needs its URL.
            if not source.url and not source.publisher:
                self._warnings.append((
                    _Seen(event.id, event.line, "sources"), source.title, LintKind.SOURCE,
                    f"source '{source.title}' of event '{event.id}' has no URL (nor a "
                    "publisher to find it by)"))
            problem = url_problem(source.url)
            if problem:
                self._warnings.append((
                    _Seen(event.id, event.line, "url"), source.url, LintKind.URL,
                    f"the URL '{source.url}' of source '{source.title}' (event '{event.id}') "
                    f"{problem}"))

    def _name(self, name: str, seen: _Seen) -> None:
        folded = name.casefold()
        self._named.setdefault(folded, seen)
        self._names.setdefault(folded, name)

    def finish(self, people: Sequence[Person],
               lines: Callable[[], Sequence[str]] | None = None) -> list[LintWarning]:
        """Every warning, in file order; `lines()` gives the file's text to find columns."""
        found = list(self._warnings)
        found += self._people(people)
        found += self._near_misses()
        found += self._out_of_order()
        if not found and not people:
            return []
        text = lines() if lines is not None and found else ()
        ends = sorted(line for line, *_ in self._order)
        warnings = []
        for seen, value, kind, message in found:
            if seen.event_id == "" and seen.key == "person":
                line, column = person_position(text, value) if text else (1, 1)
            else:
                line, column = _position(text, ends, seen.line, seen.key, value)
            if 0 < line <= len(text) and accepted(text[line - 1], kind):
                continue
            warnings.append(LintWarning(self.path, line, column, kind, message))
        return sorted(warnings, key=lambda w: (w.line, w.column, w.message))

    def _people(self, people: Sequence[Person]) -> list[tuple[_Seen, str, LintKind, str]]:
        if not people:
            return []  # no registry: naming people freely is the file's choice
        known = {name.casefold(): person for person in people for name in person.names}
        found = []
        for folded, seen in self._named.items():
            if folded not in known:
                name = self._names[folded]
                found.append((seen, name, LintKind.UNKNOWN_PERSON,
                              f"'{name}' (event '{seen.event_id}') is not in the people "
                              "registry"))
        for person in people:
            if not any(name.casefold() in self._named for name in person.names):
                found.append((_Seen("", 0, "person"), person.name, LintKind.UNUSED_PERSON,
                              f"'{person.name}' is in the people registry but no event names "
                              "them"))
        return found

    def _near_misses(self) -> list[tuple[_Seen, str, LintKind, str]]:
        found = []
        for key, counts in self._values.items():
            what = {"category": "category", "tags": "tag", "place": "place"}[key]
            for value in sorted(counts):
                other = near_miss(value, counts)
                if other is not None:
                    seen = self._first[(key, value)]
                    found.append((seen, value, LintKind.NEAR_MISS,
                                  f"{what} '{value}' (event '{seen.event_id}') is used once; "
                                  f"did you mean '{other}' (used {counts[other]} times)?"))
        return found

    def _out_of_order(self) -> list[tuple[_Seen, str, LintKind, str]]:
        order = sorted(self._order)
        if len(order) < 3:
            return []
        kept = _in_order(order)
        misplaced = [i for i in range(len(order)) if i not in kept]
        if not misplaced or len(misplaced) > max(1, int(len(order) * OUT_OF_ORDER_SHARE)):
            return []  # in order, or not meant to be
        kept_days = [order[i][1] for i in sorted(kept)]
        kept_events = [order[i] for i in sorted(kept)]
        found = []
        for i in misplaced:
            line, day, event_id, text = order[i]
            after = bisect.bisect_right(kept_days, day)
            where = (f"move it before '{kept_events[after][2]}' ({kept_events[after][3]})"
                     if after < len(kept_events) else "move it to the end")
            found.append((_Seen(event_id, line, "date"), text, LintKind.ORDER,
                          f"event '{event_id}' ({text}) is out of date order in a file "
                          f"otherwise in order; {where}"))
        return found


def _in_order(order: Sequence[tuple[int, Day, str, str]]) -> set[int]:
    """The indexes of a longest run (not necessarily contiguous) of non-decreasing days."""
    tails: list[Day] = []  # the smallest last day of a run of each length
    tail_index: list[int] = []
    previous = [-1] * len(order)
    for i, (_, day, _, _) in enumerate(order):
        at = bisect.bisect_right(tails, day)
        previous[i] = tail_index[at - 1] if at else -1
        if at == len(tails):
            tails.append(day)
            tail_index.append(i)
        else:
            tails[at] = day
            tail_index[at] = i
    kept = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        kept.add(i)
        i = previous[i]
    return kept


def lint(timeline: Timeline, lines: Sequence[str] = ()) -> list[LintWarning]:
    """Every warning about a loaded timeline; `lines` (its file's text) places columns."""
    linter = Linter(timeline.path)
    for event in sorted(timeline.events, key=lambda e: e.line):
        linter.add(event)
    return linter.finish(timeline.people, (lambda: lines) if lines else None)


# -- positions --------------------------------------------------------------------------------


def _event_column(text: str) -> int:
    stripped = text.lstrip(" -")
    return len(text) - len(stripped) + 1 if stripped else 1


def _position(lines: Sequence[str], starts: Sequence[int], line: int, key: str,
              value: str) -> tuple[int, int]:
    """Where in an event (starting at `line`) the field `key` holding `value` is written."""
    if not lines or not 0 < line <= len(lines):
        return line, 1
    following = bisect.bisect_right(starts, line)
    end = starts[following] - 1 if following < len(starts) else len(lines)
    key_pattern = re.compile(rf"(?:^|[\s{{,-]){re.escape(key)}\s*:")
    first = line - 1
    for number in range(line - 1, end):
        if key_pattern.search(lines[number]):
            first = number
            break
    for number in range(first, end):
        at = lines[number].find(value) if value else -1
        if at >= 0:
            return number + 1, at + 1
    return line, _event_column(lines[line - 1])


def person_position(lines: Sequence[str], name: str) -> tuple[int, int]:
    """Where the people registry describes `name` (`name: NAME`), else where it first occurs."""
    pattern = re.compile(rf"\bname\s*:\s*['\"]?{re.escape(name)}['\"]?\s*(?:[,}}#]|$)")
    for number, text in enumerate(lines, start=1):
        match = pattern.search(text)
        if match:
            return number, match.start() + 1
    for number, text in enumerate(lines, start=1):
        at = text.find(name)
        if at >= 0:
            return number, at + 1
    return 1, 1

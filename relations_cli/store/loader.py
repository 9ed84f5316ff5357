"""YAML to model: strict, streaming loading and validation, every problem with FILE:LINE:COL.

The YAML is read as a stream of parser events and composed, one event of the timeline at a
time, into small nodes with no implicit typing: `NO`, `010` and `2015` stay text as written,
and every value keeps the line and column it came from. Nothing is constructed by PyYAML:
tags are refused and aliases never expand. Memory stays bounded by the largest single event,
so a timeline of a million events can be indexed as it is read.
"""

from __future__ import annotations

import codecs
import gc
import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from relations_cli.core.dates import cached_event_date, cached_event_when
from relations_cli.core.errors import DateError, Problem, TimelineError
from relations_cli.core.model import (
    Day,
    Event,
    Figure,
    Media,
    Period,
    Person,
    Precision,
    Quote,
    Source,
    Timeline,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EVENT_FIELDS",
    "Header",
    "SplitCheck",
    "load_stream",
    "load_timeline",
    "parse_timeline",
    "stream_source",
    "stream_timeline",
    "validate_file",
]

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB; RELATIONS_MAX_BYTES changes it
EVENT_FIELDS = (
    "id", "date", "end", "title", "summary", "category", "actors", "people", "place", "tags",
    "quotes", "figures", "sources", "date_note", "media",
)  # fmt: skip
TOP_FIELDS = ("title", "description", "people", "events")
PERSON_FIELDS = ("name", "role", "aliases")
QUOTE_FIELDS = ("by", "text")
FIGURE_FIELDS = ("label", "value", "unit", "change")
SOURCE_FIELDS = ("title", "url", "publisher", "date")
MEDIA_FIELDS = ("url", "credit", "caption")

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CATEGORY = re.compile(r"[^\W_][\w-]*")
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_PLAIN_TAGS = {_STR, _SEQ, _MAP}
_CHUNK = 1 << 16
T = TypeVar("T")


def max_bytes() -> int:
    raw = os.environ.get("RELATIONS_MAX_BYTES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_BYTES


# -- reading the file ----------------------------------------------------------------------------


def _file_error(name: str, message: str) -> TimelineError:
    return TimelineError([Problem(name, 1, 1, message)])


def open_timeline_file(path: str | os.PathLike[str]) -> tuple[IO[bytes], int]:
    """A regular file within the size limit, opened for reading, and its size."""
    name = str(path)
    limit = max_bytes()
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise _file_error(name, "is a directory, not a timeline file")
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device would block or never end: only regular files are read.
            raise _file_error(name, "is not a regular file (a pipe, device or socket)")
        if info.st_size > limit:
            raise _file_error(name, f"is {info.st_size:,} bytes, over the {limit:,}-byte limit "
                              "(set RELATIONS_MAX_BYTES to raise it)")
        return open(path, "rb"), info.st_size
    except FileNotFoundError:
        raise _file_error(name, "no such file") from None
    except PermissionError:
        raise _file_error(name, "permission denied") from None
    except IsADirectoryError:
        raise _file_error(name, "is a directory, not a timeline file") from None
    except OSError as error:
        raise _file_error(name, f"cannot read: {error.strerror or error}") from None


class _Utf8Source:
    """Feeds the YAML parser text decoded strictly as UTF-8, dropping a leading BOM, and
    names the line, column and byte of the first invalid byte; counts bytes for progress."""

    def __init__(self, raw: IO[bytes], name: str, limit: int,
                 progress: Callable[[int], None] | None = None) -> None:
        self.raw = raw
        self.name = name
        self.limit = limit
        self.progress = progress
        self.offset = 0  # bytes read so far
        self.line = 1  # lines seen in bytes already decoded
        self.line_start = 0  # byte offset where the current line starts
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.first = True
        self.done = False

    def read(self, size: int = _CHUNK) -> str:
        if self.done:
            return ""
        data = self.raw.read(max(size, _CHUNK))
        final = not data
        try:
            text = self.decoder.decode(data, final=final)
        except UnicodeDecodeError as error:
            raise self._invalid(data, error) from None
        if final:
            self.done = True
        start = self.offset
        self.offset += len(data)
        if self.offset > self.limit:
            raise _file_error(self.name, f"is over the {self.limit:,}-byte limit (set "
                              "RELATIONS_MAX_BYTES to raise it)")
        newlines = data.count(b"\n")
        if newlines:
            self.line += newlines
            self.line_start = start + data.rfind(b"\n") + 1
        if self.progress is not None:
            self.progress(self.offset)
        if self.first:
            self.first = False
            text = text.removeprefix("\ufeff")
        return text

    def _invalid(self, data: bytes, error: UnicodeDecodeError) -> TimelineError:
        # The decoder's input may begin with up to 3 bytes held back from the chunk before.
        held = len(error.object) - len(data)
        at = error.start - held  # index in `data`; negative when the bad byte was held
        before = data[: max(at, 0)]
        line = self.line + before.count(b"\n")
        newline = before.rfind(b"\n")
        line_start = self.offset + newline + 1 if newline >= 0 else self.line_start
        absolute = self.offset + at
        column = absolute - line_start + 1
        return TimelineError([Problem(self.name, line, column,
                                      f"invalid UTF-8: byte 0x{error.object[error.start]:02x} "
                                      f"at byte offset {absolute}; save the file as UTF-8")])


# -- nodes ----------------------------------------------------------------------------------------

SCALAR, SEQUENCE, MAPPING, ALIAS = 0, 1, 2, 3


class _Node:
    """A composed YAML node: kind, tag, value (text, list or key-value pairs) and position."""

    __slots__ = ("column", "kind", "line", "plain", "tag", "value")

    def __init__(self, kind: int, tag: str, value: Any, line: int, column: int,
                 plain: bool = False) -> None:
        self.kind = kind
        self.tag = tag
        self.value = value
        self.line = line
        self.column = column
        self.plain = plain


# -- the model from nodes -------------------------------------------------------------------------


class _Fields(dict[str, _Node]):
    """A mapping's fields by name, remembering which names misspelled keys seemed to mean."""

    def __init__(self) -> None:
        super().__init__()
        self.misspelled: set[str] = set()


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


def _kind(node: _Node) -> str:
    if node.kind == MAPPING:
        return "a mapping"
    if node.kind == SEQUENCE:
        return "a list"
    return f"text ('{node.value}')" if len(str(node.value)) <= 20 else "text"


@dataclass
class _Builder:
    """Builds the model from nodes, collecting every problem rather than stopping."""

    name: str
    problems: list[Problem] = field(default_factory=list)
    # Where the mapping being built starts: a missing field is reported there.
    _current: tuple[int, int] = (1, 1)
    _ids: dict[str, int] = field(default_factory=dict)
    _person_lines: list[tuple[Person, int]] = field(default_factory=list)
    people_at: list[tuple[int, int]] = field(default_factory=list)

    def problem(self, node: _Node, message: str) -> None:
        self.problems.append(Problem(self.name, node.line, node.column, message))

    def problem_at(self, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, column, message))

    def plain(self, node: _Node) -> bool:
        """Check a node is untagged and no alias; report a tag (aliases are reported once,
        where they stand, by the composer)."""
        if node.kind == ALIAS:
            return False
        if node.tag not in _PLAIN_TAGS:
            self.problem(node, f"tag {_short_tag(node.tag)} is not supported; write plain text, "
                         "lists and mappings")
            return False
        return True

    def mapping(self, node: _Node, what: str, fields: tuple[str, ...]) -> _Fields | None:
        if not self.plain(node):
            return None
        if node.kind != MAPPING:
            self.problem(node, f"{what} must be a mapping of {', '.join(fields[:3])}, ..., "
                         f"not {_kind(node)}")
            return None
        result = _Fields()
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            # The usual key (plain text, a known field, met once) is taken without a call:
            # this loop runs for every field of every event.
            key = key_node.value
            if (key_node.kind == SCALAR and key_node.tag == _STR and key in fields
                    and key not in first_line):
                first_line[key] = key_node.line
                result[key] = value_node
                continue
            key = self.key(key_node, what, fields, first_line, result.misspelled)
            if key is not None:
                result[key] = value_node
        return result

    def key(self, key_node: _Node, what: str, fields: tuple[str, ...],
            first_line: dict[str, int], misspelled: set[str]) -> str | None:
        """A key's name when it is a known field met for the first time; else a problem."""
        if not self.plain(key_node):
            return None
        if key_node.kind != SCALAR:
            self.problem(key_node, f"a key in {what} must be text, not {_kind(key_node)}")
            return None
        key = str(key_node.value)
        if key in first_line:
            self.problem(key_node, f"duplicate key '{key}' (first at line {first_line[key]})")
            return None
        first_line[key] = key_node.line
        if key not in fields:
            import difflib

            close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
            misspelled.update(close)
            hint = f" (did you mean '{close[0]}'?)" if close else \
                f" (fields: {', '.join(fields)})"
            self.problem(key_node, f"unknown field '{key}' in {what}{hint}")
            return None
        return key

    def text(self, fields: _Fields, key: str, what: str, required: bool = False) -> str:
        node = fields.get(key)
        if node is not None and node.kind == SCALAR and node.tag == _STR:
            value = str(node.value).strip()
            if value or not required:
                return value
        if node is None:
            # A misspelling of a required field is reported once, as the misspelling.
            if required and key not in fields.misspelled:
                self.missing(key, what)
            return ""
        if not self.plain(node):
            return ""
        if node.kind != SCALAR:
            self.problem(node, f"'{key}' in {what} must be text, not {_kind(node)}")
            return ""
        value = str(node.value).strip()
        if required and not value:
            self.problem(node, f"'{key}' in {what} is empty")
        return value

    def missing(self, key: str, what: str) -> None:
        line, column = self._current
        self.problems.append(Problem(self.name, line, column, f"{what} has no '{key}'"))

    def texts(self, fields: _Fields, key: str, what: str) -> tuple[str, ...]:
        node = fields.get(key)
        if node is None:
            return ()
        if node.kind == SEQUENCE and node.tag == _SEQ and all(
                item.kind == SCALAR and item.tag == _STR for item in node.value):
            stripped = (str(item.value).strip() for item in node.value)
            return tuple(value for value in stripped if value)
        return tuple(value for value in self.items(fields, key, what, self._item_text) if value)

    def _item_text(self, node: _Node, what: str) -> str | None:
        if not self.plain(node):
            return None
        if node.kind != SCALAR:
            self.problem(node, f"each item of {what} must be text, not {_kind(node)}")
            return None
        return str(node.value).strip()

    def items(self, fields: _Fields, key: str, what: str,
              build: Callable[[_Node, str], T | None]) -> Iterator[T]:
        node = fields.get(key)
        if node is None:
            return
        yield from self.list_items(node, key, what, build)

    def list_items(self, node: _Node, key: str, what: str,
                   build: Callable[[_Node, str], T | None]) -> Iterator[T]:
        if not self.plain(node):
            return
        if node.kind == SCALAR and node.value == "" and node.plain:
            return  # `tags:` with nothing after it is an empty list
        if node.kind != SEQUENCE:
            self.problem(node, f"'{key}' in {what} must be a list, not {_kind(node)}")
            return
        for item in node.value:
            built = build(item, f"'{key}' in {what}")
            if built is not None:
                yield built

    def at(self, node: _Node) -> None:
        self._current = (node.line, node.column)

    def person(self, node: _Node, what: str) -> Person | None:
        self.at(node)
        fields = self.mapping(node, f"a person in {what}", PERSON_FIELDS)
        if fields is None:
            return None
        name = self.text(fields, "name", "a person", required=True)
        role = self.text(fields, "role", f"person '{name}'")
        aliases = self.texts(fields, "aliases", f"person '{name}'")
        if not name:
            return None
        person = Person(name, role, aliases)
        self._person_lines.append((person, node.line))
        self.people_at.append((node.line, node.column))
        return person

    def check_unique_people(self, people: tuple[Person, ...]) -> None:
        """A name listed twice is reported at the second entry (the first is kept)."""
        seen: dict[str, int] = {}
        for person, line in self._person_lines:
            folded = person.name.casefold()
            if folded in seen:
                self.problem_at(line, 1, f"'{person.name}' is listed twice in people (first "
                                f"at line {seen[folded]})")
            else:
                seen[folded] = line

    def event(self, node: _Node, what: str = "") -> Event | None:
        self.at(node)
        fields = self.mapping(node, "an event", EVENT_FIELDS)
        if fields is None:
            return None
        before = len(self.problems)
        event_id = self.text(fields, "id", "an event", required=True)
        label = f"event '{event_id}'" if event_id else "an event"
        if event_id and not _ID.fullmatch(event_id):
            self.problem(fields["id"], f"id '{event_id}' must be lowercase words joined by '-', "
                         "such as palmyra-retaken")
        elif event_id in self._ids:
            self.problem(fields["id"], f"duplicate id '{event_id}' (first at line "
                         f"{self._ids[event_id]})")
        elif event_id:
            self._ids[event_id] = fields["id"].line
        self.at(node)
        start, end = self.when(fields, label)
        if start and end and end.end < start.start:
            self.problem(fields["end"], f"end {end.text} is before date {start.text}")
        title = self.text(fields, "title", label, required=True)
        category = self.text(fields, "category", label)
        if category and not _CATEGORY.fullmatch(category):
            self.problem(fields["category"], f"category '{category}' must be one word, such as "
                         "trade")
        event = Event(
            id=event_id,
            date=start or _NO_DATE,
            end=end,
            title=title,
            summary=self.text(fields, "summary", label),
            category=category,
            actors=self.texts(fields, "actors", label),
            people=self.texts(fields, "people", label),
            place=self.text(fields, "place", label),
            tags=self.texts(fields, "tags", label),
            quotes=tuple(self.items(fields, "quotes", label, self.quote)),
            figures=tuple(self.items(fields, "figures", label, self.figure)),
            sources=tuple(self.items(fields, "sources", label, self.source)),
            date_note=self.text(fields, "date_note", label),
            line=node.line,
            media=self.media(fields, label),
        )
        return event if len(self.problems) == before else None

    def when(self, fields: _Fields, what: str) -> tuple[Period | None, Period | None]:
        """An event's date and end; `date` may be an EDTF interval (2015-09/2016-03)."""
        text = self.text(fields, "date", what, required=True)
        start = end = None
        if text:
            try:
                start, end = cached_event_when(text)
            except DateError as error:
                self.problem(fields["date"], f"date of {what}: {error}")
        if end is not None and "end" in fields:
            self.problem(fields["end"], f"end of {what}: the date '{text}' already ends "
                         "(an interval); give one or the other")
            return start, end
        return start, end or self.date(fields, "end", what)

    def date(self, fields: _Fields, key: str, what: str, required: bool = False,
             ) -> Period | None:
        text = self.text(fields, key, what, required=required)
        if not text:
            return None
        try:
            return cached_event_date(text)
        except DateError as error:
            self.problem(fields[key], f"{key} of {what}: {error}")
            return None

    def quote(self, node: _Node, what: str) -> Quote | None:
        self.at(node)
        fields = self.mapping(node, f"a quote in {what}", QUOTE_FIELDS)
        if fields is None:
            return None
        by = self.text(fields, "by", "a quote", required=True)
        text = self.text(fields, "text", "a quote", required=True)
        return Quote(by, text) if by and text else None

    def figure(self, node: _Node, what: str) -> Figure | None:
        self.at(node)
        fields = self.mapping(node, f"a figure in {what}", FIGURE_FIELDS)
        if fields is None:
            return None
        label = self.text(fields, "label", "a figure", required=True)
        value = self.text(fields, "value", "a figure", required=True)
        unit = self.text(fields, "unit", "a figure")
        change = self.text(fields, "change", "a figure")
        return Figure(label, value, unit, change) if label and value else None

    def media(self, fields: _Fields, what: str) -> Media | None:
        node = fields.get("media")
        if node is None or not self.plain(node):
            return None
        self.at(node)
        found = self.mapping(node, f"the media of {what}", MEDIA_FIELDS)
        if found is None:
            return None
        url = self.text(found, "url", "the media", required=True)
        credit = self.text(found, "credit", "the media")
        caption = self.text(found, "caption", "the media")
        return Media(url, credit, caption) if url else None

    def source(self, node: _Node, what: str) -> Source | None:
        self.at(node)
        fields = self.mapping(node, f"a source in {what}", SOURCE_FIELDS)
        if fields is None:
            return None
        title = self.text(fields, "title", "a source", required=True)
        url = self.text(fields, "url", "a source")
        publisher = self.text(fields, "publisher", "a source")
        when = self.date(fields, "date", "a source")
        return Source(title, url, publisher, when.text if when else "") if title else None


# Stands in for a missing date while the rest of an event is checked; such an event is dropped.
_NO_DATE = Period(Day(1), Day(1), Precision.DAY, "")


# -- the stream -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """Everything in a timeline but its events."""

    title: str = ""
    description: str = ""
    people: tuple[Person, ...] = ()
    # The top-level keys the file holds, in order (the index checks a split file with them).
    keys: tuple[str, ...] = ()
    # Where each of `people` stands in the file: (line, column) of its entry.
    people_at: tuple[tuple[int, int], ...] = ()


@dataclass
class SplitCheck:
    """Asks the reader of a file's first half to prove a split point with its own parse.

    `index` and `line` are where the first node of the item said to start the second half
    stands (a 0-based character index in the decoded text, after any BOM, and a 0-based
    line, as the YAML parser counts them). The reader stops when its parse reaches that
    point; `proven` is then True only if that very point starts an item of the top-level
    block `events` sequence. Anything else (inside a scalar, a flow collection, past the
    end of the list, another line count) leaves it False.
    """

    index: int
    line: int
    proven: bool = False


class _Halt(Exception):
    """The first half's reader has reached its split point: it stops there."""


class _Walker:
    """Pulls parser events, composes nodes and hands each timeline event to `sink` at once."""

    def __init__(self, parser: Any, builder: _Builder, sink: Callable[[Event], None],
                 check: SplitCheck | None = None) -> None:
        import yaml

        self.get_event = parser.get_event
        self.builder = builder
        self.sink = sink
        self.y = yaml
        self.check = check
        self.halted = False

    def _next(self) -> Any:
        event = self.get_event()
        if event is None:
            raise StopIteration
        return event

    def node(self, event: Any) -> _Node:
        """The complete node that starts with `event`, composed without recursion.

        This loop runs for every value of a large timeline, so it is written for speed.
        """
        y = self.y
        scalar_event, alias_event = y.ScalarEvent, y.AliasEvent
        sequence_end, mapping_end = y.SequenceEndEvent, y.MappingEndEvent
        kind = type(event)
        if kind is scalar_event:
            return self._scalar(event)
        if kind is alias_event:
            return self._alias(event)
        root = self._container(event)
        # Each open container, with the key it waits to pair with a value (mappings only).
        stack: list[list[Any]] = [[root, None]]
        get_event = self.get_event
        while stack:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                mark = event.start_mark
                tag = event.tag
                child = _Node(SCALAR, _STR if tag is None or tag == "!" else tag, event.value,
                              mark.line + 1, mark.column + 1, not event.style)
            elif kind is sequence_end or kind is mapping_end:
                stack.pop()
                continue
            elif kind is alias_event:
                child = self._alias(event)
            elif event is None:
                raise StopIteration
            else:
                child = self._container(event)
            entry = stack[-1]
            parent = entry[0]
            if parent.kind == SEQUENCE:
                parent.value.append(child)
            elif entry[1] is None:
                entry[1] = child
            else:
                parent.value.append((entry[1], child))
                entry[1] = None
            if child.kind == SEQUENCE or child.kind == MAPPING:
                stack.append([child, None])
        return root

    def _scalar(self, event: Any) -> _Node:
        mark = event.start_mark
        tag = event.tag if event.tag not in (None, "!") else _STR
        return _Node(SCALAR, tag, event.value, mark.line + 1, mark.column + 1,
                     not event.style)

    def _container(self, event: Any) -> _Node:
        mark = event.start_mark
        is_map = type(event) is self.y.MappingStartEvent
        tag = event.tag if event.tag not in (None, "!") else (_MAP if is_map else _SEQ)
        return _Node(MAPPING if is_map else SEQUENCE, tag, [], mark.line + 1, mark.column + 1)

    def _alias(self, event: Any) -> _Node:
        mark = event.start_mark
        self.builder.problem_at(mark.line + 1, mark.column + 1,
                                "aliases (*name) are not supported; write the value out")
        return _Node(ALIAS, _STR, "", mark.line + 1, mark.column + 1)

    def run(self) -> Header:
        y = self.y
        builder = self.builder
        self._next()  # the stream's start
        start = self._next()
        if type(start) is y.StreamEndEvent:
            builder.problem_at(1, 1, "the file is empty; a timeline is a mapping with an "
                               "'events:' list")
            return Header()
        root = self._next()
        if type(root) is not y.MappingStartEvent or root.tag not in (None, "!", _MAP):
            node = self.node(root)
            if builder.plain(node):
                builder.problem(node, "the top level must be a mapping with an 'events:' list, "
                                f"not {_kind(node)}")
            self._finish()
            return Header()
        header = self._top_level(self._container(root))
        if not self.halted:
            self._finish()
        return header

    def _top_level(self, root: _Node) -> Header:
        y = self.y
        builder = self.builder
        first_line: dict[str, int] = {}
        misspelled: set[str] = set()
        values: dict[str, _Node] = {}
        has_events = False
        while True:
            event = self._next()
            if type(event) is y.MappingEndEvent:
                break
            key_node = self.node(event)
            key = builder.key(key_node, "the timeline", TOP_FIELDS, first_line, misspelled)
            value_start = self._next()
            if key == "events":
                has_events = True
                try:
                    self._events(value_start)
                except _Halt:
                    self.halted = True
                    break
            elif key is not None:
                values[key] = self.node(value_start)
            else:
                self.node(value_start)  # read past it; the problem is reported
        fields = _Fields()
        fields.update(values)
        fields.misspelled = misspelled
        builder.at(root)
        title = builder.text(fields, "title", "the timeline")
        description = builder.text(fields, "description", "the timeline")
        people = tuple(builder.items(fields, "people", "the timeline", builder.person))
        builder.check_unique_people(people)
        if not has_events and not self.halted:
            builder.at(root)
            builder.missing("events", "the timeline")
        return Header(title, description, people, tuple(first_line),
                      tuple(builder.people_at))

    def _events(self, start: Any) -> None:
        y = self.y
        if self.check is not None:
            self._checked_events(start, self.check)
            return
        if type(start) is not y.SequenceStartEvent or start.tag not in (None, "!", _SEQ):
            node = self.node(start)
            for event in self.builder.list_items(node, "events", "the timeline",
                                                 self.builder.event):
                self.sink(event)
            return
        build, sink, next_event = self.builder.event, self.sink, self._next
        sequence_end = y.SequenceEndEvent
        while True:
            event = next_event()
            if type(event) is sequence_end:
                return
            built = build(self.node(event))
            if built is not None:
                sink(built)

    def _checked_events(self, start: Any, check: SplitCheck) -> None:
        """The events of a first half: read up to the split point, which must start an item."""
        y = self.y
        if type(start) is not y.SequenceStartEvent or start.flow_style \
                or start.tag not in (None, "!", _SEQ):
            raise _Halt  # not a block list: the split cannot be proven
        build, sink, next_event = self.builder.event, self.sink, self._next
        sequence_end = y.SequenceEndEvent
        while True:
            event = next_event()
            if type(event) is sequence_end:
                raise _Halt  # the list ended before the split point: not proven
            mark = event.start_mark
            if mark.index >= check.index or mark.line >= check.line:
                check.proven = mark.index == check.index and mark.line == check.line
                raise _Halt
            built = build(self.node(event))
            if built is not None:
                sink(built)

    def _finish(self) -> None:
        y = self.y
        self._next()  # the document's end
        event = self._next()
        if type(event) is y.DocumentStartEvent:
            mark = event.start_mark
            self.builder.problem_at(mark.line + 1, mark.column + 1,
                                    "the file holds more than one YAML document; a timeline "
                                    "is one")


def _yaml_loader() -> Any:
    import yaml

    # BaseLoader resolves no implicit types; the C parser when PyYAML was built with libyaml.
    return getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def _yaml_message(error: Any, char: str) -> str:
    problem = (error.problem or "").strip()
    if char == "\t" or "'\\t'" in problem:
        return "a tab character is not allowed here; indent YAML with spaces"
    if "special characters are not allowed" in problem or "control characters" in problem:
        return "a control character is not allowed in YAML text; write it as an escape"
    context = (error.context or "").strip()
    detail = f"{context}: {problem}" if context and problem else problem or context
    return f"not valid YAML: {detail}" if detail else "not valid YAML"


def _stream(source: Any, name: str, sink: Callable[[Event], None],
            line_of: Callable[[int], str],
            check: SplitCheck | None = None,
            head_of: Callable[[int], bytes] = lambda size: b"",
            ) -> tuple[Header, list[Problem]]:
    """Walk a whole stream (or up to a split point); every problem found, sorted, and the
    header."""
    import yaml

    builder = _Builder(name)
    header = Header()
    walker = _Walker(_yaml_loader()(source), builder, sink, check)
    # Millions of small objects live only briefly: the cyclic collector would only slow this.
    collecting = gc.isenabled()
    gc.disable()
    try:
        header = walker.run()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        text = line_of(line)
        char = text[column - 1 : column] if mark else ""
        builder.problem_at(line, column, _yaml_message(error, char))
    except yaml.reader.ReaderError as error:
        line, column = _locate(head_of, error.position)
        code = error.character if isinstance(error.character, int) else 0
        builder.problem_at(line, column, f"a control character (U+{code:04X}) is not allowed "
                           "in YAML text; write it as an escape")
    except yaml.YAMLError as error:
        detail = " ".join(str(error).split())  # one line, whatever the parser wrote
        builder.problem_at(1, 1, f"not valid YAML: {detail}")
    except TimelineError as error:
        builder.problems.extend(error.problems)
    except StopIteration:
        builder.problem_at(1, 1, "not valid YAML: the file ends too soon")
    finally:
        if collecting:
            gc.enable()
    problems = sorted(builder.problems, key=lambda p: (p.line, p.column))
    return header, problems


def _locate(head_of: Callable[[int], bytes], position: int) -> tuple[int, int]:
    """Line and column of a reader error. libyaml counts bytes of the UTF-8 text it was
    given (the file without its BOM), the pure-Python reader counts characters."""
    import yaml

    if getattr(yaml, "__with_libyaml__", False):
        head = head_of(position).decode("utf-8", "replace")
    else:
        head = head_of(position * 4).decode("utf-8", "replace")[:position]
    before = head.replace("\r\n", "\n")
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def _file_head(path: str | os.PathLike[str]) -> Callable[[int], bytes]:
    def head(size: int) -> bytes:
        try:
            with open(path, "rb") as handle:
                data = handle.read(size + 3)
        except OSError:
            return b""
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else data[:size]

    return head


def stream_timeline(path: str | os.PathLike[str], sink: Callable[[Event], None],
                    progress: Callable[[int, int], None] | None = None,
                    ) -> tuple[Header, list[Problem]]:
    """Read a timeline file, handing each valid event to `sink` as soon as it is read.

    Returns the header and every problem found; the caller must not trust what reached the
    sink when there are problems. `progress(bytes_read, file_size)` follows the reading.
    """
    name = str(path)
    try:
        raw, size = open_timeline_file(path)
    except TimelineError as error:
        return Header(), error.problems
    with raw:
        report = (lambda done: progress(done, size)) if progress else None
        return _stream(_Utf8Source(raw, name, max_bytes(), report), name, sink,
                       lambda line: _read_line(path, line), None, _file_head(path))


def stream_source(raw: IO[bytes], name: str, sink: Callable[[Event], None],
                  progress: Callable[[int], None] | None = None,
                  line_of: Callable[[int], str] = lambda line: "",
                  check: SplitCheck | None = None,
                  ) -> tuple[Header, list[Problem]]:
    """Like stream_timeline, from an open binary stream; `line_of(n)` gives line n's text
    (used only to word a syntax error). With `check`, reads only up to a split point."""
    return _stream(_Utf8Source(raw, name, max_bytes(), progress), name, sink, line_of, check)


def _read_line(path: str | os.PathLike[str], number: int) -> str:
    """One line of a file, read again only to word an error message."""
    try:
        with open(path, "rb") as handle:
            for count, line in enumerate(handle, start=1):
                if count == number:
                    return line.decode("utf-8", "replace")
    except OSError:
        pass
    return ""


def read_lines(path: str | os.PathLike[str]) -> list[str]:
    """A file's lines, without a BOM, read again only to place warnings (never fails)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(max_bytes()).decode("utf-8", "replace")
    except OSError:
        return []
    return text.removeprefix("\ufeff").splitlines()


def parse_timeline(text: str, name: str = "<timeline>") -> tuple[Timeline | None, list[Problem]]:
    """Validate timeline text; the timeline is None whenever there is any problem."""
    events: list[Event] = []
    lines = text.split("\n")
    body = text.removeprefix("\ufeff")
    header, problems = _stream(io.StringIO(body), name, events.append,
                               lambda n: lines[n - 1] if 0 < n <= len(lines) else "", None,
                               lambda size: body.encode("utf-8", "surrogatepass")[:size])
    if problems:
        return None, problems
    return _timeline(events, header, name), []


def _timeline(events: list[Event], header: Header, name: str) -> Timeline:
    events.sort(key=lambda e: (e.first_day, e.last_day, e.line))
    return Timeline(tuple(events), header.people, header.title, header.description, name)


def validate_file(path: str | os.PathLike[str]) -> tuple[Timeline | None, list[Problem]]:
    """Every problem in a file, in file order, and the timeline when there are none."""
    events: list[Event] = []
    header, problems = stream_timeline(path, events.append)
    if problems:
        return None, problems
    return _timeline(events, header, str(path)), []


def load_stream(raw: IO[bytes], name: str = "<stdin>") -> Timeline:
    """Load and validate a timeline from a binary stream (standard input) in memory, its
    problems naming the file `name`; raises TimelineError as load_timeline does."""
    limit = max_bytes()
    data = raw.read(limit + 1)
    if len(data) > limit:
        raise _file_error(name, f"is over the {limit:,}-byte limit (set RELATIONS_MAX_BYTES "
                          "to raise it)")
    lines = data.split(b"\n")
    events: list[Event] = []
    header, problems = stream_source(
        io.BytesIO(data), name, events.append,
        line_of=lambda n: lines[n - 1].decode("utf-8", "replace") if 0 < n <= len(lines)
        else "")
    if problems:
        raise TimelineError(problems)
    return _timeline(events, header, name)


def load_timeline(path: str | os.PathLike[str]) -> Timeline:
    """Load and validate a timeline; raises TimelineError listing every problem found."""
    timeline, problems = validate_file(path)
    if problems or timeline is None:
        raise TimelineError(problems)
    return timeline

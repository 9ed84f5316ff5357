"""YAML to model: strict loading and validation, every problem with its FILE:LINE:COL.

The YAML is composed into nodes with no implicit typing, so `NO`, `010` and `2015` stay text
as written, and every value keeps the line and column it came from. Nothing is constructed by
PyYAML itself: tags, anchors and aliases never expand into objects.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from relations_cli.dates import parse_event_date
from relations_cli.errors import DateError, Problem, TimelineError
from relations_cli.model import (
    Event,
    Figure,
    Period,
    Person,
    Precision,
    Quote,
    Source,
    Timeline,
)

if TYPE_CHECKING:
    import yaml

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EVENT_FIELDS",
    "load_timeline",
    "parse_timeline",
    "read_timeline_text",
    "validate_file",
]

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB; RELATIONS_MAX_BYTES changes it
EVENT_FIELDS = (
    "id", "date", "end", "title", "summary", "category", "actors", "people", "place", "tags",
    "quotes", "figures", "sources", "date_note",
)  # fmt: skip
TOP_FIELDS = ("title", "description", "people", "events")
PERSON_FIELDS = ("name", "role", "aliases")
QUOTE_FIELDS = ("by", "text")
FIGURE_FIELDS = ("label", "value", "unit", "change")
SOURCE_FIELDS = ("title", "url", "publisher", "date")

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CATEGORY = re.compile(r"[^\W_][\w-]*")
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_PLAIN_TAGS = {_STR, _SEQ, _MAP}
T = TypeVar("T")


def max_bytes() -> int:
    raw = os.environ.get("RELATIONS_MAX_BYTES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_BYTES


def read_timeline_text(path: str | os.PathLike[str]) -> str:
    """The file's text: a regular file, within the size limit, UTF-8 (a BOM is dropped)."""
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
        with open(path, "rb") as handle:
            # Read what stat promised plus a byte: a file growing past the limit is caught,
            # and no buffer the size of the limit is ever allocated.
            data = handle.read(min(info.st_size, limit) + 1)
    except FileNotFoundError:
        raise _file_error(name, "no such file") from None
    except PermissionError:
        raise _file_error(name, "permission denied") from None
    except IsADirectoryError:
        raise _file_error(name, "is a directory, not a timeline file") from None
    except OSError as error:
        raise _file_error(name, f"cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        raise _file_error(name, f"is over the {limit:,}-byte limit (set RELATIONS_MAX_BYTES "
                          "to raise it)")
    return decode_utf8(data, name)


def decode_utf8(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = error.start - line_start + 1
        byte = data[error.start]
        raise TimelineError([Problem(name, line, column,
                                     f"invalid UTF-8: byte 0x{byte:02x} at byte offset "
                                     f"{error.start}; save the file as UTF-8")]) from None
    return text.removeprefix("\ufeff")


def _file_error(name: str, message: str) -> TimelineError:
    return TimelineError([Problem(name, 1, 1, message)])


def load_timeline(path: str | os.PathLike[str]) -> Timeline:
    """Load and validate a timeline; raises TimelineError listing every problem found."""
    timeline, problems = validate_file(path)
    if problems or timeline is None:
        raise TimelineError(problems)
    return timeline


def validate_file(path: str | os.PathLike[str]) -> tuple[Timeline | None, list[Problem]]:
    """Every problem in a file, in file order, and the timeline when there are none."""
    try:
        text = read_timeline_text(path)
    except TimelineError as error:
        return None, error.problems
    return parse_timeline(text, str(path))


def parse_timeline(text: str, name: str = "<timeline>") -> tuple[Timeline | None, list[Problem]]:
    """Validate timeline text; the timeline is None whenever there is any problem."""
    root, problem = _compose(text, name)
    if problem or root is None:
        return None, [problem] if problem else []
    builder = _Builder(name, text)
    timeline = builder.timeline(root)
    problems = sorted(builder.problems, key=lambda p: (p.line, p.column))
    return (None if problems else timeline), problems


def _yaml_loader() -> type[yaml.BaseLoader]:
    import yaml

    # BaseLoader resolves no implicit types: every scalar is text as written.
    loader: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    return loader


def _compose(text: str, name: str) -> tuple[yaml.Node | None, Problem | None]:
    import yaml

    try:
        root = yaml.compose(text, Loader=_yaml_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, Problem(name, line, column, _yaml_message(error, _char_at(text, mark)))
    except yaml.YAMLError as error:
        return None, Problem(name, 1, 1, f"not valid YAML: {error}")
    except RecursionError:
        return None, Problem(name, 1, 1, "nesting is too deep to be a timeline")
    if root is None:
        return None, Problem(name, 1, 1, "the file is empty; a timeline is a mapping with an "
                             "'events:' list")
    return root, None


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column : mark.column + 1]


def _yaml_message(error: yaml.MarkedYAMLError, char: str) -> str:
    problem = (error.problem or "").strip()
    if char == "\t" or "'\\t'" in problem:
        return "a tab character is not allowed here; indent YAML with spaces"
    if "special characters are not allowed" in problem or "control characters" in problem:
        return "a control character is not allowed in YAML text; write it as an escape"
    context = (error.context or "").strip()
    detail = f"{context}: {problem}" if context and problem else problem or context
    return f"not valid YAML: {detail}" if detail else "not valid YAML"


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


class _Fields(dict[str, "yaml.Node"]):
    """A mapping's fields by name, remembering which names misspelled keys seemed to mean."""

    def __init__(self) -> None:
        super().__init__()
        self.misspelled: set[str] = set()


@dataclass
class _Builder:
    """Walks composed nodes into the model, collecting every problem rather than stopping."""

    name: str
    source_text: str
    problems: list[Problem] = field(default_factory=list)
    # Where the mapping being built starts: a missing field is reported there.
    _current: tuple[int, int] = (1, 1)
    _seen: set[int] = field(default_factory=set)
    _alias_reported: bool = False
    _ids: dict[str, int] = field(default_factory=dict)
    _person_lines: dict[str, int] = field(default_factory=dict)

    # -- problems ---------------------------------------------------------------------------

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(
            Problem(self.name, node.start_mark.line + 1, node.start_mark.column + 1, message)
        )

    def _alias_problem(self, node: yaml.Node) -> None:
        if self._alias_reported:
            return
        self._alias_reported = True
        import yaml

        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        try:
            for event in yaml.parse(self.source_text, Loader=_yaml_loader()):
                if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                    line, column = event.start_mark.line + 1, event.start_mark.column + 1
                    break
        except yaml.YAMLError:  # the text composed once already; keep the anchor's place
            pass
        self.problems.append(Problem(self.name, line, column,
                                     "aliases (*name) are not supported; write the value out"))

    # -- node checks ------------------------------------------------------------------------

    def _plain(self, node: yaml.Node) -> bool:
        """Check a node is untagged and met once; report it otherwise."""
        if id(node) in self._seen:
            self._alias_problem(node)
            return False
        self._seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            self.problem(node, f"tag {_short_tag(node.tag)} is not supported; write plain text, "
                         "lists and mappings")
            return False
        return True

    def mapping(self, node: yaml.Node, what: str, fields: tuple[str, ...],
                ) -> _Fields | None:
        import yaml

        if not self._plain(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of {', '.join(fields[:3])}, ..., "
                         f"not {_kind(node)}")
            return None
        result = _Fields()
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not self._plain(key_node):
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, f"a key in {what} must be text, not {_kind(key_node)}")
                continue
            key = key_node.value
            if key in first_line:
                self.problem(key_node, f"duplicate key '{key}' (first at line {first_line[key]})")
                continue
            first_line[key] = key_node.start_mark.line + 1
            if key not in fields:
                close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
                result.misspelled.update(close)
                hint = f" (did you mean '{close[0]}'?)" if close else \
                    f" (fields: {', '.join(fields)})"
                self.problem(key_node, f"unknown field '{key}' in {what}{hint}")
                continue
            result[key] = value_node
        return result

    def text(self, fields: dict[str, yaml.Node], key: str, what: str,
             required: bool = False) -> str:
        import yaml

        node = fields.get(key)
        if node is None:
            # A misspelling of a required field is reported once, as the misspelling.
            if required and key not in getattr(fields, "misspelled", ()):
                self._missing(key, what)
            return ""
        if not self._plain(node):
            return ""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"'{key}' in {what} must be text, not {_kind(node)}")
            return ""
        value = str(node.value).strip()
        if required and not value:
            self.problem(node, f"'{key}' in {what} is empty")
        return value

    def _missing(self, key: str, what: str) -> None:
        line, column = self._current
        self.problems.append(Problem(self.name, line, column, f"{what} has no '{key}'"))

    def texts(self, fields: dict[str, yaml.Node], key: str, what: str) -> tuple[str, ...]:
        return tuple(
            value for value in self.items(fields, key, what, self._item_text) if value
        )

    def _item_text(self, node: yaml.Node, what: str) -> str | None:
        import yaml

        if not self._plain(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"each item of {what} must be text, not {_kind(node)}")
            return None
        return str(node.value).strip()

    def items(self, fields: dict[str, yaml.Node], key: str, what: str,
              build: Callable[[yaml.Node, str], T | None]) -> Iterator[T]:
        import yaml

        node = fields.get(key)
        if node is None or not self._plain(node):
            return
        if isinstance(node, yaml.ScalarNode) and node.value == "" and node.style is None:
            return  # `tags:` with nothing after it is an empty list
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"'{key}' in {what} must be a list, not {_kind(node)}")
            return
        for item in node.value:
            built = build(item, f"'{key}' in {what}")
            if built is not None:
                yield built

    def at(self, node: yaml.Node) -> None:
        self._current = (node.start_mark.line + 1, node.start_mark.column + 1)

    # -- the model --------------------------------------------------------------------------

    def timeline(self, root: yaml.Node) -> Timeline | None:
        import yaml

        if not isinstance(root, yaml.MappingNode):
            if self._plain(root):
                self.problem(root, "the top level must be a mapping with an 'events:' list, not "
                             f"{_kind(root)}")
            return None
        self.at(root)
        top = self.mapping(root, "the timeline", TOP_FIELDS)
        if top is None:
            return None
        title = self.text(top, "title", "the timeline")
        description = self.text(top, "description", "the timeline")
        people = tuple(self.items(top, "people", "the timeline", self.person))
        self._check_unique_people(people)
        if "events" not in top:
            self.at(root)
            self._missing("events", "the timeline")
            return None
        events = list(self.items(top, "events", "the timeline", self.event))
        events.sort(key=lambda e: (e.first_day, e.last_day, e.line))
        return Timeline(tuple(events), people, title, description, self.name)

    def _check_unique_people(self, people: tuple[Person, ...]) -> None:
        seen: set[str] = set()
        for person in people:
            folded = person.name.casefold()
            if folded in seen:
                self.problems.append(Problem(self.name, self._person_lines[person.name], 1,
                                             f"'{person.name}' is listed twice in people"))
            seen.add(folded)

    def person(self, node: yaml.Node, what: str) -> Person | None:
        self.at(node)
        fields = self.mapping(node, f"a person in {what}", PERSON_FIELDS)
        if fields is None:
            return None
        name = self.text(fields, "name", "a person", required=True)
        role = self.text(fields, "role", f"person '{name}'")
        aliases = self.texts(fields, "aliases", f"person '{name}'")
        if not name:
            return None
        self._person_lines.setdefault(name, node.start_mark.line + 1)
        return Person(name, role, aliases)

    def event(self, node: yaml.Node, what: str) -> Event | None:
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
            self._ids[event_id] = fields["id"].start_mark.line + 1
        self.at(node)
        start = self.date(fields, "date", label, required=True)
        end = self.date(fields, "end", label)
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
            line=node.start_mark.line + 1,
        )
        return event if len(self.problems) == before else None

    def date(self, fields: dict[str, yaml.Node], key: str, what: str,
             required: bool = False) -> Period | None:
        text = self.text(fields, key, what, required=required)
        if not text:
            return None
        try:
            return parse_event_date(text)
        except DateError as error:
            self.problem(fields[key], f"{key} of {what}: {error}")
            return None

    def quote(self, node: yaml.Node, what: str) -> Quote | None:
        self.at(node)
        fields = self.mapping(node, f"a quote in {what}", QUOTE_FIELDS)
        if fields is None:
            return None
        by = self.text(fields, "by", "a quote", required=True)
        text = self.text(fields, "text", "a quote", required=True)
        return Quote(by, text) if by and text else None

    def figure(self, node: yaml.Node, what: str) -> Figure | None:
        self.at(node)
        fields = self.mapping(node, f"a figure in {what}", FIGURE_FIELDS)
        if fields is None:
            return None
        label = self.text(fields, "label", "a figure", required=True)
        value = self.text(fields, "value", "a figure", required=True)
        unit = self.text(fields, "unit", "a figure")
        change = self.text(fields, "change", "a figure")
        return Figure(label, value, unit, change) if label and value else None

    def source(self, node: yaml.Node, what: str) -> Source | None:
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
_NO_DATE = Period(date.min, date.min, Precision.DAY, "")


def _kind(node: yaml.Node) -> str:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"text ('{node.value}')" if len(str(node.value)) <= 20 else "text"


def default_data_path() -> Path:
    """The bundled timeline: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "events.yaml"
    return packaged if packaged.is_file() else here.parent / "data" / "events.yaml"

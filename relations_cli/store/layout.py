"""Where the events of a timeline are written: character positions, read with PyYAML's parser.

Nothing here re-serialises anything. PyYAML's event parser reports where each event of the
events list starts and ends and where its top-level keys and values lie; the writes
(store/write.py) then change text at those positions and leave every other byte as it was.

Two ways in: `layout` walks a whole text; `items_at` walks a window of it that starts at the
line of one event's `-` (a block list at any indentation is a YAML document of its own), so
a write to a file of a million events parses only the events it touches.

Comments are not YAML events. `comments_between` finds them in a stretch of text from what
the parser does report: a `#` that starts a comment is one outside every scalar, after a
space or at a line's start. An event's own comments (see `Item.lead`) are the comment lines
directly above its `-`, with no blank line between, and those trailing on its lines.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from relations_cli.core.errors import Problem, TimelineError, WriteError

__all__ = ["BREAK", "Field", "Item", "Layout", "blank_between", "comments_between", "items_at",
           "layout", "line_after", "line_start", "list_items", "newline_of"]

# Every line break YAML 1.1 knows (PyYAML counts each as a line).
BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_BREAK_CHARS = "\r\n\x85\u2028\u2029"
_SPACE = " \t" + _BREAK_CHARS


@dataclass
class Field:
    """One top-level key of an event and its value, as positions in the text."""

    key: str
    key_start: int
    colon_end: int  # just after the ':' that follows the key
    value_start: int  # where the value's text starts (== value_end when it is empty)
    value_end: int  # just after the value's last character
    text: str = ""  # a scalar's value ("" for a list or mapping)
    collection: bool = False
    block_scalar: bool = False  # written `|` or `>`
    multiline: bool = False  # its text runs over more than one line


@dataclass
class Item:
    """One event of the events list as written."""

    lead: int  # the start of its own comment lines above its '-' (== start when none)
    start: int  # the start of the line holding its '-'
    end: int  # just after the line break of its last line (or the end of the text)
    dash: int  # column of the '-'
    indent: int  # column of its keys
    flow: bool  # written as `- {id: ..., ...}`
    close: int  # the index of its closing '}' when flow, else -1
    fields: dict[str, Field] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)  # scalars, in text order

    def text_of(self, key: str) -> str:
        found = self.fields.get(key)
        return found.text if found is not None else ""

    @property
    def id(self) -> str:
        return self.text_of("id")

    @property
    def date(self) -> str:
        return self.text_of("date")


@dataclass
class Layout:
    """The events list of a timeline text: its items, and how they are written."""

    items: list[Item]
    newline: str
    blank_between: bool  # events are separated by a blank line
    empty_at: int  # where a first event goes when the list is empty (-1: not empty)
    empty_dash: int
    key_end: int = 0  # just after the 'events' key


class _Positions:
    """Line and column (as PyYAML counts them, parsing text[base:]) to an index in the text."""

    def __init__(self, text: str, base: int = 0) -> None:
        self.starts = [base] + [match.end() for match in BREAK.finditer(text, base)]

    def __call__(self, mark: Any) -> int:
        if mark.line >= len(self.starts):  # the end of a text with no final line break
            return int(self.starts[-1] + mark.column)
        return int(self.starts[mark.line] + mark.column)


def newline_of(text: str) -> str:
    """The line ending the text uses (of its first line break): LF, CRLF or CR."""
    match = BREAK.search(text)
    return match.group() if match and match.group() in ("\r\n", "\r") else "\n"


def line_start(text: str, index: int) -> int:
    """The start of the line holding `index`: a walk back over that line alone."""
    while index > 0 and text[index - 1] not in _BREAK_CHARS:
        index -= 1
    return index


def line_after(text: str, index: int) -> int:
    """Just after the line break ending the line that holds `index` (or the text's end)."""
    match = BREAK.search(text, index)
    return match.end() if match else len(text)


def _yaml() -> Any:
    import yaml

    return yaml


def _parse(text: str) -> Iterator[Any]:
    y = _yaml()
    loader = getattr(y, "CBaseLoader", y.BaseLoader)
    return iter(y.parse(text, Loader=loader))


def _problem(error: Exception, name: str) -> TimelineError:
    mark = getattr(error, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return TimelineError([Problem(name, line, column, "not valid YAML; 'relations validate' "
                                  "says more")])


def layout(text: str, name: str = "<timeline>", key: str = "events") -> Layout:
    """Where the items of a whole timeline text's top-level list `key` are (the events, or
    the people of the registry), in the text without its BOM."""
    y = _yaml()
    position = _Positions(text)
    try:
        items, empty_at, empty_dash, key_end = _walk(_parse(text), text, position, y, key)
    except y.YAMLError as error:
        raise _problem(error, name) from None
    except WriteError as error:
        raise WriteError(f"{name}: {error}") from None
    blank = len(items) > 1 and blank_between(text, items[0], items[1])
    return Layout(items, newline_of(text), blank, empty_at, empty_dash, key_end)


def top_key_start(text: str, key: str, name: str = "<timeline>") -> int | None:
    """The start of the line of a top-level key (`events:`), None when the text has none."""
    y = _yaml()
    position = _Positions(text)
    try:
        events = _parse(text)
        for event in events:
            if isinstance(event, y.MappingStartEvent):
                break
        while True:
            event = next(events)
            if isinstance(event, y.MappingEndEvent):
                return None
            value = next(events)
            if isinstance(event, y.ScalarEvent) and event.value == key:
                return line_start(text, position(event.start_mark))
            _skip(value, events, y)
    except y.YAMLError as error:
        raise _problem(error, name) from None
    except StopIteration:
        return None


def blank_between(text: str, first: Item, second: Item) -> bool:
    gap = text[first.end : second.lead]
    return any(not line.strip() for line in BREAK.split(gap)[:-1]) or (
        bool(gap) and not gap.strip())


def items_at(window: str, count: int, start: int = 0) -> list[Item]:
    """The first `count` events of the window from `start`, the line of an event's '-'
    (fewer when the list ends first). The window may end anywhere after them: what follows
    is not read. The text before `start` is there for the first event's comments above.
    None when the window does not start at an event."""
    y = _yaml()
    position = _Positions(window, start)
    events = _parse(window[start:])
    items: list[Item] = []
    try:
        for event in events:
            if isinstance(event, y.SequenceStartEvent):
                break
            if not isinstance(event, (y.StreamStartEvent, y.DocumentStartEvent)):
                return []  # the window does not start at an event
        else:
            return []
        while len(items) < count:
            event = next(events)
            if isinstance(event, y.SequenceEndEvent):
                break
            items.append(_item(event, events, window, position, y))
    except (y.YAMLError, StopIteration):
        # The window cut an event short (or reached what follows the list): the caller
        # widens it when it has fewer events than it needs.
        pass
    return items


def list_items(text: str) -> list[tuple[str, tuple[int, int], tuple[int, int]]] | None:
    """Each event of `text`, when it is exactly a block list of events (a mapping each), as
    its id ("" when it has none), where its first key starts and where its last written
    value ends (line and column, as PyYAML counts them in `text`); read with PyYAML's
    parser as `items_at` reads them, without placing their fields. None when the text is
    anything else, or not YAML."""
    y = _yaml()
    scalar = y.ScalarEvent
    starts = (y.MappingStartEvent, y.SequenceStartEvent)
    ends = (y.MappingEndEvent, y.SequenceEndEvent)
    events = _parse(text)
    found: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    try:
        if not (isinstance(next(events), y.StreamStartEvent)
                and isinstance(next(events), y.DocumentStartEvent)):
            return None
        start = next(events)
        if not isinstance(start, y.SequenceStartEvent) or start.flow_style:
            return None
        while True:
            item = next(events)
            if isinstance(item, y.SequenceEndEvent):
                break
            if not isinstance(item, y.MappingStartEvent):
                return None
            mark = item.start_mark
            last = (mark.line, mark.column)
            flows = [bool(item.flow_style)]  # whether each open collection is flow style
            event_id = ""
            key: Any = None  # the last key of the event's own mapping
            expect_key = True
            while flows:
                event = next(events)
                if isinstance(event, ends):
                    if flows.pop():  # a flow collection's closing bracket is written
                        last = max(last, (event.end_mark.line, event.end_mark.column))
                    if len(flows) == 1:  # a key or value of the event's mapping is done
                        expect_key = not expect_key
                    continue
                opens = isinstance(event, starts)
                if not opens:
                    last = max(last, (event.end_mark.line, event.end_mark.column))
                if len(flows) == 1:
                    if expect_key:
                        key = event
                    elif isinstance(key, scalar) and key.value == "id":
                        event_id = event.value if isinstance(event, scalar) else ""
                    if not opens:
                        expect_key = not expect_key
                if opens:
                    flows.append(bool(event.flow_style))
            found.append((event_id, (mark.line, mark.column), last))
        if not (isinstance(next(events), y.DocumentEndEvent)
                and isinstance(next(events), y.StreamEndEvent)):
            return None
    except (y.YAMLError, StopIteration):
        return None
    return found


def _walk(events: Iterator[Any], text: str, position: _Positions,
          y: Any, wanted: str = "events") -> tuple[list[Item], int, int, int]:
    for event in events:
        if isinstance(event, y.MappingStartEvent):
            break
    else:
        raise WriteError("the file is not a timeline (a mapping with an 'events:' list)")
    while True:
        event = next(events)
        if isinstance(event, y.MappingEndEvent):
            break
        # A key of the top-level mapping, then its value.
        is_events = isinstance(event, y.ScalarEvent) and event.value == wanted
        key_column = event.start_mark.column
        key_end = position(event.end_mark)
        value = next(events)
        if not is_events:
            _skip(value, events, y)
            continue
        if isinstance(value, y.ScalarEvent):
            if value.value or not value.implicit[0]:
                raise WriteError(f"'{wanted}' is not a list")
            return [], line_after(text, key_end), key_column + 2, key_end
        if not isinstance(value, y.SequenceStartEvent):
            raise WriteError(f"'{wanted}' is not a list")
        if value.flow_style:
            close = next(events)
            if not isinstance(close, y.SequenceEndEvent):
                raise WriteError(f"the {wanted} list is written in flow style ([...]); "
                                 "writing supports the block style ('- ...' lines)")
            # `events: []`: the first event replaces the brackets.
            return [], -position(value.start_mark) - 1, key_column + 2, key_end
        items = []
        while True:
            event = next(events)
            if isinstance(event, y.SequenceEndEvent):
                break
            items.append(_item(event, events, text, position, y))
        return items, -1, 0, key_end
    raise WriteError(f"the timeline has no '{wanted}:' list")


def _skip(start: Any, events: Iterator[Any], y: Any) -> None:
    depth = 1 if isinstance(start, (y.MappingStartEvent, y.SequenceStartEvent)) else 0
    while depth:
        event = next(events)
        if isinstance(event, (y.MappingStartEvent, y.SequenceStartEvent)):
            depth += 1
        elif isinstance(event, (y.MappingEndEvent, y.SequenceEndEvent)):
            depth -= 1


def _back_over_space(text: str, index: int, floor: int = 0) -> int:
    while index > floor and text[index - 1] in _SPACE:
        index -= 1
    return index


def _colon_after(text: str, index: int) -> int:
    """Just after the ':' that ends a key whose text ends at `index`."""
    at = text.find(":", index)
    return at + 1 if at >= 0 else index


def _item(start: Any, events: Iterator[Any], text: str, position: _Positions, y: Any) -> Item:
    begin = position(start.start_mark)
    dash = begin - 1
    while dash >= 0 and text[dash] in " \t\r\n":
        dash -= 1
    if dash < 0 or text[dash] != "-":
        dash = begin
    first_line = line_start(text, dash)
    last = position(start.end_mark)
    fields: dict[str, Field] = {}
    spans: list[tuple[int, int]] = []
    flow = bool(getattr(start, "flow_style", False))
    close = -1
    if isinstance(start, (y.MappingStartEvent, y.SequenceStartEvent)):
        flows = [flow]  # whether each open collection is written in flow style
        depth = 1
        key: tuple[str, int, int] | None = None  # the key, its start, just after its ':'
        current: Field | None = None
        expect_key = isinstance(start, y.MappingStartEvent)
        while depth:
            event = next(events)
            if isinstance(event, (y.MappingEndEvent, y.SequenceEndEvent)):
                depth -= 1
                if depth == 0:
                    if flow:
                        end_at = position(event.end_mark)
                        close = end_at - 1
                        last = max(last, end_at)
                    break
                if flows.pop():  # a flow collection's closing bracket is its content
                    end_at = position(event.end_mark)
                    last = max(last, end_at)
                    if current is not None:
                        current.value_end = max(current.value_end, end_at)
                if depth == 1:
                    expect_key, current = True, None
                continue
            if isinstance(event, y.ScalarEvent):
                at, until = position(event.start_mark), position(event.end_mark)
                if event.value == "" and event.implicit[0] and at == until:
                    until = at  # an empty value: nothing written
                else:
                    until = _back_over_space(text, until, at)
                    spans.extend(_scalar_spans(text, at, until, getattr(event, "style", None)))
                    last = max(last, until)
                if depth == 1 and expect_key:
                    key = (event.value, at, _colon_after(text, until))
                    expect_key = False
                elif depth == 1 and key is not None:
                    empty = until == at
                    value_at = key[2] if empty else at
                    style = getattr(event, "style", None)
                    fields[key[0]] = Field(
                        key[0], key[1], key[2], value_at, key[2] if empty else until,
                        event.value.strip(), block_scalar=style in ("|", ">"),
                        multiline=BREAK.search(text, value_at, until) is not None)
                    expect_key = True
                elif current is not None:
                    current.value_end = max(current.value_end, until)
            elif isinstance(event, (y.MappingStartEvent, y.SequenceStartEvent)):
                at = position(event.start_mark)
                if depth == 1 and key is not None:
                    current = Field(key[0], key[1], key[2], at, at + 1 if event.flow_style
                                    else at, collection=True)
                    fields[key[0]] = current
                depth += 1
                flows.append(bool(event.flow_style))
                if event.flow_style:
                    last = max(last, at + 1)
            elif isinstance(event, y.AliasEvent):
                raise WriteError("an event uses a YAML alias (*name); writing needs plain "
                                 "values")
    else:
        last = max(last, position(start.end_mark))
    for item_field in fields.values():
        item_field.multiline = item_field.multiline or BREAK.search(
            text, item_field.value_start, item_field.value_end) is not None
    last = _back_over_space(text, last, first_line)
    column = dash - first_line
    return Item(_lead(text, first_line, column), first_line,
                _trail(text, line_after(text, last), column), column,
                start.start_mark.column, flow, close, fields, spans)


_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*")


def _scalar_spans(text: str, at: int, until: int, style: str | None) -> list[tuple[int, int]]:
    """Where a scalar's own text lies: a block scalar's header line may end in a comment."""
    if style not in ("|", ">"):
        return [(at, until)]
    header = _BLOCK_HEADER.match(text, at)
    header_end = header.end() if header else at + 1
    return [(at, header_end), (min(line_after(text, header_end), until), until)]


_COMMENT_LINE = re.compile(r"[ \t]*#")


def _lead(text: str, start: int, dash: int) -> int:
    """The start of an event's comment lines above its '-': those directly above it (no
    blank line between) that are indented no deeper than the '-'."""
    lead = start
    while lead > 0:
        above = line_start(text, lead - 1)
        comment = _COMMENT_LINE.match(text, above)
        if not comment or comment.end() - 1 - above > dash:
            break
        lead = above
    return lead


def _trail(text: str, end: int, dash: int) -> int:
    """Just after an event's comment lines below its last line: those directly below it
    that are indented deeper than its '-' (as its keys are)."""
    while end < len(text):
        comment = _COMMENT_LINE.match(text, end)
        if not comment or comment.end() - 1 - end <= dash:
            break
        end = line_after(text, end)
    return end


_HASH = re.compile(r"#[^\r\n\x85\u2028\u2029]*")


def comments_between(text: str, start: int, end: int,
                     spans: list[tuple[int, int]]) -> list[str]:
    """The comments in text[start:end] (each from its '#' to its line's end), given the
    spans of every scalar there: a '#' inside a scalar is text, not a comment."""
    found = []
    starts = [span[0] for span in spans]
    for match in _HASH.finditer(text, start, end):
        at = match.start()
        if at > 0 and text[at - 1] not in _SPACE:
            continue
        inside = bisect.bisect_right(starts, at) - 1
        if inside >= 0 and spans[inside][0] <= at < spans[inside][1]:
            continue
        found.append(match.group().rstrip(" \t"))
    return found

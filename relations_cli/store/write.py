"""Writing a timeline file: exact text edits at known positions, and safe installation.

An edit never re-serialises the file. The events list is read once more with PyYAML's parser,
only for positions: where each event's lines start and end, and where its top-level values
lie. A new event is rendered as text and inserted between two events; a removed one is cut
out; a changed value is replaced in place. Every byte outside the event concerned stays as it
was: comments, blank lines, quoting, key order, indentation, CRLF line endings and a BOM.

A write then goes through `commit`: the result is validated with the strict loader, written
to a temporary file in the same folder, synced, given the original's mode and owner, and
renamed over the original, under a lock on the file, and only if the file on disk is still
the one that was read.
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relations_cli.core.dates import cached_event_date
from relations_cli.core.errors import DateError, Problem, TimelineError, WriteError
from relations_cli.core.model import Event

__all__ = [
    "Draft",
    "Layout",
    "Snapshot",
    "add_event",
    "commit",
    "diff",
    "draft_from_event",
    "event_id_for",
    "layout",
    "locked_snapshot",
    "remove_event",
    "render_event",
    "replace_event",
    "set_fields",
    "yaml_scalar",
]

# A draft event: field -> text, list of texts, or list of {key: text} (quotes, figures,
# sources), in the order of the format.
Draft = dict[str, Any]

TEXT_FIELDS = ("id", "date", "end", "title", "summary", "category", "place", "date_note")
LIST_FIELDS = ("actors", "people", "tags")
RECORD_FIELDS = {
    "quotes": ("by", "text"),
    "figures": ("label", "value", "unit", "change"),
    "sources": ("title", "url", "publisher", "date"),
}
FIELD_ORDER = (
    "id", "date", "end", "title", "summary", "category", "actors", "people", "place", "tags",
    "quotes", "figures", "sources", "date_note",
)  # fmt: skip
_DATE_FIELDS = {"date", "end"}


# -- values as YAML text ------------------------------------------------------------------------

# Characters YAML allows unescaped (PyYAML's reader), less the line breaks.
_NOT_PRINTABLE = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = set(",[]{}")
# Anything a YAML 1.1 or 1.2 reader might take for a number, date, time or sexagesimal.
_NUMBERISH = re.compile(r"[-+]?[.]?[0-9][0-9A-Za-z_.:,+-]*|[-+]?\.(?:inf|nan)", re.IGNORECASE)
_WORDS = {
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=", "<<", ".inf",
    ".nan", "-.inf", "+.inf",
}  # fmt: skip
_DATE_TEXT = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def _plain_ok(value: str, flow: bool) -> bool:
    if not value or value != value.strip() or _NOT_PRINTABLE.search(value):
        return False
    if value[0] in _INDICATORS or value.casefold() in _WORDS or _NUMBERISH.fullmatch(value):
        return False
    if ": " in value or " #" in value or value.endswith(":"):
        return False
    return not (flow and any(char in _FLOW_INDICATORS for char in value))


def _double_quoted(value: str) -> str:
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _NOT_PRINTABLE.match(char) or char in "\x85\u2028\u2029\ufeff":
            code = ord(char)
            if 0xD800 <= code <= 0xDFFF:
                raise WriteError(f"{value[:40]!r}: holds a lone surrogate, which is not text")
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def yaml_scalar(value: str, flow: bool = False, date: bool = False) -> str:
    """`value` as a YAML scalar that any YAML reader reads back as this same text.

    Plain when nothing could misread it; single-quoted when it only needs quoting (`NO`,
    `010`, `1:20`, `#hashtag`); double-quoted with escapes for line breaks and control
    characters. A date is left plain (`2016-03`), as timelines write them.
    """
    if date and _DATE_TEXT.fullmatch(value):
        return value
    if _plain_ok(value, flow):
        return value
    if _NOT_PRINTABLE.search(value) or value != value.strip() or any(
            char in value for char in "\x85\u2028\u2029\ufeff"):
        return _double_quoted(value)
    return "'" + value.replace("'", "''") + "'"


def render_event(draft: Draft, dash: int = 2, indent: int = 4, newline: str = "\n") -> str:
    """A draft as the lines of one block-style item of the events list."""
    lines: list[str] = []
    for key in FIELD_ORDER:
        value = draft.get(key)
        if value in (None, "", [], ()):
            continue
        if key in RECORD_FIELDS:
            lines.append(f"{key}:")
            for record in value:
                entries = [(k, record[k]) for k in RECORD_FIELDS[key] if record.get(k)]
                for number, (name, text) in enumerate(entries):
                    lead = "  - " if number == 0 else "    "
                    lines.append(f"{lead}{name}: {yaml_scalar(text, date=name == 'date')}")
        elif isinstance(value, (list, tuple)):
            items = ", ".join(yaml_scalar(item, flow=True) for item in value)
            lines.append(f"{key}: [{items}]")
        else:
            lines.append(f"{key}: {yaml_scalar(value, date=key in _DATE_FIELDS)}")
    pad = " " * indent
    first = " " * dash + "-" + " " * max(1, indent - dash - 1)
    return "".join((first if number == 0 else pad) + line + newline
                   for number, line in enumerate(lines))


def draft_from_event(event: Event) -> Draft:
    """An event of the model as a draft (every field the format has). An open or unknown end
    (`2015-09/..`, `2015-09/`) can only be written inside the date, as EDTF writes it."""
    open_or_unknown = event.end is not None and event.end.text in ("..", "")
    return {
        "id": event.id, "date": event.when if open_or_unknown else event.date.text,
        "end": event.end.text if event.end and not open_or_unknown else "",
        "title": event.title, "summary": event.summary, "category": event.category,
        "actors": list(event.actors), "people": list(event.people), "place": event.place,
        "tags": list(event.tags),
        "quotes": [q._asdict() for q in event.quotes],
        "figures": [f._asdict() for f in event.figures],
        "sources": [s._asdict() for s in event.sources],
        "date_note": event.date_note,
    }  # fmt: skip


def event_id_for(title: str, taken: set[str] | frozenset[str]) -> str:
    """An id made from a title, lowercase ASCII words joined by '-', unique among `taken`."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    base = "-".join(words[:8])[:60].strip("-") or "event"
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


# -- where things are -------------------------------------------------------------------------


@dataclass
class Item:
    """One event of the events list as written: character positions in the text."""

    start: int  # the start of the line holding its '-'
    end: int  # just after the line break of its last line (or the end of the text)
    dash: int  # column of the '-'
    indent: int  # column of its keys
    values: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # key -> span, text

    @property
    def id(self) -> str:
        return self.values["id"][2] if "id" in self.values else ""

    @property
    def date(self) -> str:
        return self.values["date"][2] if "date" in self.values else ""


@dataclass
class Layout:
    """The events list of a timeline text: its items, and how they are written."""

    items: list[Item]
    newline: str
    blank_between: bool  # events are separated by a blank line
    empty_at: int  # where a first event goes when the list is empty (-1: not empty)
    empty_dash: int
    key_end: int = 0  # just after the 'events' key


_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


class _Positions:
    """Line and column (as PyYAML counts them) to an index in the text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in _BREAK.finditer(text)]

    def __call__(self, mark: Any) -> int:
        return int(self.starts[mark.line] + mark.column)


def _yaml_parse(text: str) -> Iterator[Any]:
    import yaml

    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    return iter(yaml.parse(text, Loader=loader))


def _line_start(text: str, index: int) -> int:
    return max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1


def _line_after(text: str, index: int) -> int:
    """Just after the line break ending the line that holds `index` (or the text's end)."""
    match = _BREAK.search(text, index)
    return match.end() if match else len(text)


def layout(text: str, name: str = "<timeline>") -> Layout:
    """Where the events of a timeline text are (the text without its BOM)."""
    import yaml

    position = _Positions(text)
    newline = "\r\n" if "\r\n" in text[: _line_after(text, 0) + 1] else "\n"
    try:
        events = _yaml_parse(text)
        items, empty_at, empty_dash, key_end = _walk(events, text, position, yaml)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise TimelineError([Problem(name, line, column, "not valid YAML; "
                                     "'relations validate' says more")]) from None
    blank = False
    if len(items) > 1:
        gap = text[items[0].end : items[1].start]
        blank = any(not line.strip() for line in _BREAK.split(gap)[:-1])
    return Layout(items, newline, blank, empty_at, empty_dash, key_end)


def _walk(events: Iterator[Any], text: str, position: _Positions,
          y: Any) -> tuple[list[Item], int, int, int]:
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
        is_events = isinstance(event, y.ScalarEvent) and event.value == "events"
        key_column = event.start_mark.column
        key_end = position(event.end_mark)
        value = next(events)
        if not is_events:
            _skip(value, events, y)
            continue
        if isinstance(value, y.ScalarEvent):
            if value.value or not value.implicit[0]:
                raise WriteError("'events' is not a list")
            return [], _line_after(text, key_end), key_column + 2, key_end
        if not isinstance(value, y.SequenceStartEvent):
            raise WriteError("'events' is not a list")
        if value.flow_style:
            close = next(events)
            if not isinstance(close, y.SequenceEndEvent):
                raise WriteError("the events list is written in flow style ([...]); writing "
                                 "supports the block style ('- id: ...' lines)")
            # `events: []`: the first event replaces the brackets.
            return [], -position(value.start_mark) - 1, key_column + 2, key_end
        items = []
        while True:
            event = next(events)
            if isinstance(event, y.SequenceEndEvent):
                break
            items.append(_item(event, events, text, position, y))
        return items, -1, 0, key_end
    raise WriteError("the timeline has no 'events:' list")


def _skip(start: Any, events: Iterator[Any], y: Any) -> None:
    depth = 1 if isinstance(start, (y.MappingStartEvent, y.SequenceStartEvent)) else 0
    while depth:
        event = next(events)
        if isinstance(event, (y.MappingStartEvent, y.SequenceStartEvent)):
            depth += 1
        elif isinstance(event, (y.MappingEndEvent, y.SequenceEndEvent)):
            depth -= 1


def _item(start: Any, events: Iterator[Any], text: str, position: _Positions, y: Any) -> Item:
    begin = position(start.start_mark)
    dash = begin - 1
    while dash >= 0 and text[dash] in " \t\r\n":
        dash -= 1
    if dash < 0 or text[dash] != "-":
        dash = begin
    line_start = _line_start(text, dash)
    last = position(start.end_mark)
    values: dict[str, tuple[int, int, str]] = {}
    if isinstance(start, (y.MappingStartEvent, y.SequenceStartEvent)):
        flows = [bool(start.flow_style)]
        key: str | None = None
        expect_key = isinstance(start, y.MappingStartEvent)
        while flows:
            event = next(events)
            top = len(flows) == 1
            if isinstance(event, (y.MappingEndEvent, y.SequenceEndEvent)):
                if flows.pop():
                    last = max(last, position(event.end_mark))
                if len(flows) == 1:
                    expect_key = True
                continue
            if isinstance(event, y.ScalarEvent):
                last = max(last, position(event.end_mark))
                if top and expect_key:
                    key = event.value
                    expect_key = False
                elif top and key is not None:
                    values[key] = (position(event.start_mark), position(event.end_mark),
                                   event.value.strip())
                    expect_key = True
            elif isinstance(event, (y.MappingStartEvent, y.SequenceStartEvent)):
                if top and key is not None:
                    values[key] = (position(event.start_mark), -1, "")
                flows.append(bool(event.flow_style))
                if event.flow_style:
                    last = max(last, position(event.start_mark) + 1)
    else:
        last = max(last, position(start.end_mark))
    while last > line_start and text[last - 1] in " \t\r\n\x85\u2028\u2029":
        last -= 1
    mapping_column = start.start_mark.column
    dash_column = dash - line_start
    return Item(line_start, _line_after(text, last), dash_column, mapping_column, values)


# -- the edits -----------------------------------------------------------------------------------


def _period(text: str) -> Any:
    try:
        return cached_event_date(text)
    except DateError:
        return None


def _in_date_order(items: Sequence[Item]) -> bool:
    """Whether the events run in date order as people write it: no event lies wholly before
    the one above it (a month may follow a day within it, as `2016-03` after `2016-03-27`)."""
    periods = [_period(item.date) for item in items]
    if any(period is None for period in periods):
        return False
    return all(b.end >= a.start for a, b in itertools.pairwise(periods))


def add_event(text: str, draft: Draft) -> str:
    """`text` with the event inserted: at its chronological place when the events are in date
    order, otherwise at the end; written in the file's indentation and line endings."""
    where = layout(text)
    newline = where.newline
    if not where.items:
        at = where.empty_at
        block = render_event(draft, where.empty_dash, where.empty_dash + 2, newline)
        if at < 0:  # `events: []`: the brackets go, the list follows the key's line
            bracket = -at - 1
            close = text.index("]", bracket) + 1
            line_end = _line_after(text, close)
            rest_of_line = _BREAK.sub("", text[close:line_end])
            return (text[:bracket].rstrip(" ") + rest_of_line + newline + block
                    + text[line_end:])
        if at == len(text) and text and not text.endswith(("\n", "\r")):
            return text + newline + block.removesuffix(newline)
        return text[:at] + block + text[at:]
    first = where.items[0]
    block = render_event(draft, first.dash, first.indent, newline)
    separator = newline if where.blank_between else ""
    items = where.items
    position = len(items)
    if _in_date_order(items):
        new = _period(str(draft.get("date", "")))
        if new is not None:
            # Before the first event that starts later.
            position = next((number for number, item in enumerate(items)
                             if _period(item.date).start > new.start), len(items))
    if position == 0:
        at = items[0].start
        return text[:at] + block + separator + text[at:]
    at = items[position - 1].end
    if at == len(text) and not text.endswith(("\n", "\r")):
        return text + newline + separator + block.removesuffix(newline)
    return text[:at] + separator + block + text[at:]


def _find(where: Layout, event_id: str) -> tuple[int, Item]:
    for number, item in enumerate(where.items):
        if item.id == event_id:
            return number, item
    raise WriteError(f"no event with id '{event_id}' in the file")


def _blank_run(text: str, index: int, forward: bool) -> int:
    """The index past the whole blank lines directly after (or before) `index`."""
    lines = re.compile(r"[ \t]*(?:\r\n|\n|\r)")
    if forward:
        while (match := lines.match(text, index)) is not None:
            index = match.end()
        return index
    while index > 0:
        start = _line_start(text, index - 1)
        if text[start:index].strip():
            break
        index = start
    return index


def remove_event(text: str, event_id: str) -> str:
    """`text` without the event's lines (and one blank separator, so none doubles). The last
    event leaves `events: []`, as an empty list must be written."""
    where = layout(text)
    number, item = _find(where, event_id)
    start, end = item.start, item.end
    if len(where.items) == 1:
        colon = text.index(":", where.key_end) + 1
        return text[:colon] + " []" + text[colon:start] + text[end:]
    after = _blank_run(text, end, forward=True)
    before = _blank_run(text, start, forward=False)
    last = number == len(where.items) - 1
    if after > end and (before < start or number == 0) and not last:
        end = after
    elif before < start and last:
        start = before
    return text[:start] + text[end:]


def replace_event(text: str, event_id: str, draft: Draft) -> str:
    """`text` with the event's lines replaced by the draft, in the same indentation."""
    where = layout(text)
    _, item = _find(where, event_id)
    block = render_event(draft, item.dash, item.indent, where.newline)
    return text[: item.start] + block + text[item.end :]


def set_fields(text: str, event_id: str, changes: dict[str, str], current: Event) -> str:
    """`text` with some fields of one event changed. A one-line value is replaced where it
    stands; anything else (a new field, a list, a value over several lines) rewrites the
    event's lines."""
    where = layout(text)
    _, item = _find(where, event_id)
    spans: list[tuple[int, int, str]] = []
    for key, value in changes.items():
        span = item.values.get(key)
        if key not in TEXT_FIELDS or span is None or span[1] < 0 or not value:
            break
        start, end, _ = span
        if _BREAK.search(text, start, end) or text[start] in "|>":
            break
        spans.append((start, end, yaml_scalar(value, date=key in _DATE_FIELDS)))
    else:
        for start, end, written in sorted(spans, reverse=True):
            text = text[:start] + written + text[end:]
        return text
    draft = draft_from_event(current)
    if "end" in changes and "date" not in changes:
        draft["date"] = current.date.text  # a new end replaces one written inside the date
    for key, value in changes.items():
        draft[key] = [v.strip() for v in value.split(",") if v.strip()] \
            if key in LIST_FIELDS else value
    return replace_event(text, event_id, draft)


def diff(before: str, after: str, name: str) -> str:
    """A unified diff of two versions of a file."""
    return "".join(difflib.unified_diff(before.splitlines(keepends=True),
                                        after.splitlines(keepends=True),
                                        f"a/{name}", f"b/{name}"))


# -- installing a new version ----------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """A file as read: its text (without BOM), whether it had a BOM, and its fingerprint."""

    path: Path
    text: str
    bom: bool
    fingerprint: tuple[int, int, int, int]
    mode: int
    uid: int
    gid: int


def _fingerprint(info: os.stat_result) -> tuple[int, int, int, int]:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def read_snapshot(path: Path) -> Snapshot:
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            raw = handle.read()
    except FileNotFoundError:
        raise WriteError(f"{path}: no such file ('relations new {path}' makes one)") from None
    except OSError as error:
        raise WriteError(f"{path}: cannot read: {error.strerror or error}") from None
    return _snapshot(path, raw, info)


def _snapshot(path: Path, raw: bytes, info: os.stat_result) -> Snapshot:
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        raise WriteError(f"{path}: is not UTF-8 text ('relations validate' says where)") \
            from None
    return Snapshot(path, text, bom, _fingerprint(info), info.st_mode & 0o7777, info.st_uid,
                    info.st_gid)


@contextlib.contextmanager
def locked_snapshot(path: Path) -> Iterator[Snapshot]:
    """The file, read under an exclusive lock held until the block ends.

    The lock is on the file itself: a writer that waited for it finds the file renamed over,
    and reads again the one now at the path, so two concurrent writes both land.
    """
    while True:
        try:
            handle = open(path, "rb")  # noqa: SIM115  # held open for the lock's lifetime
        except FileNotFoundError:
            raise WriteError(f"{path}: no such file ('relations new {path}' makes one)") \
                from None
        except OSError as error:
            raise WriteError(f"{path}: cannot read: {error.strerror or error}") from None
        with handle:
            _lock(handle.fileno())
            info = os.fstat(handle.fileno())
            try:
                now = os.stat(path)
            except OSError:
                continue
            if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
                continue  # replaced while we waited: read the new one
            yield _snapshot(path, handle.read(), info)
            return


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock on this system
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def check(text: str, name: str) -> None:
    """Refuse text the strict loader would refuse, with its first problem (its line is in the
    text as it would be)."""
    from relations_cli.store.loader import parse_timeline

    _, problems = parse_timeline(text, name)
    if problems:
        raise WriteError(f"{problems[0]}; refused, nothing written")


def commit(snapshot: Snapshot, text: str) -> None:
    """Install `text` as the new content of the snapshot's file: validated, atomic (see
    store/atomic.replace_atomically), with the file's mode and owner, and only if the file is
    unchanged since the snapshot was read."""
    from relations_cli.store.atomic import replace_atomically

    path = snapshot.path
    check(text, str(path))
    data = (b"\xef\xbb\xbf" if snapshot.bom else b"") + text.encode("utf-8")

    def unchanged() -> None:
        try:
            current = _fingerprint(os.stat(path))
        except OSError:
            current = (0, 0, 0, 0)
        if current != snapshot.fingerprint:
            raise WriteError(f"{path}: changed on disk since it was read; nothing written "
                             "(run the command again)")

    try:
        with replace_atomically(path, snapshot.mode, binary=True,
                                before_replace=unchanged) as stream:
            stream.write(data)
            info = os.fstat(stream.fileno())
            if (info.st_uid, info.st_gid) != (snapshot.uid, snapshot.gid):
                try:
                    os.fchown(stream.fileno(), snapshot.uid, snapshot.gid)
                except OSError:
                    raise WriteError(f"{path}: cannot keep its owner and group; nothing "
                                     "written") from None
    except OSError as error:
        raise WriteError(f"{path}: cannot write: {error.strerror or error}; nothing "
                         "written") from None


def change_file(path: Path, change: Callable[[Snapshot], str], dry_run: bool = False,
                ) -> tuple[str, str]:
    """Apply `change` to the file under its lock; the text before and after. With `dry_run`,
    the result is validated but nothing is written."""
    with locked_snapshot(path) as snapshot:
        after = change(snapshot)
        if dry_run:
            check(after, str(path))
        else:
            commit(snapshot, after)
        return snapshot.text, after

"""A fast reading of the plain block-style timelines most files are, or no answer at all.

The strict loader (store/loader) composes the YAML parser's events in Python, one node at a
time; on a large file that is most of the time an index takes to build. Most timelines use a
small part of YAML: `- id: ...` items, `key: value` lines, plain or quoted one-line text,
long text folded over lines (`summary: >`), lists in block or `[a, b]` style. This reader
takes the `events:` list a chunk at a time with one compiled regular expression that sorts
every line, and builds each event as the strict loader's builder does.

It answers only when it can prove the file is within that part and has no problem at all.
A line of any other shape (a tag, an anchor or alias, multi-line plain or quoted text, a
literal block (`|`), a folded block with a blank or more-indented line in it, an escape, a
comment after a value, a key it does not know or meets twice, other indentation, keys
after the list), a tab, a control character, and anything the strict loader would report
(a missing title, a bad date, a duplicate id): it gives up, and the caller reads the file
with the strict loader, which alone words problems with FILE:LINE:COL. The top-level keys
before `events:` are read by the strict loader itself. tests/test_fastread.py checks that
both give the same answers on every test file and on generated timelines.
"""

from __future__ import annotations

import codecs
import io
import re
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from relations_cli.core.dates import cached_event_date, cached_event_when
from relations_cli.core.errors import DateError, Problem, TimelineError
from relations_cli.core.model import Event, Figure, Media, Period, Quote, Source
from relations_cli.store.loader import (
    _CATEGORY,
    _ID,
    EVENT_FIELDS,
    FIGURE_FIELDS,
    QUOTE_FIELDS,
    SOURCE_FIELDS,
    Header,
    max_bytes,
    open_timeline_file,
    stream_source,
    stream_timeline,
)

__all__ = ["Diverged", "fast_source", "read_timeline", "with_fallback"]

# Text is read a mebibyte at a time: a chunk's lines, sorted, take some 10 times its size.
_CHUNK = 1 << 20
_HEAD_MAX = 1 << 24  # the most read to find the `events:` key
# The top-level `events:` key with nothing after it but a comment: where the list begins.
_EVENTS_KEY = re.compile(rb"(?m)^events:[ ]*(?:#[^\r\n]*)?\r?\n")
_FIRST_ITEM = re.compile(rb"(?m)^( *)- ")
# Bytes that would make a line mean something other than it seems: those YAML refuses or
# reads as line breaks, a tab, a carriage return not before a newline; and in UTF-8, C1
# controls (NEL a line break), the line and paragraph separators, a BOM past the start, and
# the two non-characters U+FFFE and U+FFFF.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n" + bytes(range(0x80, 0x100))
_ODD_SEQUENCES = tuple("\u2028 \u2029 \ufeff \ufffe \uffff".encode().split())
_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def _unusual(data: bytes) -> bool:
    odd = data.translate(None, _PLAIN_BYTES)
    if odd and (odd.strip(b"\r") or data.count(b"\r") != data.count(b"\r\n")):
        return True
    return not data.isascii() and (any(seq in data for seq in _ODD_SEQUENCES)
                                   or _C1.search(data) is not None)


# Every line, newline included, is either a line of the subset (indentation, `- `, a
# lowercase key, a one-line value; a blank line has none of them) or anything else (the last
# group: a whole-line comment, or a reason to give up). Values: double-quoted with no escape,
# single-quoted, a flow list of simple items, or plain text with no indicator first, no `: `
# and no ` #` (a comment) in it.
_LINES = re.compile(r"""
    ^(\ *)(-\ )?(?:([a-z_]+):(?=[\ \n]))?\ *
    (?: ("[^"\\\n]*")
      | ('[^'\n]*(?:''[^'\n]*)*')
      | (\[[^\[\]{}\#:\n]*\])
      | ((?:[^\ \n\#:\-?,\[\]{}&*!|>'"%@`]|[-?:](?=[^\ \n]))
         [^\ :\n]*(?:(?::(?=[^\ \n])|\ +(?=[^\ \#\n]))[^\ :\n]*)*)
    )?\ *\n
  | ^([^\n]*)\n""", re.X | re.M)
# In the inside of a flow list, an item that is empty or starts with an indicator (`?`
# always starts a key there, `-` only before a space, a quote starts quoted text; inside an
# item a quote is text: `[People's Liberation Army]`).
_FLOW_ODD = re.compile(r"(?:\A|,)\ *(?:[,?&*!|>%@`'\"]|-(?:[\ ,]|\Z)|\Z)")
_MAPPINGS = {
    "quotes": frozenset(QUOTE_FIELDS),
    "figures": frozenset(FIGURE_FIELDS),
    "sources": frozenset(SOURCE_FIELDS),
}
_TEXTS = frozenset(("actors", "people", "tags"))
_LISTS = _TEXTS | frozenset(_MAPPINGS)
_EVENT_FIELDS = frozenset(EVENT_FIELDS)
# The keys of each nested mapping: the items of a list of records, and an event's media.
_KEYS_OF = {**_MAPPINGS, "media": ("url", "credit", "caption")}
_NONE: tuple[str, ...] = ()
# A key whose value is a folded block (`summary: >`, or `>-`): its text is on the lines
# below, more indented. Hand-written timelines (the bundled one too) write long text so.
_FOLDED = re.compile(r"^(\ *)(-\ )?[a-z_]+:\ +>-?\ *\n", re.M)
# Blank lines, and the indentation of the line after them.
_GAP = re.compile(r"(?:\ *\n)*(\ *)")


class _GiveUp(Exception):
    """The file is outside what this reader can prove: read it with the strict loader."""


def _unfold(text: str) -> str:
    """`text` with each folded block written as the one-line single-quoted text YAML reads
    from it, followed by as many blank lines as the block had, so that lines keep their
    numbers. Only the simplest blocks: every line at one indentation deeper than the key,
    none blank or more indented (YAML folds those into line breaks); a block that ends in
    blank lines drops them, as YAML's default chomping does, and the strip every value gets
    drops the final line break (`>-` or not). Anything else gives up."""
    parts: list[str] = []
    done = 0
    found = _FOLDED.search(text)
    while found is not None:
        column = len(found.group(1)) + (2 if found.group(2) else 0)
        at = found.end()
        indent = -1
        lines: list[str] = []
        while at < len(text):
            stop = text.index("\n", at)  # the text ends with a newline
            line = text[at:stop]
            content = line.lstrip(" ")
            size = len(line) - len(content)
            if not line:  # blank: the block must end here (a line break inside it else)
                gap = _GAP.match(text, at)
                if gap is None or len(gap.group(1)) > column:
                    raise _GiveUp
                break
            if indent < 0:
                indent = size
            if size < indent:
                if size > column or not content:
                    raise _GiveUp  # between the key's column and the block's, or spaces
                break
            if size > indent or not content:
                raise _GiveUp  # a more-indented line keeps its line break
            lines.append(content)
            at = stop + 1
        if indent <= column or not lines:
            raise _GiveUp  # an empty block
        joined = " ".join(lines).replace("'", "''")
        head = text[found.start():found.end()].rstrip("\n -").rstrip(">").rstrip(" ")
        parts += [text[done:found.start()], head, " '", joined, "'\n", "\n" * len(lines)]
        done = at
        found = _FOLDED.search(text, at)
    return "".join(parts) + text[done:] if parts else text


def _value(double: str, single: str, flow: str) -> Any:
    """A line's value other than plain text: quoted text, a list of texts (flow), or None
    when nothing follows the key."""
    if double:
        return double[1:-1]
    if single:
        return single[1:-1].replace("''", "'")
    if flow:
        inside = flow[1:-1]
        if not inside.strip(" "):
            return []
        if _FLOW_ODD.search(inside):
            raise _GiveUp
        return [item.strip(" ") for item in inside.split(",")]
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""  # `key:` with nothing after it is empty text
    if type(value) is not str:
        raise _GiveUp  # a list where text belongs: a problem
    return value.strip()


def _required(value: Any) -> str:
    text = _text(value)
    if not text:
        raise _GiveUp
    return text


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return _NONE
    if type(value) is not list:
        raise _GiveUp
    return tuple([item for item in map(str.strip, value) if item])


def _date(text: str) -> Period | None:
    try:
        return cached_event_date(text) if text else None
    except DateError:
        raise _GiveUp from None


class _Reader:
    """Events from the lines of the `events:` list; ids are remembered across chunks."""

    def __init__(self, indent: int, sink: Callable[[Event], None]) -> None:
        self.indent = indent
        self.sink = sink
        self.ids: set[str] = set()
        self.count = 0

    def feed(self, text: str, line: int) -> None:
        """Read whole items: `text` ends with a newline and its first line is `line` + 1."""
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        if ">" in text:
            text = _unfold(text)
        indent = self.indent
        key_indent = indent + 2
        event: dict[str, Any] | None = None
        event_line = 0
        nested: list[Any] | None = None  # the list the last key holds, while it may grow
        nested_key = ""
        nested_indent = -1
        entry: dict[str, Any] | None = None  # the mapping item of `nested` being read
        build = self.build
        for spaces, dash, key, double, single, flow, plain, other in _LINES.findall(text):
            line += 1
            if other:
                if other.lstrip(" ").startswith("#"):
                    continue  # a comment on a line of its own
                raise _GiveUp
            size = len(spaces)
            if not key:
                if not dash:
                    if double or single or plain or flow:
                        raise _GiveUp  # text on a line of its own: more than one line
                    continue  # blank, or a comment
                # `- text`: an item of a list of texts.
                value = plain or _value(double, single, flow)
                if (nested is None or nested_key not in _TEXTS or type(value) is not str
                        or (size != nested_indent and nested_indent >= 0)
                        or size < key_indent):
                    raise _GiveUp
                nested_indent = size
                nested.append(value)
                continue
            value = plain or _value(double, single, flow)
            if dash:
                if size == indent:  # a new event
                    if event is not None:
                        build(event, event_line)
                    event = {}
                    event_line = line
                elif (nested is not None and nested_key in _MAPPINGS
                      and (size == nested_indent or (nested_indent < 0 and size >= key_indent))
                      and key in _MAPPINGS[nested_key] and type(value) is not list):
                    nested_indent = size
                    entry = {key: value}
                    nested.append(entry)
                    continue
                else:
                    raise _GiveUp
            elif size != key_indent:
                if (entry is None or size != nested_indent + 2 or key in entry
                        or key not in _KEYS_OF[nested_key] or type(value) is list):
                    raise _GiveUp
                entry[key] = value
                continue
            # A key of the event.
            if event is None or key in event or key not in _EVENT_FIELDS:
                raise _GiveUp
            entry = None
            nested = None
            if key == "media":  # a block mapping, its keys on the lines below
                if value is not None:
                    raise _GiveUp
                entry = event[key] = {}
                nested, nested_key, nested_indent = [], key, key_indent
                continue
            if key in _LISTS:
                if value is None:
                    value = nested = []
                    nested_key = key
                    nested_indent = -1
                elif type(value) is not list or (value and key in _MAPPINGS):
                    raise _GiveUp
            elif type(value) is list:
                raise _GiveUp
            event[key] = value
        if event is not None:
            build(event, event_line)

    def build(self, fields: dict[str, Any], line: int) -> None:
        """The event the strict loader builds from these fields; gives up where it would
        report a problem."""
        get = fields.get
        event_id = _required(get("id"))
        if not _ID.fullmatch(event_id) or event_id in self.ids:
            raise _GiveUp
        self.ids.add(event_id)
        try:
            start, end = cached_event_when(_required(get("date")))
        except DateError:
            raise _GiveUp from None
        if end is not None:
            if "end" in fields:
                raise _GiveUp
        else:
            end = _date(_text(get("end")))
        if start and end and end.end < start.start:
            raise _GiveUp
        title = _required(get("title"))
        category = _text(get("category"))
        if category and not _CATEGORY.fullmatch(category):
            raise _GiveUp
        quotes: tuple[Quote, ...] = ()
        figures: tuple[Figure, ...] = ()
        sources: tuple[Source, ...] = ()
        if "quotes" in fields:
            quotes = tuple([Quote(_required(item.get("by")), _required(item.get("text")))
                            for item in fields["quotes"]])
        if "figures" in fields:
            figures = tuple([Figure(_required(item.get("label")), _required(item.get("value")),
                                    _text(item.get("unit")), _text(item.get("change")))
                             for item in fields["figures"]])
        if "sources" in fields:
            sources = tuple([_source(item) for item in fields["sources"]])
        self.count += 1
        self.sink(Event(
            id=event_id, date=start, end=end, title=title, summary=_text(get("summary")),
            category=category, actors=_texts(get("actors")), people=_texts(get("people")),
            place=_text(get("place")), tags=_texts(get("tags")), quotes=quotes,
            figures=figures, sources=sources, date_note=_text(get("date_note")), line=line,
            media=_media(fields["media"]) if "media" in fields else None,
        ))



def _media(fields: dict[str, Any]) -> Media:
    get = fields.get
    return Media(_required(get("url")), _text(get("credit")), _text(get("caption")))


def _source(fields: dict[str, Any]) -> Source:
    get = fields.get
    when = _date(_text(get("date")))
    return Source(_required(get("title")), _text(get("url")), _text(get("publisher")),
                  when.text if when else "")


def fast_source(raw: IO[bytes], name: str, sink: Callable[[Event], None],
                progress: Callable[[int], None] | None = None,
                ) -> tuple[Header, int, int] | None:
    """The header, the number of events and the indentation of their items, of a plain
    timeline, each event handed to `sink` as it is read; None when the file is outside the
    plain subset or has any problem."""
    head = _read(raw, _CHUNK)
    found = _EVENTS_KEY.search(head)
    while found is None and len(head) < _HEAD_MAX:  # a long header: read on for `events:`
        more = _read(raw, _CHUNK)
        if not more:
            break
        head += more
        found = _EVENTS_KEY.search(head)
    if found is None or len(head) > max_bytes():
        return None
    # Lines are counted by newlines: a header with another line break would shift them.
    if _unusual(head[3 if head.startswith(b"\xef\xbb\xbf") else 0:found.end()]):
        return None
    try:
        header, problems = stream_source(io.BytesIO(head[:found.end()]), name, _refuse)
    except _GiveUp:
        return None
    if problems or not header.keys or header.keys[-1] != "events":
        return None
    first = _FIRST_ITEM.search(head, found.end())
    if first is None:
        return None
    indent = len(first.group(1))
    reader = _Reader(indent, sink)
    item_start = b"\n" + b" " * indent + b"- "
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    line = head.count(b"\n", 0, found.end())
    rest = head[found.end():]
    done = len(head)
    try:
        while True:
            data = _read(raw, _CHUNK)
            final = not data
            if done + len(data) > max_bytes():
                return None
            # Whole items: a chunk is cut before a line that starts an item.
            cut = len(rest) if final else rest.rfind(item_start) + 1
            piece = rest[:cut]
            if final and not piece.endswith(b"\n"):
                piece += b"\n"
            if _unusual(piece):
                return None
            if piece:
                reader.feed(decoder.decode(piece, final=final), line)
                line += piece.count(b"\n")
            if final:
                break
            rest = rest[cut:] + data
            done += len(data)
            if progress is not None:
                progress(done)
    except (_GiveUp, UnicodeDecodeError):
        return None
    if reader.count == 0:
        return None
    return header, reader.count, indent


def _read(raw: IO[bytes], size: int) -> bytes:
    """`size` bytes, or fewer only at the end (a stream may answer in smaller pieces)."""
    parts = []
    while size > 0:
        data = raw.read(size)
        if not data:
            break
        parts.append(data)
        size -= len(data)
    return b"".join(parts)


def _refuse(event: Event) -> None:
    raise _GiveUp


class Diverged(Exception):
    """The strict loader did not give the events the fast reading had already handed on.

    Never expected (tests/test_fastread.py holds both to the same answers); the caller then
    throws away what it was given and reads the file with the strict loader alone."""


def with_fallback(fast: Callable[[Callable[[Event], None]], tuple[Header, int, int] | None],
                  strict: Callable[[Callable[[Event], None]], tuple[Header, list[Problem]]],
                  sink: Callable[[Event], None],
                  ) -> tuple[Header, list[Problem], int]:
    """Read with `fast`; where it gives up, read again with `strict`, which then has the last
    word. The events the fast reading handed on stay handed on: the strict reading's first
    events must be those very ones (checked by their lines), and only the rest go to `sink`.
    Returns the header, the problems and the fast reading's item indentation (-1 when the
    strict loader answered). Raises Diverged when the strict reading disagrees."""
    lines = array("q")

    def handed(event: Event) -> None:
        lines.append(event.line)
        sink(event)

    answer = fast(handed)
    if answer is not None:
        return answer[0], [], answer[2]
    seen = 0

    def rest(event: Event) -> None:
        nonlocal seen
        if seen < len(lines):
            if event.line != lines[seen]:
                raise Diverged
            seen += 1
        else:
            sink(event)

    header, problems = strict(rest)
    if not problems and seen != len(lines):
        raise Diverged
    return header, problems, -1


def read_timeline(path: Path, sink: Callable[[Event], None],
                  progress: Callable[[int, int], None] | None = None,
                  ) -> tuple[Header, list[Problem]]:
    """stream_timeline's answers, by the fast reading when it can give them."""
    def fast(handed: Callable[[Event], None]) -> tuple[Header, int, int] | None:
        try:
            raw, size = open_timeline_file(path)
        except TimelineError:
            return None  # the strict loader words it
        with raw:
            report = (lambda done: progress(done, size)) if progress else None
            return fast_source(raw, str(path), handed, report)

    header, problems, _ = with_fallback(
        fast, lambda rest: stream_timeline(path, rest, progress), sink)
    return header, problems

"""Values as YAML text: how a scalar, a field and a whole event are written into a timeline.

One function, `yaml_scalar`, decides how a piece of text is written, for the two contexts a
value can stand in: block (`title: ...` on its own line) and flow (inside `[...]` or `{...}`,
where `,[]{}` end a plain value and PyYAML's pure-Python reader also stops at `?` and `:`).
A value is left plain only when every YAML reader we know of reads it back as this same text:
PyYAML with libyaml and without, YAML 1.1 and 1.2 (no `NO`, `010`, `1:20`, dates or `~`).
Everything else is single-quoted, or double-quoted with escapes when it holds a line break of
any kind (`\\n \\r U+0085 U+2028 U+2029`), a control character or edge spaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from relations_cli.core.errors import WriteError

__all__ = [
    "DATE_FIELDS",
    "FIELD_ORDER",
    "LIST_FIELDS",
    "MEDIA_FIELDS",
    "RECORD_FIELDS",
    "TEXT_FIELDS",
    "Draft",
    "EventTexts",
    "render_event",
    "render_value",
    "with_id",
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
    "quotes", "figures", "sources", "date_note", "media",
)  # fmt: skip
# The one field that is a mapping: an event's media.
MEDIA_FIELDS = ("url", "credit", "caption")
DATE_FIELDS = frozenset({"date", "end"})

# Characters a YAML stream may hold as they are (PyYAML's reader), less tab and line breaks.
_NOT_PRINTABLE = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks YAML 1.1 knows besides \n and \r (PyYAML counts them as lines), and the BOM.
_SPECIAL = re.compile("[\x85\u2028\u2029\ufeff]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# In flow context PyYAML's pure-Python scanner ends a plain scalar at any of these.
_FLOW_STOPS = re.compile(r"[,\[\]{}?:#]")
# Anything a YAML 1.1 or 1.2 reader might take for a number, date, time or sexagesimal.
_NUMBERISH = re.compile(r"[-+]?[.]?[0-9][0-9A-Za-z_.:,+ -]*|[-+]?\.(?:inf|nan)", re.IGNORECASE)
_WORDS = frozenset({
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=", "<<", ".inf",
    ".nan", "-.inf", "+.inf",
})  # fmt: skip
_LONGEST_WORD = max(map(len, _WORDS))
_DATE_TEXT = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def _plain_ok(value: str, flow: bool) -> bool:
    if not value or value != value.strip(" ") or value[0] in _INDICATORS:
        return False
    if _NOT_PRINTABLE.search(value) or _SPECIAL.search(value):
        return False
    if value.casefold() in _WORDS or _NUMBERISH.fullmatch(value):
        return False
    if ": " in value or " #" in value or value.endswith(":"):
        return False
    return not (flow and _FLOW_STOPS.search(value))


def _double_quoted(value: str) -> str:
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _NOT_PRINTABLE.match(char) or char == "\ufeff":
            code = ord(char)
            if 0xD800 <= code <= 0xDFFF:
                raise WriteError(f"{value[:40]!r}: holds a lone surrogate, which is not text")
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


@lru_cache(maxsize=1 << 14)
def yaml_scalar(value: str, flow: bool = False, date: bool = False) -> str:
    """`value` as a YAML scalar that any YAML reader reads back as this same text, in block
    context or, with `flow`, inside `[...]` or `{...}`.

    Plain when nothing could misread it; single-quoted when it only needs quoting (`NO`,
    `010`, `1:20`, `#hashtag`, `a, b` in a list); double-quoted with escapes for line breaks,
    control characters and edge spaces. A date is left plain (`2016-03`), as timelines
    write them (the loader reads every value as text).
    """
    if date and _DATE_TEXT.fullmatch(value):
        return value
    if _plain_ok(value, flow):
        return value
    if _NOT_PRINTABLE.search(value) or _SPECIAL.search(value) or value != value.strip(" "):
        return _double_quoted(value)
    return "'" + value.replace("'", "''") + "'"


def _flow_list(items: Sequence[str]) -> str:
    return "[" + ", ".join([yaml_scalar(item, True) for item in items]) + "]"


def _flow_record(key: str, record: dict[str, str]) -> str:
    entries = [f"{name}: {yaml_scalar(record[name], flow=True, date=name == 'date')}"
               for name in RECORD_FIELDS[key] if record.get(name)]
    return "{" + ", ".join(entries) + "}"


def render_value(key: str, value: Any, flow: bool, indent: int = 0, newline: str = "\n") -> str:
    """The text after `key:` (with its leading space or line break) for one field's value.

    In flow context everything is on one line; in block context a list is written `[a, b]`
    and records (quotes, figures, sources) as a block list under the key, indented from
    `indent`, the column of the key."""
    if key == "media":
        entries = [(name, value[name]) for name in MEDIA_FIELDS if value.get(name)]
        if flow:
            return " {" + ", ".join(f"{name}: {yaml_scalar(text, flow=True)}"
                                    for name, text in entries) + "}"
        return "".join(newline + " " * indent + f"  {name}: {yaml_scalar(text)}"
                       for name, text in entries)
    if key in RECORD_FIELDS:
        if flow:
            return " [" + ", ".join(_flow_record(key, record) for record in value) + "]"
        lines = []
        margin = newline + " " * indent
        for record in value:
            lead = "  - "
            for name in RECORD_FIELDS[key]:
                text = record.get(name)
                if text:
                    lines.append(f"{margin}{lead}{name}: "
                                 f"{yaml_scalar(text, False, name == 'date')}")
                    lead = "    "
        return "".join(lines)
    if isinstance(value, (list, tuple)):
        return " " + _flow_list(value)
    return " " + yaml_scalar(str(value), flow=flow, date=key in DATE_FIELDS)


def render_event(draft: Draft, dash: int = 2, indent: int = 4, newline: str = "\n") -> str:
    """A draft as the lines of one block-style item of the events list."""
    lines: list[str] = []
    for key in FIELD_ORDER:
        value = draft.get(key)
        if value is None or value == "" or value == [] or value == ():
            continue
        # Text and lists of text, nearly every field, without a call to render_value (an
        # import writes a million events at a time).
        if type(value) is str:
            lines.append(f"{key}: {yaml_scalar(value, False, key in DATE_FIELDS)}")
        elif key in LIST_FIELDS and type(value) is list:
            lines.append(f"{key}: {_flow_list(value)}")
        else:
            lines.append(f"{key}:{render_value(key, value, False, 0, newline)}")
    pad = " " * indent
    first = " " * dash + "-" + " " * max(1, indent - dash - 1)
    text = newline.join(lines)
    # Continuation lines of records carry their own relative indentation.
    body = text.replace(newline, newline + pad)
    return first + body + newline


def with_id(text: str, event_id: str, dash: int = 2, indent: int = 4,
            newline: str = "\n") -> str:
    """An event's text written without its id, with the id as render_event writes it: the
    first field (each event has a date and a title after it)."""
    first = " " * dash + "-" + " " * max(1, indent - dash - 1)
    return f"{first}id: {yaml_scalar(event_id)}{newline}{' ' * indent}{text[len(first):]}"


# Text that every context reads back as itself, without the closer look of `_plain_ok`: an
# ASCII letter first (no indicator, number, date or sign), then ASCII that no reader stops at.
# `_quick_plain` adds the rest: no `: ` (a mapping) and no space or `:` last; in flow context
# `:` and `?` end a plain value, so they are left to `_plain_ok`, as is `#` (` #` starts a
# comment). Only the words of `_WORDS` (`no`, `on`, `null`...) still need quoting. One
# character class: a regex with an alternative per character is five times slower.
_PLAIN_BLOCK = re.compile(r"[A-Za-z][A-Za-z0-9 .;/()_'\"!?&%=+*@$~<>^|`:-]*")
_PLAIN_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9 .;/()_'\"!&%=+*@$~<>^|`-]*")


def _quick_plain(value: str) -> bool:
    """Whether `value` is plain in block context, as `_plain_ok` says, for the common text
    `_PLAIN_BLOCK` recognises; False is "ask `yaml_scalar`"."""
    return (_PLAIN_BLOCK.fullmatch(value) is not None and ": " not in value
            and value[-1] not in " :" and (len(value) > _LONGEST_WORD
                                           or value.casefold() not in _WORDS))


# Distinct values kept rendered for each field: a sheet's places, names, dates and tags repeat,
# its titles do not; 8,192 lines a field bound the memory a cache may take.
_CACHE_SIZE = 1 << 13
_ABSENT: tuple[object, ...] = (None, "", [], ())  # what render_event leaves out


class EventTexts:
    """`render_event` for a batch of drafts, a field at a time: the same text
    (tests/test_import_scale.py proves it on arbitrary drafts), with a value seen before
    written from a cache and common text recognised by one regex, for an import that writes a
    million events. A draft with a value of an uncommon shape (media, a number) is written by
    `render_event` itself."""

    def __init__(self, dash: int = 2, indent: int = 4, newline: str = "\n") -> None:
        self.dash, self.indent, self.newline = dash, indent, newline
        self.pad = newline + " " * indent
        self.first = " " * dash + "-" + " " * max(1, indent - dash - 1)
        self.lines: dict[str, dict[Any, str]] = {key: {} for key in FIELD_ORDER}
        self.scalars: dict[str, str] = {}  # inside records

    def __call__(self, drafts: Sequence[Draft]) -> list[str]:
        columns: list[list[str]] = []
        slow: set[int] = set()
        for key in FIELD_ORDER:
            values = [draft.get(key) for draft in drafts]
            kinds = set(map(type, values)) - {type(None)}
            if not kinds:
                continue
            if kinds == {str}:
                columns.append(self._texts(key, values))
            elif key in LIST_FIELDS and kinds <= {str, list}:
                columns.append(self._lists(key, values, slow))
            elif key in RECORD_FIELDS and kinds <= {str, list}:
                columns.append(self._records(key, values, slow))
            else:
                slow.update(at for at, value in enumerate(values) if value not in _ABSENT)
        if not columns:
            return [render_event(draft, self.dash, self.indent, self.newline)
                    for draft in drafts]
        first, pad, newline = self.first, self.pad, self.newline
        texts = [first + pad.join(filter(None, parts)) + newline
                 for parts in zip(*columns, strict=True)]
        for at in slow:
            texts[at] = render_event(drafts[at], self.dash, self.indent, newline)
        return texts

    def _line(self, key: str, value: str) -> str:
        """`key: value`, remembered."""
        lines = self.lines[key]
        if key in DATE_FIELDS:
            text = yaml_scalar(value, False, True)
        elif _quick_plain(value):
            text = value
        else:
            text = yaml_scalar(value)
        if len(lines) >= _CACHE_SIZE:
            lines.clear()
        line = lines[value] = f"{key}: {text}"
        return line

    def _texts(self, key: str, values: list[Any]) -> list[str]:
        get, line = self.lines[key].get, self._line
        return [(get(value) or line(key, value)) if value else "" for value in values]

    def _lists(self, key: str, values: list[Any], slow: set[int]) -> list[str]:
        lines = self.lines[key]

        def listed(value: list[Any]) -> str | None:
            try:  # a list seen before was all text then: equal items are the same text
                found = lines.get(tuple(value))
            except TypeError:  # an item that is a list or a mapping
                found = None
            return found if found is not None else self._list_line(key, value)

        return self._column(key, values, slow, listed)

    def _list_line(self, key: str, value: list[Any]) -> str | None:
        if not all(type(item) is str for item in value):
            return None
        items = [item if _PLAIN_FLOW.fullmatch(item) and item[-1] != " "
                 and item.casefold() not in _WORDS else yaml_scalar(item, True)
                 for item in value]
        lines = self.lines[key]
        if len(lines) >= _CACHE_SIZE:
            lines.clear()
        line = lines[tuple(value)] = f"{key}: [{', '.join(items)}]"
        return line

    def _records(self, key: str, values: list[Any], slow: set[int]) -> list[str]:
        return self._column(key, values, slow, lambda value: self._record_lines(key, value))

    def _column(self, key: str, values: list[Any], slow: set[int],
                other: Callable[[Any], str | None]) -> list[str]:
        """Each value's line: none for an empty one, a text's from the cache, anything else
        from `other`, whose None puts the value's place in `slow` (written the careful way)."""
        lines, line = self.lines[key], self._line
        out: list[str] = []
        for at, value in enumerate(values):
            if not value:
                out.append("")
            elif type(value) is str:
                out.append(lines.get(value) or line(key, value))
            else:
                text = other(value)
                if text is None:
                    slow.add(at)
                out.append(text or "")
        return out

    def _record_lines(self, key: str, value: list[Any]) -> str | None:
        """Records as render_value writes them in block context; None for an uncommon
        shape."""
        scalar = self._scalar
        lead, more = self.pad + "  - ", self.pad + "    "
        parts = [key, ":"]
        for record in value:
            if type(record) is not dict:
                return None
            start = lead
            for name in RECORD_FIELDS[key]:
                text = record.get(name)
                if text:
                    if type(text) is not str:
                        return None
                    parts += (start, name, ": ", yaml_scalar(text, False, True)
                              if name == "date" else scalar(text))
                    start = more
        return "".join(parts)

    def _scalar(self, value: str) -> str:
        if _quick_plain(value):
            return value  # quicker to see again than to remember
        found = self.scalars.get(value)
        if found is None:
            scalars = self.scalars
            if len(scalars) >= _CACHE_SIZE:
                scalars.clear()
            found = scalars[value] = yaml_scalar(value)
        return found

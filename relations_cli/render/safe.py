"""Text from a timeline is shown as text: control, bidi and invisible characters are escaped."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

__all__ = ["json_dumps", "json_safe", "json_shown_as_is", "neutralise_formula", "visible"]

# C0 and C1 controls, DEL, zero-width and bidi controls, line/paragraph separators, the BOM,
# interlinear annotation marks, lone surrogates and the noncharacters U+FFFE and U+FFFF (which
# XML may not hold): none may reach a terminal, or a document, raw.
_UNSAFE_REST = (
    "\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff"
)
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\x1b": "\\e"}


@cache
def _pattern(kind: str) -> re.Pattern[str]:
    """Compiled on first need: most runs meet only printable text and never need one."""
    return re.compile({
        "all": f"[\x00-\x1f{_UNSAFE_REST}]",
        "keep-lines": f"[\x00-\x09\x0b-\x1f{_UNSAFE_REST}]",
        # json.dumps escapes C0 itself, and JSON's own layout newlines must stay.
        "json": f"[{_UNSAFE_REST}]",
    }[kind])


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, keep_newlines: bool = False) -> str:
    """The text with every unsafe character written as a visible escape such as `\\e`."""
    if text.isprintable():
        # Every unsafe character is a control, format, separator or surrogate: none is
        # printable, so printable text (nearly all of it) needs no search.
        return text
    return _pattern("keep-lines" if keep_newlines else "all").sub(_escape, text)


def json_shown_as_is(text: str) -> bool:
    """Whether visible() leaves every string of this JSON text (lines of JSON documents) as
    it is: one search for a whole batch instead of one test a cell. JSON holds no raw C0
    control (json.dumps escapes them), so ASCII text needs only a look for DEL."""
    if text.isascii():
        return "\x7f" not in text
    if text.replace("\n", "").isprintable():  # as in visible(): no search, no pattern made
        return True
    return _pattern("keep-lines").search(text) is None


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_safe(text: str) -> str:
    """JSON text as json_dumps leaves it: no raw control or bidi character."""
    if text.isascii() and "\x7f" not in text:  # isascii is free: ASCII text needs no search
        return text
    return _pattern("json").sub(_json_escape, text)


def json_dumps(value: Any, indent: int | None = None) -> str:
    """JSON that round-trips exactly but carries no raw control or bidi character."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    # Inside JSON these characters can only stand in strings, where \\uXXXX means the same.
    return _pattern("json").sub(_json_escape, text)


def neutralise_formula(cell: str) -> str:
    """A CSV cell that a spreadsheet would run as a formula is prefixed with a quote."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell

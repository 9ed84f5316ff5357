"""Writing a timeline: exact text edits at known positions.

An edit never re-serialises the file. store/layout.py says where each event and each of its
top-level values lies; a new event is rendered as text (store/yamltext.py) and inserted
between two events, a removed one is cut out with its own comments, and a changed field is
replaced, added or removed inside its event's text. Every byte outside what changes stays as
it was: comments (the event's own too), blank lines, quoting, key order, indentation, CRLF
or CR line endings and a BOM.

Each edit is a `Splice`: one stretch of the text replaced by another. The whole-text
functions here (`add_event`, `remove_event`, `set_fields`) apply it to a text; store/install
applies the same splices to a file of any size by copying around them.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from relations_cli.core.dates import cached_event_date, cached_event_when
from relations_cli.core.errors import DateError, WriteError
from relations_cli.core.model import Day
from relations_cli.core.text import not_found
from relations_cli.store.layout import (
    BREAK,
    Field,
    Item,
    Layout,
    comments_between,
    layout,
    line_after,
    line_start,
)
from relations_cli.store.yamltext import (
    FIELD_ORDER,
    LIST_FIELDS,
    RECORD_FIELDS,
    TEXT_FIELDS,
    Draft,
    render_event,
    render_value,
    yaml_scalar,
)

__all__ = [
    "FIELD_ORDER",
    "LIST_FIELDS",
    "RECORD_FIELDS",
    "TEXT_FIELDS",
    "Change",
    "Draft",
    "Layout",
    "RecordEdit",
    "Splice",
    "add_event",
    "add_events",
    "apply",
    "diff",
    "edit_splice",
    "empty_list_splice",
    "event_id_for",
    "find_item",
    "in_date_order",
    "insert_position",
    "insertion_splice",
    "layout",
    "list_value",
    "order_key",
    "removal_splice",
    "remove_event",
    "render_event",
    "set_fields",
    "without_item",
    "yaml_scalar",
]


class Splice(NamedTuple):
    """text[start:end] becomes `text`."""

    start: int
    end: int
    text: str


def apply(text: str, splice: Splice) -> str:
    return text[: splice.start] + splice.text + text[splice.end :]


# -- ids and drafts ---------------------------------------------------------------------------


_ID_WORDS, _ID_LENGTH = 8, 60
# Words an id never ends on: they leave it mid-phrase.
_STOP_WORDS = frozenset((
    "a", "an", "the", "of", "on", "in", "at", "to", "for", "from", "by", "with", "and", "or",
    "but", "as", "into", "onto", "over", "under", "than", "that", "this", "its", "his", "her",
    "their", "our", "your", "is", "are", "was", "were", "be"))


def event_id_for(title: str, taken: Callable[[str], bool] | set[str] | frozenset[str]) -> str:
    """An id made from a title, lowercase ASCII words joined by '-', not `taken` (a set of
    ids, or a question that asks the file's index)."""
    is_taken = taken.__contains__ if isinstance(taken, (set, frozenset)) else taken
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    kept: list[str] = []
    for word in words[:_ID_WORDS]:  # whole words only, up to the length an id may take
        if len("-".join([*kept, word])) > _ID_LENGTH:
            break
        kept.append(word)
    while len(kept) > 1 and kept[-1] in _STOP_WORDS:
        kept.pop()  # `...-a-man-on` would stop mid-phrase
    base = "-".join(kept) or (words[0][:_ID_LENGTH] if words else "event")
    candidate, number = base, 2
    while is_taken(candidate):
        candidate = f"{base}-{number}"
        number += 1
    return candidate


# -- date order --------------------------------------------------------------------------------


def order_key(date: str, end: str = "") -> tuple[Day, Day] | None:
    """How `timeline` sorts an event: its first day, then its last (any date form: EDTF
    intervals, seasons, qualifiers, BCE); None when the date cannot be read."""
    try:
        start, until = cached_event_when(date)
        if end:
            until = cached_event_date(end)
    except DateError:
        return None
    return start.start, (until or start).end


def in_date_order(keys: Sequence[tuple[Day, Day] | None]) -> bool:
    """Whether events run in date order as people write it: no event lies wholly before the
    one above it (a month may follow a day within it, as `2016-03` after `2016-03-27`)."""
    if any(key is None for key in keys):
        return False
    return all(b[1] >= a[0] for a, b in itertools.pairwise(keys))  # type: ignore[index]


def insert_position(keys: Sequence[tuple[Day, Day] | None], new: tuple[Day, Day] | None) -> int:
    """Where a new event goes among events with these sort keys (in file order): before the
    first that sorts after it when the file is in date order, else at the end."""
    if new is None or not in_date_order(keys):
        return len(keys)
    return next((number for number, key in enumerate(keys) if key is not None and key > new),
                len(keys))


def _draft_key(draft: Draft) -> tuple[Day, Day] | None:
    return order_key(str(draft.get("date") or ""), str(draft.get("end") or ""))


def _item_key(item: Item) -> tuple[Day, Day] | None:
    return order_key(item.date, item.text_of("end"))


# -- the splices --------------------------------------------------------------------------------


def insertion_splice(text: str, before: Item | None, after: Item | None, blocks: Sequence[str],
                     blank_between: bool, newline: str) -> Splice:
    """New events' blocks inserted after `before` (None: first, just above `after` and its
    comments), separated as the file separates its events."""
    separator = newline if blank_between else ""
    if before is None:
        assert after is not None
        return Splice(after.lead, after.lead, "".join(block + separator for block in blocks))
    at = before.end
    joined = "".join(separator + block for block in blocks)
    if at == len(text) and text and not text.endswith(("\n", "\r")):
        return Splice(at, at, newline + joined.removesuffix(newline))
    return Splice(at, at, joined)


def empty_list_splice(text: str, where: Layout, blocks: Sequence[str]) -> Splice:
    newline = where.newline
    block = "".join(blocks)
    at = where.empty_at
    if at < 0:  # `events: []`: the brackets go, the list follows the key's line
        bracket = -at - 1
        close = text.index("]", bracket) + 1
        line_end = line_after(text, close)
        rest_of_line = BREAK.sub("", text[close:line_end])
        start = bracket
        while start > 0 and text[start - 1] == " ":
            start -= 1
        return Splice(start, line_end, rest_of_line + newline + block)
    if at == len(text) and text and not text.endswith(("\n", "\r")):
        return Splice(at, at, newline + block.removesuffix(newline))
    return Splice(at, at, block)


def add_events(text: str, drafts: Sequence[Draft], name: str = "<timeline>") -> str:
    """`text` with the events inserted, each at its place in date order when the events are
    in date order (otherwise at the end, in the order given), written in the file's
    indentation and line endings."""
    where = layout(text, name)
    newline = where.newline
    if not where.items:
        dash = where.empty_dash
        blocks = [render_event(draft, dash, dash + 2, newline)
                  for draft in sorted(drafts, key=lambda d: _sortable(_draft_key(d)))]
        return apply(text, empty_list_splice(text, where, blocks))
    first = where.items[0]
    keys = [_item_key(item) for item in where.items]
    groups: dict[int, list[str]] = {}
    for draft in sorted(drafts, key=lambda d: _sortable(_draft_key(d))):
        position = insert_position(keys, _draft_key(draft))
        groups.setdefault(position, []).append(
            render_event(draft, first.dash, first.indent, newline))
    items = where.items
    for position in sorted(groups, reverse=True):
        before = items[position - 1] if position else None
        after = items[position] if position < len(items) else None
        text = apply(text, insertion_splice(text, before, after, groups[position],
                                            where.blank_between, newline))
    return text


def _sortable(key: tuple[Day, Day] | None) -> tuple[int, tuple[Day, Day] | tuple[()]]:
    # Drafts without a readable date keep their order, after the others.
    return (1, ()) if key is None else (0, key)


def add_event(text: str, draft: Draft) -> str:
    """`text` with one event inserted (see add_events)."""
    return add_events(text, [draft])


def find_item(items: Sequence[Item], event_id: str, name: str) -> int:
    for number, item in enumerate(items):
        if item.id == event_id:
            return number
    raise WriteError(not_found("event with id", event_id, [item.id for item in items], name,
                               "'relations timeline --data FILE' lists the ids"))


def _blank_run(text: str, index: int, forward: bool) -> int:
    """The index past the whole blank lines directly after (or before) `index`."""
    lines = re.compile(r"[ \t]*(?:\r\n|\n|\r)")
    if forward:
        while (match := lines.match(text, index)) is not None:
            index = match.end()
        return index
    while index > 0:
        start = line_start(text, index - 1)
        if text[start:index].strip():
            break
        index = start
    return index


def removal_splice(text: str, item: Item, first: bool, last: bool) -> Splice:
    """The event's lines cut out with its own comments (and one blank separator, so none
    doubles)."""
    start, end = item.lead, item.end
    after = _blank_run(text, end, forward=True)
    before = _blank_run(text, start, forward=False)
    if after > end and (before < start or first) and not last:
        end = after
    elif before < start and last:
        start = before
    return Splice(start, end, "")


def remove_event(text: str, event_id: str, name: str = "<timeline>") -> str:
    """`text` without the event's lines and its own comments. The last event leaves
    `events: []`, as an empty list must be written."""
    where = layout(text, name)
    return without_item(text, where, find_item(where.items, event_id, name))


def without_item(text: str, where: Layout, number: int) -> str:
    """`text` without item `number` of a top-level list (events, people) and its own
    comments; the last one leaves `KEY: []`, as an empty list must be written."""
    item = where.items[number]
    if len(where.items) == 1:
        colon = text.index(":", where.key_end) + 1
        return text[:colon] + " []" + text[colon : item.lead] + text[item.end :]
    return apply(text, removal_splice(text, item, number == 0,
                                      number == len(where.items) - 1))


# -- changing fields in place ---------------------------------------------------------------------


def list_value(value: str | Sequence[str]) -> list[str]:
    """A list field's items: given as a list, or as text separated by ';' (as CSV writes
    lists, and as names may hold commas)."""
    parts = value.split(";") if isinstance(value, str) else value
    return [part.strip() for part in parts if part.strip()]


def _value_text(key: str, value: Any, flow: bool, column: int, newline: str) -> str:
    written = list_value(value) if key in LIST_FIELDS else value
    return render_value(key, written, flow, column, newline)


def _kept(comments: list[str], column: int, newline: str) -> str:
    """Comments of text that a change takes away, kept on lines of their own."""
    return "".join(newline + " " * column + comment for comment in comments)


def _field_column(text: str, found: Field) -> int:
    return found.key_start - line_start(text, found.key_start)


def _replace_value(text: str, item: Item, found: Field, key: str, value: Any,
                   newline: str) -> Splice:
    column = _field_column(text, found)
    written = _value_text(key, value, item.flow, column, newline)
    if not found.collection and not found.multiline and found.value_end > found.value_start:
        # A one-line scalar: only its own characters change.
        return Splice(found.value_start, found.value_end, written.removeprefix(" "))
    # Empty, a list, a mapping or text over several lines: all after the ':' is rewritten,
    # and the comments among what goes are kept on lines of their own below the field.
    comments = comments_between(text, found.colon_end, found.value_end, item.spans)
    end = found.value_end
    if item.flow:
        return Splice(found.colon_end, end, written)
    if found.value_end == found.value_start:  # empty: keep what follows the ':' on its line
        return Splice(found.colon_end, found.colon_end, written)
    return Splice(found.colon_end, end, written + _kept(comments, column, newline))


def _field_end_line(text: str, found: Field) -> int:
    """Just after the line break of the field's last line."""
    return line_after(text, max(found.value_end - 1, found.colon_end - 1))


def _remove_field(text: str, item: Item, found: Field, newline: str) -> Splice:
    keys = list(item.fields)
    number = keys.index(found.key)
    following = item.fields[keys[number + 1]] if number + 1 < len(keys) else None
    if item.flow:
        if number > 0:  # `, key: value` after the one before
            previous = item.fields[keys[number - 1]]
            return Splice(previous.value_end, found.value_end, "")
        until = following.key_start if following else found.value_end
        return Splice(found.key_start, until, "")
    column = _field_column(text, found)
    first_line = line_start(text, found.key_start)
    # Through the end of its last line: a comment after the value goes to a line of its own.
    comments = comments_between(text, found.key_start, _field_end_line(text, found),
                                item.spans)
    if first_line == item.start and following is not None:
        # The key after the '-': the next key moves up to take its place.
        comments += comments_between(text, _field_end_line(text, found), following.key_start,
                                     item.spans)
        lead = _kept(comments, item.dash, newline).removeprefix(newline)
        above = lead + newline if lead else ""
        return Splice(item.start, following.key_start,
                      above + text[item.start : found.key_start])
    end = _field_end_line(text, found)
    kept = _kept(comments, column, newline).removeprefix(newline)
    return Splice(first_line, end, kept + newline if kept else "")


def _add_field(text: str, item: Item, key: str, value: Any, newline: str,
               order: Sequence[str] = FIELD_ORDER) -> Splice:
    """A new field after the last one that comes before it in the format's `order` (or
    after the first field), in the item's style."""
    rank = order.index(key) if key in order else len(order)
    earlier = [f for k, f in item.fields.items() if k in order and order.index(k) < rank]
    anchor = max(earlier, key=lambda f: f.value_end) if earlier else next(
        iter(item.fields.values()))
    if item.flow:
        return Splice(anchor.value_end, anchor.value_end,
                      f", {key}:{_value_text(key, value, True, 0, newline)}")
    at = _field_end_line(text, anchor)
    column = item.indent
    line = " " * column + f"{key}:{_value_text(key, value, False, column, newline)}"
    if at == len(text) and not text.endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
        return Splice(at, at, newline + line)
    return Splice(at, at, line + newline)


@dataclass(frozen=True)
class RecordEdit:
    """Records (quotes, figures or sources) to take out of an event's list, by their 1-based
    places as `show` numbers them, and records to add at its end."""

    remove: tuple[int, ...] = ()
    add: tuple[dict[str, str], ...] = ()


Change = str | list[str] | RecordEdit


def _records(text: str, item: Item, key: str, name: str) -> list[tuple[int, int, dict[str, str]]]:
    """The records of one field of an event as written: each one's span and its texts."""
    import yaml

    found = item.fields.get(key)
    if found is None:
        return []
    node = yaml.compose(text[item.start : item.end], Loader=yaml.BaseLoader)
    assert isinstance(node, yaml.SequenceNode)
    mapping = node.value[0]
    for key_node, value_node in mapping.value:
        if key_node.value == key and isinstance(value_node, yaml.SequenceNode):
            # A block mapping ends where the next token starts: its last value ends it here.
            return [(item.start + record.start_mark.index,
                     item.start + (record.value[-1][1].end_mark.index if record.value
                                   else record.end_mark.index),
                     {k.value: v.value for k, v in record.value})
                    for record in value_node.value if isinstance(record, yaml.MappingNode)]
    raise WriteError(f"{name}: the {key} of event '{item.id}' are not a list; edit them in "
                     "your editor; nothing written")


def _record_splices(text: str, item: Item, key: str, edit: RecordEdit, newline: str,
                    name: str) -> list[Splice]:
    """Records removed and added with the rest of the list untouched: a removed record's own
    lines go, new ones follow the last; a flow list, or a list left empty, is written anew."""
    records = _records(text, item, key, name)
    singular = key.removesuffix("s")
    for place in edit.remove:
        if not 0 < place <= len(records):
            held = f"{len(records)} {key if len(records) > 1 else singular}" if records \
                else f"no {key}"
            raise WriteError(f"{name}: event '{item.id}' has {held}; there is no {singular} "
                             f"{place} (show numbers them from 1); nothing written")
    kept = [values for number, (_, _, values) in enumerate(records, start=1)
            if number not in edit.remove]
    found = item.fields.get(key)
    new = kept + [dict(record) for record in edit.add]
    if found is None:
        return [_add_field(text, item, key, new, newline)] if new else []
    if not new:
        return [_remove_field(text, item, found, newline)]
    if item.flow or not records or text[found.value_start] == "[":
        return [_replace_value(text, item, found, key, new, newline)]
    splices = []
    for number, (start, end, _) in enumerate(records, start=1):
        if number in edit.remove:  # its lines, from its '-' to the end of its last line
            splices.append(Splice(line_start(text, start), line_after(text, end - 1), ""))
    if edit.add:
        first = line_start(text, records[0][0])
        dash = text.index("-", first) - first
        # render_value puts a record's '-' two columns in from the column it is given.
        written = render_value(key, list(edit.add), False, max(dash - 2, 0), newline)
        lines = [line[2 - dash :] if dash < 2 else line
                 for line in written.split(newline) if line]
        at = line_after(text, records[-1][1] - 1)
        splices.append(Splice(at, at, "".join(line + newline for line in lines)))
    return splices


def edit_splice(text: str, item: Item, changes: Mapping[str, Change], newline: str,
                name: str = "<timeline>", order: Sequence[str] = FIELD_ORDER) -> Splice:
    """The event's text with some fields changed, added (a value for a field it has not) or
    removed (an empty value), records taken out of or added to a list (RecordEdit), every
    comment of the event kept: one splice over the event."""
    changes = dict(changes)
    date_field = item.fields.get("date")
    if changes.get("end") and "date" not in changes and date_field and "/" in date_field.text:
        # A new end replaces one written inside the date (`2015/2016`).
        changes["date"] = date_field.text.partition("/")[0]
    if "end" in changes and not changes["end"] and "end" not in item.fields \
            and date_field and "/" in date_field.text and "date" not in changes:
        changes["date"] = date_field.text.partition("/")[0]  # `end=` drops an end in the date
    splices: list[tuple[int, Splice]] = []  # each with the rank of its field in the format
    for key, value in changes.items():
        rank = order.index(key) if key in order else len(order)
        found = item.fields.get(key)
        if isinstance(value, RecordEdit):
            splices += [(rank, splice) for splice in
                        _record_splices(text, item, key, value, newline, name)]
        elif found is None:
            if value:
                splices.append((rank, _add_field(text, item, key, value, newline, order)))
        elif not value:
            splices.append((rank, _remove_field(text, item, found, newline)))
        else:
            splices.append((rank, _replace_value(text, item, found, key, value, newline)))
    body = text[item.start : item.end]
    # From the last to the first, so positions stay true; of insertions at one point the
    # later field in the format goes in first, so that they read in the format's order.
    for _, splice in sorted(splices, key=lambda pair: (pair[1].start, pair[0]), reverse=True):
        start, end = splice.start - item.start, splice.end - item.start
        body = body[:start] + splice.text + body[end:]
    return Splice(item.start, item.end, body)


def set_fields(text: str, event_id: str, changes: Mapping[str, Change],
               name: str = "<timeline>") -> str:
    """`text` with some fields of one event changed (an empty value removes the field)."""
    where = layout(text, name)
    item = where.items[find_item(where.items, event_id, name)]
    return apply(text, edit_splice(text, item, changes, where.newline, name))


def diff(before: str, after: str, name: str, first_line: int = 1,
         new_first_line: int | None = None, headers: bool = True) -> str:
    """A unified diff of two versions of a file, or of a stretch of it that starts at line
    `first_line` before and `new_first_line` after (the hunks then name the file's own line
    numbers); `headers` off leaves out the `---`/`+++` lines, for a second stretch."""
    lines = list(difflib.unified_diff(before.splitlines(keepends=True),
                                      after.splitlines(keepends=True), f"a/{name}",
                                      f"b/{name}"))
    if not headers:
        lines = lines[2:]
    old_shift = first_line - 1
    new_shift = (first_line if new_first_line is None else new_first_line) - 1
    if not old_shift and not new_shift:
        return "".join(lines)

    def moved(match: re.Match[str]) -> str:
        old, old_count, new, new_count = match.groups()
        return (f"@@ -{int(old) + old_shift}{old_count or ''} "
                f"+{int(new) + new_shift}{new_count or ''} @@")

    return "".join(_HUNK.sub(moved, line, count=1) if line.startswith("@@") else line
                   for line in lines)


_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")

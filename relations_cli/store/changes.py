"""The three writes to a timeline file, add, remove and edit, at any size.

A write is planned on the file as it is, without a lock: what is known of its events (their
ids, lines and days, in file order) comes from its fresh index, or from one reading of the
file as `validate` reads it (store/locate). Either proves the file valid, so only the change
is checked: the new or changed event's text with the strict loader, its id against the
others. Only windows around the events concerned are read and parsed, and the file is copied
around the change. A file whose line breaks LF counting would miscount, or an events list too
short to learn its style from, takes the whole-text path (read, change and check it all),
which writes the same bytes (tests/test_write_promises.py compares them). Then, under the
file's lock, the write is installed if the file is still the one planned on; else it is
planned again. `Outcome` carries what a dry run shows: the diff of what would change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path

from relations_cli.core.errors import WriteError
from relations_cli.store.install import (
    Snapshot,
    check,
    commit,
    copy_with_splices,
    held,
    opened_snapshot,
    read_text,
)
from relations_cli.store.layout import Item, blank_between, layout, list_items
from relations_cli.store.locate import Located, NotHere, Row, Window, from_index, from_reading
from relations_cli.store.write import (
    Change,
    Draft,
    Splice,
    add_events,
    apply,
    diff,
    edit_splice,
    event_id_for,
    insertion_splice,
    order_key,
    removal_splice,
    remove_event,
    set_fields,
)
from relations_cli.store.yamltext import EventTexts

__all__ = ["Outcome", "add", "change", "edit", "remove"]


class Outcome:
    """What a write did (or, in a dry run, would do): the ids it concerns, its diff, and
    whether it was planned on windows of the file rather than on its whole text.

    The diff is worked out the first time it is asked for (`diff` may be given as the
    function that makes it): only a dry run shows it, and for an import of 10,000 rows it
    cost a tenth of the write."""

    __slots__ = ("_diff", "fast", "ids")

    def __init__(self, ids: tuple[str, ...], diff: str | Callable[[], str], fast: bool) -> None:
        self.ids = ids
        self.fast = fast
        self._diff = diff

    @property
    def diff(self) -> str:
        if not isinstance(self._diff, str):
            self._diff = self._diff()
        return self._diff

    def __repr__(self) -> str:
        return f"Outcome(ids={self.ids!r}, fast={self.fast!r})"


def add(path: Path, drafts: Sequence[Draft], dry_run: bool = False,
        checked: bool = False) -> Outcome:
    """Insert events, each at its place in date order when the file is in date order.

    `checked`: every draft was checked as the strict loader checks an event
    (ingest/cells.check_draft, which refuses whatever the loader would refuse in one event:
    tests/test_import_scale.py), so the new events' text is not parsed again, one by one, on
    the fast path (an import of 10,000 rows would pay a few seconds for it). Their ids are
    still checked against the file's, and the whole-text path still checks everything."""
    if not drafts:
        raise WriteError(f"{path}: nothing to add (no event given); nothing written")
    return _write(path, dry_run, lambda located: _add_fast(located, drafts, checked),
                  lambda snapshot: _add_whole(snapshot, drafts))


def change(path: Path, drafts: Sequence[Draft], edits: Sequence[tuple[str, Mapping[str, Change]]],
           dry_run: bool = False, checked: bool = False) -> Outcome:
    """Insert events and edit others in one write (an import with --update): the same
    bytes as `edit` for each of `edits` in turn, then `add` (tests/test_import_scale.py),
    installed once. `checked` is add's. The outcome's ids are the new events', then the
    edited ones'."""
    if not drafts and not edits:
        raise WriteError(f"{path}: nothing to change; nothing written")
    return _write(path, dry_run, lambda located: _change_fast(located, drafts, edits, checked),
                  lambda snapshot: _change_whole(snapshot, drafts, edits))


def remove(path: Path, event_id: str, dry_run: bool = False) -> Outcome:
    """Cut out one event with its own comments."""
    return _write(path, dry_run, lambda located: _remove_fast(located, event_id),
                  lambda snapshot: _remove_whole(snapshot, event_id))


def edit(path: Path, event_id: str, changes: Mapping[str, Change],
         dry_run: bool = False) -> Outcome:
    """Change, add or remove (an empty value) fields of one event."""
    return _write(path, dry_run, lambda located: _edit_fast(located, event_id, changes),
                  lambda snapshot: _edit_whole(snapshot, event_id, changes))


# -- the two paths --------------------------------------------------------------------------------


@dataclass
class _Part:
    """One change planned on a window of the file: its splice in the window's text."""

    window: Window
    splice: Splice

    def byte_splice(self) -> tuple[int, int, bytes]:
        return (self.window.byte_at(self.splice.start), self.window.byte_at(self.splice.end),
                self.splice.text.encode("utf-8"))


@dataclass
class _Planned:
    """A write planned on windows of the file, and the ids it concerns."""

    parts: list[_Part]
    ids: tuple[str, ...]

    def byte_splices(self) -> list[tuple[int, int, bytes]]:
        return sorted(part.byte_splice() for part in self.parts)

    def clashes(self) -> bool:
        """Whether two parts change the same text (the same event edited twice)."""
        splices = self.byte_splices()
        return any(start < end for (_, end, _), (start, _, _) in pairwise(splices))

    def diff(self, name: str) -> str:
        """The parts' diffs as one, with the line numbers of the file before and after.
        Parts whose windows overlap (an event edited beside one inserted) are shown as one
        stretch of the file with all their changes."""
        shown: list[str] = []
        added = 0
        for group in self._overlapping():
            window = group[0].window
            before, after = _stretch(group)
            first = _line_of(window, window.text, 0)
            shown.append(diff(before, after, name, first, first + added, headers=not shown))
            added += _lines(after) - _lines(before)
        return "".join(shown)

    def _overlapping(self) -> list[list[_Part]]:
        """The parts in file order, those whose windows overlap together."""
        groups: list[list[_Part]] = []
        end = -1  # where the last group's windows end
        for part in sorted(self.parts, key=lambda p: (p.window.base, p.byte_splice())):
            if groups and part.window.base < end:
                groups[-1].append(part)
                end = max(end, _window_end(part.window))
            else:
                groups.append([part])
                end = _window_end(part.window)
        return groups


def _window_end(window: Window) -> int:
    return window.base + len(window.text.encode("utf-8"))


def _stretch(parts: list[_Part]) -> tuple[str, str]:
    """The text of the file that overlapping windows cover, before and after their parts'
    splices."""
    data = b""
    base = parts[0].window.base
    for part in parts:  # in order of their windows' starts
        window = part.window
        have = base + len(data)
        if _window_end(window) > have:
            data += window.text.encode("utf-8")[have - window.base :]
    after = bytearray(data)
    for start, end, text in sorted((part.byte_splice() for part in parts), reverse=True):
        after[start - base : end - base] = text
    return data.decode("utf-8"), after.decode("utf-8")


_Fast = Callable[[Located], _Planned]
_Whole = Callable[[Snapshot], tuple[str, str, tuple[str, ...]]]
_TRIES = 8


def registry_write(path: Path, plan: Callable[[str], str], dry_run: bool = False) -> Outcome:
    """A change to the people registry (store/registry), planned on the whole text: the
    registry stands at the top and is rarely written; installed as every write is."""
    def whole(snapshot: Snapshot) -> tuple[str, str, tuple[str, ...]]:
        return snapshot.text, plan(snapshot.text), ()

    return _write(path, dry_run, None, whole)


def _write(path: Path, dry_run: bool, fast: _Fast | None, whole: _Whole) -> Outcome:
    """Plan the write on the file as it is, without a lock; then, under the lock, install it
    if the file is still the one planned on (else plan again): the lock is held only while
    writing. Without `fast`, the whole text is always planned on."""
    name = str(path)
    for _ in range(_TRIES):
        with opened_snapshot(path) as snapshot:
            planned = _planned(snapshot, fast) if fast is not None else None
            rewritten: tuple[Snapshot, str] | None = None  # the whole path's new text
            shown: Callable[[], str]
            if planned is not None:
                shown, ids, quick = partial(planned.diff, path.name), planned.ids, True
            else:
                full = read_text(snapshot)
                before, after, ids = whole(full)
                check(after, name)
                shown, quick = partial(diff, before, after, path.name), False
                rewritten = (full, after)
            if dry_run:
                return Outcome(ids, shown, quick)
            with held(snapshot) as same:
                if not same:
                    continue  # changed meanwhile (another write landed): plan again
                if rewritten is not None:
                    commit(*rewritten, checked=True)
                elif planned is not None:
                    copy_with_splices(snapshot, planned.byte_splices())
            return Outcome(ids, shown, quick)
    raise WriteError(f"{path}: changed on disk {_TRIES} times while this write was planned; "
                     "nothing written (run the command again)")


def _planned(snapshot: Snapshot, fast: _Fast) -> _Planned | None:
    """The write planned on windows of the file: from what its fresh index knows, else from
    what a reading of it finds; None when only the whole text can take it."""
    located = from_index(snapshot)
    if located is None:
        located = from_reading(snapshot)
    try:
        return fast(located)
    except NotHere:
        return None
    finally:
        located.close()


def _name_of(located: Located) -> str:
    return str(located.snapshot.path)


def _check_item(located: Located, window_text: str, item: Item, newline: str,
                line: int) -> None:
    """The strict loader's verdict on one event's text, alone; `line` is its first line in
    the file as it would be."""
    body = window_text[item.lead : item.end]
    if not body.endswith(("\n", "\r")):
        body += newline
    check("events:" + newline + body, _name_of(located), line - 1 - _lines(
        window_text[item.lead : item.start]))


def _lines(text: str) -> int:
    from relations_cli.store.layout import BREAK

    return len(BREAK.findall(text))


def _line_of(window: Window, text: str, index: int) -> int:
    """The line number in the file of text[index] (`text` is the window's text, or that
    text changed after its start)."""
    if index < window.start:
        return window.line - _lines(text[index : window.start])
    return window.line + _lines(text[window.start : index])


def _verify(text: str, start: int, expected: Sequence[str]) -> list[Item]:
    """The events of the changed window, which must be exactly the ones expected."""
    from relations_cli.store.layout import items_at

    found = items_at(text, len(expected) + 1, start)
    ids = [item.id for item in found[: len(expected)]]
    if ids != list(expected):
        raise NotHere  # the splice did not land as planned: let the whole path decide
    return found


def _landed(text: str, start: int, splice: Splice, blocks: Sequence[str], first: Item | None,
            after: Item | None, expected: Sequence[str]) -> None:
    """That the new `blocks`, spliced in, are events exactly where planned: the events of
    `text` from `start` (the line of the event before them, or of the first block) to the
    end of the event after them are the `expected` ones in order, and each one's written
    values lie between its planned start and the next one's (a block's: before its own
    end). Read with PyYAML's parser, no field placed; NotHere if not.

    Of more than two blocks only the first and the last are read, each with its neighbour:
    the ones between are found as they were written, one after the other with nothing but
    line breaks between, and each is a whole event alone (EventTexts writes what
    render_event writes, and the loader reads that: tests/test_import_scale.py), so in a
    block list they are the events they are alone. What a misplaced splice can break is at
    its two ends. Appending 10,000 rows in one place read all of them again: most of the
    import's time on a large timeline."""
    bounds: list[tuple[int, int]] = []  # each expected event's planned start and limit
    cursor = splice.start
    for block in blocks:
        body = block.rstrip("\r\n")
        at = text.find(body, cursor, splice.start + len(splice.text))
        if at < 0 or (bounds and text[cursor:at].strip("\r\n")):
            raise NotHere
        cursor = at + len(body)
        bounds.append((at, cursor))
    if first is None:  # the event before the blocks: from its line to the first block
        bounds.insert(0, (start, bounds[0][0]))
    following = after if after is not None else first
    end = (_mapped(following.end, splice) if following is not None
           else splice.start + len(splice.text))
    if following is not None:
        bounds.append((_mapped(following.start, splice), end))
    if len(bounds) != len(expected) or bounds[0][0] != start:
        raise NotHere
    if len(blocks) <= 2:
        _read_as_planned(text, start, end, bounds, expected)
        return
    first_block = 0 if first is not None else 1
    last_block = first_block + len(blocks) - 1
    _read_as_planned(text, start, bounds[first_block][1], bounds[: first_block + 1],
                     expected[: first_block + 1])
    _read_as_planned(text, bounds[last_block][0], end, bounds[last_block:],
                     expected[last_block:])


def _read_as_planned(text: str, start: int, end: int, bounds: Sequence[tuple[int, int]],
                     expected: Sequence[str]) -> None:
    """That text[start:end] is a block list of the `expected` events, each one's first key
    and last written value within its `bounds`; NotHere if not."""
    from relations_cli.store.layout import BREAK, line_start

    found = list_items(text[start:end])
    if found is None or [event_id for event_id, _, _ in found] != list(expected):
        raise NotHere  # the splice did not land as planned: let the whole path decide

    line, at = 0, start

    def mark(index: int) -> tuple[int, int]:  # (line, column) of text[index] in the slice
        nonlocal line, at
        line += len(BREAK.findall(text, at, index))
        at = index
        return line, index - max(line_start(text, index), start)

    for (low, high), (_, first_key, last_value) in zip(bounds, found, strict=True):
        if low < at or first_key < mark(low) or last_value > mark(high):
            raise NotHere


def _mapped(index: int, splice: Splice) -> int:
    """Where a position of the text before a splice is after it."""
    if index < splice.start:
        return index
    return index + len(splice.text) - (splice.end - splice.start)


# -- add ------------------------------------------------------------------------------------------


def _assign_ids(drafts: Sequence[Draft], taken: Callable[[str], bool]) -> None:
    mine: set[str] = set()
    for draft in drafts:
        wanted = str(draft.get("id") or "")
        if not wanted:
            wanted = event_id_for(str(draft.get("title") or ""),
                                  lambda candidate: candidate in mine or taken(candidate))
            draft["id"] = wanted
        elif wanted in mine:
            raise WriteError(f"two new events have the id '{wanted}'; nothing written")
        mine.add(wanted)


def _sort_key(draft: Draft) -> tuple[int, object]:
    key = order_key(str(draft.get("date") or ""), str(draft.get("end") or ""))
    return (1, ()) if key is None else (0, key)


def _add_fast(located: Located, drafts: Sequence[Draft], checked: bool = False) -> _Planned:
    if located.count() < 2:
        raise NotHere  # a list too short to learn its style from
    _assign_ids(drafts, located.has_id)
    taken = located.taken_of([str(draft["id"]) for draft in drafts])
    for draft in drafts:
        if str(draft["id"]) in taken:
            raise WriteError(f"{_name_of(located)}: duplicate id '{draft['id']}' (an event "
                             "already has it); refused, nothing written")
    first = located.first()
    assert first is not None
    head_window, head = located.window(first, 2)
    if len(head) < 2:
        raise NotHere
    blank = blank_between(head_window.text, head[0], head[1])
    newline = located.newline()
    ordered = located.in_date_order()
    # Each draft goes before the first event that sorts after it (None: at the end); drafts
    # bound for one place go together, in date order.
    groups: dict[int, tuple[Row | None, list[Draft], list[str]]] = {}
    in_order = sorted(drafts, key=_sort_key)
    # Their texts in one batch: EventTexts writes what render_event writes, a field at a time.
    texts = EventTexts(head[0].dash, head[0].indent, newline)(in_order)
    for draft, text in zip(in_order, texts, strict=True):
        key = order_key(str(draft.get("date") or ""), str(draft.get("end") or ""))
        later = located.first_later(key) if key is not None and ordered else None
        place = later.n if later is not None else -1
        group = groups.setdefault(place, (later, [], []))
        group[1].append(draft)
        group[2].append(text)
    parts = [_insertion(located, later, group, blocks, blank, newline, checked)
             for later, group, blocks in groups.values()]
    return _Planned(parts, tuple(str(draft["id"]) for draft in drafts))


def _insertion(located: Located, later: Row | None, drafts: list[Draft], blocks: list[str],
               blank: bool, newline: str, checked: bool = False) -> _Part:
    """New events (`blocks`, the drafts' texts) inserted just before the event `later` (None:
    after the last), found in their window where they were meant to go, and each checked by
    the strict loader unless the drafts were `checked` already."""
    new_ids = [str(draft["id"]) for draft in drafts]
    previous = located.before(later) if later is not None else located.last()
    if previous is None:  # first of all
        assert later is not None
        window, items = located.window(later, 1)
        splice = insertion_splice(window.text, None, items[0], blocks, blank, newline)
        expected = [*new_ids, later.id]
        verify_from = splice.start
        after_item = None
    else:
        window, items = located.window(previous, 2)
        after_item = items[1] if len(items) > 1 else None
        if later is not None and (after_item is None or after_item.id != later.id):
            raise NotHere
        splice = insertion_splice(window.text, items[0], after_item, blocks, blank, newline)
        expected = [previous.id, *new_ids] + ([after_item.id] if after_item else [])
        verify_from = items[0].start
    new_text = apply(window.text, splice)
    if checked:
        _landed(new_text, verify_from, splice, blocks,
                items[0] if previous is None else None, after_item, expected)
        return _Part(window, splice)
    found = _verify(new_text, verify_from, expected)
    for item in found[: len(expected)]:
        if item.id in new_ids:
            _check_item(located, new_text, item, newline,
                        _line_of(window, new_text, item.start))
    return _Part(window, splice)


def _add_whole(snapshot: Snapshot, drafts: Sequence[Draft]) -> tuple[str, str,
                                                                        tuple[str, ...]]:
    text = snapshot.text
    return text, _added(text, drafts, str(snapshot.path)), tuple(str(draft["id"])
                                                                 for draft in drafts)


def _added(text: str, drafts: Sequence[Draft], name: str) -> str:
    taken = {item.id for item in layout(text, name).items}
    _assign_ids(drafts, taken.__contains__)
    for draft in drafts:
        if draft["id"] in taken:
            raise WriteError(f"{name}: duplicate id '{draft['id']}' (an event already has "
                             "it); refused, nothing written")
    return add_events(text, drafts, name)


# -- remove ----------------------------------------------------------------------------------------


def _find_row(located: Located, event_id: str) -> Row:
    row = located.by_id(event_id)
    if row is None:
        raise NotHere  # the whole path says it is missing, with a hint
    return row


def _remove_fast(located: Located, event_id: str) -> _Planned:
    row = _find_row(located, event_id)
    if located.count() < 2:
        raise NotHere
    previous = located.before(row)
    following = located.next_after(row)
    window, items = located.window(previous or row, 3 if previous else 2)
    item_number = 1 if previous else 0
    if len(items) <= item_number or items[item_number].id != event_id:
        raise NotHere
    item = items[item_number]
    splice = removal_splice(window.text, item, previous is None, following is None)
    new_text = apply(window.text, splice)
    expected = ([previous.id] if previous else []) + ([following.id] if following else [])
    start = items[0].start if previous else _mapped(items[1].start, splice)
    _verify(new_text, start, expected)
    return _Planned([_Part(window, splice)], (event_id,))


def _remove_whole(snapshot: Snapshot, event_id: str) -> tuple[str, str, tuple[str, ...]]:
    text = snapshot.text
    return text, remove_event(text, event_id, str(snapshot.path)), (event_id,)


# -- edit ------------------------------------------------------------------------------------------


def _edit_fast(located: Located, event_id: str, changes: Mapping[str, Change]) -> _Planned:
    row = _find_row(located, event_id)
    new_id = str(changes.get("id", event_id))
    if new_id != event_id and located.has_id(new_id):
        raise WriteError(f"{_name_of(located)}: duplicate id '{new_id}' (an event already "
                         "has it); refused, nothing written")
    following = located.next_after(row)
    window, items = located.window(row, 2 if following else 1)
    item = items[0]
    newline = located.newline()
    splice = edit_splice(window.text, item, changes, newline, _name_of(located))
    new_text = apply(window.text, splice)
    expected = [new_id] + ([following.id] if following else [])
    found = _verify(new_text, item.start, expected)
    _check_item(located, new_text, found[0], newline, _line_of(window, new_text, found[0].start))
    return _Planned([_Part(window, splice)], (new_id,))


def _edit_whole(snapshot: Snapshot, event_id: str,
                changes: Mapping[str, Change]) -> tuple[str, str, tuple[str, ...]]:
    text = snapshot.text
    new_id = str(changes.get("id", event_id))
    after = set_fields(text, event_id, changes, name=str(snapshot.path))
    return text, after, (new_id,)


# -- adds and edits in one write ------------------------------------------------------------------


def _change_fast(located: Located, drafts: Sequence[Draft],
                 edits: Sequence[tuple[str, Mapping[str, Change]]], checked: bool) -> _Planned:
    parts: list[_Part] = []
    ids: list[str] = []
    if drafts:
        added = _add_fast(located, drafts, checked)
        parts += added.parts
        ids += added.ids
    for event_id, changes in edits:
        edited = _edit_fast(located, event_id, changes)
        parts += edited.parts
        ids += edited.ids
    planned = _Planned(parts, tuple(ids))
    if planned.clashes():
        raise NotHere  # one event changed twice: the whole path applies them in turn
    return planned


def _change_whole(snapshot: Snapshot, drafts: Sequence[Draft],
                  edits: Sequence[tuple[str, Mapping[str, Change]]],
                  ) -> tuple[str, str, tuple[str, ...]]:
    text = after = snapshot.text
    name = str(snapshot.path)
    ids: list[str] = []
    for event_id, changes in edits:
        after = set_fields(after, event_id, changes, name=name)
        ids.append(str(changes.get("id", event_id)))
    if drafts:
        after = _added(after, drafts, name)
    return text, after, (*(str(draft["id"]) for draft in drafts), *ids)

"""CSV and TSV: events, one event, or a report's main table, with one cell function."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from relations_cli.core.model import Event, written_span
from relations_cli.core.records import (
    OBJECT_OR_NULL,
    OBJECTS,
    RECORD_SHAPE,
    TEXT,
    TEXT_OR_NULL,
    TEXTS,
)
from relations_cli.render.fields import (
    CSV_COLUMNS,
    LIST_SEPARATOR,
    event_row,
    json_cell,
    pick_fields,
    sources_cell,
)
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import json_shown_as_is, neutralise_formula, visible

if TYPE_CHECKING:  # an event's view and reports load only when one is written: start-up time
    from relations_cli.render.detail import EventView
    from relations_cli.render.tables import Cell, Report, RowReport

__all__ = ["RECORD_FIELDS", "ROW_PIECES", "Piece", "cell", "chunked", "csv_event", "csv_events",
           "csv_line", "csv_quoted", "csv_records", "csv_report", "csv_rows", "read_rows",
           "record_pattern", "record_reader", "record_row", "record_when", "records_text",
           "row_pieces", "rows_text", "tsv_event", "tsv_events", "tsv_records", "tsv_report",
           "tsv_rows"]

CHUNK = 2000  # rows joined into one write: a listing is written in large pieces


def record_when(record: dict[str, Any]) -> str:
    """Event.when from an event's record (core/records.event_record)."""
    return written_span(str(record["date"]), record["end"])


# render/fields.EVENT_FIELDS read from a record instead of an Event: a listing answered from
# the index formats its stored records without building events (tests/test_fastpath.py
# checks that both give the same text).
RECORD_FIELDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "id": lambda r: r["id"],
    "date": lambda r: r["date"],
    "end": lambda r: r["end"] or "",
    "when": record_when,
    "title": lambda r: r["title"],
    "category": lambda r: r["category"],
    "place": lambda r: r["place"],
    "actors": lambda r: LIST_SEPARATOR.join(r["actors"]),
    "people": lambda r: LIST_SEPARATOR.join(r["people"]),
    "tags": lambda r: LIST_SEPARATOR.join(r["tags"]),
    "summary": lambda r: r["summary"],
    "date_note": lambda r: r["date_note"],
    "sources": lambda r: sources_cell(r["sources"]),
    "quotes": lambda r: json_cell(r["quotes"]),
    "figures": lambda r: json_cell(r["figures"]),
    "media": lambda r: json_cell(r.get("media")),
}


def record_row(record: dict[str, Any], fields: Sequence[str]) -> list[str]:
    return [RECORD_FIELDS[name](record) for name in fields]


def chunked(pieces: Iterable[str], size: int = CHUNK) -> Iterator[str]:
    """Pieces of text joined `size` at a time."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= size:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def cell(value: Cell, fmt: str) -> str:
    """One cell of CSV or TSV: text made visible and safe from spreadsheet formulas; in TSV
    tabs and newlines (and the backslash itself) escaped, as they would break the grid."""
    if isinstance(value, str):
        text = value
    else:
        from relations_cli.render.tables import cell_text  # a report's numbers

        text = cell_text(value)
    if fmt == "tsv":
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    if not isinstance(value, str):
        return text
    return neutralise_formula(visible(text, keep_newlines=fmt == "csv"))


def _lines(header: Sequence[str] | None, rows: Iterable[Sequence[Cell]],
           fmt: str, ready: bool = False) -> Iterator[str]:
    """Rows as CSV or TSV lines, streamed one row at a time; `ready` rows are cells already."""
    if fmt == "tsv":
        if header is not None:
            yield "\t".join(header) + "\n"
        for row in rows:
            yield "\t".join(row if ready else (cell(c, fmt) for c in row)) + "\n"  # type: ignore[arg-type]
        return
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow(row if ready else [cell(c, fmt) for c in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _events(events: Iterable[Event], look: Look, fmt: str) -> Iterator[str]:
    fields = pick_fields(look.fields, CSV_COLUMNS)
    yield from _lines(fields if look.header else None,
                      (event_row(e, fields) for e in events), fmt)


def csv_quoted(text: str) -> str:
    """A cell as csv.writer writes it with the dialect used here (excel: `,` and `"`,
    doubled quotes, QUOTE_MINIMAL; lines end in a line feed): quoted when it holds the
    delimiter, a quote or a line break."""
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return f'"{text}"'
    return text


def csv_line(cells: Sequence[str]) -> str:
    """A row as csv.writer writes it, without its line end (a lone empty cell is `""`, so
    the row is not an empty line)."""
    if len(cells) == 1 and not cells[0]:
        return '""'
    return ",".join(map(csv_quoted, cells))


# Stored records (store/index.StoredEvents.records) are json.dumps(event_record(e),
# ensure_ascii=False): the keys of core/records.RECORD_SHAPE in its order, ", " and ": "
# between items, one record a line. One regex, generated from RECORD_SHAPE, reads the fields
# a listing shows from a whole batch in C and steps over the others. A string shown is read
# up to its first quote: when it holds an escape, the match fails (an escaped quote) or the
# text read holds a backslash, and records_text leaves that record to the careful way (so
# every text read is exactly the string, with no control character). A record it does not
# take (an escape in a field shown, an unusual shape, an unsafe character, a cell a
# spreadsheet would run) is formatted from json.loads.
# Each pattern is the fastest found for text with no escape: `[^"]` is matched a good deal
# faster than `[^"\\]` (tests/test_fastpath.py holds every way to the careful one).
_STRING = '"[^"]*(?:(?<=\\\\)"[^"]*)*"'  # a string not shown: a quote after a backslash is in it
_SKIP = {  # a field not shown, by its kind
    TEXT: _STRING,
    TEXT_OR_NULL: f"(?:null|{_STRING})",
    # Up to the first `]`: one inside a string is not followed by the next key (whose quotes
    # would be escaped in the string), so such a record is never matched wrongly.
    TEXTS: '\\[[^\\]]*\\]',
    OBJECTS: '\\[[^\\]]*\\]',
    # Media: one object of strings (a brace inside one fails the match: the careful way).
    OBJECT_OR_NULL: '(?:null|\\{[^{}]*\\})',
}
_PLAIN = '"[^"]*"'  # a string shown
# An event always has an id and a date (the loader's rule): a pattern that took an empty one
# would style it as a plain line never does.
_NEVER_EMPTY = ("id", "date")


def _field_pattern(key: str, guard: bool) -> str:
    """The regex of one field a listing shows, by its kind in RECORD_SHAPE, with its groups
    named after the key (`end` and `end__null`; `sources`, its first title, and
    `sources__more`, the other sources as stored)."""
    no_formula = "(?![=+\\-@])" if guard else ""  # such a cell takes the careful way
    kind = RECORD_SHAPE[key]
    some = "+" if key in _NEVER_EMPTY else "*"
    text = f'"(?P<{key}>{no_formula}[^"]{some})"'
    if kind == TEXT:
        return text
    if kind == TEXT_OR_NULL:
        return f"(?:(?P<{key}__null>null)|{text})"
    if kind == TEXTS:
        # What is between the list's outer quotes, as `a", "b` (up to its first `]`: one
        # inside a string cannot be followed by the end of the list, so it never matches).
        return f'\\[(?:"(?P<{key}>{no_formula}[^\\]]*)")?\\]'
    if key != "sources":
        # Quotes, figures, media: a JSON cell (render/fields.json_cell), empty only when
        # there are none; a record that has some takes the careful way.
        return f'null(?P<{key}>)' if kind == OBJECT_OR_NULL else f'\\[\\](?P<{key}>)'
    # Sources with titles alone (render/fields.sources_cell joins them; any URL, publisher
    # or date makes it a JSON cell, written the careful way): the first one's title, then
    # the others as stored. A title holding `; ` or starting as JSON would be JSON too.
    title = '(?![\\[{])(?:[^";]|;(?! ))*'
    bare = '"url": "", "publisher": "", "date": ""\\}'
    return (f'\\[(?:\\{{"title": "(?P<{key}>{no_formula}{title})", {bare}'
            f'(?P<{key}__more>(?:, \\{{"title": "{title}", {bare})*))?\\]')


@cache
def record_pattern(keys: frozenset[str], guard: bool) -> re.Pattern[str]:
    """The regex of a record whose fields `keys` can be read as they are: RECORD_SHAPE's
    keys in order up to the last of `keys`, those read into groups (_field_pattern), the
    others stepped over; with `guard` no cell may start as a formula."""
    order = list(RECORD_SHAPE)
    last = max(order.index(key) for key in keys)
    values = [_field_pattern(key, guard) if key in keys else _SKIP[RECORD_SHAPE[key]]
              for key in order[:last + 1]]
    body = ", ".join(f'"{key}": {value}' for key, value in zip(order, values, strict=False))
    pattern = re.compile(f"^\\{{{body}[^\\n]*$", re.MULTILINE)
    if pattern.groups == 1:  # findall gives rows of groups only from two: a lone one gets a mate
        pattern = re.compile(f"^\\{{{body}()[^\\n]*$", re.MULTILINE)
    return pattern


class Piece(NamedTuple):
    """A field's text from a row of record_pattern's groups (named by their keys): a
    %-format of some groups, and a simpler one (`simple`, groups) for a batch where every
    row has group `check[0]` non-empty (check[1] True) or none has (False). Marks (control
    characters no plain record holds) stand for what a %-format cannot decide; _unmarked
    writes them."""

    template: str
    groups: tuple[str, ...]
    simple: tuple[str, tuple[str, ...]] | None = None
    check: tuple[str, bool] = ("", True)


# The fields of a listing that are not a record's value as it is (a text, or a list joined).
ROW_PIECES: dict[str, Piece] = {
    # date, "null" or "", end: the date alone when no row has an end.
    "when": Piece("%s\x01%s\x02%s\x03", ("date", "end__null", "end"), ("%s", ("date",)),
                  ("end__null", True)),
    # The first title, then the other sources as stored (nearly always none).
    "sources": Piece("%s%s", ("sources", "sources__more"), ("%s", ("sources",)),
                     ("sources__more", False)),
}


def row_pieces(fields: Sequence[str]) -> list[Piece] | None:
    """The pieces of a listing's fields: ROW_PIECES, or a record's text or list of texts as
    it is; None when a field is neither (its listing then takes the careful way)."""
    pieces = []
    for name in fields:
        if name in ROW_PIECES:
            pieces.append(ROW_PIECES[name])
        elif RECORD_SHAPE.get(name) in (TEXT, TEXT_OR_NULL, TEXTS, OBJECTS, OBJECT_OR_NULL):
            # A text or list as it is; quotes, figures and media only when empty (their
            # pattern takes no other), so their cell is "".
            pieces.append(Piece("%s", (name,)))
        else:
            return None
    return pieces


_OTHER_SOURCE = re.compile(f', \\{{"title": "([^"]*)"(?:, {_PLAIN}: {_PLAIN})*\\}}')


def _unmarked(text: str) -> str:
    """Rows made with ROW_PIECES with their spans written and their lists joined."""
    if "\x01" in text:  # record_when: no end, an open or unknown end, or an end
        text = (text.replace("\x01null\x02\x03", "").replace("\x01\x02..\x03", "/..")
                .replace("\x01\x02\x03", "/").replace("\x01\x02", "..").replace("\x03", ""))
    if "{" in text:  # more than one source: each title as one more list item
        text = _OTHER_SOURCE.sub(lambda m: '", "' + m[1], text)
    if '"' in text:  # only lists hold quotes: `a", "b` is `a; b`
        text = text.replace('", "', LIST_SEPARATOR)
    return text


def _picker(indexes: Sequence[int]) -> Callable[[Any], tuple[str, ...]]:
    if not indexes:
        return lambda row: ()
    if len(indexes) == 1:
        only = indexes[0]
        return lambda row: (row[only],)
    return itemgetter(*indexes)


def record_reader(pieces: Sequence[Piece], separator: str,
                  guard: bool) -> tuple[re.Pattern[str], Callable[[list[Any]], str]]:
    """The record_pattern that reads the groups of the pieces (ROW_PIECES of the fields, or
    others like them), and what writes rows of its groups as lines (each ending in a line
    feed) of the pieces between `separator`."""
    keys = frozenset(name.partition("__")[0] for piece in pieces for name in piece.groups)
    pattern = record_pattern(keys, guard)
    at = {name: number - 1 for name, number in pattern.groupindex.items()}
    checks = sorted({(at[piece.check[0]], piece.check[1]) for piece in pieces if piece.simple})
    chosen: dict[tuple[bool, ...], tuple[str | None, str, Callable[[Any], Any]]] = {}

    def way(held: tuple[bool, ...]) -> tuple[str | None, str, Callable[[Any], Any]]:
        """For a batch where each of `checks` holds or not: the %-format of a line and the
        groups it takes; the format is None when the groups are simply joined."""
        if held not in chosen:
            simple = {check for check, holds in zip(checks, held, strict=True) if holds}
            used = [piece.simple if piece.simple and (at[piece.check[0]], piece.check[1])
                    in simple else (piece.template, piece.groups) for piece in pieces]
            template = separator.join(part for part, _ in used)
            indexes = [at[name] for _, groups in used for name in groups]
            bare = all(part == "%s" for part, _ in used) and len(used) > 1
            chosen[held] = (None if bare else template, template, _picker(indexes))
        return chosen[held]

    def lines(rows: list[Any]) -> str:
        held = tuple((all if every else _none)(map(itemgetter(group), rows))
                     for group, every in checks)
        template, _, pick = way(held)
        if template is None:  # a str.join costs half as much as a %-format
            text = "\n".join(map(separator.join, map(pick, rows)))
        else:
            text = "\n".join(map(template.__mod__, map(pick, rows)))
        return _unmarked(text) + "\n"

    return pattern, lines


def _none(values: Iterable[str]) -> bool:
    return not any(values)


def read_rows(pattern: re.Pattern[str], records: Sequence[str]) -> list[Any] | None:
    """The groups of the pattern (a record_pattern) in each record, or None when one of
    them must take the careful way."""
    text = "\n".join(records)
    if not json_shown_as_is(text):
        return None
    found = pattern.findall(text)
    if len(found) != len(records):
        return None
    if "\\" in text and any("\\" in "".join(row) for row in found):
        return None  # an escape in a text shown
    return found


def records_text(records: Sequence[str], pattern: re.Pattern[str],
                 fast: Callable[[list[Any]], str],
                 careful: Callable[[str], str]) -> Iterator[str]:
    """Stored records as text, CHUNK at a time: `fast` formats rows of the groups of the
    pattern (a record_pattern), `careful` one record it does not take; both end in a line
    feed."""

    def rows(batch: Sequence[str]) -> list[Any] | None:
        return read_rows(pattern, batch)

    for start in range(0, len(records), CHUNK):
        chunk = records[start:start + CHUNK]
        found = rows(chunk)
        if found is not None:
            yield fast(found)
            continue
        yield _mixed(chunk, lambda record: rows((record,)), fast, careful)


T = TypeVar("T")


def _mixed(items: Sequence[T], taken: Callable[[T], list[Any] | None],
           fast: Callable[[list[Any]], str], careful: Callable[[T], str]) -> str:
    """A batch in which some item needs care: `taken(item)` gives the rows `fast` writes
    for it, or None for an item `careful` must write; the others still go the fast way, in
    runs, and everything stays in order."""
    pieces: list[str] = []
    run: list[Any] = []
    for item in items:
        got = taken(item)
        if got:
            run += got
            continue
        if run:
            pieces.append(fast(run))
            run = []
        pieces.append(careful(item))
    if run:
        pieces.append(fast(run))
    return "".join(pieces)


def _records(records: Sequence[str], look: Look, fmt: str) -> Iterator[str]:
    import json

    fields = pick_fields(look.fields, CSV_COLUMNS)
    loads = json.loads
    tsv = fmt == "tsv"

    def text_cell(text: str) -> str:
        # cell() of a text, short-cut for printable text (nearly all): nothing to make
        # visible, and in TSV only the backslash to escape.
        if text.isprintable():
            return neutralise_formula(text.replace("\\", "\\\\") if tsv else text)
        return cell(text, fmt)

    def careful(record: str) -> str:
        cells = [text_cell(text) for text in record_row(loads(record), fields)]
        return ("\t".join(cells) if tsv else csv_line(cells)) + "\n"

    if look.header:
        yield ("\t".join(fields) if tsv else csv_line(fields)) + "\n"
    pieces = row_pieces(fields)
    if pieces is None:  # a field the pattern cannot read: every record the careful way
        yield from chunked(map(careful, records))
        return
    if tsv:
        # Plain record cells hold no tab, line break or backslash: nothing to escape.
        yield from records_text(records, *record_reader(pieces, "\t", True), careful)
        return
    # Cells are joined with a NUL (no plain record holds one) until it is known whether any
    # holds a comma: most rows then need no quoting at all.
    pattern, joined = record_reader(pieces, "\x00", True)
    single = len(fields) == 1

    def fast(rows: list[Any]) -> str:
        text = joined(rows)
        if "," not in text and not single:
            return text.replace("\x00", ",")
        return "".join(csv_line(line.split("\x00")) + "\n"
                       for line in text[:-1].split("\n"))

    yield from records_text(records, pattern, fast, careful)


def _report(report: Report, look: Look, fmt: str) -> Iterator[str]:
    from relations_cli.render.tables import main_table

    table = main_table(report).pick(look.fields)
    yield from _lines(table.columns if look.header else None, table.rows, fmt)


def rows_text(rows: Sequence[tuple[str, ...]], indexes: Sequence[int],
              fast: Callable[[Sequence[tuple[str, ...]]], str],
              careful: Callable[[tuple[str, ...]], str]) -> Iterator[str]:
    """Rows of text cells (render/tables.RowReport), cut to the cells at `indexes`, as text
    CHUNK rows at a time: `fast` writes rows whose every cell is printable (visible() leaves
    each as it is, and none holds a tab, a line break or a carriage return), `careful` one
    row that is not. One test a batch instead of one a cell; both end in a line feed."""
    from itertools import chain

    whole = not rows or list(indexes) == list(range(len(rows[0])))
    pick = _picker(indexes)
    for start in range(0, len(rows), CHUNK):
        batch = rows[start:start + CHUNK]
        if not whole:
            batch = list(map(pick, batch))
        if "".join(chain.from_iterable(batch)).isprintable():
            yield fast(batch)
            continue
        yield _mixed(batch, lambda row: [row] if "".join(row).isprintable() else None, fast,
                     careful)


_FORMULA_STARTS = "=+-@"  # what neutralise_formula guards, but a tab or a carriage return


def _guarded(text: str) -> str:
    """neutralise_formula of each cell of lines of printable cells (so none holds a tab or a
    carriage return) between tabs: a few searches for a whole batch, not one test a cell."""
    for start in _FORMULA_STARTS:
        if start in text:  # nearly always for "-" (dates), rarely for the others
            for before in "\t\n":
                if before + start in text:
                    text = text.replace(before + start, before + "'" + start)
    return "'" + text if text and text[0] in _FORMULA_STARTS else text


def _rows(report: RowReport, look: Look, fmt: str) -> Iterator[str]:
    """_report of a report of text rows, batch by batch: the same cells, by the same rules."""
    columns, indexes = report.pick(look.fields)
    tsv = fmt == "tsv"
    if look.header:
        yield ("\t".join(columns) if tsv else csv_line(columns)) + "\n"
    single = len(columns) == 1  # a lone empty cell is written `""`

    def careful(row: tuple[str, ...]) -> str:
        cells = [cell(value, fmt) for value in row]
        return ("\t".join(cells) if tsv else csv_line(cells)) + "\n"

    def fast(batch: Sequence[tuple[str, ...]]) -> str:
        # Printable cells need no escape but TSV's of the backslash, and the formula guard.
        text = "\n".join(map("\t".join, batch))
        if tsv and "\\" in text:
            text = text.replace("\\", "\\\\")
        text = _guarded(text)
        if tsv:
            return text + "\n"
        if single or "," in text or '"' in text:
            return "".join(csv_line(line.split("\t")) + "\n" for line in text.split("\n"))
        return text.replace("\t", ",") + "\n"

    yield from rows_text(report.rows, indexes, fast, careful)


def csv_rows(report: RowReport, look: Look) -> Iterator[str]:
    """csv_report of a report of text rows (render/tables.RowReport)."""
    return _rows(report, look, "csv")


def tsv_rows(report: RowReport, look: Look) -> Iterator[str]:
    """tsv_report of a report of text rows (render/tables.RowReport)."""
    return _rows(report, look, "tsv")


def csv_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    return _events(events, look, "csv")


def tsv_events(events: Iterable[Event], look: Look) -> Iterator[str]:
    return _events(events, look, "tsv")


def csv_records(records: Sequence[str], look: Look) -> Iterator[str]:
    """csv_events of stored event records (store/index.StoredEvents.records)."""
    return _records(records, look, "csv")


def tsv_records(records: Sequence[str], look: Look) -> Iterator[str]:
    """tsv_events of stored event records (store/index.StoredEvents.records)."""
    return _records(records, look, "tsv")


def csv_event(view: EventView, look: Look) -> Iterator[str]:
    return _events([view.event], look, "csv")


def tsv_event(view: EventView, look: Look) -> Iterator[str]:
    return _events([view.event], look, "tsv")


def csv_report(report: Report, look: Look) -> Iterator[str]:
    return _report(report, look, "csv")


def tsv_report(report: Report, look: Look) -> Iterator[str]:
    return _report(report, look, "tsv")


# This module's entries of the format registry (render/formats.FORMATS).
CSV = Written(
    events=csv_events, event=csv_event, report=csv_report, rows=csv_rows, records=csv_records,
)
TSV = Written(
    events=tsv_events, event=tsv_event, report=tsv_report, rows=tsv_rows, records=tsv_records,
)

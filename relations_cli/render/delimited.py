"""CSV and TSV: events, one event, or a report's main table, with one cell function."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from relations_cli.core.model import Event, written_span
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
           "csv_line", "csv_quoted", "csv_records", "csv_report", "csv_rows", "record_pattern",
           "record_row", "record_when", "records_text", "row_formatter", "rows_text",
           "tsv_event", "tsv_events", "tsv_records", "tsv_report", "tsv_rows"]

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
# ensure_ascii=False): keys always in event_record's order, ", " and ": " between items. In
# a batch with no backslash there is no JSON escape, so every string is exactly the text
# between two quotes and no string holds a control character: one regex reads the fields of
# a whole batch in C. A record it does not match (an escape, an unusual shape, an unsafe
# character, a cell a spreadsheet would run) is formatted the careful way, from json.loads.
@cache
def record_pattern(guard: bool, to_category: bool = False, bare: bool = False,
                   ) -> re.Pattern[str]:
    """The regex of a plain record; with `guard` no cell may start as a formula. Its groups:
    id, date, null, end, title, summary, category, actors, people, place, tags, the first
    source's title, the other sources, date_note; `to_category` reads only the groups up to
    the category, without the summary (id, date, null, end, title, category). With `bare`
    only a record with no quotes, figures or media, and sources with titles alone: the rest
    have JSON cells (render/fields.json_cell), written the careful way."""
    no_formula = "(?![=+\\-@])" if guard else ""  # such a cell takes the careful way
    text = f'"({no_formula}[^"]*)"'
    required = f'"({no_formula}[^"]+)"'
    start = (f'^\\{{"id": {required}, "date": {required}, "end": (?:(null)|{text}), '
             f'"title": {text}, "summary": ')
    if to_category:
        return re.compile(start + f'"[^"]*", "category": {text}[^\\n]*$', re.MULTILINE)
    # A list of strings: what is between its outer quotes, as `a", "b` (up to its first
    # `]`: one inside a string cannot be followed by the next key, so it never matches).
    strings = f'\\[(?:"({no_formula}[^\\]]*)")?\\]'
    skipped = '\\[[^\\]]*\\]'
    source = ('\\{{"title": {}, "url": "", "publisher": "", "date": ""\\}}' if bare else
              '\\{{"title": {}, "url": "[^"]*", "publisher": "[^"]*", "date": "[^"]*"\\}}')
    if bare:
        skipped = "\\[\\]"
    media = "null" if bare else '(?:null|\\{[^{}]*\\})'
    first_source, other_source = source.format(text), source.format('"[^"]*"')
    return re.compile(
        f'{start}{text}, "category": {text}, "actors": {strings}, '
        f'"people": {strings}, "place": {text}, "tags": {strings}, "quotes": {skipped}, '
        f'"figures": {skipped}, "sources": \\[(?:{first_source}'
        f'((?:, {other_source})*))?\\], "date_note": {text}, "media": {media}'
        f'(?:, "file": "[^"]*")?\\}}$', re.MULTILINE)


class Piece(NamedTuple):
    """A field's text from a row of record_pattern's groups: a %-format of some groups, and
    a simpler one (`simple`, groups) for a batch where every row has group `check[0]`
    non-empty (check[1] True) or none has (False). Marks (control characters no plain record
    holds) stand for what a %-format cannot decide; _unmarked writes them."""

    template: str
    groups: tuple[int, ...]
    simple: tuple[str, tuple[int, ...]] | None = None
    check: tuple[int, bool] = (0, True)


ROW_PIECES: dict[str, Piece] = {
    "id": Piece("%s", (0,)),
    "date": Piece("%s", (1,)),
    "end": Piece("%s", (3,)),
    # date, "null" or "", end: the date alone when no row has an end.
    "when": Piece("%s\x01%s\x02%s\x03", (1, 2, 3), ("%s", (1,)), (2, True)),
    "title": Piece("%s", (4,)),
    "category": Piece("%s", (6,)),
    "place": Piece("%s", (9,)),
    "actors": Piece("%s", (7,)),
    "people": Piece("%s", (8,)),
    "tags": Piece("%s", (10,)),
    "summary": Piece("%s", (5,)),
    "date_note": Piece("%s", (13,)),
    # The first title, then the other sources as stored (nearly always none).
    "sources": Piece("%s%s", (11, 12), ("%s", (11,)), (12, False)),
    # Empty in every record record_pattern(bare=True) takes.
    "quotes": Piece("", ()),
    "figures": Piece("", ()),
    "media": Piece("", ()),
}

_OTHER_SOURCE = re.compile(', \\{"title": "([^"]*)", "url": "[^"]*", "publisher": "[^"]*", '
                           '"date": "[^"]*"\\}')


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


def row_formatter(pieces: Sequence[Piece], separator: str) -> Callable[[list[Any]], str]:
    """Rows of record_pattern's groups as lines (each ending in a line feed) of the pieces
    (ROW_PIECES of the fields, or others like them) between `separator`."""
    checks = sorted({piece.check for piece in pieces if piece.simple})
    chosen: dict[tuple[bool, ...], tuple[str | None, str, Callable[[Any], Any]]] = {}

    def way(held: tuple[bool, ...]) -> tuple[str | None, str, Callable[[Any], Any]]:
        """For a batch where each of `checks` holds or not: the %-format of a line and the
        groups it takes; the format is None when the groups are simply joined."""
        if held not in chosen:
            simple = {check for check, holds in zip(checks, held, strict=True) if holds}
            used = [piece.simple if piece.simple and piece.check in simple
                    else (piece.template, piece.groups) for piece in pieces]
            template = separator.join(part for part, _ in used)
            indexes = [i for _, groups in used for i in groups]
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

    return lines


def _none(values: Iterable[str]) -> bool:
    return not any(values)


def records_text(records: Sequence[str], pattern: re.Pattern[str],
                 fast: Callable[[list[Any]], str],
                 careful: Callable[[str], str]) -> Iterator[str]:
    """Stored records as text, CHUNK at a time: `fast` formats rows of the groups of the
    pattern (a record_pattern), `careful` one record it does not take; both end in a line
    feed."""

    def rows(batch: Sequence[str]) -> list[Any] | None:
        text = "\n".join(batch)
        if "\\" in text or not json_shown_as_is(text):
            return None
        found = pattern.findall(text)
        return found if len(found) == len(batch) else None

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
    pattern = record_pattern(True, bare=bool({"quotes", "figures", "media", "sources"}
                                             & set(fields)))
    if tsv:
        # Plain record cells hold no tab, line break or backslash: nothing to escape.
        yield from records_text(records, pattern,
                                row_formatter([ROW_PIECES[f] for f in fields], "\t"), careful)
        return
    # Cells are joined with a NUL (no plain record holds one) until it is known whether any
    # holds a comma: most rows then need no quoting at all.
    joined = row_formatter([ROW_PIECES[f] for f in fields], "\x00")
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

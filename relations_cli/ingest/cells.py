"""One row's values as an event draft, checked as the loader would check the event.

Every reader hands its rows here as (field, column, value): a value is text (a cell), or, from
JSON, a list or an object. Text is read as our own CSV export writes it: lists joined by `; `,
quotes, figures, sources and media as JSON, and a cell the export guarded against spreadsheet
formulas (`'=...`) without its guard. Each thing wrong is a Problem naming the row and the
column, so that every bad row is reported at once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any

from relations_cli.core.dates import cached_event_date, cached_event_when, stored_date
from relations_cli.core.errors import DateError
from relations_cli.ingest.base import Draft, Problem, ReadOptions, Row

__all__ = ["DATE_FIELDS", "FIELDS", "LIST_FIELDS", "MAX_CELL", "RECORD_FIELDS", "TEXT_FIELDS",
           "DraftMaker", "cell_problem", "plain_date"]

# The fields of an event, in the order of the format (store/yamltext.FIELD_ORDER, and media),
# and `when`, the export's date and end in one cell (`2015-09-03..2015-09-05`).
FIELDS = ("id", "date", "end", "title", "summary", "category", "actors", "people", "place",
          "tags", "quotes", "figures", "sources", "date_note", "media", "when")
TEXT_FIELDS = ("id", "title", "summary", "category", "place", "date_note")
DATE_FIELDS = ("date", "end", "when")
LIST_FIELDS = ("actors", "people", "tags")
RECORD_FIELDS = {
    "quotes": ("by", "text"),
    "figures": ("label", "value", "unit", "change"),
    "sources": ("title", "url", "publisher", "date"),
}
MEDIA_FIELDS = ("url", "credit", "caption")
_REQUIRED = {"quotes": ("by", "text"), "figures": ("label", "value"), "sources": ("title",),
             "media": ("url",)}

MAX_CELL = 65_536  # characters in one value: far above any summary, far below a stray file
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What a spreadsheet runs: `=` then a function or a cell reference. A value such as `= 3` or
# `=)` is text.
_FORMULA = re.compile(r"=\s*(?:[A-Za-z_][A-Za-z0-9_.]*\s*\(|\$?[A-Za-z]{1,3}\$?\d)")
# What a cell may start with that asks for a closer look: a formula, our export's guard
# against one, or a space to strip.
_SPECIAL_START = frozenset("='+-@ ")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CATEGORY = re.compile(r"[^\W_][\w-]*")
_LIST_SPLIT = re.compile(r"; ")  # render/fields.LIST_SEPARATOR
_PLAIN_TEXT = frozenset(TEXT_FIELDS)


def cell_problem(text: str, formula: bool = True) -> str | None:
    """What makes a piece of text unfit to import, if anything (with `formula`, a formula
    too)."""
    if len(text) > MAX_CELL:
        return f"is {len(text):,} characters long, over the {MAX_CELL:,} a value may hold"
    found = _CONTROL.search(text)
    if found:
        return f"holds the control character U+{ord(found.group()):04X}"
    if formula and _FORMULA.match(text):
        return ("is a spreadsheet formula, not a value (export the sheet's values, or write "
                "' before = to keep it as text)")
    return None


def _unguarded(text: str) -> str:
    """A cell as it was before our CSV export guarded it against spreadsheet formulas."""
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:]
    return text


@lru_cache(maxsize=1 << 16)  # a large sheet names the same days again and again
def plain_date(text: str, date_format: str | None) -> str:
    """A date cell as the text to store: --date-format first when given, then every form a
    filter reads; DateError says why not."""
    if date_format:
        try:
            parsed = dt.datetime.strptime(text, date_format)
        except ValueError:
            pass
        else:
            if "%d" in date_format or "%j" in date_format:
                return parsed.date().isoformat()
            if "%m" in date_format or "%b" in date_format or "%B" in date_format:
                return f"{parsed.year:04d}-{parsed.month:02d}"
            return f"{parsed.year:04d}"
    try:
        return stored_date(text)
    except DateError as error:
        if date_format:
            raise DateError(f"{error} (nor is it {date_format!r}, the --date-format)") from None
        raise


class DraftMaker:
    """Makes drafts from rows, reporting every problem of every row."""

    def __init__(self, options: ReadOptions, sheet: bool = True) -> None:
        self.options = options
        # Only a sheet's cells can be formulas (and carry our export's guard against them):
        # in JSON `=SUM(A1)` is text like any other.
        self.sheet = sheet

    def make(self, row: int, values: Iterable[tuple[str, str, Any]],
             problems: list[Problem]) -> Row | None:
        """The row's draft, or None with its problems added to `problems`."""
        before = len(problems)
        draft: Draft = {}
        columns: dict[str, str] = {}

        def bad(column: str, message: str) -> None:
            problems.append(Problem(row, column, message))

        text_of = self._text
        for field, column, value in values:
            if value is None or value == "":
                continue
            columns.setdefault("date" if field == "when" else field, column)
            if field in _PLAIN_TEXT:  # the most fields of the most rows, in one call
                converted = text_of(field, column, value, bad)
            else:
                converted = self._value(field, column, value, bad)
            if converted is None or converted in ("", [], {}):
                continue
            if field == "when":
                date, _, end = str(converted).partition("..") \
                    if not str(converted).endswith("/..") else (converted, "", "")
                draft["date"] = date
                if end:
                    draft["end"] = end
                    columns.setdefault("end", column)
            elif field in draft:
                bad(column, f"a second value for {field} (from another column)")
            else:
                draft[field] = converted
        if len(problems) == before:
            for field, message in check_draft(draft):
                bad(columns.get(field, field), message)
        if len(problems) > before:
            return None
        return Row(row, draft, checked=True)

    def make_rows(self, batch: Sequence[tuple[int, Sequence[str]]],
                  fields: Sequence[str | None], names: Sequence[str],
                  problems: list[Problem]) -> list[Row]:
        """The drafts of a batch of a table's rows. A batch whose cells need no closer look
        (printable, no edge spaces, no formula or guard, dates that read) is taken a column
        at a time, with a few calls for the whole column; any other batch row by row."""
        rows = self._columns(batch, fields) if self.sheet else None
        if rows is not None and passes_all([draft for _, draft in rows]):
            return [Row(number, draft, checked=True) for number, draft in rows]
        if rows is not None:
            made: list[Row] = []
            for number, draft in rows:
                if check_draft(draft):  # row by row, for its problems by column
                    self._slow(number, batch, number, fields, names, problems, made)
                else:
                    made.append(Row(number, draft, checked=True))
            return made
        made = []
        for number, cells in batch:
            row = self.make(number, [(field, names[at], cell) for at, (field, cell) in
                                     enumerate(zip(fields, cells, strict=False)) if field],
                            problems)
            if row is not None:
                made.append(row)
        return made

    def _slow(self, number: int, batch: Sequence[tuple[int, Sequence[str]]], wanted: int,
              fields: Sequence[str | None], names: Sequence[str], problems: list[Problem],
              made: list[Row]) -> None:
        cells = next(cells for at, cells in batch if at == wanted)
        row = self.make(number, [(field, names[at], cell) for at, (field, cell) in
                                 enumerate(zip(fields, cells, strict=False)) if field],
                        problems)
        if row is not None:
            made.append(row)

    def _columns(self, batch: Sequence[tuple[int, Sequence[str]]],
                 fields: Sequence[str | None]) -> list[tuple[int, Draft]] | None:
        """The batch's drafts, read a column at a time; None when a cell needs a closer
        look."""
        if not batch:
            return []
        named = [field for field in fields if field]
        if len(set(named)) != len(named) or "when" in named or any(
                len(cells) != len(fields) for _, cells in batch):
            return None
        columns = list(zip(*(cells for _, cells in batch), strict=True))
        taken: list[tuple[str, Sequence[Any]]] = []
        for field, column in zip(fields, columns, strict=True):
            if not field:
                continue
            if not _plain_column(column):
                return None
            if field in _PLAIN_TEXT:
                taken.append((field, column))
            elif field in ("date", "end"):
                try:
                    taken.append((field, [plain_date(cell, self.options.date_format)
                                          if cell else "" for cell in column]))
                except DateError:
                    return None
            elif field in LIST_FIELDS:
                if "\n[" in "\n" + "\n".join(column):  # a JSON list
                    return None
                lists = [cell.split("; ") if cell else "" for cell in column]
                if not _plain_column(list(chain.from_iterable(lists))):
                    return None
                taken.append((field, lists))
            else:  # records and media, as JSON
                values = self._json_column(field, column)
                if values is None:
                    return None
                taken.append((field, values))
        # Each row's fields that have a value, in the columns' order: three calls in C a row.
        names = [field for field, _ in taken]
        drafts = [dict(filter(_VALUE, zip(names, values, strict=True)))
                  for values in zip(*(values for _, values in taken), strict=True)]
        return [(number, draft) for (number, _), draft in zip(batch, drafts, strict=True)]

    def _json_column(self, field: str, column: Sequence[str]) -> list[Any] | None:
        """A column of records as JSON (our export's), or None when a cell needs a closer
        look. Records as the export writes them (objects of text, none with an edge space
        or a character that is not printable) are taken in one go: each cell parsed by the
        JSON scanner alone, their texts checked as one; any other column cell by cell."""
        if field == "media":
            return self._json_cells(field, column)
        allowed = frozenset(RECORD_FIELDS[field])
        values: list[Any] = []
        texts: list[Any] = []
        dated: list[dict[str, str]] = []
        for cell in column:
            if not cell:
                values.append("")
                continue
            if cell[0] not in "[{":  # the export's titles joined by `; `
                return self._json_cells(field, column)
            try:
                value, end = _SCAN(cell, 0)
            except (StopIteration, ValueError, RecursionError):
                return self._json_cells(field, column)
            if end != len(cell):
                return self._json_cells(field, column)
            records: list[dict[str, str]] = []
            for record in [value] if type(value) is dict else value \
                    if type(value) is list else [None]:
                if type(record) is not dict or not record.keys() <= allowed:
                    return self._json_cells(field, column)
                texts += record.values()
                # An empty text is left out (any other value that is not text is refused
                # below, with the whole column).
                plain = {key: text for key, text in record.items() if text} \
                    if "" in record.values() else record
                if "date" in plain:
                    dated.append(plain)
                records.append(plain)
            values.append(records)
        if not (all(type(text) is str for text in texts)
                and _plain_texts(texts)):
            return self._json_cells(field, column)
        try:
            for plain in dated:
                plain["date"] = plain_date(plain["date"], self.options.date_format)
        except DateError:
            return self._json_cells(field, column)
        return values

    def _json_cells(self, field: str, column: Sequence[str]) -> list[Any] | None:
        found: list[str] = []
        values = [self._records(field, field, cell, lambda _, message: found.append(message))
                  if cell else "" for cell in column]
        return None if found else values

    def _value(self, field: str, column: str, value: Any, bad: Any) -> Any:
        if value is None or value == "":
            return None
        if field in LIST_FIELDS:
            return self._list(field, column, value, bad)
        if field in RECORD_FIELDS or field == "media":
            return self._records(field, column, value, bad)
        text = self._text(field, column, value, bad)
        if text is None or not text:
            return text
        if field in DATE_FIELDS:
            return self._date(column, text, bad, field == "when")
        return text

    def _text(self, field: str, column: str, value: Any, bad: Any,
              in_json: bool = False) -> str | None:
        """A value as text; `in_json` when it is a string inside a cell's JSON, which no
        spreadsheet runs."""
        if type(value) is str and len(value) <= MAX_CELL and value.isprintable() and \
                value[:1] not in _SPECIAL_START and value[-1:] != " ":
            return value  # nearly every cell: nothing to look for (no control character)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            bad(column, f"{field} must be text, not {type(value).__name__}")
            return None
        raw = str(value).strip()
        cell = self.sheet and not in_json
        text = _unguarded(raw) if cell else raw
        # `'=SUM(A1)`, guarded as our export guards it, is text, not a formula.
        problem = cell_problem(text, formula=cell and text is raw)
        if problem:
            bad(column, problem)
            return None
        return text

    def _date(self, column: str, text: str, bad: Any, when: bool) -> str | None:
        if text == "..":
            return text  # an open end
        try:
            if when and ".." in text and not text.endswith("/.."):  # `date..end`
                first, _, last = text.partition("..")
                return (plain_date(first.strip(), self.options.date_format) + ".."
                        + plain_date(last.strip(), self.options.date_format))
            return plain_date(text, self.options.date_format)
        except DateError as error:
            bad(column, str(error))
            return None

    def _list(self, field: str, column: str, value: Any, bad: Any) -> list[str] | None:
        if isinstance(value, str):
            # The cell is what a spreadsheet runs, and what our export guards: as a whole.
            text = self._text(field, column, value, bad)
            if text is None:
                return None
            parsed = None
            if text.startswith("[") and text.endswith("]"):
                try:
                    parsed = json.loads(text)
                except ValueError:
                    parsed = None  # a tag such as `[draft]`: text
            if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
                value = parsed
            else:
                value = [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()]
        if not isinstance(value, list):
            bad(column, f"{field} must be a list of text")
            return None
        items = [self._text(field, column, item, bad, in_json=True) for item in value]
        if any(item is None for item in items):
            return None
        return [item for item in items if item]

    def _records(self, field: str, column: str, value: Any, bad: Any) -> Any:
        keys = MEDIA_FIELDS if field == "media" else RECORD_FIELDS[field]
        if isinstance(value, str):
            text = _unguarded(value.strip())
            if not text:
                return None
            if text[:1] in "[{":
                try:
                    value = json.loads(text)
                except (ValueError, RecursionError):
                    bad(column, f"{field}: not valid JSON")
                    return None
            elif field == "sources":  # the export's titles joined by `; `
                value = [{"title": title} for title in _LIST_SPLIT.split(text) if title]
            elif field == "media":
                value = {"url": text}
            else:
                bad(column, f"{field} must be a JSON list of objects with {', '.join(keys)}")
                return None
        if field == "media":
            return self._record(field, column, value, keys, bad)
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            bad(column, f"{field} must be a list of objects with {', '.join(keys)}")
            return None
        records = [self._record(field, column, item, keys, bad) for item in value]
        if any(record is None for record in records):
            return None
        return records

    def _record(self, field: str, column: str, value: Any, keys: tuple[str, ...],
                bad: Any) -> dict[str, str] | None:
        if type(value) is dict and value.keys() <= set(keys) and all(
                type(text) is str and len(text) <= MAX_CELL and text.isprintable()
                and text == text.strip() for text in value.values()):
            # As our export writes them: nothing to look for but a source's date.
            plain = {key: text for key, text in value.items() if text}
            if "date" not in plain:
                return plain
            try:
                plain["date"] = plain_date(plain["date"], self.options.date_format)
            except DateError:
                pass  # said below, with its column
            else:
                return plain
        if not isinstance(value, dict) or set(value) - set(keys):
            bad(column, f"each of {field} is an object with {', '.join(keys)}")
            return None
        record: dict[str, str] = {}
        for key in keys:
            item = value.get(key)
            if item is None or item == "":
                continue
            text = self._text(f"{field}.{key}", column, item, bad, in_json=True)
            if text is None:
                return None
            if text and key == "date":
                try:
                    text = plain_date(text, self.options.date_format)
                except DateError as error:
                    bad(column, f"{field}.date: {error}")
                    return None
            if text:
                record[key] = text
        return record


# How a cell that needs a closer look starts or ends, in its column's cells joined by line
# breaks (which no printable cell holds): each found by one substring search, much quicker
# than one regex tried at every character.
_ODD_MARKS = ("\n=", "\n'", "\n+", "\n-", "\n@", "\n ", " \n")
_EDGE_SPACES = ("\n ", " \n")
_VALUE = itemgetter(1)  # a (field, value) pair whose value is not empty
# json.loads less its checks: the decoder's scanner, in C (typeshed does not declare it).
_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _plain_column(cells: Sequence[str]) -> bool:
    """Whether every cell is printable, not too long, with no edge space and nothing that
    looks like a formula or our export's guard: a few calls for a whole column."""
    return _plain(cells, _ODD_MARKS)


def _plain_texts(texts: Sequence[str]) -> bool:
    """Whether every text (inside a cell's JSON) is printable, not too long and has no
    edge space."""
    return _plain(texts, _EDGE_SPACES)


def _plain(texts: Sequence[str], marks: tuple[str, ...]) -> bool:
    """Every text printable and at most MAX_CELL long, and none of `marks` in the texts each
    set between line breaks (a mark may hold one, for an edge of a text)."""
    if not texts:
        return True
    if not ("".join(texts).isprintable() and max(map(len, texts)) <= MAX_CELL):
        return False
    lined = "\n" + "\n".join(texts) + "\n"
    return not any(mark in lined for mark in marks)


def passes_all(drafts: Sequence[Draft]) -> bool:
    """Whether check_draft finds nothing in any of the drafts, asked a field at a time and
    each distinct date, category or source date once (a large sheet repeats them); False
    is "ask check_draft, row by row". tests/test_import_scale.py holds it to check_draft."""
    ids = [draft["id"] for draft in drafts if draft.get("id")]
    if not (all(map(_ID.fullmatch, ids)) and all(draft.get("title") for draft in drafts)):
        return False
    if any(draft.get("end") for draft in drafts):
        return False  # rare in a sheet: row by row
    dates = {draft.get("date") for draft in drafts}
    if not all(dates) or not all(isinstance(date, str) for date in dates):
        return False
    for date in dates:
        try:
            start, end = cached_event_when(date)
        except DateError:
            return False
        if end is not None and end.text not in ("", "..") and end.end < start.start:
            return False
    categories = {draft.get("category") or "" for draft in drafts} - {""}
    if not all(isinstance(category, str) and _CATEGORY.fullmatch(category)
               for category in categories):
        return False
    source_dates: set[str] = set()
    for field, required in _REQUIRED.items():
        for draft in drafts:
            value = draft.get(field)
            if not value:
                continue
            for record in [value] if isinstance(value, dict) else value:
                if not all(map(record.get, required)):
                    return False
                if field == "sources" and record.get("date"):
                    source_dates.add(record["date"])
    try:
        for date in source_dates:
            cached_event_date(date)
    except DateError:
        return False
    return True


def check_draft(draft: Draft) -> list[tuple[str, str]]:
    """What the strict loader would refuse in this draft, as (field, message)."""
    found: list[tuple[str, str]] = []
    event_id = draft.get("id", "")
    if event_id and not _ID.fullmatch(event_id):
        found.append(("id", f"id '{event_id}' must be lowercase words joined by '-', such as "
                      "palmyra-retaken"))
    if not draft.get("title"):
        found.append(("title", "an event needs a title"))
    start = end = None
    if not draft.get("date"):
        found.append(("date", "an event needs a date"))
    else:
        try:
            start, end = cached_event_when(draft["date"])
        except DateError as error:
            found.append(("date", str(error)))
    if draft.get("end"):
        if end is not None:
            found.append(("end", f"the date '{draft['date']}' already ends (an interval); "
                          "give one or the other"))
        else:
            try:
                end = cached_event_date(draft["end"])
            except DateError as error:
                found.append(("end", str(error)))
    if start is not None and end is not None and end.text not in ("", "..") \
            and end.end < start.start:
        found.append(("end", f"end {end.text} is before date {start.text}"))
    category = draft.get("category", "")
    if category and not _CATEGORY.fullmatch(category):
        found.append(("category", f"category '{category}' must be one word, such as trade"))
    for field, required in _REQUIRED.items():
        value = draft.get(field)
        if not value:
            continue  # most events have no quotes, figures or media
        records = [value] if isinstance(value, dict) else value
        for record in records:
            missing = [key for key in required if not record.get(key)]
            if missing:
                found.append((field, f"each of {field} needs a {missing[0]}"))
                break
    for source in draft.get("sources") or ():
        # A source has one date, never an interval (which a date cell, `2016Q1`, may be).
        if source.get("date"):
            try:
                cached_event_date(source["date"])
            except DateError as error:
                found.append(("sources", f"sources.date: {error}"))
                break
    return found

"""The TimelineJS sheet template (Knight Lab's Google Sheet, as CSV or a spreadsheet).

Year, Month, Day, Time, End Year, End Month, End Day, End Time, Display Date, Headline, Text,
Media, Media Credit, Media Caption, Media Thumbnail, Type, Group, Background. A date keeps the
precision written (a Year alone is that year); Group becomes the category (spaces as `-`, as a
category is one word), Display Date the date note, Text (HTML) the summary as plain text,
Media with its credit and caption the event's media. A `title` row gives the timeline's title
and description, an `era` row an era.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from relations_cli.ingest.base import Draft, Ingested, Problem, ReadOptions
from relations_cli.ingest.cells import DraftMaker, cell_problem
from relations_cli.ingest.html_text import plain_text

__all__ = ["TEMPLATE", "is_template", "read_template", "sheet_date"]

TEMPLATE = ("Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
            "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
            "Media Thumbnail", "Type", "Group", "Background")
_FOLDED = {name.casefold(): name for name in TEMPLATE}
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?")
_NUMBER = re.compile(r"-?\d+(?:\.0+)?")
# What the template holds that an event does not keep (said once each, on stderr).
_NOT_KEPT = ("Media Thumbnail", "Background")


def is_template(names: Sequence[str]) -> bool:
    """Whether a header is the template's (its date and headline columns, in any case)."""
    folded = {name.casefold() for name in names}
    return {"year", "headline"} <= folded and len(folded & set(_FOLDED)) >= 6


def _number(text: str, what: str) -> int:
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"{what} '{text}' is not a whole number")
    return int(float(text))


def sheet_date(year: str, month: str, day: str, time: str) -> str:
    """A template date as a timeline date: as precise as the cells written."""
    if not year:
        if month or day or time:
            raise ValueError("a month, day or time without a year")
        return ""
    parts = [_year(_number(year, "year"))]
    if month:
        value = _number(month, "month")
        if not 1 <= value <= 12:
            raise ValueError(f"month '{month}' is not 1 to 12")
        parts.append(f"{value:02d}")
        if day:
            parts.append(f"{_number(day, 'day'):02d}")
    elif day:
        raise ValueError("a day without a month")
    text = "-".join(parts)
    if time:
        if not day:
            raise ValueError("a time without a day")
        match = _TIME.fullmatch(time.strip())
        if match is None:
            raise ValueError(f"time '{time}' is not hh:mm, hh:mm:ss or h:mm PM")
        hour, minute, second, half = match.groups()
        hours = int(hour) % 12 + (12 if half and half.lower() == "pm" else 0) if half \
            else int(hour)
        text += f"T{hours:02d}:{minute}" + (f":{second}" if second else "")
    return text


def _year(value: int) -> str:
    return f"-{-value:04d}" if value < 0 else f"{value:04d}"


def read_template(names: Sequence[str], rows: Iterable[tuple[int, Sequence[str]]],
                  options: ReadOptions) -> Ingested:
    ingested = Ingested()
    columns = [_FOLDED.get(name.casefold(), name) for name in names]
    unknown = [name for name in columns if name and name not in TEMPLATE]
    if unknown:
        ingested.notes.append(f"columns not in the TimelineJS template, not imported: "
                              f"{', '.join(unknown)}")
    maker = DraftMaker(options)
    lost: set[str] = set()
    for number, cells in rows:
        cell = {column: value.strip() for column, value in zip(columns, cells, strict=False)}
        if not any(cell.values()):
            continue
        lost.update(name for name in _NOT_KEPT if cell.get(name))
        for column, value in cell.items():
            problem = cell_problem(value)
            if problem:
                ingested.problems.append(Problem(number, column, problem))
                break
        else:
            _row(number, cell, maker, ingested)
    for name in sorted(lost):
        ingested.notes.append(f"the {name} column is not kept (events have no such field)")
    return ingested


def _row(number: int, cell: dict[str, str], maker: DraftMaker, ingested: Ingested) -> None:
    try:
        start = sheet_date(cell.get("Year", ""), cell.get("Month", ""), cell.get("Day", ""),
                           cell.get("Time", ""))
    except ValueError as error:
        ingested.problems.append(Problem(number, "Year", str(error)))
        return
    try:
        end = sheet_date(cell.get("End Year", ""), cell.get("End Month", ""),
                         cell.get("End Day", ""), cell.get("End Time", ""))
    except ValueError as error:
        ingested.problems.append(Problem(number, "End Year", f"end: {error}"))
        return
    kind = cell.get("Type", "").casefold()
    headline = plain_text(cell.get("Headline", ""))
    text = plain_text(cell.get("Text", ""))
    if kind == "title":
        ingested.title = headline or ingested.title
        ingested.description = text or ingested.description
        return
    if kind == "era":
        if not (start and end and headline):
            ingested.problems.append(Problem(number, "Type", (
                "an era needs a Year, an End Year and a Headline")))
            return
        era: Draft = {"start": start, "end": end, "headline": headline}
        ingested.eras.append(era)
        return
    media = {key: cell.get(column, "") for key, column in (
        ("url", "Media"), ("credit", "Media Credit"), ("caption", "Media Caption"))}
    values = [
        ("date", "Year", start), ("end", "End Year", end), ("title", "Headline", headline),
        ("summary", "Text", text), ("date_note", "Display Date", cell.get("Display Date")),
        ("category", "Group", re.sub(r"\s+", "-", cell.get("Group", ""))),
        ("media", "Media", {k: v for k, v in media.items() if v} if media["url"] else None),
    ]
    row = maker.make(number, values, ingested.problems)
    if row is not None:
        ingested.rows.append(row)

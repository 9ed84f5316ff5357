"""The data formats: one small object each in one registry (name, extension, renderer)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from relations_cli.core.model import Event
from relations_cli.core.records import event_record
from relations_cli.render.safe import json_dumps, neutralise_formula, visible

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "JSON_EVENT_KEYS",
    "Format",
    "format_for_path",
    "style_plain",
]

JSON_EVENT_KEYS = (
    "id", "date", "end", "title", "summary", "category", "actors", "people", "place", "tags",
    "quotes", "figures", "sources", "date_note",
)  # fmt: skip
CSV_COLUMNS = (
    "id", "date", "end", "title", "category", "place", "actors", "people", "tags", "summary",
    "date_note", "sources",
)  # fmt: skip
LIST_SEPARATOR = "; "


def _flat_row(event: Event) -> list[str]:
    return [
        event.id,
        event.date.text,
        event.end.text if event.end else "",
        event.title,
        event.category,
        event.place,
        LIST_SEPARATOR.join(event.actors),
        LIST_SEPARATOR.join(event.people),
        LIST_SEPARATOR.join(event.tags),
        event.summary,
        event.date_note,
        LIST_SEPARATOR.join(s.title for s in event.sources),
    ]


# A styler colors one field of a plain line; the identity when color is off.
Styler = Callable[[str, str], str]


def no_style(_field: str, text: str) -> str:
    return text


_ANSI = {"date": "\x1b[36m", "category": "\x1b[2m", "id": "\x1b[2m", "match": "\x1b[1;33m"}


def style_plain(field: str, text: str) -> str:
    """ANSI color for a plain-line field (only the program's own codes ever reach a terminal)."""
    return f"{_ANSI[field]}{text}\x1b[0m" if field in _ANSI and text else text


def plain_line(event: Event, style: Styler = no_style) -> str:
    """One event on one line, tab-separated: date, id, category, title; never wrapped."""
    return "\t".join(
        (
            style("date", event.when),
            style("id", event.id),
            style("category", visible(event.category) or "-"),
            visible(event.title),
        )
    )


def render_plain(events: Iterable[Event], style: Styler = no_style) -> Iterator[str]:
    for event in events:
        yield plain_line(event, style) + "\n"


def render_json(events: Iterable[Event], style: Styler = no_style) -> Iterator[str]:
    # Streamed item by item so a large result never sits in memory as one string.
    first = True
    for event in events:
        yield ("[\n  " if first else ",\n  ") + json_dumps(event_record(event))
        first = False
    yield "[]\n" if first else "\n]\n"


def render_jsonl(events: Iterable[Event], style: Styler = no_style) -> Iterator[str]:
    for event in events:
        yield json_dumps(event_record(event)) + "\n"


def _csv_cell(value: str) -> str:
    return neutralise_formula(visible(value, keep_newlines=True))


def render_csv(events: Iterable[Event], style: Styler = no_style) -> Iterator[str]:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow([_csv_cell(cell) for cell in _flat_row(event)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _tsv_cell(value: str) -> str:
    # Tabs and newlines would break the grid: they are escaped, as is the backslash itself.
    escaped = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return neutralise_formula(visible(escaped.replace("\r", "\\r")))


def render_tsv(events: Iterable[Event], style: Styler = no_style) -> Iterator[str]:
    yield "\t".join(CSV_COLUMNS) + "\n"
    for event in events:
        yield "\t".join(_tsv_cell(cell) for cell in _flat_row(event)) + "\n"


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def markdown_text(value: str) -> str:
    """Text safe inside a Markdown table cell: syntax escaped, one line."""
    return visible(" ".join(value.split())).translate(_MARKDOWN_SPECIAL)


def render_markdown(events: Iterable[Event], style: Styler = no_style) -> Iterator[str]:
    yield "| Date | Event | Category | Summary |\n"
    yield "| --- | --- | --- | --- |\n"
    for event in events:
        cells = (event.when, event.title, event.category, event.summary)
        yield "| " + " | ".join(markdown_text(cell) for cell in cells) + " |\n"


@dataclass(frozen=True)
class Format:
    """An output format: its name, the file extension that selects it, and its renderer."""

    name: str
    extension: str
    render: Callable[[Iterable[Event], Styler], Iterator[str]]
    description: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("plain", ".txt", render_plain, "one event a line: date, id, category, title"),
        Format("json", ".json", render_json, "a JSON array of events"),
        Format("jsonl", ".jsonl", render_jsonl, "one JSON event a line"),
        Format("csv", ".csv", render_csv, "comma-separated, with a header row"),
        Format("tsv", ".tsv", render_tsv, "tab-separated, with a header row"),
        Format("markdown", ".md", render_markdown, "a Markdown table"),
    )
}


def format_for_path(path: str) -> str | None:
    """The format a file name's extension asks for, if any (`trade.csv` is CSV)."""
    from relations_cli.render.publish import PUBLISHERS

    lowered = path.lower()
    # The longest extension first: `x.timelinejs.json` is TimelineJS, not JSON.
    extensions = [(f.extension, f.name) for f in FORMATS.values()]
    extensions += [(p.extension, p.name) for p in PUBLISHERS.values()]
    extensions += [(".markdown", "markdown"), (".svg", "svg")]
    for extension, name in sorted(extensions, key=lambda pair: -len(pair[0])):
        if lowered.endswith(extension):
            return name
    return None

"""Reports: labelled values and tables, drawn with bars on a terminal or written as data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from relations_cli.render.formats import markdown_text
from relations_cli.render.safe import json_dumps, neutralise_formula, visible

__all__ = ["Report", "Table", "cell_text", "render_report"]

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """Rows under named columns; `bar` names a numeric column drawn as bars on a terminal."""

    columns: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]
    title: str = ""
    bar: str | None = None
    # Bars are scaled within each value of this column (figures: one scale per unit).
    bar_scale_by: str | None = None
    # Columns a terminal shows; data formats always carry every column.
    shown: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Report:
    """What a summary-like command prints: facts, then tables, and its JSON document."""

    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    document: Any = None
    # How a terminal shows the tables: as tables, or (for long text) as quotation blocks.
    terminal_view: str = "tables"


def cell_text(cell: object) -> str:
    """A cell as text: nothing for None, numbers without trailing zeros."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:g}"
    return str(cell)


def render_report(report: Report, fmt: str) -> Iterator[str]:
    """The report in a data format: plain, json, jsonl, csv, tsv or markdown."""
    if fmt == "json":
        yield json_dumps(report.document, indent=2) + "\n"
    elif fmt == "jsonl":
        rows = report.document if isinstance(report.document, list) else [report.document]
        for row in rows:
            yield json_dumps(row) + "\n"
    elif fmt in ("csv", "tsv"):
        yield from (_csv if fmt == "csv" else _tsv)(_main_table(report))
    elif fmt == "markdown":
        yield from _markdown(report)
    else:
        yield from _plain(report)


def _main_table(report: Report) -> Table:
    """One table for CSV and TSV: the first, with the rows of any others of the same shape."""
    if not report.tables:
        return Table((), [])
    first = report.tables[0]
    rows = [row for table in report.tables if table.columns == first.columns
            for row in table.rows]
    return Table(first.columns, rows, first.title)


def _plain(report: Report) -> Iterator[str]:
    # A single table prints bare rows (for cut and wc -l); with facts or several tables each
    # table gets its header, and a blank line separates the parts.
    bare = not report.facts and len(report.tables) == 1
    parts: list[list[str]] = []
    if report.facts:
        parts.append([f"{visible(label)}\t{visible(value)}\n" for label, value in report.facts])
    for table in report.tables:
        lines = [] if bare else ["\t".join(table.columns) + "\n"]
        lines += ["\t".join(visible(cell_text(c)) for c in row) + "\n" for row in table.rows]
        parts.append(lines)
    for number, part in enumerate(parts):
        if number:
            yield "\n"
        yield from part


def _csv(table: Table) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([neutralise_formula(visible(cell_text(c), keep_newlines=True))
                         if isinstance(c, str) else cell_text(c) for c in row])
    yield buffer.getvalue()


def _tsv(table: Table) -> Iterator[str]:
    yield "\t".join(table.columns) + "\n"
    for row in table.rows:
        cells = []
        for cell in row:
            text = cell_text(cell).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            cells.append(neutralise_formula(visible(text)) if isinstance(cell, str) else text)
        yield "\t".join(cells) + "\n"


def _markdown(report: Report) -> Iterator[str]:
    for label, value in report.facts:
        yield f"- **{markdown_text(label)}:** {markdown_text(value)}\n"
    for table in report.tables:
        yield "\n"
        if table.title:
            yield f"### {markdown_text(table.title)}\n\n"
        yield "| " + " | ".join(markdown_text(c) for c in table.columns) + " |\n"
        yield "|" + "|".join(" --- " for _ in table.columns) + "|\n"
        for row in table.rows:
            yield "| " + " | ".join(markdown_text(cell_text(c)) for c in row) + " |\n"


def bar_fractions(table: Table) -> list[float | None]:
    """Each row's bar length as a fraction of the largest value on its scale."""
    if table.bar is None:
        return [None] * len(table.rows)
    index = table.columns.index(table.bar)
    group = table.columns.index(table.bar_scale_by) if table.bar_scale_by else None
    largest: dict[Cell, float] = {}
    for row in table.rows:
        value = row[index]
        if isinstance(value, (int, float)):
            key = row[group] if group is not None else None
            largest[key] = max(largest.get(key, 0.0), abs(float(value)))
    fractions: list[float | None] = []
    for row in table.rows:
        value = row[index]
        top = largest.get(row[group] if group is not None else None, 0.0)
        fractions.append(abs(float(value)) / top if isinstance(value, (int, float)) and top
                         else None)
    return fractions


def bar_cells(fraction: float | None, width: int) -> str:
    """A bar in eighth-blocks, at least one eighth for any non-zero value."""
    if fraction is None or width <= 0:
        return ""
    eighths = max(1, round(fraction * width * 8)) if fraction > 0 else 0
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if rest == 0 else " ▏▎▍▌▋▊▉"[rest])


def shown_columns(table: Table) -> Sequence[str]:
    return table.shown or table.columns

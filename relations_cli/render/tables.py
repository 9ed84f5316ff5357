"""Reports: labelled values and tables, drawn with bars on a terminal or written as data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from relations_cli.core.errors import QueryError
from relations_cli.core.text import did_you_mean

__all__ = ["Column", "Report", "RowReport", "Table", "cell_text", "records", "table_of"]

Cell = str | int | float | None
Row = TypeVar("Row")


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of a report, defined once: its table cell and its JSON value come from it.

    `json` gives the JSON value when it differs from the cell (a list where the cell joins
    it); `key` the JSON key when it differs from the name. A column may be left out of the
    terminal view (`shown`), of the JSON (`in_json`) or of the table (`in_table`).
    """

    name: str
    cell: Callable[[Row], Cell]
    json: Callable[[Row], Any] | None = None
    key: str | None = None
    shown: bool = True
    in_json: bool = True
    in_table: bool = True
    numeric: bool = False  # right-aligned on a terminal


def table_of(columns: Sequence[Column[Row]], rows: Sequence[Row], title: str = "",
             bar: Callable[[Row], float | None] | str | None = None,
             bar_scale_by: str | None = None) -> Table:
    """A table of `rows` under the table columns among `columns`; `bar` names a numeric
    column drawn as bars, or gives each row's number for a bar of its own."""
    in_table = [c for c in columns if c.in_table]
    return Table(
        tuple(c.name for c in in_table),
        # Column by column: a report may have hundreds of thousands of rows (quotes).
        list(zip(*[list(map(c.cell, rows)) for c in in_table], strict=True)) if in_table
        else [() for _ in rows],
        title,
        bar=bar if isinstance(bar, str) else "bar" if bar else None,
        bar_scale_by=bar_scale_by,
        shown=tuple(c.name for c in in_table if c.shown),
        bar_values=[bar(row) for row in rows] if callable(bar) else None,
        numeric=frozenset(c.name for c in in_table if c.numeric),
    )


def records(columns: Sequence[Column[Row]], rows: Sequence[Row]) -> list[dict[str, Any]]:
    """The JSON records of `rows`: one key per JSON column."""
    chosen = [c for c in columns if c.in_json]
    keys = [c.key or c.name for c in chosen]
    values = [list(map(c.json or c.cell, rows)) for c in chosen]
    return [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)] if chosen \
        else [{} for _ in rows]


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
    # The number each row's bar stands for, when the bar is not a column of its own.
    bar_values: Sequence[float | None] | None = None
    # Columns right-aligned on a terminal (besides any of numbers).
    numeric: frozenset[str] = frozenset()

    def pick(self, fields: Sequence[str] | None) -> Table:
        """The table with only `fields`, in that order (--fields); unknown names are an error."""
        if not fields:
            return self
        for name in fields:
            if name not in self.columns:
                raise QueryError(f"--fields: no column '{name}' here"
                                 + did_you_mean(name, self.columns,
                                                "columns: " + ", ".join(self.columns)))
        indexes = [self.columns.index(name) for name in fields]
        keeps_bar = self.bar_values is not None or self.bar in fields
        return Table(tuple(fields), [tuple(row[i] for i in indexes) for row in self.rows],
                     self.title, self.bar if keeps_bar else None,
                     self.bar_scale_by if self.bar_scale_by in fields else None,
                     tuple(fields), self.bar_values, self.numeric)


@dataclass(frozen=True)
class Report:
    """What a summary-like command prints: facts, then tables, and its JSON document."""

    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    document: Any = None
    # How a terminal shows the tables: as tables, or (for long text) as quotation blocks.
    terminal_view: str = "tables"


@dataclass(frozen=True)
class RowReport:
    """A report of one table whose cells are all text, as its rows of cells (tuples in the
    order of `columns`, each column also a JSON key, `keys` in the same order): data formats
    write it straight from the rows (`{format}_rows`), building nothing a row; `full` makes
    the Report every other format draws."""

    columns: tuple[str, ...]
    keys: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    full: Callable[[], Report]

    def pick(self, fields: Sequence[str] | None) -> tuple[tuple[str, ...], list[int]]:
        """The columns --fields picks and their places in a row, as Table.pick picks them
        (unknown names are the same error)."""
        columns = Table(self.columns, []).pick(fields).columns
        return columns, [self.columns.index(name) for name in columns]


def cell_text(cell: object) -> str:
    """A cell as text: nothing for None, numbers without trailing zeros."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:g}"
    return str(cell)


def main_table(report: Report) -> Table:
    """One table for CSV and TSV: the first, with the rows of any others of the same shape."""
    if not report.tables:
        return Table((), [])
    first = report.tables[0]
    rows = [row for table in report.tables if table.columns == first.columns
            for row in table.rows]
    return Table(first.columns, rows, first.title, shown=first.shown, numeric=first.numeric)


def bar_fractions(table: Table) -> list[float | None]:
    """Each row's bar length as a fraction of the largest value on its scale."""
    if table.bar is None:
        return [None] * len(table.rows)
    if table.bar_values is not None:
        return _fractions(table, list(table.bar_values))
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


def _fractions(table: Table, values: list[float | None]) -> list[float | None]:
    group = table.columns.index(table.bar_scale_by) if table.bar_scale_by else None
    largest: dict[Cell, float] = {}
    for row, value in zip(table.rows, values, strict=True):
        if value is not None:
            key = row[group] if group is not None else None
            largest[key] = max(largest.get(key, 0.0), abs(value))
    fractions: list[float | None] = []
    for row, value in zip(table.rows, values, strict=True):
        top = largest.get(row[group] if group is not None else None, 0.0)
        fractions.append(abs(value) / top if value is not None and top else None)
    return fractions

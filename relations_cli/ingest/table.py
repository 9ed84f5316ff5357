"""A table (a header row, then rows of cells) as events: CSV, TSV and spreadsheets.

Columns named as our export names them are read as those fields; any other column is mapped
with --map (`Headline=title,Start=date`; `Notes=` leaves a column out) or reported, never
dropped silently. A header that is the TimelineJS sheet template's is read as that template
(ingest/timelinejs_sheet). Rows are numbered as a spreadsheet numbers them: the header is
row 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from relations_cli.core.errors import IngestError
from relations_cli.ingest.base import Ingested, Problem, ReadOptions
from relations_cli.ingest.cells import FIELDS, DraftMaker

__all__ = ["Table", "check_mapping", "read_table"]

_BATCH = 2000  # rows read a column at a time (ingest/cells.DraftMaker.make_rows)


def check_mapping(mapping: dict[str, str]) -> None:
    """Refuse a --map that names a field events do not have."""
    for column, field in mapping.items():
        if field and field not in FIELDS:
            raise IngestError(f"--map: '{column}={field}': events have no field '{field}' "
                              f"(fields: {', '.join(FIELDS)})")


def read_table(header: Sequence[str], rows: Iterable[tuple[int, Sequence[str]]],
               options: ReadOptions) -> Ingested:
    """The events of a table; `rows` are (row number, cells)."""
    from relations_cli.ingest.timelinejs_sheet import is_template, read_template

    names = [name.strip() for name in header]
    if is_template(names) and not options.mapping:
        return read_template(names, rows, options)
    table = Table(names, options)
    ingested = table.head()
    for part in table.batches(rows):
        ingested.rows.extend(part.rows)
        ingested.problems.extend(part.problems)
    ingested.notes.extend(table.notes)
    return ingested


class Table:
    """A table's columns, read from its header once, and its rows read batch by batch, so a
    large table can be read in bounded memory (ingest/delimited.stream_csv)."""

    def __init__(self, names: Sequence[str], options: ReadOptions) -> None:
        check_mapping(options.mapping)
        self.names = list(names)
        self.options = options
        self.fields: list[str | None] = []
        self.unmapped: list[str] = []
        for name in self.names:
            field = _field_of(name, options.mapping)
            if field is None and name:
                self.unmapped.append(name)
            self.fields.append(field or None)
        given = {field for field in self.fields if field}
        if not given & {"date", "when"} or "title" not in given:
            missing = "title" if given & {"date", "when"} else "date"
            raise IngestError(f"{options.name}:1: no column gives the {missing} of the events "
                              f"(columns: {', '.join(self.names) or 'none'}); name it with "
                              f"--map 'COLUMN={missing}'")
        self.maker = DraftMaker(options)
        self.notes = [f"columns not imported: {', '.join(self.unmapped)}"] \
            if self.unmapped else []

    def head(self) -> Ingested:
        """The header's problems: each column that is not a field, reported."""
        return Ingested(problems=[Problem(1, name, (
            f"column '{name}' is not a field of an event; map it with --map "
            f"'{name}=FIELD' or leave it out with --map '{name}='")) for name in self.unmapped])

    def batches(self, rows: Iterable[tuple[int, Sequence[str]]]) -> Iterator[Ingested]:
        """The rows' drafts and problems, _BATCH rows at a time."""
        width = len(self.names)
        batch: list[tuple[int, Sequence[str]]] = []
        problems: list[Problem] = []
        for number, cells in rows:
            if not "".join(cells).strip():  # no cell holds more than white space
                continue  # a blank row between or after the data
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                problems.append(Problem(number, "", (
                    f"{len(cells)} cells, but the header has {width} columns")))
                continue
            batch.append((number, cells))
            if len(batch) == _BATCH:
                yield self._made(batch, problems)
                batch, problems = [], []
        yield self._made(batch, problems)

    def _made(self, batch: list[tuple[int, Sequence[str]]], problems: list[Problem],
              ) -> Ingested:
        made = self.maker.make_rows(batch, self.fields, self.names, problems)
        # In row order, as a row's cells are read, whoever found them (a row too wide is
        # found before the batch is made): the same order however a source is cut in batches.
        problems.sort(key=lambda problem: problem.row)
        return Ingested(rows=made, problems=problems)


def _field_of(name: str, mapping: dict[str, str]) -> str | None:
    """The field a column gives: as --map says, else its own name ("" when left out)."""
    if name in mapping:
        return mapping[name]
    folded = name.casefold().replace(" ", "_")
    for column, field in mapping.items():
        if column.casefold().replace(" ", "_") == folded:
            return field
    return folded if folded in FIELDS else None

"""A table (a header row, then rows of cells) as events: CSV, TSV and spreadsheets.

Columns named as our export names them are read as those fields; any other column is mapped
with --map (`Headline=title,Start=date`; `Notes=` leaves a column out) or reported, never
dropped silently. A header that is the TimelineJS sheet template's is read as that template
(ingest/timelinejs_sheet). Rows are numbered as a spreadsheet numbers them: the header is
row 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from relations_cli.core.errors import IngestError
from relations_cli.ingest.base import Ingested, Problem, ReadOptions
from relations_cli.ingest.cells import FIELDS, DraftMaker

__all__ = ["check_mapping", "read_table"]

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
    check_mapping(options.mapping)
    ingested = Ingested()
    fields: list[str | None] = []
    unmapped: list[str] = []
    for name in names:
        field = _field_of(name, options.mapping)
        if field is None and name:
            unmapped.append(name)
            ingested.problems.append(Problem(1, name, (
                f"column '{name}' is not a field of an event; map it with --map "
                f"'{name}=FIELD' or leave it out with --map '{name}='")))
        fields.append(field or None)
    given = {field for field in fields if field}
    if not given & {"date", "when"} or "title" not in given:
        missing = "title" if given & {"date", "when"} else "date"
        raise IngestError(f"{options.name}:1: no column gives the {missing} of the events "
                          f"(columns: {', '.join(names) or 'none'}); name it with --map "
                          f"'COLUMN={missing}'")
    maker = DraftMaker(options)
    batch: list[tuple[int, Sequence[str]]] = []
    for number, cells in rows:
        if not any(cells) or not any(cell.strip() for cell in cells):
            continue  # a blank row between or after the data
        if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names):]):
            ingested.problems.append(Problem(number, "", (
                f"{len(cells)} cells, but the header has {len(names)} columns")))
            continue
        batch.append((number, cells))
        if len(batch) == _BATCH:
            ingested.rows.extend(maker.make_rows(batch, fields, names, ingested.problems))
            batch = []
    ingested.rows.extend(maker.make_rows(batch, fields, names, ingested.problems))
    if unmapped:
        ingested.notes.append(f"columns not imported: {', '.join(unmapped)}")
    return ingested


def _field_of(name: str, mapping: dict[str, str]) -> str | None:
    """The field a column gives: as --map says, else its own name ("" when left out)."""
    if name in mapping:
        return mapping[name]
    folded = name.casefold().replace(" ", "_")
    for column, field in mapping.items():
        if column.casefold().replace(" ", "_") == folded:
            return field
    return folded if folded in FIELDS else None

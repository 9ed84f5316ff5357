"""JSON and JSON Lines in our own event format (the records `timeline --format json|jsonl`
writes, core/records.event_record), so that events go from one timeline to another.

A JSON document that is a TimelineJS timeline (an object with `events` of slides) is read as
one (ingest/timelinejs). Rows are numbered by event in JSON and by line in JSON Lines.
"""

from __future__ import annotations

import json
from typing import Any

from relations_cli.ingest.base import Ingested, Problem, ReadOptions
from relations_cli.ingest.cells import FIELDS, DraftMaker
from relations_cli.ingest.text import decoded, json_document

__all__ = ["read_json", "read_jsonl", "read_records"]

# Keys of a record that are not fields to import: `file` names the timeline it came from.
_IGNORED = frozenset({"file"})


def read_json(data: bytes, options: ReadOptions) -> Ingested:
    document: Any = json_document(data, options.name, options.encoding, "events")
    if isinstance(document, dict) and isinstance(document.get("events"), list) and (
            "title" in document or any(isinstance(e, dict) and "start_date" in e
                                       for e in document["events"])):
        from relations_cli.ingest.timelinejs import read_document

        return read_document(document, options)
    records = document if isinstance(document, list) else [document]
    return read_records(enumerate(records, start=1), options)


def read_jsonl(data: bytes, options: ReadOptions) -> Ingested:
    text = decoded(data, options.name, "JSON Lines", options.encoding)
    numbered: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            numbered.append((number, json.loads(line)))
        except ValueError as error:
            problems.append(Problem(number, "", f"not JSON: {error}"))
        except RecursionError:
            problems.append(Problem(number, "", "nests too deeply to be an event"))
    ingested = read_records(numbered, options)
    ingested.problems[:0] = problems
    return ingested


def read_records(records: Any, options: ReadOptions) -> Ingested:
    """Events from (number, record) pairs, each record an object with our field names."""
    ingested = Ingested()
    maker = DraftMaker(options, sheet=False)
    for number, record in records:
        if not isinstance(record, dict):
            ingested.problems.append(Problem(number, "", "an event is a JSON object"))
            continue
        unknown = [key for key in record if key not in FIELDS and key not in _IGNORED]
        if unknown:
            ingested.problems.append(Problem(number, unknown[0], (
                f"events have no field '{unknown[0]}' (fields: {', '.join(FIELDS)})")))
            continue
        values = [(key, key, value) for key, value in record.items() if key not in _IGNORED]
        if record.get("end") == "" and isinstance(record.get("date"), str):
            # An unknown end, as the record writes it: the date `2015-09/`.
            values = [(key, column, f"{value}/" if key == "date" else value)
                      for key, column, value in values if key != "end"]
        row = maker.make(number, values, ingested.problems)
        if row is not None:
            ingested.rows.append(row)
    return ingested

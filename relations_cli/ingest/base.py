"""What every importer gives back: event drafts with the row each came from, and every problem.

An importer is pure: bytes in, an `Ingested` out. It never prints and never raises for a bad
row: each bad row is a `Problem` (`SOURCE:ROW:COLUMN: message`), so that `import` can report all
of them at once and write nothing, or write the good rows with `--skip-bad`. It raises
`relations_cli.core.errors` errors only when the source as a whole cannot be read (not UTF-8,
not a calendar, an unknown format).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from relations_cli.core.model import Period

__all__ = ["Draft", "Ingested", "Problem", "ReadOptions", "Reader", "Row"]

# An event as `add --json` takes it: the timeline's field names, dates as the text to store.
Draft = dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """Why one row (1-based; 0 for the source as a whole) cannot become an event, and in
    which column or field ("" when no one column is to blame)."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Row:
    """One draft and the row of the source it was read from."""

    row: int
    draft: Draft
    # True when the draft was checked as the strict loader checks an event
    # (ingest/cells.check_draft): a write need not parse its text again.
    checked: bool = False


@dataclass
class Ingested:
    """What a source holds: its events, the rows that cannot be events, and what the source
    says of the timeline as a whole (a TimelineJS `title` row, a Markwhen header, eras)."""

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    title: str | None = None
    description: str | None = None
    eras: list[Draft] = field(default_factory=list)
    # What the source has that a timeline cannot keep, said once each on stderr
    # ("3 events have a recurrence rule: expanded within --since/--until").
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReadOptions:
    """How to read a source: its name for messages, and the options `import` takes."""

    name: str
    mapping: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    sheet: str | None = None
    since: Period | None = None
    until: Period | None = None
    # The text encoding of a text source, when it is neither UTF-8 nor UTF-16 with a BOM.
    encoding: str | None = None


class Reader(Protocol):
    def __call__(self, data: bytes, options: ReadOptions) -> Ingested: ...

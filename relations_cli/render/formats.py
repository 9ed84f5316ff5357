"""The output formats: one registry says what each format is called, which file extensions
select it and which kinds of result it renders; everything else is derived from it.

`--format`'s choices, completion and help for a command come from `names_for(kind)`, and
`--output`'s extension from `format_for_path`. The registry imports no renderer: each entry
holds a function that imports its module and returns the format's renderers, a `Written`
(text renderers: the result and a `Look` in, text out), a `Drawn` (Rich views: a console
first) or a `Binary` (bytes: a database file), with one typed field per kind of result, so
mypy checks every renderer against the kind it serves. A `Written` with `records` writes a
listing's stored records as they are, without building events.

Adding a format is one module with its renderers plus one entry in FORMATS
(tests/test_formats.py checks that every entry renders exactly the kinds it claims).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from relations_cli.core.errors import OutputError
from relations_cli.render.renderers import Binary, Drawn, Look, Written, _Frozen

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "FORMATS",
    "Binary",
    "Drawn",
    "Format",
    "Kind",
    "Look",
    "Written",
    "format_for_path",
    "names_for",
]


class Kind(str, Enum):
    """What a command produces."""

    EVENTS = "events"  # a listing of events (timeline, search, on-this-day)
    EVENT = "event"  # one event in full (show)
    REPORT = "report"  # facts and tables (summary, people, quotes, figures, cache, values)
    CHART = "chart"  # lanes over a time axis


class Format(_Frozen):
    """An output format: its name, the extensions that select it, what it renders, and the
    function that loads its renderers."""

    __slots__ = ("extensions", "kinds", "load", "name")
    name: str
    extensions: tuple[str, ...]
    kinds: frozenset[Kind]
    load: Callable[[], Written | Drawn | Binary]

    def __init__(self, name: str, extensions: tuple[str, ...], kinds: frozenset[Kind],
                 load: Callable[[], Written | Drawn | Binary]) -> None:
        self._set(name=name, extensions=extensions, kinds=kinds, load=load)

    def renders(self, kind: Kind) -> bool:
        return kind in self.kinds


_ALL = frozenset(Kind)
_ROWS = frozenset({Kind.EVENTS, Kind.EVENT, Kind.REPORT})
_PUBLISHED = frozenset({Kind.EVENTS, Kind.EVENT})


# Each imports its renderer's module only when called: start-up time.
def _pretty() -> Drawn:
    from relations_cli.render.terminal import PRETTY

    return PRETTY


def _table() -> Drawn:
    from relations_cli.render.terminal import TABLE

    return TABLE


def _plain() -> Written:
    from relations_cli.render.plain import PLAIN

    return PLAIN


def _json() -> Written:
    from relations_cli.render.jsonfmt import JSON

    return JSON


def _jsonl() -> Written:
    from relations_cli.render.jsonfmt import JSONL

    return JSONL


def _csv() -> Written:
    from relations_cli.render.delimited import CSV

    return CSV


def _tsv() -> Written:
    from relations_cli.render.delimited import TSV

    return TSV


def _markdown() -> Written:
    from relations_cli.render.markdown import MARKDOWN

    return MARKDOWN


def _html() -> Written:
    from relations_cli.render.html import HTML

    return HTML


def _ics() -> Written:
    from relations_cli.render.ics import ICS

    return ICS


def _timelinejs() -> Written:
    from relations_cli.render.timelinejs import TIMELINEJS

    return TIMELINEJS


def _mermaid() -> Written:
    from relations_cli.render.mermaid import MERMAID

    return MERMAID


def _gantt() -> Written:
    from relations_cli.render.gantt import MERMAID_GANTT

    return MERMAID_GANTT


def _markwhen() -> Written:
    from relations_cli.render.markwhen import MARKWHEN

    return MARKWHEN


def _svg() -> Written:
    from relations_cli.render.svg import SVG

    return SVG


def _sqlite() -> Binary:
    from relations_cli.render.database import SQLITE

    return SQLITE


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("pretty", (), _ALL, _pretty),
        Format("plain", (".txt",), _ALL, _plain),
        Format("table", (), frozenset({Kind.EVENTS, Kind.REPORT, Kind.CHART}), _table),
        Format("json", (".json",), _ALL, _json),
        Format("jsonl", (".jsonl",), _ALL, _jsonl),
        Format("csv", (".csv",), _ROWS, _csv),
        Format("tsv", (".tsv", ".tab"), _ROWS, _tsv),
        Format("markdown", (".md", ".markdown"), frozenset({Kind.EVENTS, Kind.EVENT,
                                                           Kind.REPORT}), _markdown),
        # Publishing (issue 11): each checked in its real consumer; their libraries (Jinja2,
        # icalendar) load only when one of them is asked for.
        Format("html", (".html", ".htm"), _PUBLISHED, _html),
        Format("ics", (".ics",), _PUBLISHED, _ics),
        Format("timelinejs", (".timelinejs.json",), _PUBLISHED, _timelinejs),
        Format("mermaid", (".mmd", ".mermaid"), _PUBLISHED, _mermaid),
        Format("mermaid-gantt", (), _PUBLISHED, _gantt),
        # Markwhen (issue 22), checked by @markwhen/parser from npm (tests/test_markwhen.py).
        Format("markwhen", (".mw",), _PUBLISHED, _markwhen),
        Format("svg", (".svg",), frozenset({Kind.CHART}), _svg),
        # A database for Datasette, sqlite-utils and DuckDB (issue 23): binary, never to a
        # terminal.
        Format("sqlite", (".db", ".sqlite", ".sqlite3"), _PUBLISHED, _sqlite),
    )
}


def names_for(kind: Kind) -> list[str]:
    """The formats a command producing `kind` can write, in registry order."""
    return [f.name for f in FORMATS.values() if f.renders(kind)]


def format_for_path(path: str, kind: Kind) -> str:
    """The format a file name's extension asks for (`trade.csv` is CSV); an extension no
    format claims, or one whose format cannot write this kind, is an error."""
    lowered = path.lower()
    # The longest extension first: `x.timelinejs.json` is TimelineJS, not JSON.
    claims = sorted(((ext, fmt) for fmt in FORMATS.values() for ext in fmt.extensions),
                    key=lambda claim: -len(claim[0]))
    for ext, fmt in claims:
        if lowered.endswith(ext):
            if not fmt.renders(kind):
                raise OutputError(f"--output {path}: {fmt.name} cannot hold this result; "
                                  f"use one of {_extensions(kind)} or give --format")
            return fmt.name
    raise OutputError(f"--output {path}: no format is written as this extension; "
                      f"use one of {_extensions(kind)} or give --format")


def _extensions(kind: Kind) -> str:
    return ", ".join(ext for f in FORMATS.values() if f.renders(kind) for ext in f.extensions)

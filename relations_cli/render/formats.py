"""The output formats: one registry says what each format is called, which file extensions
select it and which kinds of result it renders; everything else is derived from it.

`--format`'s choices, completion and help for a command come from `names_for(kind)`, and
`--output`'s extension from `format_for_path`. The registry imports no renderer: a format's
module is imported when it is used, and holds one function per kind it renders, named
`{format}_{kind}` (`csv_events`, `json_report`, `mermaid_gantt_events`: a `-` is a `_`). A
text renderer takes the result and a `Look` and yields text; a drawn one (`drawn=True`) takes
a Rich console first.

Adding a format is one module plus one entry in FORMATS (tests/test_formats.py checks that
every entry's module has a function for each kind it claims).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from relations_cli.core.errors import OutputError

if TYPE_CHECKING:
    from relations_cli.core.model import Timeline
    from relations_cli.core.query import Query
    from relations_cli.store.eras import Era

__all__ = [
    "FORMATS",
    "Format",
    "Kind",
    "Look",
    "format_for_path",
    "names_for",
]


class Kind(str, Enum):
    """What a command produces."""

    EVENTS = "events"  # a listing of events (timeline, search, on-this-day)
    EVENT = "event"  # one event in full (show)
    REPORT = "report"  # facts and tables (summary, people, quotes, figures, cache, values)
    CHART = "chart"  # lanes over a time axis


class _Frozen:
    """Read-only after __init__, compared and shown by its fields.

    Not a dataclass: generating a dataclass's methods costs most of a millisecond a class at
    every start-up, and every command imports this module.
    """

    __slots__: tuple[str, ...] = ()

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"


class Format(_Frozen):
    """An output format: its name, the extensions that select it, what it renders, and where."""

    __slots__ = ("drawn", "extensions", "kinds", "module", "name")
    name: str
    extensions: tuple[str, ...]
    kinds: frozenset[Kind]
    module: str
    drawn: bool  # laid out for a width with Rich: pretty and table

    def __init__(self, name: str, extensions: tuple[str, ...], kinds: frozenset[Kind],
                 module: str, drawn: bool = False) -> None:
        self._set(name=name, extensions=extensions, kinds=kinds, module=module, drawn=drawn)

    def renders(self, kind: Kind) -> bool:
        return kind in self.kinds


class Look(_Frozen):
    """How a renderer should write: color, width, search terms to mark, and which columns;
    and, for publishing formats, what they show around the events: the timeline's title,
    description and people, the filters the command line used, and --eras (timelinejs)."""

    __slots__ = ("color", "eras", "fields", "header", "query", "terms", "timeline", "width")
    color: bool
    width: int
    terms: tuple[str, ...]
    fields: tuple[str, ...] | None
    header: bool
    timeline: Timeline | None
    query: Query | None
    eras: tuple[Era, ...]

    def __init__(self, color: bool = False, width: int = 100, terms: tuple[str, ...] = (),
                 fields: tuple[str, ...] | None = None, header: bool = True,
                 timeline: Timeline | None = None, query: Query | None = None,
                 eras: tuple[Era, ...] = ()) -> None:
        self._set(color=color, width=width, terms=terms, fields=fields, header=header,
                  timeline=timeline, query=query, eras=eras)


_ALL = frozenset(Kind)
_ROWS = frozenset({Kind.EVENTS, Kind.EVENT, Kind.REPORT})
_PUBLISHED = frozenset({Kind.EVENTS, Kind.EVENT})
_RENDER = "relations_cli.render."

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("pretty", (), _ALL, _RENDER + "terminal", drawn=True),
        Format("plain", (".txt",), _ALL, _RENDER + "plain"),
        Format("table", (), frozenset({Kind.EVENTS, Kind.REPORT, Kind.CHART}),
               _RENDER + "terminal", drawn=True),
        Format("json", (".json",), _ALL, _RENDER + "jsonfmt"),
        Format("jsonl", (".jsonl",), _ALL, _RENDER + "jsonfmt"),
        Format("csv", (".csv",), _ROWS, _RENDER + "delimited"),
        Format("tsv", (".tsv", ".tab"), _ROWS, _RENDER + "delimited"),
        Format("markdown", (".md", ".markdown"), frozenset({Kind.EVENTS, Kind.EVENT,
                                                           Kind.REPORT}),
               _RENDER + "markdown"),
        # Publishing (issue 11): each checked in its real consumer; their libraries (Jinja2,
        # icalendar) load only when one of them is asked for.
        Format("html", (".html", ".htm"), _PUBLISHED, _RENDER + "html"),
        Format("ics", (".ics",), _PUBLISHED, _RENDER + "ics"),
        Format("timelinejs", (".timelinejs.json",), _PUBLISHED, _RENDER + "timelinejs"),
        Format("mermaid", (".mmd", ".mermaid"), _PUBLISHED, _RENDER + "mermaid"),
        Format("mermaid-gantt", (), _PUBLISHED, _RENDER + "gantt"),
        Format("svg", (".svg",), frozenset({Kind.CHART}), _RENDER + "svg"),
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

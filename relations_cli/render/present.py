"""Choosing format, color and destination, and writing a result there.

This is the one place that knows whether stdout is a terminal. Rich is imported only for the
`pretty` and `table` views.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, cast

from relations_cli.core.errors import OutputError, QueryError
from relations_cli.core.model import Deferred
from relations_cli.render.formats import (
    FORMATS,
    Binary,
    Drawn,
    Kind,
    Look,
    Written,
    format_for_path,
)

if TYPE_CHECKING:
    from relations_cli.core.model import Timeline
    from relations_cli.core.query import Query
    from relations_cli.store.eras import Era

__all__ = [
    "OutputSettings",
    "decide_color",
    "deliver",
    "silence_stdout",
]

OFF_TERMINAL_WIDTH = 100
COMPACT_OVER = 500  # events a terminal gets the full drawing for, unless --format pretty


class OutputSettings(NamedTuple):
    format: str | None = None
    color: str = "auto"
    output: str | None = None
    force: bool = False
    width: int | None = None
    fields: tuple[str, ...] | None = None
    header: bool = True
    pager: bool = True
    eras: tuple[Era, ...] = ()
    lang: str = "en"


# The formats that write dates in words in a chosen language (--lang).
LANG_FORMATS = ("html", "mermaid")


def _env_on(name: str) -> bool:
    value = os.environ.get(name, "")
    return bool(value) and value != "0"


def decide_color(option: str, is_terminal: bool) -> bool:
    """--color wins; then NO_COLOR; then FORCE_COLOR or CLICOLOR_FORCE; then the terminal."""
    if option == "always":
        return True
    if option == "never" or os.environ.get("NO_COLOR", ""):
        return False
    if _env_on("FORCE_COLOR") or _env_on("CLICOLOR_FORCE"):
        return True
    return is_terminal and os.environ.get("TERM", "") != "dumb"


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def silence_stdout() -> None:
    """After the reader of a pipe has gone, send what is left nowhere instead of failing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


@contextlib.contextmanager
def _destination(settings: OutputSettings, protected: Collection[Path]) -> Iterator[IO[str]]:
    if settings.output and settings.output != "-":
        from relations_cli.store.atomic import atomic_output

        with atomic_output(settings.output, settings.force, protected) as stream:
            yield stream
    else:
        yield sys.stdout


def _choose_format(settings: OutputSettings, kind: Kind, is_terminal: bool,
                   to_file: bool) -> str:
    if settings.format:
        if not FORMATS[settings.format].renders(kind):
            raise QueryError(f"this command cannot write {settings.format}")
        return settings.format
    if to_file and settings.output:
        return format_for_path(settings.output, kind)
    return "pretty" if is_terminal else "plain"


class _Target(NamedTuple):
    stream: IO[str]
    format: str
    color: bool
    is_terminal: bool
    width: int | None


@contextlib.contextmanager
def _opened(settings: OutputSettings, kind: Kind, protected: Collection[Path]) -> Iterator[_Target]:
    """The destination with its format and color decided; a closed pipe ends quietly."""
    if settings.force and not settings.output:
        raise QueryError("--force needs --output (it lets --output replace a file)")
    to_file = bool(settings.output and settings.output != "-")
    try:
        with _destination(settings, protected) as stream:
            is_terminal = not to_file and _isatty(stream)
            fmt = _choose_format(settings, kind, is_terminal, to_file)
            color = False if to_file and settings.color != "always" else decide_color(
                settings.color, is_terminal)
            yield _Target(stream, fmt, color, is_terminal, settings.width)
    except BrokenPipeError:
        silence_stdout()


def deliver(settings: OutputSettings, kind: Kind, result: Any, *,
            protected: Collection[Path] = (), terms: Sequence[str] = (),
            timeline: Timeline | None = None, query: Query | None = None,
            categories: Callable[[], Sequence[str]] = tuple) -> None:
    """Write a result of some kind in the chosen format and place: the format's renderer for
    that kind writes it (render/formats.py); --output never names one of the `protected`
    files (the timelines being read). `categories` gives every category of the whole
    timeline, asked only by a format that colors them."""
    with _opened(settings, kind, protected) as target:
        fmt = FORMATS[target.format]
        if (kind is Kind.EVENTS and fmt.name == "pretty" and not settings.format
                and len(result) > COMPACT_OVER):
            # Drawing costs about a quarter of a millisecond an event: a long result streams
            # as colored lines instead, at the speed of plain output.
            _compact_note(len(result))
            fmt = FORMATS["plain"]
        if settings.eras and fmt.name != "timelinejs":
            raise QueryError(f"--eras is for --format timelinejs, not {fmt.name}")
        if settings.lang != "en" and fmt.name not in LANG_FORMATS:
            raise QueryError(f"--lang is for --format {' or '.join(LANG_FORMATS)}, "
                             f"not {fmt.name}")
        look = Look(color=target.color, width=_width(target, kind), terms=tuple(terms),
                    fields=settings.fields, header=settings.header, timeline=timeline,
                    query=query, eras=settings.eras, categories=categories,
                    lang=settings.lang)
        renderers = fmt.load()
        if isinstance(renderers, Binary):
            _write_bytes(target, fmt.name, _bytes(renderers, kind, result, look))
            return
        with _paged(target, settings.pager) as target:
            if isinstance(renderers, Drawn):
                _draw(target, look, _drawing(renderers, kind, result, look))
            else:
                _write_data(target.stream, fmt.name, _text(renderers, kind, result, look))


def _missing(kind: Kind) -> QueryError:
    return QueryError(f"this format cannot write {kind.value}")  # the registry prevents it


def _text(renderers: Written, kind: Kind, result: Any, look: Look) -> Iterable[str]:
    """The text of a result by its kind's renderer."""
    if kind is Kind.EVENTS:
        # A listing answered from the index: its stored records are formatted as they are,
        # without building events (a few microseconds an event).
        if renderers.records is not None and isinstance(result, Deferred):
            records = result.records()
            if records is not None:
                return renderers.records(records, look)
        if renderers.events is not None:
            return renderers.events(result, look)
    elif kind is Kind.EVENT and renderers.event is not None:
        return renderers.event(result, look)
    elif kind is Kind.REPORT:
        from relations_cli.render.tables import RowReport

        if isinstance(result, RowReport):
            # A report of text rows: data formats write its rows as they are, a few
            # microseconds a row; the others draw the whole Report.
            if renderers.rows is not None:
                return renderers.rows(result, look)
            result = result.full()
        if renderers.report is not None:
            return renderers.report(result, look)
    elif kind is Kind.CHART and renderers.chart is not None:
        return renderers.chart(result, look)
    raise _missing(kind)


def _bytes(renderers: Binary, kind: Kind, result: Any, look: Look) -> Iterable[bytes]:
    """The bytes of a result by its kind's renderer (a database file)."""
    if kind is Kind.EVENTS and renderers.events is not None:
        return renderers.events(result, look)
    if kind is Kind.EVENT and renderers.event is not None:
        return renderers.event(result, look)
    raise _missing(kind)


def _write_bytes(target: _Target, fmt: str, chunks: Iterable[bytes]) -> None:
    """A binary format goes to a file or a pipe, never to a terminal (nothing is rendered
    for one); bytes go under the text stream, which is flushed first."""
    if target.is_terminal:
        raise OutputError(f"{fmt} is a binary file: give --output FILE, or redirect standard "
                          "output to a file")
    stream = target.stream
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        raise OutputError(f"{fmt} is a binary file and this stream takes only text; "
                          "give --output FILE")
    for chunk in chunks:
        buffer.write(chunk)
    buffer.flush()


def _drawing(renderers: Drawn, kind: Kind, result: Any, look: Look,
             ) -> Callable[[Any], object]:
    """The Rich view of a result by its kind's renderer, for a console."""
    if kind is Kind.EVENTS and renderers.events is not None:
        events = renderers.events
        return lambda console: events(console, result, look)
    if kind is Kind.EVENT and renderers.event is not None:
        event = renderers.event
        return lambda console: event(console, result, look)
    if kind is Kind.REPORT and renderers.report is not None:
        from relations_cli.render.tables import RowReport

        report = renderers.report
        whole = result.full() if isinstance(result, RowReport) else result
        return lambda console: report(console, whole, look)
    if kind is Kind.CHART and renderers.chart is not None:
        chart = renderers.chart
        return lambda console: chart(console, result, look)
    raise _missing(kind)


@contextlib.contextmanager
def _paged(target: _Target, wanted: bool) -> Iterator[_Target]:
    """On a terminal, a result longer than the screen goes through a pager, as git does."""
    if not (wanted and target.is_terminal and target.stream is sys.stdout):
        yield target
        return
    from relations_cli.render.pager import Pager

    pager = Pager(target.stream, shutil.get_terminal_size().lines)
    try:
        yield target._replace(stream=cast("IO[str]", pager))
    finally:
        pager.finish()


def _compact_note(count: int) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(f"relations: {count:,} events, one a line; --limit N or --format pretty draws "
              "them in full, and `| less -R` with --color always pages them", file=sys.stderr)


def _utf8(stream: IO[str]) -> bool:
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
    return encoding in ("utf8", "utf8sig")


def _ascii_json(text: str) -> str:
    """JSON text with every character beyond ASCII as \\uXXXX (a pair for one beyond the
    BMP): the same document, readable in any encoding. Outside strings JSON is ASCII."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code > 0xFFFF:
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    return _NON_ASCII.sub(escape, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _write_data(stream: IO[str], fmt: str, chunks: Iterable[str]) -> None:
    """Data formats stay valid on a stream that is not UTF-8 (`LC_ALL=C`): JSON escapes what
    is beyond ASCII; CSV and TSV are written as UTF-8 bytes, with a note, never with escapes
    inside cells."""
    if _utf8(stream):
        _write(stream, chunks)
    elif fmt in ("json", "jsonl"):
        _write(stream, (_ascii_json(chunk) for chunk in chunks))
    elif fmt in ("csv", "tsv") and hasattr(stream, "buffer"):
        stream.flush()
        with contextlib.suppress(OSError, ValueError):
            print(f"relations: writing {fmt.upper()} as UTF-8 (standard output's encoding is "
                  f"{getattr(stream, 'encoding', '')})", file=sys.stderr)
        for chunk in chunks:
            stream.buffer.write(chunk.encode("utf-8"))
        stream.buffer.flush()
    else:
        _write(stream, chunks)


def _write(stream: IO[str], chunks: Iterable[str]) -> None:
    for chunk in chunks:
        stream.write(chunk)
    stream.flush()


def _width(target: _Target, kind: Kind) -> int:
    """--width, else the terminal's; off a terminal a table is as wide as its longest row,
    and other drawings (the chart too) get a fixed width."""
    if target.width is not None:
        return target.width
    if target.is_terminal:
        return shutil.get_terminal_size().columns
    return 10_000 if target.format == "table" and kind is not Kind.CHART else OFF_TERMINAL_WIDTH


def _draw(target: _Target, look: Look, view: Callable[[Any], object]) -> None:
    """Draw a Rich view; off a terminal it is captured and its line padding trimmed."""
    from relations_cli.render import terminal

    buffer: IO[str] = target.stream if target.is_terminal else io.StringIO()
    console = terminal.make_console(buffer, look.color, look.width)
    view(console)
    if isinstance(buffer, io.StringIO):
        _write(target.stream, (line.rstrip(" ") + "\n"
                               for line in buffer.getvalue().splitlines()))

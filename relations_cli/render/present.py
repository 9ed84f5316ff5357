"""Choosing format, color and destination, and writing a result there.

This is the one place that knows whether stdout is a terminal. Rich is imported only for the
`pretty` and `table` views.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from relations_cli.core.errors import QueryError
from relations_cli.core.model import Event, Timeline
from relations_cli.render.formats import FORMATS, format_for_path, no_style, style_plain

if TYPE_CHECKING:
    from relations_cli.core.query import Query
    from relations_cli.render.chart import Chart
    from relations_cli.render.tables import Report

__all__ = [
    "OutputSettings",
    "decide_color",
    "deliver",
    "deliver_chart",
    "deliver_report",
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
def _destination(settings: OutputSettings, protected: Path | None) -> Iterator[IO[str]]:
    if settings.output and settings.output != "-":
        from relations_cli.store.atomic import atomic_output

        with atomic_output(settings.output, settings.force, protected) as stream:
            yield stream
    else:
        yield sys.stdout


def _choose_format(settings: OutputSettings, is_terminal: bool) -> str:
    if settings.format:
        return settings.format
    if settings.output and settings.output != "-":
        return format_for_path(settings.output) or "plain"
    return "pretty" if is_terminal else "plain"


class _Target(NamedTuple):
    stream: IO[str]
    format: str
    color: bool
    is_terminal: bool
    width: int | None


@contextlib.contextmanager
def _opened(settings: OutputSettings, protected: Path | None,
            default_off_terminal: str = "plain") -> Iterator[_Target]:
    """The destination with its format and color decided; a closed pipe ends quietly."""
    try:
        with _destination(settings, protected) as stream:
            to_file = stream is not sys.stdout
            is_terminal = not to_file and _isatty(stream)
            fmt = _choose_format(settings, is_terminal)
            if fmt == "plain" and not settings.format and not to_file:
                fmt = default_off_terminal
            color = False if to_file and settings.color != "always" else decide_color(
                settings.color, is_terminal)
            yield _Target(stream, fmt, color, is_terminal, settings.width)
    except BrokenPipeError:
        silence_stdout()


def deliver(
    settings: OutputSettings,
    events: Sequence[Event],
    *,
    timeline: Timeline | None = None,
    terms: Sequence[str] = (),
    protected: Path | None = None,
    detail: bool = False,
    query: Query | None = None,
) -> None:
    """Write events (or, with detail, the one event in full) in the chosen format and place."""
    from relations_cli.render.publish import PUBLISHERS

    with _opened(settings, protected) as target:
        if target.format in PUBLISHERS:
            from relations_cli.render.publish import publication, publish

            _write(target.stream, publish(target.format, events,
                                          publication(timeline, query, detail)))
        elif (target.format == "pretty" and not settings.format and not detail
                and len(events) > COMPACT_OVER):
            # Drawing costs about a quarter of a millisecond an event: a long result streams
            # as colored lines instead, at the speed of plain output.
            _compact_note(len(events))
            _write(target.stream, _chunks("plain", events, timeline, False, target.color))
        elif target.format in ("pretty", "table"):

            def view(console: Any, terminal: Any) -> None:
                if detail and timeline is not None:
                    terminal.print_event(console, events[0], timeline)
                elif target.format == "table":
                    terminal.print_table(console, events, terms)
                else:
                    terminal.print_chronology(console, events, terms)

            _draw(target, view)
        else:
            _write(target.stream, _chunks(target.format, events, timeline, detail,
                                          target.color))


def _compact_note(count: int) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(f"relations: {count:,} events, one a line; --limit N or --format pretty draws "
              "them in full, and `| less -R` with --color always pages them", file=sys.stderr)


def deliver_report(settings: OutputSettings, report: Report, protected: Path | None) -> None:
    """A summary-like report: drawn with bars on a terminal, a plain table or data otherwise."""
    from relations_cli.render.tables import render_report

    with _opened(settings, protected) as target:
        if target.format in ("html", "ics", "timelinejs", "mermaid", "svg"):
            raise QueryError(f"this command cannot be written as {target.format}; "
                             "use pretty, plain, json, csv, tsv or markdown")
        if target.format in ("pretty", "table"):
            _draw(target, lambda console, terminal: terminal.print_report(console, report))
        else:
            _write(target.stream, render_report(report, target.format))


def deliver_chart(settings: OutputSettings, layout: Callable[[int], Chart | None],
                  lanes_are_categories: bool, document: Any, protected: Path | None) -> None:
    """The chart as a picture laid out for the width in use (colored on a terminal), or its
    lanes as data."""
    from relations_cli.render.tables import Report, render_report

    with _opened(settings, protected, default_off_terminal="pretty") as target:
        if target.format in ("json", "jsonl"):
            _write(target.stream, render_report(Report(document=document), target.format))
        elif target.format == "svg":
            from relations_cli.render.svg import render_svg

            if document["lanes"]:
                _write(target.stream, render_svg(document, target.width or OFF_TERMINAL_WIDTH))
        elif target.format in ("pretty", "plain", "table"):
            chart = layout(_width(target))
            if chart is not None:
                _draw(target, lambda console, terminal: terminal.print_chart(
                    console, chart, lanes_are_categories), plain=target.format == "plain")
        else:
            raise QueryError(f"chart cannot be written as {target.format}; "
                             "use pretty, plain, json or svg")


def _chunks(fmt: str, events: Sequence[Event], timeline: Timeline | None, detail: bool,
            color: bool) -> Iterable[str]:
    if fmt == "svg":
        raise QueryError("svg draws a chart: use 'relations chart --format svg'")
    if fmt not in FORMATS:
        raise QueryError(f"unknown format '{fmt}'")
    if detail and timeline is not None and fmt in ("plain", "markdown"):
        from relations_cli.render.detail import detail_markdown, detail_plain

        render = detail_plain if fmt == "plain" else detail_markdown
        return render(events[0], timeline)
    if detail and fmt == "json":
        from relations_cli.core.records import event_record
        from relations_cli.render.safe import json_dumps

        return [json_dumps(event_record(events[0]), indent=2) + "\n"]
    return FORMATS[fmt].render(events, style_plain if color else no_style)


def _write(stream: IO[str], chunks: Iterable[str]) -> None:
    for chunk in chunks:
        stream.write(chunk)
    stream.flush()


def _width(target: _Target) -> int:
    """--width, else the terminal's; off a terminal a table is as wide as its longest row,
    and other drawings get a fixed width."""
    if target.width is not None:
        return target.width
    if target.is_terminal:
        return shutil.get_terminal_size().columns
    return 10_000 if target.format == "table" else OFF_TERMINAL_WIDTH


def _draw(target: _Target, view: Callable[[Any, Any], object], plain: bool = False) -> None:
    """Draw a Rich view; off a terminal it is captured and its line padding trimmed."""
    from relations_cli.render import terminal

    width = _width(target)
    color = target.color and not plain
    buffer: IO[str] = target.stream if target.is_terminal else io.StringIO()
    console = terminal.make_console(buffer, color, width)
    view(console, terminal)
    if isinstance(buffer, io.StringIO):
        _write(target.stream, (line.rstrip(" ") + "\n"
                               for line in buffer.getvalue().splitlines()))

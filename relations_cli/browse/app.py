"""The Textual app of `relations browse`: the chronology, the event in full, a status line.

Queries run on the engine's thread (backend.py) inside exclusive Textual workers, so the
screen never waits and a newer search replaces a stale one. Errors are kept and raised again
once the screen is restored, where the command line's boundary prints its one line.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Input, Static

from relations_cli.browse.backend import Backend, Superseded
from relations_cli.browse.model import Window
from relations_cli.browse.screens import (
    Completions,
    ConfirmScreen,
    ExportRequest,
    ExportScreen,
    Filters,
    FilterScreen,
    HelpScreen,
    YearScreen,
)
from relations_cli.browse.widgets import ChronologyList, DetailPane, detail_text
from relations_cli.core.dates import parse_filter_date
from relations_cli.core.engine import Engine
from relations_cli.core.errors import RelationsError
from relations_cli.core.model import Day, Event, Period
from relations_cli.core.query import Query
from relations_cli.render.safe import visible

__all__ = ["BrowseApp"]

DEBOUNCE = 0.06  # seconds of quiet typing before a search runs
WIDE = 120  # columns from which the event sits beside the list rather than below it
SIGTERM_STATUS = 128 + signal.SIGTERM
INTERRUPTED = 130


def _describe(query: Query) -> str:
    """The active filters, written as the options that would give them (the search terms
    are shown apart)."""
    parts: list[str] = []
    for active in query.describe():
        if not active.option:
            continue
        if not active.values:
            parts.append(active.option)
        parts += [f"{active.option} {visible(value)}" for value in active.values]
    return " ".join(parts)


def _period(option: str, value: str) -> Period | None:
    from relations_cli.core.errors import DateError, QueryError

    if not value:
        return None
    try:
        return parse_filter_date(value)
    except DateError as error:
        raise QueryError(f"{option}: {error}") from None


def system_open(url: str) -> None:
    """Open a URL with the system's opener, detached from the screen."""
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    if sys.platform == "win32":  # pragma: no cover
        os.startfile(url)  # type: ignore[attr-defined]
        return
    if shutil.which(opener) is None:
        raise RelationsError(f"no {opener} to open {url}")
    subprocess.Popen([opener, url], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


class BrowseApp(App[int]):
    """`relations browse`."""

    TITLE = "relations browse"
    CSS = """
    Screen { layout: vertical; }
    #search, #search:focus { height: 1; border: none; padding: 0 1; }
    #body { height: 1fr; layout: vertical; }
    #body.wide { layout: horizontal; }
    #detail { height: 1fr; width: 1fr; border-top: solid $accent; padding: 0 1; }
    #body.wide #detail { border-top: none; border-left: solid $accent; }
    #detail:focus { border-top: double $accent; }
    #body.wide #detail:focus { border-left: double $accent; }
    #status { height: 2; background: $panel; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit_browser", "quit"),
        Binding("ctrl+c", "interrupt", "quit", priority=True),
        # A priority binding runs in the app's own loop, before the next key is taken: the
        # keys typed right after / (even in the same read from the terminal) reach the
        # search box, never the list. Elsewhere (a dialog, an input) / is just a character.
        Binding("slash", "search", "search", priority=True),
        Binding("n", "match(1)", "next match"),
        Binding("N", "match(-1)", "previous match"),
        Binding("f", "filters", "filters"),
        Binding("y", "year", "year"),
        Binding("enter", "read", "read"),
        Binding("escape", "step_back", "back"),
        Binding("o", "open_source", "open"),
        Binding("c", "copy_id", "copy id"),
        Binding("e", "export", "export"),
        Binding("question_mark", "help", "help"),
    ]

    def __init__(self, backend: Backend, query: Query, protected: Path | None = None,
                 opener: Callable[[str], None] = system_open) -> None:
        super().__init__()
        self.backend = backend
        self.engine: Engine = backend.engine
        self.base = replace(query, limit=None, reverse=False)
        self.query_now = self.base
        self.protected = protected
        self.opener = opener
        self.total = self.engine.count()
        self.matching: int | None = None
        self.error: BaseException | None = None
        self._debounce: Timer | None = None
        self._before_search: tuple[str, ...] = ()
        self._completions: Completions | None = None
        self._growing = False

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Input(id="search", placeholder="/ to search (all words; Enter keeps, Escape drops)")
        with Container(id="body"):
            yield ChronologyList(id="list")
            with DetailPane(id="detail"):
                yield Static(id="event")
        yield Static(id="status")

    @property
    def chronology(self) -> ChronologyList:
        return self.query_one("#list", ChronologyList)

    def on_mount(self) -> None:
        self.chronology.focus()
        self._layout(self.size.width)
        self._status()
        self.reload()
        try:
            import asyncio

            asyncio.get_running_loop().add_signal_handler(
                signal.SIGTERM, lambda: self.exit(SIGTERM_STATUS, return_code=SIGTERM_STATUS))
        except (NotImplementedError, RuntimeError, ValueError):  # pragma: no cover
            pass

    def on_resize(self, event: Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        self.query_one("#body").set_class(width >= WIDE, "wide")
        self._show_detail(self.chronology.selected)

    # -- the status line ----------------------------------------------------------------------

    def _status(self) -> None:
        query = self.query_now
        line = Text()
        shown = "…" if self.matching is None else f"{self.matching:,}"
        line.append(f"{shown} of {self.total:,} events", style="bold")
        filters = _describe(query)
        if filters:
            line.append("  filters: ", style="dim")
            line.append(filters)
        if query.terms:
            line.append("  search: ", style="dim")
            line.append(visible(" ".join(query.terms)), style="bold underline")
        keys = Text("j/k g/G / find n/N f filter y year ⏎ read o open c copy e export "
                    "? help q quit", style="dim")
        line.append("\n")
        line.append_text(keys)
        self.query_one("#status", Static).update(line)

    # -- failures -----------------------------------------------------------------------------

    def _fail(self, error: BaseException) -> None:
        """Keep the error for after the screen is restored, and leave."""
        self.error = error
        self.exit(2, return_code=2)

    async def _ask(self, call: Callable[[Engine], Any], kind: str | None = None) -> Any:
        try:
            return await self.backend.ask(call, kind)
        except Superseded:
            raise
        except BaseException as error:
            if not isinstance(error, (RelationsError, Exception)):
                raise
            self._fail(error)
            raise Superseded("failed") from error

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Run the current query again: a new window from the start, and a new count."""
        self.matching = None
        self.chronology.waiting = True
        self._status()
        self._load(self.query_now)

    @work(exclusive=True, group="query")
    async def _load(self, query: Query, day: Day | None = None,
                    to_end: bool = False) -> None:
        def first(engine: Engine) -> Window:
            if to_end:
                return Window.last(engine, query)
            if day is not None:
                return Window.from_day(engine, query, day)
            return Window.first(engine, query)

        try:
            window = await self._ask(first, kind="window")
        except Superseded:
            return
        cursor = len(window.events) - 1 if to_end else 0
        self.chronology.show(window, cursor, query.terms)
        self._status()
        if self.matching is None:
            self._count(query)

    @work(exclusive=True, group="count")
    async def _count(self, query: Query) -> None:
        try:
            summary = await self._ask(lambda engine: engine.summarize(query, ("category",)),
                                      kind="count")
        except Superseded:
            return
        if query == self.query_now:
            self.matching = summary.count
            self._status()

    def on_chronology_list_needs_more(self, message: ChronologyList.NeedsMore) -> None:
        if not self._growing:
            self._grow(message.forward)

    @work(group="grow")
    async def _grow(self, forward: bool) -> None:
        window = self.chronology.window
        if window is None:
            return
        self._growing = True
        try:
            added = await self._ask(lambda _: window.extend_forward() if forward
                                    else window.extend_backward())
        except Superseded:
            return
        finally:
            self._growing = False
        if window is self.chronology.window:
            self.chronology.grew(0 if forward else added)

    def on_chronology_list_jump(self, message: ChronologyList.Jump) -> None:
        self.chronology.waiting = True
        self._load(self.query_now, to_end=message.to_end)

    def on_chronology_list_moved(self, message: ChronologyList.Moved) -> None:
        self._show_detail(message.event)

    def _show_detail(self, event: Event | None) -> None:
        static = self.query_one("#event", Static)
        if event is None:
            static.update(Text(""))
            return
        detail = self.query_one("#detail", VerticalScroll)
        width = (detail.size.width or self.size.width) - 2
        static.update(detail_text(event, self.engine.registry, width, self.query_now.terms))
        detail.scroll_home(animate=False)

    # -- search -------------------------------------------------------------------------------

    def action_search(self) -> None:
        if self.screen is not self.screen_stack[0] or isinstance(self.focused, Input):
            raise SkipAction  # a dialog or an input is in front: / is typed, not a command
        search = self.query_one("#search", Input)
        self._before_search = self.query_now.terms
        self.set_focus(search)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "search":
            return
        if self._debounce is not None:
            self._debounce.stop()
        terms = tuple(event.value.split())
        self._debounce = self.set_timer(DEBOUNCE, lambda: self._search(terms))

    def _search(self, terms: tuple[str, ...]) -> None:
        if terms != self.query_now.terms:
            self.query_now = replace(self.query_now, terms=terms)
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            if self._debounce is not None:
                self._debounce.stop()
            self._search(tuple(event.value.split()))
            self.chronology.focus()

    def action_step_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            if self._debounce is not None:
                self._debounce.stop()
            search.value = " ".join(self._before_search)
            self._search(self._before_search)
        self.chronology.focus()

    def action_match(self, step: int) -> None:
        if not self.query_now.terms:
            self.notify("No search: press / to search.", markup=False)
            return
        self.chronology.move_to(self.chronology.cursor + step)

    # -- the dialogs --------------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_read(self) -> None:
        if isinstance(self.focused, Input):
            return
        self.query_one("#detail", VerticalScroll).focus()

    def _current_filters(self) -> Filters:
        query = self.query_now
        return Filters(query.since.text if query.since else "",
                       query.until.text if query.until else "",
                       " ".join(query.categories), " ".join(query.tags),
                       "; ".join(query.people), "; ".join(query.places))

    @work(exclusive=True, group="dialog")
    async def action_filters(self) -> None:
        if self._completions is None:
            try:
                self._completions = await self._ask(_completions)
            except Superseded:
                return
        chosen = await self.push_screen_wait(
            FilterScreen(self._current_filters(), self._completions))
        if chosen is None:
            return
        try:
            query = replace(
                self.query_now, since=_period("since", chosen.since),
                until=_period("until", chosen.until), on=None,
                categories=tuple(chosen.category.split()), tags=tuple(chosen.tag.split()),
                people=tuple(p.strip() for p in chosen.person.split(";") if p.strip()),
                places=tuple(p.strip() for p in chosen.place.split(";") if p.strip()))
        except RelationsError as error:
            self.notify(visible(str(error)), severity="error", markup=False)
            return
        self.query_now = query
        self.reload()

    @work(exclusive=True, group="dialog")
    async def action_year(self) -> None:
        year = await self.push_screen_wait(YearScreen())
        if year is None:
            return
        if not 1 <= year <= 9999:
            self.notify("A year from 1 to 9999.", severity="error", markup=False)
            return
        self.chronology.waiting = True
        self._load(self.query_now, day=Day.of(year, 1, 1))

    def action_copy_id(self) -> None:
        event = self.chronology.selected
        if event is not None:
            self.copy_to_clipboard(event.id)
            self.notify(f"Copied {visible(event.id)}", markup=False)

    def action_open_source(self) -> None:
        event = self.chronology.selected
        urls = [s.url for s in event.sources if s.url] if event else []
        web = [url for url in urls if url.lower().startswith(("https://", "http://"))]
        if not web:
            self.notify("This event has no web source to open." if not urls else
                        "Only http and https sources are opened.", markup=False)
            return
        if not web[0].isprintable():
            self.notify("The source's address holds control characters: not opened.",
                        severity="error", markup=False)
            return
        try:
            self.opener(web[0])
        except (OSError, RelationsError) as error:
            self.notify(visible(str(error)), severity="error", markup=False)
            return
        self.notify(f"Opening {visible(web[0])}", markup=False)

    @work(exclusive=True, group="dialog")
    async def action_export(self) -> None:
        from relations_cli.render.formats import Kind, format_for_path, names_for

        # Every format that can hold a listing of events, as --format offers on `timeline`.
        choices = [name for name in names_for(Kind.EVENTS) if name not in ("pretty", "table")]
        count = "…" if self.matching is None else f"{self.matching:,}"
        request = await self.push_screen_wait(
            ExportScreen(choices, f"the {count} events shown"))
        if request is None:
            return
        try:
            fmt = request.format or format_for_path(request.path, Kind.EVENTS)
        except RelationsError as error:
            self.notify(visible(str(error)), severity="error", markup=False)
            return
        if fmt not in choices:
            self.notify(f"Unknown format {visible(fmt)}: choose from "
                        f"{', '.join(choices)}.", severity="error", markup=False)
            return
        target = Path(request.path).expanduser()
        force = False
        if target.exists() and not target.is_dir():
            force = await self.push_screen_wait(
                ConfirmScreen(f"{visible(str(target))} exists. Replace it?"))
            if not force:
                return
        self._export(ExportRequest(str(target), fmt), force)

    @work(exclusive=True, group="export")
    async def _export(self, request: ExportRequest, force: bool) -> None:
        query = self.query_now
        protected = self.protected

        def write(engine: Engine) -> int:
            from relations_cli.render.formats import Kind
            from relations_cli.render.present import OutputSettings, deliver

            events = engine.select(query)
            deliver(OutputSettings(request.format, "never", request.path, force, 100),
                    Kind.EVENTS, events, timeline=engine.registry, terms=query.terms,
                    protected=() if protected is None else (protected,), query=query)
            return len(events)

        try:
            written = await self.backend.ask(write)
        except RelationsError as error:
            self.notify(visible(str(error)), severity="error", markup=False)
            return
        self.notify(f"Wrote {written:,} events to {visible(request.path)} ({request.format})",
                    markup=False)

    # -- leaving ------------------------------------------------------------------------------

    def action_quit_browser(self) -> None:
        if isinstance(self.focused, Input):
            return
        self.exit(0)

    def action_interrupt(self) -> None:
        self.exit(INTERRUPTED, return_code=INTERRUPTED)


def _completions(engine: Engine) -> Completions:
    """The values the filter form completes from: categories counted by the index, people
    from the registry, and tags and places from the events (up to 50,000 of them)."""
    summary = engine.summarize(Query(), ("category",))
    categories = sorted({visible(labels[0]) for labels, _ in summary.groups} - {"(none)"})
    events = engine.select(Query(limit=50_000))
    tags = sorted({visible(tag) for event in events for tag in event.tags})
    places = sorted({visible(event.place) for event in events if event.place})
    people = sorted({visible(name) for person in engine.registry.people
                     for name in person.names}
                    | {visible(name) for event in events for name in event.named_people})
    return Completions(categories, tags, people, places)

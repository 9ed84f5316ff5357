"""The browser's widgets: the virtual chronology list and the event in full.

Every string from a timeline reaches the screen as a Rich `Text` after `visible()`, never as
markup; each row says its category in words beside its color, and the selected row carries
a marker as well as a highlight, so nothing depends on color.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Blur, Click, Focus, MouseScrollDown, MouseScrollUp
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from relations_cli.browse.model import Window
from relations_cli.core.model import Event, Timeline
from relations_cli.core.people import people_of
from relations_cli.render.detail import event_view
from relations_cli.render.safe import visible
from relations_cli.render.terminal import (
    MATCH_STYLE,
    category_style,
    make_console,
    print_event,
    readable_dates,
    shown_when,
)

__all__ = ["ChronologyList", "DetailPane", "detail_text", "row_text"]

MAX_DATE = 22
CATEGORY_WIDTH = 10
NEAR_EDGE = 30  # rows from either end of the window at which the next page is fetched


def _highlighted(text: Text, terms: Sequence[str]) -> Text:
    if terms:
        text.highlight_words([visible(t) for t in terms if t.strip()], MATCH_STYLE,
                             case_sensitive=False)
    return text


def row_text(event: Event, date_width: int, terms: Sequence[str], selected: bool,
             readable: bool = False) -> Text:
    """One event as a list row: marker, date at its precision (or for people, as
    RELATIONS_DATES=readable asks), category, title, id."""
    row = Text("▶ " if selected else "  ", style="bold")
    when = shown_when(event, readable)
    row.append(f"{when[:date_width]:<{date_width}}  ", style="cyan")
    category = visible(event.category) or "-"
    row.append("● ", style=category_style(event.category))
    row.append(f"{category[:CATEGORY_WIDTH]:<{CATEGORY_WIDTH}} ",
               style=category_style(event.category))
    row.append_text(_highlighted(Text(visible(" ".join(event.title.split())), style="bold"),
                                 terms))
    row.append("  ")
    row.append_text(_highlighted(Text(visible(event.id), style="dim"), terms))
    return row


def detail_text(event: Event, timeline: Timeline, width: int, terms: Sequence[str]) -> Text:
    """The event as `relations show` draws it on a terminal, at the pane's width."""
    buffer = io.StringIO()
    view = event_view(event, people_of(timeline.people))
    print_event(make_console(buffer, True, max(20, width)), view)
    # The drawing's only escape codes are Rich's own: the data went through visible().
    return _highlighted(Text.from_ansi(buffer.getvalue().rstrip("\n")), terms)


class ChronologyList(Widget, can_focus=True):
    """The chronology, drawn a line at a time from the events of a `Window`."""

    DEFAULT_CSS = """
    ChronologyList { height: 1fr; width: 1fr; }
    """
    BINDINGS = [  # noqa: RUF012  (Textual's own convention for bindings)
        Binding("down,j", "move(1)", "down", show=False),
        Binding("up,k", "move(-1)", "up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("home,g", "first", "first", show=False),
        Binding("end,G", "last", "last", show=False),
    ]

    class Moved(Message):
        """The selection changed (or the window did)."""

        def __init__(self, event: Event | None) -> None:
            super().__init__()
            self.event = event

    class NeedsMore(Message):
        """The cursor is near an end of the window that is not the end of the result."""

        def __init__(self, forward: bool) -> None:
            super().__init__()
            self.forward = forward

    class Jump(Message):
        """g or G: a new window at the start or the end of the result."""

        def __init__(self, to_end: bool) -> None:
            super().__init__()
            self.to_end = to_end

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.window: Window | None = None
        self.cursor = 0
        self.top = 0
        self.terms: tuple[str, ...] = ()
        self.waiting = True
        self.readable = readable_dates()

    # -- state --------------------------------------------------------------------------------

    @property
    def events(self) -> list[Event]:
        return self.window.events if self.window else []

    @property
    def selected(self) -> Event | None:
        events = self.events
        return events[self.cursor] if 0 <= self.cursor < len(events) else None

    def show(self, window: Window, cursor: int = 0, terms: Sequence[str] = ()) -> None:
        """Replace the window (a new query, a jump), with the cursor at `cursor`."""
        self.window = window
        self.terms = tuple(terms)
        self.waiting = False
        self.cursor = max(0, min(cursor, len(window.events) - 1))
        self.top = max(0, self.cursor - self._rows() // 3) if cursor else 0
        self._settle()

    def grew(self, added_before: int) -> None:
        """The window gained events (at its start, `added_before` of them)."""
        self.cursor += added_before
        self.top += added_before
        self._settle(moved=False)

    def move_to(self, index: int) -> None:
        self.cursor = max(0, min(index, len(self.events) - 1))
        self._settle()

    def _rows(self) -> int:
        return max(1, self.size.height)

    def _settle(self, moved: bool = True) -> None:
        rows = self._rows()
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + rows:
            self.top = self.cursor - rows + 1
        self.top = max(0, min(self.top, max(0, len(self.events) + self._tail() - rows)))
        self.refresh()
        if moved:
            self.post_message(self.Moved(self.selected))
        window = self.window
        if window is None or not window.events:
            return
        if not window.at_end and self.cursor >= len(window.events) - NEAR_EDGE:
            self.post_message(self.NeedsMore(forward=True))
        if not window.at_start and self.cursor < NEAR_EDGE:
            self.post_message(self.NeedsMore(forward=False))

    def _tail(self) -> int:
        """A last row saying more is coming, while the window does not reach the end."""
        return 0 if self.window is None or self.window.at_end else 1

    # -- actions ------------------------------------------------------------------------------

    def action_move(self, by: int) -> None:
        self.move_to(self.cursor + by)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self._rows() - 1))

    def action_first(self) -> None:
        if self.window is not None and self.window.at_start:
            self.move_to(0)
        else:
            self.post_message(self.Jump(to_end=False))

    def action_last(self) -> None:
        if self.window is not None and self.window.at_end:
            self.move_to(len(self.events) - 1)
        else:
            self.post_message(self.Jump(to_end=True))

    def on_click(self, event: Click) -> None:
        self.focus()
        if 0 <= self.top + event.y < len(self.events):
            self.move_to(self.top + event.y)

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        event.stop()
        self.move_to(self.cursor + 3)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        event.stop()
        self.move_to(self.cursor - 3)

    def on_resize(self) -> None:
        self._settle(moved=False)

    # -- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = self.top + y
        events = self.events
        if index < len(events):
            shown = events[self.top : self.top + self._rows()]
            readable = self.readable
            date_width = min(MAX_DATE, max(len(shown_when(e, readable)) for e in shown))
            text = row_text(events[index], date_width, self.terms, index == self.cursor,
                            readable)
            if index == self.cursor:
                text.stylize("reverse" if self.has_focus else "underline")
        elif index == len(events) and (self.waiting or self._tail()):
            text = Text("  … loading", style="dim italic")
        elif index == 0 and not events:
            text = Text("  No events match. Press / to change the search, f the filters.",
                        style="italic")
        else:
            return Strip.blank(width, self.rich_style)
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(text.render(self.app.console))
        return Strip(segments, width).apply_style(self.rich_style).crop(0, width)

    def on_focus(self, _: Focus) -> None:
        self.refresh()

    def on_blur(self, _: Blur) -> None:
        self.refresh()


class DetailPane(VerticalScroll):
    """The selected event in full; with the focus (Enter), j/k and g/G scroll it as the
    arrows and Home/End do."""

    BINDINGS = [  # noqa: RUF012  (Textual's own convention for bindings)
        Binding("j", "scroll_down", "down", show=False),
        Binding("k", "scroll_up", "up", show=False),
        Binding("g", "scroll_home", "top", show=False),
        Binding("G", "scroll_end", "bottom", show=False),
    ]

"""The browser's dialogs: help, the filter form, the year jump, export and its confirmation.

Each returns what was asked for (or None when dismissed with Escape); the app acts on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

__all__ = [
    "KEYS",
    "ConfirmScreen",
    "ExportRequest",
    "ExportScreen",
    "FilterScreen",
    "Filters",
    "HelpScreen",
    "YearScreen",
]

KEYS: tuple[tuple[str, str], ...] = (
    ("j k ↓ ↑", "next / previous event"),
    ("g G Home End", "first / last event"),
    ("PageUp PageDown", "a screen up / down"),
    ("/", "search as you type (Enter keeps it, Escape drops it)"),
    ("n N", "next / previous match"),
    ("f", "filters: since, until, category, tag, person, place"),
    ("y", "jump to a year"),
    ("Enter", "read the event (Escape comes back)"),
    ("o", "open the event's source in the browser"),
    ("c", "copy the event's id"),
    ("e", "export the events shown to a file"),
    ("?", "this help"),
    ("q Ctrl-C", "quit"),
)

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; max-width: 100%; height: auto; max-height: 100%;
    border: round $accent; padding: 0 1; background: $surface;
}}
{name} Input, {name} Input:focus {{ border: none; height: 1; padding: 0 1; width: 1fr; }}
{name} Input:focus {{ background: $boost; text-style: bold; }}
{name} Label {{ width: 100%; }}
{name} Horizontal {{ height: 1; margin: 0 0 1 0; }}
{name} Horizontal Label {{ width: 10; }}
"""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = _DIALOG_CSS.format(name="HelpScreen")
    BINDINGS = [Binding("escape,q,question_mark,enter", "dismiss", "close")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        table = Text()
        for keys, meaning in KEYS:
            table.append(f"{keys:<16}", style="bold")
            table.append(meaning + "\n")
        table.append("\nEscape closes this help.", style="dim")
        with Vertical():
            yield Label(Text("relations browse: keys", style="bold"))
            yield Static(table)


class Filters(NamedTuple):
    since: str = ""
    until: str = ""
    category: str = ""
    tag: str = ""
    person: str = ""
    place: str = ""


class Completions(NamedTuple):
    """Values of the timeline each field completes from."""

    category: Sequence[str] = ()
    tag: Sequence[str] = ()
    person: Sequence[str] = ()
    place: Sequence[str] = ()


class FilterScreen(ModalScreen[Filters | None]):
    """since, until, category, tag, person and place; Tab moves, → accepts a completion."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="FilterScreen")
    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]  # noqa: RUF012

    def __init__(self, current: Filters, completions: Completions) -> None:
        super().__init__()
        self.current = current
        self.completions = completions

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Filters (Enter applies, Escape cancels; an empty field is no "
                             "filter; → accepts a completion)", style="bold"))
            for name in Filters._fields:
                values = getattr(self.completions, name, ())
                with Horizontal():
                    yield Label(Text(name, style="bold cyan"))
                    yield Input(getattr(self.current, name), id=f"filter-{name}",
                                placeholder="2015, 2016Q1, 2016-03"
                                if name in ("since", "until") else "",
                                suggester=SuggestFromList(values, case_sensitive=False)
                                if values else None)

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.dismiss(Filters(*(self.query_one(f"#filter-{name}", Input).value.strip()
                               for name in Filters._fields)))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class YearScreen(ModalScreen[int | None]):
    DEFAULT_CSS = _DIALOG_CSS.format(name="YearScreen")
    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Jump to the first event of year:", style="bold"))
            yield Input(id="year", type="integer", placeholder="2016")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(int(value) if value.lstrip("-").isdigit() else None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ExportRequest(NamedTuple):
    path: str
    format: str


class ExportScreen(ModalScreen[ExportRequest | None]):
    DEFAULT_CSS = _DIALOG_CSS.format(name="ExportScreen")
    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]  # noqa: RUF012

    def __init__(self, formats: Sequence[str], count_text: str) -> None:
        super().__init__()
        self.formats = list(formats)
        self.count_text = count_text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Export {self.count_text} to a file", style="bold"))
            yield Label(Text("file", style="bold cyan"))
            yield Input(id="export-path", placeholder="events.csv")
            yield Label(Text(f"format ({', '.join(self.formats)}; empty: from the "
                             "file's extension)", style="bold cyan"))
            yield Input(id="export-format", suggester=SuggestFromList(self.formats))

    def on_input_submitted(self, _: Input.Submitted) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.query_one("#export-path", Input).focus()
            return
        self.dismiss(ExportRequest(path, self.query_one("#export-format", Input).value.strip()))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = _DIALOG_CSS.format(name="ConfirmScreen")
    BINDINGS = [  # noqa: RUF012
        Binding("y", "answer(True)", "yes"),
        Binding("n,escape", "answer(False)", "no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question, style="bold"))
            yield Label(Text("y: yes, replace it   n or Escape: no"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

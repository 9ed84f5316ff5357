"""`relations browse`: the paged window (no screen), the app through Textual's headless pilot
with SVG snapshots, the command line around it, and the real command in tmux."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from relations_cli.browse.model import Window
from relations_cli.core.engine import MemoryEngine
from relations_cli.core.model import Day, Event, Period, Precision, Timeline
from relations_cli.core.query import Query
from tests.helpers import BUNDLED, LEAKY_VARIABLES, MINIMAL, ROOT, invoke, write
from tests.test_hostile import hostile_timeline

GOLDEN = Path(__file__).resolve().parent / "golden" / "browse"

# -- the window, without a screen ---------------------------------------------------------------


def _day(y: int, m: int, d: int) -> Period:
    day = dt.date(y, m, d)
    return Period(Day.from_date(day), Day.from_date(day), Precision.DAY, day.isoformat())


def _events() -> tuple[Event, ...]:
    """Crowded days, long spans and whole years: what date paging must get right."""
    events: list[Event] = []
    for line, number in enumerate(range(60), start=1):
        day = dt.date(2015, 1, 1) + dt.timedelta(days=(number * 7) % 40)
        end = _day(2015, 12, 31) if number % 9 == 0 else None
        events.append(Event(f"e{number}", _day(day.year, day.month, day.day),
                            f"event {number} {'kerry' if number % 4 == 0 else ''}",
                            end=end, line=line))
    events.append(Event("year", Period(Day.of(2015, 1, 1), Day.of(2015, 12, 31),
                                       Precision.YEAR, "2015"), "a whole year", line=999))
    return tuple(sorted(events, key=lambda e: (e.first_day, e.last_day, e.line)))


QUERIES = [
    Query(),
    Query(terms=("kerry",)),
    Query(since=_day(2015, 1, 10), until=_day(2015, 1, 30)),
    Query(since=_day(2015, 1, 10), until=_day(2015, 1, 30), within=True),
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("page", [1, 3, 7])
def test_paging_forward_and_backward_gives_every_event_once(query: Query, page: int) -> None:
    engine = MemoryEngine(Timeline(_events()))
    expected = [e.id for e in engine.select(query)]
    forward = Window.first(engine, query, page)
    while forward.extend_forward(page):
        pass
    assert [e.id for e in forward.events] == expected
    assert forward.at_start
    assert forward.at_end
    backward = Window.last(engine, query, page)
    while backward.extend_backward(page):
        pass
    assert [e.id for e in backward.events] == expected


def test_a_window_from_a_day_starts_at_its_first_event() -> None:
    engine = MemoryEngine(Timeline(_events()))
    window = Window.from_day(engine, Query(), Day.of(2015, 1, 20), 5)
    assert window.events[0].first_day >= Day.of(2015, 1, 20)
    assert not window.at_start
    window.extend_backward(100)
    assert [e.id for e in window.events][: len(engine.select(Query()))] == \
        [e.id for e in engine.select(Query())][: len(window.events)]


def test_paging_through_the_index_agrees_with_memory(tmp_path: Path) -> None:
    from relations_cli.store.source import open_engine

    index = open_engine(str(BUNDLED))
    window = Window.first(index, Query(), 4)
    while window.extend_forward(4):
        pass
    assert [e.id for e in window.events] == [e.id for e in index.select(Query())]


# -- the app, headless --------------------------------------------------------------------------


def _screen_text(app: Any) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


@asynccontextmanager
async def _browser(data: Path = BUNDLED, query: Query | None = None,
                   size: tuple[int, int] = (80, 24),
                   opener: Callable[[str], None] | None = None) -> AsyncIterator[Any]:
    from relations_cli.browse.app import BrowseApp
    from relations_cli.browse.backend import Backend
    from relations_cli.store.source import open_engine

    backend = Backend()
    backend.open(lambda: open_engine(str(data)))
    app = BrowseApp(backend, query or Query(), data, **({"opener": opener} if opener else {}))
    try:
        async with app.run_test(size=size) as pilot:
            await _settle(pilot)
            yield pilot
    finally:
        backend.close()


async def _settle(pilot: Any) -> None:
    """Let the debounce and the engine's thread answer (no time is asserted): done after two
    passes in a row, each longer than the debounce, found no worker still running (an
    answer's message can start the next worker). Dialogs wait for an answer inside a worker
    of their own: not those."""
    from textual.worker import WorkerCancelled, WorkerFailed

    from relations_cli.browse.app import DEBOUNCE

    quiet = 0
    while quiet < 2:
        await pilot.pause(DEBOUNCE + 0.02)
        running = [worker for worker in pilot.app.workers
                   if worker.group != "dialog" and not worker.is_finished]
        quiet = 0 if running else quiet + 1
        for worker in running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()


def run_async(body: Callable[[], Any]) -> None:
    asyncio.run(body())


def _golden_svg(name: str, svg: str) -> None:
    path = GOLDEN / f"{name}.svg"
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
    assert svg == path.read_text(encoding="utf-8"), f"{path} differs (UPDATE_GOLDEN=1 rewrites)"


def test_navigation_moves_the_cursor_and_the_detail() -> None:
    async def body() -> None:
        async with _browser() as pilot:
            app = pilot.app
            listed = app.chronology
            assert listed.cursor == 0
            await pilot.press("j", "j", "down")
            assert listed.cursor == 3
            await pilot.press("k")
            assert listed.cursor == 2
            await pilot.press("G")
            await _settle(pilot)
            assert listed.cursor == len(listed.events) - 1
            assert listed.selected.id in _screen_text(app)
            await pilot.press("g")
            assert listed.cursor == 0
            await pilot.press("pagedown")
            assert listed.cursor > 3
            assert "21 of 21 events" in _screen_text(app)
            _golden_svg("main-80x24", app.export_screenshot())

    run_async(body)


def test_live_search_narrows_and_highlights() -> None:
    async def body() -> None:
        async with _browser(size=(120, 40)) as pilot:
            app = pilot.app
            await pilot.press("slash", *"kerry")
            await _settle(pilot)
            assert app.query_now.terms == ("kerry",)
            assert app.matching == 4
            assert all("kerry" in (e.title + e.id).casefold() for e in app.chronology.events)
            await pilot.press("enter")
            await _settle(pilot)
            text = _screen_text(app)
            assert "4 of 21 events" in text
            assert "search: kerry" in text
            from relations_cli.browse.widgets import row_text

            row = row_text(app.chronology.events[0], 10, ("kerry",), False)
            assert any("yellow" in str(span.style) for span in row.spans)
            await pilot.press("n")
            assert app.chronology.cursor == 1
            await pilot.press("N")
            assert app.chronology.cursor == 0
            _golden_svg("search-120x40", app.export_screenshot())
            await pilot.press("slash", "escape")
            await _settle(pilot)
            assert app.query_now.terms == ("kerry",)  # Escape drops only what was typed since

    run_async(body)


def test_keys_typed_in_one_burst_after_slash_reach_the_search() -> None:
    """As a terminal delivers `/kerry` in one read: every key is queued before any is
    handled, and none may reach the list (where e would open the export dialog)."""
    from textual import events

    async def body() -> None:
        async with _browser() as pilot:
            app = pilot.app
            for key, character in [("slash", "/"), *((c, c) for c in "kerry")]:
                app.post_message(events.Key(key, character))
            await _settle(pilot)
            assert app.query_one("#search").value == "kerry"
            assert app.screen is app.screen_stack[0]  # no dialog opened
            assert app.chronology.cursor == 0
            assert app.query_now.terms == ("kerry",)
            # Back in the search (its text selected, so replaced): / is a character there.
            await pilot.press("enter", "slash", *"/x")
            await _settle(pilot)
            assert app.query_one("#search").value == "/x"

    run_async(body)


def test_j_and_k_scroll_the_detail_when_it_has_focus() -> None:
    async def body() -> None:
        async with _browser(size=(80, 24)) as pilot:
            app = pilot.app
            detail = app.query_one("#detail")
            await pilot.press("enter")
            await _settle(pilot)
            assert app.focused is detail
            assert detail.max_scroll_y > 2, "the first event must be longer than its pane"
            await pilot.press("j", "j", "j")
            await _settle(pilot)
            assert detail.scroll_y == 3
            await pilot.press("k")
            await _settle(pilot)
            assert detail.scroll_y == 2
            await pilot.press("G")
            await _settle(pilot)
            assert detail.scroll_y == detail.max_scroll_y
            await pilot.press("g")
            await _settle(pilot)
            assert detail.scroll_y == 0
            assert app.chronology.cursor == 0  # the list did not move

    run_async(body)


def test_filter_form_applies_dates_and_people() -> None:
    async def body() -> None:
        async with _browser() as pilot:
            app = pilot.app
            await pilot.press("f")
            await _settle(pilot)
            await pilot.press(*"2016")
            await pilot.press("tab")  # until
            await pilot.press("tab", "tab", "tab")  # person
            await pilot.press(*"Putin", "enter")
            await _settle(pilot)
            assert app.query_now.since is not None
            assert app.query_now.since.text == "2016"
            assert app.query_now.people == ("Putin",)
            assert "--since 2016" in _screen_text(app)
            assert all(e.first_day.year >= 2016 or e.last_day.year >= 2016
                       for e in app.chronology.events)
            await pilot.press("f")
            await _settle(pilot)
            await pilot.press("backspace", "backspace", "backspace", "backspace", *"soon",
                              "enter")
            await _settle(pilot)
            assert app.query_now.since.text == "2016"  # a bad date is refused, not applied

    run_async(body)


def test_year_jump() -> None:
    async def body() -> None:
        async with _browser() as pilot:
            app = pilot.app
            await pilot.press("y", *"2016", "enter")
            await _settle(pilot)
            assert app.chronology.selected.first_day.year == 2016
            assert app.chronology.events[app.chronology.cursor - 1].first_day.year < 2016

    run_async(body)


def test_export_writes_atomically_and_asks_before_replacing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Typed relative to the working folder: each key is a round trip through the app, and
    # a temporary folder's full path is some eighty of them, three times over.
    monkeypatch.chdir(tmp_path)
    target = Path("out.csv")

    async def body() -> None:
        async with _browser() as pilot:
            await pilot.press("slash", *"kerry", "enter")
            await _settle(pilot)
            await pilot.press("e")
            await _settle(pilot)
            await pilot.press(*str(target), "enter")
            await _settle(pilot)
            assert target.read_text(encoding="utf-8").count("\n") == 5  # header + 4
            target.write_text("keep me", encoding="utf-8")
            await pilot.press("e")
            await _settle(pilot)
            await pilot.press(*str(target), "enter")
            await _settle(pilot)
            await pilot.press("n")
            await _settle(pilot)
            assert target.read_text(encoding="utf-8") == "keep me"
            await pilot.press("e")
            await _settle(pilot)
            await pilot.press(*str(target), "tab", *"json", "enter")
            await _settle(pilot)
            await pilot.press("y")
            await _settle(pilot)
            assert len(json.loads(target.read_text(encoding="utf-8"))) == 4

    run_async(body)


def test_copy_open_help_and_quit() -> None:
    opened: list[str] = []

    async def body() -> None:
        async with _browser(opener=opened.append) as pilot:
            app = pilot.app
            await pilot.press("c")
            assert app.clipboard == app.chronology.selected.id
            await pilot.press("o")
            assert opened == [] or opened[0].startswith("http")
            await pilot.press("question_mark")
            await _settle(pilot)
            assert "jump to a year" in _screen_text(app)
            _golden_svg("help-80x24", app.export_screenshot())
            await pilot.press("escape")
            await pilot.press("enter")
            assert app.focused.id == "detail"
            await pilot.press("escape")
            assert app.focused.id == "list"
            await pilot.press("q")
        assert app.return_code == 0

    run_async(body)


def test_ctrl_c_quits_with_130() -> None:
    async def body() -> None:
        async with _browser() as pilot:
            await pilot.press("ctrl+c")
        assert pilot.app.return_code == 130

    run_async(body)


def test_resize_between_80x24_and_120x40() -> None:
    async def body() -> None:
        async with _browser(size=(80, 24)) as pilot:
            app = pilot.app
            assert not app.query_one("#body").has_class("wide")
            await pilot.resize_terminal(120, 40)
            await _settle(pilot)
            assert app.query_one("#body").has_class("wide")
            assert app.chronology.size.width < 120
            await pilot.resize_terminal(80, 24)
            await _settle(pilot)
            assert not app.query_one("#body").has_class("wide")

    run_async(body)


def test_the_hostile_fixture_renders_harmlessly(tmp_path: Path) -> None:
    path = hostile_timeline(tmp_path)

    async def body() -> None:
        async with _browser(path, size=(120, 40)) as pilot:
            text = _screen_text(pilot.app)
            assert "[bold]x[/] :smile:" in text
            assert "\\e[31mred" in text
            assert not any(ch in text for ch in "\x1b\x9b\u202e\u2066\u200b\u2028\x07\x00")
            _golden_svg("hostile-120x40", pilot.app.export_screenshot())

    run_async(body)


# -- the command line around it -----------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_timeline_does_not_import_textual() -> None:
    code = ("import sys, runpy\nsys.argv = ['relations', 'timeline', '--since', '2015']\n"
            "try:\n    runpy.run_module('relations_cli', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('textual' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_clean_env(), check=False)
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr


def test_without_textual_browse_says_what_to_install() -> None:
    code = ("import sys\nsys.modules['textual'] = None\nsys.argv = ['relations', 'browse']\n"
            "from relations_cli.cli import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_clean_env(), check=False)
    assert done.returncode == 2, done.stderr
    # Installed from this checkout: the line installs the extra from it, with this Python.
    assert done.stderr.startswith("relations: error: relations browse needs Textual: ")
    line = done.stderr.removeprefix("relations: error: relations browse needs Textual: ")
    assert line.startswith(f"{sys.executable} -m pip install ")
    assert shlex.split(line)[-1] == f"{ROOT}[browse]"


def test_the_install_line_follows_how_relations_was_installed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    from relations_cli.cli.browse import install_hint

    class Installed:
        def __init__(self, direct_url: str | None) -> None:
            self.direct_url = direct_url

        def read_text(self, name: str) -> str | None:
            return self.direct_url

    for direct_url, wanted in (
            ('{"url": "file:///home/me/relations", "dir_info": {"editable": true}}',
             "-m pip install -e '/home/me/relations[browse]'"),
            ('{"url": "file:///tmp/a%20b", "dir_info": {}}', "-m pip install '/tmp/a b[browse]'"),
            (None, "-m pip install 'relations-cli[browse]'")):
        monkeypatch.setattr(metadata, "distribution", lambda name, d=direct_url: Installed(d))
        assert install_hint().endswith(wanted), (direct_url, install_hint())
    monkeypatch.setattr(sys, "prefix", "/root/.local/share/pipx/venvs/relations-cli")
    assert install_hint().endswith("pipx inject relations-cli textual")


def test_browse_off_a_terminal_is_one_error_line() -> None:
    result = invoke("browse")
    assert result.status == 2, result
    assert result.stderr.startswith("relations: error: browse needs a terminal")


def test_browse_on_an_invalid_timeline_is_the_usual_error(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("2015-09-03", "2015-13-45"))
    result = invoke("browse", "--data", str(path))
    assert result.status == 2, result
    assert result.stderr.startswith(f"relations: error: {path}:3:")


# -- the real command in a real terminal --------------------------------------------------------


def _installed_relations() -> str | None:
    beside = Path(sys.executable).parent / "relations"
    return str(beside) if beside.exists() else shutil.which("relations")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required in CI (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    socket = f"relations-test-{uuid.uuid4().hex[:8]}"

    def run(*args: str) -> str:
        return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True,
                              check=True, env={**_clean_env(), "TERM": "xterm-256color"},
                              ).stdout

    yield run
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)


def _wait_for(read: Callable[[], str], wanted: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while True:
        seen = read()
        if wanted in seen or time.monotonic() > deadline:
            return seen
        time.sleep(0.05)


def test_the_installed_command_in_tmux(tmux: Callable[..., str], tmp_path: Path) -> None:
    relations = _installed_relations()
    if relations is None:
        pytest.skip("relations is not installed")
    status = tmp_path / "status"
    script = (f"XDG_CACHE_HOME={tmp_path}/cache {relations} browse --data {BUNDLED}; "
              f"echo $? > {status}; exec sleep 60")
    tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", "browse", script)

    def pane() -> str:
        return tmux("capture-pane", "-p", "-t", "browse")

    assert "of 21 events" in _wait_for(pane, "21 of 21 events"), pane()
    tmux("send-keys", "-t", "browse", "/kerry")  # one write: the keys after / must not race
    assert "4 of 21 events" in _wait_for(pane, "4 of 21 events"), pane()
    tmux("send-keys", "-t", "browse", "Enter")
    # The search box hands focus back when Textual has handled Enter, in the box's own task:
    # a `q` sent at once may still reach the box. Give it a moment, and should the `q` land
    # in the box anyway, Escape takes the search back and the next `q` quits.
    time.sleep(1)
    tmux("send-keys", "-t", "browse", "q")
    quit_status = _wait_for(lambda: status.read_text() if status.exists() else "", "\n", 10)
    if not quit_status:
        tmux("send-keys", "-t", "browse", "Escape")
        time.sleep(1)
        tmux("send-keys", "-t", "browse", "q")
        quit_status = _wait_for(lambda: status.read_text() if status.exists() else "", "\n")
    assert quit_status == "0\n", pane()
    flags = tmux("display-message", "-p", "-t", "browse",
                 "#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_flag}")
    assert flags.split() == ["0", "1", "0", "0"], flags


def test_sigterm_in_tmux_restores_the_terminal_and_exits_143(
        tmux: Callable[..., str], tmp_path: Path) -> None:
    relations = _installed_relations()
    if relations is None:
        pytest.skip("relations is not installed")
    status, pid = tmp_path / "status", tmp_path / "pid"
    # The inner shell writes its id and becomes the command (exec): that id is the browser's.
    script = (f"XDG_CACHE_HOME={tmp_path}/cache sh -c 'echo $$ > {pid}; exec {relations} "
              f"browse --data {BUNDLED}'; echo $? > {status}; exec sleep 60")
    tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", "browse", script)

    def pane() -> str:
        return tmux("capture-pane", "-p", "-t", "browse")

    assert "of 21 events" in _wait_for(pane, "21 of 21 events"), pane()
    assert tmux("display-message", "-p", "-t", "browse", "#{alternate_on}").strip() == "1"
    os.kill(int(pid.read_text()), signal.SIGTERM)
    assert _wait_for(lambda: status.read_text() if status.exists() else "", "\n") == "143\n"
    flags = tmux("display-message", "-p", "-t", "browse",
                 "#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_flag}")
    assert flags.split() == ["0", "1", "0", "0"], flags


def test_relations_dates_readable_writes_the_list_s_dates_for_people(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The list follows RELATIONS_DATES as the other terminal views do.
    from relations_cli.render.publish import readable_period

    path = write(tmp_path, MINIMAL.replace("2015-09-03", "1960~"))
    monkeypatch.setenv("RELATIONS_DATES", "readable")

    async def body() -> None:
        async with _browser(data=path) as pilot:
            event = pilot.app.chronology.events[0]
            assert event.date.text == "1960~"
            row = "".join(segment.text for segment in pilot.app.chronology.render_line(0))
            assert readable_period(event.date) in row
            assert "1960~" not in row

    run_async(body)

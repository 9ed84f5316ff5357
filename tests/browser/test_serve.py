"""`relations serve` in a real headless Chromium (issue 23): the page reloads itself when the
timeline is saved, shows a broken file's problem as text, and recovers when it is fixed,
with no console error and no request beyond the server.

Each wait is for what the page shows, with a generous timeout; how long the new event took
to appear is printed (pytest -s), never asserted.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import OfflinePage
from tests.helpers import BUNDLED, write
from tests.test_serve_process import _environment

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Route

pytestmark = pytest.mark.browser

WAIT_MS = 20_000  # for what the page should show; the target is two seconds

# The new event sorts first, so a page that draws only the rows on screen draws it too.
TIMELINE = """\
title: Served timeline
events:
  - id: later
    date: 2016-03-27
    title: An event already there
    category: security
"""
NEW_EVENT = """\
  - id: earliest
    date: 1900
    title: A new event, just saved
    category: history
"""


@contextlib.contextmanager
def _server(data: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "relations_cli", "serve", "--data", str(data), "--port", "0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, env=_environment())
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert first.startswith("relations: previewing "), first
        yield first.split(" at ", 1)[1].split(" ", 1)[0]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
        assert process.returncode == 130


def _served_page(browser: Browser, url: str) -> Iterator[OfflinePage]:
    """A page that may reach the server at `url` and nothing else, with its console."""
    context = browser.new_context(viewport={"width": 1200, "height": 800},
                                  service_workers="block")
    page = context.new_page()
    record = OfflinePage(page)

    def route(route: Route) -> None:
        if route.request.url.startswith(url):
            route.continue_()
        else:
            record.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page.on("console", lambda message: record.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))

    def dialog(dialog: Dialog) -> None:
        record.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dialog)
    try:
        yield record
    finally:
        context.close()


def test_an_edit_reloads_the_page_and_a_broken_file_shows_and_recovers(
        browser: Browser, tmp_path: Path) -> None:
    data = write(tmp_path, TIMELINE)
    with _server(data) as url:
        for served in _served_page(browser, url):
            page = served.page
            page.goto(url)
            page.get_by_text("An event already there").first.wait_for(timeout=WAIT_MS)
            assert page.get_by_text("A new event, just saved").count() == 0

            saved = time.monotonic()
            with data.open("a", encoding="utf-8") as handle:
                handle.write(NEW_EVENT)
            page.get_by_text("A new event, just saved").first.wait_for(timeout=WAIT_MS)
            print(f"\nthe new event appeared {time.monotonic() - saved:.2f} s after the save")

            # A problem in the file: named on the page, its text never markup.
            data.write_text(TIMELINE + '    "<img src=x onerror=alert(1)>": x\n',
                            encoding="utf-8")
            error = page.locator("#relations-error")
            error.wait_for(timeout=WAIT_MS)
            assert "unknown field '<img src=x onerror=alert(1)>' in an event" in (
                error.text_content() or "")
            assert page.locator("img").count() == 0

            data.write_text(TIMELINE + NEW_EVENT, encoding="utf-8")
            page.get_by_text("A new event, just saved").first.wait_for(timeout=WAIT_MS)
            assert page.locator("#relations-error").count() == 0
            served.assert_clean()


def test_a_reload_keeps_the_reader_s_place(browser: Browser, tmp_path: Path) -> None:
    data = write(tmp_path, BUNDLED.read_text(encoding="utf-8"))
    with _server(data) as url:
        for served in _served_page(browser, url):
            page = served.page
            page.goto(url)
            page.evaluate("window.scrollTo(0, 400); window.beforeTheSave = true")
            assert page.evaluate("window.scrollY") == 400
            with data.open("a", encoding="utf-8") as handle:  # an event after all others
                handle.write("  - {id: much-later, date: 2030, title: Much later}\n")
            page.wait_for_function("() => window.beforeTheSave === undefined",
                                   timeout=WAIT_MS)  # the page was loaded again
            page.wait_for_load_state("load")
            assert page.evaluate("window.scrollY") == 400
            served.assert_clean()

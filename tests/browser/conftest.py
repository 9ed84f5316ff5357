"""Real Chromium for the publishing tests: Debian's `chromium`, driven by Playwright for Python.

Playwright's own browser download is never used (it cannot work here): `executable_path`
points at the system Chromium. TimelineJS3 and Mermaid come from npm into tests/browser/js
(`npm ci` there; .ci/run does it). Without them a test is skipped with the reason, except
under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Route

JS_DIR = Path(__file__).resolve().parent / "js" / "node_modules"
HARNESS = Path(__file__).resolve().parent / "harness"

# Debian Chromium as root, headless, with no network at all.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--disable-extensions", "--mute-audio",
    # Below Playwright's routing, a second wall: no host name resolves but loopback.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]  # fmt: skip


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str) -> NoReturn:
    """Fail under CI (a missing browser there is a broken CI script); skip elsewhere."""
    if _in_ci():
        pytest.fail(f"browser tests cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def _chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    for candidate in [explicit] if explicit else ["/usr/bin/chromium", shutil.which("chromium")]:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


# Package scope, not session: Playwright's sync API keeps an event loop running while it is
# open, and the Textual tests of `browse` that run after this package need to start their own.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package 'playwright' is not installed (pip install "
                    "'.[test]')")
    executable = _chromium_path()
    if executable is None:
        unavailable("Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        # launch() gives Chromium a fresh temporary user-data-dir of its own, removed after.
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, timeout=60_000, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def js_assets() -> Path:
    needed = [
        JS_DIR / "@knight-lab/timelinejs/dist/js/timeline.js",
        JS_DIR / "@knight-lab/timelinejs/dist/css/timeline.css",
        JS_DIR / "mermaid/dist/mermaid.min.js",
    ]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        unavailable(f"TimelineJS3 and Mermaid are not installed ({missing[0]}); run "
                    "'npm ci --prefix tests/browser/js'")
    return JS_DIR


@dataclasses.dataclass
class OfflinePage:
    """A page whose every non-file request is refused and recorded, with its console."""

    page: Page
    console: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    page_errors: list[str] = dataclasses.field(default_factory=list)
    requests: list[str] = dataclasses.field(default_factory=list)
    blocked: list[str] = dataclasses.field(default_factory=list)
    dialogs: list[str] = dataclasses.field(default_factory=list)  # alert() and the like

    def forget(self) -> None:
        """Start a new record on a page kept open for several tests."""
        for kept in (self.console, self.page_errors, self.requests, self.blocked, self.dialogs):
            kept.clear()

    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"]

    def assert_clean(self) -> None:
        """No request left the machine, no console error, no uncaught exception, no alert."""
        assert self.blocked == [], f"requests to the network: {self.blocked}"
        assert self.page_errors == [], f"uncaught errors: {self.page_errors}"
        assert self.console_errors() == [], f"console errors: {self.console_errors()}"
        assert self.dialogs == [], f"the page opened dialogs: {self.dialogs}"


def open_page(browser: Browser, width: int = 1200, height: int = 800) -> Iterator[OfflinePage]:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  service_workers="block")
    page = context.new_page()
    record = OfflinePage(page)

    def route(route: Route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            record.blocked.append(url)
            route.abort("blockedbyclient")

    def dialog(dialog: Dialog) -> None:
        record.dialogs.append(dialog.message)
        dialog.dismiss()

    context.route("**/*", route)
    page.on("dialog", dialog)
    context.on("request", lambda request: record.requests.append(request.url))
    page.set_default_timeout(15_000)
    page.on("console", lambda message: record.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    try:
        yield record
    finally:
        context.close()


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[OfflinePage]:
    yield from open_page(browser)


# Mermaid's bundle (3 MB) took three quarters of each Mermaid test to load (1.2 s of 1.6 s):
# one harness page loads it once and renders each test's diagram in turn, as Mermaid's live
# editor does; each render replaces the one before (harness/mermaid.html).
@pytest.fixture(scope="package")
def mermaid_harness(browser: Browser, js_assets: Path,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfflinePage]:
    html = (HARNESS / "mermaid.html").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("mermaid") / "mermaid.html"
    path.write_text(html.replace("../js/node_modules/", js_assets.as_uri() + "/"),
                    encoding="utf-8")
    for record in open_page(browser):
        record.page.goto(path.as_uri())
        yield record


@pytest.fixture
def mermaid_page(mermaid_harness: OfflinePage) -> OfflinePage:
    """The Mermaid harness, with a record of this test's own (console, errors, requests)."""
    mermaid_harness.forget()
    return mermaid_harness


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[OfflinePage]:
    """A page 375 px wide, as on a phone."""
    yield from open_page(browser, width=375, height=740)

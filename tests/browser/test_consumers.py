"""Each publishing format in the program that consumes it, in a real headless Chromium.

HTML: the page itself (events present, search and category filters, expanding, no console
error, no request at all, no horizontal scroll at 375 px, hostile text inert). TimelineJS3 and
Mermaid: their JSON and diagram loaded into the real libraries from npm.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from relations_cli.render.safe import visible
from tests.browser.conftest import HARNESS, OfflinePage
from tests.helpers import BUNDLED, FIXTURES, ROOT, invoke

pytestmark = pytest.mark.browser

SAMPLE = FIXTURES / "sample.yaml"
HOSTILE = FIXTURES / "hostile-publish.yaml"
SCREENSHOT = ROOT / "docs" / "publish-html.png"


def _output(*args: str) -> str:
    result = invoke(*args)
    assert result.status == 0, result
    return result.stdout


def _events(data: Path) -> list[dict[str, object]]:
    events: list[dict[str, object]] = json.loads(
        _output("timeline", "--data", str(data), "--format", "json"))
    return events


def _html_page(tmp_path: Path, data: Path, *extra: str) -> str:
    path = tmp_path / "page.html"
    path.write_text(_output("timeline", "--data", str(data), "--format", "html", *extra),
                    encoding="utf-8")
    return path.as_uri()


# The events the page has drawn, once the frames after the last change have run (the virtual
# list draws the blocks near the screen when the browser reports them in view).
DRAWN_IDS = """async () => {
  for (let i = 0; i < 3; i++) await new Promise(done => requestAnimationFrame(() => done()));
  return [...document.querySelectorAll('.event')].map(item => item.dataset.id);
}"""


def _shown_ids(offline: OfflinePage) -> list[str]:
    ids: list[str] = offline.page.evaluate(DRAWN_IDS)
    return ids


# -- HTML ---------------------------------------------------------------------------------------


def test_html_page_holds_every_event_and_loads_nothing(offline_page: OfflinePage,
                                                       tmp_path: Path) -> None:
    url = _html_page(tmp_path, BUNDLED)
    page = offline_page.page
    page.goto(url)
    page.wait_for_load_state("load")
    expected = _events(BUNDLED)
    assert _shown_ids(offline_page) == [e["id"] for e in expected]
    headlines = page.locator(".event .headline").all_text_contents()
    assert headlines == [e["title"] for e in expected]
    count = len(expected)
    assert page.locator("#status").text_content() == f"{count} of {count} events shown"
    assert page.locator("h1").text_content() == "China–Russia relations, 2015–2016"
    assert offline_page.requests == [url]  # the page itself, and nothing else at all
    offline_page.assert_clean()


def test_html_search_and_filters_narrow_the_list(offline_page: OfflinePage,
                                                 tmp_path: Path) -> None:
    page = offline_page.page
    page.goto(_html_page(tmp_path, BUNDLED))
    everything = [e["id"] for e in _events(BUNDLED)]

    page.fill("#q", "kerry")
    expected = [e["id"] for e in json.loads(_output("search", "--data", str(BUNDLED), "kerry",
                                                    "--format", "json"))]
    assert 0 < len(expected) < len(everything)
    assert _shown_ids(offline_page) == expected
    assert page.locator("#status").text_content() == \
        f"{len(expected)} of {len(everything)} events shown"

    page.fill("#q", "")
    for box in page.locator("input[name=category]").all():
        if box.get_attribute("value") != "trade":
            box.uncheck()
    trade = [e["id"] for e in _events(BUNDLED) if e["category"] == "trade"]
    assert trade
    assert _shown_ids(offline_page) == trade

    page.locator("input[name=category]").first.check()  # back to more than one category
    page.fill("#q", "no such words anywhere")
    assert _shown_ids(offline_page) == []
    page.fill("#q", "")
    for box in page.locator("input[name=category]").all():
        box.check()
    page.select_option("#person", "Xi Jinping")
    xi = [e["id"] for e in json.loads(_output("timeline", "--data", str(BUNDLED), "--person",
                                              "Xi Jinping", "--format", "json"))]
    assert _shown_ids(offline_page) == xi
    offline_page.assert_clean()


def test_html_event_expands_to_quotes_and_sources(offline_page: OfflinePage,
                                                  tmp_path: Path) -> None:
    page = offline_page.page
    page.goto(_html_page(tmp_path, SAMPLE))
    item = page.locator(".event[data-id=trade-figures]")
    quote = item.locator("blockquote")
    assert not quote.is_visible()
    item.locator("summary").focus()
    page.keyboard.press("Enter")  # by keyboard, as a reader without a mouse would
    assert quote.is_visible()
    assert quote.text_content() == "We should not be afraid."
    assert item.locator("figcaption").text_content() == "— Hu Hao"
    assert "Warming Relations, Beijing Review, 2016-04" in (
        item.locator("ul.sources").text_content() or "")
    assert item.locator("table th[scope=row]").text_content() == "Exports"
    assert "Huang Songping, Spokesperson" in (item.locator("ul.people").text_content() or "")
    offline_page.assert_clean()


def test_html_page_shows_the_filters_used(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = offline_page.page
    page.goto(_html_page(tmp_path, BUNDLED, "--since", "2016", "--category", "diplomacy"))
    assert page.locator("dl.selection dt").all_text_contents() == ["since", "category"]
    assert page.locator("dl.selection dd").all_text_contents() == ["2016", "diplomacy"]
    offline_page.assert_clean()


def test_html_fits_a_phone_width(phone_page: OfflinePage, tmp_path: Path) -> None:
    page = phone_page.page
    page.goto(_html_page(tmp_path, BUNDLED))
    _shown_ids(phone_page)
    page.eval_on_selector_all("details", "all => all.forEach(d => d.open = true)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways: {width}px wide"
    phone_page.assert_clean()


def test_html_controls_have_labels(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = offline_page.page
    page.goto(_html_page(tmp_path, SAMPLE))
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select')]
        .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label'))
        .map(c => c.outerHTML)""")
    assert unlabelled == []
    _shown_ids(offline_page)
    assert page.locator("main [role=list] [role=listitem] article details summary").count() == 6
    assert page.get_by_role("search").count() == 1
    assert page.get_by_role("status").count() == 1


def test_hostile_page_shows_text_and_runs_nothing(offline_page: OfflinePage,
                                                  tmp_path: Path) -> None:
    page = offline_page.page
    page.goto(_html_page(tmp_path, HOSTILE))
    _shown_ids(offline_page)
    page.eval_on_selector_all("details", "all => all.forEach(d => d.open = true)")
    page.wait_for_timeout(200)  # an injected onerror would have fired by now
    assert offline_page.dialogs == []
    # The first events' data, the page's own script, the other events' data.
    assert page.locator("script").count() == 3
    assert page.locator("script:not([type])").count() == 1
    assert page.locator("img, iframe, object, embed, b, i, em").count() == 0
    handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(
        el => [...el.attributes].filter(a => a.name.startsWith('on')).map(a => a.name))""")
    assert handlers == []
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert all(re.match(r"(https?|mailto):", href) for href in hrefs), hrefs
    assert len(hrefs) == 2
    assert page.locator("h1").text_content() == \
        "</script><script>alert('title')</script> & <b>bold</b>"
    headline = page.locator("[data-id=script-title] .headline").text_content()
    assert headline == "</script><script>alert('event')</script>"
    assert page.locator("[data-id=script-title] .body").get_by_text("{{ 7*7 }}").count() == 1
    assert "\\u2028sep" in (page.locator("[data-id=bidi-control] .headline").text_content()
                            or "")
    bidi = page.locator("[data-id=bidi-control] .headline").text_content() or ""
    assert "\u202e" not in bidi
    assert "\x1b" not in bidi
    assert "\\u202e" in bidi
    page.fill("#q", "alert('quote')")
    assert _shown_ids(offline_page) == ["script-title"]
    page.fill("#q", "script")  # a match in a hostile title is marked as text, not markup
    assert "script-title" in _shown_ids(offline_page)
    marks = page.locator("[data-id=script-title] .headline mark").all_text_contents()
    assert marks == ["script", "script", "script"]
    assert page.locator("[data-id=script-title] .headline").text_content() == \
        "</script><script>alert('event')</script>"
    assert offline_page.dialogs == []
    offline_page.assert_clean()


def test_screenshot_of_the_bundled_timeline(offline_page: OfflinePage, tmp_path: Path) -> None:
    """The picture in README's Publishing section, made here in the real browser."""
    page = offline_page.page
    page.set_viewport_size({"width": 1000, "height": 900})
    page.goto(_html_page(tmp_path, BUNDLED))
    _shown_ids(offline_page)
    page.locator(".event details").nth(2).evaluate("d => d.open = true")
    shot = tmp_path / "publish-html.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("UPDATE_GOLDEN") or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    offline_page.assert_clean()


# -- TimelineJS3 --------------------------------------------------------------------------------


def _timeline_page(tmp_path: Path, js_assets: Path, document: str) -> str:
    # Re-serialised with `<` escaped, so nothing in the data can end the harness's <script>.
    data = json.dumps(json.loads(document)).replace("<", "\\u003c")
    html = (HARNESS / "timeline.html").read_text(encoding="utf-8")
    html = html.replace("../js/node_modules/", js_assets.as_uri() + "/")
    path = tmp_path / "timeline.html"
    path.write_text(html.replace("__TIMELINE_JSON__", data), encoding="utf-8")
    return path.as_uri()


@pytest.mark.parametrize("data", [BUNDLED, SAMPLE, HOSTILE], ids=["bundled", "sample", "hostile"])
def test_timelinejs_builds_one_slide_per_event(offline_page: OfflinePage, tmp_path: Path,
                                               js_assets: Path, data: Path) -> None:
    document = _output("timeline", "--data", str(data), "--format", "timelinejs")
    page = offline_page.page
    page.goto(_timeline_page(tmp_path, js_assets, document))
    try:
        page.wait_for_function("window.timeline && window.timeline.ready === true")
    except Exception:  # the reason is in the page, not in the timeout
        messages = page.locator(".tl-message-content").all_text_contents()
        pytest.fail(f"TimelineJS not ready: {messages} {offline_page.page_errors}")
    events = _events(data)
    assert page.locator("#timeline-embed .tl-slide").count() == len(events) + 1
    assert page.locator("#timeline-embed .tl-timemarker").count() == len(events)
    assert page.evaluate("window.timeline.config.messages") == {"errors": [], "warnings": []}
    headlines = page.locator(".tl-slide-content .tl-headline").all_text_contents()
    # TimelineJS shows the escaped HTML as text: each title as written, made visible.
    assert sorted(" ".join(h.split()) for h in headlines[1:]) == sorted(
        " ".join(visible(str(e["title"])).split()) for e in events)
    assert offline_page.dialogs == []
    offline_page.assert_clean()


def test_timelinejs_draws_the_eras(offline_page: OfflinePage, tmp_path: Path,
                                   js_assets: Path) -> None:
    eras = tmp_path / "eras.yaml"
    eras.write_text("- {start: 2013-03, end: 2014, headline: '<b>First</b> & after'}\n"
                    "- {start: 2015-09-03, end: 2016-06, headline: Second}\n", encoding="utf-8")
    document = _output("timeline", "--data", str(BUNDLED), "--format", "timelinejs",
                       "--eras", str(eras))
    page = offline_page.page
    page.goto(_timeline_page(tmp_path, js_assets, document))
    page.wait_for_function("window.timeline && window.timeline.ready === true")
    assert page.evaluate("window.timeline.config.messages") == {"errors": [], "warnings": []}
    assert page.locator("#timeline-embed .tl-timeera").count() == 2
    texts = page.locator("#timeline-embed .tl-timeera-text").all_text_contents()
    assert sorted(" ".join(t.split()) for t in texts) == ["<b>First</b> & after", "Second"]
    assert offline_page.dialogs == []
    offline_page.assert_clean()


# -- Mermaid ------------------------------------------------------------------------------------


def _mermaid(harness: OfflinePage, text: str) -> dict[str, object]:
    result: dict[str, object] = harness.page.evaluate("t => renderMermaid('diagram', t)", text)
    return result


def _squeezed(text: str) -> str:
    # Mermaid wraps and trims around entity codes; compare text without its spaces.
    return "".join(text.split())


@pytest.mark.parametrize("data", [BUNDLED, SAMPLE, HOSTILE], ids=["bundled", "sample", "hostile"])
def test_mermaid_renders_every_event(mermaid_page: OfflinePage, data: Path) -> None:
    diagram = _output("timeline", "--data", str(data), "--format", "mermaid")
    result = _mermaid(mermaid_page, diagram)
    assert result["ok"], result["error"]
    texts = result["texts"]
    assert isinstance(texts, list)
    rendered = _squeezed("".join(texts))
    for event in _events(data):
        assert _squeezed(visible(str(event["title"]))) in rendered, event["title"]
    assert mermaid_page.page.locator("#out svg").get_attribute("aria-roledescription") == \
        "timeline"
    assert mermaid_page.page.locator("#out script, #out img").count() == 0
    assert mermaid_page.dialogs == []
    mermaid_page.assert_clean()


GANTT_TRAPS = """\
- id: kw
  date: 2015-03
  title: "title: section x; click y #1 %% not a comment"
- id: kw2
  date: 2015-04
  title: Title of the treaty is published
- id: kw3
  date: 2015-05-02
  title: section 5 talks
- id: open
  date: 2015-06-01/..
  title: Open-ended
"""


@pytest.mark.parametrize("data", [BUNDLED, SAMPLE, HOSTILE, "traps"],
                         ids=["bundled", "sample", "hostile", "traps"])
def test_mermaid_gantt_renders_every_event(mermaid_page: OfflinePage, tmp_path: Path,
                                           data: Path | str) -> None:
    if data == "traps":
        data = tmp_path / "traps.yaml"
        data.write_text("events:\n" + "".join("  " + line + "\n" if line else "\n"
                                              for line in GANTT_TRAPS.splitlines()),
                        encoding="utf-8")
    assert isinstance(data, Path)
    diagram = _output("timeline", "--data", str(data), "--format", "mermaid-gantt")
    result = _mermaid(mermaid_page, diagram)
    assert result["ok"], result["error"]
    texts = result["texts"]
    assert isinstance(texts, list)
    rendered = _squeezed("".join(texts))
    events = _events(data)
    for event in events:
        assert _squeezed(visible(str(event["title"]))) in rendered, event["title"]
    svg = mermaid_page.page.locator("#out svg")
    assert svg.get_attribute("aria-roledescription") == "gantt"
    # One bar or milestone per event, nothing else drawn as a task.
    assert mermaid_page.page.locator("#out rect.task").count() == len(events)
    assert mermaid_page.page.locator("#out script, #out img").count() == 0
    assert mermaid_page.dialogs == []
    mermaid_page.assert_clean()


def test_mermaid_harness_reports_a_parse_error(mermaid_page: OfflinePage) -> None:
    """The check above can fail: unescaped Mermaid syntax is an error in the real parser."""
    result = _mermaid(mermaid_page, "timeline\n  title X\n  : : broken ::")
    assert result["ok"] is False
    assert "Parse error" in str(result["error"])

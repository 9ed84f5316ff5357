"""The HTML page as a reader uses it (issue 23 items 5 and 6), in headless Chromium: the view
kept in the address, matches marked, a time axis, words for qualified dates, the page's
language, colors that agree between exports, and a virtual list that draws only what is on
screen while search still finds every event.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from relations_cli.core.model import Day
from relations_cli.render.publish import axis_ticks
from tests.browser.conftest import OfflinePage
from tests.browser.test_consumers import DRAWN_IDS
from tests.helpers import BUNDLED, FIXTURES, invoke, write

pytestmark = pytest.mark.browser

SAMPLE = FIXTURES / "sample.yaml"

QUALIFIED = """\
title: Qualified dates
events:
  - id: around
    date: 1961~
    title: Around 1961
    category: history
  - id: maybe
    date: 1962?
    title: Maybe 1962
    category: history
  - id: both
    date: 1963-05%
    title: Both in May 1963
    category: science
  - id: week
    date: 1963-06-01
    end: 1963-06-07
    title: A one-week span
    category: science
  - id: exact
    date: 1970-09-03
    title: An exact day
    category: science
"""


def _page(tmp_path: Path, data: Path, *extra: str, name: str = "page.html") -> str:
    result = invoke("timeline", "--data", str(data), "--format", "html", *extra)
    assert result.status == 0, result
    path = tmp_path / name
    path.write_text(result.stdout, encoding="utf-8")
    return path.as_uri()


def _drawn(offline: OfflinePage) -> list[str]:
    ids: list[str] = offline.page.evaluate(DRAWN_IDS)
    return ids


def _ids(*args: str) -> list[str]:
    result = invoke(*args, "--format", "json")
    assert result.status in (0, 1), result
    return [str(e["id"]) for e in json.loads(result.stdout or "[]")]


def test_the_view_is_kept_in_the_address_and_comes_back(offline_page: OfflinePage,
                                                        tmp_path: Path) -> None:
    page = offline_page.page
    url = _page(tmp_path, BUNDLED)
    page.goto(url + "#q=Kerry&category=diplomacy")
    expected = _ids("search", "Kerry", "--category", "diplomacy", "--data", str(BUNDLED))
    assert expected
    assert _drawn(offline_page) == expected
    assert page.input_value("#q") == "Kerry"
    checked = page.eval_on_selector_all("input[name=category]:checked",
                                        "boxes => boxes.map(b => b.value)")
    assert checked == ["diplomacy"]

    page.select_option("#person", label="John Kerry")
    assert page.evaluate("location.hash") == "#q=Kerry&category=diplomacy&person=John+Kerry"
    page.reload()
    assert page.input_value("#q") == "Kerry"
    assert page.eval_on_selector("#person", "s => s.selectedOptions[0].textContent") == \
        "John Kerry"
    kerry = _ids("search", "Kerry", "--category", "diplomacy", "--person", "John Kerry",
                 "--data", str(BUNDLED))
    assert _drawn(offline_page) == kerry

    page.fill("#q", "")  # back to everything: the address holds no filter at all
    for box in page.locator("input[name=category]").all():
        box.check()
    page.select_option("#person", "")
    assert page.evaluate("location.hash") == ""
    assert len(_drawn(offline_page)) == len(_ids("timeline", "--data", str(BUNDLED)))
    offline_page.assert_clean()


def test_matches_are_marked_as_text(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = offline_page.page
    page.goto(_page(tmp_path, BUNDLED))
    page.fill("#q", "kerry sochi")
    _drawn(offline_page)
    marks = page.locator(".headline mark").all_text_contents()
    assert marks
    assert {m.casefold() for m in marks} <= {"kerry", "sochi"}
    assert page.locator(".headline mark").first.evaluate("m => m.childElementCount") == 0
    page.fill("#q", "")
    _drawn(offline_page)
    assert page.locator("mark").count() == 0
    offline_page.assert_clean()


def test_a_time_axis_labels_the_bars(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = offline_page.page
    data = write(tmp_path, QUALIFIED, "qualified.yaml")
    page.goto(_page(tmp_path, data))
    _drawn(offline_page)
    labels = page.locator(".axis .tick").all_text_contents()
    expected = [label for _, label in axis_ticks(Day.of(1961, 1, 1), Day.of(1970, 9, 3), 6)]
    assert labels == expected
    assert labels[0] == "1962"  # every two years over a decade
    lefts = page.eval_on_selector_all(".axis .tick",
                                      "ticks => ticks.map(t => t.getBoundingClientRect().x)")
    assert lefts == sorted(lefts)
    # A one-week span is still a visible mark on its track.
    width = page.eval_on_selector("[data-id=week] .bar", "b => b.getBoundingClientRect().width")
    assert width >= 4
    # Over a year or two, the axis counts months or quarters.
    page.goto(_page(tmp_path, SAMPLE, name="sample.html"))
    months = page.locator(".axis .tick").all_text_contents()
    assert len(months) > 1
    assert all(re.fullmatch(r"[A-Z][a-z]{2} 201\d", label) for label in months), months
    offline_page.assert_clean()


def test_qualified_dates_are_said_in_words(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = offline_page.page
    data = write(tmp_path, QUALIFIED, "qualified.yaml")
    page.goto(_page(tmp_path, data))
    _drawn(offline_page)
    when = dict(zip(page.eval_on_selector_all(".event", "items => items.map(i => i.dataset.id)"),
                    page.locator(".event .when").all_text_contents(), strict=True))
    assert when["around"] == "approximately 1961"
    assert when["maybe"] == "1962, uncertain"
    assert when["both"] == "approximately May 1963, uncertain"
    assert when["week"] == "June 1, 1963 – June 7, 1963"
    page.locator("[data-id=around] summary").click()
    notes = page.locator("[data-id=around] .body .note").all_text_contents()
    assert "Dated only to the year. The date is approximate." in notes
    assert not any("Date dated" in note for note in notes)
    assert page.locator("[data-id=exact] .bar.fuzzy").count() == 0
    assert page.locator("[data-id=around] .bar.fuzzy").count() == 1
    offline_page.assert_clean()


def test_the_page_in_french(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = offline_page.page
    data = write(tmp_path, QUALIFIED, "qualified.yaml")
    page.goto(_page(tmp_path, data, "--lang", "fr"))
    _drawn(offline_page)
    assert page.evaluate("document.documentElement.lang") == "fr"
    when = page.locator(".event .when").all_text_contents()
    assert when == ["vers 1961", "1962, incertain", "vers mai 1963, incertain",
                    "1er juin 1963 – 7 juin 1963", "3 septembre 1970"]
    assert page.locator("#status").text_content() == "5 sur 5 événements affichés"
    assert page.locator("label[for=q]").text_content() == "Rechercher"
    # The browser's own French agrees on the month names.
    intl = page.evaluate("""() => new Intl.DateTimeFormat('fr', {day: 'numeric',
        month: 'long', year: 'numeric', timeZone: 'UTC'}).format(Date.UTC(1970, 8, 3))""")
    assert intl == "3 septembre 1970"
    offline_page.assert_clean()


def _colors(offline: OfflinePage) -> dict[str, str]:
    _drawn(offline)
    colors: dict[str, str] = offline.page.eval_on_selector_all(
        ".event", "items => Object.fromEntries(items.map(i => [i.dataset.id, "
        "getComputedStyle(i).getPropertyValue('--c').trim()]))")
    return colors


def test_colors_are_the_same_in_a_full_and_a_filtered_page(offline_page: OfflinePage,
                                                           tmp_path: Path) -> None:
    page = offline_page.page
    page.goto(_page(tmp_path, BUNDLED))
    full = _colors(offline_page)
    for args in (("--category", "security"), ("--category", "history"), ("--since", "2016")):
        page.goto(_page(tmp_path, BUNDLED, *args, name="filtered.html"))
        filtered = _colors(offline_page)
        assert filtered
        assert all(full[key] == color for key, color in filtered.items()), args
    categories = {str(e["id"]): str(e["category"]) for e in json.loads(
        invoke("timeline", "--data", str(BUNDLED), "--format", "json").stdout)}
    by_category = {categories[key]: color for key, color in full.items()}
    assert by_category["history"] != by_category["security"]
    offline_page.assert_clean()


def _many(count: int) -> str:
    lines = ["title: Many events", "events:"]
    for number in range(count):
        year, day = 1900 + number // 300, number % 300 + 1
        month, mday = (day - 1) // 25 + 1, (day - 1) % 25 + 1
        lines += [f"  - id: e{number}", f"    date: {year}-{month:02d}-{mday:02d}",
                  f"    title: Event number {number}", f"    category: c{number % 5}",
                  f"    summary: Something happened, in words, {number}"]
    lines[-5] = "  - id: far-down"
    lines[-3] = "    title: The quokka treaty"
    return "\n".join(lines) + "\n"


def test_a_long_page_draws_only_what_is_on_screen(offline_page: OfflinePage,
                                                  tmp_path: Path) -> None:
    page = offline_page.page
    data = write(tmp_path, _many(3000), "many.yaml")
    url = _page(tmp_path, data)
    assert Path(url.removeprefix("file://")).stat().st_size < data.stat().st_size
    page.goto(url)
    drawn = _drawn(offline_page)
    assert 0 < len(drawn) <= 200, len(drawn)
    assert drawn[0] == "e0"
    assert "far-down" not in drawn
    assert page.locator("#status").text_content() == "3000 of 3000 events shown"

    page.fill("#q", "quokka")  # search works on the data, not on what is drawn
    assert _drawn(offline_page) == ["far-down"]
    assert page.locator("#status").text_content() == "1 of 3000 events shown"
    assert page.locator("[data-id=far-down] .headline mark").text_content() == "quokka"

    page.fill("#q", "")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_selector("[data-id=far-down]")
    drawn = _drawn(offline_page)
    assert drawn[-1] == "far-down"
    assert "e0" not in drawn
    assert len(drawn) <= 200

    page.goto(url + "#event-e1500")  # a link to one event still finds it
    page.wait_for_selector("[data-id=e1500]")
    assert page.evaluate("document.activeElement.closest('.event').dataset.id") == "e1500"
    offline_page.assert_clean()


def test_the_page_works_by_keyboard(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = offline_page.page
    page.goto(_page(tmp_path, SAMPLE))
    _drawn(offline_page)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("parade")
    _drawn(offline_page)
    page.focus("#person")
    page.keyboard.press("Tab")  # from the last control to the first event
    focused = page.evaluate("document.activeElement.closest('.event')?.dataset.id")
    assert focused == _drawn(offline_page)[0]
    page.keyboard.press("Enter")
    assert page.locator(f"[data-id={focused}] details").evaluate("d => d.open")
    offline_page.assert_clean()


def test_one_event_page_is_open_in_full(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = offline_page.page
    result = invoke("show", "trade-figures", "--data", str(SAMPLE), "--format", "html")
    assert result.status == 0, result
    path = tmp_path / "show.html"
    path.write_text(result.stdout, encoding="utf-8")
    page.goto(path.as_uri())
    assert _drawn(offline_page) == ["trade-figures"]
    assert page.locator("[data-id=trade-figures] details").evaluate("d => d.open")
    assert page.locator("blockquote").text_content() == "We should not be afraid."
    assert page.locator("form.controls").count() == 0
    assert page.locator(".event").get_attribute("aria-setsize") == "1"
    offline_page.assert_clean()


def test_media_shows_its_caption_credit_link_and_a_local_picture(offline_page: OfflinePage,
                                                                 tmp_path: Path) -> None:
    import codecs

    (tmp_path / "photo.png").write_bytes(codecs.decode(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082", "hex"))
    data = write(tmp_path, "events:\n  - id: web\n    date: 2016\n    title: Web\n"
                 "    media:\n      url: https://example.org/a.jpg\n"
                 "      credit: <b>Agency</b>\n      caption: A caption\n"
                 "  - id: local\n    date: 2017\n    title: Local\n"
                 "    media:\n      url: photo.png\n", "media.yaml")
    page = offline_page.page
    page.goto(_page(tmp_path, data))
    _drawn(offline_page)
    page.locator("[data-id=web] summary").click()
    caption = page.locator("[data-id=web] figure.media figcaption")
    assert caption.text_content() == "A caption (media) Credit: <b>Agency</b>"
    assert page.locator("[data-id=web] figure.media a").get_attribute("href") == \
        "https://example.org/a.jpg"
    assert page.locator("[data-id=web] figure.media img").count() == 0
    page.locator("[data-id=local] summary").click()
    picture = page.locator("[data-id=local] figure.media img")
    assert (picture.get_attribute("src") or "").startswith("data:image/png;base64,")
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 1
    offline_page.assert_clean()

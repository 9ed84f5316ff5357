"""Every date form the tool accepts, and hostile titles (tests/publish_forms.py), in the real
Mermaid 11 and TimelineJS3 in Chromium (issue 23): each diagram parses and renders, and each
event is read with its own period: a Mermaid timeline's label is the period in words, a
gantt bar runs from the first day to the day after the last, a TimelineJS slide starts on the
event's first day.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from relations_cli.core.dates import time_of_day
from relations_cli.core.model import Day, Event
from relations_cli.render.publish import when_in_words
from relations_cli.render.safe import visible
from tests.browser.conftest import OfflinePage
from tests.browser.test_consumers import _mermaid, _timeline_page
from tests.helpers import FIXTURES, invoke
from tests.publish_forms import TIMELINE_TITLE, Form, forms, write_forms

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_forms(tmp_path_factory.mktemp("forms") / "forms.yaml")


def _publish(data: Path, name: str) -> tuple[str, str]:
    result = invoke("timeline", "--data", str(data), "--format", name)
    assert result.status == 0, result
    assert "internal error" not in result.stderr
    return result.stdout, result.stderr


def _decoded(text: str) -> str:
    # Mermaid's parser holds an entity code as a placeholder until it draws the text.
    text = re.sub(r"ﬂ°°(\d+)¶ß", lambda m: chr(int(m[1])), text)
    return " ".join(text.replace("\xa0", " ").split())


def _one_line(text: str) -> str:
    return " ".join(visible(text.strip(), keep_newlines=True).split())


def _tasks(offline: OfflinePage, text: str) -> list[Any]:
    result = _mermaid(offline, text)  # renders it, which must work
    assert result["ok"], result["error"]
    read: dict[str, Any] = offline.page.evaluate("t => mermaidTasks(t)", text)
    assert read["ok"], read["error"]
    tasks: list[Any] = read["tasks"]
    return tasks


def _written(form: Form) -> str:
    """The period as the Mermaid timeline labels it: in words, as the HTML page says it
    (render/publish.when_in_words; tests/test_page.py holds the words themselves)."""
    return _one_line(when_in_words(Event(id=form.id, date=form.start, end=form.last,
                                         title=form.title)))


def test_mermaid_timeline_labels_every_period(mermaid_page: OfflinePage, data: Path) -> None:
    diagram, _ = _publish(data, "mermaid")
    tasks = _tasks(mermaid_page, diagram)
    read = [(_decoded(t["period"]), _decoded(e)) for t in tasks for e in t["events"]]
    expected = [(_written(f), _one_line(f.title)) for f in forms()]
    assert sorted(read) == sorted(expected)
    texts = mermaid_page.page.locator("#out svg text").all_text_contents()
    assert _one_line(TIMELINE_TITLE) in [" ".join(t.split()) for t in texts]
    mermaid_page.assert_clean()


def test_mermaid_gantt_draws_every_period(mermaid_page: OfflinePage, data: Path) -> None:
    diagram, stderr = _publish(data, "mermaid-gantt")
    tasks = _tasks(mermaid_page, diagram)
    drawn = {f.id: f for f in forms() if f.start.start.year >= 100}
    for form in forms():
        if form.id not in drawn:
            assert f"left out {form.id} (" in stderr, form
    assert len(stderr.splitlines()) == len(forms()) - len(drawn)
    assert len(tasks) == len(drawn)

    def bar(form: Form) -> tuple[str, str, str]:
        open_end = form.last is not None and form.last.text == ".."
        name = _one_line(form.title + (" (open end)" if open_end else ""))
        last = form.start.end if open_end or form.last is None else form.last.end
        if form.last is None and last == form.start.start:  # one day: a milestone
            return name, form.start.start.isoformat(), form.start.start.isoformat()
        after = Day(last + 1)
        end = "10000-01-01" if last == Day.of(9999, 12, 31) else after.isoformat()
        return name, form.start.start.isoformat(), end

    read = sorted((_decoded(t["name"]), t["start"], t["end"]) for t in tasks)
    assert read == sorted(bar(f) for f in drawn.values())
    assert mermaid_page.page.locator("#out rect.task").count() == len(drawn)
    mermaid_page.assert_clean()


def test_timelinejs_starts_every_slide_on_its_first_day(offline_page: OfflinePage,
                                                        tmp_path: Path, js_assets: Path,
                                                        data: Path) -> None:
    document, _ = _publish(data, "timelinejs")
    page = offline_page.page
    page.goto(_timeline_page(tmp_path, js_assets, document))
    page.wait_for_function("window.timeline && window.timeline.ready === true")
    assert page.evaluate("window.timeline.config.messages") == {"errors": [], "warnings": []}
    read = page.evaluate("""() => window.timeline.config.events.map(e => ({
        id: e.unique_id, start: e.start_date.data.date_obj.toISOString()}))""")
    starts = {r["id"]: r["start"] for r in read}
    by_id = {f.id: f for f in forms()}
    assert set(starts) == set(by_id)
    for key, start in starts.items():
        form = by_id[key]
        # JavaScript writes years beyond 0 to 9999 with six digits and a sign: -000043-03-15.
        parts = re.match(r"([+-]?\d+)-(\d\d)-(\d\d)T", start)
        assert parts is not None, start
        day = Day.of(int(parts[1]), int(parts[2]), int(parts[3]))
        assert day == form.start.start, (form, start)
        time = time_of_day(form.start)
        if time is not None:  # TimelineJS has no zones: the time as written
            assert start[start.index("T") + 1:][:5] == f"{time[0]:02d}:{time[1]:02d}", form
    # TimelineJS orders the slides by their start: winter 2015 after September 2015.
    order = [by_id[r["id"]].start.start for r in read]
    assert order == sorted(order)
    slides = {s["unique_id"]: s for s in json.loads(document)["events"]}
    for form in forms():
        if form.last is not None:
            assert slides[form.id].get("display_date"), form
    offline_page.assert_clean()


@pytest.mark.parametrize("name", ["mermaid", "mermaid-gantt"])
def test_the_readme_example_renders(mermaid_page: OfflinePage, name: str) -> None:
    """tests/fixtures/historical.yaml, the README's example of dates as historians write
    them, with a time of day (a parse error in the timeline before issue 23)."""
    diagram, _ = _publish(FIXTURES / "historical.yaml", name)
    assert _tasks(mermaid_page, diagram)
    mermaid_page.assert_clean()

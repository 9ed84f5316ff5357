"""Every date form the tool accepts, and hostile titles, published and read back by the
consumers that run without a browser (issue 23): the calendar by icalendar, vobject, the `ics`
package and ical.js (with Node, from tests/browser/js), the SVG by an XML parser. Mermaid
and TimelineJS3 read the same timeline in tests/browser/test_forms.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from relations_cli.core.dates import time_of_day
from relations_cli.core.model import Day, Period
from relations_cli.render.safe import visible
from tests.helpers import BUNDLED, FIXTURES, ROOT, invoke
from tests.publish_forms import TIMELINE_TITLE, Form, forms, write_forms

STAMP = "1458000000"
ICAL_JS = ROOT / "tests" / "browser" / "js" / "node_modules" / "ical.js" / "dist" / "ical.js"
READ_ICS = ROOT / "tests" / "browser" / "harness" / "read-ics.mjs"

# What a calendar shows of an event, in one form for every reader: ("date", first day, day
# after the last), or ("time", start, end) as ISO text in UTC ("...Z") or floating (no Z),
# where an instant has end == start.
Shown = tuple[str, str, str]


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        return moment.isoformat()
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat() + "Z"


def _moment(period: Period) -> dt.datetime:
    time = time_of_day(period)
    assert time is not None
    hour, minute, second, zone = time
    day = period.start.to_date()
    local = dt.datetime(day.year, day.month, day.day, hour, minute, second)
    if not zone:
        return local
    if zone == "Z":
        return local.replace(tzinfo=dt.timezone.utc)
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[-2:]) if len(zone) > 3 else 0
    return local.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))


def expected(form: Form) -> Shown:
    """The period the calendar must show: the event's own, an open or unknown end its
    start's period (a time of day with neither: the instant)."""
    open_end = form.last is not None and (form.last.text == ".." or form.last.unknown)
    if time_of_day(form.start) is None:
        last = form.start.end if open_end or form.last is None else form.last.end
        return ("date", form.start.start.isoformat(), _day_after(int(last)))
    start = _moment(form.start)
    if form.last is None or open_end:
        return ("time", _iso(start), _iso(start))
    if time_of_day(form.last) is not None:
        return ("time", _iso(start), _iso(_moment(form.last)))
    # An end day: to the start of the day after it, in the start's zone.
    days = int(form.last.end) - int(form.start.start) + 1
    midnight = start.replace(hour=0, minute=0, second=0) + dt.timedelta(days=days)
    return ("time", _iso(start), _iso(midnight))


def _day_after(ordinal: int) -> str:
    # 9999-12-31's day after is written as text, since no date object holds it.
    return "10000-01-01" if ordinal == dt.date.max.toordinal() else \
        dt.date.fromordinal(ordinal + 1).isoformat()


def _date_end(start: dt.date, duration: dt.timedelta) -> str:
    return _day_after(start.toordinal() + duration.days - 1)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    data = write_forms(tmp_path_factory.mktemp("forms") / "forms.yaml")
    target = data.with_suffix(".ics")
    result = invoke("timeline", "--data", str(data), "--output", str(target),
                    env={"SOURCE_DATE_EPOCH": STAMP})
    assert result.status == 0, result
    return target, target.read_text(encoding="utf-8"), result.stderr


def _drawable(form: Form) -> bool:
    return form.start.start.year >= 1


def test_every_form_is_in_the_calendar_or_noted(published: tuple[Path, str, str]) -> None:
    _, text, stderr = published
    assert "internal error" not in stderr
    for form in forms():
        uid = f"UID:{form.id}."
        if _drawable(form):
            assert text.count(uid) == 1, form
        else:
            assert uid not in text, form
            assert f"left out {form.id} (" in stderr, form
    notes = stderr.splitlines()
    assert len(notes) == sum(not _drawable(f) for f in forms())
    assert all(n.startswith("relations: note: iCalendar cannot hold") for n in notes)


def _check(shown: dict[str, Shown], reader: str) -> None:
    wanted = {f.id: expected(f) for f in forms() if _drawable(f)}
    assert set(shown) == set(wanted), reader
    wrong = {key: (shown[key], wanted[key]) for key in wanted if shown[key] != wanted[key]}
    assert wrong == {}, f"{reader} reads other periods (read, expected): {wrong}"


def _from_python(start: Any, end: Any, duration: Any) -> Shown:
    if not isinstance(start, dt.datetime):
        if end is not None:
            return ("date", start.isoformat(), end.isoformat())
        return ("date", start.isoformat(), _date_end(start, duration or dt.timedelta(days=1)))
    if end is None:
        end = start + (duration or dt.timedelta(0))
    return ("time", _iso(start), _iso(end))


def test_icalendar_reads_every_period(published: tuple[Path, str, str]) -> None:
    from icalendar import Calendar

    shown = {}
    for entry in Calendar.from_ical(published[1]).walk("VEVENT"):
        if "dtstart" in entry and isinstance(entry.decoded("dtstart"), dt.datetime):
            assert "TZID" not in entry["dtstart"].params  # UTC or floating, never a lone TZID
        shown[str(entry["uid"]).split(".")[0]] = _from_python(
            entry.decoded("dtstart"), entry.decoded("dtend") if "dtend" in entry else None,
            entry.decoded("duration") if "duration" in entry else None)
    _check(shown, "icalendar")


def test_vobject_reads_every_period(published: tuple[Path, str, str]) -> None:
    import vobject

    shown = {}
    for entry in vobject.readOne(published[1]).vevent_list:
        end = entry.dtend.value if hasattr(entry, "dtend") else None
        duration = entry.duration.value if hasattr(entry, "duration") else None
        shown[entry.uid.value.split(".")[0]] = _from_python(entry.dtstart.value, end, duration)
    _check(shown, "vobject")


def test_the_ics_package_reads_every_period(published: tuple[Path, str, str]) -> None:
    import ics

    shown = {}
    floating = {f.id for f in forms() if (time_of_day(f.start) or (0, 0, 0, "Z"))[3] == ""}
    for entry in ics.Calendar(published[1]).events:
        key = entry.uid.split(".")[0]
        if entry.all_day:
            start = entry.begin.date()
            shown[key] = ("date", start.isoformat(), _date_end(start, entry.duration))
        else:
            # The package reads floating time as UTC; its wall-clock time is what was written.
            begin, end = entry.begin.datetime, entry.end.datetime
            if key in floating:
                begin, end = begin.replace(tzinfo=None), end.replace(tzinfo=None)
            shown[key] = ("time", _iso(begin), _iso(end))
    _check(shown, "ics")


def _node() -> str:
    from tests.browser.conftest import unavailable

    node = shutil.which("node")
    if node is None or not ICAL_JS.is_file():
        unavailable("node and ical.js are needed ('npm ci --prefix tests/browser/js')")
    assert node is not None
    return node


def _ical_js(path: Path) -> dict[str, Any]:
    done = subprocess.run([_node(), str(READ_ICS), str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    read: dict[str, Any] = json.loads(done.stdout)
    return read


def _from_ical_js(event: dict[str, Any]) -> Shown:
    def text(value: str, zone: str) -> str:
        # ical.js writes a year as a number (`50-06-15`); the others with four digits.
        year, _, rest = value.partition("-")
        value = f"{int(year):04d}-{rest}"
        return value + ("Z" if zone == "Z" and not value.endswith("Z") else "")

    if event["is_date"]:
        return ("date", text(event["start"], ""), text(event["end"], ""))
    assert event["start_zone"] in ("Z", "floating"), event
    return ("time", text(event["start"], event["start_zone"]), text(event["end"],
                                                                    event["end_zone"]))


def test_ical_js_reads_every_period(published: tuple[Path, str, str]) -> None:
    read = _ical_js(published[0])
    shown = {e["uid"].split(".")[0]: _from_ical_js(e) for e in read["events"]}
    # ical.js adds a DURATION with Julian leap years before 1583 (year 100 has a 29 February
    # there), so a period from year 1 to the end of 9999, the one kind that needs a DURATION
    # and crosses those years, comes out days short. Its start is read right.
    long_ones = {f.id for f in forms() if f.start.start.year < 1583 and f.last is not None
                 and f.last.text not in ("..", "") and f.last.end == Day.of(9999, 12, 31)}
    assert long_ones == {next(f.id for f in forms() if f.date == "0001/9999")}
    for key in long_ones:
        assert shown[key][:2] == expected(next(f for f in forms() if f.id == key))[:2]
        shown[key] = expected(next(f for f in forms() if f.id == key))
    assert all(e["tzid"] is None for e in read["events"])
    _check(shown, "ical.js")
    titles = {e["uid"].split(".")[0]: e["summary"] for e in read["events"]}
    for form in forms():
        if _drawable(form):
            assert titles[form.id] == visible(form.title.strip(), keep_newlines=True), form
    assert read["name"] == visible(" ".join(TIMELINE_TITLE.split()))


def test_ics_description_carries_people_and_quotes() -> None:
    from icalendar import Calendar

    result = invoke("show", "trade-figures", "--data", str(FIXTURES / "sample.yaml"),
                    "--format", "ics")
    assert result.status == 0, result
    entry = Calendar.from_ical(result.stdout).walk("VEVENT")[0]
    description = str(entry["description"])
    assert "People: Huang Songping (Spokesperson" in description
    assert "Quote: “We should not be afraid.” — Hu Hao" in description


def test_ics_open_and_unknown_ends_are_said(published: tuple[Path, str, str]) -> None:
    from icalendar import Calendar

    entries = {str(e["uid"]).split(".")[0]: e for e in Calendar.from_ical(
        published[1]).walk("VEVENT")}
    by_date = {f.date: f.id for f in forms() if f.end is None}
    assert "Open end" in str(entries[by_date["2015-09/.."]]["description"])
    assert "Unknown end" in str(entries[by_date["2015-09/"]]["description"])
    assert "Time as written: 1969-07-20T20:17:00+05:30 (given here in UTC)" in str(
        entries[by_date["1969-07-20T20:17:00+05:30"]]["description"])


# -- SVG ----------------------------------------------------------------------------------------


def test_svg_of_every_form_and_title_is_well_formed(tmp_path: Path) -> None:
    data = write_forms(tmp_path / "forms.yaml")
    assert invoke("validate", str(data)).status == 0
    for by in ("category", "actor"):
        result = invoke("chart", "--data", str(data), "--by", by, "--format", "svg",
                        "--width", "160")
        assert result.status == 0, result
        root = ET.fromstring(result.stdout)  # raises on a character XML may not hold
        assert "\ufffe" not in result.stdout
        assert "\uffff" not in result.stdout
        text = " ".join("".join(t.itertext()) for t in root.iter())
        assert "noncharacters \\ufffe and \\uffff here" in text


# -- colors -------------------------------------------------------------------------------------


def page_events(page: str) -> tuple[dict[str, Any], list[list[Any]]]:
    """The data an HTML page draws from: its tables, and every event's array in order."""
    import re

    scripts = dict(re.findall(
        r'<script type="application/json" id="relations-(first|data)">(.*?)</script>', page,
        re.S))
    first = json.loads(scripts["first"])
    rest = json.loads(scripts["data"])
    return first, [*first["events"], *rest["events"]]


def _page_colors(*args: str) -> dict[str, str]:
    result = invoke("timeline", "--data", str(BUNDLED), "--format", "html", *args)
    assert result.status == 0, result
    tables, events = page_events(result.stdout)
    categories: list[list[str]] = tables["categories"]
    found = {str(e[0]): categories[e[4] if len(e) > 4 else 0][1] for e in events}
    assert found
    return found


def test_a_category_has_one_color_in_every_export() -> None:
    """A filtered page colors each event as the full page does (issue 23), and the chart's
    SVG agrees."""
    events = {str(e["id"]): str(e["category"]) for e in json.loads(invoke(
        "timeline", "--data", str(BUNDLED), "--format", "json").stdout)}
    full = _page_colors()
    by_category = {events[key]: color for key, color in full.items()}
    assert all(by_category[events[key]] == color for key, color in full.items())
    for category in sorted(set(events.values())):
        filtered = _page_colors("--category", category)
        assert set(filtered.values()) == {by_category[category]}, category
    filtered = _page_colors("--since", "2016-03")
    assert all(full[key] == color for key, color in filtered.items())
    assert len(set(by_category.values())) == len(by_category)  # no two categories share one
    for args in [(), ("--category", "trade"), ("--since", "2016-03")]:
        svg = ET.fromstring(invoke("chart", "--data", str(BUNDLED), "--format", "svg",
                                   *args).stdout)
        legend = svg.find("{http://www.w3.org/2000/svg}g[@class='legend']")
        assert legend is not None
        swatches = list(legend)
        assert swatches
        for rect, text in zip(swatches[::2], swatches[1::2], strict=True):
            assert rect.get("fill") == by_category[text.text or ""], (args, text.text)

"""Publishing formats without a browser: ics read back by two readers, SVG well formed, the
TimelineJS and Mermaid rules, golden files, --output extensions, and start-up imports.

The real consumers (Chromium, TimelineJS3, Mermaid) are in tests/browser.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relations_cli.core.dates import period
from relations_cli.core.model import Event, Period, Precision, Source, Timeline
from relations_cli.render.gantt import gantt_name, render_gantt
from relations_cli.render.ics import exclusive_end, render_ics
from relations_cli.render.mermaid import mermaid_text, render_mermaid
from relations_cli.render.publish import Publication, link_target
from relations_cli.render.safe import visible
from relations_cli.render.timelinejs import date_object, timelinejs_document
from tests.budgets import examples
from tests.helpers import FIXTURES, LEAKY_VARIABLES, ROOT, invoke

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = str(FIXTURES / "sample.yaml")
HOSTILE = str(FIXTURES / "hostile-publish.yaml")
STAMP = "1458000000"  # SOURCE_DATE_EPOCH for the golden files: 2016-03-15T00:00:00Z


def _json(*args: str) -> list[dict[str, object]]:
    result = invoke(*args, "--format", "json")
    assert result.status == 0, result
    events: list[dict[str, object]] = json.loads(result.stdout)
    return events


def _ics(data: str) -> str:
    result = invoke("timeline", "--data", data, "--format", "ics",
                    env={"SOURCE_DATE_EPOCH": STAMP})
    assert result.status == 0, result
    return result.stdout


# -- ics ----------------------------------------------------------------------------------------


def _period(text: str) -> Period:
    from relations_cli.core.dates import parse_event_date

    return parse_event_date(text)


@pytest.mark.parametrize("data", [SAMPLE, HOSTILE])
def test_ics_read_back_by_icalendar(data: str) -> None:
    from icalendar import Calendar

    calendar = Calendar.from_ical(_ics(data))
    entries = calendar.walk("VEVENT")
    expected = _json("timeline", "--data", data)
    assert len(entries) == len(expected)
    for entry, event in zip(entries, expected, strict=False):
        start = _period(str(event["date"])).start
        last = _period(str(event["end"] or event["date"])).end
        assert entry.decoded("dtstart") == start.to_date()
        assert entry.decoded("dtend") == dt.date.fromordinal(last + 1)
        assert entry["dtstart"].params["VALUE"] == "DATE"
        assert str(entry["uid"]).startswith(f"{event['id']}.")
        assert entry.decoded("dtstamp") == dt.datetime(2016, 3, 15, tzinfo=dt.timezone.utc)
        assert str(entry["summary"]) == visible(str(event["title"]))


def test_ics_read_back_by_vobject() -> None:
    import vobject

    calendar = vobject.readOne(_ics(SAMPLE))
    entries = calendar.vevent_list
    by_id = {str(e["id"]): e for e in _json("timeline", "--data", SAMPLE)}
    assert len(entries) == len(by_id)
    for entry in entries:
        event = by_id[entry.uid.value.split(".")[0]]
        assert entry.dtstart.value == _period(str(event["date"])).start.to_date()
        assert entry.dtend.value == dt.date.fromordinal(
            _period(str(event["end"] or event["date"])).end + 1)
        assert entry.summary.value == visible(str(event["title"]))
    parade = next(e for e in entries if e.uid.value.startswith("parade."))
    assert parade.location.value == "Tiananmen Square, Beijing"
    assert parade.categories.value == ["diplomacy"]
    span = next(e for e in entries if e.uid.value.startswith("span."))
    assert (span.dtstart.value, span.dtend.value) == (dt.date(2015, 12, 20),
                                                      dt.date(2016, 1, 11))


def test_ics_is_the_same_on_every_run_and_uids_are_unique(tmp_path: Path) -> None:
    first, second = _ics(SAMPLE), _ics(SAMPLE)
    assert first == second
    target = tmp_path / "out.ics"
    assert invoke("timeline", "--data", SAMPLE, "--output", str(target)).status == 0
    written = target.read_bytes()
    assert written.count(b"\r\n") == len(written.splitlines())  # RFC 5545 line ends
    uids = [line for line in first.splitlines() if line.startswith("UID:")]
    assert len(set(uids)) == len(uids) == 6


def test_ics_description_notes_the_precision_and_sources() -> None:
    from icalendar import Calendar

    entries = {str(e["uid"]).split(".")[0]: e for e in Calendar.from_ical(_ics(SAMPLE)).walk(
        "VEVENT")}
    month = str(entries["month-only"]["description"])
    assert "2015-09 dated to the month" in month
    assert 'The source says "in September".' in month
    assert "Source: Warming Relations, Beijing Review, 2016-04" in str(
        entries["trade-figures"]["description"])


def _dates() -> st.SearchStrategy[Period]:
    # Leap years, century years and year ends are drawn often.
    years = st.sampled_from([1900, 1999, 2000, 2015, 2016, 2023, 2024, 2100, 9998]) | \
        st.integers(1, 9998)
    return st.builds(
        lambda year, month, day, precision: (
            period(year) if precision == "year" else
            period(year, month) if precision == "month" else
            period(year, month, min(day, period(year, month).end.day))),
        years, st.integers(1, 12), st.sampled_from([1, 28, 29, 30, 31]),
        st.sampled_from(["year", "month", "day"]))


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(_dates(), st.none() | _dates()), min_size=1, max_size=5))
def test_ics_start_and_exclusive_end_cover_each_period(
        spans: list[tuple[Period, Period | None]]) -> None:
    import vobject
    from icalendar import Calendar

    events = []
    for number, (start, end) in enumerate(spans):
        if end is not None and end.end < start.start:
            start, end = end, start
        events.append(Event(id=f"e{number}", date=start, end=end, title=f"event {number}",
                            sources=(Source("s", "https://example.org/x"),)))
    text = "".join(render_ics(events, Publication(Timeline(tuple(events), title="T"))))
    parsed = Calendar.from_ical(text).walk("VEVENT")
    second = vobject.readOne(text).vevent_list
    for event, entry, other in zip(events, parsed, second, strict=False):
        last = (event.end or event.date).end
        assert entry.decoded("dtstart") == other.dtstart.value == event.date.start.to_date()
        assert entry.decoded("dtend") == other.dtend.value == dt.date.fromordinal(last + 1)
        if event.date.precision is Precision.YEAR and event.end is None:
            assert (entry.decoded("dtstart"), entry.decoded("dtend")) == (
                dt.date(event.date.start.year, 1, 1), dt.date(event.date.start.year + 1, 1, 1))
        assert str(entry["url"]) == "https://example.org/x"


def test_exclusive_end_of_a_leap_february() -> None:
    february = Event(id="f", date=period(2016, 2), title="x")
    assert exclusive_end(february) == dt.date(2016, 3, 1)
    assert exclusive_end(february._replace(date=period(2100, 2))) == dt.date(2100, 3, 1)


# -- links, TimelineJS, Mermaid -----------------------------------------------------------------


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://example.org/a", True), ("http://x.org", True), ("mailto:a@b.org", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,x", False),
    ("vbscript:x", False), ("//example.org", False), ("https://exa mple.org", False),
    ("https://example.org/\u202e", False), ("https:///nohost", False), ("", False),
])
def test_only_http_https_and_mailto_become_links(url: str, allowed: bool) -> None:
    assert (link_target(url) is not None) is allowed


def test_timelinejs_dates_hold_only_the_parts_written() -> None:
    assert date_object(period(2015)) == {"year": "2015"}
    assert date_object(period(2015, 9)) == {"year": "2015", "month": "9"}
    assert date_object(period(2015, 9, 3)) == {"year": "2015", "month": "9", "day": "3"}
    events = [Event(id="s", date=period(2015, 12, 20), end=period(2016, 1), title="<b>x</b>",
                    category="security")]
    document = timelinejs_document(events, Publication(Timeline(tuple(events), title="T&T")))
    slide = document["events"][0]
    assert slide["end_date"] == {"year": "2016", "month": "1"}
    assert slide["display_date"] == "December 20, 2015 – January 2016"
    assert slide["text"]["headline"] == "&lt;b&gt;x&lt;/b&gt;"
    assert (slide["group"], slide["unique_id"]) == ("security", "s")
    assert document["title"]["text"]["headline"] == "T&amp;T"


def test_timelinejs_links_only_safe_urls() -> None:
    result = invoke("timeline", "--data", HOSTILE, "--format", "timelinejs")
    assert result.status == 0, result
    text = json.dumps(json.loads(result.stdout))
    assert "href=\\\"javascript" not in text.lower()
    assert "<script" not in text
    assert 'href=\\"mailto:someone@example.org\\"' in text


ERAS = """\
- start: 2015-09
  end: 2016
  headline: "<b>Talks</b> & trade"
- {start: 2016-06, end: 2016-06-30, headline: June}
"""


def test_timelinejs_eras_from_a_yaml_or_json_file(tmp_path: Path) -> None:
    for name, text in (("eras.yaml", ERAS), ("eras.json", json.dumps(
            [{"start": "2015-09", "end": "2016", "headline": "<b>Talks</b> & trade"},
             {"start": "2016-06", "end": "2016-06-30", "headline": "June"}]))):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = invoke("timeline", "--data", SAMPLE, "--format", "timelinejs",
                        "--eras", str(path))
        assert result.status == 0, result
        eras = json.loads(result.stdout)["eras"]
        assert eras == [
            {"start_date": {"year": "2015", "month": "9"}, "end_date": {"year": "2016"},
             "text": {"headline": "&lt;b&gt;Talks&lt;/b&gt; &amp; trade"}},
            {"start_date": {"year": "2016", "month": "6"},
             "end_date": {"year": "2016", "month": "6", "day": "30"},
             "text": {"headline": "June"}}], name
    without = invoke("timeline", "--data", SAMPLE, "--format", "timelinejs")
    assert "eras" not in json.loads(without.stdout)


@pytest.mark.parametrize(("text", "message"), [
    ("- start: 2015\n  end: 2014\n  headline: x\n",
     "eras.yaml:2:8: era 1: ends (2014) before it starts (2015)"),
    ("- start: 2015\n  end: 2016\n", "eras.yaml:1:3: era 1: missing 'headline'"),
    ("- start: 2015\n  end: 2016\n  headline: x\n  colour: red\n",
     "eras.yaml:4:3: era 1: unknown key 'colour'; an era has start, end, headline"),
    ("- start: 2015\n  end: 2016\n  headline: x\n- start: 2015-13\n  end: 2016\n"
     "  headline: y\n", "eras.yaml:4:10: era 2: start: "),
    ("start: 2015\n", "eras.yaml:1:1: the eras file must be a list of {start, end, headline}"),
    ("- [unclosed\n", "eras.yaml:2:1: not valid YAML or JSON: "),
    ("", "eras.yaml:1:1: the eras file is empty"),
    ("- x\n- y\n", "eras.yaml:1:3: era 1 must be a mapping of start, end and headline "
     "(and 1 more problem)"),
])
def test_an_invalid_eras_file_is_one_line_at_its_place(tmp_path: Path, text: str,
                                                       message: str) -> None:
    (tmp_path / "eras.yaml").write_text(text, encoding="utf-8")
    result = invoke("timeline", "--data", SAMPLE, "--format", "timelinejs",
                    "--eras", str(tmp_path / "eras.yaml"))
    assert result.status == 2, result
    assert result.stdout == ""
    assert result.stderr.startswith(f"relations: error: {tmp_path}/{message}"), result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_eras_are_only_for_timelinejs(tmp_path: Path) -> None:
    path = tmp_path / "eras.yaml"
    path.write_text(ERAS, encoding="utf-8")
    result = invoke("search", "trade", "--data", SAMPLE, "--format", "json", "--eras", str(path))
    assert (result.status, result.stderr) == (
        2, "relations: error: --eras is for --format timelinejs, not json\n"), result
    target = tmp_path / "out.timelinejs.json"
    result = invoke("search", "trade", "--data", SAMPLE, "-o", str(target), "--eras", str(path))
    assert result.status == 0, result
    assert len(json.loads(target.read_text(encoding="utf-8"))["eras"]) == 2
    missing = invoke("timeline", "--data", SAMPLE, "-f", "timelinejs", "--eras",
                     str(tmp_path / "none.yaml"))
    assert missing.status == 2
    assert "none.yaml:1:1: cannot read the eras file" in missing.stderr


def test_mermaid_text_is_one_safe_line() -> None:
    assert mermaid_text("a: b # c; d\nnext <b>") == "a#58; b #35; c#59; d next #60;b#62;"
    assert mermaid_text("") == "#160;"
    assert "\n" not in mermaid_text("x\u2028y\rz")


def test_mermaid_has_a_section_a_year_in_date_order() -> None:
    events = [Event(id="b", date=period(2016, 1), title="B"),
              Event(id="a", date=period(2015), title="A"),
              Event(id="c", date=period(2016, 1), title="C")]
    lines = "".join(render_mermaid(events, Publication(Timeline(())))).splitlines()
    assert lines == ["timeline", "    section 2015", "        2015 : A", "    section 2016",
                     "        January 2016 : B", "            : C"]
    french = "".join(render_mermaid(events, Publication(Timeline(())), "fr")).splitlines()
    assert french[4:] == ["        janvier 2016 : B", "            : C"]


def test_mermaid_gantt_draws_each_period_whole_by_category() -> None:
    from relations_cli.core.dates import parse_event_when

    def event(id: str, when: str, title: str, category: str = "") -> Event:
        start, end = parse_event_when(when)
        return Event(id=id, date=start, end=end, title=title, category=category)

    events = [event("m", "2016-01", "A month", "b"), event("d", "2015-09-03", "A day", "b"),
              event("s", "2015-12-20/2016-01", "A span", "a"),
              event("o", "2016-03-01/..", "Open", "a"), event("y", "2016", "title page"),
              event("bce", "-0043-03-15", "Ides")]
    lines = "".join(render_gantt(events, Publication(Timeline((), title="T: x")))).splitlines()
    assert lines == [
        "gantt", "    title T#58; x", "    dateFormat YYYY-MM-DD", "    axisFormat %Y-%m",
        "    section (none)",
        "    %% left out (before year 100): bce -0043-03-15",
        "    #116;itle page :2016-01-01, 2017-01-01",
        "    section a",
        "    A span :2015-12-20, 2016-02-01",  # to the end of January: exclusive end
        "    Open (open end) :2016-03-01, 2016-03-02",
        "    section b",
        "    A day :milestone, 2015-09-03, 0d",
        "    A month :2016-01-01, 2016-02-01"]
    assert gantt_name("Section 5") == "#83;ection 5"
    assert gantt_name("sections") == "#115;ections"  # more than needed, and harmless
    assert gantt_name("a: b") == "a#58; b"


# -- SVG ----------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _svg(*args: str) -> ET.Element:
    result = invoke("chart", *args, "--format", "svg")
    assert result.status == 0, result
    return ET.fromstring(result.stdout)


@pytest.mark.parametrize(("data", "by"), [(SAMPLE, "category"), (SAMPLE, "person"),
                                          (HOSTILE, "category")])
def test_svg_is_well_formed_with_every_label(data: str, by: str) -> None:
    root = _svg("--data", data, "--by", by, "--width", "120")
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    tips = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    chart = json.loads(invoke("chart", "--data", data, "--by", by, "--format", "json").stdout)
    for lane in chart["lanes"]:
        assert visible(lane["lane"]) in texts
        for event in lane["events"]:
            title = " ".join(visible(event["title"]).split())
            assert title in texts or any(t.endswith(title) for t in tips), title
    legend = root.find(f"{SVG}g[@class='legend']")
    assert legend is not None
    assert {"".join(t.itertext()) for t in legend.iter(f"{SVG}text")} >= {
        visible(str(e["category"])) for e in _json("timeline", "--data", data)}


@pytest.mark.parametrize("width", [40, 80, 200])
def test_svg_fits_its_width(width: int) -> None:
    root = _svg("--data", SAMPLE, "--width", str(width))
    pixels = width * 8
    assert root.get("width") == str(pixels)
    for element in root.iter():
        for name in ("x", "x1", "x2", "cx"):
            if element.get(name) is not None:
                assert 0 <= float(element.get(name, "0")) <= pixels
        if element.tag == f"{SVG}text" and element.get("text-anchor") != "end":
            # Monospace text at 11 px advances at most 0.62 em a character.
            length = len("".join(element.itertext())) * 11 * 0.62
            assert float(element.get("x", "0")) + length <= pixels + 1, element.text


def test_svg_is_only_for_the_chart() -> None:
    result = invoke("timeline", "--data", SAMPLE, "--format", "svg")
    assert result.status == 2
    assert "'svg' is not one of" in result.stderr
    assert invoke("chart", "--data", SAMPLE, "--format", "svg").status == 0


def test_reports_refuse_publishing_formats() -> None:
    result = invoke("summary", "--data", SAMPLE, "--format", "html")
    assert result.status == 2
    assert "'html' is not one of" in result.stderr
    refused = invoke("summary", "--data", SAMPLE, "--output", str(ROOT / "nowhere.html"))
    assert refused.status == 2
    assert "html cannot hold this result" in refused.stderr


# -- golden files and --output ------------------------------------------------------------------

CASES = {
    "timeline.html": ["timeline", "--format", "html"],
    "timeline.ics": ["timeline", "--format", "ics"],
    "timeline.timelinejs.json": ["timeline", "--format", "timelinejs"],
    "timeline.mmd": ["timeline", "--format", "mermaid"],
    "timeline.gantt.mmd": ["timeline", "--format", "mermaid-gantt"],
    "show.html": ["show", "trade-figures", "--format", "html"],
    "chart.svg": ["chart", "--format", "svg", "--width", "100"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_publishing_matches_golden_file(name: str, tmp_path: Path) -> None:
    # Through --output, byte for byte (CliRunner's stdout would turn ics's CRLF into LF).
    target = tmp_path / "out"
    result = invoke(*CASES[name], "--data", SAMPLE, "--output", str(target),
                    env={"SOURCE_DATE_EPOCH": STAMP})
    assert result.status == 0, result
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(target.read_bytes())
    assert target.read_bytes() == golden.read_bytes(), f"{name} differs from {golden}"


@pytest.mark.parametrize(("file_name", "starts"), [
    ("out.html", "<!doctype html>"), ("out.ics", "BEGIN:VCALENDAR\r\n"),
    ("out.timelinejs.json", '{\n  "title"'), ("out.mmd", "timeline\n"),
    ("out.json", "[\n  {"),
])
def test_output_extension_picks_the_format(tmp_path: Path, file_name: str, starts: str) -> None:
    target = tmp_path / file_name
    result = invoke("timeline", "--data", SAMPLE, "--output", str(target))
    assert result.status == 0, result
    assert target.read_bytes().decode("utf-8").startswith(starts)


def test_chart_output_svg(tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"
    result = invoke("chart", "--data", SAMPLE, "--output", str(target))
    assert result.status == 0, result
    assert ET.parse(target).getroot().tag == f"{SVG}svg"


# -- start-up -----------------------------------------------------------------------------------

HEAVY = ("jinja2", "markupsafe", "icalendar", "relations_cli.render.html",
         "relations_cli.render.ics", "relations_cli.render.svg")


def _imported_by(*args: str) -> list[str]:
    code = (
        "import sys\n"
        "from relations_cli.cli import main\n"
        f"sys.argv = ['relations', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60, check=False)
    last: list[str] = json.loads(done.stderr.strip().splitlines()[-1].replace("'", '"'))
    return last


@pytest.mark.parametrize("args", [
    ("timeline", "--data", SAMPLE), ("search", "parade", "--data", SAMPLE),
    ("show", "parade", "--data", SAMPLE), ("summary", "--data", SAMPLE),
    ("chart", "--data", SAMPLE), ("timeline", "--data", SAMPLE, "--format", "json"),
])
def test_reading_commands_do_not_import_the_publishing_libraries(args: tuple[str, ...]) -> None:
    assert _imported_by(*args) == []


def test_publishing_imports_its_library_when_asked() -> None:
    assert "icalendar" in _imported_by("timeline", "--data", SAMPLE, "--format", "ics")
    assert "jinja2" in _imported_by("timeline", "--data", SAMPLE, "--format", "html")

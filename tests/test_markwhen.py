"""`--format markwhen` (issue 22), read by its consumer: `@markwhen/parser` from npm, run by
Node (tests/browser/harness/read-markwhen.mjs), on a timeline of every date form the tool
accepts and hostile titles (tests/publish_forms.py): every event, its period, its tags and
its title; a date Markwhen cannot hold is left out with a note on stderr. Golden files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from relations_cli.core.dates import time_of_day
from relations_cli.core.model import Day, Period, Precision
from relations_cli.render.formats import Kind, format_for_path
from relations_cli.render.safe import visible
from tests.helpers import FIXTURES, ROOT, invoke
from tests.publish_forms import TIMELINE_TITLE, Form, forms, write_forms

SAMPLE = str(FIXTURES / "sample.yaml")
GOLDEN = ROOT / "tests" / "golden"
PARSER = ROOT / "tests" / "browser" / "js" / "node_modules" / "@markwhen" / "parser"
READ_MARKWHEN = ROOT / "tests" / "browser" / "harness" / "read-markwhen.mjs"
# Tags a timeline may hold, of which Markwhen's `#\w+` (ASCII, not digits alone) holds some.
TAGS = ("war", "civil-war", "北京", "_x", "010", "a1", "UPPER", "x.y")
MARKWHEN_TAGS = ("war", "_x", "a1", "UPPER")


def _node() -> str:
    from tests.browser.conftest import unavailable

    node = shutil.which("node")
    if node is None or not (PARSER / "package.json").is_file():
        unavailable("node and @markwhen/parser are needed ('npm ci --prefix tests/browser/js')")
    assert node is not None
    return node


def parsed(path: Path) -> dict[str, Any]:
    """What @markwhen/parser reads in a file (in UTC, so that floating times read as written)."""
    done = subprocess.run([_node(), str(READ_MARKWHEN), str(path)], capture_output=True,
                          text=True, timeout=120, check=False, env={**os.environ, "TZ": "UTC"})
    assert done.returncode == 0, done.stderr
    read: dict[str, Any] = json.loads(done.stdout)
    return read


# -- golden files and the registry --------------------------------------------------------------

CASES = {
    "timeline.mw": ["timeline", "--format", "markwhen"],
    "show.mw": ["show", "trade-figures", "--format", "markwhen"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_markwhen_matches_golden_file(name: str) -> None:
    result = invoke(*CASES[name], "--data", SAMPLE)
    assert result.status == 0, result
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8", newline="")
    assert result.stdout == golden.read_text(encoding="utf-8"), f"{name} differs from {golden}"


def test_mw_extension_selects_markwhen(tmp_path: Path) -> None:
    assert format_for_path("x.mw", Kind.EVENTS) == "markwhen"
    target = tmp_path / "out.mw"
    result = invoke("timeline", "--data", SAMPLE, "--output", str(target))
    assert result.status == 0, result
    assert target.read_text(encoding="utf-8") == invoke(
        "timeline", "--data", SAMPLE, "--format", "markwhen").stdout


def test_markwhen_is_not_a_report_format() -> None:
    result = invoke("summary", "--data", SAMPLE, "--format", "markwhen")
    assert result.status == 2
    assert "internal error" not in result.stderr


# -- the consumer: @markwhen/parser -------------------------------------------------------------


def _holdable(form: Form) -> bool:
    """Markwhen writes years before the common era, never their months or days."""
    coarse = (Precision.YEAR, Precision.DECADE, Precision.CENTURY)
    last = form.last if form.last is not None and form.last.text not in ("..", "") else None
    return all(p.start.year >= 1 or p.precision in coarse for p in (form.start, last) if p)


_ISO = re.compile(r"([+-]?\d{4,6})-(\d\d)-(\d\d)T(\d\d):(\d\d):\d\d\.\d+(Z|[+-]\d\d:\d\d)")


def _minutes(text: str) -> int:
    """Minutes since day 0 in UTC of the parser's ISO text (years beyond 0001 to 9999)."""
    match = _ISO.fullmatch(text)
    assert match, text
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    ordinal = (Day.of(9999, 12, 31) + 1) if year == 10000 else Day.of(year, month, day)
    zone = match[6]
    offset = 0 if zone == "Z" else (1 if zone[0] == "+" else -1) * (
        int(zone[1:3]) * 60 + int(zone[4:6]))
    return int(ordinal) * 1440 + hour * 60 + minute - offset


def _zone_minutes(period: Period) -> int:
    time = time_of_day(period)
    zone = time[3] if time else ""
    if zone in ("", "Z"):
        return 0
    sign = 1 if zone[0] == "+" else -1
    return sign * (int(zone[1:3]) * 60 + (int(zone[-2:]) if len(zone) > 3 else 0))


def expected(form: Form) -> tuple[int, int]:
    """The period Markwhen must read, in UTC minutes: from the start's first minute (its
    time, seconds left out) to the minute after the end's last day, or to its time; an open
    or unknown end covers its start's period; an instant ends where it starts."""
    start = form.start
    real_end = form.last is not None and form.last.text not in ("..", "")
    last = form.last if real_end and form.last is not None else start
    zone = _zone_minutes(start) or _zone_minutes(last)
    time = time_of_day(start)
    first = int(start.start) * 1440 - zone + (time[0] * 60 + time[1] if time else 0)
    end_time = time_of_day(last)
    if end_time is not None:
        if last is start:
            return first, first
        return first, int(last.start) * 1440 - _zone_minutes(last) + end_time[0] * 60 + \
            end_time[1]
    return first, (int(last.end) + 1) * 1440 - zone


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    folder = tmp_path_factory.mktemp("markwhen")
    data = write_forms(folder / "forms.yaml")
    result = invoke("timeline", "--data", str(data), "--format", "markwhen")
    assert result.status == 0, result
    target = folder / "forms.mw"
    target.write_text(result.stdout, encoding="utf-8")
    return parsed(target), result.stderr


def _title(event: dict[str, Any]) -> str:
    # The parser keeps the colon after a year before the common era in the title (`44 BC:
    # x` gives ': x'), and shows character references as Markdown does, as the character.
    title = str(event["title"])
    if " BC" in event["date"] or " AD" in event["date"]:
        title = title.removeprefix(": ")
    return re.sub(r"&#(\d+);", lambda m: chr(int(m[1])), title)


def test_parser_reads_every_event_at_its_period(exported: tuple[dict[str, Any], str]) -> None:
    read, _stderr = exported
    assert read["messages"] == []
    events = {e["properties"]["id"]: e for e in read["events"]}
    wanted = {f.id: f for f in forms() if _holdable(f)}
    assert set(events) == set(wanted)
    assert len(read["events"]) == len(wanted)
    wrong = {}
    for key, form in wanted.items():
        event = events[key]
        shown = (_minutes(event["from"]), _minutes(event["to"]))
        if shown != expected(form):
            wrong[key] = (form.date, form.end, event["date"], event["from"], event["to"])
    assert wrong == {}


def test_parser_reads_every_title_and_section(exported: tuple[dict[str, Any], str]) -> None:
    read, _ = exported
    events = {e["properties"]["id"]: e for e in read["events"]}
    categories = ("war", "politics", "science")
    for number, form in enumerate(forms()):
        if form.id in events:
            assert _title(events[form.id]) == visible(form.title.strip()), form
            assert events[form.id]["path"] == [categories[number % 3]], form
            assert events[form.id]["tags"] == [], form
    assert read["header"]["title"] == TIMELINE_TITLE


def test_dates_markwhen_cannot_hold_are_noted(exported: tuple[dict[str, Any], str]) -> None:
    _, stderr = exported
    left_out = [f for f in forms() if not _holdable(f)]
    assert left_out  # the corpus has months and days before the common era
    notes = stderr.splitlines()
    assert len(notes) == len(left_out)
    for form in left_out:
        assert any(f"left out {form.id}" in note for note in notes), form
    assert all(n.startswith("relations: note: Markwhen cannot hold") for n in notes)
    assert "internal error" not in stderr


def test_parser_reads_tags_and_hostile_text(tmp_path: Path) -> None:
    hostile = ("#tag in title", "see !ref and .end of it", "[Paris](location) there",
               "![img](http://x/y.png) image", "&#35; written", "x #2016 y", "[x] done",
               "a![i](http://x/y.png) b", ". a: b")
    lines = ["title: 'Tags #1'", "events:"]
    summary = json.dumps("2016-01-01: not an event #nope\n# nor a section")
    for number, title in enumerate(hostile):
        lines += [f"  - id: e{number}", "    date: 2016-03-27",
                  f"    title: {json.dumps(title)}", f"    tags: {json.dumps(list(TAGS))}",
                  f"    summary: {summary}"]
    data = tmp_path / "tags.yaml"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("timeline", "--data", str(data), "--format", "markwhen")
    assert result.status == 0, result
    target = tmp_path / "tags.mw"
    target.write_text(result.stdout, encoding="utf-8")
    read = parsed(target)
    assert read["messages"] == []
    assert [e["properties"]["id"] for e in read["events"]] == [
        f"e{n}" for n in range(len(hostile))]
    for number, event in enumerate(read["events"]):
        assert event["tags"] == list(MARKWHEN_TAGS)
        assert event["properties"]["tags"] == list(TAGS)  # all of them, in order
        assert _title(event) == hostile[number]
        assert event["date"] == "2016-03-27"
    assert read["header"]["title"] == "Tags #1"


def test_fixture_file_is_read_by_the_parser_as_by_the_reader() -> None:
    """The hand-written Markwhen file the reader's tests use is Markwhen: the parser finds as
    many events in it as the reader reads or reports (rows and problems)."""
    from relations_cli.ingest.base import ReadOptions
    from relations_cli.ingest.markwhen import read

    path = FIXTURES / "markwhen" / "handwritten.mw"
    by_parser = parsed(path)["events"]
    found = read(path.read_bytes(), ReadOptions(path.name))
    assert len(found.rows) + len(found.problems) == len(by_parser)
    titles = [row.draft["title"] for row in found.rows]
    assert all(any(t in str(e["title"]) for e in by_parser) for t in titles)

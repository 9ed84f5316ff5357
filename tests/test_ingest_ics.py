"""The iCalendar reader (relations_cli/ingest/ics.py, issue 22): calendars written by the
`icalendar` package, every kind of date, every field, recurrences, every problem a VEVENT can
have (at its line), input that is no calendar, and the round trip `timeline --format ics |
read`, which gives the same events up to the declared losses (README, "Import losses")."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Alarm, Calendar, Event, Todo

from relations_cli.core.dates import (
    OPEN_END,
    parse_event_date,
    parse_event_when,
    parse_filter_date,
    time_of_day,
)
from relations_cli.core.errors import TimelineError
from relations_cli.ingest.base import Draft, Ingested, ReadOptions
from relations_cli.ingest.ics import MAX_OCCURRENCES, read
from relations_cli.render.safe import visible
from tests.budgets import examples
from tests.helpers import BUNDLED, FIXTURES, invoke
from tests.publish_forms import forms, write_forms

UTC = dt.timezone.utc


def calendar(*entries: dict[str, Any], name: str = "") -> bytes:
    """A calendar written by icalendar: each entry's keys are properties (lists: repeated)."""
    made = Calendar()
    made.add("prodid", "-//tests//relations//EN")
    made.add("version", "2.0")
    if name:
        made.add("x-wr-calname", name)
    for number, fields in enumerate(entries):
        entry = Event()
        entry.add("uid", fields.pop("uid", f"event-{number}"))
        entry.add("dtstamp", dt.datetime(2016, 1, 1, tzinfo=UTC))
        for key, value in fields.items():
            entry.add(key, value)
        made.add_component(entry)
    data: bytes = made.to_ical()
    return data


def one(**fields: Any) -> Draft:
    found = read(calendar({"summary": "An event", **fields}), ReadOptions("t.ics"))
    assert found.problems == [], found.problems
    assert len(found.rows) == 1
    return found.rows[0].draft


def _dates(draft: Draft) -> tuple[str, str | None]:
    return draft["date"], draft.get("end")


# -- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "wanted"), [
    (dt.date(2016, 3, 1), dt.date(2016, 4, 1), ("2016-03", None)),  # exactly a month
    (dt.date(2016, 2, 1), dt.date(2016, 3, 1), ("2016-02", None)),  # a leap February
    (dt.date(2016, 1, 1), dt.date(2017, 1, 1), ("2016", None)),  # exactly a year
    (dt.date(2016, 3, 27), dt.date(2016, 3, 28), ("2016-03-27", None)),  # one day
    (dt.date(2016, 3, 27), None, ("2016-03-27", None)),  # no DTEND: one day
    (dt.date(2016, 3, 1), dt.date(2016, 3, 3), ("2016-03-01", "2016-03-02")),  # DTEND exclusive
    (dt.date(2016, 3, 1), dt.date(2016, 5, 1), ("2016-03-01", "2016-04-30")),  # two months
    (dt.date(2015, 12, 20), dt.date(2016, 1, 11), ("2015-12-20", "2016-01-10")),
    (dt.date(2016, 3, 2), dt.date(2016, 4, 1), ("2016-03-02", "2016-03-31")),  # not whole
])
def test_all_day_events(start: dt.date, end: dt.date | None,
                        wanted: tuple[str, str | None]) -> None:
    fields: dict[str, Any] = {"dtstart": start}
    if end is not None:
        fields["dtend"] = end
    assert _dates(one(**fields)) == wanted


def test_duration_instead_of_dtend() -> None:
    assert _dates(one(dtstart=dt.date(2016, 3, 1), duration=dt.timedelta(days=31))) == (
        "2016-03", None)
    assert _dates(one(dtstart=dt.datetime(2016, 3, 27, 10, tzinfo=UTC),
                      duration=dt.timedelta(hours=2))) == (
        "2016-03-27T10:00Z", "2016-03-27T12:00Z")


@pytest.mark.parametrize(("start", "end", "wanted"), [
    (dt.datetime(1969, 7, 20, 20, 17, tzinfo=UTC), None, ("1969-07-20T20:17Z", None)),
    (dt.datetime(1969, 7, 20, 20, 17, 40, tzinfo=UTC), None, ("1969-07-20T20:17:40Z", None)),
    (dt.datetime(2016, 3, 27, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata")), None,
     ("2016-03-27T10:00+05:30", None)),
    # Europe/Paris changes its offset that very night: each moment keeps its own.
    (dt.datetime(2016, 3, 27, 1, 0, tzinfo=ZoneInfo("Europe/Paris")),
     dt.datetime(2016, 3, 27, 10, 0, tzinfo=ZoneInfo("Europe/Paris")),
     ("2016-03-27T01:00+01:00", "2016-03-27T10:00+02:00")),
    (dt.datetime(2016, 3, 27, 10, 0), dt.datetime(2016, 3, 27, 12, 30),
     ("2016-03-27T10:00", "2016-03-27T12:30")),  # floating time
    (dt.datetime(2016, 3, 27, 10, 0, tzinfo=UTC), dt.datetime(2016, 3, 27, 10, 0, tzinfo=UTC),
     ("2016-03-27T10:00Z", None)),  # an instant
    (dt.datetime(2016, 3, 27, 10, 0, tzinfo=UTC), dt.datetime(2016, 3, 30, 0, 0, tzinfo=UTC),
     ("2016-03-27T10:00Z", "2016-03-29")),  # to midnight: to the end of the day before
    (dt.datetime(1900, 1, 1, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam")), None,
     ("1900-01-01T11:40:28Z", None)),  # local mean time (+00:19:32): no EDTF offset, so UTC
])
def test_timed_events_keep_time_and_zone(start: dt.datetime, end: dt.datetime | None,
                                         wanted: tuple[str, str | None]) -> None:
    fields: dict[str, Any] = {"dtstart": start}
    if end is not None:
        fields["dtend"] = end
    draft = one(**fields)
    assert _dates(draft) == wanted
    parse_event_when(draft["date"])  # the loader reads what is stored


@settings(max_examples=examples(200), deadline=None)
@given(st.dates(dt.date(1, 1, 1), dt.date(9998, 12, 1)), st.integers(1, 800))
def test_any_all_day_span_keeps_its_days(start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=days)
    draft = one(dtstart=start, dtend=end)
    first, last = parse_event_when(draft["date"])
    if "end" in draft:
        last = parse_event_date(draft["end"])
    assert first.start.to_date() == start
    assert (last or first).end.to_date() == end - dt.timedelta(days=1)


# -- fields -------------------------------------------------------------------------------------


def test_fields_become_the_timeline_fields() -> None:
    draft = one(dtstart=dt.date(2016, 3, 27), description="Backed by air strikes.\nLine two.",
                location="Palmyra", url="https://example.org/a", categories=["security"],
                uid="palmyra-retaken")
    assert draft == {"title": "An event", "summary": "Backed by air strikes.\nLine two.",
                     "date": "2016-03-27", "place": "Palmyra", "category": "security",
                     "sources": [{"title": "https://example.org/a",
                                  "url": "https://example.org/a"}],
                     "id": "palmyra-retaken"}


def test_several_categories_or_words_are_tags() -> None:
    assert one(dtstart=dt.date(2016, 1, 1), categories=["war", "syria"])["tags"] == [
        "war", "syria"]
    assert one(dtstart=dt.date(2016, 1, 1), categories=["Blue Category"])["tags"] == [
        "Blue Category"]


@pytest.mark.parametrize(("uid", "wanted"), [
    ("palmyra-retaken", "palmyra-retaken"),
    ("abc@google.com", "abc-google-com-"),
    ("040000008200E00074C5B7101A82E008", "040000008200e00074c5b7101a82e008-"),
    ("@@@", "ics-"),
])
def test_uid_gives_a_stable_id(uid: str, wanted: str) -> None:
    first = one(dtstart=dt.date(2016, 1, 1), uid=uid)["id"]
    assert first.startswith(wanted)
    assert first == one(dtstart=dt.date(2016, 1, 1), uid=uid)["id"]  # the same every run
    assert all((part.isalnum() and part.islower()) or part.isdigit() for part in first.split("-"))


def test_calendar_name_is_the_title() -> None:
    found = read(calendar({"summary": "x", "dtstart": dt.date(2016, 1, 1)}, name="Team"),
                 ReadOptions("t.ics"))
    assert found.title == "Team"


# -- recurrences --------------------------------------------------------------------------------


def _window(since: str, until: str) -> dict[str, Any]:
    return {"since": parse_filter_date(since), "until": parse_filter_date(until)}


def _recurring(**options: Any) -> Ingested:
    return read(_recurring_text().encode(), ReadOptions("r.ics", **options))


def _recurring_text() -> str:
    return calendar(
        {"summary": "Weekly", "uid": "weekly", "dtstart": dt.date(2016, 1, 4),
         "rrule": {"freq": "weekly"}, "exdate": dt.date(2016, 1, 11)},
        {"summary": "Moved", "uid": "weekly", "recurrence-id": dt.date(2016, 1, 18),
         "dtstart": dt.date(2016, 1, 19)},
        {"summary": "Three times", "uid": "three", "dtstart": dt.date(2016, 2, 1),
         "dtend": dt.date(2016, 2, 3), "rrule": {"freq": "monthly", "count": 3}},
    ).decode()


def test_recurrence_without_end_or_window_is_a_problem_not_a_silence() -> None:
    found = _recurring()
    assert [p.column for p in found.problems] == ["RRULE"]
    assert "--until" in found.problems[0].message
    lines = _recurring_text().splitlines()
    assert lines[found.problems[0].row - 1] == "BEGIN:VEVENT"
    assert lines[found.problems[0].row] == "SUMMARY:Weekly"
    # The rule with COUNT needs no window; its spans keep their length.
    assert [_dates(r.draft) for r in found.rows] == [
        ("2016-02-01", "2016-02-02"), ("2016-03-01", "2016-03-02"), ("2016-04-01", "2016-04-02")]
    assert found.notes == ["1 event has a recurrence rule: 3 occurrences read"]


def test_recurrence_is_expanded_within_the_window() -> None:
    found = _recurring(**_window("2016-01", "2016-01"))
    assert found.problems == []
    weekly = [(r.draft["title"], r.draft["date"], r.draft["id"]) for r in found.rows
              if r.draft["id"].startswith("weekly")]
    assert weekly == [("Weekly", "2016-01-04", "weekly-20160104"),  # 11th excluded (EXDATE)
                      ("Moved", "2016-01-19", "weekly-20160118"),  # its RECURRENCE-ID
                      ("Weekly", "2016-01-25", "weekly-20160125")]
    assert all(not r.draft["id"].startswith("three") for r in found.rows)


@pytest.mark.parametrize(("rule", "says"), [
    ({"freq": "hourly"}, "more often than a timeline holds"),
    ({"freq": "daily", "count": MAX_OCCURRENCES + 5}, f"more than {MAX_OCCURRENCES:,}"),
])
def test_recurrences_too_frequent_or_too_many_are_problems(rule: dict[str, Any],
                                                           says: str) -> None:
    found = read(calendar({"summary": "Often", "dtstart": dt.date(2016, 1, 1), "rrule": rule}),
                 ReadOptions("t.ics"))
    assert found.rows == []
    assert says in found.problems[0].message


# -- problems at their line ---------------------------------------------------------------------

BAD = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
    "BEGIN:VEVENT\r\nUID:ok\r\nDTSTART;VALUE=DATE:20160101\r\nSUMMARY:Fine\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20160101\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:No start\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:c\r\nDTSTART:2016XX\r\nSUMMARY:Broken\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:d\r\nDTSTART:20160301T000000Z\r\nDTEND:20150301T000000Z\r\n"
    "SUMMARY:Backwards\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:e\r\nDTSTART;VALUE=DATE:20160301\r\nDTEND:20160302T000000Z\r\n"
    "SUMMARY:Mixed\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:ok\r\nDTSTART;VALUE=DATE:20160101\r\nSUMMARY:Twice\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:f\r\nDTSTART;VALUE=DATE:20160101\r\nSUMMARY:Also fine\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n")


def test_every_bad_vevent_is_a_problem_at_its_begin_line() -> None:
    found = read(BAD.encode(), ReadOptions("bad.ics"))
    assert [r.draft["title"] for r in found.rows] == ["Fine", "Also fine"]
    lines = BAD.split("\r\n")
    got = [(lines[p.row - 1], p.column) for p in found.problems]
    assert got == [("BEGIN:VEVENT", c) for c in
                   ("SUMMARY", "DTSTART", "DTSTART", "DTEND", "DTEND", "UID")]
    rows = [p.row for p in found.problems]
    assert rows == [n for n, line in enumerate(lines, 1) if line == "BEGIN:VEVENT"][1:7]
    messages = [p.message for p in found.problems]
    assert "needs a SUMMARY" in messages[0]
    assert "needs a DTSTART" in messages[1]
    assert "2016XX" in messages[2]
    assert "before it starts" in messages[3]
    assert "same kind" in messages[4]
    assert "already the UID of the VEVENT at line 4" in messages[5]


@pytest.mark.parametrize(("data", "line", "says"), [
    (b"", 1, "empty"),
    (b"   \n", 1, "empty"),
    (b"\x00\x01\x02\xff binary", 1, "not UTF-8"),
    (b"PK\x03\x04\x00\x00", 1, "NUL bytes"),
    (b"title: a timeline\nevents: []\n", 1, "does not begin with BEGIN:VCALENDAR"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n", 1, "cut short"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nthis is not a content line\r\nEND:VCALENDAR\r\n", 3,
     "not a readable iCalendar file"),
    (b"\xff\xfe\x00\xd8", 1, "UTF-16"),
])
def test_input_that_is_no_calendar_is_one_error(data: bytes, line: int, says: str) -> None:
    with pytest.raises(TimelineError) as caught:
        read(data, ReadOptions("in.ics"))
    assert str(caught.value).startswith(f"in.ics:{line}:1: ")
    assert says in str(caught.value)


def test_utf16_and_bom_are_read() -> None:
    text = calendar({"summary": "Événement", "dtstart": dt.date(2016, 1, 1)}).decode()
    for data in (text.encode("utf-16"), b"\xef\xbb\xbf" + text.encode()):
        assert read(data, ReadOptions("x.ics")).rows[0].draft["title"] == "Événement"


def test_control_characters_and_huge_calendars_never_raise() -> None:
    entries = [{"summary": f"Event {n} \x1b[31m\u202e", "dtstart": dt.date(2000, 1, 1)
                + dt.timedelta(days=n)} for n in range(3_000)]
    entries.append({"summary": "x" * 1_000_000, "dtstart": dt.date(2016, 1, 1)})
    found = read(calendar(*entries), ReadOptions("big.ics"))
    assert len(found.rows) == 3_001
    assert found.rows[0].draft["title"] == "Event 0 \x1b[31m\u202e"


@settings(max_examples=examples(100), deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_read_or_refused_cleanly(data: bytes) -> None:
    with contextlib.suppress(TimelineError):
        read(b"BEGIN:VCALENDAR\r\n" + data + b"\r\nEND:VCALENDAR\r\n", ReadOptions("x.ics"))


# -- round trip: our export read back -----------------------------------------------------------


def _when(date: str, end: str | None) -> tuple[str, str | None]:
    start, last = parse_event_when(date)
    if end is not None:
        last = OPEN_END if end == ".." else parse_event_date(end)
    return start.text, last.text if last is not None else None


def _declared(date: str, end: str | None) -> tuple[str, str | None]:
    """The date a calendar gives back (README, Import losses): a date given to the day loses
    its qualifier, and an end's time of day is lost when the start has none."""
    start, last = _when(date, end)
    if time_of_day(parse_event_date(start)) is None and last and "T" in last:
        last = last.split("T")[0]
    if len(start) == 11 and start[-1] in "?~%":
        start = start[:-1]
    if last and len(last) == 11 and last[-1] in "?~%":
        last = last[:-1]
    return start, last


def test_every_date_form_comes_back(tmp_path: Path) -> None:
    data = write_forms(tmp_path / "forms.yaml")
    result = invoke("timeline", "--data", str(data), "--format", "ics")
    assert result.status == 0, result
    found = read(result.stdout.encode("utf-8"), ReadOptions("forms.ics"))
    assert found.problems == []
    drafts = {row.draft["id"]: row.draft for row in found.rows}
    for form in forms():
        if form.start.start.year < 1:
            assert form.id not in drafts  # left out, with a note (tests/test_publish_forms.py)
            continue
        draft = drafts.pop(form.id)
        assert _when(draft["date"], draft.get("end")) == _declared(form.date, form.end), form
        assert draft["title"] == visible(form.title.strip(), keep_newlines=True), form
    assert drafts == {}


def _events(data: Path) -> list[dict[str, Any]]:
    lines = invoke("timeline", "--data", str(data), "--format", "jsonl").stdout.splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize("data", [BUNDLED, FIXTURES / "sample.yaml"], ids=["bundled", "sample"])
def test_timeline_comes_back_up_to_the_declared_losses(data: Path) -> None:
    result = invoke("timeline", "--data", str(data), "--format", "ics")
    assert result.status == 0, result
    found = read(result.stdout.encode("utf-8"), ReadOptions("out.ics"))
    assert found.problems == []
    back = {row.draft["id"]: row.draft for row in found.rows}
    events = _events(data)
    assert set(back) == {e["id"] for e in events}
    for event in events:
        draft = back[event["id"]]
        assert _when(draft["date"], draft.get("end")) == _declared(
            event["date"], event["end"]), event
        for key in ("title", "summary", "place", "category", "date_note"):
            assert draft.get(key, "") == visible(event[key], keep_newlines=True).strip(), key
        # People come back with the speakers of the quotes; quotes as they were.
        speakers = [q["by"] for q in event["quotes"] if q["by"] not in event["people"]]
        assert draft.get("people", []) == event["people"] + speakers
        assert draft.get("quotes", []) == event["quotes"]
        # Sources: each one, its title, publisher and date joined in the title, its URL kept.
        assert [s.get("url", "") for s in draft.get("sources", [])] == [
            s["url"] for s in event["sources"]]
        assert [s["title"] for s in draft.get("sources", [])] == [
            ", ".join(x for x in (s["title"], s["publisher"], s["date"]) if x)
            for s in event["sources"]]
        # Declared losses: tags, actors and figures (iCalendar has no place for them).
        assert "tags" not in draft
        assert "actors" not in draft
        assert "figures" not in draft


def test_timed_recurrence_keeps_the_wall_clock_across_a_change_of_offset() -> None:
    paris = ZoneInfo("Europe/Paris")
    found = read(calendar({
        "summary": "Weekly call", "uid": "call",
        "dtstart": dt.datetime(2016, 3, 20, 10, 0, tzinfo=paris),
        "dtend": dt.datetime(2016, 3, 20, 11, 0, tzinfo=paris),
        "rrule": {"freq": "weekly", "until": dt.datetime(2016, 4, 4, tzinfo=UTC)}}),
        ReadOptions("t.ics"))
    assert found.problems == []
    assert [(_dates(r.draft), r.draft["id"]) for r in found.rows] == [
        (("2016-03-20T10:00+01:00", "2016-03-20T11:00+01:00"), "call-20160320t1000"),
        (("2016-03-27T10:00+02:00", "2016-03-27T11:00+02:00"), "call-20160327t1000"),
        (("2016-04-03T10:00+02:00", "2016-04-03T11:00+02:00"), "call-20160403t1000")]


def test_recurrence_window_may_be_one_sided_for_a_rule_with_an_end() -> None:
    found = read(calendar({"summary": "Yearly", "uid": "y", "dtstart": dt.date(2010, 3, 27),
                           "rrule": {"freq": "yearly", "count": 10}}),
                 ReadOptions("t.ics", since=parse_filter_date("2015")))
    assert [r.draft["date"] for r in found.rows] == [f"{y}-03-27" for y in range(2015, 2020)]


def test_what_is_not_kept_is_named_in_a_note() -> None:
    made = Calendar()
    made.add("prodid", "-//tests//relations//EN")
    made.add("version", "2.0")
    entry = Event()
    entry.add("uid", "meeting")
    entry.add("summary", "Meeting")
    entry.add("dtstart", dt.date(2016, 3, 27))
    entry.add("attendee", "mailto:a@example.org")
    entry.add("attendee", "mailto:b@example.org")
    entry.add("organizer", "mailto:c@example.org")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", dt.timedelta(minutes=-15))
    entry.add_component(alarm)
    made.add_component(entry)
    todo = Todo()
    todo.add("uid", "todo")
    todo.add("summary", "A task")
    made.add_component(todo)
    cancelled = Event()
    cancelled.add("uid", "off")
    cancelled.add("summary", "Called off")
    cancelled.add("dtstart", dt.date(2016, 3, 28))
    cancelled.add("status", "CANCELLED")
    made.add_component(cancelled)
    found = read(made.to_ical(), ReadOptions("t.ics"))
    assert [row.draft["title"] for row in found.rows] == ["Meeting"]
    assert found.notes == [
        "1 cancelled event (STATUS:CANCELLED) not read: it did not take place",
        "not kept: ATTENDEE (1), ORGANIZER (1), VALARM (1), VTODO (1)"]


_LINES = ["DTSTART;VALUE=DATE:20160101", "DTSTART:20160101T100000Z", "DTSTART:2016",
          "DTSTART;TZID=Nowhere/City:20160101T100000", "DTSTART;VALUE=PERIOD:20160101T1000Z/PT1H",
          "DTEND;VALUE=DATE:20160102", "DTEND:20150101T000000Z", "DTEND:x", "DURATION:P1D",
          "DURATION:-P400D", "DURATION:P99999999D", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3",
          "RRULE:FREQ=YEARLY", "RRULE:FREQ=WEEKLY;UNTIL=20160201", "RRULE:FREQ=NOPE",
          "RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=2", "EXDATE;VALUE=DATE:20160102",
          "EXDATE:garbage", "RDATE;VALUE=DATE:20170101", "RECURRENCE-ID;VALUE=DATE:20160102",
          "RECURRENCE-ID:xx", "SUMMARY:A", "SUMMARY:", "UID:u1", "UID:u2",
          "CATEGORIES:a,b", "CATEGORIES:", "STATUS:CANCELLED", "URL:not a url",
          "DESCRIPTION:Date: 2016 (x)\\nOpen end: y", "LOCATION:\x1b[31m"]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.lists(st.sampled_from(_LINES), max_size=7), max_size=4),
       st.booleans(), st.booleans())
def test_any_vevent_reads_or_is_a_problem(entries: list[list[str]], ours: bool,
                                          window: bool) -> None:
    prodid = "-//relations-cli//relations//EN" if ours else "-//t//t//EN"
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + prodid + "\r\n" + "".join(
        "BEGIN:VEVENT\r\n" + "".join(line + "\r\n" for line in lines) + "END:VEVENT\r\n"
        for lines in entries) + "END:VCALENDAR\r\n"
    options = ReadOptions("f.ics", **(_window("2016", "2016") if window else {}))
    try:
        found = read(text.encode(), options)
    except TimelineError:
        return  # a calendar icalendar refuses as a whole: one clean error
    for row in found.rows:
        parse_event_when(row.draft["date"])
        if "end" in row.draft and row.draft["end"] != "..":
            parse_event_date(row.draft["end"])
        assert row.draft["title"]


def test_override_of_no_occurrence_is_a_problem_unless_outside_the_window() -> None:
    data = calendar(
        {"summary": "Weekly", "uid": "w", "dtstart": dt.date(2016, 1, 4),
         "rrule": {"freq": "weekly", "count": 3}},
        {"summary": "Stray", "uid": "w", "recurrence-id": dt.date(2016, 1, 5),
         "dtstart": dt.date(2016, 1, 6)})
    found = read(data, ReadOptions("t.ics"))
    assert [p.column for p in found.problems] == ["RECURRENCE-ID"]
    assert len(found.rows) == 3
    later = read(data, ReadOptions("t.ics", **_window("2016-01-10", "2016-02")))
    assert later.problems == []
    assert [r.draft["date"] for r in later.rows] == ["2016-01-11", "2016-01-18"]


def test_an_unknown_zone_is_read_as_floating_and_said() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            "SUMMARY:Somewhere\r\nDTSTART;TZID=Nowhere/City:20160701T100000\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")
    found = read(text.encode(), ReadOptions("t.ics"))
    assert found.rows[0].draft["date"] == "2016-07-01T10:00"
    assert found.notes == ["TZID=Nowhere/City is no zone icalendar knows and the file defines "
                           "no VTIMEZONE of that name: 1 time read as floating (no offset)"]

"""iCalendar (RFC 5545) read with `icalendar`: each VEVENT becomes an event draft.

Dates keep what the calendar says and no more. An all-day event covering exactly one month
or one year becomes that month (`2016-03`) or year (`2016`); any other all-day span becomes
`date` and `end`, its last day being the day before DTEND (DTEND is exclusive). A timed event
keeps its time and its zone, as an offset (`2016-03-27T10:00+02:00` for Europe/Paris, `Z` for
UTC, none for floating time); a timed DTEND at midnight ends on the day before, as a day, and
one equal to DTSTART is an instant.

SUMMARY is the title, DESCRIPTION the summary, LOCATION the place, URL a source. CATEGORIES:
one category of one word is the event's category (as `relations timeline --format ics`
writes it); several, or one of several words, are tags. UID keeps a second import
idempotent: it is the id when it is a valid id (or one our own export wrote), and an id made
from it otherwise (`abc-google-com-1f2e3d4c` for `abc@google.com`).

An RRULE is expanded within --since/--until (a rule with COUNT or UNTIL needs no window),
EXDATE and RDATE and RECURRENCE-ID overrides included; one recurring more often than daily,
or with no end and no window, is a problem naming the options, never dropped in silence.

A calendar written by our own export is read back to its events: the id from the UID and,
from the DESCRIPTION lines it writes, the date as written (seasons, decades, qualifiers on
coarse dates, open and unknown ends, a zone's offset), the date note, people, quotes and
sources. What it cannot keep is the README's "Import losses" row. A cancelled event
(STATUS:CANCELLED) is not read, every property or component not kept (ATTENDEE, VALARM,
VTODO...) is counted in a note, and so is a TZID that names no zone known (read as floating).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from relations_cli.core.dates import parse_event_date, parse_event_when, time_of_day
from relations_cli.core.errors import DateError
from relations_cli.core.model import Day
from relations_cli.ingest.base import Draft, Ingested, Problem, ReadOptions, Row
from relations_cli.ingest.text import document_text, refuse

__all__ = ["read"]

OUR_PRODID = "-//relations-cli//relations//EN"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CATEGORY = re.compile(r"[^\W_][\w-]*")
_OUR_UID = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)\.[0-9a-f]{12}@relations-cli")
# The lines our export writes after the summary in DESCRIPTION (render/ics._description).
_PREFIXES = ("Date: ", "Time as written: ", "Date note: ", "Open end: ", "Unknown end (",
             "People: ", "Quote: ", "Source: ")
# More often than daily is not a timeline's grain, and dateutil walks such a rule from its
# DTSTART one step at a time: a hostile rule could take hours.
_TOO_FREQUENT = {"SECONDLY", "MINUTELY", "HOURLY"}
MAX_OCCURRENCES = 10_000
_MAX_STEPS = 200_000


def read(data: bytes, options: ReadOptions) -> Ingested:
    """The events of an iCalendar file; a file that is not one is one TimelineError."""
    from icalendar import Calendar

    text = document_text(data, options.name, "an iCalendar file",
                         " (iCalendar is UTF-8, RFC 5545 3.1.4)")
    if not text.strip():
        refuse(options.name, 1, "the file is empty: an iCalendar file begins with "
                "BEGIN:VCALENDAR")
    if not re.match(r"\s*BEGIN:VCALENDAR\s*$", text.split("\n", 1)[0], re.IGNORECASE):
        refuse(options.name, 1, "not an iCalendar file: it does not begin with "
                "BEGIN:VCALENDAR")
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        refuse(options.name, _line_of(text, str(error)),
                f"not a readable iCalendar file: {_one_line(str(error))}")
    if not calendars:
        refuse(options.name, 1, "the calendar has no END:VCALENDAR: the file is cut short")
    found = Ingested()
    first = calendars[0]
    if first.get("X-WR-CALNAME"):
        found.title = str(first["X-WR-CALNAME"]).strip() or None
    if first.get("X-WR-CALDESC"):
        found.description = str(first["X-WR-CALDESC"]).strip() or None
    lines = _vevent_lines(text)
    entries = [(calendar, entry) for calendar in calendars for entry in calendar.walk("VEVENT")]
    if len(lines) != len(entries):
        lines = list(range(1, len(entries) + 1))  # never expected: then number them in order
    _Reading(found, options).run(
        [(line, entry, str(calendar.get("PRODID", "")) == OUR_PRODID)
         for line, (calendar, entry) in zip(lines, entries, strict=True)])
    others = Counter(c.name for calendar in calendars for c in calendar.subcomponents
                     if c.name not in ("VEVENT", "VTIMEZONE"))
    others.update(c.name for _, entry in entries for c in entry.subcomponents)
    others.update(str(name).upper() for _, entry in entries for name in entry
                  if str(name).upper() not in _READ and str(name).upper() not in _BOOKKEEPING)
    if others:
        found.notes.append("not kept: " + ", ".join(
            f"{name} ({count})" for name, count in sorted(others.items())))
    return found


# The properties read, and those that only keep a calendar's own books (not the event's).
_READ = {"SUMMARY", "DESCRIPTION", "LOCATION", "CATEGORIES", "URL", "UID", "DTSTART", "DTEND",
         "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "STATUS"}
_BOOKKEEPING = {"DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "TRANSP", "CLASS",
                "PRIORITY"}


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _line_of(text: str, message: str) -> int:
    """The line a parse error quotes, when it quotes one."""
    quoted = re.search(r"'([^']{3,})'", message)
    if quoted:
        for number, line in enumerate(text.splitlines(), 1):
            if quoted[1] in line:
                return number
    return 1


def _vevent_lines(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), 1)
            if line.strip().upper() == "BEGIN:VEVENT"]


class _Bad(Exception):
    """One VEVENT cannot become an event: the property to blame and why."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


_Moment = dt.date  # a date, or a datetime (a subclass of date)


class _LastDay(dt.date):
    """An end given as the last day itself: the day after 31 December 9999 has no date."""

    def __add__(self, other: dt.timedelta) -> _LastDay:
        moved = dt.date(self.year, self.month, self.day) + other
        return _LastDay(moved.year, moved.month, moved.day)


class _Reading:
    def __init__(self, found: Ingested, options: ReadOptions) -> None:
        self.found = found
        self.options = options
        self.uids: dict[str, int] = {}
        self.recurring = 0
        self.occurrences = 0
        self.cancelled = 0
        self.unknown_zones: dict[str, int] = {}

    def run(self, entries: list[tuple[int, Any, bool]]) -> None:
        overrides: dict[str, dict[dt.date, tuple[int, Any]]] = {}
        masters = {str(entry.get("UID", "")) for _, entry, _ in entries
                   if entry.get("RRULE") or entry.get("RDATE")} - {""}

        def override(entry: Any) -> bool:
            """One occurrence of a series in the file, changed (read with the series)."""
            return (entry.get("RECURRENCE-ID") is not None and not entry.get("RRULE")
                    and not entry.get("RDATE") and str(entry.get("UID", "")) in masters)

        for line, entry, _ in entries:
            if override(entry):
                instead = entry.decoded("RECURRENCE-ID")
                if isinstance(instead, dt.date):
                    overrides.setdefault(str(entry["UID"]), {})[instead] = (line, entry)
        for line, entry, ours in entries:
            if override(entry) and isinstance(entry.decoded("RECURRENCE-ID"), dt.date):
                continue  # read with its series
            try:
                self.one(line, entry, ours, overrides.get(str(entry.get("UID", "")), {}))
            except _Bad as bad:
                self.found.problems.append(Problem(line, bad.column, bad.message))
        for zone, count in sorted(self.unknown_zones.items()):
            self.found.notes.append(
                f"TZID={zone} is no zone icalendar knows and the file defines no VTIMEZONE of "
                f"that name: {count} {'time' if count == 1 else 'times'} read as floating "
                "(no offset)")
        if self.cancelled:
            self.found.notes.append(
                f"{self.cancelled} cancelled {'event' if self.cancelled == 1 else 'events'} "
                "(STATUS:CANCELLED) not read: it did not take place")
        if self.recurring:
            self.found.notes.append(
                f"{self.recurring} {'event has' if self.recurring == 1 else 'events have'} a "
                f"recurrence rule: {self.occurrences} occurrences read"
                + (" within --since/--until" if self.options.since or self.options.until
                   else ""))

    def one(self, line: int, entry: Any, ours: bool,
            overrides: dict[dt.date, tuple[int, Any]]) -> None:
        _readable(entry)
        uid = str(entry.get("UID", "")).strip()
        recurrence = entry.get("RECURRENCE-ID")
        key = uid + (f"@{entry.decoded('RECURRENCE-ID')}" if recurrence is not None else "")
        if uid and key in self.uids:
            raise _Bad("UID", f"UID '{_one_line(uid)}' is already the UID of the VEVENT at "
                       f"line {self.uids[key]}; each event is read once")
        if str(entry.get("STATUS", "")).upper() == "CANCELLED":
            self.cancelled += 1
            return
        draft, start, end = _draft(entry, ours)
        for name in ("DTSTART", "DTEND"):
            value = entry.get(name)
            zone = value.params.get("TZID") if value is not None and hasattr(
                value, "params") else None
            moment = entry.decoded(name) if value is not None else None
            if zone and isinstance(moment, dt.datetime) and moment.tzinfo is None:
                self.unknown_zones[str(zone)] = self.unknown_zones.get(str(zone), 0) + 1
        if uid:
            self.uids[key] = line
            draft["id"] = _id_for(uid, ours) + (
                f"-{_stamp(entry.decoded('RECURRENCE-ID'))}" if recurrence is not None else "")
        if entry.get("RRULE") is None and entry.get("RDATE") is None:
            self.found.rows.append(Row(line, draft))
            return
        moments = self.expand(entry, start)
        self.recurring += 1
        moments_set = set(moments)
        since, until = self.options.since, self.options.until
        for moment, (other_line, _) in overrides.items():
            day = Day.from_date(moment if not isinstance(moment, dt.datetime) else moment.date())
            inside = (since is None or since.start <= day) and (until is None or day <= until.end)
            if inside and moment not in moments_set:
                self.found.problems.append(Problem(
                    other_line, "RECURRENCE-ID", f"RECURRENCE-ID {moment} is no occurrence of "
                    "its series; not read"))
        for moment in moments:
            if moment in overrides:
                other_line, other = overrides[moment]
                try:
                    changed, _, _ = _draft(other, ours)
                except _Bad as bad:
                    self.found.problems.append(Problem(other_line, bad.column, bad.message))
                    continue
                if draft.get("id"):
                    changed["id"] = f"{draft['id']}-{_stamp(moment)}"
                self.found.rows.append(Row(other_line, changed))
            else:
                shifted = dict(draft)
                moved = _shift(end, moment - start) if end is not None else None
                shifted.pop("end", None)
                shifted.update(_when(moment, moved))
                if draft.get("id"):
                    shifted["id"] = f"{draft['id']}-{_stamp(moment)}"
                self.found.rows.append(Row(line, shifted))
            self.occurrences += 1

    def expand(self, entry: Any, start: _Moment) -> list[_Moment]:
        """The occurrences within --since/--until (or all of a rule with an end)."""
        from dateutil import rrule

        rule = entry.get("RRULE")
        rules = rule if isinstance(rule, list) else [rule] if rule is not None else []
        if len(rules) > 1:
            raise _Bad("RRULE", "more than one RRULE: RFC 5545 allows one; nothing read of "
                       "this event")
        if rules and str(rules[0].get("FREQ", [""])[0]).upper() in _TOO_FREQUENT:
            raise _Bad("RRULE", f"recurs {str(rules[0]['FREQ'][0]).lower()}, more often than "
                       "a timeline holds (daily at most); nothing read of this event")
        finite = not rules or bool(rules[0].get("COUNT") or rules[0].get("UNTIL"))
        since, until = self.options.since, self.options.until
        if not finite and until is None:
            raise _Bad("RRULE", "recurs without end: give --until (and --since) to read its "
                       "occurrences within them; nothing read of this event")
        timed = isinstance(start, dt.datetime)
        anchor = start if isinstance(start, dt.datetime) else dt.datetime(
            start.year, start.month, start.day)
        try:
            ruleset = rrule.rruleset()
            if rules:
                parsed = rrule.rrulestr(rules[0].to_ical().decode("ascii"), dtstart=anchor,
                                        ignoretz=not _aware(start))
                if isinstance(parsed, rrule.rrule):
                    ruleset.rrule(parsed)
            for name, add in (("RDATE", ruleset.rdate), ("EXDATE", ruleset.exdate)):
                for value in _moments(entry, name):
                    add(_as_anchor(value, anchor))
        except (ValueError, TypeError, OverflowError) as error:
            raise _Bad("RRULE", f"the recurrence cannot be read: {_one_line(str(error))}"
                       ) from None
        low = _bound(since.start.to_date() if since else None, anchor)
        high = _bound(until.end.to_date() + dt.timedelta(days=1) if until else None, anchor)
        found: list[_Moment] = []
        try:
            for step, moment in enumerate(ruleset):
                if step > _MAX_STEPS or len(found) > MAX_OCCURRENCES:
                    raise _Bad("RRULE", f"more than {MAX_OCCURRENCES:,} occurrences (or "
                               f"{_MAX_STEPS:,} before the window): narrow --since/--until; "
                               "nothing read of this event")
                if high is not None and moment >= high:
                    break
                if low is None or moment >= low:
                    found.append(moment if timed else moment.date())
        except (ValueError, TypeError, OverflowError) as error:
            raise _Bad("RRULE", f"the recurrence cannot be read: {_one_line(str(error))}"
                       ) from None
        return found


def _aware(moment: _Moment) -> bool:
    return isinstance(moment, dt.datetime) and moment.tzinfo is not None


def _as_anchor(value: _Moment, anchor: dt.datetime) -> dt.datetime:
    """An RDATE or EXDATE as the kind of moment the rule yields."""
    if not isinstance(value, dt.datetime):
        return anchor.replace(year=value.year, month=value.month, day=value.day)
    if anchor.tzinfo is None:
        return value.replace(tzinfo=None)
    return value if value.tzinfo else value.replace(tzinfo=anchor.tzinfo)


def _bound(day: dt.date | None, anchor: dt.datetime) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=anchor.tzinfo)


def _moments(entry: Any, name: str) -> Iterator[_Moment]:
    values = entry.get(name)
    for group in values if isinstance(values, list) else [values] if values else []:
        for item in group.dts:
            yield item.dt


def _stamp(moment: _Moment) -> str:
    if isinstance(moment, dt.datetime):
        return moment.strftime("%Y%m%dt%H%M")
    return moment.strftime("%Y%m%d")


def _shift(moment: _Moment, by: dt.timedelta) -> _Moment:
    return moment + by


def _id_for(uid: str, ours: bool) -> str:
    """The id a UID gives: our export's own id, the UID when it is an id, else one made from
    it that is the same on every run."""
    mine = _OUR_UID.fullmatch(uid)
    if ours and mine:
        return mine[1]
    if _ID.fullmatch(uid):
        return uid
    slug = re.sub(r"[^a-z0-9]+", "-", uid.lower()).strip("-")[:48].strip("-")
    digest = hashlib.sha1(uid.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"ics-{digest}"


def _text(entry: Any, name: str) -> str:
    value = entry.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value is not None else ""


def _draft(entry: Any, ours: bool) -> tuple[Draft, _Moment, _Moment | None]:
    """An event draft from one VEVENT, with its start and end as the calendar gives them."""
    _readable(entry)
    title = _text(entry, "SUMMARY")
    if not title:
        raise _Bad("SUMMARY", "a VEVENT needs a SUMMARY, the event's title")
    if entry.get("DTSTART") is None:
        raise _Bad("DTSTART", "a VEVENT needs a DTSTART, the event's date")
    start = entry.decoded("DTSTART")
    if not isinstance(start, dt.date):
        raise _Bad("DTSTART", "DTSTART is not a date or a date-time")
    end = _end_of(entry, start)
    draft: Draft = {"title": title}
    description = _text(entry, "DESCRIPTION")
    written: dict[str, str] = {}
    if ours:
        description, written = _our_description(description)
    if description:
        draft["summary"] = description
    draft.update(_when(start, end, written))
    place = _text(entry, "LOCATION")
    if place:
        draft["place"] = place
    categories = [str(c).strip() for group in _listed(entry.get("CATEGORIES"))
                  for c in getattr(group, "cats", [group]) if str(c).strip()]
    if len(categories) == 1 and _CATEGORY.fullmatch(categories[0]):
        draft["category"] = categories[0]
    elif categories:
        draft["tags"] = categories
    sources = _our_sources(written.get("Source: ", "")) if ours else []
    url = _text(entry, "URL")
    if url and not any(s.get("url") == url for s in sources):
        sources.insert(0, {"title": url, "url": url})
    if sources:
        draft["sources"] = sources
    if written.get("Date note: "):
        draft["date_note"] = written["Date note: "]
    quotes = _our_quotes(written.get("Quote: ", ""))
    if quotes:
        draft["quotes"] = quotes
    people = _our_people(written.get("People: ", ""))
    if people:
        draft["people"] = people
    return draft, start, end


def _readable(entry: Any) -> None:
    """The first property icalendar could not read, as the VEVENT's problem."""
    for name, message in entry.errors:
        raise _Bad(str(name), f"{name} cannot be read: {_one_line(str(message))}")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _end_of(entry: Any, start: _Moment) -> _Moment | None:
    end: _Moment
    if entry.get("DTEND") is not None:
        end = entry.decoded("DTEND")
        if not isinstance(end, dt.date):
            raise _Bad("DTEND", "DTEND is not a date or a date-time")
        if isinstance(end, dt.datetime) != isinstance(start, dt.datetime):
            raise _Bad("DTEND", "DTEND is a date and DTSTART a date-time, or the other way "
                       "round; RFC 5545 asks for the same kind")
    elif entry.get("DURATION") is not None:
        duration = entry.decoded("DURATION")
        if not isinstance(duration, dt.timedelta):
            raise _Bad("DURATION", "DURATION is not a duration")
        try:
            end = start + duration
        except OverflowError:
            # Our export gives a period ending on 31 December 9999 as a DURATION, since the
            # day after it cannot be written: it ends on that last day.
            try:
                last = start + (duration - dt.timedelta(microseconds=1))
            except OverflowError:
                raise _Bad("DURATION", "DURATION runs past the year 9999") from None
            return _LastDay(last.year, last.month, last.day)
    else:
        return None
    if _comparable(end) < _comparable(start):
        raise _Bad("DTEND", f"the event ends ({end}) before it starts ({start})")
    return end


def _comparable(moment: _Moment) -> Any:
    if isinstance(moment, _LastDay):
        return dt.datetime(moment.year, moment.month, moment.day, 23, 59, 59, 999999,
                           tzinfo=dt.timezone.utc)
    if isinstance(moment, dt.datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return dt.datetime(moment.year, moment.month, moment.day, tzinfo=dt.timezone.utc)


def _when(start: _Moment, end: _Moment | None,
          written: dict[str, str] | None = None) -> dict[str, str]:
    """`date` (and `end`) as the text to store."""
    written = written or {}
    if isinstance(start, dt.datetime) and isinstance(end, _LastDay):
        found = {"date": _timed(start, None, written)["date"], "end": end.isoformat()}
    elif isinstance(start, dt.datetime):
        found = _timed(start, end if isinstance(end, dt.datetime) else None, written)
    else:
        found = _all_day(start, end)
    when = written.get("Date: ", "").split(" (", 1)[0]
    if when:
        as_written = _written_when(when)
        if as_written is not None and _same_start(as_written["date"], found["date"]):
            return as_written
    if "Open end: " in written:
        return {"date": found["date"], "end": ".."}
    if "Unknown end (" in written:
        return {"date": f"{found['date']}/"}
    return found


def _written_when(when: str) -> dict[str, str] | None:
    """Our export's `Date:` line: `2015-09`, `2015-09-03..2015-09-05`, `2015-09/..`."""
    date, _, end = when.partition("..") if ".." in when and not when.endswith("/..") else (
        when, "", "")
    if when.endswith("/.."):
        date, end = when[:-3], ".."
    try:
        parse_event_when(date)
        if end and end != "..":
            parse_event_date(end)
    except DateError:
        return None
    return {"date": date, "end": end} if end else {"date": date}


def _same_start(written: str, read: str) -> bool:
    try:
        return parse_event_when(written)[0].start == parse_event_when(read)[0].start
    except DateError:
        return False


def _all_day(start: dt.date, end: dt.date | None) -> dict[str, str]:
    if isinstance(end, _LastDay):
        last = dt.date(end.year, end.month, end.day)
    else:
        last = start if end is None or end <= start else end - dt.timedelta(days=1)
    after = last + dt.timedelta(days=1) if last < dt.date.max else None
    if start.day == 1 and after is not None and after.day == 1:
        if start.month == 1 and after.month == 1 and after.year == start.year + 1:
            return {"date": f"{start.year:04d}"}
        if (after.year * 12 + after.month) - (start.year * 12 + start.month) == 1:
            return {"date": f"{start.year:04d}-{start.month:02d}"}
    if start.month == 1 and start.day == 1 and last == dt.date(start.year, 12, 31):
        return {"date": f"{start.year:04d}"}
    if last == start:
        return {"date": start.isoformat()}
    return {"date": start.isoformat(), "end": last.isoformat()}


def _zone(moment: dt.datetime) -> str | None:
    """The offset as the loader reads it (`Z`, `+05:30`), '' for floating time; None for an
    offset it cannot hold (seconds, or beyond -12:00 to +14:00)."""
    if moment.tzinfo is None:
        return ""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    seconds = int(offset.total_seconds())
    if seconds == 0:
        return "Z"
    if seconds % 60 or not -12 * 3600 <= seconds <= 14 * 3600:
        return None
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _moment_text(moment: dt.datetime) -> str:
    zone = _zone(moment)
    if zone is None:  # an offset no EDTF date holds: the same instant in UTC
        moment, zone = moment.astimezone(dt.timezone.utc), "Z"
    seconds = f":{moment.second:02d}" if moment.second else ""
    return f"{moment.date().isoformat()}T{moment.hour:02d}:{moment.minute:02d}{seconds}{zone}"


def _timed(start: dt.datetime, end: dt.datetime | None,
           written: dict[str, str]) -> dict[str, str]:
    start_text = _moment_text(start)
    end_zone: dt.tzinfo | None = end.tzinfo if end is not None else None
    for text in written.get("Time as written: ", "").split(" (", 1)[0].split(" to "):
        instant = _instant(text)
        if instant is None:
            continue
        if _same_instant(instant, start):
            start_text, end_zone = text, instant.tzinfo
        elif end is not None and _same_instant(instant, end):
            end_zone = instant.tzinfo
    if end is None or _comparable(end) == _comparable(start):
        return {"date": start_text}
    local = end.astimezone(end_zone) if end.tzinfo and end_zone else end
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        last = local.date() - dt.timedelta(days=1)
        if last >= start.date():
            return {"date": start_text, "end": last.isoformat()}
    for text in written.get("Time as written: ", "").split(" (", 1)[0].split(" to "):
        instant = _instant(text)
        if instant is not None and _same_instant(instant, end):
            return {"date": start_text, "end": text}
    return {"date": start_text, "end": _moment_text(local)}


def _instant(text: str) -> dt.datetime | None:
    try:
        period = parse_event_date(text)
    except DateError:
        return None
    time = time_of_day(period)
    if time is None or period.start.year < 1:
        return None
    hour, minute, second, zone = time
    day = period.start.to_date()
    tz: dt.tzinfo | None = None
    if zone == "Z":
        tz = dt.timezone.utc
    elif zone:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0)))
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)


def _same_instant(one: dt.datetime, other: dt.datetime) -> bool:
    if (one.tzinfo is None) != (other.tzinfo is None):
        return False
    return one == other


def _our_description(description: str) -> tuple[str, dict[str, str]]:
    """Our export's DESCRIPTION: the summary, then lines that each begin with a label."""
    lines = description.split("\n")
    start = next((n for n, line in enumerate(lines) if line.startswith(_PREFIXES)), len(lines))
    written: dict[str, str] = {}
    label = ""
    for line in lines[start:]:
        found = next((p for p in _PREFIXES if line.startswith(p)), None)
        if found is None:
            if label:
                written[label] += "\n" + line
            continue
        label = found
        value = line[len(found):]
        written[label] = f"{written[label]}\n{value}" if label in written else value
    return "\n".join(lines[:start]).strip(), written


def _our_sources(lines: str) -> list[dict[str, str]]:
    """`Source: Title, Publisher, 2016-04 <https://...>` lines: the text before the link is
    the title (the export joins title, publisher and date with commas, which a title may hold
    too, so they stay together), the link the url."""
    sources = []
    for line in lines.split("\n") if lines else []:
        match = re.fullmatch(r"(.*?)(?: <(\S+)>)?", line.strip())
        if match and match[1]:
            source = {"title": match[1]}
            if match[2]:
                source["url"] = match[2]
            sources.append(source)
    return sources


def _our_quotes(lines: str) -> list[dict[str, str]]:
    """`Quote: “text” — speaker` lines (a quote without a speaker is not one the loader
    takes)."""
    quotes = []
    for line in lines.split("\n") if lines else []:
        match = re.fullmatch(r"“(.*)” — (.+)", line.strip(), re.DOTALL)
        if match:
            quotes.append({"by": match[2].strip(), "text": match[1]})
    return quotes


def _our_people(line: str) -> list[str]:
    """The `People: Name (role), Name` line. It names the speakers of the quotes too, so a
    speaker who was not among the event's people comes back among them."""
    return [m[1].strip() for m in re.finditer(r"([^,(]+?)(?: \([^)]*\))?(?:, |$)", line)
            if m[1].strip()]

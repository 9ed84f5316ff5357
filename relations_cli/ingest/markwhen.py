"""Markwhen (`.mw`) read into event drafts, following `@markwhen/parser` 1.2.

Read: the header (`---` front matter or the `key: value` lines before the first event), whose
`title` and `description` are the timeline's; events `DATE: TITLE`, with the dates Markwhen
writes (`2016`, `2016-03`, `2016-03-27`, `2016-03-27 10:00` or `10am`, `2016-03-27T10:00:00Z`,
`March 2016`, `March 5, 2016`, `5 March 2016`, `3/27/2016` or, under `dateFormat: d/M/y`,
`27/3/2016`; `44 BC`, `300 BC - 200 BC`, `50 BC - 50 AD`, which end, as @markwhen/parser
reads them, where their last year starts: 300 to 201 BC, 50 BC to AD 49) and their ranges
(`A / B`, `A - B`, `A to B`); the event's properties (YAML lines under it); its description
(the summary); `#tags`; `[Paris](location)` as the place; sections.

Sections (Markdown headings `# Name`, or the older `section Name`/`group Name` blocks up to
`endSection`/`endGroup`): the innermost one is the category when its name is one word, as a
category is, and a tag otherwise; every enclosing one is a tag, and so are the `#tags` of a
heading. A `category` property wins over the section, which is then a tag.

Properties: `id` (when it is a valid id), `timezone` (an offset, `UTC`, or a zone name such as
Europe/Paris, turned into the offset at that date), `tags`, `place` or `location`,
`date_note`, `actors`, `people`, `sources`, `quotes`, `figures`, and `edtf`: our own export
writes the date as written there when Markwhen's says less (a season, a qualifier, an open
end), and it is kept when it covers the same days as the Markwhen date. Other properties,
images and checkboxes are named in a note; dates with no fixed day (`now`, relative dates
such as `after !launch 3 days`, ISO weeks, a date without a year) and recurrences
(`every week`) are problems that say so, never dropped in silence.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from relations_cli.core.dates import parse_event_date, parse_event_when
from relations_cli.core.errors import DateError
from relations_cli.core.model import year_text
from relations_cli.ingest.base import Draft, Ingested, Problem, ReadOptions, Row
from relations_cli.ingest.text import document_text

__all__ = ["read"]

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CATEGORY = re.compile(r"[^\W_][\w-]*")
_COMMENT = re.compile(r"\s*//")
_SECTION = re.compile(r"\s*(#{1,6})\s+(.*)")
_GROUP_START = re.compile(r"\s*(?:group|section)(?:\s+(.*))?$", re.IGNORECASE)
_GROUP_END = re.compile(r"\s*end\s*(?:group|section)\s*$", re.IGNORECASE)
_TAG_COLOR = re.compile(r"\s*#\w+\s*:")
_PROPERTY = re.compile(r"(?!-)\s*([\w\-.]+):(?:\s|$)")
_TAG = re.compile(r"(?:^|(?<=\s))#(?!\d+(?:\s|$))([A-Za-z0-9_]+)")
_LOCATION = re.compile(r"\[([^\]]+)\]\((?:location|map)\)")
_IMAGE = re.compile(r"!\[[^\]<>]*\]\([^)]*\)")
_CHECKBOX = re.compile(r"\s*\[(?:x|X| )?\]\s*")
_REFERENCE = re.compile(r"&#(33|35|38|46|91);")
# A line our export escaped with `. `, as Markwhen's own calendar import does (render/markwhen).
_ESCAPED_LINE = re.compile(
    r"\. (?=[^\n]*:|\s*#|\s*//|\. |\s*(?:end\s*)?(?:group|section)\b)", re.IGNORECASE)

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), 1) for name in names}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIME = (r"(?:(?P<h12>1[0-2]|0?[1-9])(?::(?P<m12>\d\d))?\s*(?P<ampm>[ap]m)"
         r"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>\d\d))")
_EDTF_DATE = re.compile(rf"(?P<y>\d{{4}})(?:-(?P<mo>\d\d)(?:-(?P<d>\d\d)(?:\s+{_TIME})?)?)?",
                        re.IGNORECASE)
_ISO = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d*)?Z")
_CASUAL = re.compile(
    rf"(?:(?P<d1>[0-3]?\d)\s+(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\.?\s+(?P<d2>[0-3]?\d)(?!\d))"
    rf",?\s+(?P<cy>\d{{4}})|(?P<m3>{_MONTH})\.?,?\s+(?P<y3>\d{{4}})", re.IGNORECASE)
_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})|(\d{1,2})/(\d{4})")
_BCE_LINE = re.compile(r"(\d{1,5}\s?(?:BCE|BC|AD|CE)?(?:\s?[–-]\s?\d{1,5}\s?(?:BCE|BC|AD|CE)?)?)"
                       r"\s*:(.*)", re.IGNORECASE)
_BCE = re.compile(r"(\d{1,5})\s?(BCE|BC|AD|CE)?(?:\s?[–-]\s?(\d{1,5})\s?(BCE|BC|AD|CE)?)?",
                  re.IGNORECASE)
# What the start of an event line may hold besides the forms read: a line of these words that
# ends in a colon is an event Markwhen reads, so one not read here is a problem, not a summary.
_DATE_WORDS = re.compile(
    rf"(?:\d{{4}}-?w\d\d(?:-?[1-7])?|\d[\d/:.\-–]*|{_MONTH}|bce?|ad|ce|[ap]m|to|til|until|every|now|after|before|by|"
    r"plus|for|times|other|x|\d*w\d*|week|weeks|work|business|days?|d|hours?|h|minutes?|"
    r"mins?|seconds?|secs?|s|months?|years?|y|ms|milliseconds|![A-Za-z0-9_]+(?:\.(?:start|end))?"
    r"|\.(?:start|end)|\+|-|–|,|/)", re.IGNORECASE)


def read(data: bytes, options: ReadOptions) -> Ingested:
    """The events of a Markwhen document; a file that is not text is one TimelineError."""
    text = document_text(data, options.name, "a Markwhen file", "")
    return _Reader(text.splitlines(), options).run()


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _shown(text: str) -> str:
    return _REFERENCE.sub(lambda m: chr(int(m[1])), text)


class _Reader:
    def __init__(self, lines: list[str], options: ReadOptions) -> None:
        self.lines = lines
        self.options = options
        self.found = Ingested()
        self.header: dict[str, Any] = {}
        self.sections: list[tuple[int, str, list[str]]] = []  # (level, name, tags)
        self.unkept: dict[str, int] = {}

    def run(self) -> Ingested:
        number = self.read_header()
        while number < len(self.lines):
            line = self.lines[number]
            if _COMMENT.match(line) or not line.strip() or self.section(line):
                number += 1
            elif self.event_start(line) is not None:
                number = self.event(number)
            elif self.looks_like_event(line):
                self.found.problems.append(Problem(number + 1, "date", self.unread(line)))
                number = self.skip_block(number)
            else:
                self.unkept["text outside any event"] = self.unkept.get(
                    "text outside any event", 0) + 1
                number += 1
        if not self.found.rows and not self.found.problems:
            self.found.notes.append("the file holds no Markwhen event")
        for what, count in self.unkept.items():
            self.found.notes.append(f"not kept: {what} ({count})")
        return self.found

    # -- header ----------------------------------------------------------------------------

    def read_header(self) -> int:
        import yaml

        lines = self.lines
        start = 0
        while start < len(lines) and not lines[start].strip():
            start += 1
        if start < len(lines) and lines[start].startswith("---"):
            end = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("---")),
                       None)
            if end is None:
                self.found.problems.append(Problem(start + 1, "header", "the header opened "
                                                   "by --- has no closing ---"))
                return len(lines)
            body, after = lines[start + 1:end], end + 1
        else:
            end = start
            while end < len(lines) and (_PROPERTY.match(lines[end]) or _COMMENT.match(
                    lines[end]) or _TAG_COLOR.match(lines[end])) and self.event_start(
                    lines[end]) is None:
                end += 1
            body, after = lines[start:end], end
        kept = [line for line in body if not _COMMENT.match(line)]
        colors = sum(bool(_TAG_COLOR.match(line)) for line in kept)
        if colors:  # `#tag: red`, which YAML would take for a comment
            self.unkept["tag colors"] = colors
        if not any(line.strip() for line in kept):
            return after
        try:
            header = yaml.safe_load("\n".join(kept))
        except (yaml.YAMLError, ValueError, TypeError) as error:
            mark = getattr(error, "problem_mark", None)
            line = start + 1 + (mark.line if mark is not None else 0)
            self.found.problems.append(Problem(line, "header", "the header is not YAML: "
                                               f"{' '.join(str(error).split())[:160]}"))
            return after
        if not isinstance(header, dict):
            return after
        self.header = {str(k): v for k, v in header.items()}
        for key in ("title", "description"):
            value = self.header.get(key)
            if value is not None and str(value).strip():
                setattr(self.found, key, str(value).strip())
        others = sorted(k for k in self.header if k not in (
            "title", "description", "timezone", "dateFormat"))
        if others:
            self.found.notes.append(f"header keys not kept: {', '.join(others)}")
        return after

    # -- sections --------------------------------------------------------------------------

    def section(self, line: str) -> bool:
        heading = _SECTION.match(line)
        if heading:
            level = len(heading[1])
            while self.sections and self.sections[-1][0] >= level:
                self.sections.pop()
            self.sections.append((level, *_named(heading[2])))
            return True
        if _GROUP_END.match(line):
            if self.sections and self.sections[-1][0] > 6:
                self.sections.pop()
            return True
        group = _GROUP_START.match(line)
        if group and ":" not in line:
            self.sections.append((7 + len(self.sections), *_named(group[1] or "")))
            return True
        return False

    # -- events ----------------------------------------------------------------------------

    def event_start(self, line: str) -> tuple[str, str] | None:
        """(date part, rest) when the line starts an event in a form read here."""
        return _split_event(line)

    def looks_like_event(self, line: str) -> bool:
        head, colon, _ = line.partition(":")
        if not colon or not head.strip():
            return False
        words = re.findall(r"[^\s,]+|,", head.strip())
        return bool(words) and all(_DATE_WORDS.fullmatch(w) for w in words) and bool(
            re.match(rf"\s*(?:\d|now|after|before|by|!|\.|{_MONTH})", head, re.IGNORECASE))

    def unread(self, line: str) -> str:
        head = line.partition(":")[0].strip()
        if re.search(r"\bevery\b", line, re.IGNORECASE):
            why = "a recurrence ('every ...') is not read; write each occurrence as an event"
        elif re.search(r"\bnow\b|!\w|\.(?:start|end)\b|\b(?:after|before|by)\b", head,
                       re.IGNORECASE):
            why = ("a date relative to now or to another event is not read; write the date "
                   "itself")
        elif re.search(r"\d{4}-?W\d", head, re.IGNORECASE):
            why = "an ISO week date is not read; write the days (2024-01-29 / 2024-02-04)"
        elif not re.search(r"\d{4}", head) and not re.search(r"\bBCE?\b|\bAD\b|\bCE\b", head,
                                                                    re.IGNORECASE):
            why = ("a date without a year is not read (Markwhen takes the current year; "
                   "nothing is filled in from today)")
        else:
            why = ("this date is not one read from Markwhen (YYYY, YYYY-MM, YYYY-MM-DD with "
                   "an optional time, 'March 5, 2016', 3/27/2016, 44 BC, and ranges of them)")
        return f"'{_clip(head)}': {why}"

    def skip_block(self, number: int) -> int:
        number += 1
        while number < len(self.lines) and not self.ends_block(self.lines[number]):
            number += 1
        return number

    def ends_block(self, line: str) -> bool:
        return bool(_SECTION.match(line) or _GROUP_END.match(line) or (
            _GROUP_START.match(line) and ":" not in line) or self.event_start(line) is not None
            or self.looks_like_event(line))

    def event(self, number: int) -> int:
        line = self.lines[number]
        split = self.event_start(line)
        assert split is not None
        date_part, rest = split
        end = number + 1
        properties: list[str] = []
        fenced = end < len(self.lines) and self.lines[end].startswith("---")
        if fenced:
            close = next((n for n in range(end + 1, len(self.lines))
                          if self.lines[n].startswith("---")), len(self.lines))
            properties, end = self.lines[end + 1:close], close + 1
        else:
            while end < len(self.lines) and _PROPERTY.match(self.lines[end]) and \
                    self.event_start(self.lines[end]) is None:
                properties.append(self.lines[end])
                end += 1
        body_start = end
        while end < len(self.lines) and not self.ends_block(self.lines[end]):
            end += 1
        try:
            draft = self.draft(date_part, rest, properties, self.lines[body_start:end])
        except _Bad as bad:
            self.found.problems.append(Problem(number + 1, bad.column, bad.message))
        else:
            self.found.rows.append(Row(number + 1, draft))
        return end

    def draft(self, date_part: str, rest: str, property_lines: list[str],
              body: list[str]) -> Draft:
        properties = _properties(property_lines)
        tags: list[str] = []
        places: list[str] = []
        title = self.text_of(rest, tags, first=True, places=places)
        if not title:
            raise _Bad("title", "the event has no title after its date")
        draft: Draft = {"title": title}
        zone = properties.get("timezone", properties.get("tz", self.header.get("timezone")))
        draft.update(_dates(date_part, zone, str(self.header.get("dateFormat", ""))))
        edtf = properties.get("edtf")
        if isinstance(edtf, str) and _covers_same(edtf, draft):
            draft.pop("end", None)
            date, slash, last = edtf.partition("/")
            if slash and last not in ("", "..") and "/" not in last:
                draft.update({"date": date, "end": last})
            else:
                draft["date"] = edtf
        summary_lines = [self.text_of(line, tags, places=places) for line in body
                         if not _COMMENT.match(line)]
        summary = "\n".join(summary_lines).strip("\n")
        if summary.strip():
            draft["summary"] = summary.strip()
        self.place_and_ids(draft, properties, rest, places)
        property_tags = properties.get("tags")
        if isinstance(property_tags, list):
            tags = [str(t) for t in property_tags] + [t for t in tags if t not in map(
                str, property_tags)]
        section_tags, category = self.from_sections()
        if "category" in properties and category:
            section_tags.append(category)  # the property wins; the section is kept as a tag
            category = None
        category = properties.get("category", category)
        if isinstance(category, str) and _CATEGORY.fullmatch(category.strip()):
            draft["category"] = category.strip()
        all_tags = list(dict.fromkeys([*tags, *section_tags]))
        if all_tags:
            draft["tags"] = all_tags
        return draft

    def text_of(self, line: str, tags: list[str], first: bool = False,
                places: list[str] | None = None) -> str:
        """A line of an event as text: tags and `[Paris](location)` taken out (into `tags` and
        `places`), then the character references of our export undone."""
        if not first and line.startswith(". ") and _ESCAPED_LINE.match(line):
            line = line[2:]  # a summary line our export escaped
        if first:
            checkbox = _CHECKBOX.match(line)
            if checkbox:
                self.unkept["checkboxes"] = self.unkept.get("checkboxes", 0) + 1
                line = line[checkbox.end():]
            if _IMAGE.search(line):
                self.unkept["images"] = self.unkept.get("images", 0) + 1
                line = _IMAGE.sub("", line)
        if places is not None and _LOCATION.search(line):
            places.extend(_LOCATION.findall(line))
            line = re.sub(r" ?" + _LOCATION.pattern, "", line)
        for tag in _TAG.findall(line):
            if tag not in tags:
                tags.append(tag)
        line = _TAG.sub("", line)
        if first:
            line = re.sub(r"(^|\W)![A-Za-z0-9_]+(?:\.(?:start|end))?", r"\1", line)
        return _shown(line.strip() if first else line)

    def place_and_ids(self, draft: Draft, properties: dict[str, Any], rest: str,
                      places: list[str]) -> None:
        if places:
            draft["place"] = places[0]
        event_id = properties.get("id")
        reference = re.search(r"(?:^|\W)!([A-Za-z0-9_]+)", rest)
        if event_id is None and reference:
            event_id = reference[1]
        if isinstance(event_id, str) and _ID.fullmatch(event_id.strip()):
            draft["id"] = event_id.strip()
        elif event_id is not None:
            self.unkept["ids that are not lowercase words joined by '-'"] = self.unkept.get(
                "ids that are not lowercase words joined by '-'", 0) + 1
        for key in ("place", "location"):
            if isinstance(properties.get(key), str) and properties[key].strip():
                draft["place"] = properties[key].strip()
        if isinstance(properties.get("date_note"), str):
            draft["date_note"] = properties["date_note"]
        for key in ("actors", "people"):
            value = properties.get(key)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                draft[key] = value
        for key in ("sources", "quotes", "figures"):
            value = properties.get(key)
            if isinstance(value, list) and all(isinstance(v, dict) for v in value):
                draft[key] = [{str(k): str(v) for k, v in item.items() if v not in ("", None)}
                              for item in value]
        known = {"id", "edtf", "timezone", "tz", "tags", "place", "location", "date_note",
                 "actors", "people", "sources", "quotes", "figures", "category"}
        for key in properties:
            if key not in known:
                self.unkept[f"property '{key}'"] = self.unkept.get(f"property '{key}'", 0) + 1

    def from_sections(self) -> tuple[list[str], str | None]:
        tags: list[str] = []
        category = None
        for index, (_, name, heading_tags) in enumerate(self.sections):
            tags.extend(heading_tags)
            innermost = index == len(self.sections) - 1
            if innermost and _CATEGORY.fullmatch(name):
                category = name
            elif name:
                tags.append(name)
        return tags, category


def _named(text: str) -> tuple[str, list[str]]:
    """A section's name and the tags written in its heading."""
    tags = _TAG.findall(text)
    return _shown(_TAG.sub("", text).strip()), tags


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _properties(lines: list[str]) -> dict[str, Any]:
    """An event's properties. Each line of our export's is `key: JSON` (JSON being YAML),
    read as JSON: PyYAML takes 7 ms for an event's properties, json microseconds."""
    import json

    if not lines:
        return {}
    found: dict[str, Any] = {}
    for line in lines:
        key, colon, value = line.partition(":")
        try:
            if not colon or not _PROPERTY.match(line) or key.strip() in found:
                raise ValueError(line)
            found[key.strip()] = json.loads(value)
        except ValueError:
            break
    else:
        return found
    import yaml

    try:
        loaded = yaml.load("\n".join(lines), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError, TypeError) as error:
        raise _Bad("properties", "the event's properties are not YAML: "
                   f"{' '.join(str(error).split())[:160]}") from None
    return {str(k): v for k, v in loaded.items()} if isinstance(loaded, dict) else {}


# -- dates ---------------------------------------------------------------------------------

_RANGE_JOIN = re.compile(r"\s*/\s*|\s+(?:to|til|until)\s+|\s*[–-]\s*(?=\D)|\s+[–-]\s+",
                         re.IGNORECASE)


@cache
def _event_line() -> re.Pattern[str]:
    one = rf"(?:{_ISO.pattern}|{_EDTF_DATE.pattern}|{_CASUAL.pattern}|{_SLASH.pattern})"
    return re.compile(rf"(?P<when>{_renamed(one, 'a')}(?:(?:{_RANGE_JOIN.pattern})"
                      rf"{_renamed(one, 'b')})?)(?P<every>\s+every[^:]+)?\s*:(?P<rest>.*)",
                      re.IGNORECASE)


def _split_event(line: str) -> tuple[str, str] | None:
    """The date part of an event line and what follows its colon, for the forms read."""
    stripped = line.lstrip()
    if not stripped[:1].isalnum():
        return None
    bce = _BCE_LINE.match(stripped)
    if bce and re.search(r"BCE?|AD|CE", bce[1], re.IGNORECASE):
        return bce[1], bce[2]
    match = _event_line().match(stripped)
    if not match:
        return None
    if match["every"]:
        return None  # a recurrence: a problem (looks_like_event), never an event read
    return match["when"], match["rest"]


def _renamed(pattern: str, suffix: str) -> str:
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{m[1]}{suffix}>", pattern)


def _dates(text: str, zone: object, date_format: str) -> dict[str, str]:
    """`date` (and `end`) for a Markwhen date part."""
    text = text.strip()
    bce = _BCE.fullmatch(text)
    if bce and (bce[2] or bce[4]):
        first = _bce_year(int(bce[1]), bce[2] or (bce[4] if bce[3] and bce[4] and
                                                  bce[4].upper().startswith("B") else ""))
        if not bce[3]:
            return _checked({"date": year_text(first)})
        # @markwhen/parser ends such a range where its last year starts: `300 BC - 200 BC`
        # runs to the end of 201 BC.
        last = _bce_year(int(bce[3]), bce[4] or "") - 1
        if last <= first:
            return _checked({"date": year_text(first)})
        return _checked({"date": year_text(first), "end": year_text(last)})
    parts = _split_range(text)
    first_text = _one(parts[0], zone, date_format, "from")
    if len(parts) == 1:
        return _checked({"date": first_text})
    last_text = _one(parts[1], zone, date_format, "to")
    if last_text == first_text:
        return _checked({"date": first_text})
    return _checked({"date": first_text, "end": last_text})


def _bce_year(number: int, notation: str) -> int:
    if notation.upper().startswith("B"):
        return 1 - number
    return number


def _split_range(text: str) -> list[str]:
    for piece in re.finditer(_RANGE_JOIN, text):
        left, right = text[: piece.start()], text[piece.end():]
        if left and right and _readable(left) and _readable(right):
            return [left, right]
    return [text]


def _readable(text: str) -> bool:
    text = text.strip()
    return any(p.fullmatch(text) for p in (_ISO, _EDTF_DATE, _CASUAL, _SLASH))


def _checked(found: dict[str, str]) -> dict[str, str]:
    try:
        if "end" in found:
            start, _ = parse_event_when(found["date"])
            end = parse_event_date(found["end"])
            if end.end < start.start:
                raise _Bad("date", f"the range ends ({found['end']}) before it starts "
                           f"({found['date']})")
        else:
            parse_event_when(found["date"])
    except DateError as error:
        raise _Bad("date", str(error)) from None
    return found


def _one(text: str, zone: object, date_format: str, side: str) -> str:
    text = text.strip()
    iso = _ISO.fullmatch(text)
    if iso:
        seconds = f":{iso[4]}" if iso[4] != "00" else ""
        return f"{iso[1]}T{iso[2]}:{iso[3]}{seconds}Z"
    edtf = _EDTF_DATE.fullmatch(text)
    if edtf:
        date = edtf["y"] + (f"-{edtf['mo']}" if edtf["mo"] else "") + (
            f"-{edtf['d']}" if edtf["d"] else "")
        return _with_time(date, edtf, zone, side)
    casual = _CASUAL.fullmatch(text)
    if casual:
        if casual["y3"]:
            return f"{casual['y3']}-{_MONTHS[casual['m3'].lower()]:02d}"
        month = _MONTHS[(casual["m1"] or casual["m2"]).lower()]
        return f"{casual['cy']}-{month:02d}-{int(casual['d1'] or casual['d2']):02d}"
    slash = _SLASH.fullmatch(text)
    if slash:
        if slash[5]:
            return f"{slash[5]}-{int(slash[4]):02d}"
        first, second = int(slash[1]), int(slash[2])
        day, month = (first, second) if "d/M/y" in date_format else (second, first)
        return f"{slash[3]}-{month:02d}-{day:02d}"
    raise _Bad("date", f"'{_clip(text)}' is not a date read from Markwhen")


def _with_time(date: str, match: re.Match[str], zone: object, side: str) -> str:
    if match["h24"] is not None:
        hour, minute = int(match["h24"]), int(match["m24"])
    elif match["h12"] is not None:
        hour = int(match["h12"]) % 12 + (12 if match["ampm"].lower() == "pm" else 0)
        minute = int(match["m12"] or 0)
    else:
        return date
    if isinstance(zone, dict):
        zone = zone.get(side)
    local = dt.datetime.fromisoformat(f"{date}T{hour:02d}:{minute:02d}")
    return f"{date}T{hour:02d}:{minute:02d}{_offset(zone, local)}"


def _offset(zone: object, local: dt.datetime) -> str:
    """A Markwhen timezone (`+05:30`, `-3`, `UTC`, `Europe/Paris`) as the offset at `local`."""
    if zone is None or zone == "":
        return ""
    text = str(zone).strip()
    if text.upper() in ("UTC", "Z", "GMT", "UTC+0", "+0", "0"):
        return "Z"
    fixed = re.fullmatch(r"(?:UTC)?([+-]?)(\d{1,2})(?::?(\d\d))?", text, re.IGNORECASE)
    if fixed:
        sign = "-" if fixed[1] == "-" else "+"
        hours, minutes = int(fixed[2]), int(fixed[3] or 0)
        return "Z" if hours == minutes == 0 else f"{sign}{hours:02d}:{minutes:02d}"
    try:
        from zoneinfo import ZoneInfo

        offset = local.replace(tzinfo=ZoneInfo(text)).utcoffset()
    except (ValueError, KeyError, OSError):
        raise _Bad("timezone", f"timezone '{_clip(text)}' is not an offset (+05:30), UTC "
                   "or a zone name (Europe/Paris)") from None
    seconds = int(offset.total_seconds()) if offset is not None else 0
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _covers_same(edtf: str, draft: Draft) -> bool:
    """Whether our export's `edtf` property names the days the Markwhen date covers."""
    try:
        start, end = parse_event_when(edtf)
        mine_start, mine_end = parse_event_when(draft["date"])
        if "end" in draft:
            mine_end = parse_event_date(draft["end"])
    except DateError:
        return False
    last = start.end if end is None or end.text in ("..", "") else end.end
    return start.start == mine_start.start and last == (mine_end or mine_start).end
